// 催办 in a real browser (issue 17 item 9): on 提醒 the office sends the
// supervising unit U06 a 催办 for its overdue items, seeing first the items
// it will name, with a note; 催办记录 lists it; the unit finds it in its 待办
// and signs for it (签收) on 提醒, after which the office's 催办记录 says so.
// The unit has no 发送催办.  At 360 px the dialog and the pages fit.
// Screenshots: tests/artifacts/urge-*.png.
//
//   TUOGOU_BROWSER_TESTS=tests/browser/urge.test.mjs tests/browser/run.sh

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, apiSession, USER, UNIT_USER, UNIT } from './lib.mjs';

let server;
let page;
const S = browserSuite('urge-', { before, after, ready: (s) => { ({ server, page } = s); } });
const { clean, shot, setAsOf } = S;
const DAY = '2018-06-30';
const NOTE = '请于7月10日前办结，并上传佐证材料。';
const SMALL = { width: 360, height: 740 };
const DESK = { width: 1366, height: 768 };
let overdue; // U06's overdue items that day, as the reminders list them
let sent;    // the 催办's id

async function noSideways(what) {
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what}: the page scrolls sideways (${m.scroll} > ${m.inner} px)`);
}

async function logout() {
  if (await page.locator('#logout').count()) {
    await page.click('#logout');
    await page.waitForSelector('form.login-form');
  }
}

test('setup: U06 has overdue items on the day', async () => {
  const office = await apiSession(server.url, USER);
  const { body } = await office.get(`reminders?as_of=${DAY}`);
  const u = body.units.find((x) => x.unit === UNIT);
  assert.ok(u && u.overdue > 0, `U06 has overdue items on ${DAY}`);
  overdue = u.items.filter((x) => x.state === 'overdue');
  await office.logout();
});

test('the office sends U06 a 催办 from 提醒, after seeing what it names', async () => {
  await page.setViewportSize(DESK);
  await S.login(USER);
  await setAsOf(DAY);
  await S.nav('提醒');
  const open = page.locator(`button.urge-open[data-unit="${UNIT}"]`);
  assert.equal(await open.count(), 1, '发送催办 beside U06');
  await open.click();
  await page.waitForSelector('#urge-dialog[open]');
  const preview = await page.locator('#urge-preview li').count();
  assert.equal(preview, overdue.length, 'the dialog lists every overdue item it will name');
  assert.match(await page.textContent('#urge-dialog .dialog-item'), new RegExp(`逾期 ${overdue.length} 项`));
  assert.ok((await page.textContent('#urge-dialog')).includes('2018年6月30日'), 'a Chinese date');
  await page.fill('#urge-message', NOTE);
  await shot(page, 'urge-dialog', { fullPage: false });
  const posted = page.waitForResponse((r) => r.url().includes(`/api/v1/units/${UNIT}/urges`) && r.request().method() === 'POST');
  await page.click('#urge-ok');
  const res = await posted;
  assert.equal(res.status(), 201);
  sent = (await res.json()).id;
  await page.waitForSelector('#urge-notice');
  await S.idle();
  const notice = await page.textContent('#urge-notice');
  assert.match(notice, new RegExp(`催办记录第 ${sent} 号，逾期 ${overdue.length} 项`));
  const row = page.locator(`#urge-log tr[data-urge="${sent}"]`);
  assert.equal(await row.count(), 1, '催办记录 lists it');
  const text = await row.textContent();
  assert.ok(text.includes(NOTE) && text.includes('2018年6月30日') && text.includes('未签收'), text);
  await row.scrollIntoViewIfNeeded();
  await shot(page, 'urge-office-log', { fullPage: false });
  clean();
});

test('the unit sees the 催办 in its 待办, signs for it on 提醒, and may send none', async () => {
  await logout();
  await S.login(UNIT_USER);
  await S.nav('待办');
  const row = page.locator(`table.inbox tr[data-kind="urge"][data-urge="${sent}"]`);
  assert.equal(await row.count(), 1, 'the 催办 waits in the unit\'s 待办');
  const text = await row.textContent();
  assert.ok(text.includes(`逾期 ${overdue.length} 项`) && text.includes(NOTE), text);
  await page.setViewportSize(SMALL);
  await noSideways('待办 at 360 px');
  await shot(page, 'urge-unit-inbox-360');
  await page.setViewportSize(DESK);
  await row.locator('a:text("查看并签收")').click();
  await page.waitForSelector('main h1:text("提醒")');
  await S.idle();
  assert.equal(await page.locator('button.urge-open').count(), 0, 'a unit has no 发送催办');
  const mine = page.locator(`#urge-log tr[data-urge="${sent}"]`);
  await mine.locator('summary').click();
  assert.equal(await mine.locator('.urge-items li').count(), overdue.length, 'the items it names');
  await mine.locator('button:text("签收")').click();
  await page.waitForSelector('#urge-notice');
  await S.idle();
  assert.match(await page.locator(`#urge-log tr[data-urge="${sent}"]`).textContent(), /已签收/);
  await page.setViewportSize(SMALL);
  await noSideways('提醒 at 360 px');
  await page.locator('#urge-log').scrollIntoViewIfNeeded();
  await shot(page, 'urge-unit-signed-360', { fullPage: false });
  await page.setViewportSize(DESK);
  await S.nav('待办');
  assert.equal(await page.locator('table.inbox tr[data-kind="urge"]').count(), 0, 'signed for: no longer waiting');
  clean();
});

test('the office\'s 催办记录 shows it signed for', async () => {
  await logout();
  await S.login(USER);
  await S.nav('提醒');
  assert.match(await page.locator(`#urge-log tr[data-urge="${sent}"]`).textContent(), /已签收/);
  await page.setViewportSize(SMALL);
  await page.click(`button.urge-open[data-unit="${UNIT}"]`);
  await page.waitForSelector('#urge-dialog[open]');
  const box = await page.locator('#urge-dialog').boundingBox();
  assert.ok(box.width <= SMALL.width, `the dialog fits 360 px (${box.width})`);
  await shot(page, 'urge-dialog-360', { fullPage: false });
  await page.click('#urge-dialog button:text("取消")');
  await page.setViewportSize(DESK);
  await logout();
  clean();
  S.quiet();
});
