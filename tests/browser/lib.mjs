// lib.mjs: what the browser tests share: the server under test, a Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; never a downloaded
// browser), and watchers for console errors, CSP violations and requests to
// any host other than the server.
//
// The server: TUOGOU_BASE_URL when set (run.sh starts the server and sets it);
// otherwise this starts the real `build/tuogou serve` on a scratch database.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TOP = path.resolve(HERE, '..', '..');
export const ARTIFACTS = path.join(TOP, 'tests', 'artifacts');
export const USER = process.env.TUOGOU_TEST_USER || 'office1';
export const PASSWORD = process.env.TUOGOU_TEST_PASSWORD || 'Tuogou-Test-2017';
export const UNIT_USER = 'unit06'; // role unit, scoped to the supervising unit U06
export const UNIT = 'U06';
const CHROMIUM = process.env.TUOGOU_CHROMIUM || '/usr/bin/chromium';

export const TUOGOU = process.env.TUOGOU_BIN ? path.resolve(TOP, process.env.TUOGOU_BIN) : path.join(TOP, 'build', 'tuogou');

async function waitHealthy(url, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url + '/healthz'); if (r.ok && (await r.text()).trim() === 'ok') return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the server at ${url} did not answer /healthz`);
}

// Starts the server under test unless TUOGOU_BASE_URL names one.
export async function startServer() {
  if (process.env.TUOGOU_BASE_URL) return { url: process.env.TUOGOU_BASE_URL.replace(/\/$/, ''), stop: async () => {}, kind: 'given' };
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `http://127.0.0.1:${port}`;
  const bundle = fs.existsSync(path.join(TOP, 'data/demo-bundle.json')) ? path.join(TOP, 'data/demo-bundle.json') : path.join(HERE, 'fixtures/bundle.json');
  const web = fs.existsSync(path.join(TOP, 'web/dist/index.html')) ? path.join(TOP, 'web/dist') : path.join(TOP, 'web');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tuogou-browser-'));
  const log = fs.openSync(path.join(tmp, 'server.log'), 'a'); // the server's own log stays out of the TAP
  const bin = TUOGOU;
  const db = path.join(tmp, 'tuogou.db');
  execFileSync(bin, ['import', '--db', db, bundle], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(bin, ['user', 'add', USER, '--role', 'office', '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  execFileSync(bin, ['user', 'add', UNIT_USER, '--role', 'unit', '--unit', UNIT, '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', web], { stdio: ['ignore', log, log] });
  const kind = 'tuogou serve';
  await waitHealthy(url);
  return {
    url, kind,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 3000); });
      fs.closeSync(log);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

// A fresh Chromium profile, watched.  `problems` collects every console
// error, page error, CSP violation and request to another host.
export async function launch(baseUrl) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tuogou-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const origin = new URL(baseUrl).origin;
  const problems = [];
  const requests = [];
  await context.exposeBinding('__tgCspViolation', (_src, what) => problems.push(`CSP violation: ${what}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__tgCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || ''}:${e.lineNumber || ''}`);
    });
  });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (/^(data|blob|about):/.test(u) || new URL(u).origin === origin) return route.continue();
    problems.push(`request to another host: ${u}`);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] || (await context.newPage());
  const watch = (p) => {
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      // An API answer of 4xx is the application speaking (not logged in, a
      // wrong password, an invalid bundle): the tests check those answers
      // themselves.  Any other failed load, or a 5xx, is a problem.
      const apiAnswer = /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
        (m.location().url || '').startsWith(origin + '/api/v1/');
      if (!apiAnswer) problems.push(`console error: ${m.text()} (${m.location().url || ''})`);
    });
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context, page, problems, requests,
    close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}

let shotNo = 0;
// Each test file keeps its screenshots under its own prefix ("" for
// ui.test.mjs: 01-login.png; "io-" for io.test.mjs), and clears only those,
// so that files run side by side do not remove each other's.
export function clearArtifacts(prefix = '') {
  if (!fs.existsSync(ARTIFACTS)) return;
  for (const f of fs.readdirSync(ARTIFACTS)) {
    if (!f.endsWith('.png')) continue;
    if (prefix ? f.startsWith(prefix) : /^\d/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  }
}
export async function shot(page, name, opts = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  shotNo += 1;
  const file = path.join(ARTIFACTS, `${opts.prefix || ''}${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage !== false, ...opts.more });
  return file;
}

// A tiny but real PDF, for the evidence upload.
export function pdfBytes(text = 'tuogou evidence') {
  const body = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
