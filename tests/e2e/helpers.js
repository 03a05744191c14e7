// Shared set-up for the browser tests: a real binhchon server on a free port with a fresh
// SQLite database and the demo accounts, and Debian's chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const DEMO_PASSWORD = 'binhchon-demo';
/// A 360-px phone, the size producers and judges use.
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
/// A small valid PDF (the server checks content, not names).
export const pdf = (label) => Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

/// One server and one browser for a test file, started before its tests and stopped after them;
/// `server` and `browser` are set once the `before` hook has run.
export function suite(extraEnv = {}) {
  const s = { server: undefined, browser: undefined };
  before(async () => {
    s.server = await startServer(extraEnv);
    s.browser = await launchBrowser();
  });
  after(async () => {
    await s.browser?.close();
    await s.server?.stop();
  });
  /// Opens a path on the server and waits for the page to hydrate.
  s.open = async (page, path) => {
    await page.goto(`${s.server.base}${path}`);
    await waitHydrated(page);
  };
  /// A new page (browser context) signed in as `email`.
  s.as = async (email, options = {}) => {
    const page = await newPage(s.browser, options);
    await login(page, s.server.base, email);
    return page;
  };
  return s;
}

export async function startServer(extraEnv = {}) {
  const bin = process.env.BINHCHON_BIN;
  if (!bin) throw new Error('BINHCHON_BIN is not set (run through `make test`)');
  const dir = mkdtempSync(join(tmpdir(), 'binhchon-e2e-'));
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      DATABASE_URL: `sqlite://${join(dir, 'binhchon.db')}`,
      SEED_DEMO: '1',
      RUST_LOG: process.env.TEST_LOG ?? 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const m = buf.match(/is serving on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/// A page that fails the test on any uncaught script error (a broken hydration shows up here).
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

/// Script errors other than the browser's note of a refused request (a test that provokes a
/// refusal on purpose still fails on any real script error).
export const unexpected = (errors) => errors.filter((e) => !e.startsWith('Failed to load resource'));

/// Waits until the WebAssembly app has taken over the server-rendered page.
export async function waitHydrated(page) {
  await page.waitForFunction(() => window.__binhchon_hydrated === true, null, { timeout: 30_000 });
}

export async function login(page, base, email, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`);
  await waitHydrated(page);
  await page.fill('#login', email);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 }),
    page.click('button[type=submit]'),
  ]);
}
