// ui.js: the pieces every page is built from: tables with real <th>, lights
// that never rely on colour alone, clause cites that open the clause text,
// due dates that explain themselves, pagers, empty states and form errors;
// a clause's official text without the editors' notes, which 编者注 shows.

import { h, replace } from './dom.js';
import * as fmt from './fmt.js';
import { LIGHT } from './labels.js';
import { download } from './api.js';
import { fieldLabel, inWords } from './changes.js';

export const clauseIds = (list) => (list || []).map((c) => (c && typeof c === 'object' ? c.id : c));

export function light(key) {
  if (!key || !LIGHT[key]) return h('span', { class: 'light light-none' }, '—');
  const l = LIGHT[key];
  return h('span', { class: `light light-${key}` }, h('span', { class: 'light-icon', 'aria-hidden': 'true' }, l.icon), l.word);
}

export function stateBadge(state) {
  if (state === 'overdue') return h('span', { class: 'badge badge-red' }, h('span', { 'aria-hidden': 'true' }, '✕ '), '逾期');
  if (state === 'open') return h('span', { class: 'badge badge-open' }, '待办');
  if (state === 'done') return h('span', { class: 'badge badge-done' }, h('span', { 'aria-hidden': 'true' }, '✓ '), '已完成');
  if (state === 'n/a') return h('span', { class: 'badge' }, '不适用');
  return h('span', { class: 'badge' }, state || '—');
}

// ---------------------------------------------------------------- clause cite and its popover
let pop = null;
let popFor = null;
function closePop() {
  if (pop) { pop.remove(); pop = null; }
  if (popFor) { popFor.setAttribute('aria-expanded', 'false'); const f = popFor; popFor = null; return f; }
  return null;
}
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && pop) { const f = closePop(); if (f) f.focus(); } });
document.addEventListener('click', (e) => { if (pop && !pop.contains(e.target) && !e.target.closest('.cite')) closePop(); });
window.addEventListener('hashchange', closePop);

export function cite(clauseRef, lk) {
  // a clause id ("4.2"), or a clause object ({id, cite, heading, text})
  const clauseId = clauseRef && typeof clauseRef === 'object' ? clauseRef.id : clauseRef;
  if (!clauseId) return h('span', { class: 'muted' }, '—');
  const c = (lk && lk.clause[clauseId]) || (clauseRef && typeof clauseRef === 'object' && clauseRef.text ? clauseRef : null);
  const label = c ? c.cite : clauseId;
  const btn = h('button', {
    type: 'button', class: 'cite', 'aria-expanded': 'false', 'aria-haspopup': 'dialog',
    title: c ? `${c.cite} ${c.heading}：${brief(fmt.withoutNotes(c.text).text)}` : `条款 ${clauseId}`,
  }, label);
  btn.addEventListener('click', (e) => {
    e.stopPropagation();
    const mine = popFor === btn;
    closePop();
    if (mine) return;
    popFor = btn;
    btn.setAttribute('aria-expanded', 'true');
    const id = 'clause-pop';
    pop = h('div', { class: 'popover', role: 'dialog', 'aria-labelledby': id + '-h', tabindex: '-1' },
      h('div', { class: 'popover-head' },
        h('strong', { id: id + '-h' }, c ? `${(lk && lk.plan.number) || ''} ${c.cite} ${c.heading || ''}` : `条款 ${clauseId}`),
        h('button', { type: 'button', class: 'link-button', onclick: () => { const f = closePop(); if (f) f.focus(); } }, '关闭')),
      c ? clauseText(c) : h('p', { class: 'clause-text' }, '未找到该条款的原文。'),
      h('a', { href: `#/plan?c=${encodeURIComponent(clauseId)}` }, '在政策条款中查看'));
    document.body.append(pop);
    const r = btn.getBoundingClientRect();
    const w = Math.min(480, window.innerWidth - 24);
    pop.style.width = w + 'px';
    pop.style.left = Math.max(12, Math.min(window.scrollX + r.left, window.scrollX + window.innerWidth - w - 12)) + 'px';
    pop.style.top = window.scrollY + r.bottom + 6 + 'px';
    pop.focus();
  });
  return btn;
}

const brief = (t) => (t.length > 90 ? `${t.slice(0, 90)}…` : t);

// A clause's text as the plan has it, without the notes its editors put in
// while transcribing (〔存疑：OCR作…〕) nor their remark on the clause
// (uncertain); the 编者注 button shows them, in the text and below it.
export function clauseText(c) {
  const { text, notes } = fmt.withoutNotes(c.text);
  const all = [...notes, ...(c.uncertain ? [`存疑：${c.uncertain}`] : [])];
  const plain = h('p', { class: 'clause-text' }, text);
  if (!all.length) return plain;
  const annotated = h('p', { class: 'clause-text', hidden: true }, annotate(c.text));
  const list = h('ul', { class: 'editor-notes note', hidden: true }, all.map((n) => h('li', null, n)));
  const btn = h('button', { type: 'button', class: 'link-button editor-toggle no-print', 'aria-pressed': 'false' }, '显示编者注');
  btn.addEventListener('click', () => {
    const on = btn.getAttribute('aria-pressed') !== 'true';
    btn.setAttribute('aria-pressed', String(on));
    replace(btn, on ? '隐藏编者注' : '显示编者注');
    plain.hidden = on; annotated.hidden = !on; list.hidden = !on;
  });
  return h('div', { class: 'clause-body' }, plain, annotated, h('p', { class: 'editor-bar' }, btn, h('span', { class: 'muted' }, `（${all.length} 条，整理者所加，非文件原文）`)), list);
}
// the text with its notes marked as notes
function annotate(s) {
  return String(s).split(/(〔(?:存疑|编者注|按)[^〕]*〕)/).map((part, i) => (i % 2 ? h('span', { class: 'editor-note' }, part) : part));
}

// ---------------------------------------------------------------- due dates that explain themselves
const DUE_BASIS = {
  batch: '所属批次的截止日期；批次未定截止日期时，取全面完成脱钩截止日期（参数 decoupling_due，六(三)）',
  'registration.new-with-link': '登记日期当日（方案印发后新登记的协会不得再有主办、主管、联系、挂靠关系，四(一)）',
  'report.summary-missing': '脱钩完成日期后第 10 个工作日（参数 report_workdays；按国家法定节假日和调休安排计工作日，当日不计）',
  'finance.asset-inventory-missing': '资产摸底和清查登记截止日期（参数 asset_inventory_due，四(三)）',
  'finance.direct-appropriation': '拨款日期当日（自参数 direct_appropriation_banned_from_year 年度起不再直接拨款，四(三)）',
  'office.excess-area': '办公用房清理截止日期（参数 office_due，四(三)）',
  post: '方案印发（参数 issued）前已任职的，为所属批次截止日期；其后任职的，为任职起始日期（自然日）',
  'personnel.placed-by-unit': '任职起始日期（方案印发后不得由主管单位推荐安排，四(二)）',
  'personnel.retired-cadre-over-age': '年满 70 周岁之日与任职起始日期中较晚者（参数 retired_cadre_max_age，中组发〔2014〕11号）',
  'personnel.retired-cadre-multiple-posts': '所兼各职务中最晚的起始日期（参数 retired_cadre_max_posts，中组发〔2014〕11号）',
  'personnel.staffing-quota-not-cancelled': '脱钩完成日期当日（四(二)）',
  'function.list-missing': '其所属协会中最早的脱钩截止日期（方案要求“尽快”，四(四)）',
  'foreign.approved-by-former-unit': '该次外事审批日期（四(五)）',
  'task.supporting-rules-late': '方案印发与上级文件印发二者较晚之日后 2 个月（参数 supporting_rules_months，按自然月计算，六(二)）',
  'annual-report.missing': '次年 5 月 31 日（参数 annual_report_due，社会团体登记管理条例 第二十八条）',
  'credit.serious-candidate': '列入活动异常名录之日起满 2 年（参数 abnormal_to_serious_years，民政部令第60号）',
  'governance.term-expired': '上次理事会换届日期加任期年数（自然年）',
  'governance.election-irregular': '该次选举日期',
  'governance.dispatched-supervisor-paid': '任职起始日期',
  'governance.dispatched-supervisor-holds-post': '相关各职务中最晚的起始日期',
};
const POST_RULES = ['personnel.official-holds-post', 'personnel.cooling-off-unapproved', 'personnel.post-retirement-unfiled', 'personnel.retired-cadre-paid'];
export function dueBasis(rule) {
  if (DUE_BASIS[rule]) return DUE_BASIS[rule];
  if (POST_RULES.includes(rule)) return DUE_BASIS.post;
  return DUE_BASIS.batch;
}

// year: the due's year alone, when the server withholds the day (a due
// derived from a birth date, which with the masked number would give the
// whole ID number: "due": null, "due_year": 2020).
export function due(d, rule, lk, year) {
  if (!d && year) return h('span', { class: 'due', tabindex: '0', title: `截止日期在${year}年内\n具体日期由出生日期推算，仅对可查看完整公民身份号码的用户显示` }, `${year}年内`);
  if (!d) return h('span', { class: 'muted', title: '方案未规定截止日期' }, '未规定');
  const r = lk && lk.rule[rule];
  const c = r && lk.clause[r.clause];
  const tip = `截止日期 ${fmt.date(d)}\n规则：${r ? r.title : rule}${c ? `（${c.cite}）` : ''}\n计算：${dueBasis(rule)}`;
  return h('span', { class: 'due', title: tip, tabindex: '0' }, fmt.date(d));
}

// ---------------------------------------------------------------- tables
const DATE_TEXT = /^\d{4}年\d{1,2}月\d{1,2}日/;
// columns: [{label, cell: (row) => node|string, class?, num?: true}]
export function table(columns, rows, { caption, empty, className, rowAttrs } = {}) {
  if (!rows || !rows.length) return emptyState(empty || '没有记录。');
  return h('div', { class: 'table-wrap' },
    h('table', { class: ['data', className] },
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : c.class === 'mono' ? null : c.class }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : null, columns.map((c, i) => {
        let v = c.cell(r);
        if (typeof v === 'string' && DATE_TEXT.test(v)) v = h('span', { class: 'nowrap' }, v);
        const attrs = { class: c.num ? 'num' : c.class };
        return i === 0 && c.rowHeader ? h('th', { scope: 'row', ...attrs }, v) : h('td', attrs, v);
      }))))));
}

export function emptyState(text, ...actions) {
  return h('div', { class: 'empty' }, h('p', null, text), actions.length ? h('p', { class: 'empty-actions' }, actions) : null);
}

// info: the text before the buttons (default 共 N 条，第 p / P 页)
export function pager(total, page, perPage, go, info) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const btn = (label, p, disabled, aria) => h('button', { type: 'button', class: 'pager-btn', disabled, 'aria-label': aria, onclick: () => go(p) }, label);
  return h('nav', { class: 'pager', 'aria-label': '分页' },
    h('span', { class: 'pager-info' }, info || `共 ${fmt.num(total)} 条，第 ${fmt.num(page)} / ${fmt.num(pages)} 页`),
    btn('首页', 1, page <= 1, '第一页'),
    btn('上一页', page - 1, page <= 1, '上一页'),
    btn('下一页', page + 1, page >= pages, '下一页'),
    btn('末页', pages, page >= pages, '最后一页'));
}

export function section(title, id, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': id + '-h' }, h('h2', { id: id + '-h' }, title), children);
}

export function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : v)]));
}

export function loading(text = '正在加载…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function errorBox(err, retry) {
  const msg = inWords(err && err.message ? err.message : String(err));
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('strong', null, err && err.status === 403 ? '无权访问：' : err && err.status === 404 ? '未找到：' : '出错了：'), msg,
    retry ? h('button', { type: 'button', class: 'link-button', onclick: retry }, '重试') : null);
}

// Shows each server error next to the field it names (`field` is the JSON
// path; the form's inputs carry it in data-field or name); the rest go to the
// form's summary.  What the user typed stays in the inputs.
export function showErrors(form, err) {
  clearErrors(form);
  const summary = form.querySelector('.form-errors');
  const list = err.errors && err.errors.length ? err.errors : [{ message: err.message, field: err.field }];
  const loose = [];
  for (const e of list) {
    const f = e.field ? String(e.field).replace(/^.*\./, '') : null;
    const input = f && (form.querySelector(`[data-field="${CSS.escape(e.field)}"]`) || form.querySelector(`[name="${CSS.escape(f)}"]`));
    if (input) {
      const id = `${input.id || input.name}-err`;
      const msg = h('p', { class: 'field-error', id }, inWords(e.message));
      const before = input.getAttribute('aria-describedby');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', before ? `${before} ${id}` : id);
      (input.closest('.field') || input.parentElement).append(msg);
      // the message goes once the user changes the field
      const gone = () => { msg.remove(); input.removeAttribute('aria-invalid'); if (before) input.setAttribute('aria-describedby', before); else input.removeAttribute('aria-describedby'); };
      input.addEventListener('change', gone, { once: true });
      if (input.type !== 'file') input.addEventListener('input', gone, { once: true });
    } else loose.push(e);
  }
  if (summary) {
    replace(summary, loose.length ? h('div', { class: 'alert alert-error', role: 'alert' }, loose.length > 1 ? h('ul', null, loose.map((e) => h('li', null, fieldName(e.field), inWords(e.message)))) : [fieldName(loose[0].field), inWords(loose[0].message)]) : null);
  }
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}
const fieldName = (f) => (f ? `${fieldLabel(String(f).replace(/\[\d+\]/g, ''))}：` : '');

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => { e.removeAttribute('aria-invalid'); e.removeAttribute('aria-describedby'); });
  const s = form.querySelector('.form-errors');
  if (s) replace(s);
}

export function field(label, input, hint) {
  const target = input.matches('input, select, textarea') ? input : input.querySelector('input');
  const id = target.id || (target.id = 'f-' + Math.random().toString(36).slice(2, 8));
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) target.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl);
}

// A date typed as YYYY-MM-DD (ui.md), with a calendar beside it: the
// browser's own date picker, opened from the button, fills the text in.
export function dateInput({ id, name, value = '', max, min, required, onchange } = {}) {
  const text = h('input', { type: 'text', id, name, value, placeholder: 'YYYY-MM-DD', inputmode: 'numeric', maxlength: '10',
    autocomplete: 'off', spellcheck: 'false', required, class: 'date-text', pattern: '\\d{4}-\\d{2}-\\d{2}' });
  const picker = h('input', { type: 'date', class: 'date-picker', tabindex: '-1', 'aria-hidden': 'true', max, min });
  const btn = h('button', { type: 'button', class: 'date-button', 'aria-label': '打开日历选择日期', title: '打开日历' },
    h('span', { class: 'cal-icon', 'aria-hidden': 'true' }));
  btn.addEventListener('click', () => {
    picker.value = fmt.isIsoDate(text.value) ? text.value : '';
    try { picker.showPicker(); } catch { picker.focus(); picker.click(); }
  });
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    text.value = picker.value;
    text.dispatchEvent(new Event('input', { bubbles: true }));
    text.dispatchEvent(new Event('change', { bubbles: true }));
    text.focus();
  });
  if (onchange) text.addEventListener('change', onchange);
  return h('span', { class: 'date-input' }, text, btn, picker);
}

// Validates a YYYY-MM-DD input as the user types, with the server's words.
export function liveDateCheck(input, { notAfter } = {}) {
  const check = () => {
    const wrap = input.closest('.field') || input.parentElement;
    wrap.querySelectorAll('.field-error.live').forEach((e) => e.remove());
    input.removeAttribute('aria-invalid');
    const v = input.value;
    let msg = null;
    if (v && !fmt.isIsoDate(v)) msg = fmt.badDate(v);
    else if (v && notAfter && v > notAfter) msg = '日期不能晚于今天';
    if (msg) { input.setAttribute('aria-invalid', 'true'); wrap.append(h('p', { class: 'field-error live' }, msg)); }
  };
  input.addEventListener('input', check);
  input.addEventListener('change', check);
}

// Who a finding is about: its association, else the unit (a unit's own
// finding, such as its function list) or nothing.
export function subjectCell(f, lk, assocName) {
  if (f.association) return h('a', { href: `#/associations/${encodeURIComponent(f.association)}` }, assocName[f.association] || f.association);
  if (f.subject && lk.unit[f.subject]) return h('a', { href: `#/units/${encodeURIComponent(f.subject)}` }, lk.unit[f.subject].name);
  const t = f.subject && lk.task && lk.task[f.subject];
  if (t && lk.unit[t.unit]) return h('span', null, h('a', { href: `#/units/${encodeURIComponent(t.unit)}` }, lk.unit[t.unit].name), h('span', { class: 'muted' }, `（配套文件 ${t.id}）`));
  return h('span', { class: 'muted' }, '—');
}

// A file chooser in Chinese whatever the browser's language: the native
// input stays (keyboard, screen readers, drag and drop), a label shows 选择文件
// and the chosen file's name.
export function fileInput({ id, name, accept, field: dataField } = {}) {
  const input = h('input', { type: 'file', id, name, accept, class: 'file-native', 'data-field': dataField });
  const shown = h('span', { class: 'file-name' }, '未选择文件');
  input.addEventListener('change', () => replace(shown, input.files[0] ? `${input.files[0].name}（${fmt.bytes(input.files[0].size)}）` : '未选择文件'));
  return h('span', { class: 'file-input' }, h('span', { class: 'file-button', 'aria-hidden': 'true' }, '选择文件'), shown, input);
}

// ---------------------------------------------------------------- the lights of due dates
// Red 逾期 past the due date, yellow 临近 due within 5 working days of the
// as-of date (the horizon, from the server's calendar), green 正常 otherwise;
// main.js sets the as-of date and its horizon before each page draws.
const dueCtx = { asOf: null, horizon: null };
export function setDueContext(asOf, horizonDate) { dueCtx.asOf = asOf; dueCtx.horizon = horizonDate; }
export function dueLight(d) {
  if (!d || !dueCtx.asOf) return null;
  if (d < dueCtx.asOf) return 'red';
  if (dueCtx.horizon && d <= dueCtx.horizon) return 'yellow';
  return 'green';
}
// The light of a finding (open or overdue): its state against its due date;
// one without a due date is simply 待办.
export function findingLight(f) {
  if (f.state === 'overdue') return light('red');
  const l = dueLight(f.due);
  return l ? light(l) : stateBadge('open');
}

// ---------------------------------------------------------------- downloads
// A button that downloads an xlsx or PDF from the API (api.download): busy
// while the server writes it, the refusal shown beside it.
export function downloadButton(label, path, query, { id, primary } = {}) {
  const msg = h('span', { class: 'download-msg', role: 'status' });
  const btn = h('button', { type: 'button', id, class: ['btn', primary ? 'btn-primary' : 'btn-plain', 'btn-download'], dataset: { path } }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    replace(msg, '正在生成…');
    try {
      const r = await download(path, typeof query === 'function' ? query() : query);
      replace(msg, `已下载 ${r.name}`);
    } catch (e) {
      replace(msg, h('span', { class: 'text-red' }, e.message || String(e)));
    } finally { btn.disabled = false; }
  });
  return h('span', { class: 'download' }, btn, msg);
}
