// Browser tests of the rule-set catalogue and the form editor: every page hydrates without a
// script error, and an office edits a form with live checks and a live preview (no reload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, waitHydrated, login, suite, PHONE } from './helpers.js';

const s = suite();


const byId = (id) => `[id="${id}"]`;

async function textOf(page, selector) {
  return (await page.textContent(selector)) ?? '';
}

test('the catalogue pages hydrate and show the rules, with the illustrative banner', async () => {
  const page = await newPage(s.browser, PHONE);
  await login(page, s.server.base, 'ocop@demo.binhchon.vn');
  await page.goto(`${s.server.base}/rulesets`);
  await waitHydrated(page);
  assert.match(await textOf(page, '#rule-sets'), /ocop-qd148-2023/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the list is ${overflow}px wider than a 360-px phone`);
  const href = await page.getAttribute('#rule-sets tr:has-text("ocop-qd148-2023") a', 'href');
  await page.goto(`${s.server.base}${href}`);
  await waitHydrated(page);
  assert.match(await textOf(page, 'h1'), /148/);
  assert.match(await textOf(page, '#star-bands'), /5★/);
  assert.match(await textOf(page, 'main'), /Mẫu minh họa — không phải phiếu chính thức/);
  const formHref = await page.getAttribute('#form-list a', 'href');
  await page.goto(`${s.server.base}${formHref}`);
  await waitHydrated(page);
  assert.match(await textOf(page, '.illustrative-banner'), /Mẫu minh họa — không phải phiếu chính thức/);
  assert.match(await textOf(page, byId('view-total')), /0,00 \/ 100/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an office edits a form: a live error without a reload, fixed, and the preview total follows', async () => {
  const page = await newPage(s.browser);
  await login(page, s.server.base, 'ocop@demo.binhchon.vn');
  await page.goto(`${s.server.base}/`);
  await waitHydrated(page);
  // In-app navigation from the home page (the catalogue pages' own hydration is the test above).
  await page.click('nav a[href="/rulesets"]');
  await page.waitForSelector('#rule-sets');
  await page.click('#rule-sets tr:has-text("ocop-qd148-2023") a');
  // The demo rounds score with version 1, so it is frozen: editing starts with a new version.
  await page.waitForSelector('#new-rule-set-version');
  await Promise.all([page.waitForSelector('#publish-rule-set'), page.click('#new-rule-set-version')]);
  await page.waitForSelector('#form-list a');
  await page.click('#form-list a');
  await page.waitForSelector('#new-form-version');
  await Promise.all([page.waitForSelector('#editor'), page.click('#new-form-version')]);
  await page.waitForSelector('#form-valid');
  await page.evaluate(() => { window.__no_reload_marker = 7; });

  // Pick A1.1's top option in the preview: 3 points.
  await page.click(byId('preview-c-A1.1-o3'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.startsWith('3,00'), byId('preview-total'));

  // Raise A1.1 and its top option to 4: part A no longer adds up to 40.
  await page.fill(byId('c-A1.1-max'), '4');
  await page.fill(byId('c-A1.1-o3-points'), '4');
  await page.waitForFunction(() => document.querySelector('#ed-part-A')?.textContent
    .includes('tổng điểm tối đa các tiêu chí (41) khác điểm tối đa của phần (40)'));
  assert.match(await textOf(page, '#form-issues'), /Phiếu còn 1 lỗi/);
  assert.equal(await page.isDisabled('#publish-form'), true, 'an invalid form cannot be published');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.startsWith('4,00'), byId('preview-total'));

  // Put it back: valid again, and the total follows.
  await page.fill(byId('c-A1.1-o3-points'), '3');
  await page.fill(byId('c-A1.1-max'), '3');
  await page.waitForSelector('#form-valid');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.startsWith('3,00'), byId('preview-total'));
  assert.equal(await page.evaluate(() => window.__no_reload_marker), 7, 'no page reload happened');

  // Save the draft; the server agrees it is valid.
  await page.click('#save-draft');
  await page.waitForFunction(() => document.querySelector('#saved')?.textContent.includes('Phiếu hợp lệ'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
