// Support and supervision after decoupling (五; issue 13), in a real
// browser: a finance officer (财政局) opens 监管与服务, finds the purchase of
// services SP02 of the demo register (ended, not yet evaluated), records its
// performance evaluation (绩效评价日期, 评价结果) in the form, and the API
// has it; the officer gets no 新增 on the ratings, which are civil affairs'.
// The public page on a 390 px phone: the rating with its validity, fees and
// the evaluation columns are there, nothing scrolls sideways, and the
// jurisdiction filter narrows the list.  Screenshots tests/artifacts/sv-*.png.
//
//   node --test tests/browser/supervision.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, loginAs, apiSession, FINANCE_USER } from './lib.mjs';

let page;
let server;
const S = browserSuite('sv-', { before, after, ready: (s) => { ({ page, server } = s); } });

test('a finance officer records a purchase of services’ evaluation', async () => {
  await loginAs(page, server.url, FINANCE_USER);
  await page.evaluate(() => { location.hash = '#/supervision?array=service_purchases'; });
  await page.waitForSelector('main h1');
  await S.idle();
  const row = page.locator('main table tbody tr', { hasText: 'SP02' });
  await row.getByRole('button', { name: '编辑' }).click();
  const form = page.locator('form.sv-form');
  await form.waitFor();
  await form.locator('#sv-evaluated_on').fill('2026-11-25');
  await form.locator('#sv-grade').selectOption('qualified');
  await S.shot(page, 'finance-form');
  const saved = page.waitForResponse((r) => r.url().includes('/api/v1/service_purchases/SP02') && r.request().method() === 'PUT');
  await form.getByRole('button', { name: '保存' }).click();
  assert.equal((await saved).status(), 200);
  await page.waitForSelector('form.sv-form', { state: 'detached' });
  await S.idle();
  const text = await page.locator('main table tbody tr', { hasText: 'SP02' }).innerText();
  assert.match(text, /2026年11月25日/);
  assert.match(text, /合格/);
  const api = await apiSession(server.url, FINANCE_USER);
  const { status, body: rec } = await api.get('service_purchases/SP02');
  assert.equal(status, 200);
  assert.equal(rec.evaluated_on, '2026-11-25');
  assert.equal(rec.grade, 'qualified');
  // ratings are civil affairs': no 新增 and no 编辑 for finance
  await page.evaluate(() => { location.hash = '#/supervision?array=ratings'; });
  await page.waitForFunction(() => /社会组织评估等级/.test(document.querySelector('main .page-sub')?.textContent || ''));
  await S.idle();
  assert.equal(await page.getByRole('button', { name: /^新增/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '编辑' }).count(), 0);
  S.clean();
});

test('the public page on a 390 px phone: ratings, fees, evaluations; no sideways scrolling', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(server.url + '/public/?q=' + encodeURIComponent('软件行业'));
  await page.waitForSelector('#public-results tbody tr');
  const card = await page.locator('#public-results tbody tr').first().innerText();
  assert.match(card, /4A级/);
  assert.match(card, /有效期至/);
  assert.match(card, /会员会费/);
  assert.match(card, /第三方评估/);
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `the public page is ${m.scroll} px wide in a window of ${m.inner} px`);
  await S.shot(page, 'public-390', { fullPage: true });
  // the jurisdiction filter: 新安县's associations only (the demo's county tier)
  await page.goto(server.url + '/public/');
  await page.waitForSelector('#public-jurisdiction option[value="410323"]', { state: 'attached' });
  const answered = page.waitForResponse((r) => r.url().includes('jurisdiction=410323'));
  await page.selectOption('#public-jurisdiction', '410323');
  await answered;
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#public-results tbody tr')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes('新安县'));
  });
  const m2 = await page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);
  assert.ok(m2, 'no sideways scrolling with the filter');
  S.clean();
});
