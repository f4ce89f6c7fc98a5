// The three administrators (三员分立 of 等保 2.0), in a real browser: each
// logs in with password and one-time code (动态口令) and sees only its own
// page.  The security administrator (安全管理员) asks for an account for a
// supervising unit (三员分立, issue 14: a request, 待审批), the system
// administrator (系统管理员) approves it and is shown its temporary password
// once, and the account logs in with it; the system administrator turns on
// 所有账户须使用动态口令 and finds it still on after a reload, and off
// again; the audit administrator (安全审计员) filters the audit log and
// finds the logins, the request, the new account, the setting and the
// refused requests just made.  None of the three reads business data: the
// page says 无权访问 and the API answers 403.  Screenshots:
// tests/artifacts/admin-*.png.
//
//   node --test tests/browser/admin.test.mjs   (TUOGOU_BASE_URL=... needs TUOGOU_TEST_TOTP too)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, loginAs, apiSession, totpSecrets, totpCode, ADMINS, PASSWORD, USER } from './lib.mjs';

let server;
let b;
let page;
let requireTotpOn = false; // set while the story has the setting on: after() turns it off whatever happened
const S = browserSuite('admin-', {
  before, after, ready: (s) => { ({ server, b, page } = s); },
  beforeClose: async () => {
    if (!requireTotpOn) return;
    const sys = await apiSession(server.url, ADMINS.sysadmin);
    await sys.put('settings', { require_totp: false });
    await sys.logout();
  },
});
const { clean, shot } = S;
const waitIdle = () => S.idle();

// the account the security administrator opens (unique, should the server be reused)
const NEW_USER = `wangli${String(Date.now()).slice(-5)}`;
let NEW_PASSWORD = null; // made when the system administrator approves
const NEW_UNIT = 'U09';


// The API as the page's session sees it.
const fromPage = (path) => page.evaluate(async (p) => {
  const r = await fetch(p, { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  return { status: r.status, body };
}, path);

// An administrator opens a page that is not its own: the UI refuses it, and
// the API behind it answers 403 (the server's refusal, whatever the UI does).
async function refused(hash, apiPath, roleName) {
  await page.goto(server.url + '/' + hash);
  await page.waitForSelector('main h1:text("无权访问")');
  assert.match(await page.textContent('main'), new RegExp(`“${roleName}”角色不能打开此页面`));
  const r = await fromPage(apiPath);
  assert.equal(r.status, 403, `${apiPath} answers 403`);
  assert.equal(r.body.error.code, 'forbidden');
  assert.match(r.body.error.message, /无权/);
}

async function logout() {
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
}

const navLinks = () => page.$$eval('.sidenav a', (as) => as.map((a) => a.textContent));

// The row of the account list whose 用户名 is `name`, as {column: text}.
async function userRow(name) {
  return page.$eval('main table.users-table', (t, n) => {
    const heads = [...t.querySelectorAll('thead th')].map((x) => x.textContent);
    const tr = [...t.querySelectorAll('tbody tr')].find((r) => r.querySelector('th').textContent === n);
    return tr ? Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])) : null;
  }, name);
}

// The system administrator logs in and lands on 系统设置与备份, with the
// role's two pages in the menu.
async function asSysadmin() {
  await loginAs(page, server.url, ADMINS.sysadmin);
  await page.waitForSelector('main h1:text("系统设置与备份")');
  await waitIdle();
  assert.deepEqual(await navLinks(), ['用户与角色', '系统设置与备份']);
}

test('the administrators have their one-time-code secrets', { skip: !process.env.TUOGOU_TEST_TOTP && process.env.TUOGOU_BASE_URL ? 'a given server: TUOGOU_TEST_TOTP names no secrets' : false }, () => {
  const s = totpSecrets();
  for (const name of Object.values(ADMINS)) assert.match(s[name], /^[A-Z2-7]{32}$/, name);
});

test('the security administrator logs in with password and one-time code and sees only 用户与角色', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector('form.login-form');
  await page.fill('#username', ADMINS.secadmin);
  await page.fill('#password', PASSWORD);
  await page.click('form.login-form button[type=submit]');
  // the server asks for the code; the password typed stays
  await page.waitForSelector('#totp:visible');
  assert.match(await page.textContent('.field:has(#totp) .field-error'), /请输入动态口令/);
  assert.equal(await page.inputValue('#password'), PASSWORD);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'totp');
  await shot(page, 'login-code');
  await page.fill('#totp', await totpCode(ADMINS.secadmin));
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('main h1:text("用户与角色")');
  await waitIdle();
  assert.match(page.url(), /#\/users$/);
  assert.deepEqual(await navLinks(), ['用户与角色']);
  assert.match(await page.textContent('.topbar .user-role'), /^安全管理员$/);
  assert.equal(await page.$('#bell'), null, 'no reminders bell: no business data');
  const me = await userRow(ADMINS.secadmin);
  assert.equal(me['角色'], '安全管理员');
  assert.equal(me['动态口令'], '已设置');
  assert.match(me['最近登录'], /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/, 'one who just logged in shows when');
  assert.equal(me['操作'], '本人账户', 'no change of one\'s own account');
  assert.equal((await userRow(USER))['角色'], '联合工作组办公室');
  await shot(page, 'users');
  clean();
});

// The row of 待审批 for account `name`, as {column: text} (null without one:
// with no request waiting the section says so instead of a table).
async function requestRow(name) {
  if (!(await page.$('main table.requests-table'))) return null;
  return page.$eval('main table.requests-table', (t, n) => {
    const heads = [...t.querySelectorAll('thead th')].map((x) => x.textContent);
    const tr = [...t.querySelectorAll('tbody tr')].find((r) => r.children[2].textContent === n);
    return tr ? Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])) : null;
  }, name);
}

test('the security administrator asks for an account for a supervising unit: a request, not an account', async () => {
  assert.deepEqual(await page.$$eval('#new-role option', (os) => os.map((o) => o.value)),
    ['', 'office', 'civil_affairs', 'unit', 'department', 'association'], 'no administrator role is offered, and none is chosen for the user');
  assert.equal(await page.inputValue('#new-role'), '', 'the role is chosen, never preset');
  assert.equal(await page.$('#new-password'), null, 'no password: it is made at approval');
  await page.fill('#new-username', NEW_USER);
  await page.fill('#new-display-name', '王丽');
  // no role chosen: the form says so and sends nothing
  let early = 0;
  const count = (r) => { if (r.url().endsWith('/api/v1/users') && r.method() === 'POST') early++; };
  page.on('request', count);
  await page.click('#user-add button[type=submit]');
  await page.waitForSelector('#user-add .field:has(#new-role) .field-error:text("请选择角色")');
  page.off('request', count);
  assert.equal(early, 0, 'nothing sent without a role');
  await page.selectOption('#new-role', 'unit');
  assert.ok(await page.isVisible('#new-unit'), 'a unit account asks for its unit');
  assert.ok(!(await page.isVisible('#new-association')));
  // a unit that does not exist: refused next to the unit, nothing typed lost
  await page.fill('#new-unit', 'U99');
  let posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
  await page.click('#user-add button[type=submit]');
  assert.equal((await posted).status(), 400);
  await page.waitForSelector('#user-add .field:has(#new-unit) .field-error');
  assert.match(await page.textContent('#user-add .field:has(#new-unit) .field-error'), /^主管单位“U99”不存在$/);
  assert.equal(await page.inputValue('#new-username'), NEW_USER);
  await shot(page, 'user-add-error', { fullPage: false, more: {} });
  // the right unit: a request for the system administrator, no account yet
  await page.fill('#new-unit', NEW_UNIT);
  posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
  await page.click('#user-add button[type=submit]');
  assert.equal((await posted).status(), 202);
  await page.waitForSelector(`main [role=status]:text("已提交新增用户 ${NEW_USER} 的申请，须由系统管理员审批后生效。")`);
  assert.equal(await userRow(NEW_USER), null, 'no account before the approval');
  const req = await requestRow(NEW_USER);
  assert.equal(req['申请'], '新增用户');
  assert.equal(req['内容'], `主管单位：${NEW_UNIT}（王丽）`);
  assert.equal(req['申请人'], `${ADMINS.secadmin}（安全管理员）`);
  assert.equal(req['操作'], '等待系统管理员审批', 'the proposer cannot approve his own request');
  assert.match(await page.textContent('main .page-sub'), /共 \d+ 个账户，\d+ 项申请待审批/);
  await shot(page, 'user-requested');
  // administrators' rows offer nothing: they are managed on the server
  assert.equal((await userRow(ADMINS.sysadmin))['操作'], '仅在服务器上管理');
  // 申请重置密码 asks in a dialog of the page, never in a browser prompt
  let native = 0;
  const onNative = (d) => { native++; d.dismiss().catch(() => {}); };
  page.on('dialog', onNative);
  await page.click(`main table.users-table tbody tr:has(th:text-is("${USER}")) button:text("申请重置密码")`);
  await page.waitForSelector('#reset-dialog[open]');
  assert.match(await page.textContent('#reset-dialog'), new RegExp(`账户 ${USER}`));
  assert.match(await page.textContent('#reset-dialog'), /只在批准人的页面上显示一次/);
  await shot(page, 'reset-dialog', { fullPage: false });
  await page.click('#reset-dialog button:text("取消")');
  await page.waitForSelector('#reset-dialog[open]', { state: 'detached' }).catch(() => {});
  assert.equal(await page.$('#reset-dialog[open]'), null);
  page.off('dialog', onNative);
  assert.equal(native, 0, 'no prompt(), confirm() or alert()');
  assert.equal(await page.$('#as-of'), null, 'an administrator has no 截至 date');
  clean();
});

test('the security administrator is refused business data and the other administrators\' pages', async () => {
  await refused('#/associations', '/api/v1/associations', '安全管理员');
  await refused('#/associations/51410300MJ28509647', '/api/v1/persons/P0002', '安全管理员');
  await shot(page, 'secadmin-refused');
  await refused('#/settings', '/api/v1/settings', '安全管理员');
  await refused('#/audit', '/api/v1/audit', '安全管理员');
  await logout();
  clean();
});

test('the system administrator approves the request and is shown the temporary password once', async () => {
  await asSysadmin();
  await S.nav('用户与角色');
  const req = await requestRow(NEW_USER);
  assert.equal(req['操作'], '批准 驳回');
  const posted = page.waitForResponse((r) => /\/api\/v1\/user-requests\/\d+\/approve$/.test(r.url()));
  await page.click('main table.requests-table tbody tr:has(td:text("' + NEW_USER + '")) button:text("批准")');
  assert.equal((await posted).status(), 200);
  await page.waitForSelector('#temp-password');
  NEW_PASSWORD = await page.textContent('#temp-password');
  assert.match(NEW_PASSWORD, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
  assert.deepEqual(await userRow(NEW_USER), { 用户名: NEW_USER, 姓名: '王丽', 角色: '主管单位', 管理范围: NEW_UNIT, 动态口令: '未设置', 最近登录: '从未登录', 状态: '正常', 操作: '锁定 申请重置密码' });
  assert.equal(await requestRow(NEW_USER), null, 'no longer waiting');
  assert.match(await page.textContent('#user-requests'), /没有待审批的申请/);
  await shot(page, 'user-approved', { fullPage: false });
  // 刷新: the password is not shown again
  await page.click('main .head-actions button:text("刷新")');
  await page.waitForFunction(() => !document.querySelector('#temp-password'));
  await page.waitForSelector('main h1:text("用户与角色")');
  await logout();
  clean();
});

test('the new account changes its temporary password at the first login and opens its own unit', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector('form.login-form');
  await page.fill('#username', NEW_USER);
  await page.fill('#password', NEW_PASSWORD);
  await page.click('form.login-form button[type=submit]');
  // the server asks for a new password; the temporary one typed stays
  await page.waitForSelector('#new-password:visible');
  assert.match(await page.textContent('.field:has(#new-password) .field-error'), /临时密码/);
  assert.equal(await page.inputValue('#password'), NEW_PASSWORD);
  // a common password is refused with the reason
  await page.fill('#new-password', 'Password123');
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('.field:has(#new-password) .field-error:text-matches("密码太容易被猜中")');
  await shot(page, 'login-new-password', { fullPage: false });
  await page.fill('#new-password', 'Wang-Li-2017-Luoyang');
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('main h1:text("总览")');
  assert.match(await page.textContent('.topbar'), /王丽/);
  assert.match(await page.textContent('.topbar .user-role'), /^主管单位$/);
  await page.click('.sidenav a:text("本单位")');
  await page.waitForSelector('#unit-assocs');
  assert.match(page.url(), new RegExp(`#/units/${NEW_UNIT}$`));
  await waitIdle();
  await logout();
  clean();
});

test('the system administrator turns on 所有账户须使用动态口令, and it holds after a reload', async () => {
  await asSysadmin();
  assert.match(await page.textContent('.topbar .user-role'), /^系统管理员$/);
  assert.equal(await page.$('#as-of'), null, 'an administrator has no 截至 date');
  // backup is done now, with the command line: how, and no promise of a later version
  const backup = await page.textContent('main section:has(#set-backup-h)');
  assert.match(backup, /tuogou backup \[--db PATH\] FILE/);
  assert.match(backup, /tuogou restore FILE/);
  assert.ok(!/后续版本|later version/.test(backup), backup);
  assert.equal(await page.isChecked('#require-totp'), false);
  let put = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PUT');
  await page.check('#require-totp');
  assert.equal((await put).status(), 200);
  requireTotpOn = true;
  await page.waitForSelector('main [role=status]:text("已开启")');
  await shot(page, 'settings-on');
  await page.reload();
  await page.waitForSelector('main h1:text("系统设置与备份")');
  await waitIdle();
  assert.equal(await page.isChecked('#require-totp'), true, 'still on after a reload');
  // and it bites: an office account without a secret may not log in now
  const r = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: USER, password: PASSWORD }) });
  assert.equal(r.status, 401);
  const e = (await r.json()).error;
  assert.equal(e.code, 'totp_not_set');
  assert.match(e.message, /请联系安全管理员/);
  // off again, and off after a reload
  put = page.waitForResponse((x) => x.url().endsWith('/api/v1/settings') && x.request().method() === 'PUT');
  await page.uncheck('#require-totp');
  assert.equal((await put).status(), 200);
  requireTotpOn = false;
  await page.waitForSelector('main [role=status]:text("已关闭")');
  await page.reload();
  await page.waitForSelector('main h1:text("系统设置与备份")');
  await waitIdle();
  assert.equal(await page.isChecked('#require-totp'), false, 'still off after a reload');
  await shot(page, 'settings');
  clean();
});

test('the system administrator is refused business data and the other administrators\' pages', async () => {
  await refused('#/findings', '/api/v1/findings', '系统管理员');
  await refused('#/dashboard', '/api/v1/dashboard', '系统管理员');
  await refused('#/audit', '/api/v1/audit', '系统管理员');
  await shot(page, 'sysadmin-refused');
  await logout();
  clean();
});

test('the audit administrator filters the audit log and finds the logins, the new account and the setting just made', async () => {
  // the log's days are Beijing days (UTC+8 all year), whatever the browser's zone
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await loginAs(page, server.url, ADMINS.auditor);
  await page.waitForSelector('main h1:text("审计日志")');
  await waitIdle();
  assert.deepEqual(await navLinks(), ['审计日志']);
  assert.match(await page.textContent('.topbar .user-role'), /^安全审计员$/);
  // its own login, just made: the newest 登录 of auditor1 today
  await filter({ user: ADMINS.auditor, event: 'login', from: today });
  const logins = await rows();
  assert.ok(logins.length >= 1, 'the login is logged');
  for (const x of logins) { assert.equal(x['用户'], ADMINS.auditor); assert.equal(x['事件'], '登录'); }
  assert.equal(logins[0]['结果'], '成功');
  assert.equal(logins[0]['角色'], '安全审计员');
  assert.equal(logins[0]['对象'], `users/${ADMINS.auditor}`);
  assert.match(logins[0]['时间'], new RegExp(`^${today} \\d\\d:\\d\\d:\\d\\d$`), 'Beijing time');
  // the time shown is the API's Beijing time: the login was just now
  const shown = Date.parse(logins[0]['时间'].replace(' ', 'T') + '+08:00');
  assert.ok(Math.abs(Date.now() - shown) < 10 * 60 * 1000, `${logins[0]['时间']} is now in Beijing`);
  await shot(page, 'audit-logins');
  // the request of the security administrator ...
  await filter({ user: ADMINS.secadmin, event: 'user_request', from: today });
  const asked = await rows();
  assert.ok(asked.some((x) => x['对象'] === `users/${NEW_USER}` && x['事件'] === '提出账户申请'), JSON.stringify(asked));
  // ... and the account the system administrator's approval made, with what it was made as
  await filter({ user: ADMINS.sysadmin, event: 'user_approve', from: today });
  assert.ok((await rows()).length >= 1, 'the approval is logged');
  await filter({ user: ADMINS.sysadmin, event: 'user_add', from: today });
  const adds = await rows();
  const add = adds.find((x) => x['对象'] === `users/${NEW_USER}`);
  assert.ok(add, `user_add of ${NEW_USER}: ${JSON.stringify(adds)}`);
  assert.equal(add['结果'], '成功');
  // what the account was made as: field, before, after in the glossary's words
  assert.ok(add.changes.some(([f, b4, af]) => f === '角色' && b4 === '空' && af === '主管单位'), JSON.stringify(add.changes));
  assert.ok(add.changes.some(([f, , af]) => f === '主管单位' && af === NEW_UNIT), JSON.stringify(add.changes));
  assert.ok(!/[{}"]/.test(add['变更内容']), `no JSON on screen: ${add['变更内容']}`);
  // the setting, on and off
  await filter({ user: ADMINS.sysadmin, event: 'setting', from: today });
  const sets = await rows();
  assert.ok(sets.length >= 2, `both changes of the setting: ${JSON.stringify(sets)}`);
  assert.ok(sets.every((x) => x['角色'] === '系统管理员' && x['结果'] === '成功'));
  // the administrators' refused requests for business data
  await filter({ user: ADMINS.secadmin, event: 'access_denied', from: today });
  const denied = await rows();
  assert.ok(denied.some((x) => x['对象'] === '/api/v1/associations' && x['结果'] === '拒绝'), JSON.stringify(denied));
  assert.ok(denied.some((x) => x['对象'] === '/api/v1/persons/P0002'), JSON.stringify(denied));
  await shot(page, 'audit-denied');
  // the chain of the log is intact
  await page.click('#audit-verify');
  await page.waitForSelector('main p.text-green');
  assert.match(await page.textContent('main p.text-green'), /共 \d+ 条/);
  clean();
});

test('the audit administrator is refused business data and the other administrators\' pages', async () => {
  await refused('#/associations', '/api/v1/persons', '安全审计员');
  await refused('#/reminders', '/api/v1/reminders', '安全审计员');
  await refused('#/settings', '/api/v1/settings', '安全审计员');
  await refused('#/users', '/api/v1/users', '安全审计员');
  await logout();
  clean();
});

test('no console error, CSP violation or request to another host among the administrators', async () => {
  S.quiet();
});

// ---- the audit page's filters, as the auditor uses them
async function filter({ user = '', event = '', from = '', to = '' }) {
  await page.fill('#audit-user', user);
  await page.selectOption('#audit-event', event);
  await page.fill('#audit-from', from);
  await page.fill('#audit-to', to);
  const want = new URLSearchParams(Object.entries({ user, event, from, to }).filter(([, v]) => v)).toString();
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && new URL(r.url()).searchParams.get('user') === (user || null) && new URL(r.url()).searchParams.get('event') === (event || null));
  await page.click('form.filters button[type=submit]');
  await answered;
  await page.waitForFunction((w) => location.hash.endsWith('?' + w) || location.hash.endsWith('audit') && !w, want);
  await waitIdle();
}

async function rows() {
  return page.$$eval('main table.audit-log', (ts) => {
    const t = ts[0];
    if (!t) return [];
    const heads = [...t.querySelectorAll(':scope > thead > tr > th')].map((x) => x.textContent);
    // each record's change is a table of its own: [field, before, after] rows
    return [...t.querySelectorAll(':scope > tbody > tr')].map((tr) => ({
      ...Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])),
      changes: [...tr.querySelectorAll('table.changes > tbody > tr')].map((r) => [...r.children].map((c) => c.textContent)),
    }));
  });
}
