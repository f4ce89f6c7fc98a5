// 问题清单: the findings of the rule engine as of the chosen date, filterable
// by rule, supervising unit, state and separation; each with its clause.
import { h, replace } from '../dom.js';
import { api, lookups, names } from '../api.js';
import * as fmt from '../fmt.js';
import { table, findingLight, cite, due, pager, emptyState, subjectCell, downloadButton } from '../ui.js';

const PER = 50;

export async function render(root, ctx) {
  ctx.crumbs([['问题清单']]);
  const lk = await lookups();
  const q = { rule: ctx.query.rule || '', unit: ctx.query.unit || '', state: ctx.query.state || '', separation: ctx.query.separation || '', association: ctx.query.association || '', page: Number(ctx.query.page) || 1 };
  // the server filters, sorts (what needs action first: by due date, none
  // last) and pages; the full list is the export
  const r = await api.get('findings', { as_of: ctx.asOf, rule: q.rule, unit: q.unit, state: q.state, separation: q.separation, association: q.association, sort: 'due', page: q.page, per_page: PER });
  if (!ctx.alive()) return;
  const total = r.total || 0;
  const pages = Math.max(1, Math.ceil(total / PER));
  if (q.page > pages) { ctx.setQuery({ ...q, page: pages }); return; }
  const page = q.page;
  const list = r.findings || [];
  const assocName = await names(list.map((f) => f.association));
  if (!ctx.alive()) return;

  const rules = Object.values(lk.rule).sort((a, b) => a.id.localeCompare(b.id));
  const sel = (id, label, opts, v) => h('div', { class: 'field field-inline' }, h('label', { for: id }, label),
    h('select', { id, name: id, onchange: apply }, opts.map(([k, l]) => h('option', { value: k, selected: k === v }, l))));
  function apply() {
    const f = root.querySelector('form.filters');
    const v = (n) => f.querySelector(`[name=${n}]`).value;
    ctx.setQuery({ rule: v('rule'), unit: v('unit'), state: v('state'), separation: v('separation'), association: q.association });
  }
  const units = ctx.user.role === 'unit' ? lk.units.filter((u) => u.id === ctx.user.unit) : lk.units;
  const form = h('form', { class: 'filters', 'aria-label': '筛选问题', onsubmit: (e) => { e.preventDefault(); apply(); } },
    sel('rule', '规则', [['', '全部'], ...rules.map((x) => [x.id, `${lk.clause[x.clause]?.cite || x.clause} ${x.title}`])], q.rule),
    sel('unit', '主管单位', [['', '全部'], ...units.map((u) => [u.id, u.name])], q.unit),
    sel('state', '状态', [['', '全部'], ['open', '待办'], ['overdue', '逾期']], q.state),
    sel('separation', '五分离', [['', '全部'], ...(lk.plan.separations || []).map((s) => [s.id, s.name])], q.separation),
    q.association ? h('p', { class: 'filter-note' }, `仅显示：${assocName[q.association] || q.association}`) : null,
    h('button', { type: 'button', class: 'btn btn-plain', onclick: () => ctx.setQuery({}) }, '清空条件'));

  const shown = list;
  const overdue = r.overdue || 0;
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '问题清单'),
      h('p', { class: 'page-sub' }, `截至 ${fmt.date(r.as_of || ctx.asOf)}：共 ${fmt.num(total)} 项，其中逾期 ${fmt.num(overdue)} 项`),
      h('div', { class: 'head-actions no-print' },
        downloadButton('导出 Excel', 'export/findings.xlsx', { as_of: ctx.asOf, rule: q.rule, unit: q.unit, state: q.state, separation: q.separation, association: q.association }, { id: 'export-findings' }),
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    form,
    (r.notes || []).length ? h('div', { class: 'alert alert-warn' }, r.notes.map((n) => h('p', null, n))) : null,
    shown.length ? [table([
      { label: '状态', cell: (f) => findingLight(f) },
      { label: '截止日期', cell: (f) => due(f.due, f.rule, lk, f.due_year) },
      { label: '协会或单位', cell: (f) => subjectCell(f, lk, assocName) },
      { label: '问题', cell: (f) => h('span', null, h('strong', { class: 'rule-title' }, lk.rule[f.rule]?.title || f.rule), h('br'), h('span', { class: 'msg' }, fmt.sentence(f.message)), f.basis && !String(f.message || '').includes(f.basis) ? h('span', { class: 'basis' }, `依据：${f.basis}`) : null) },
      { label: '条款', cell: (f) => cite(f.clause, lk) },
    ], shown, { className: 'findings-table', caption: `问题清单（截至 ${fmt.date(ctx.asOf)}）` }),
    pages > 1 ? pager(total, page, PER, (p) => ctx.setQuery({ ...q, page: p }), `第 ${fmt.num(page)} 页，共 ${fmt.num(pages)} 页 / 共 ${fmt.num(total)} 项`) : null]
      : emptyState(q.rule || q.unit || q.state || q.separation ? '没有符合条件的问题。可以清空筛选条件，或在顶部换一个截至日期。' : `截至 ${fmt.date(ctx.asOf)} 没有问题。`));
}
