// The public site on a 360-px phone, on the demo data's published round (two certified products
// of "Cơ sở nước mắm Bình Thuận (demo)"): an anonymous visitor opens the catalogue, searches
// "nuoc mam" without diacritics, opens the certificate and reads "Còn hiệu lực" on the
// verification page, then the printable certificate with its QR code. No script errors anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, waitHydrated } from './helpers.js';

let server;
let browser;

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function noOverflow(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${what} is ${wide}px wider than the screen`);
}

test('the public catalogue on a phone: search without diacritics, open the certificate, it is valid', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(`${server.base}/catalogue`);
  await waitHydrated(page);
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
