// Forming a council in the browser: the demo producer's rice dossier is filed and accepted in the
// demo district OCOP round; the OCOP office sets up a council from the round's page, adds an
// existing judge and a new one (the temporary password is shown once), assigns the product by
// its group and excludes a member with a reason; a judge declares a tie with the producer and
// sees it listed; the chair lets that judge score anyway, with a reason; the council's page fits
// a 360-px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, waitHydrated, login, suite, PHONE, pdf } from './helpers.js';

const s = suite();

const DISTRICT_ROUND = 'Đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn (demo)';


const open = s.open;

const as = s.as;

/// Calls a server function from the page (same origin, the page's session).
async function api(page, name, body = '') {
  return page.evaluate(async ([name, body]) => {
    const r = await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    return { status: r.status, body: await r.json() };
  }, [name, body]);
}

async function dossierState(page) {
  return (await page.textContent('#dossier-state')).trim();
}

/// The member id of the council member whose contact line shows `login`.
async function memberId(page, login) {
  return page.getAttribute(`#members li.member:has-text("${login}")`, 'data-member');
}

// Validation refusals (400) are logged by the browser as failed requests: expected here.
const unexpected = (errors) => errors.filter((e) => !e.startsWith('Failed to load resource'));

test('the office forms a council, a judge declares a conflict, the chair lets them score', async () => {
  // The demo producer files its rice dossier (left as a draft by the demo data); the office accepts it.
  const producer = await as('chuthe@demo.binhchon.vn');
  const mine = await api(producer, 'dossiers_mine');
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  const rice = mine.body.find((d) => d.round_name === DISTRICT_ROUND && /Gạo hữu cơ/.test(d.product_name));
  assert.ok(rice, 'the demo rice dossier is in the district round');
  await open(producer, `/dossiers/${rice.id}`);
  const missing = await producer.$$eval('li.checklist-item', (items) => items
    .filter((li) => li.querySelector('.tick.missing') && li.querySelector('.required') && li.querySelector('input[type=file]'))
    .map((li) => li.id.replace(/^item-/, '')));
  for (const item of missing) {
    await producer.setInputFiles(`#upload-${item}`, { name: `${item}.pdf`, mimeType: 'application/pdf', buffer: pdf(item) });
    await producer.waitForSelector(`#item-${item} .file-list li`);
  }
  await producer.check('#declaration-box');
  await producer.click('#act-submit');
  await producer.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Đã nộp');

  const office = await as('ocop@demo.binhchon.vn');
  await open(office, `/dossiers/${rice.id}`);
  await office.click('#act-accept');
  await office.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Hợp lệ, được đánh giá');
  assert.equal(await dossierState(office), 'Hợp lệ, được đánh giá');

  // The round's page: no council yet; the office sets one up and lands on its page.
  await open(office, `/office/rounds/${rice.round_id}`);
  await office.waitForSelector('#round-councils');
  assert.match(await office.textContent('#round-councils'), /chưa có hội đồng/);
  await office.click('#round-councils .council-new summary');
  const yesterday = new Date(Date.now() - 86400e3).toISOString().slice(0, 10);
  const councilName = 'Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Bình Sơn năm nay';
  await office.fill('#name', councilName);
  await office.fill('#decision_no', '310/QĐ-UBND');
  await office.fill('#decision_date', yesterday);
  await Promise.all([office.waitForURL(/\/councils\/\d+$/), office.click('#create-council')]);
  await waitHydrated(office);
  const councilId = new URL(office.url()).pathname.split('/')[2];
  assert.equal((await office.textContent('h1')).trim(), councilName);
  assert.equal((await office.textContent('#decision-no')).trim(), '310/QĐ-UBND');

  // An existing judge as chair, another as member.
  const addMember = async (login, role, fullName = '') => {
    // The form stays open after an addition, for the next one: open it only if it is closed.
    await office.evaluate(() => { document.querySelector('#members .add-member').open = true; });
    await office.fill('#login', login);
    await office.fill('#full_name', fullName);
    await office.selectOption('#role', role);
    await office.fill('#position', 'Chuyên viên');
    await office.click('#add-member-submit');
  };
  await addMember('giamkhao1@demo.binhchon.vn', 'chair');
  await office.waitForSelector('#members ul[data-role=chair] li.member:has-text("giamkhao1@demo.binhchon.vn")');
  await addMember('giamkhao3@demo.binhchon.vn', 'member');
  await office.waitForSelector('#members ul[data-role=member] li.member:has-text("giamkhao3@demo.binhchon.vn")');
  assert.equal(await office.$('#temp-password'), null, 'an existing judge gets no new password');

  // Someone without an account: the office is told to give a name, then the account is made
  // and its temporary password shown once.
  await addMember('le.thi.hoa@example.vn', 'member');
  await office.waitForSelector('.error-summary');
  assert.match(await office.textContent('.error-summary'), /nhập họ và tên để tạo tài khoản giám khảo mới/);
  await office.fill('#full_name', 'Lê Thị Hoa');
  await office.click('#add-member-submit');
  await office.waitForSelector('#temp-password');
  const password = (await office.textContent('#temp-password-value')).trim();
  assert.ok(password.length >= 8, `a temporary password is shown (${password})`);
  assert.match(await office.textContent('#temp-password'), /trao tận tay/);
  await office.waitForSelector('#members li.member:has-text("le.thi.hoa@example.vn")');

  // The new judge can log in with it (and must change it first).
  const newcomer = await newPage(s.browser);
  await login(newcomer, s.server.base, 'le.thi.hoa@example.vn', password);
  await newcomer.waitForSelector('a[href="/account"]');
  await newcomer.context().close();

  // Assign by product group: the rice's group takes the rice.
  await office.check('#assign input[name=mode][value=group]');
  await office.waitForSelector('#assign-group');
  const groupOptions = await office.$$eval('#assign-group option', (os) => os.map((o) => o.value));
  assert.ok(groupOptions.includes(rice.group_code), `the rice's group ${rice.group_code} is offered: ${groupOptions}`);
  await office.selectOption('#assign-group', rice.group_code);
  await office.click('#assign-submit');
  await office.waitForSelector('#assigned li.assigned:has-text("Gạo hữu cơ")');
  assert.match(await office.textContent('#products'), /Mọi hồ sơ hợp lệ của đợt đã được phân công/);

  // The office keeps the new judge away from the rice, with a reason.
  const hoa = await memberId(office, 'le.thi.hoa@example.vn');
  const hoaCell = `#conflicts .grid-cell[data-member="${hoa}"][data-dossier="${rice.id}"]`;
  await office.click(`${hoaCell} .exclude summary`);
  await office.fill(`${hoaCell} textarea`, 'Từng là cán bộ hỗ trợ hợp tác xã làm hồ sơ sản phẩm này.');
  await office.click(`${hoaCell} .exclude button[type=submit]`);
  await office.waitForSelector(`${hoaCell} .grid-reason:has-text("Từng là cán bộ hỗ trợ")`);
  assert.match(await office.textContent(hoaCell), /Văn phòng đã loại khỏi sản phẩm này/);

  // The round's page lists the council with its counts.
  await open(office, `/office/rounds/${rice.round_id}`);
  const listed = await office.textContent(`#councils li[data-council="${councilId}"]`);
  assert.match(listed, /310\/QĐ-UBND/);
  assert.match(listed, /3 thành viên · 1 sản phẩm/);

  // Judge 3 declares a tie with the producer from the navigation's "Xung đột lợi ích".
  const judge = await as('giamkhao3@demo.binhchon.vn');
  await Promise.all([judge.waitForURL(/\/judge\/conflicts$/), judge.click('nav a[href="/judge/conflicts"]')]);
  await judge.waitForSelector('#declare');
  assert.match(await judge.textContent('main'), /Bạn chưa kê khai quan hệ nào/);
  await judge.click('#declare-submit');
  await judge.waitForSelector('.error-summary');
  assert.match(await judge.textContent('.error-summary'), /Hãy chọn chủ thể trong danh sách/);
  await judge.selectOption('#producer_id', { index: 1 });
  await judge.check('input[name=relationship][value=adviser]');
  await judge.fill('#note', 'Đã hướng dẫn hợp tác xã làm hồ sơ năm ngoái.');
  await judge.click('#declare-submit');
  await judge.waitForSelector('#declarations li.declaration');
  const declared = await judge.textContent('#declarations');
  assert.match(declared, /HTX Nông nghiệp Bình Chánh/);
  assert.match(declared, /Đã tư vấn, hỗ trợ chủ thể/);

  // The chair sees the declared conflict and lets judge 3 score the rice anyway.
  const chair = await as('giamkhao1@demo.binhchon.vn');
  await open(chair, `/councils/${councilId}`);
  const j3 = await memberId(chair, 'giamkhao3@demo.binhchon.vn');
  const j3Cell = `#conflicts .grid-cell[data-member="${j3}"][data-dossier="${rice.id}"]`;
  await chair.waitForSelector(j3Cell);
  assert.match(await chair.textContent(j3Cell), /Xung đột lợi ích — không chấm/);
  assert.match(await chair.textContent(j3Cell), /tự kê khai/);
  const chairId = await memberId(chair, 'giamkhao1@demo.binhchon.vn');
  assert.equal(await chair.$(`#conflicts .grid-cell[data-member="${chairId}"] .override-form`), null, 'nothing to override for the chair');
  assert.equal(await chair.$('#add-member'), null, 'only the office changes the members');
  await chair.fill(`${j3Cell} .override-form textarea`, 'Chỉ hướng dẫn thủ tục, không có lợi ích với kết quả; hội đồng thống nhất cho chấm.');
  await chair.click(`${j3Cell} .override-form button[type=submit]`);
  await chair.waitForSelector(`${j3Cell} .override-reason:has-text("Chỉ hướng dẫn thủ tục")`);
  assert.match(await chair.textContent(j3Cell), /Chủ tịch cho phép chấm/);

  // The office sees the override too; on a 360-px phone the council's page does not scroll sideways.
  const phone = await as('ocop@demo.binhchon.vn', PHONE);
  await open(phone, `/councils/${councilId}`);
  await phone.waitForSelector(`${j3Cell} .override-reason`);
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `the council page is ${wide}px wider than a 360-px phone`);

  for (const p of [producer, office, judge, chair, phone]) {
    assert.deepEqual(unexpected(p.errors), [], 'no script errors');
  }
});
