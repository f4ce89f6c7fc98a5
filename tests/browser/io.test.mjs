// What offices exchange, in a real browser: the public page without login
// (and that neither it nor its API carries any person's name or ID number of
// the demo register), the bell and the 提醒 page, the next deadlines with
// their overdue items in red, lights beside due dates, downloads (xlsx lists,
// the template, the PDF progress report and work summary), the 导出 page and
// the 导入 page with spreadsheets (errors by sheet, row and column).
// Screenshots go to tests/artifacts/io-*.png.
//
//   node --test tests/browser/io.test.mjs   (TUOGOU_BASE_URL=http://... to use a running server)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { browserSuite, demoBundle, USER, UNIT_USER } from './lib.mjs';

let server;
let b;
let page;
const S = browserSuite('io-', { before, after, ready: (s) => { ({ server, b, page } = s); } });
const { clean, shot, setAsOf } = S;
const waitIdle = () => S.idle();

const bundle = demoBundle();
const personNames = [...new Set([...(bundle.persons || []).map((p) => p.name), ...(bundle.staff || []).map((s) => s.name)].filter(Boolean))];
const idNumbers = (bundle.persons || []).map((p) => p.id_number).filter(Boolean);

const login = (user) => S.login(user);
// Click a download button; the saved file's first bytes and name.
async function downloaded(selector) {
  const dl = page.waitForEvent('download');
  await page.click(selector);
  const d = await dl;
  const file = await d.path();
  const bytes = fs.readFileSync(file);
  return { name: d.suggestedFilename(), head: bytes.subarray(0, 5).toString('latin1'), size: bytes.length };
}

test('the public page opens without login and shows no person at all', async () => {
  await page.goto(server.url + '/public/');
  await page.waitForSelector('#public-results tbody tr');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('h1'), /脱钩情况公示/);
  assert.ok(!(await page.$('#logout')), 'no session, no user menu');
  const tiles = await page.$$eval('#public-summary .tile-label', (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(tiles, ['在册协会', '已完成脱钩', '已验收', '列入信用名录', '承接政府购买服务', '获评估等级']);
  const heads = await page.$$eval('#public-results thead th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(heads, ['协会名称', '统一社会信用代码', '层级', '主管单位', '脱钩情况', '信用名录', '政府购买服务', '评估等级', '收费项目', '信用承诺与评价', '退出决定']);
  await shot(page, 'public');
  // every page of the list, as shown, and the whole API: no name, no ID number
  const texts = [await page.textContent('body')];
  while (await page.$('nav.pager button:text("下一页"):not([disabled])')) {
    const before1 = await page.textContent('#public-results caption');
    const first = await page.$eval('#public-results tbody tr', (r) => r.dataset.uscc);
    await page.click('nav.pager button:text("下一页")');
    await page.waitForFunction((u) => document.querySelector('#public-results tbody tr')?.dataset.uscc !== u, first);
    assert.equal(await page.textContent('#public-results caption'), before1);
    texts.push(await page.textContent('body'));
  }
  const api = await (await fetch(`${server.url}/api/v1/public/associations?per_page=500`)).text();
  const all = texts.join('\n') + api;
  const namesFound = personNames.filter((n) => all.includes(n));
  assert.deepEqual(namesFound, [], 'no person or staff name of the register');
  assert.deepEqual(idNumbers.filter((i) => all.includes(i) || all.includes(i.slice(0, 6) + '*')), [], 'no ID number');
  assert.doesNotMatch(all, /\d{6}\*{4,}\d{3}[\dX]/, 'no masked ID number either');
  assert.ok(personNames.length > 100, `the check saw the register's names (${personNames.length})`);
  // search by two characters
  await page.fill('#public-search', '软件');
  await page.press('#public-search', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#public-results tbody tr').length === 1);
  assert.match(await page.textContent('#public-results tbody tr th'), /软件/);
  assert.match(page.url(), /\?q=/);
  // an association with purchased services and one on a credit list show them
  await page.fill('#public-search', '');
  await page.press('#public-search', 'Enter');
  await page.waitForSelector('#public-results tbody tr');
  const withBuys = JSON.parse(api).items.find((a) => a.purchases.length);
  if (withBuys) {
    await page.fill('#public-search', withBuys.uscc);
    await page.press('#public-search', 'Enter');
    await page.waitForFunction((u) => document.querySelector('#public-results tbody tr')?.dataset.uscc === u && document.querySelectorAll('#public-results tbody tr').length === 1, withBuys.uscc);
    assert.match(await page.textContent('#public-results tbody tr'), /年 .*元/);
    await shot(page, 'public-purchases');
  }
  clean();
});

test('the bell counts the reminders, and 提醒 lists them by unit with lights', async () => {
  await login(USER);
  await setAsOf('2017-06-28');
  await waitIdle();
  await page.waitForSelector('#bell .bell-count:not([hidden])');
  const count = Number(await page.textContent('#bell .bell-count'));
  const r = await page.evaluate(async () => (await fetch('/api/v1/reminders?as_of=2017-06-28&summary=1')).json());
  assert.equal(count, r.overdue + r.near);
  assert.match(await page.getAttribute('#bell', 'aria-label'), /逾期 \d+ 项，临近到期 \d+ 项/);
  await page.click('#bell');
  await page.waitForSelector('main h1:text("提醒")');
  await waitIdle();
  assert.match(await page.textContent('#remind-sub'), /截至 2017年6月28日：逾期 \d+ 项，临近到期 \d+ 项（5 个工作日内，即 2017年7月5日 前到期）/);
  const units = await page.$$eval('main section.card:not(#urge-log) h2', (hs) => hs.map((x) => x.textContent));
  assert.equal(units.length, r.units.length);
  const lights = await page.$$eval('.reminders-table tbody tr', (rows) => rows.map((tr) => [tr.dataset.state, tr.querySelector('.light').textContent]));
  assert.ok(lights.length >= 10);
  for (const [state, word] of lights) assert.match(word, state === 'overdue' ? /逾期/ : /临近/);
  await shot(page, 'reminders', { fullPage: false });
  // a wider window lists more
  await page.selectOption('#within', '20');
  await page.waitForFunction(() => /20 个工作日内/.test(document.querySelector('#remind-sub')?.textContent || ''));
  await waitIdle();
  clean();
});

test('the next deadlines of the dashboard include the overdue ones in red', async () => {
  await setAsOf('2017-12-31');
  await S.nav('总览', '#upcoming table');
  const rows = await page.$$eval('#upcoming tbody tr', (trs) => trs.map((tr) => [tr.dataset.light, tr.querySelector('.light').textContent]));
  assert.ok(rows.length > 0 && rows.length <= 20, `${rows.length} rows`);
  assert.ok(rows.some(([l]) => l === 'red'), 'overdue items are listed');
  for (const [l, word] of rows) assert.match(word, { red: /逾期/, yellow: /临近/, green: /正常/ }[l]);
  const firstNotRed = rows.findIndex(([l]) => l !== 'red');
  if (firstNotRed >= 0) assert.ok(rows.slice(firstNotRed).every(([l]) => l !== 'red'), 'overdue first');
  assert.match(await page.textContent('#upcoming .more-link'), /查看全部 [\d,]+ 项逾期问题/);
  await page.$eval('#upcoming', (e) => e.scrollIntoView({ block: 'start' }));
  await shot(page, 'dashboard-deadlines', { fullPage: false });
  // the progress report as a PDF
  const pdf = await downloaded('#progress-pdf');
  assert.equal(pdf.head, '%PDF-');
  assert.match(pdf.name, /^脱钩工作进展情况报告-2017-12-31\.pdf$/);
  assert.ok(pdf.size > 20000);
  await page.waitForSelector('.download-msg:text("已下载")');
  clean();
});

test('findings show their lights and download as xlsx with the filters', async () => {
  await page.goto(server.url + '/#/findings?state=overdue');
  await page.waitForSelector('main h1:text("问题清单")');
  await waitIdle();
  const words = await page.$$eval('.findings-table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.ok(words.length > 0);
  for (const w of words) assert.match(w, /逾期/);
  const x = await downloaded('#export-findings');
  assert.equal(x.head.slice(0, 2), 'PK', 'an xlsx (zip) file');
  assert.match(x.name, /^问题清单-2017-12-31\.xlsx$/);
  await page.goto(server.url + '/#/findings');
  await page.waitForSelector('.findings-table');
  await waitIdle();
  const all = await page.$$eval('.findings-table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  for (const w of all) assert.match(w, /逾期|临近|正常|待办/);
  await shot(page, 'findings-lights', { fullPage: false });
  clean();
});

test('lists, the work summary and the 导出 page download', async () => {
  await S.nav('协会名录', '#results tbody tr');
  const a = await downloaded('#export-associations');
  assert.equal(a.head.slice(0, 2), 'PK');
  assert.match(a.name, /^行业协会商会-2017-12-31\.xlsx$/);
  await page.click('#results tbody tr th a >> nth=0');
  await page.waitForSelector('#checklist');
  await waitIdle();
  const s = await downloaded('#summary-pdf');
  assert.equal(s.head, '%PDF-');
  assert.match(s.name, /脱钩工作总结-2017-12-31\.pdf$/);
  await S.nav('导出');
  const ids = await page.$$eval('#export-lists button', (bs) => bs.map((x) => x.id));
  for (const want of ['export-associations', 'export-findings', 'export-posts', 'export-unit_tasks', 'export-persons']) assert.ok(ids.includes(want), want);
  const p = await downloaded('#export-persons');
  assert.equal(p.head.slice(0, 2), 'PK');
  const t = await downloaded('#export-template-xlsx');
  assert.equal(t.name, '导入模板.xlsx');
  assert.ok(await page.$('#export-progress-pdf'), 'the office may download the progress report here');
  await shot(page, 'export');
  clean();
});

test('the import page checks spreadsheets and lists errors by sheet, row and column', async () => {
  await page.click('.sidenav a:text("导入")');
  await page.waitForSelector('main h1:text("导入")');
  assert.match(await page.getAttribute('#bundle-file', 'accept'), /\.xlsx/);
  const person = bundle.persons[0].id;
  const assoc = bundle.associations[0].uscc;
  const csv = `编号,人员编号,协会统一社会信用代码,职务,起始日期\nPW1,${person},${assoc},理事,2017-02-30\nPW2,NOPE,${assoc},会长（理事长）,2017-01-01\n`;
  await page.setInputFiles('#bundle-file', { name: '任职.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const dry = page.waitForResponse((r) => r.url().includes('/api/v1/import/sheets?dry_run=1'));
  await page.click('main button[type=submit]');
  assert.equal((await dry).status(), 400);
  await page.waitForSelector('#import-result table');
  const places = await page.$$eval('#import-result tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.ok(places.includes('工作表“任职”第2行E列（起始日期）'), places.join(' | '));
  assert.ok(places.includes('工作表“任职”第3行B列（人员编号）'), places.join(' | '));
  assert.match(await page.textContent('#import-result .alert'), /表格有 2 处错误，未写入任何数据/);
  await shot(page, 'import-sheet-errors');
  // the template downloaded above, uploaded back: clean, nothing to import
  const tpl = await downloaded('#template-download');
  assert.equal(tpl.name, '导入模板.xlsx');
  const good = csv.replace('2017-02-30', '2017-02-28').split('\n').filter((l) => !l.includes('NOPE')).join('\n');
  await page.setInputFiles('#bundle-file', { name: 'posts.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  const dry2 = page.waitForResponse((r) => r.url().includes('/api/v1/import/sheets?dry_run=1'));
  await page.click('main button[type=submit]');
  assert.equal((await dry2).status(), 200);
  await page.waitForSelector('#do-import');
  assert.match(await page.textContent('#import-result'), /检查通过[\s\S]*任职 1 条/);
  await shot(page, 'import-sheet-checked');
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('a supervising unit: its own reminders, no progress report', async () => {
  await login(UNIT_USER);
  await page.goto(server.url + '/#/reminders');
  await page.waitForSelector('main h1:text("提醒")');
  await waitIdle();
  const units = await page.$$eval('main section.card:not(#urge-log) h2', (hs) => hs.map((x) => x.textContent));
  assert.ok(units.length <= 1, units.join(' '));
  await page.goto(server.url + '/#/dashboard');
  await page.waitForSelector('#upcoming');
  await waitIdle();
  assert.equal(await page.$('#progress-pdf'), null);
  await page.goto(server.url + '/#/export');
  await page.waitForSelector('main h1:text("导出")');
  assert.equal(await page.$('#export-progress-pdf'), null);
  await shot(page, 'unit-export');
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});
