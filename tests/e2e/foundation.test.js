// Browser tests of the foundation: hydration, language switch, log-in for every demo role,
// producer sign-up on a 360-px phone, and the error summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, waitHydrated, login, suite, PHONE } from './helpers.js';

const s = suite();

test('the page hydrates: live password hint and language switch work without a reload', async () => {
  const page = await newPage(s.browser);
  await page.goto(`${s.server.base}/signup`);
  await waitHydrated(page);
  await page.evaluate(() => { window.__no_reload_marker = 42; });
  await page.fill('#password', 'abc');
  await page.waitForFunction(() => document.querySelector('#password-hint')?.textContent.includes('Còn thiếu 7 ký tự'));
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Sign up as a producer');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.evaluate(() => window.__no_reload_marker), 42, 'no page reload happened');
  // The choice is remembered: a fresh load renders English on the server.
  await page.goto(`${s.server.base}/login`);
  assert.equal(await page.textContent('h1'), 'Log in');
  await waitHydrated(page);
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Đăng nhập');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

const ROLES = [
  ['admin@demo.binhchon.vn', 'Quản trị hệ thống', true],
  ['ocop@demo.binhchon.vn', 'Cán bộ văn phòng OCOP', false],
  ['spcnnttb@demo.binhchon.vn', 'Cán bộ văn phòng bình chọn SPCNNTTB', false],
  ['giamkhao1@demo.binhchon.vn', 'Thành viên hội đồng (giám khảo)', false],
  ['xa.binhchanh@demo.binhchon.vn', 'Cán bộ UBND xã', false],
  ['chuthe@demo.binhchon.vn', 'Chủ thể sản xuất', false],
];

for (const [email, roleName, isAdmin] of ROLES) {
  test(`${email} logs in, sees the role's navigation, and logs out`, async () => {
    const page = await newPage(s.browser);
    await login(page, s.server.base, email);
    await page.waitForSelector('.role-list');
    assert.match(await page.textContent('.role-list'), new RegExp(roleName.replace(/[()]/g, '\\$&')));
    const adminLink = await page.$('nav a[href="/admin/users"]');
    assert.equal(adminLink !== null, isAdmin, 'only administrators see account administration');
    if (isAdmin) {
      await adminLink.click();
      await page.waitForSelector('table.data-table tbody tr');
      assert.match(await page.textContent('table.data-table'), /giamkhao1@demo\.binhchon\.vn/);
    }
    await Promise.all([page.waitForSelector('nav a[href="/login"]'), page.click('#logout')]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a producer signs up on a 360-px phone without horizontal scrolling', async () => {
  const page = await newPage(s.browser, PHONE);
  await page.goto(`${s.server.base}/signup`);
  await waitHydrated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.fill('#full_name', 'Phạm Thị Hồng');
  await page.fill('#phone', '0935 111 222');
  await page.fill('#password', 'banh xeo binh son');
  await page.fill('#producer_name', 'Tổ hợp tác bánh tráng Bình Châu');
  await page.check('input[name=producer_type][value=cooperative_group]');
  await page.selectOption('#commune_id', { label: 'Xã Bình Châu' });
  await Promise.all([page.waitForSelector('.role-list'), page.click('button[type=submit]')]);
  assert.match(await page.textContent('h1'), /Xin chào, Phạm Thị Hồng/);
  // The welcome notice is waiting: the badge counts it, the list shows it, reading it clears the badge.
  await page.waitForSelector('#nav-notifications .badge');
  assert.equal((await page.textContent('#nav-notifications .badge')).trim(), '1');
  await Promise.all([page.waitForSelector('.notification.unread'), page.click('#nav-notifications')]);
  assert.match(await page.textContent('.notification'), /Tổ hợp tác bánh tráng Bình Châu/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `notifications page is ${wide}px wider than the screen`);
  await page.click('#mark-all-read');
  await page.waitForSelector('.notification:not(.unread)');
  await page.waitForSelector('#nav-notifications .badge', { state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a wrong password shows the error summary, linked to the field', async () => {
  const page = await newPage(s.browser);
  await page.goto(`${s.server.base}/login`);
  await waitHydrated(page);
  await page.fill('#login', 'chuthe@demo.binhchon.vn');
  await page.fill('#password', 'sai mat khau roi');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /không đúng/);
  assert.equal(await page.getAttribute('.error-summary a', 'href'), '#password');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  await page.context().close();
});

test('the public statistics open without logging in, on a phone, and the filters work', async () => {
  const page = await newPage(s.browser, PHONE);
  await page.goto(`${s.server.base}/`);
  await waitHydrated(page);
  await page.click('nav a[href="/statistics"]');
  await page.waitForSelector('#stats-filters');
  // Either the published rounds' counts or a plain "nothing yet".
  await page.waitForSelector('#stats-year-table, #stats-empty');
  await page.selectOption('#stats-programme', 'spcnnttb');
  await page.waitForFunction(() => !document.querySelector('#stats-year-table tr[data-programme=ocop]'));
  await page.waitForSelector('#stats-year-table, #stats-empty');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360-px phone`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
