// A working day of each role on its own record pages (issue 17), in a real
// browser: civil affairs lists an association in the 活动异常名录 and later,
// once rectified, removes it with evidence (信用名录, each step with its due
// date from the plan); an association updates its staff and files its
// annual report; a unit records the day its 职能清单 was issued, lists a
// function of its association and marks a checklist item done with
// evidence, which stays visible with its due date;
// a finance officer records a purchase of services and sees no 新增 or
// 编辑 on what is not finance's.  The forms show exactly the fields GET
// /api/v1/rights says the role may write.  Screenshots at 1440 and 390 px:
// tests/artifacts/roles-*.png.
//
//   TUOGOU_BROWSER_TESTS=tests/browser/roles.test.mjs bash tests/browser/run.sh

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, loginAs, apiSession, pdfBytes, markDone, UNIT_USER, FINANCE_USER, CIVIL_USER, ASSOC_USER, ASSOC } from './lib.mjs';

let page;
let server;
const S = browserSuite('roles-', { before, after, ready: (s) => { ({ page, server } = s); } });
const LISTED = '51410300MJ28509647'; // 洛阳市软件行业协会 (U06), in no credit list

// Each story is another person: whoever was logged in logs out first.
async function as(user) {
  if (await page.locator('#logout').count()) {
    await page.click('#logout');
    await page.waitForSelector('form.login-form');
  }
  await loginAs(page, server.url, user);
}

async function open(hash) {
  await page.evaluate((x) => { location.hash = x; }, hash);
  await page.waitForSelector('main h1');
  await S.idle();
}

// Both widths, and at 390 px no sideways scrolling.
async function shots(name) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await S.shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  await S.shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.ok(m.scroll <= m.inner, `${name}: ${m.scroll} px wide in a window of ${m.inner} px`);
}

// The inputs of the record form: exactly the writable fields of the rights.
async function formFields() {
  return page.$$eval('form.rec-form [name]', (xs) => xs.map((x) => x.name.split('.')[0]).filter((v, i, a) => a.indexOf(v) === i));
}

async function rightsOf(user) {
  const api = await apiSession(server.url, user);
  const { status, body } = await api.get('rights');
  assert.equal(status, 200);
  return body.arrays;
}

test('civil affairs lists an association as abnormal and later removes it', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await as(CIVIL_USER);
  const rights = await rightsOf(CIVIL_USER);
  await open('#/credit');
  await page.getByRole('button', { name: '新增信用名录' }).click();
  await page.waitForSelector('form.rec-form');
  assert.deepEqual(await formFields(), rights.credit_listings.fields.filter((f) => f.write).map((f) => f.key));
  await page.fill('#rec-id', 'L90');
  await page.selectOption('#rec-association', LISTED);
  await page.selectOption('#rec-list', 'abnormal');
  await page.fill('#rec-on', '2026-07-01');
  await page.fill('#rec-reason', '未按规定报送2025年度工作报告');
  let saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/credit_listings') && r.request().method() === 'POST');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await saved).status(), 201);
  await page.waitForSelector('form.rec-form', { state: 'detached' });
  await S.idle();
  const row = () => page.locator('main table tbody tr', { hasText: 'L90' });
  assert.match(await row().innerText(), /洛阳市软件行业协会[\s\S]*活动异常名录[\s\S]*2026年7月1日/);
  // 办理: the steps in order; 整改完成 first
  await row().getByRole('button', { name: '办理' }).click();
  await page.waitForSelector('section.rec-steps li[data-step="rectified_on"] form');
  assert.match(await page.textContent('section.rec-steps li[data-step="on"]'), /已于2026年7月1日办理/);
  await page.fill('#step-rectified_on-on', '2026-11-20');
  saved = page.waitForResponse((r) => r.url().includes('/api/v1/credit_listings/L90') && r.request().method() === 'PUT');
  await page.click('section.rec-steps li[data-step="rectified_on"] button[type=submit]');
  assert.equal((await saved).status(), 200);
  await S.idle();
  // the removal is now due: 5 working days after the rectification (the plan's credit.removal-overdue)
  await row().getByRole('button', { name: '办理' }).click();
  const removal = page.locator('section.rec-steps li[data-step="removed_on"]');
  await removal.locator('form').waitFor();
  assert.match(await removal.innerText(), /期限：2026年11月27日/);
  assert.match(await removal.innerText(), /逾期/);
  await shots('credit-steps');
  await page.fill('#step-removed_on-on', '2026-12-01');
  await page.setInputFiles('#step-removed_on-file', { name: '移出决定书.pdf', mimeType: 'application/pdf', buffer: pdfBytes('removal') });
  const posted = page.waitForResponse((r) => r.url().includes('/checklist') && r.request().method() === 'POST');
  await removal.locator('button[type=submit]').click();
  assert.equal((await posted).status(), 200);
  await S.idle();
  assert.match(await row().innerText(), /2026年12月1日/);
  // the done step keeps its due date and shows its evidence
  await row().getByRole('button', { name: '办理' }).click();
  await page.waitForSelector('section.rec-steps li[data-step="removed_on"].done');
  const done = await removal.innerText();
  assert.match(done, /已于2026年12月1日办理/);
  assert.match(done, /期限：2026年11月27日/);
  const api = await apiSession(server.url, CIVIL_USER);
  const { body: rec } = await api.get('credit_listings/L90');
  assert.equal(rec.rectified_on, '2026-11-20');
  assert.equal(rec.removed_on, '2026-12-01');
  S.clean();
});

test('civil affairs reads 工作总结与验收 by stage', async () => {
  await open('#/summaries');
  const all = await page.locator('main table tbody tr').count();
  assert.ok(all > 0);
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/associations') && r.url().includes('state=accepted'));
  await page.selectOption('#summary-stage', 'accepted');
  assert.equal((await answered).status(), 200);
  await S.idle();
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.ok(rows.length > 0, 'some associations are accepted');
  const head = await page.$$eval('main table thead th', (ths) => ths.map((t) => t.textContent));
  const col = head.indexOf('验收日期');
  assert.ok(col > 0, `a 验收日期 column: ${head}`);
  for (const r of rows) assert.match(r[col], /^\d{4}年\d{1,2}月\d{1,2}日$/, `accepted: ${r}`);
  assert.equal(await page.getByRole('button', { name: /^新增/ }).count(), 0, 'a view, not a form');
  await shots('summaries');
  S.clean();
});

test('civil affairs follows an exit case: notice with evidence, its due date from the plan', async () => {
  await open('#/supervision?array=exit_cases');
  const row = page.locator('main table tbody tr', { hasText: 'XC01' });
  await row.getByRole('button', { name: '办理' }).click();
  const notice = page.locator('section.rec-steps li[data-step="notified_on"]');
  await notice.locator('form').waitFor();
  assert.match(await notice.innerText(), /期限：2026年12月10日/); // 立案 2026-11-10 + 30 days
  await page.fill('#step-notified_on-on', '2026-12-02');
  await page.setInputFiles('#step-notified_on-file', { name: '告知书.pdf', mimeType: 'application/pdf', buffer: pdfBytes('notice') });
  const posted = page.waitForResponse((r) => r.url().includes('/checklist') && r.request().method() === 'POST');
  await notice.locator('button[type=submit]').click();
  assert.equal((await posted).status(), 200);
  await S.idle();
  await page.locator('main table tbody tr', { hasText: 'XC01' }).getByRole('button', { name: '办理' }).click();
  await page.waitForSelector('section.rec-steps li[data-step="notified_on"].done');
  assert.match(await notice.innerText(), /已于2026年12月2日办理[\s\S]*期限：2026年12月10日/);
  // the done step keeps its evidence (issue 17 item 5)
  assert.match(await notice.innerText(), /佐证材料：告知书\.pdf/);
  // the decision's due date counts from the notice: 60 days
  assert.match(await page.textContent('section.rec-steps li[data-step="decided_on"]'), /期限：2027年1月31日/);
  await shots('exit-steps');
  S.clean();
});

test('an association updates its staff and files its annual report', async () => {
  await as(ASSOC_USER);
  const rights = await rightsOf(ASSOC_USER);
  await open('#/persons');
  await page.getByRole('button', { name: '新增工作人员' }).click();
  await page.waitForSelector('form.rec-form');
  assert.deepEqual(await formFields(), rights.staff.fields.filter((f) => f.write).map((f) => f.key));
  assert.equal(await page.inputValue('#rec-association'), ASSOC, 'the association is its own');
  await page.fill('#rec-id', 'S9001');
  await page.fill('#rec-name', '王晓');
  await page.fill('#rec-from', '2026-11-02');
  await page.fill('#rec-labor_contract_on', '2026-11-02');
  let saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/staff') && r.request().method() === 'POST');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await saved).status(), 201);
  await S.idle();
  // and the social insurance of the new one, later
  await page.locator('main table tbody tr', { hasText: 'S9001' }).getByRole('button', { name: '编辑' }).click();
  await page.fill('#rec-social_insurance_on', '2026-11-30');
  saved = page.waitForResponse((r) => r.url().includes('/api/v1/staff/S9001') && r.request().method() === 'PUT');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await saved).status(), 200);
  await S.idle();
  assert.match(await page.locator('main table tbody tr', { hasText: 'S9001' }).innerText(), /王晓[\s\S]*2026年11月30日/);
  await shots('assoc-staff');
  // posts are the unit's: no 新增 and no 编辑 there
  await open('#/persons?array=posts');
  assert.equal(await page.getByRole('button', { name: /^新增/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '编辑' }).count(), 0);
  // the annual report
  await open('#/annual_reports');
  await page.getByRole('button', { name: '新增年度工作报告' }).click();
  await page.fill('#rec-year', '2026');
  await page.fill('#rec-submitted_on', '2026-12-03');
  saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/annual_reports') && r.request().method() === 'POST');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await saved).status(), 201);
  await S.idle();
  const api = await apiSession(server.url, ASSOC_USER);
  const { status, body } = await api.get(`annual_reports/${ASSOC}/2026`);
  assert.equal(status, 200);
  assert.equal(body.submitted_on, '2026-12-03');
  await shots('assoc-report');
  S.clean();
});

test('a unit issues its function list, lists a function and marks a checklist item done with evidence', async () => {
  await as(UNIT_USER);
  const rights = await rightsOf(UNIT_USER);
  // 四(四): the day its 职能清单 was issued, on its own unit's page
  assert.deepEqual(rights.units.fields.filter((f) => f.write).map((f) => f.key), ['function_list_on']);
  await open('#/units/U06');
  await page.click('#function-list-issue');
  await page.waitForSelector('form.rec-form #rec-function_list_on');
  await page.fill('#rec-function_list_on', '2017-06-20');
  const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/units/U06') && r.request().method() === 'PUT');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await issued).status(), 200);
  await S.idle();
  await page.waitForFunction(() => /职能清单印发日期\s*2017年6月20日/.test(document.querySelector('#unit-profile')?.innerText || ''));
  await shots('unit-function-list');
  await open('#/functions');
  await page.getByRole('button', { name: '新增职能' }).click();
  await page.waitForSelector('form.rec-form');
  assert.deepEqual(await formFields(), rights.functions.fields.filter((f) => f.write).map((f) => f.key));
  await page.fill('#rec-id', 'F9001');
  await page.selectOption('#rec-association', LISTED);
  await page.fill('#rec-name', '行业统计');
  await page.selectOption('#rec-disposition', 'transfer');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/functions') && r.request().method() === 'POST');
  await page.click('form.rec-form button[type=submit]');
  assert.equal((await saved).status(), 201);
  await S.idle();
  assert.match(await page.locator('main table tbody tr', { hasText: 'F9001' }).innerText(), /行业统计[\s\S]*移交/);
  await shots('unit-functions');
  // an item of its own that waits on it (待办), marked done with a file
  const api = await apiSession(server.url, UNIT_USER);
  // (association-level: a rule's record-level item leaves the checklist once done)
  const waiting = (await api.get('inbox')).body.items.filter((i) => i.kind === 'item' && i.association && !i.subject);
  let row = null;
  for (const i of waiting) {
    await open(`#/associations/${i.association}`);
    await page.waitForSelector('#checklist tr[data-status]');
    const r = `#checklist tr[data-rule="${i.rule}"][data-subject=""]`;
    if (await page.locator(`${r} button:text("标记完成")`).count()) { row = r; break; }
  }
  assert.ok(row, 'the unit has an item of its own to mark done');
  await markDone(page, row, { on: '2026-12-01', file: '单位佐证.pdf', tag: 'unit' });
  await shots('unit-done');
  S.clean();
});

test('a finance officer records what is finance’s and sees no button for the rest', async () => {
  await as(FINANCE_USER);
  await open('#/supervision?array=service_purchases');
  await page.getByRole('button', { name: '新增政府购买服务' }).click();
  const form = page.locator('form.sv-form');
  await form.waitFor();
  await form.locator('#sv-id').fill('SP90');
  await form.locator('#sv-association').fill(LISTED);
  await form.locator('#sv-item').fill('行业发展报告编制');
  await form.locator('#sv-amount').fill('80000');
  await form.locator('#sv-signed_on').fill('2026-11-15');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/service_purchases') && r.request().method() === 'POST');
  await form.getByRole('button', { name: '新增' }).click();
  assert.equal((await saved).status(), 201);
  await S.idle();
  assert.match(await page.locator('main table tbody tr', { hasText: 'SP90' }).innerText(), /行业发展报告编制/);
  // none of these is finance's: no 新增, no 编辑, no step form
  for (const hash of ['#/persons', '#/persons?array=posts', '#/credit', '#/annual_reports', '#/functions', '#/supervision?array=ratings']) {
    await open(hash);
    assert.equal(await page.getByRole('button', { name: /^新增/ }).count(), 0, `no 新增 on ${hash}`);
    assert.equal(await page.getByRole('button', { name: '编辑' }).count(), 0, `no 编辑 on ${hash}`);
  }
  await open('#/credit');
  await page.locator('main table tbody tr').first().getByRole('button', { name: '办理' }).click();
  await page.waitForSelector('section.rec-steps');
  assert.equal(await page.locator('section.rec-steps form').count(), 0, 'the steps are shown, not offered');
  await shots('finance-credit');
  // the server refuses the same in the glossary's words (a PUT by hand)
  const api = await apiSession(server.url, FINANCE_USER);
  const r = await api.put('credit_listings/L01', { ...(await api.get('credit_listings/L01')).body, removed_on: '2026-12-01' });
  assert.equal(r.status, 403);
  S.clean();
});
