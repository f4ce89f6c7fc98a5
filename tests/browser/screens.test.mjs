// What each person sees, checked in a real browser: the layout on a phone
// (390 and 360 px wide: the navigation behind 菜单, 退出 on screen, tiles
// and tables readable, no page wider than the screen, the public page as
// cards), the audit log's changes as a table of field, before and after in
// the glossary's words, the checklist (task words, due dates and evidence
// kept on done items), the plan's text without its editors' notes (编者注
// shows them), dates in Chinese inside sentences, a unit's dashboard
// without 全市, a refused request in words instead of its status code, and
// the login page again with 登录已超时 when the session has ended.
// Screenshots: tests/artifacts/screens-*.png.
//
//   node --test tests/browser/screens.test.mjs   (TUOGOU_BASE_URL=... needs TUOGOU_TEST_TOTP too)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, loginAs, apiSession, markDone, ADMINS, USER, UNIT_USER, UNIT } from './lib.mjs';

let page;
let b;
let server;
const S = browserSuite('screens-', { before, after, ready: (s) => { ({ page, b, server } = s); } });
const { clean, shot } = S;
const waitIdle = () => S.idle();
const PHONE = { width: 390, height: 844 };
const SMALL = { width: 360, height: 740 };
const DESK = { width: 1366, height: 768 };

// The page is no wider than the window: nothing to scroll sideways.
async function noSideways(what) {
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what}: the page is ${m.scroll} px wide in a window of ${m.inner} px`);
}

// A block of text breaks into one character per line when it is much
// taller than wide: each of these is at least two characters wide.
async function notOneCharPerLine(selector, what, { optional } = {}) {
  const boxes = await page.$$eval(selector, (els) => els.filter((e) => e.textContent.trim().length >= 2).map((e) => {
    const r = e.getBoundingClientRect();
    const fs = parseFloat(getComputedStyle(e).fontSize);
    return { text: e.textContent.trim(), width: r.width, fs };
  }));
  if (!optional) assert.ok(boxes.length > 0, `${what}: ${selector} found`);
  for (const x of boxes) assert.ok(x.width >= 1.9 * x.fs, `${what}: “${x.text}” is ${Math.round(x.width)} px wide (${x.fs} px type)`);
}

async function goto(hash) {
  await page.evaluate((hh) => { location.hash = hh; }, hash);
  await page.waitForFunction(() => !document.querySelector('main .loading') && document.querySelector('main h1'));
  await waitIdle();
}

test('the public page at 390 px: no sideways scrolling, each association a readable card', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(server.url + '/public/');
  await page.waitForSelector('#public-results tbody tr');
  await noSideways('公示 at 390 px');
  await notOneCharPerLine('#public-summary .tile-label', '公示 tiles');
  // every cell of the first card: its heading beside it, and room for its text
  const cells = await page.$$eval('#public-results tbody tr:first-child td', (tds) => tds.map((td) => {
    const box = td.querySelector('.cell').getBoundingClientRect();
    return { label: getComputedStyle(td, '::before').content, width: box.width, right: box.right };
  }));
  // the columns of 五(二) 信息公开 included: rating, fees, commitments and evaluations, exit
  assert.equal(cells.length, 10);
  for (const c of cells) {
    assert.match(c.label, /统一社会信用代码|层级|主管单位|脱钩情况|信用名录|政府购买服务|评估等级|收费项目|信用承诺与评价|退出决定/);
    assert.ok(c.width >= 150, `a cell is ${Math.round(c.width)} px wide`);
    assert.ok(c.right <= PHONE.width, 'inside the screen');
  }
  await shot(page, 'public-390');
  await page.setViewportSize(SMALL);
  await noSideways('公示 at 360 px');
  await shot(page, 'public-360', { fullPage: false });
  await page.setViewportSize(DESK);
  clean();
});

test('the dashboard at 390 px: the menu behind a button, 退出 on screen, tiles two by two, nothing sideways', async () => {
  await page.setViewportSize(PHONE);
  await loginAs(page, server.url, USER);
  await page.waitForSelector('#chart-batch canvas');
  await waitIdle();
  await noSideways('总览 at 390 px');
  // 退出 can be reached: on screen, in full
  const out = await page.$eval('#logout', (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; });
  assert.ok(out.left >= 0 && out.right <= PHONE.width && out.top >= 0 && out.bottom <= PHONE.height, `退出 at ${JSON.stringify(out)}`);
  // the navigation waits behind 菜单 and takes no width beside the content
  assert.ok(await page.isVisible('#nav-toggle'));
  assert.equal(await page.isVisible('#sidenav'), false, 'the menu is closed');
  const main = await page.$eval('main', (e) => e.getBoundingClientRect().width);
  assert.ok(main >= PHONE.width - 40, `the content has the screen's width (${Math.round(main)} px)`);
  await notOneCharPerLine('.tiles .tile-label', '总览 tiles');
  await notOneCharPerLine('.tiles .tile-note', '总览 tiles');
  await shot(page, 'dashboard-390');
  await page.click('#nav-toggle');
  await page.waitForSelector('#sidenav a:text("问题清单")', { state: 'visible' });
  assert.equal(await page.getAttribute('#nav-toggle', 'aria-expanded'), 'true');
  await shot(page, 'dashboard-390-menu', { fullPage: false });
  // a choice closes the menu
  await page.click('#sidenav a:text("问题清单")');
  await page.waitForSelector('main h1:text("问题清单")');
  await waitIdle();
  assert.equal(await page.isVisible('#sidenav'), false, 'closed again');
  await noSideways('问题清单 at 390 px');
  clean();
});

test('every page of the office at 360 px stays within the screen', async () => {
  await page.setViewportSize(SMALL);
  const list = await (await apiSession(server.url, USER)).get('associations?per_page=1');
  const uscc = list.body.items[0].uscc;
  for (const [hash, name] of [['#/dashboard', '总览'], ['#/findings', '问题清单'], ['#/tasks', '责任分工'], ['#/reminders', '提醒'],
    ['#/associations', '协会名录'], [`#/associations/${uscc}`, '协会详情'], ['#/units', '主管单位'], [`#/units/${UNIT}`, '单位详情'],
    ['#/plan', '政策条款'], ['#/import', '导入'], ['#/export', '导出']]) {
    await goto(hash);
    if (hash.startsWith('#/associations/')) await page.waitForSelector('#people, #records .empty, #records table');
    await noSideways(`${name} at 360 px`);
    await notOneCharPerLine('main h1', name);
    await notOneCharPerLine('main table.data > thead th', `${name}: column headings`, { optional: true });
  }
  await shot(page, 'association-360');
  await page.setViewportSize(DESK);
  clean();
});

// ---- wording and the checklist (the office, at its desk)

test('the plan\'s text leaves out the editors\' notes until 编者注 is asked for', async () => {
  await page.setViewportSize(DESK);
  await goto('#/plan?c=4.2');
  const clause = '#clause-4\\.2';
  const plain = await page.textContent(`${clause} .clause-text:not([hidden])`);
  assert.ok(plain.length > 100, 'the text is there');
  assert.ok(!/存疑|OCR/.test(plain), `no editors' note in the official text: ${plain.slice(0, 80)}`);
  assert.ok(!(await page.isVisible(`${clause} .editor-notes`)));
  await page.click(`${clause} .editor-toggle`);
  await page.waitForSelector(`${clause} .editor-notes`, { state: 'visible' });
  assert.match(await page.textContent(`${clause} .clause-text:not([hidden])`), /〔存疑：/);
  assert.match(await page.textContent(`${clause} .editor-notes`), /OCR/);
  await shot(page, 'plan-notes', { fullPage: false });
  await page.click(`${clause} .editor-toggle`);
  assert.ok(!(await page.isVisible(`${clause} .editor-notes`)));
  // the clause cite's popover on a finding: the same text, the same rule
  await goto('#/findings?state=overdue');
  await page.click('.findings-table .cite >> nth=0');
  await page.waitForSelector('.popover .clause-text');
  assert.ok(!/存疑|OCR/.test(await page.textContent('.popover .clause-text:not([hidden])')));
  await page.keyboard.press('Escape');
  clean();
});

test('findings say their dates in Chinese, and how long a breach has lasted', async () => {
  await goto('#/findings');
  const asOf = await page.inputValue('#as-of');
  await page.fill('#as-of', '2018-12-31');
  await page.dispatchEvent('#as-of', 'change');
  await page.waitForFunction(() => /2018年12月31日/.test(document.querySelector('main .page-sub')?.textContent || ''));
  await waitIdle();
  for (let p = 0; p < 3; p++) {
    const msgs = await page.$$eval('.findings-table .msg', (xs) => xs.map((x) => x.textContent));
    assert.ok(msgs.length > 0);
    for (const m of msgs) {
      assert.ok(!/\d{4}-\d{2}-\d{2}/.test(m), `an ISO date in a sentence: ${m}`);
      assert.ok(!/已\d+天/.test(m), `已N天 without 逾期 or 违规: ${m}`);
    }
    if (!(await page.$('.pager-btn:text("下一页"):not([disabled])'))) break;
    await page.click('.pager-btn:text("下一页")');
    await page.waitForFunction((n) => new RegExp(`^第 ${n} 页`).test(document.querySelector('.pager-info')?.textContent || ''), p + 2);
    await waitIdle();
  }
  await page.fill('#as-of', asOf);
  await page.dispatchEvent('#as-of', 'change');
  await waitIdle();
  clean();
});

// An association (not the one ui.test.mjs works on) with an item of its own
// (no subject) open on 2017-05-31 that a date marks done, and one done.
async function pickAssociation(api) {
  const list = (await api.get('associations?per_page=80&sort=uscc')).body.items.filter((a) => !a.name.includes('软件'));
  for (const a of list) {
    const cl = (await api.get(`associations/${a.uscc}/checklist?as_of=2017-05-31`)).body;
    const items = (cl.separations || []).flatMap((s) => s.items);
    const open = items.find((i) => !i.subject && i.field && (i.status === 'open' || i.status === 'overdue') && i.due);
    const done = items.find((i) => !i.subject && i.status === 'done' && ['plan.not-submitted', 'finance.no-independent-account', 'institution.link-active', 'party.not-transferred'].includes(i.rule));
    if (open && done) return { uscc: a.uscc, open, done };
  }
  throw new Error('no association with an open and a done item of its own on 2017-05-31');
}

test('the checklist says tasks, keeps due dates and evidence on done items', async () => {
  const api = await apiSession(server.url, USER);
  const { uscc, open, done } = await pickAssociation(api);
  await page.fill('#as-of', '2017-05-31');
  await page.dispatchEvent('#as-of', 'change');
  await goto(`#/associations/${uscc}`);
  await page.waitForSelector('#checklist tr[data-status]');
  // task words: 设立独立账户, never 未设立独立账户 beside ✓已完成
  const titles = await page.$$eval('#checklist .rule-title', (xs) => xs.map((x) => x.textContent));
  assert.ok(titles.length > 0);
  for (const t of titles) assert.ok(!/^未|未(报送|完成|设立|取消|移交|核销|出具)/.test(t), `a task, not a defect: ${t}`);
  // a done item keeps the due date it had
  const doneRow = `#checklist tr[data-rule="${done.rule}"][data-subject=""]`;
  assert.equal(await page.getAttribute(doneRow, 'data-status'), 'done');
  const doneDue = await page.textContent(`${doneRow} td:nth-child(3)`);
  assert.match(doneDue, /^\d{4}年\d{1,2}月\d{1,2}日$/, `the due date of a done item: ${doneDue}`);
  // mark the open one done with a file: it stays, done, with its file and its due date
  const row = `#checklist tr[data-rule="${open.rule}"][data-subject=""]`;
  await markDone(page, row, {
    on: '2017-05-20', file: '佐证-完成情况.pdf', tag: 'screens',
    opened: async (dueBefore) => {
      assert.match(dueBefore, /^\d{4}年/);
      assert.ok(!/MiB/.test(await page.textContent('dialog[open]')), 'sizes in MB');
    },
  });
  assert.ok(!/未规定/.test(await page.textContent(`${row} td:nth-child(3)`)));
  await shot(page, 'checklist-done', { fullPage: false });
  // the history says the change in words: field, before → after
  await page.waitForSelector('#history-box .history li');
  assert.ok(!/[a-z]+_on|[{}]/.test(await page.textContent('#history-box')), 'no keys or JSON in the history');
  clean();
});

test('a refusal the server gave no words for is said in words, never as its status code', async () => {
  const findings = (url) => url.pathname === '/api/v1/findings';
  await page.route(findings, (route) => route.fulfill({ status: 414, body: '' }));
  await page.evaluate(() => { location.hash = '#/findings?state=open'; });
  await page.waitForSelector('main .alert-error');
  const text = await page.textContent('main .alert-error');
  assert.ok(!/414|请求失败/.test(text), text);
  assert.match(text, /查询条件太长/);
  await page.unroute(findings);
  S.forgive(); // the failed load of the refused request is this test's own doing
  clean();
});

test('a session that ended on the server brings back the login page, saying so', async () => {
  await goto('#/dashboard');
  await b.context.clearCookies();
  await page.click('.sidenav a:text("协会名录")');
  await page.waitForSelector('form.login-form');
  assert.match(await page.textContent('#login-notice'), /登录已超时，请重新登录/);
  await shot(page, 'session-expired', { fullPage: false });
  S.forgive();
  clean();
});

test('a unit\'s dashboard speaks of its own associations, not the city\'s', async () => {
  await loginAs(page, server.url, UNIT_USER);
  await waitIdle();
  const sub = await page.textContent('main .page-sub');
  assert.ok(!sub.includes('全市'), sub);
  assert.match(sub, /主管的/);
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

// ---- the audit log: a change as field, before, after

test('the audit page shows a change as field, before and after, in the glossary\'s words', async () => {
  const office = await apiSession(server.url, USER);
  const uscc = (await office.get('associations?per_page=5&sort=uscc')).body.items[3].uscc;
  const rec = (await office.get(`associations/${uscc}`)).body;
  const was = rec.charter_filed_on;
  const put = await office.put(`associations/${uscc}`, { ...rec, charter_filed_on: '2017-10-09' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await office.logout();
  await b.context.clearCookies(); // whoever the browser was: the auditor logs in afresh
  await loginAs(page, server.url, ADMINS.auditor);
  await page.waitForSelector('main h1:text("审计日志")');
  await page.selectOption('#audit-event', 'write');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('event=write'));
  await waitIdle();
  const row = `main table.audit-log > tbody > tr:has(td:text("associations/${uscc}"))`;
  await page.waitForSelector(row);
  const changes = await page.$$eval(`${row} >> nth=0`, ([tr]) => [...tr.querySelectorAll('table.changes > tbody > tr')].map((r) => [...r.children].map((c) => c.textContent)));
  const fmt = (d) => { const [y, m, dd] = d.split('-'); return `${y}年${Number(m)}月${Number(dd)}日`; };
  assert.deepEqual(changes, [['章程核准备案日期', was ? fmt(was) : '空', '2017年10月9日']], 'only what changed, in words');
  const heads = await page.$$eval(`${row} >> nth=0`, ([tr]) => [...tr.querySelectorAll('table.changes > thead th')].map((t) => t.textContent));
  assert.deepEqual(heads, ['字段', '变更前', '变更后']);
  const cells = await page.$$eval('main table.audit-log > tbody > tr', (trs) => trs.map((tr) => tr.textContent));
  for (const t of cells) assert.ok(!/[{}"]|_on\b/.test(t), `no JSON, no key: ${t.slice(0, 120)}`);
  // every event in words
  await page.selectOption('#audit-event', '');
  await page.click('form.filters button[type=submit]');
  await waitIdle();
  const events = await page.$$eval('main table.audit-log > tbody > tr > td:nth-child(6)', (tds) => tds.map((t) => t.textContent));
  for (const e of events) assert.ok(/^[\u4e00-\u9fff（）]+$/.test(e), `an event in words: ${e}`);
  assert.equal(await page.$('#as-of'), null, 'an administrator has no 截至 date');
  await shot(page, 'audit-change');
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});
