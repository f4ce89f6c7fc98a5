// The office's workflow in a real browser (issue 17): it defines a batch and
// its deadline and edits it (批次); its 待办 lists the work summaries that
// wait for acceptance, with a count beside 待办; it returns (退回) one
// summary with a reason, accepts another association, and is refused the
// acceptance of one with overdue items, the reasons in words, then accepts
// it with a reason (说明理由后仍予验收) that the audit log keeps; the import
// page previews what a sheet would change, field by field, and asks before
// overwriting a newer edit; the dashboard, the public page and the pages
// touched here fit 390 and 360 px without sideways scrolling; the audit page
// shows the changes as 字段 / 变更前 / 变更后.
// Screenshots: tests/artifacts/wf-*.png.
//
//   TUOGOU_BROWSER_TESTS=tests/browser/workflow.test.mjs tests/browser/run.sh

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, demoBundle, apiSession, fmtDate, ADMINS, USER, UNIT_USER } from './lib.mjs';

let server;
let b;
let page;
const S = browserSuite('wf-', { before, after, ready: (s) => { ({ server, b, page } = s); } });
const { clean, shot, setAsOf } = S;
const idle = () => S.idle();
const PHONE = { width: 390, height: 844 };
const SMALL = { width: 360, height: 740 };
const DESK = { width: 1366, height: 768 };

// The two associations of the demo register whose work summaries wait for
// acceptance: the one with more overdue items is refused today (and
// returned first); the other is accepted as of a day it was ready.
const bundle = demoBundle();
const pending = bundle.associations.filter((a) => a.report_submitted_on && !a.accepted_on && a.decoupled_on);
const BATCH = { id: `wf${String(Date.now()).slice(-5)}`, name: '第三批（测试）', due: '2018-06-30', due2: '2018-09-30' };
const REASON_RETURN = '工作总结未附财务审计报告，请补充后重新报送';
const REASON_OVERRIDE = '经联席会议研究同意，逾期事项限期三十日内整改';

async function noSideways(what) {
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what}: the page scrolls sideways (${m.scroll} > ${m.inner} px)`);
}
const flashText = () => page.textContent('main .flash');

let returned; // the association whose summary the office returns, then accepts with a reason
let accepted; // the one it accepts
test('setup: the office has two work summaries waiting for acceptance', async () => {
  const office = await apiSession(server.url, USER);
  const { body } = await office.get('inbox');
  const waiting = body.items.filter((x) => x.kind === 'acceptance').map((x) => x.association);
  const mine = pending.filter((a) => waiting.includes(a.uscc));
  assert.ok(mine.length >= 2, `two summaries wait for acceptance (${waiting.join(', ')})`);
  // the later reported one is ready on a day shortly after its report
  mine.sort((x, y) => x.report_submitted_on.localeCompare(y.report_submitted_on));
  [accepted, returned] = mine;
  await office.logout();
});

test('the office defines a batch and its deadline, and edits it', async () => {
  await S.login(USER);
  await page.click('.sidenav a[data-nav="batches"]');
  await page.waitForSelector('main h1:text("批次")');
  await idle();
  const before = await page.$$eval('main table.batches tbody tr', (trs) => trs.length);
  assert.ok(before >= 1, 'the plan\'s batches are listed');
  await page.click('#batch-add');
  await page.fill('#batch-id', BATCH.id);
  await page.fill('#batch-name', BATCH.name);
  await page.fill('#batch-due', '2018-02-30');
  await page.click('#batch-new button[type=submit]');
  await page.waitForSelector('#batch-new .field-error');
  assert.match(await page.textContent('#batch-new'), /不是有效日期/);
  await page.fill('#batch-due', BATCH.due);
  const made = page.waitForResponse((r) => r.url().endsWith('/api/v1/batches') && r.request().method() === 'POST');
  await page.click('#batch-new button[type=submit]');
  assert.equal((await made).status(), 201);
  await page.waitForSelector(`main table.batches tr[data-batch="${BATCH.id}"]`);
  await idle();
  let row = await page.textContent(`main table.batches tr[data-batch="${BATCH.id}"]`);
  assert.match(row, new RegExp(`${BATCH.name.replace(/[()（）]/g, '.')}[\\s\\S]*${fmtDate(BATCH.due)}`));
  assert.match(await flashText(), /已新增批次/);
  // edit: the deadline moves
  await page.click(`main table.batches tr[data-batch="${BATCH.id}"] button:text("修改")`);
  assert.equal(await page.getAttribute('#batch-id', 'readonly'), '');
  await page.fill('#batch-due', BATCH.due2);
  const put = page.waitForResponse((r) => r.url().endsWith(`/api/v1/batches/${BATCH.id}`) && r.request().method() === 'PUT');
  await page.click('#batch-edit button[type=submit]');
  assert.equal((await put).status(), 200);
  await page.waitForFunction((t) => document.querySelector('main .flash')?.textContent.includes(t), fmtDate(BATCH.due2));
  row = await page.textContent(`main table.batches tr[data-batch="${BATCH.id}"]`);
  assert.match(row, new RegExp(fmtDate(BATCH.due2)));
  // the association list filters by the new batch by name
  await page.goto(`${server.url}/#/associations`);
  await idle();
  assert.ok((await page.$$eval('select[name="batch"] option', (os) => os.map((o) => o.textContent))).includes(BATCH.name));
  await page.goto(`${server.url}/#/batches`);
  await idle();
  await shot(page, 'batches');
  clean();
});

test('待办 lists the summaries waiting for acceptance, and its count is beside it', async () => {
  await page.click('.sidenav a[data-nav="inbox"]');
  await page.waitForSelector('main h1:text("待办")');
  await idle();
  const rows = await page.$$eval('main table.inbox tbody tr[data-kind="acceptance"]', (trs) => trs.map((tr) => tr.dataset.association));
  for (const a of [accepted, returned]) assert.ok(rows.includes(a.uscc), `${a.name} waits for acceptance`);
  const text = await page.textContent('main table.inbox');
  assert.match(text, /工作总结已报送，待验收/);
  assert.ok(text.includes(returned.name));
  assert.doesNotMatch(text, /acceptance|\d{4}-\d{2}-\d{2}/, 'no code or ISO date on screen');
  const badge = await page.textContent('#inbox-count');
  const total = await page.$$eval('main table.inbox tbody tr', (trs) => trs.length);
  assert.equal(badge, total > 99 ? '99+' : String(total));
  await shot(page, 'inbox');
  clean();
});

test('the office returns a work summary with a reason', async () => {
  await page.click(`main table.inbox tr[data-association="${returned.uscc}"] a`);
  await page.waitForSelector('#wf-return');
  await idle();
  await page.click('#wf-return');
  await page.waitForSelector('dialog[open] #return-reason');
  await page.click('#return-ok'); // no reason: refused by the field
  await page.waitForSelector('dialog[open] .field-error');
  await page.fill('#return-reason', REASON_RETURN);
  const sent = page.waitForResponse((r) => r.url().endsWith(`/api/v1/associations/${returned.uscc}/summary/return`));
  await page.click('#return-ok');
  assert.equal((await sent).status(), 200);
  await page.waitForFunction(() => document.querySelector('main .flash')?.textContent.includes('已退回工作总结'));
  await idle();
  assert.equal(await page.inputValue('#p-report_submitted_on'), '', 'the summary\'s date is cleared');
  assert.equal(await page.isVisible('#wf-return'), false, 'nothing left to return');
  await page.waitForFunction((r) => document.querySelector('#history-box')?.textContent.includes(r), REASON_RETURN);
  assert.match(await page.textContent('#history-box'), /退回理由/);
  // acceptance now is refused because the summary is not reported: said in words
  await page.click('#wf-accept');
  await page.click('#accept-ok');
  await page.waitForSelector('#accept-refusal .wf-unmet li');
  assert.match(await page.textContent('#accept-refusal'), /工作总结/);
  await page.click('dialog[open] button:text("取消")');
  // it has left the inbox
  await page.goto(`${server.url}/#/inbox`);
  await idle();
  assert.equal(await page.$(`main table.inbox tr[data-kind="acceptance"][data-association="${returned.uscc}"]`), null);
  clean();
});

test('the office accepts an association that is ready', async () => {
  // as of a few days after its report (before anything fell overdue)
  const day = new Date(Date.parse(accepted.report_submitted_on) + 5 * 86400000).toISOString().slice(0, 10);
  await page.goto(`${server.url}/#/associations/${accepted.uscc}`);
  await page.waitForSelector('#wf-accept');
  await setAsOf(day);
  await page.waitForSelector('#wf-accept');
  await idle();
  await page.click('#wf-accept');
  assert.equal(await page.inputValue('#accept-on'), day);
  const put = page.waitForResponse((r) => r.url().endsWith(`/api/v1/associations/${accepted.uscc}`) && r.request().method() === 'PUT');
  await page.click('#accept-ok');
  const res = await put;
  assert.equal(res.status(), 200, await res.text());
  await page.waitForFunction(() => document.querySelector('main .flash')?.textContent.includes('已验收'));
  await page.waitForSelector('.workflow li.wf-current:has-text("已验收")');
  assert.equal(await page.$('#wf-accept'), null, 'no 验收 once accepted');
  assert.doesNotMatch(await flashText(), /例外/);
  await shot(page, 'accepted');
  await setAsOf(new Date().toISOString().slice(0, 10));
  clean();
});

test('acceptance is refused while an item is overdue, and given with a reason that the audit log keeps', async () => {
  await page.goto(`${server.url}/#/associations/${returned.uscc}`);
  await page.waitForSelector('#p-report_submitted_on');
  await idle();
  // the association reports its summary again (the office registers it)
  await page.fill('#p-report_submitted_on', returned.report_submitted_on);
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/associations/${returned.uscc}`) && r.request().method() === 'PUT');
  await page.click('#progress-box button[type=submit]');
  assert.equal((await saved).status(), 200);
  await page.waitForSelector('#wf-return');
  await idle();
  await page.click('#wf-accept');
  const put = page.waitForResponse((r) => r.url().endsWith(`/api/v1/associations/${returned.uscc}`) && r.request().method() === 'PUT');
  await page.click('#accept-ok');
  assert.equal((await put).status(), 409);
  await page.waitForSelector('#accept-refusal .wf-unmet li');
  const why = await page.textContent('#accept-refusal');
  assert.match(why, /尚不能于.*验收/);
  assert.match(why, /逾期未办结/);
  assert.doesNotMatch(why, /acceptance_unready|\d{4}-\d{2}-\d{2}/, 'words and Chinese dates only');
  S.forgive(); // the 409 is the application speaking
  await shot(page, 'refused');
  // the override needs its reason
  await page.click('#accept-override');
  await page.waitForSelector('#accept-refusal .alert-error');
  await page.fill('#override-reason', REASON_OVERRIDE);
  const put2 = page.waitForResponse((r) => r.url().endsWith(`/api/v1/associations/${returned.uscc}`) && r.request().method() === 'PUT');
  await page.click('#accept-override');
  assert.equal((await put2).status(), 200);
  await page.waitForFunction(() => document.querySelector('main .flash')?.textContent.includes('例外验收'));
  await page.waitForSelector('.workflow li.wf-current:has-text("已验收")');
  await shot(page, 'overridden');
  clean();
});

test('the import page previews what a sheet changes, field by field, and asks before overwriting a newer edit', async () => {
  await page.goto(`${server.url}/#/import`);
  await page.waitForSelector('main h1:text("导入")');
  // the batch defined above with another name, and a new one
  const csv = `编号,名称,截止日期\n${BATCH.id},第三批（调整）,${BATCH.due2}\n${BATCH.id}n,第四批（测试）,2018-12-31\n`;
  await page.setInputFiles('#bundle-file', { name: '批次.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const dry = page.waitForResponse((r) => r.url().includes('/api/v1/import/sheets?dry_run=1'));
  await page.click('main button[type=submit]');
  const res = await dry;
  assert.equal(res.status(), 200);
  const answer = await res.json();
  await page.waitForSelector('#do-import');
  assert.ok(answer.diff, 'the dry run answers with its diff (the import-diff change of the server)');
  await page.waitForSelector('#import-diff');
  assert.match(await page.textContent('#diff-new'), /^1\s*条新增/);
  assert.match(await page.textContent('#diff-changed'), /^1\s*条变更/);
  assert.match(await page.textContent('#diff-unchanged'), /条未变/);
  const rec = `#import-diff .diff-record[data-id="${BATCH.id}"]`;
  const heads = await page.$$eval(`${rec} thead th`, (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(heads, ['字段', '原值', '新值']);
  const rowText = await page.textContent(`${rec} tbody`);
  assert.match(rowText, /名称\s*第三批（测试）\s*第三批（调整）/);
  await shot(page, 'import-preview');
  // the batch was edited in the browser after it was made: a newer edit, asked first
  const newer = answer.diff.records.some((r) => r.newer_edit);
  await page.click('#do-import');
  if (newer) {
    await page.waitForSelector('#confirm-overwrite');
    assert.match(await page.textContent('#overwrite-ask'), /覆盖/);
    await shot(page, 'import-newer');
    const go = page.waitForResponse((r) => r.url().includes('/api/v1/import/sheets?confirm_overwrite=1'));
    await page.click('#confirm-overwrite');
    assert.equal((await go).status(), 200);
  }
  await page.waitForSelector('#import-result .alert-ok:has-text("已导入")');
  clean();
});

// The page against the answer docs/api.md gives the dry run (the diff, the
// 409 newer_edit), with the server's answers fulfilled in the browser: the
// page's own behaviour whatever the server under test has; the test above
// runs the same against the real server.
test('the import preview shows the diff of its contract and degrades to counts without it (answers given in the browser)', async () => {
  const diff = {
    new: 1, changed: 2, unchanged: 5, newer_edits: 1, records: [
      { array: 'associations', id: returned.uscc, label: returned.name, status: 'changed', newer_edit: true, edited_at: '2026-12-01 16:30:00', edited_by: 'office1',
        fields: [{ field: 'decoupled_on', label: '脱钩完成日期', before: '2017-12-06', after: '2017-12-08' }] },
      { array: 'batches', id: 'pilot', label: '试点', status: 'changed', newer_edit: false, edited_at: null, edited_by: null,
        fields: [{ field: 'due', label: '截止日期', before: '2017-06-30', after: '2017-07-31' }, { field: 'name', label: '名称', before: '试点', after: '试点批次' }] },
      { array: 'batches', id: 'fifth', label: '第五批', status: 'new', newer_edit: false, edited_at: null, edited_by: null, fields: [] },
    ],
  };
  let withDiff = true;
  const asked = [];
  const answer = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const handler = (route) => {
    const u = new URL(route.request().url());
    asked.push(u.search);
    if (u.searchParams.get('dry_run') === '1') return answer(route, 200, { ok: true, dry_run: true, files: ['批次.csv'], counts: { batches: 2, associations: 1 }, ...(withDiff ? { diff } : {}) });
    if (u.searchParams.get('confirm_overwrite') !== '1') return answer(route, 409, { error: { code: 'newer_edit', message: '有记录在表格之后又被修改过', field: null } });
    return answer(route, 200, { ok: true, dry_run: false, files: ['批次.csv'], counts: { batches: 2, associations: 1 } });
  };
  const mine = (u) => u.pathname === '/api/v1/import/sheets';
  await page.route(mine, handler);
  try {
    const check = async () => {
      await page.goto(`${server.url}/#/import`);
      await page.waitForSelector('main h1:text("导入")');
      await page.setInputFiles('#bundle-file', { name: '批次.csv', mimeType: 'text/csv', buffer: Buffer.from('编号,名称\npilot,试点批次\n') });
      await page.click('main button[type=submit]');
      await page.waitForSelector('#do-import');
    };
    await check();
    assert.match(await page.textContent('#diff-new'), /^1\s*条新增/);
    assert.match(await page.textContent('#diff-changed'), /^2\s*条变更/);
    assert.match(await page.textContent('#diff-unchanged'), /^5\s*条未变/);
    assert.match(await page.textContent('#diff-newer'), /^1\s*条有较新修改/);
    assert.match(await page.textContent('#import-diff .diff-new'), /第五批/);
    const recs = await page.$$eval('#import-diff .diff-record', (ds) => ds.map((d) => ({ id: d.dataset.id, newer: d.classList.contains('newer'), text: d.textContent })));
    assert.deepEqual(recs.map((r) => [r.id, r.newer]), [[returned.uscc, true], ['pilot', false]]);
    assert.match(recs[0].text, /较新修改/);
    assert.match(recs[0].text, /于 2026年12月1日 16:30（北京时间） 由 office1 修改过/);
    const rows = await page.$$eval(`#import-diff .diff-record[data-id="${returned.uscc}"] tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(rows, [['脱钩完成日期', '2017年12月6日', '2017年12月8日']]);
    const heads = await page.$$eval('#import-diff .diff-record[data-id="pilot"] thead th', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(heads, ['字段', '原值', '新值']);
    await noSideways('the preview at 1366 px');
    // 导入 asks first: nothing is sent until the user says to overwrite
    const sentBefore = asked.length;
    await page.click('#do-import');
    await page.waitForSelector('#confirm-overwrite');
    assert.equal(asked.length, sentBefore, 'no import before the answer');
    await shot(page, 'import-diff-ask');
    await page.click('#overwrite-ask button:text("取消")');
    assert.equal(await page.$('#confirm-overwrite'), null);
    await page.click('#do-import');
    await page.click('#confirm-overwrite');
    await page.waitForSelector('#import-result .alert-ok:has-text("已导入")');
    assert.equal(asked[asked.length - 1], '?confirm_overwrite=1');
    // without a diff: the counts only, and a 409 newer_edit asks the same
    withDiff = false;
    await check();
    assert.equal(await page.$('#import-diff'), null);
    assert.match(await page.textContent('#import-result'), /检查通过[\s\S]*批次 2 条/);
    await page.click('#do-import');
    await page.waitForSelector('#confirm-overwrite');
    assert.equal(asked[asked.length - 1], '', 'the plain import was refused');
    await page.click('#confirm-overwrite');
    await page.waitForSelector('#import-result .alert-ok:has-text("已导入")');
    assert.equal(asked[asked.length - 1], '?confirm_overwrite=1');
    await page.setViewportSize(SMALL);
    withDiff = true;
    await check();
    await noSideways('the preview at 360 px');
    await shot(page, 'import-diff-360');
  } finally {
    await page.setViewportSize(DESK);
    await page.unroute(mine, handler);
  }
  clean();
});

test('the audit page shows the override, the return and the batch edit as 字段 / 变更前 / 变更后', async () => {
  await b.context.clearCookies();
  await S.login(ADMINS.auditor);
  await page.goto(`${server.url}/#/audit?event=acceptance_override`);
  await page.waitForSelector('main table.audit-log');
  await idle();
  const row = `main table.audit-log > tbody > tr:has(td:text("associations/${returned.uscc}"))`;
  await page.waitForSelector(row);
  const heads = await page.$$eval(`${row} table.changes thead th`, (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(heads, ['字段', '变更前', '变更后']);
  const fields = await page.$$eval(`${row} table.changes tbody th`, (ths) => ths.map((t) => t.textContent));
  for (const want of ['验收日期', '未满足的验收条件', '原因']) assert.ok(fields.includes(want), `${want} in ${fields.join(', ')}`);
  const text = await page.textContent(row);
  assert.ok(text.includes(REASON_OVERRIDE), 'the reason is kept');
  assert.match(text, /例外验收/);
  assert.doesNotMatch(text, /accepted_on|unmet/);
  await shot(page, 'audit-override');
  await page.goto(`${server.url}/#/audit?event=summary_return`);
  await page.waitForSelector(`main table.audit-log > tbody > tr:has(td:text("associations/${returned.uscc}"))`);
  assert.match(await page.textContent('main table.audit-log'), /退回工作总结/);
  await page.goto(`${server.url}/#/audit?event=write`);
  const brow = `main table.audit-log > tbody > tr:has(td:text("batches/${BATCH.id}"))`;
  await page.waitForSelector(brow);
  const changes = await page.$$eval(`${brow} table.changes tbody tr`, (trs) => trs.map((tr) => tr.textContent));
  assert.ok(changes.some((c) => c.includes('截止日期') && c.includes(fmtDate(BATCH.due2))), changes.join(' | '));
  await shot(page, 'audit-batch');
  clean();
});

test('a unit\'s 待办 lists its own items only', async () => {
  await b.context.clearCookies();
  await S.login(UNIT_USER);
  await page.click('.sidenav a[data-nav="inbox"]');
  await page.waitForSelector('main h1:text("待办")');
  await idle();
  assert.equal(await page.$('main tr[data-kind="acceptance"]'), null, 'acceptance is the office\'s');
  await shot(page, 'inbox-unit');
  clean();
});

test('the dashboard, the public page and the workflow pages fit 390 and 360 px without sideways scrolling', async () => {
  await b.context.clearCookies();
  await page.setViewportSize(PHONE);
  await page.goto(`${server.url}/public/`);
  await page.waitForSelector('#public-results');
  await page.waitForLoadState('networkidle');
  await noSideways('public page at 390 px');
  await shot(page, 'public-390');
  await S.login(USER);
  await page.goto(`${server.url}/#/dashboard`);
  await idle();
  await noSideways('dashboard at 390 px');
  assert.ok(await page.isVisible('#logout'), '退出 on screen');
  await page.waitForFunction(() => document.querySelector('#menu-count')?.textContent);
  assert.ok(await page.isVisible('#menu-count'), '待办\'s count on 菜单 while the menu is closed');
  assert.equal(await page.textContent('#menu-count'), await page.textContent('#inbox-count'));
  await shot(page, 'dashboard-390');
  await page.setViewportSize(SMALL);
  for (const hash of ['#/inbox', '#/batches', `#/associations/${accepted.uscc}`, '#/import']) {
    await page.goto(`${server.url}/${hash}`);
    await idle();
    await noSideways(`${hash} at 360 px`);
  }
  // the dialogs too
  await page.goto(`${server.url}/#/batches`);
  await idle();
  await page.click('#batch-add');
  await noSideways('the batch form at 360 px');
  await shot(page, 'batches-360');
  await page.goto(`${server.url}/#/associations/${returned.uscc}`);
  await idle();
  await page.goto(`${server.url}/#/inbox`);
  await idle();
  await shot(page, 'inbox-360');
  await page.setViewportSize(DESK);
  clean();
});
