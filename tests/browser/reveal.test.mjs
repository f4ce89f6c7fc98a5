// A person's full ID number, in a real browser: on the association page the
// numbers are masked; the office (and a supervising unit, for its own staff
// only) may press 显示完整号码, give its own password again, and see the whole
// 18-character number in place for 60 seconds.  A wrong password shows the
// server's message and no number; the number goes when hidden, when the page
// is left, when the 60 seconds are up (the page's clock is Playwright's, so
// the test moves it on instead of waiting), and is never printed.  Every
// attempt is in the audit log, where the audit administrator finds it.
// Screenshots: tests/artifacts/reveal-*.png.
//
//   node --test tests/browser/reveal.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, demoBundle, loginAs, USER, PASSWORD, UNIT_USER, UNIT, ADMINS } from './lib.mjs';

let server;
let b;
let page;
const S = browserSuite('reveal-', {
  before, after, ready: (s) => { ({ server, b, page } = s); },
  // the page's clock flows as usual, and the test can move it on
  setup: (s) => s.b.context.clock.install(),
});
const { clean, shot } = S;

// From the register the server was loaded with: a person on the staff of the
// test unit (so that the unit may see the number too) who holds a post in
// an association, and another person of that association who is not.
const bundle = demoBundle();
const personOf = Object.fromEntries(bundle.persons.map((p) => [p.id, p]));
const post = bundle.posts.find((t) => personOf[t.person].unit === UNIT && personOf[t.person].id_number &&
  bundle.posts.some((o) => o.association === t.association && !personOf[o.person].unit && personOf[o.person].id_number));
const PERSON = personOf[post.person];
const OTHER = personOf[bundle.posts.find((o) => o.association === post.association && !personOf[o.person].unit && personOf[o.person].id_number).person];
const USCC = post.association;
const FULL = PERSON.id_number;
const MASKED = /^\d{6}\*{8}\d{3}[\dX]$/;


const cell = (id = PERSON.id) => `#people .id-number[data-person="${id}"]`;
const pageText = () => page.evaluate(() => document.body.textContent + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));

async function openAssociation() {
  await page.goto(`${server.url}/#/associations/${USCC}`);
  await page.waitForSelector('#people tbody tr');
  await page.waitForLoadState('networkidle');
}

async function reveal(password) {
  await page.click(`${cell()} button:text("显示完整号码")`);
  await page.waitForSelector('dialog[open] #reveal-password');
  await page.fill('dialog[open] #reveal-password', password);
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${PERSON.id}/reveal`));
  await page.click('dialog[open] button[type=submit]');
  return (await answered).status();
}

test('the office sees every ID number masked, each with 显示完整号码', async () => {
  assert.equal(FULL.length, 18);
  await loginAs(page, server.url, USER);
  await openAssociation();
  const cells = await page.$$eval('#people tbody .id-number', (cs) => cs.map((c) => [c.querySelector('.id-masked').textContent, !!c.querySelector('button.id-reveal')]));
  assert.ok(cells.length >= 2);
  for (const [masked, button] of cells) {
    assert.match(masked, MASKED);
    assert.ok(button, 'the office may ask for any number');
  }
  assert.ok(!(await pageText()).includes(FULL));
  clean();
});

test('a wrong password shows the server\'s message and no number', async () => {
  // nothing typed: asked for before anything is sent
  await page.click(`${cell()} button:text("显示完整号码")`);
  await page.waitForSelector('dialog[open] #reveal-password');
  assert.match(await page.textContent('dialog[open]'), new RegExp(PERSON.name));
  assert.match(await page.textContent('dialog[open]'), /记入审计日志/);
  await page.click('dialog[open] button[type=submit]');
  await page.waitForSelector('dialog[open] .field-error:text("请输入登录密码")');
  await page.click('dialog[open] button:text("取消")');
  await page.waitForSelector('dialog[open]', { state: 'detached' });
  // a wrong one: the server's Chinese message by the field, no number
  assert.equal(await reveal('Not-My-Password-1'), 403);
  await page.waitForSelector('dialog[open] .field:has(#reveal-password) .field-error');
  assert.equal(await page.textContent('dialog[open] .field-error'), '密码错误：请再次输入本人的登录密码（连续错误 5 次账户将被锁定）');
  assert.equal(await page.inputValue('dialog[open] #reveal-password'), '', 'the wrong password is not kept');
  assert.ok(!(await pageText()).includes(FULL), 'no full number anywhere');
  assert.match(await page.textContent(`${cell()} .id-masked`), MASKED);
  await shot(page, 'wrong-password', { fullPage: false });
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog[open]', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '显示完整号码', 'focus back on the button');
  clean();
});

test('the right password shows the full 18-character number in place, gone after 60 seconds', async () => {
  assert.equal(await reveal(PASSWORD), 200);
  await page.waitForSelector('dialog[open]', { state: 'detached' });
  await page.waitForSelector(`${cell()} .id-value`);
  const shown = await page.textContent(`${cell()} .id-value`);
  assert.equal(shown, FULL);
  assert.match(shown, /^\d{17}[\dX]$/);
  assert.ok(await page.isHidden(`${cell()} .id-masked`));
  assert.match(await page.textContent(`${cell()} .id-countdown`), /（\d{1,2} 秒后自动隐藏）/);
  // only this person's number
  assert.equal(await page.$$eval('#people .id-value', (xs) => xs.length), 1);
  assert.ok(!(await pageText()).includes(OTHER.id_number));
  await page.$eval(cell(), (e) => e.scrollIntoView({ block: 'center' }));
  await shot(page, 'shown', { fullPage: false });
  // never printed in full
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.isHidden(`${cell()} .id-value`));
  assert.ok(await page.isVisible(`${cell()} .id-masked`));
  await page.emulateMedia({ media: 'screen' });
  // a minute later it is masked again
  await page.clock.fastForward(61000);
  await page.waitForSelector(`${cell()} .id-value`, { state: 'detached' });
  assert.ok(await page.isVisible(`${cell()} .id-masked`));
  assert.ok(await page.isVisible(`${cell()} button:text("显示完整号码")`));
  assert.ok(!(await pageText()).includes(FULL));
  clean();
});

test('the number goes when the user hides it, and when the page is left', async () => {
  assert.equal(await reveal(PASSWORD), 200);
  await page.waitForSelector(`${cell()} .id-value`);
  await page.click(`${cell()} button:text("隐藏")`);
  await page.waitForSelector(`${cell()} .id-value`, { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '显示完整号码');
  assert.ok(!(await pageText()).includes(FULL));
  // shown again, then the user goes to another page and comes back
  assert.equal(await reveal(PASSWORD), 200);
  await page.waitForSelector(`${cell()} .id-value`);
  await page.click('.sidenav a:text("协会名录")');
  await page.waitForSelector('main h1:text("协会名录")');
  assert.ok(!(await pageText()).includes(FULL));
  await page.goBack();
  await page.waitForSelector(`${cell()} .id-masked`);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.$(`${cell()} .id-value`), null);
  assert.ok(!(await pageText()).includes(FULL));
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('a supervising unit may see the full number of its own staff only', async () => {
  await loginAs(page, server.url, UNIT_USER);
  await openAssociation();
  assert.ok(await page.$(`${cell()} button.id-reveal`), 'its own staff: the button');
  assert.equal(await page.$(`${cell(OTHER.id)} button.id-reveal`), null, 'anyone else: no button');
  assert.match(await page.textContent(`${cell(OTHER.id)} .id-masked`), MASKED);
  assert.equal(await reveal(PASSWORD), 200);
  await page.waitForSelector(`${cell()} .id-value`);
  assert.equal(await page.textContent(`${cell()} .id-value`), FULL);
  // the server, asked behind the page's back, refuses anyone else
  const other = await page.evaluate(async ({ id, pw }) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/persons/${id}/reveal`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify({ password: pw }) });
    return { status: r.status, body: await r.json() };
  }, { id: OTHER.id, pw: PASSWORD });
  assert.equal(other.status, 404);
  assert.match(other.body.error.message, /只能查看本单位人员的完整公民身份号码/);
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('the audit administrator finds every attempt in the audit log', async () => {
  await loginAs(page, server.url, ADMINS.auditor);
  await page.waitForSelector('main h1:text("审计日志")');
  await page.selectOption('#audit-event', 'reveal_id');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('event=reveal_id'));
  await page.waitForSelector('main table.audit-log tbody tr');
  await page.waitForLoadState('networkidle');
  const rows = await page.$$eval('main table.audit-log', ([t]) => {
    const heads = [...t.querySelectorAll(':scope > thead > tr > th')].map((x) => x.textContent);
    return [...t.querySelectorAll(':scope > tbody > tr')].map((tr) => Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])));
  });
  const of = (user, outcome, id = PERSON.id) => rows.filter((r) => r['用户'] === user && r['结果'] === outcome && r['对象'] === `persons/${id}`);
  for (const r of rows) assert.equal(r['事件'], '查看完整公民身份号码');
  assert.ok(of(USER, '失败').length >= 1, 'the wrong password');
  assert.match(of(USER, '失败')[0]['变更内容'], /原因.*密码错误/);
  assert.ok(of(USER, '成功').length >= 3, 'the three reveals of the office');
  assert.ok(of(UNIT_USER, '成功').length >= 1, 'the unit\'s own staff');
  assert.ok(of(UNIT_USER, '拒绝', OTHER.id).length >= 1, 'the unit refused another person');
  const text = rows.map((r) => Object.values(r).join(' ')).join('\n');
  assert.ok(!text.includes(FULL), 'the log keeps no number');
  await shot(page, 'audit');
  await page.click('#logout');
  await page.waitForSelector('form.login-form');
  clean();
});

test('no console error, CSP violation or request to another host around the full numbers', async () => {
  S.quiet();
});
