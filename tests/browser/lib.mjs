// lib.mjs: what the browser tests share: the server under test, a Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; never a downloaded
// browser), and watchers for console errors, CSP violations and requests to
// any host other than the server.
//
// The server: TUOGOU_BASE_URL when set (run.sh starts the server and sets it);
// otherwise this starts the real `build/tuogou serve` on a scratch database.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
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
export const FINANCE_USER = 'finance1'; // role department, kind finance (财政局)
// The three administrators (三员分立), made by run.sh (or startServer) with
// `tuogou user add NAME --role ROLE`, which prints each one's TOTP secret.
export const ADMINS = { sysadmin: 'sysadmin1', secadmin: 'secadmin1', auditor: 'auditor1' };
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
  execFileSync(bin, ['user', 'add', FINANCE_USER, '--role', 'department', '--department', 'finance', '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const secrets = {};
  for (const [role, name] of Object.entries(ADMINS)) {
    const out = execFileSync(bin, ['user', 'add', name, '--role', role, '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'pipe', 'inherit'] }).toString();
    secrets[name] = /^totp-secret: ([A-Z2-7]+)$/m.exec(out)[1];
  }
  fs.writeFileSync(path.join(tmp, 'totp.json'), JSON.stringify(secrets));
  addRoleUsers(bin, db);
  process.env.TUOGOU_TEST_TOTP = path.join(tmp, 'totp.json');
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

// ---------------------------------------------------------------- TOTP (RFC 6238)
// The code an administrator's authenticator would show.  The secrets are in
// the JSON file TUOGOU_TEST_TOTP ({"sysadmin1": "BASE32", ...}).  The server
// takes each 30-second step once per account and allows one step of drift,
// so the last step used is kept beside that file (the test files run one
// after the other, each in its own process) and the next login takes a later
// step, waiting for the clock to reach it when it must.
export function totpSecrets() {
  const file = process.env.TUOGOU_TEST_TOTP;
  if (!file || !fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '')) {
    acc = (acc << 5) | abc.indexOf(ch);
    bits += 5;
    if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 0xff); }
  }
  return Buffer.from(out);
}

export function hotp(secret, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

export async function totpCode(user) {
  const secrets = totpSecrets();
  if (!secrets || !secrets[user]) throw new Error(`no TOTP secret for ${user} (TUOGOU_TEST_TOTP)`);
  const stateFile = process.env.TUOGOU_TEST_TOTP + '.steps';
  const used = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
  // the current step or a later one (never the one before: it could fall out
  // of the server's window while the request travels)
  let now = Math.floor(Date.now() / 30000);
  const step = Math.max(now, (used[user] ?? -1) + 1);
  while (step > now + 1) {
    await new Promise((r) => setTimeout(r, (now + 1) * 30000 - Date.now() + 50));
    now = Math.floor(Date.now() / 30000);
  }
  used[user] = step;
  fs.writeFileSync(stateFile, JSON.stringify(used));
  return hotp(secrets[user], step);
}

// A session of the JSON API from node (no browser): for what a test checks
// or sets behind the page's back (with the TOTP code when the user has a secret).
export async function apiSession(baseUrl, user, password = PASSWORD) {
  const body = { username: user, password };
  if (totpSecrets()?.[user]) body.totp = await totpCode(user);
  const r = await fetch(`${baseUrl}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`login of ${user}: ${r.status} ${await r.text()}`);
  const cookie = /tuogou_session=[^;]*/.exec(r.headers.get('set-cookie') || '')[0];
  const { csrf_token: csrf } = await r.json();
  const call = async (method, p, json) => {
    const headers = { Cookie: cookie, Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${baseUrl}/api/v1/${p}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, body: data };
  };
  return {
    get: (p) => call('GET', p),
    put: (p, json) => call('PUT', p, json),
    post: (p, json) => call('POST', p, json),
    logout: () => call('DELETE', 'session'),
  };
}

// Logs `user` in through the login page, as a person would: username and
// password; when the server asks for the one-time code (动态口令), the code
// of the user's authenticator.  Ends on the page the role lands on.
export async function loginAs(page, baseUrl, user, password = PASSWORD) {
  await page.goto(baseUrl + '/'); // a full load: the login page afresh
  await page.waitForSelector('form.login-form');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('form.login-form button[type=submit]');
  const next = await page.waitForFunction(() => {
    if (document.querySelector('#logout')) return 'in';
    const code = document.querySelector('#totp');
    return code && code.closest('.field') && !code.closest('.field').hidden ? 'code' : null;
  });
  if ((await next.jsonValue()) === 'code') {
    await page.fill('#totp', await totpCode(user));
    await page.click('form.login-form button[type=submit]');
    await page.waitForSelector('#logout');
  }
  await page.waitForFunction(() => !document.querySelector('main .loading'));
}

// ---------------------------------------------------------------- what the test files share
// Marks the checklist row `row` (a selector) done through its 标记完成
// dialog, as a person does: on `on`, with a PDF named `file` (pdfBytes(tag))
// as its evidence; `opened(due)`, when given, runs once the dialog is open,
// with the row's due date as it was.  Asserts that the POST is 200, the row
// turns done and keeps its evidence and its due date; returns that due date.
export async function markDone(page, row, { on, file, tag, opened }) {
  const dueBefore = await page.textContent(`${row} td:nth-child(3)`);
  await page.click(`${row} button:text("标记完成")`);
  await page.waitForSelector('dialog[open] #done-on');
  if (opened) await opened(dueBefore);
  await page.fill('#done-on', on);
  await page.setInputFiles('#done-file', { name: file, mimeType: 'application/pdf', buffer: pdfBytes(tag) });
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/checklist'));
  await page.click('dialog[open] button[type=submit]');
  assert.equal((await posted).status(), 200);
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.status === 'done', row);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(await page.textContent(`${row} td:nth-child(6)`), new RegExp(escaped), 'the evidence stays on the done item');
  assert.equal(await page.textContent(`${row} td:nth-child(3)`), dueBefore, 'and so does its due date');
  return dueBefore;
}

// The register the server was loaded with (the demo bundle, else the
// fixture), for tests that pick their subjects from it.
export const BUNDLE_FILE = fs.existsSync(path.join(TOP, 'data/demo-bundle.json')) ? path.join(TOP, 'data/demo-bundle.json') : path.join(TOP, 'tests/browser/fixtures/bundle.json');
let bundleMemo = null;
export function demoBundle() {
  if (!bundleMemo) bundleMemo = JSON.parse(fs.readFileSync(BUNDLE_FILE, 'utf8'));
  return bundleMemo;
}

// A date as the screen writes it: 2017-06-30 -> 2017年6月30日.
export const fmtDate = (d) => { const [y, m, dd] = d.split('-'); return `${y}年${Number(m)}月${Number(dd)}日`; };

// ---------------------------------------------------------------- one test file's browser
// The before/after of a test file: its screenshots cleared (prefix), the
// server started, a watched Chromium; `clean()` asserts that nothing went
// wrong since it was last called; `idle()` waits for the page's requests
// and its loading notes to end; `setAsOf(d)` moves the top bar's 截至 date
// and waits for the page to follow; `login(user)` is loginAs on the suite's
// page and server; `nav(label, ready)` clicks the side menu's `label`, waits
// for `ready` (by default the page's h1 saying `label`) and for idle();
// `quiet()` asserts that the whole file's run had no console error or CSP
// violation and asked no host but the server.  The fields are set once before() ran, and then
// ready(suite) is called (node runs a file's before hooks side by side, so a
// second hook could not count on them).  Options: `timeout` (the page's
// default, 20 s), `setup(suite)` (after the launch, before ready: a clock to
// install), `beforeClose(suite)` (first in after(): undo what a story left on
// the server, even when it failed).
export function browserSuite(prefix, { before: beforeHook, after: afterHook, ready, timeout = 20000, setup, beforeClose }) {
  const s = { server: null, b: null, page: null, seen: 0 };
  beforeHook(async () => {
    clearArtifacts(prefix);
    s.server = await startServer();
    s.b = await launch(s.server.url);
    s.page = s.b.page;
    s.page.setDefaultTimeout(timeout);
    if (setup) await setup(s);
    if (ready) ready(s);
  });
  afterHook(async () => {
    try {
      if (beforeClose && s.server) await beforeClose(s);
    } finally {
      if (s.b) await s.b.close();
      if (s.server) await s.server.stop();
    }
  });
  s.clean = () => {
    const fresh = s.b.problems.slice(s.seen);
    s.seen = s.b.problems.length;
    if (fresh.length) throw new Error(`console errors, CSP violations or requests to other hosts: ${fresh.join('; ')}`);
  };
  s.forgive = () => { s.seen = s.b.problems.length; }; // what a test provoked on purpose
  s.idle = async () => {
    await s.page.waitForLoadState('networkidle');
    await s.page.waitForFunction(() => !document.querySelector('main .loading'));
  };
  s.setAsOf = async (d) => {
    const waitApi = s.page.waitForResponse((r) => r.url().includes(`as_of=${d}`));
    await s.page.fill('#as-of', d);
    await s.page.dispatchEvent('#as-of', 'change');
    await waitApi;
    await s.page.waitForFunction((t) => document.querySelector('#as-of-text')?.textContent === t, fmtDate(d));
  };
  s.login = (user, password) => loginAs(s.page, s.server.url, user, password);
  s.nav = async (label, ready = `main h1:text("${label}")`) => {
    await s.page.click(`.sidenav a:text("${label}")`);
    await s.page.waitForSelector(ready);
    await s.idle();
  };
  s.quiet = () => {
    assert.deepEqual(s.b.problems, []);
    const foreign = s.b.requests.filter((u) => !u.startsWith(s.server.url) && !/^(data|blob|about):/.test(u));
    assert.deepEqual(foreign, []);
  };
  s.shot = (p, name, opts = {}) => shot(p, name, { ...opts, prefix });
  return s;
}

// ---------------------------------------------------------------- the record pages' users
// roles.test.mjs (issue 17): civil affairs and one association, 洛阳市装备制造业协会
// under U06 (run.sh makes the same two).
export const CIVIL_USER = 'civil1';
export const ASSOC_USER = 'assoc1';
export const ASSOC = '51410300MJ56253326';
function addRoleUsers(bin, db) {
  for (const args of [[CIVIL_USER, '--role', 'civil_affairs'], [ASSOC_USER, '--role', 'association', '--association', ASSOC]]) {
    execFileSync(bin, ['user', 'add', ...args, '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  }
}
