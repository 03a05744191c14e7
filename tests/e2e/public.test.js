// The public site on a 360-px phone, on the demo data's published round (two certified products
// of "Cơ sở nước mắm Bình Thuận (demo)"): an anonymous visitor opens the catalogue, searches
// "nuoc mam" without diacritics, opens the certificate and reads "Còn hiệu lực" on the
// verification page, then the printable certificate with its QR code; the catalogue downloads as
// CSV. The office loads a list of earlier certified products and reads the report. No script
// errors anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, newPage, waitHydrated, PHONE, unexpected } from './helpers.js';

const s = suite();

async function noOverflow(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${what} is ${wide}px wider than the screen`);
}

test('the public catalogue on a phone: search without diacritics, open the certificate, it is valid', async () => {
  const page = await newPage(s.browser, PHONE);
  await s.open(page, '/catalogue');
  await page.waitForSelector('.catalogue-card');
  assert.ok(await page.locator('.catalogue-card').count() >= 2, 'the demo certificates are listed');
  await noOverflow(page, 'the catalogue');

  // A search that matches nothing says so; then "nuoc mam" finds "Nước mắm nhĩ …".
  await page.fill('#q', 'khong co san pham nao');
  await page.click('#catalogue-search-button');
  await page.waitForSelector('#catalogue-empty');
  await page.fill('#q', 'nuoc mam');
  await page.click('#catalogue-search-button');
  await page.waitForSelector('.catalogue-card');
  const names = await page.locator('.catalogue-card .catalogue-name').allTextContents();
  assert.ok(names.includes('Nước mắm nhĩ Bình Thuận (demo)'), `"nuoc mam" finds ${names}`);
  const card = page.locator('.catalogue-card', { hasText: 'Nước mắm nhĩ Bình Thuận (demo)' });
  assert.match(await card.textContent(), /★★★/);

  await Promise.all([page.waitForURL(/\/verify\/[A-Z0-9-]+$/), card.locator('.catalogue-name a').click()]);
  await page.waitForSelector('#verify-status');
  assert.equal((await page.textContent('#verify-status')).trim(), 'Còn hiệu lực');
  assert.match(await page.textContent('#verify-number'), /^OCOP-BS-\d{4}-000\d$/);
  await noOverflow(page, 'the verification page');

  // The same page loaded directly (as from the QR code) hydrates and says the same.
  await page.goto(page.url());
  await waitHydrated(page);
  assert.equal((await page.textContent('#verify-status')).trim(), 'Còn hiệu lực');

  // The printable certificate carries the QR code.
  await page.click('text=Xem bản in giấy chứng nhận');
  await page.waitForSelector('#certificate-doc .qr svg');
  assert.match(await page.textContent('#certificate-doc'), /GIẤY CHỨNG NHẬN/);

  assert.deepEqual(page.errors, [], 'no script errors');
});

test('the catalogue downloads as CSV with its filters, in Vietnamese', async () => {
  const page = await newPage(s.browser, PHONE);
  await s.open(page, '/catalogue');
  await page.fill('#q', 'nuoc mam');
  await page.click('#catalogue-search-button');
  await page.waitForSelector('.catalogue-card');
  const href = await page.getAttribute('#catalogue-csv', 'href');
  assert.equal(href, '/files/catalogue.csv?q=nuoc%20mam');
  const res = await page.request.get(`${s.server.base}${href}`);
  assert.equal(res.status(), 200);
  const text = (await res.body()).toString('utf8');
  assert.ok(text.startsWith('\ufeffSố giấy chứng nhận,Sản phẩm'), text.slice(0, 80));
  assert.match(text, /Nước mắm nhĩ Bình Thuận \(demo\)/);
  assert.deepEqual(page.errors, [], 'no script errors');
});

test('the office loads a list of earlier certified products and reads the report', async () => {
  const page = await s.as('ocop@demo.binhchon.vn');
  await s.open(page, '/office/certificates');
  await page.waitForSelector('#certificate-import');
  // The template the page offers, uploaded as it is: no rows, and the report says so.
  const template = await page.request.get(`${s.server.base}${await page.getAttribute('#import-template-ocop', 'href')}`);
  assert.equal(template.status(), 200);
  await page.setInputFiles('#import-file-ocop', { name: 'danh-sach.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await template.body() });
  await page.waitForSelector('#certificate-import-report');
  assert.match(await page.textContent('#certificate-import-report'), /0 hàng — đã nhập 0/);
  await page.waitForSelector('#certificate-imports li');
  assert.match(await page.textContent('#certificate-imports'), /danh-sach\.xlsx/);
  // A file that is not a workbook: a Vietnamese message that says what to do.
  await page.setInputFiles('#import-file-ocop', { name: 'ghi-chu.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a workbook') });
  await page.waitForSelector('text=Hãy lưu lại bằng Excel hoặc LibreOffice');
  assert.deepEqual(unexpected(page.errors), [], 'no script errors beyond the refusal provoked');
});
