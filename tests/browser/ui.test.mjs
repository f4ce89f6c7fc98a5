// The web UI in a real browser: log in, find an association by a
// two-character Chinese search, open it, mark a checklist item done with an
// evidence file and see its finding go, see the dashboard charts drawn, look
// back to an earlier date with the as-of picker, open every page; no console
// errors, no CSP violations, no request to any other host.  A screenshot of
// every page goes to tests/artifacts/.
//
//   node --test tests/browser/          (TUOGOU_BASE_URL=http://... to use a running server)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, fmtDate, pdfBytes, USER, PASSWORD, UNIT_USER, UNIT } from './lib.mjs';

let server;
let b;
let page;
// Every test ends with no new console error, CSP violation or foreign request.
const S = browserSuite('', { before, after, timeout: 15000, ready: (s) => { ({ server, b, page } = s); } });
const { clean, shot, setAsOf } = S;
const waitIdle = () => S.idle();

test('the login page is Chinese, and logging in opens the dashboard', async () => {
  await page.goto(server.url + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.waitForSelector('form.login-form');
  assert.match(await page.textContent('.login-banner'), /行业协会商会脱钩管理系统/);
  // the footer names the office of the plan the register runs (the demo: Luoyang's)
  await page.waitForFunction(() => document.querySelector('#login-foot')?.textContent);
  assert.equal(await page.textContent('#login-foot'), '洛阳市行业协会商会与行政机关脱钩联合工作组办公室');
  // a wrong password is refused next to the field, and what was typed stays
  await page.fill('#username', USER);
  await page.fill('#password', 'wrong-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.field-error, .form-errors .alert');
  assert.equal(await page.inputValue('#username'), USER);
  await shot(page, 'login');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('main h1:text("总览")');
  assert.match(await page.textContent('.topbar'), /行业协会商会脱钩管理系统/);
  assert.match(await page.textContent('.topbar'), /截至/);
  assert.match(await page.textContent('.topbar'), /联合工作组办公室/);
  assert.ok(await page.isVisible('#logout'));
  const nav = await page.$$eval('.sidenav a', (as) => as.map((a) => a.textContent));
  for (const want of ['总览', '问题清单', '责任分工', '协会名录', '主管单位', '政策条款', '导入']) assert.ok(nav.includes(want), `nav has ${want}`);
  clean();
});

test('the dashboard draws its charts and every headline number is a link', async () => {
  await page.goto(server.url + '/#/dashboard');
  await waitIdle();
  await page.waitForSelector('#chart-batch canvas');
  for (const id of ['chart-batch', 'chart-separation', 'chart-unit']) {
    const painted = await page.$eval(`#${id} canvas`, (c) => {
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
      return { w: c.width, h: c.height, ink };
    });
    assert.ok(painted.w > 100 && painted.h > 100, `${id} has a real size`);
    assert.ok(painted.ink > 500, `${id} is drawn (${painted.ink} painted pixels)`);
  }
  const tiles = await page.$$eval('.tiles a.tile', (as) => as.map((a) => [a.querySelector('.tile-label').textContent, a.getAttribute('href')]));
  assert.deepEqual(tiles.map((t) => t[0]), ['纳入范围', '已脱钩', '未脱钩', '逾期问题', '待验收']);
  for (const [, href] of tiles) assert.match(href, /^#\/(associations|findings)\?/);
  // the next deadlines carry a word beside each light
  const lights = await page.$$eval('#upcoming .light', (ls) => ls.map((l) => l.textContent));
  for (const l of lights) assert.match(l, /逾期|临近|正常/);
  await shot(page, 'dashboard');
  // the number is the list behind it: 纳入范围 opens every in-scope association (all stages)
  const inScope = Number((await page.textContent('.tiles a.tile >> nth=0 >> .tile-value')).replace(/,/g, ''));
  await page.click('.tiles a.tile >> nth=0');
  await page.waitForSelector('#results caption');
  assert.match(await page.textContent('#results caption'), new RegExp(`共 ${inScope.toLocaleString('zh-CN')} 个`));
  await page.goBack();
  await page.waitForSelector('#chart-batch canvas');
  await waitIdle();
  clean();
});

test('the as-of picker looks back to an earlier date across the whole UI', async () => {
  const before1 = await page.textContent('.tiles');
  await setAsOf('2017-06-30');
  await page.waitForSelector('#chart-batch canvas');
  await waitIdle();
  assert.match(await page.textContent('.page-sub'), /2017年6月30日/);
  assert.notEqual(await page.textContent('.tiles'), before1, 'the numbers change with the date');
  await shot(page, 'dashboard-2017-06-30');
  // it stays chosen on the next page
  await S.nav('问题清单');
  assert.match(await page.textContent('.page-sub'), /截至 2017年6月30日/);
  await shot(page, 'findings');
  clean();
});

test('问题清单 pages on the server: 下一页 and 上一页 fetch 50 at a time', async () => {
  await page.goto(server.url + '/#/findings');
  await page.waitForSelector('.findings-table');
  await waitIdle();
  const total = Number((await page.textContent('.page-sub')).match(/共 ([\d,]+) 项/)[1].replace(/,/g, ''));
  assert.ok(total > 50, `enough findings to page (${total})`);
  const pages = Math.ceil(total / 50);
  const info = () => page.textContent('.pager-info');
  const rows = () => page.$$eval('.findings-table tbody tr', (trs) => trs.map((t) => t.textContent));
  assert.equal(await info(), `第 1 页，共 ${pages} 页 / 共 ${total.toLocaleString('zh-CN')} 项`);
  const first = await rows();
  assert.equal(first.length, 50);
  const asked = [];
  const seen = (r) => { if (r.url().includes('/api/v1/findings')) asked.push(r.url()); };
  page.on('request', seen);
  await page.click('.pager-btn:text("下一页")');
  await page.waitForFunction(() => /^第 2 页/.test(document.querySelector('.pager-info')?.textContent || ''));
  await waitIdle();
  const second = await rows();
  assert.ok(second.length > 0 && second.length <= 50);
  assert.notDeepEqual(second, first, 'another page of findings');
  assert.ok(asked.some((u) => /[?&]page=2\b/.test(u) && /per_page=50\b/.test(u) && /sort=due\b/.test(u)), asked.join(' '));
  await page.click('.pager-btn:text("上一页")');
  await page.waitForFunction(() => /^第 1 页/.test(document.querySelector('.pager-info')?.textContent || ''));
  await waitIdle();
  assert.deepEqual(await rows(), first, 'back to the first page');
  // a filter goes to the server too, and pages with it
  await page.selectOption('select[name=state]', 'overdue');
  await page.waitForFunction(() => /state=overdue/.test(location.hash));
  await waitIdle();
  assert.ok(asked.some((u) => /state=overdue/.test(u) && /page=1\b/.test(u)), asked.join(' '));
  for (const w of await page.$$eval('.findings-table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent))) assert.match(w, /逾期/);
  page.off('request', seen);
  clean();
});

let uscc;
test('an association is found by a two-character Chinese search', async () => {
  await S.nav('协会名录');
  await shot(page, 'associations');
  const resp = page.waitForResponse((r) => r.url().includes('/api/v1/associations?') && r.url().includes('q='));
  await page.fill('#search', '软件');
  await page.press('#search', 'Enter');
  await resp;
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#results tbody tr')];
    return rows.length > 0 && rows.every((r) => r.querySelector('a').textContent.includes('软件'));
  });
  const names = await page.$$eval('#results tbody tr th a', (as) => as.map((a) => a.textContent));
  assert.ok(names.length >= 1);
  for (const n of names) assert.ok(n.includes('软件'), n);
  await shot(page, 'associations-search');
  clean();
});

test('the association page shows the profile, workflow and five separations', async () => {
  await page.click('#results tbody tr th a >> nth=0');
  await page.waitForSelector('#checklist');
  await waitIdle();
  uscc = decodeURIComponent(page.url().split('#/associations/')[1]);
  assert.ok(uscc.length === 18, uscc);
  assert.match(await page.textContent('main h1'), /软件/);
  const steps = await page.$$eval('.workflow li .wf-label', (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(steps, ['在册', '纳入范围', '方案已报', '脱钩完成', '总结已报', '已验收']);
  assert.equal(await page.$$eval('.workflow li[aria-current="step"]', (x) => x.length), 1);
  const seps = await page.$$eval('.separation h3', (hs) => hs.map((x) => x.textContent));
  for (const s of ['机构分离', '人员分离', '资产财务分离', '职能分离', '党建外事等事项分离']) assert.ok(seps.some((x) => x.startsWith(s)), s);
  // ID numbers are masked
  await page.waitForSelector('#people');
  const ids = await page.$$eval('#people tbody td.id-cell', (tds) => tds.map((t) => t.querySelector('.id-masked')?.textContent ?? t.textContent));
  assert.ok(ids.length > 0);
  for (const id of ids) assert.ok(id === '—' || /^\d{6}\*{8}\d{3}[\dX]$/.test(id), `masked: ${id}`);
  assert.equal(await page.$$eval('#people .id-value', (xs) => xs.length), 0, 'no full number unless asked for');
  // a clause cite opens the clause text
  await page.click('#separations .cite >> nth=0');
  await page.waitForSelector('.popover .clause-text');
  assert.ok((await page.textContent('.popover .clause-text')).length > 20);
  await shot(page, 'association-clause', { fullPage: false });
  await page.keyboard.press('Escape');
  await shot(page, 'association');
  clean();
});

test('marking a checklist item done with an evidence file makes its finding go', async () => {
  await setAsOf('2017-05-31');
  await page.waitForSelector('#checklist');
  await waitIdle();
  const btn = await page.waitForSelector('#checklist tr[data-status] button:text("标记完成")');
  const rule = await btn.getAttribute('data-rule');
  const subject = await btn.getAttribute('data-subject');
  const sel = `#findings-box tr[data-rule="${rule}"][data-subject="${subject}"]`;
  assert.ok(await page.$(sel), `the finding ${rule} ${subject} shows before`);
  await btn.click();
  await page.waitForSelector('dialog[open] #done-on');
  // the form refuses to go without a file, and keeps the date typed
  await page.fill('#done-on', '2017-05-20');
  await page.click('dialog[open] button[type=submit]');
  await page.waitForSelector('dialog[open] .field-error');
  assert.equal(await page.inputValue('#done-on'), '2017-05-20');
  // the server refuses a file that is none of the accepted kinds: its message shows by the field
  await page.setInputFiles('#done-file', { name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0x80]) });
  const refused = page.waitForResponse((r) => r.url().includes('/evidence'));
  await page.click('dialog[open] button[type=submit]');
  assert.equal((await refused).status(), 415);
  await page.waitForSelector('dialog[open] .field:has(#done-file) .field-error');
  assert.match(await page.textContent('dialog[open] .field:has(#done-file) .field-error'), /文件类型/);
  assert.equal(await page.inputValue('#done-on'), '2017-05-20', 'the date typed is kept');
  await page.setInputFiles('#done-file', { name: '完成情况说明.pdf', mimeType: 'application/pdf', buffer: pdfBytes('done') });
  await shot(page, 'association-mark-done', { fullPage: false });
  const posted = page.waitForResponse((r) => r.url().endsWith('/checklist') || r.url().includes('/checklist?'));
  await page.click('dialog[open] button[type=submit]');
  const r = await posted;
  assert.equal(r.request().method(), 'POST');
  assert.equal(r.status(), 200);
  await page.waitForSelector('dialog[open]', { state: 'detached' }).catch(() => {});
  await page.waitForFunction((s) => !document.querySelector(s), sel);
  const row = `#checklist tr[data-rule="${rule}"][data-subject="${subject}"]`;
  if (await page.$(row)) {
    assert.equal(await page.getAttribute(row, 'data-status'), 'done');
    assert.match(await page.textContent(row), /完成情况说明\.pdf/);
  }
  await page.waitForSelector('.flash .alert-ok');
  await shot(page, 'association-after-done');
  clean();
});

test('a stale edit (409) shows what changed, keeps what was typed, and can be applied again', async () => {
  await page.waitForSelector('#progress-box form');
  // someone else changes the record after this page read it
  const other = await page.evaluate(async (u) => {
    const s = await (await fetch('/api/v1/session')).json();
    const rec = await (await fetch(`/api/v1/associations/${encodeURIComponent(u)}`)).json();
    const body = { ...rec, charter_filed_on: '2017-09-01' };
    const r = await fetch(`/api/v1/associations/${encodeURIComponent(u)}`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify(body) });
    return r.status;
  }, uscc);
  assert.equal(other, 200);
  // this page still holds the old version
  await page.fill('#p-audit_report_on', '2017-08-15');
  const stale = page.waitForResponse((r) => r.request().method() === 'PUT');
  await page.click('#progress-box button[type=submit]');
  assert.equal((await stale).status(), 409);
  await page.waitForSelector('#progress-box .conflict .alert');
  assert.match(await page.textContent('#progress-box .conflict'), /章程核准备案日期/);
  assert.equal(await page.inputValue('#p-audit_report_on'), '2017-08-15', 'what was typed is kept');
  await shot(page, 'association-409', { fullPage: false, more: {} });
  const again = page.waitForResponse((r) => r.request().method() === 'PUT');
  await page.click('#progress-box .conflict button.btn-primary');
  assert.equal((await again).status(), 200);
  await page.waitForFunction(() => !document.querySelector('#progress-box .conflict .alert'));
  assert.equal(await page.inputValue('#p-audit_report_on'), '2017-08-15');
  assert.equal(await page.inputValue('#p-charter_filed_on'), '2017-09-01', 'the other edit is kept too');
  clean();
});

test('supervising units, a unit, responsibilities, the plan and import open', async () => {
  await setAsOf('2017-12-31');
  await S.nav('主管单位');
  await shot(page, 'units');
  await page.click('main tbody tr th a >> nth=0');
  await page.waitForSelector('#unit-assocs');
  await waitIdle();
  await shot(page, 'unit');
  await S.nav('责任分工');
  await shot(page, 'tasks');
  await S.nav('政策条款');
  const cites = await page.$$eval('.clause .clause-cite', (xs) => xs.map((x) => x.textContent));
  assert.ok(cites.includes('四(二)'));
  await shot(page, 'plan');
  await page.click('.sidenav a:text("导入")');
  await page.waitForSelector('main h1:text("导入")');
  const bad = { format: 'tuogou-bundle/1', associations: [{ uscc: '91110000600037341N', name: '洛阳市测试协会', level: 'city', registered_on: '2017-02-30', colour: 'blue' }] };
  await page.setInputFiles('#bundle-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const dry = page.waitForResponse((r) => r.url().includes('/api/v1/import') && r.url().includes('dry_run=1'));
  await page.click('main button[type=submit]');
  assert.equal((await dry).status(), 400);
  await page.waitForSelector('#import-result table');
  const rows = await page.$$eval('#import-result tbody tr', (rs) => rs.length);
  assert.ok(rows >= 2, 'every error is listed');
  await shot(page, 'import-errors');
  // a clean bundle passes the check and may then be imported (not done here: the register stays as it is)
  const good = { format: 'tuogou-bundle/1', plan: 'luoyang-2017', units: [{ id: 'U990', name: '洛阳市测试局', kind: 'organ' }] };
  await page.setInputFiles('#bundle-file', { name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  const dry2 = page.waitForResponse((r) => r.url().includes('/api/v1/import') && r.url().includes('dry_run=1'));
  await page.click('main button[type=submit]');
  assert.equal((await dry2).status(), 200);
  await page.waitForSelector('#do-import');
  assert.match(await page.textContent('#import-result'), /检查通过/);
  await shot(page, 'import-checked');
  clean();
});

test('print styles: A4 without navigation', async () => {
  await page.goto(server.url + `/#/associations/${encodeURIComponent(uscc)}`);
  await page.waitForSelector('#checklist');
  await waitIdle();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.$eval('.sidenav', (n) => getComputedStyle(n).display), 'none');
  assert.equal(await page.$eval('.topbar', (n) => getComputedStyle(n).display), 'none');
  await shot(page, 'association-print');
  await page.emulateMedia({ media: 'screen' });
  clean();
});

test('logging out returns to the login page', async () => {
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('a supervising unit sees only its own associations and no import', async () => {
  await page.fill('#username', UNIT_USER);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('main h1:text("总览")');
  await waitIdle();
  const nav = await page.$$eval('.sidenav a', (as) => as.map((a) => a.textContent));
  assert.ok(nav.includes('本单位') && nav.includes('协会名录') && nav.includes('问题清单'), nav.join(' '));
  assert.ok(!nav.includes('导入') && !nav.includes('主管单位'), nav.join(' '));
  assert.match(await page.textContent('.topbar'), /主管单位/);
  await S.nav('本单位', '#unit-assocs');
  const unitName = await page.textContent('main h1');
  await shot(page, 'unit-role-own-unit');
  await S.nav('协会名录', '#results tbody tr');
  const units = await page.$$eval('#results tbody tr td:nth-child(3)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
  assert.deepEqual(units, [unitName], `only ${UNIT}'s associations`);
  await page.goto(server.url + '/#/import');
  await page.waitForSelector('main h1:text("无权访问")');
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('no console error, CSP violation or request to another host in the whole run', async () => {
  S.quiet();
});
