// The county tier (六(一); issues 12 and 13) in a real browser, on servers of
// its own (the county plan must be adopted and the national run needs a
// server started with --plan):
//   - a county office's day: 孟津's office account (scoped to 410322, whose
//     own plan plans/mengjin-2017.json is adopted as scripts/run adopts it)
//     sees a dashboard of its county only and findings of its county only,
//     and marks a duty of 孟津's plan done with evidence (the 任职前公示 of
//     the grape association's secretary-general, as of 2019-03-04);
//   - the city office compares the counties side by side and opens one: the
//     county's dashboard has the numbers of its row;
//   - the UI under the national plan (serve --plan plans/national-2019.json):
//     the login footer, the plan page and the findings name it.
// Screenshots tests/artifacts/county-*.png.
//
//   node --test tests/browser/county.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOP, TUOGOU, PASSWORD, launch, clearArtifacts, shot, pdfBytes, apiSession, loginAs, fmtDate, demoBundle } from './lib.mjs';

const MJ = '410322';
const prefix = 'county-';

// A server on a fresh copy of the demo register; setup(bin, db) runs before it serves.
async function ownServer(extraArgs, setup) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tuogou-county-'));
  const db = path.join(tmp, 'tuogou.db');
  const web = fs.existsSync(path.join(TOP, 'web/dist/index.html')) ? path.join(TOP, 'web/dist') : path.join(TOP, 'web');
  execFileSync(TUOGOU, ['import', '--db', db, path.join(TOP, 'data/demo-bundle.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const user = (name, ...args) => execFileSync(TUOGOU, ['user', 'add', name, ...args, '--db', db], { input: PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  user('city1', '--role', 'office');
  if (setup) setup(db, user);
  const log = path.join(tmp, 'server.log');
  const fd = fs.openSync(log, 'a');
  const child = spawn(TUOGOU, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', web, ...extraArgs], { stdio: ['ignore', fd, fd] });
  let url = null;
  for (let i = 0; i < 150 && !url; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(log, 'utf8'));
    if (m) url = `http://127.0.0.1:${m[1]}`;
  }
  if (!url) throw new Error(`the server did not start: ${fs.readFileSync(log, 'utf8')}`);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 3000); });
      fs.closeSync(fd);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

let county; // the demo with 孟津's plan and the two county offices
let b;
let page;
let seen = 0;
before(async () => {
  clearArtifacts(prefix);
  county = await ownServer([], (db, user) => {
    execFileSync(TUOGOU, ['plan', 'use', path.join(TOP, 'plans/mengjin-2017.json'), '--jurisdiction', MJ, '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
    user('mengjin', '--role', 'office', '--jurisdiction', MJ);
    user('xinan', '--role', 'office', '--jurisdiction', '410323');
  });
  b = await launch(county.url);
  page = b.page;
  page.setDefaultTimeout(20000);
});
after(async () => {
  if (b) await b.close();
  if (county) await county.stop();
});

function clean() {
  const fresh = b.problems.slice(seen);
  seen = b.problems.length;
  assert.deepEqual(fresh, [], 'console errors, CSP violations or requests to other hosts');
}
async function idle() {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('main .loading'));
}
async function logout() {
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
}
async function login(url, user) {
  await page.goto(url + '/');
  await page.waitForSelector('form.login-form, #logout');
  if (await page.locator('#logout').count()) await logout(); // a test before failed midway
  await loginAs(page, url, user);
  await idle();
}
async function setAsOf(d) {
  await page.fill('#as-of', d);
  await page.dispatchEvent('#as-of', 'change');
  await page.waitForFunction((t) => document.querySelector('#as-of-text')?.textContent === t, fmtDate(d));
  await idle();
}

test('a county office’s day: its dashboard, its findings, a duty of its plan marked done with evidence', async () => {
  const bundle = demoBundle();
  const mine = bundle.associations.filter((a) => a.jurisdiction === MJ);
  assert.ok(mine.length >= 2, 'the demo has associations in 孟津');
  await login(county.url, 'mengjin');
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.waitForSelector('main h1');
  await idle();
  const dash = await page.locator('main').innerText();
  assert.match(dash, /孟津县/, 'the dashboard says whose numbers it counts');
  assert.equal(await page.locator('#by-jurisdiction').count(), 0, 'a county sees no other county');
  await shot(page, 'mengjin-dashboard', { prefix });
  const api = await apiSession(county.url, 'mengjin');
  const { body: d } = await api.get('dashboard');
  assert.equal(d.jurisdiction, MJ);

  // its findings: every association named is one of 孟津's
  await page.evaluate(() => { location.hash = '#/findings'; });
  await page.waitForSelector('main h1');
  await idle();
  const { body: fs1 } = await api.get('findings?per_page=500');
  const names = new Set(mine.map((a) => a.uscc));
  assert.ok(fs1.findings.length > 0, '孟津 has findings');
  for (const f of fs1.findings) if (f.association) assert.ok(names.has(f.association), `a finding of ${f.association}, not 孟津's`);
  assert.ok(fs1.findings.every((f) => !f.association || f.plan === 'mengjin-2017'), 'judged under 孟津’s plan');
  const rows = await page.locator('main table tbody tr').allInnerTexts();
  assert.ok(rows.length > 0, 'the findings page lists them');
  assert.ok(rows.every((r) => !/新安县/.test(r)), 'nothing of 新安 on the page');
  await shot(page, 'mengjin-findings', { prefix });

  // a duty of 孟津's plan: the grape association's secretary-general took
  // office on 2019-03-01 without the notice, overdue on 2019-03-04
  const grape = mine.find((a) => a.name === '孟津县葡萄产业协会');
  await setAsOf('2019-03-04');
  await page.evaluate((u) => { location.hash = `#/associations/${u}`; }, grape.uscc);
  await page.waitForSelector('#checklist');
  await idle();
  // (the notices its other posts gave are listed too, done)
  const owed = page.locator('#checklist tr[data-rule="posts.notice-missing"]:not([data-status="done"])');
  assert.equal(await owed.count(), 1, 'the duty is an item of the checklist');
  const row = page.locator(`#checklist tr[data-rule="posts.notice-missing"][data-subject="${await owed.getAttribute('data-subject')}"]`);
  assert.equal(await row.getAttribute('data-status'), 'overdue');
  const dueBefore = await row.locator('td:nth-child(3)').innerText();
  await row.getByRole('button', { name: '标记完成' }).click();
  await page.waitForSelector('#done-h');
  await page.fill('#done-on', '2019-03-04');
  await page.setInputFiles('#done-file', { name: '任职前公示.pdf', mimeType: 'application/pdf', buffer: pdfBytes('notice') });
  await shot(page, 'mengjin-mark-done', { prefix });
  const uploaded = page.waitForResponse((r) => r.url().includes(`/associations/${grape.uscc}/evidence`) && r.request().method() === 'POST');
  const posted = page.waitForResponse((r) => r.url().includes(`/associations/${grape.uscc}/checklist`) && r.request().method() === 'POST');
  await page.locator('form.dialog-form button[type=submit]').click();
  const up = await uploaded;
  assert.equal(up.status(), 201, 'the evidence is kept');
  const evidenceId = (await up.json()).id;
  const mark = await posted;
  assert.equal(mark.status(), 200);
  assert.deepEqual(JSON.parse(mark.request().postData()).evidence, [evidenceId], 'marked done with that evidence');
  await page.waitForSelector('#done-h', { state: 'hidden' });
  await idle();
  // done, it stays on the checklist with its due date and its evidence (issue 17 item 5)
  await page.waitForFunction(() => ![...document.querySelectorAll('#checklist tr[data-rule="posts.notice-missing"]')].some((r) => r.dataset.status !== 'done'));
  assert.equal(await row.locator('td:nth-child(3)').innerText(), dueBefore, 'its due date stays');
  assert.match(await row.innerText(), /2019年3月4日[\s\S]*任职前公示\.pdf/, 'its done date and its evidence');
  const { body: after } = await api.get(`findings?as_of=2019-03-04&per_page=500`);
  assert.ok(!after.findings.some((f) => f.rule === 'posts.notice-missing' && f.association === grape.uscc), 'the finding is gone');
  await shot(page, 'mengjin-done', { prefix });
  await setAsOf(new Date().toISOString().slice(0, 10));
  await logout();
  clean();
});

test('the city office compares the counties side by side and opens one', async () => {
  await login(county.url, 'city1');
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.waitForSelector('#by-jurisdiction');
  await idle();
  const table = page.locator('#by-jurisdiction table');
  const text = await table.innerText();
  assert.match(text, /孟津县/);
  assert.match(text, /新安县/);
  await shot(page, 'city-counties', { prefix });
  const cells = await table.locator('tbody tr', { hasText: '孟津县' }).locator('td').allInnerTexts();
  await table.getByRole('link', { name: '孟津县' }).click();
  await page.waitForFunction(() => location.hash.includes('jurisdiction=410322'));
  await page.waitForSelector('main h1');
  await idle();
  const api = await apiSession(county.url, 'city1');
  const { body: d } = await api.get(`dashboard?jurisdiction=${MJ}`);
  // the row's numbers are the opened county's
  assert.equal(cells[1].replace(/\D/g, ''), String(d.totals.in_scope));
  assert.equal(cells[2].replace(/\D/g, ''), String(d.totals.decoupled));
  assert.equal(cells[4].replace(/\D/g, ''), String(d.totals.open_findings));
  assert.equal(cells[5].replace(/\D/g, ''), String(d.totals.overdue_findings));
  assert.match(await page.locator('main').innerText(), /孟津县/);
  await shot(page, 'city-opens-mengjin', { prefix });
  await logout();
  clean();
});

test('the UI under the national plan: login footer, plan page and findings name it', async () => {
  const plan = JSON.parse(fs.readFileSync(path.join(TOP, 'plans/national-2019.json'), 'utf8'));
  const national = await ownServer(['--plan', path.join(TOP, 'plans/national-2019.json')]);
  const nb = await launch(national.url);
  const p = nb.page;
  p.setDefaultTimeout(20000);
  try {
    await p.goto(national.url + '/');
    await p.waitForFunction(() => document.querySelector('#login-foot')?.textContent);
    assert.match(await p.textContent('#login-foot'), new RegExp(plan.office));
    await shot(p, 'national-login', { prefix });
    await loginAs(p, national.url, 'city1');
    await p.evaluate(() => { location.hash = '#/plan'; });
    await p.waitForSelector('main h1');
    await p.waitForFunction(() => !document.querySelector('main .loading'));
    const text = await p.locator('main').innerText();
    assert.ok(text.includes(plan.title), 'the plan page names the national plan');
    assert.ok(!text.includes('洛办〔2017〕15号'), 'and not Luoyang’s');
    await shot(p, 'national-plan', { prefix });
    const api = await apiSession(national.url, 'city1');
    const { body: fs1 } = await api.get('findings?per_page=500');
    assert.ok(fs1.findings.length > 0);
    assert.ok(fs1.findings.every((f) => f.plan === plan.id), 'every finding is judged under the national plan');
    await p.evaluate(() => { location.hash = '#/findings'; });
    await p.waitForSelector('main table tbody tr');
    await p.waitForFunction(() => !document.querySelector('main .loading'));
    const rows = await p.locator('main table tbody tr').allInnerTexts();
    assert.ok(rows.length > 0, 'the findings page lists them');
    await shot(p, 'national-findings', { prefix });
    assert.deepEqual(nb.problems, [], 'console errors, CSP violations or requests to other hosts');
  } finally {
    await nb.close();
    await national.stop();
  }
});
