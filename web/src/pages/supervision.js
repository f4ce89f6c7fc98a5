// 监管与服务: the arrays of support and supervision after decoupling (五,
// supervision.md): purchases of services, fees, award activities, tax
// exemption, ratings, credit commitments, evaluations, exit cases and the
// jurisdictions, one tab each (#/supervision?array=…&association=…), a
// table of the records in the user's scope, and 新增 / 编辑 forms for the
// roles that write the array (labels.js SUPERVISION_WRITERS, as rights.c;
// the server decides); 退出案件 have 办理 for their steps.  A finance officer records a purchase's evaluation
// here (绩效评价日期, 评价结果).
import { h, replace } from '../dom.js';
import { api, session, names } from '../api.js';
import * as fmt from '../fmt.js';
import { ARRAY, SUPERVISION, SUPERVISION_WRITERS, VALUE, WORKFLOW, val } from '../labels.js';
import { rights, workflowPanel, saveForm } from './records.js';
import { table, pager, field, dateInput, liveDateCheck, emptyState } from '../ui.js';
import { go, hashWith } from '../main.js';

const PER_PAGE = 50;

function mayWrite(array) {
  const u = session.user || {};
  const who = u.role === 'department' ? `department:${u.department}` : u.role;
  return (SUPERVISION_WRITERS[array] || []).includes(who);
}

function cell(f, rec) {
  const [key, , type, kind] = f;
  const v = rec[key];
  if (type === 'date') return v ? fmt.date(v) : h('span', { class: 'muted' }, '—');
  if (type === 'money') return fmt.money(v);
  if (type === 'enum') return val(kind, v);
  if (key === 'association' && v) return h('a', { href: `#/associations/${encodeURIComponent(v)}` }, v);
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

function input(f, value, isNew) {
  const [key, , type, kind] = f;
  const id = `sv-${key}`;
  if (type === 'date') {
    const d = dateInput({ id, name: key, value: value || '' });
    liveDateCheck(d.querySelector('input'));
    return d;
  }
  if (type === 'enum') {
    return h('select', { id, name: key },
      h('option', { value: '' }, '—'),
      Object.keys(ENUMS(kind)).map((k) => h('option', { value: k, selected: k === value }, val(kind, k))));
  }
  return h('input', { type: 'text', id, name: key, value: value ?? '', readonly: key === 'id' && !isNew, inputmode: type === 'money' ? 'decimal' : null });
}

// The coded values of a kind (labels.js VALUE).
const ENUMS = (kind) => VALUE[kind] || {};

// The form of one record: a new one (rec null) or a change to rec
// (records.js saveForm: refusals in the glossary's words).
function recordForm(array, rec, fixed, done, cancel) {
  const fields = SUPERVISION[array];
  const read = (form) => {
    const body = rec ? { ...rec } : {};
    for (const [key, , type] of fields) {
      // not form.elements[key]: "item" is a method of the collection
      const el = form.querySelector(`[name="${CSS.escape(key)}"]`);
      const t = el ? el.value.trim() : '';
      body[key] = t === '' ? null : type === 'money' ? Number(t) : t;
    }
    return body;
  };
  return saveForm({
    className: 'sv-form', array, rec, path: rec ? encodeURIComponent(rec.id) : null, read, done, cancel,
    fields: fields.map(([key, label]) => ({ key, label })),
    inputs: fields.map((f) => {
      const v = rec ? rec[f[0]] : f[0] === 'association' ? fixed : null;
      return field(f[1], input(f, v === null || v === undefined ? '' : String(v), !rec));
    }),
  });
}

export async function render(root, ctx) {
  const q = ctx.query || {};
  const array = SUPERVISION[q.array] ? q.array : 'service_purchases';
  const page = Math.max(1, Number(q.page) || 1);
  ctx.crumbs([['监管与服务', '#/supervision'], [ARRAY[array]]]);
  const d = await api.get(array, { page, per_page: PER_PAGE, association: q.association });
  if (!ctx.alive()) return;
  const fields = SUPERVISION[array];
  const slot = h('div', { class: 'sv-form-slot' });
  const writer = mayWrite(array);
  const reload = () => ctx.refresh();
  const edit = (rec) => {
    replace(slot, recordForm(array, rec, q.association || null, reload, () => replace(slot)));
    slot.querySelector('input, select')?.focus();
  };
  // a record with steps (退出案件: 立案 → 告知 → 决定): 办理 shows them with
  // their due dates from the plan and their evidence (records.js)
  const steps = WORKFLOW[array] ? async (rec) => {
    const spec = (await rights()).arrays[array];
    replace(slot, await workflowPanel(array, rec, spec, ctx.asOf, { associations: await names([rec.association]) }, reload));
    slot.scrollIntoView({ block: 'nearest' });
  } : null;
  const columns = fields.map((f, i) => ({ label: f[1], rowHeader: i === 0, num: f[2] === 'money', cell: (r) => cell(f, r) }));
  if (writer || steps) {
    columns.push({ label: '操作', cell: (r) => [
      steps ? h('button', { type: 'button', class: 'link-button', onclick: () => steps(r) }, '办理') : null, steps && writer ? ' ' : null,
      writer ? h('button', { type: 'button', class: 'link-button', onclick: () => edit(r) }, '编辑') : null] });
  }
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '监管与服务'),
      h('p', { class: 'page-sub' }, `脱钩后的综合监管与扶持（五）：${ARRAY[array]}，共 ${fmt.num(d.total)} 条`),
      writer ? h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => edit(null) }, `新增${ARRAY[array]}`)) : null),
    h('nav', { class: 'tabs', 'aria-label': '监管事项' }, Object.keys(SUPERVISION).map((a) =>
      h('a', { href: hashWith('#/supervision', { array: a, association: q.association }), class: a === array ? 'tab active' : 'tab', 'aria-current': a === array ? 'page' : null }, ARRAY[a]))),
    slot,
    d.items.length ? table(columns, d.items, { caption: ARRAY[array] })
      : emptyState(writer ? `还没有${ARRAY[array]}记录，点击新增或从导入页上传表格。` : `还没有${ARRAY[array]}记录。`),
    d.total > PER_PAGE ? pager(d.total, page, PER_PAGE, (p) => go(hashWith('#/supervision', { ...q, array, page: p }))) : null);
}
