// Nomination to the province in the browser: the demo district round is scored (every criterion
// at its best option, so both products go up) and finalised through the API; the district office
// opens the nomination from the round's page, enters the letter, leaves the fish sauce out with a
// reason (it is already filed at the province), sends the rice to the province round and prints the
// letter; the province office accepts the rice from its inbox and opens the new dossier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, unexpected } from './helpers.js';

const s = suite();
const open = s.open;
const as = s.as;

/// Calls a server function from the page (same origin, the page's session).
async function api(page, name, body = '', json = false) {
  return page.evaluate(async ([name, body, json]) => {
    const r = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: r.status, body: await r.json() };
  }, [name, body, json]);
}

/// The judge submits every product of theirs with the best option of every criterion.
async function scoreBest(page) {
  const products = await api(page, 'judge_products');
  assert.equal(products.status, 200);
  for (const p of products.body) {
    const ws = await api(page, 'sheet_workspace', `dossier_id=${p.dossier_id}`);
    assert.equal(ws.status, 200, JSON.stringify(ws.body));
    const answers = {};
    for (const part of ws.body.form.parts) {
      for (const group of part.groups) {
        for (const c of group.criteria) {
          const pts = c.options.map((o) => Number(o.points));
          answers[c.code] = { option: pts.indexOf(Math.max(...pts)) };
        }
      }
    }
    const body = JSON.stringify({ sheet_id: ws.body.sheet.id, version: ws.body.sheet.version, answers, notes: {} });
    const r = await api(page, 'sheet_submit', body, true);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  return products.body;
}

test('the district nominates the rice and the province accepts it from its inbox', async () => {
  let products;
  for (const email of ['giamkhao1@demo.binhchon.vn', 'giamkhao2@demo.binhchon.vn', 'giamkhao3@demo.binhchon.vn']) {
    const judge = await as(email);
    products = await scoreBest(judge);
    await judge.context().close();
  }
  const round = products[0].round_id;
  const fish = products.find((p) => p.product_name.startsWith('Nước mắm')).dossier_id;
  const office = await as('ocop@demo.binhchon.vn');
  for (const action of ['start_deliberation', 'finalise']) {
    const r = await api(office, 'round_act', `id=${round}&action=${action}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }

  // From the round's page to the nomination.
  await open(office, `/office/rounds/${round}`);
  await office.click('#nomination-link');
  await office.waitForSelector('li.nomination-item');
  assert.equal(await office.locator('li.nomination-item').count(), 2);
  assert.match(await office.textContent(`li.nomination-item[data-dossier="${fish}"]`), /Trong hồ sơ đề nghị/);

  await office.fill('#letter-no', '45/TTr-UBND');
  await office.fill('#letter-date', '2026-06-15');
  await office.fill('#letter-signatory', 'Nguyễn Văn Bình');
  await office.fill('#letter-title', 'KT. CHỦ TỊCH — PHÓ CHỦ TỊCH');
  await office.click('#letter-save');
  await office.waitForFunction(() => document.querySelector('#letter-no')?.value === '45/TTr-UBND');

  // Leaving a product out needs a reason.
  const fishItem = office.locator(`li.nomination-item[data-dossier="${fish}"]`);
  await fishItem.locator('button:has-text("Không đề nghị")').click();
  await office.waitForSelector('.error-notice, [role=alert]');
  await office.fill(`#exclude-${fish}`, 'Đã có hồ sơ trực tiếp tại đợt cấp tỉnh');
  await fishItem.locator('button:has-text("Không đề nghị")').click();
  await office.waitForFunction((id) => /Không đề nghị/.test(document.querySelector(`li.nomination-item[data-dossier="${id}"] .badge`)?.textContent ?? ''), fish);

  await office.click('#nomination-send');
  await office.waitForSelector('#nomination-sent');
  assert.match(await office.textContent('#nomination-sent'), /Đã gửi lên đợt/);

  // The printable letter.
  await open(office, `/office/rounds/${round}/nomination/letter`);
  const letter = await office.textContent('article.letter');
  assert.match(letter, /TỜ TRÌNH/);
  assert.match(letter, /45\/TTr-UBND/);
  assert.match(letter, /Gạo hữu cơ/);
  assert.doesNotMatch(letter, /Nước mắm/);
  assert.deepEqual(unexpected(office.errors), [], 'only the refusal the test provoked');

  // The province's inbox.
  const province = await as('ocop.tinh@demo.binhchon.vn');
  await open(province, '/office/nominations');
  await province.waitForSelector('li.inbox-item');
  const item = province.locator('li.inbox-item').first();
  assert.match(await item.textContent(), /Gạo hữu cơ/);
  assert.match(await item.textContent(), /45\/TTr-UBND/);
  await item.locator('button:has-text("Tiếp nhận vào đợt")').click();
  await province.waitForFunction(() => /Cấp trên đã tiếp nhận/.test(document.querySelector('li.inbox-item .badge')?.textContent ?? ''));
  await item.locator('a:has-text("Mở hồ sơ trong đợt của bạn")').click();
  await province.waitForURL(/\/dossiers\/\d+$/);
  await province.waitForSelector('#dossier-state');
  assert.deepEqual(province.errors, []);
});
