// public.js: the public page (公示, /public/), no login: each association's
// decoupling status, its credit-list status and the services the government
// bought from it, from GET /api/v1/public/associations (docs/api.md).  No
// person appears here: the API carries none.  Search by name or USCC, paged
// on the server; the query stays in the address (?q=&page=) for links.
// Support and supervision (五(二) 信息公开): the rating and its validity,
// published fees, purchases of services with their results, credit
// commitments, evaluations and exit decisions; a filter by jurisdiction
// (?jurisdiction=CODE: that one and those below it).

import './style.css';
import './public.css';
import { h, replace } from './dom.js';
import * as fmt from './fmt.js';
import { statusText } from './api.js';

const PER = 20;
const HEADS = ['协会名称', '统一社会信用代码', '层级', '主管单位', '脱钩情况', '信用名录', '政府购买服务', '评估等级', '收费项目', '信用承诺与评价', '退出决定'];
const root = document.getElementById('public');
const params = new URLSearchParams(location.search);
const state = { q: params.get('q') || '', jurisdiction: params.get('jurisdiction') || '', page: Math.max(1, Number(params.get('page')) || 1) };

const STAGE_CLASS = { accepted: 'st-done', summary_submitted: 'st-done', decoupled: 'st-done', plan_submitted: 'st-open', in_scope: 'st-open', registered: 'st-none' };

async function fetchList() {
  const qs = new URLSearchParams({ page: String(state.page), per_page: String(PER) });
  if (state.q.trim()) qs.set('q', state.q.trim());
  if (state.jurisdiction) qs.set('jurisdiction', state.jurisdiction);
  const res = await fetch(`/api/v1/public/associations?${qs}`, { credentials: 'omit' });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error((body && body.error && body.error.message) || statusText(res.status));
  return body;
}

function stageCell(a) {
  const lines = [h('span', { class: ['stage', STAGE_CLASS[a.stage] || 'st-none'] }, a.deregistered_on ? '已注销' : a.in_scope ? a.stage_name : '不在脱钩范围')];
  if (a.decoupled_on) lines.push(h('div', { class: 'sub' }, `脱钩完成：${fmt.date(a.decoupled_on)}`));
  if (a.accepted_on) lines.push(h('div', { class: 'sub' }, `验收：${fmt.date(a.accepted_on)}`));
  return lines;
}

function creditCell(a) {
  if (!a.credit_lists.length) return h('span', { class: 'credit-ok' }, h('span', { 'aria-hidden': 'true' }, '✓ '), '未列入');
  return a.credit_lists.map((c) => h('div', { class: 'credit-listed' }, h('span', { 'aria-hidden': 'true' }, '✕ '), `列入${c.list_name}`, h('span', { class: 'sub' }, `（${fmt.date(c.on)}）`)));
}

function purchaseCell(a) {
  const sp = a.service_purchases || [];
  if (!a.purchases.length && !sp.length) return h('span', { class: 'muted' }, '无');
  return h('ul', { class: 'buys' },
    a.purchases.map((p) => h('li', null, `${p.year}年 ${p.purchase_item || '购买服务'}`, h('span', { class: 'amount' }, fmt.money(p.amount)))),
    sp.map((p) => h('li', null, p.item || '购买服务', h('span', { class: 'amount' }, fmt.money(p.amount)),
      h('div', { class: 'sub' }, p.grade_name ? `绩效评价：${p.grade_name}（${fmt.date(p.evaluated_on)}）` : '尚未评价'))));
}

function ratingCell(a) {
  const r = a.rating;
  if (!r) return h('span', { class: 'muted' }, '未评估');
  return [h('span', { class: r.valid ? 'credit-ok' : 'muted' }, r.grade_name),
    h('div', { class: 'sub' }, r.valid ? `有效期至${fmt.date(r.valid_to)}` : `已过有效期（${fmt.date(r.valid_to)}）`)];
}

function feeCell(a) {
  if (!a.fees.length) return h('span', { class: 'muted' }, '无');
  return h('ul', { class: 'buys' }, a.fees.map((f) => h('li', null, `${f.name || '收费项目'}：${f.standard || '—'}`,
    h('div', { class: 'sub' }, `${f.approved_ref ? `批准文号 ${f.approved_ref}，` : '无批准文件，'}${fmt.date(f.from)}起${f.to ? `至${fmt.date(f.to)}` : ''}`))));
}

function opinionCell(a) {
  const out = a.credit_commitments.map((c) => h('div', null, `信用承诺：${fmt.date(c.signed_on)}签署`));
  for (const e of a.evaluations) out.push(h('div', null, `${e.kind_name}：${e.result || '—'}`, h('span', { class: 'sub' }, `（${e.evaluator || ''}，${fmt.date(e.on)}）`)));
  return out.length ? out : h('span', { class: 'muted' }, '无');
}

function exitCell(a) {
  if (!a.exit_decisions.length) return h('span', { class: 'muted' }, '无');
  return a.exit_decisions.map((x) => h('div', null, `${x.outcome_name || '已决定'}（${x.reason_name}）`, h('span', { class: 'sub' }, fmt.date(x.decided_on))));
}

// The unit and the relation: 原主管单位 only once the relation is cancelled.
function linkCell(a) {
  if (!a.unit_name) return h('span', { class: 'muted' }, '无');
  const rel = a.link_name || '主管';
  return [a.unit_name, h('div', { class: 'sub' }, a.link_cancelled_on ? `原${rel}单位，${fmt.date(a.link_cancelled_on)}取消` : `${rel}关系尚未取消`)];
}

// A cell under heading i: its content in one box (the card layout puts the
// heading beside it).
const cell = (i, content, cls) => h('td', { class: cls, 'data-label': HEADS[i] }, h('div', { class: 'cell' }, content));

function tile(label, value, note) {
  return h('div', { class: 'tile', role: 'listitem' }, h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, fmt.num(value)), h('span', { class: 'tile-note' }, note));
}

async function load(results, summaryBox, focus) {
  replace(results, h('p', { class: 'loading', role: 'status' }, '正在查询…'));
  let r;
  try {
    r = await fetchList();
  } catch (e) {
    replace(results, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    return;
  }
  const s = r.summary || {};
  replace(summaryBox,
    tile('在册协会', s.associations, '家'), tile('已完成脱钩', s.decoupled, '家'), tile('已验收', s.accepted, '家'),
    tile('列入信用名录', s.credit_listed, '家（活动异常或严重违法失信）'), tile('承接政府购买服务', s.with_purchases, '家'),
    tile('获评估等级', s.rated, '家'));
  fillJurisdictions(r.jurisdictions || []);
  const pages = Math.max(1, Math.ceil((r.total || 0) / PER));
  const go = (p) => { state.page = p; sync(); load(results, summaryBox, true); };
  const items = r.items || [];
  replace(results,
    items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data public-table' },
      h('caption', null, `${state.q.trim() ? `名称含“${state.q.trim()}”的协会` : '全部协会'}（共 ${fmt.num(r.total)} 家，截至 ${fmt.date(r.as_of)}）`),
      h('thead', null, h('tr', null, HEADS.map((t) => h('th', { scope: 'col' }, t)))),
      // data-label: on a phone-sized screen each row is a card, each cell under its heading
      h('tbody', null, items.map((a) => h('tr', { dataset: { uscc: a.uscc } },
        h('th', { scope: 'row' }, a.name),
        cell(1, a.uscc, 'mono'), cell(2, a.level_name || '—'), cell(3, linkCell(a)),
        cell(4, stageCell(a)), cell(5, creditCell(a)), cell(6, purchaseCell(a)),
        cell(7, ratingCell(a)), cell(8, feeCell(a)), cell(9, opinionCell(a)), cell(10, exitCell(a)))))))
      : h('div', { class: 'empty' }, h('p', null, state.q.trim() ? '没有名称或统一社会信用代码含该文字的协会，请换一个关键字。' : '暂无公示信息。')),
    pages > 1 ? h('nav', { class: 'pager', 'aria-label': '分页' },
      h('span', { class: 'pager-info' }, `共 ${fmt.num(r.total)} 家，第 ${fmt.num(state.page)} / ${fmt.num(pages)} 页`),
      h('button', { type: 'button', class: 'pager-btn', disabled: state.page <= 1, onclick: () => go(1) }, '首页'),
      h('button', { type: 'button', class: 'pager-btn', disabled: state.page <= 1, onclick: () => go(state.page - 1) }, '上一页'),
      h('button', { type: 'button', class: 'pager-btn', disabled: state.page >= pages, onclick: () => go(state.page + 1) }, '下一页'),
      h('button', { type: 'button', class: 'pager-btn', disabled: state.page >= pages, onclick: () => go(pages) }, '末页')) : null);
  if (focus) results.scrollIntoView({ block: 'start' });
}

function sync() {
  const qs = new URLSearchParams();
  if (state.q.trim()) qs.set('q', state.q.trim());
  if (state.jurisdiction) qs.set('jurisdiction', state.jurisdiction);
  if (state.page > 1) qs.set('page', String(state.page));
  history.replaceState(null, '', `${location.pathname}${qs.toString() ? `?${qs}` : ''}`);
}

// The jurisdiction filter's options, from the answer (once).
let jurisdictionSelect = null;
function fillJurisdictions(list) {
  if (!jurisdictionSelect || jurisdictionSelect.options.length > 1 || !list.length) return;
  for (const j of list) jurisdictionSelect.append(h('option', { value: j.id, selected: j.id === state.jurisdiction }, `${j.name}（${j.level_name}）`));
}

function render() {
  const search = h('input', { type: 'search', id: 'public-search', name: 'q', value: state.q, placeholder: '输入协会名称中的文字或统一社会信用代码', autocomplete: 'off', maxlength: '50' });
  const results = h('div', { id: 'public-results' });
  const summaryBox = h('div', { class: 'tiles public-tiles', role: 'list', id: 'public-summary' });
  jurisdictionSelect = h('select', { id: 'public-jurisdiction', name: 'jurisdiction' }, h('option', { value: '' }, '全部'));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': '查找协会' },
    h('div', { class: 'field field-search' }, h('label', { for: 'public-search' }, '查找'), search, h('button', { type: 'submit', class: 'btn btn-primary' }, '查询')),
    h('div', { class: 'field' }, h('label', { for: 'public-jurisdiction' }, '行政区划'), jurisdictionSelect));
  const submit = () => { state.q = search.value; state.jurisdiction = jurisdictionSelect.value; state.page = 1; sync(); load(results, summaryBox); };
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  jurisdictionSelect.addEventListener('change', submit);
  replace(root,
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, '行业协会商会脱钩公示')),
      h('div', { class: 'topbar-public' }, h('a', { href: '/', class: 'on-dark-link' }, '工作人员登录'))),
    h('main', { class: 'public-main', id: 'main' },
      h('div', { class: 'page-head' }, h('h1', null, '行业协会商会与行政机关脱钩情况公示'),
        h('p', { class: 'page-sub', id: 'public-basis' }, '公开各协会的脱钩进展、信用名录状态、承接政府购买服务事项及其评价结果、评估等级、收费项目、信用承诺、社会评价和退出决定。本页不含任何个人信息。')),
      summaryBox, form, results,
      h('footer', { class: 'public-foot' }, h('p', null, '数据每次登记簿更新后自动刷新。信用名录指民政部门的活动异常名录和严重违法失信名单；政府购买服务为财政资金中以购买服务方式安排的事项。'))));
  load(results, summaryBox);
  // the basis is the plan the register runs (GET /api/v1/public/plan)
  fetch('/api/v1/public/plan', { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null))
    .then((p) => {
      if (p && p.title) document.getElementById('public-basis').textContent = `依据《${p.title}》公开各协会的脱钩进展、信用名录状态、承接政府购买服务事项及其评价结果、评估等级、收费项目、信用承诺、社会评价和退出决定。本页不含任何个人信息。`;
    })
    .catch(() => {});
}

render();
