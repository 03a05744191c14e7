// The producer's path on a 360-px phone: sign up, profile, a product with photos, a dossier with
// documents, a supplement request, the supplement, acceptance — and a second producer who cannot
// open the first one's dossier or files. Also: every dossier page hydrates for every role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, waitHydrated, login, suite, PHONE, pdf, unexpected } from './helpers.js';

const s = suite();

// A real 1×1 PNG (the server checks content, not names).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');


async function noOverflow(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${what} is ${wide}px wider than the screen`);
}

async function signup(page, name, phone, producer) {
  await page.goto(`${s.server.base}/signup`);
  await waitHydrated(page);
  await page.fill('#full_name', name);
  await page.fill('#phone', phone);
  await page.fill('#password', 'mot cau mat khau du dai');
  await page.fill('#producer_name', producer);
  await page.check('input[name=producer_type][value=household]');
  await page.selectOption('#commune_id', { label: 'Xã Bình Chánh' });
  await Promise.all([page.waitForSelector('.role-list'), page.click('button[type=submit]')]);
}

async function state(page) {
  return (await page.textContent('#dossier-state')).trim();
}

const open = s.open;

test('a producer files on a phone, supplements when asked, and is accepted; another producer sees nothing', async () => {
  const p = await newPage(s.browser, PHONE);
  await signup(p, 'Trương Văn Nam', '0935 222 333', 'Hộ kinh doanh Nón lá Nam');

  // Profile: what the registration form needs.
  await open(p, '/producer/profile');
  await p.fill('#registration_no', '34A8001234');
  await p.fill('#representative', 'Trương Văn Nam');
  await p.fill('#representative_title', 'Chủ hộ kinh doanh');
  await p.fill('#address', 'Thôn An Điềm');
  await p.fill('#phone', '0935222333');
  await Promise.all([p.waitForSelector('.notice-success'), p.click('#profile-form button[type=submit]')]);
  await noOverflow(p, 'the profile page');

  // A product, then its three photos.
  await open(p, '/products/new');
  await p.check('input[name=programme][value=spcnnttb]');
  await p.fill('#name', 'Nón lá bài thơ');
  await p.selectOption('#group_code', '1');
  await p.fill('#description', 'Nón lá chằm tay 16 vòng.');
  await p.fill('#raw_materials', 'Lá buông, tre địa phương.');
  await p.fill('#packaging', 'Hộp giấy có nhãn.');
  await Promise.all([p.waitForURL(/\/products\/\d+$/), p.click('#save-product')]);
  await waitHydrated(p);
  for (const [i, view] of ['front', 'side', 'top'].entries()) {
    await p.selectOption('#photo-view', view);
    await p.setInputFiles('#photo-file', { name: `anh-${view}.png`, mimeType: 'image/png', buffer: PNG });
    await p.waitForFunction((n) => document.querySelectorAll('.photo-grid li').length === n, i + 1);
  }
  await noOverflow(p, 'the product page');

  // The dossier.
  await open(p, '/dossiers');
  const form = p.locator('.round-open', { hasText: 'Bình chọn sản phẩm CNNT tiêu biểu huyện Bình Sơn' });
  await Promise.all([p.waitForURL(/\/dossiers\/\d+$/), form.locator('button[type=submit]').click()]);
  await waitHydrated(p);
  const dossierUrl = p.url();
  assert.equal(await state(p), 'Đang soạn');
  await noOverflow(p, 'the dossier page');
  for (const item of ['phieu-dang-ky', 'giay-dang-ky', 'thuyet-minh']) {
    await p.setInputFiles(`#upload-${item}`, { name: `${item}.pdf`, mimeType: 'application/pdf', buffer: pdf(item) });
    await p.waitForSelector(`#item-${item} .file-list li`);
  }
  // Submitting without the declaration names what is missing.
  await p.click('#act-submit');
  await p.waitForSelector('.error-summary');
  assert.match(await p.textContent('.error-summary'), /cam kết/);
  await p.check('#declaration-box');
  await p.click('#act-submit');
  await p.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Đã nộp');
  const fileHref = await p.getAttribute('#item-phieu-dang-ky .file-list a', 'href');

  // The office asks for a clearer business registration.
  const o = await newPage(s.browser);
  await login(o, s.server.base, 'spcnnttb@demo.binhchon.vn');
  await open(o, '/office/dossiers');
  await o.waitForSelector('#dossiers');
  assert.match(await o.textContent('#dossiers'), /Nón lá bài thơ/);
  await open(o, new URL(dossierUrl).pathname);
  await o.check('#items input[value=giay-dang-ky]');
  const deadline = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10);
  await o.fill('#deadline', deadline);
  await o.fill('#reason', 'Bản sao giấy đăng ký bị mờ, hãy chụp lại.');
  await o.click('#act-request_supplement');
  await o.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Yêu cầu bổ sung');

  // The producer is told, supplements only that item, and sends it.
  await open(p, new URL(dossierUrl).pathname);
  await p.waitForSelector('#supplement-request');
  assert.match(await p.textContent('#supplement-request'), /bị mờ/);
  assert.equal(await p.$('#upload-thuyet-minh'), null, 'items not asked for cannot change');
  await p.setInputFiles('#upload-giay-dang-ky', { name: 'giấy đăng ký rõ.pdf', mimeType: 'application/pdf', buffer: pdf('ro') });
  await p.waitForFunction(() => document.querySelectorAll('#item-giay-dang-ky .file-list li').length === 2);
  await p.click('#act-supplement');
  await p.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Đã bổ sung');

  await open(o, new URL(dossierUrl).pathname);
  await o.click('#act-accept');
  await o.waitForFunction(() => document.querySelector('#dossier-state')?.textContent.trim() === 'Hợp lệ, được đánh giá');
  await open(p, new URL(dossierUrl).pathname);
  assert.match(await p.textContent('#timeline'), /Tiếp nhận hồ sơ hợp lệ/);
  // The refused submission above is logged by the browser as a failed request: expected.
  assert.deepEqual(unexpected(p.errors), []);
  assert.deepEqual(unexpected(o.errors), []);

  // A second producer guesses the URLs.
  const q = await newPage(s.browser, PHONE);
  await signup(q, 'Lê Thị Tò Mò', '0935 444 555', 'Hộ kinh doanh Tò Mò');
  await open(q, new URL(dossierUrl).pathname);
  await q.waitForSelector('.notice-error');
  assert.match(await q.textContent('.notice-error'), /Không tìm thấy/);
  const res = await q.request.get(`${s.server.base}${fileHref}`);
  assert.equal(res.status(), 404);
  await p.context().close();
  await o.context().close();
  await q.context().close();
});

const PAGES = [
  ['chuthe@demo.binhchon.vn', ['/', '/producer/profile', '/products', '/dossiers', '/producer/certificates']],
  ['spcnnttb@demo.binhchon.vn', ['/', '/office/rounds', '/office/dossiers', '/office/nominations', '/office/certificates']],
  ['ocop.tinh@demo.binhchon.vn', ['/office/rounds', '/office/dossiers', '/office/nominations', '/office/certificates', '/office/statistics']],
  ['xa.binhchanh@demo.binhchon.vn', ['/', '/commune/dossiers']],
];

for (const [email, paths] of PAGES) {
  test(`${email}: every page and the dossiers they open hydrate without errors`, async () => {
    const page = await newPage(s.browser);
    await login(page, s.server.base, email);
    const dossierLinks = new Set();
    for (const path of paths) {
      await open(page, path);
      for (const a of await page.$$('a[href^="/dossiers/"], a[href^="/products/"], a[href^="/office/rounds/"]')) {
        const href = await a.getAttribute('href');
        if (/^\/(dossiers|products|office\/rounds)\/\d+$/.test(href)) dossierLinks.add(href);
      }
    }
    assert.ok(dossierLinks.size > 0, `${email} sees some dossiers, products or rounds`);
    for (const href of dossierLinks) {
      await open(page, href);
      assert.equal(await page.$('.notice-error'), null, `${href} opens for ${email}`);
    }
    assert.deepEqual(page.errors, [], `page errors for ${email}`);
    await page.context().close();
  });
}
