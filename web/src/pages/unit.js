// 单位详情: a supervising unit, its associations, its function list (the
// functions of its associations) and its tasks (配套文件, 六(二)).  Whoever
// GET /api/v1/rights lets write units.function_list_on (the unit itself, the
// office) records there the day its 职能清单 was issued (四(四)).
import { h, replace } from '../dom.js';
import { api, all, allFindings, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { val, FIELD } from '../labels.js';
import { table, section, dl, findingLight, cite, due, downloadButton, field, dateInput } from '../ui.js';
import { taskColumns } from './tasks.js';
import { rights, saveForm } from './records.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const lk = await lookups();
  const [u, assocs, functions, tasks, fi] = await Promise.all([
    api.get(`units/${encodeURIComponent(id)}`), all('associations', { unit: id, sort: 'name' }), all('functions', { unit: id }),
    all('unit_tasks', { unit: id }), allFindings({ as_of: ctx.asOf, unit: id })]);
  const spec = (await rights().catch(() => null))?.arrays?.units;
  if (!ctx.alive()) return;
  ctx.crumbs(ctx.user.role === 'unit' ? [[u.name]] : [['主管单位', '#/units'], [u.name]]);
  const findings = fi.findings || [];
  const perAssoc = {};
  for (const f of findings) if (f.association) (perAssoc[f.association] ||= { open: 0, overdue: 0 })[f.state]++;
  const own = findings.filter((f) => !f.association);
  const assocName = Object.fromEntries(assocs.map((a) => [a.uscc, a.name]));
  // the date the function list was issued, for who may write it
  const slot = h('div', { class: 'rec-form-slot' });
  const issued = () => replace(slot, saveForm({
    className: 'rec-form', array: 'units', rec: u, path: encodeURIComponent(u.id), fields: spec.fields,
    read: (form) => ({ ...u, function_list_on: form.querySelector('[name="function_list_on"]').value.trim() || null }),
    inputs: [field(FIELD.function_list_on, dateInput({ id: 'rec-function_list_on', name: 'function_list_on', value: u.function_list_on || ctx.asOf }))],
    done: () => ctx.refresh(), cancel: () => replace(slot) }));
  const mayIssue = spec && spec.fields.some((f) => f.key === 'function_list_on' && f.write);
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, u.name), h('p', { class: 'page-sub' }, `${val('unit_kind', u.kind)} · 截至 ${fmt.date(ctx.asOf)}`),
      h('div', { class: 'head-actions no-print' },
        downloadButton('导出协会名录', 'export/associations.xlsx', { unit: id, as_of: ctx.asOf }, { id: 'export-unit-associations' }),
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    section('基本情况', 'unit-profile', dl([['编号', u.id], ['类型', val('unit_kind', u.kind)],
      ['职能清单印发日期', u.function_list_on && u.function_list_on <= ctx.asOf ? fmt.date(u.function_list_on) : '未印发'],
      ['主管的协会', `${fmt.num(assocs.length)} 个`]]),
      mayIssue ? h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', id: 'function-list-issue', onclick: issued }, `登记${FIELD.function_list_on}`)) : null, slot),
    own.length ? section('本单位的问题', 'unit-findings', table([
      { label: '状态', cell: (f) => findingLight(f) },
      { label: '问题', cell: (f) => h('span', null, h('strong', { class: 'rule-title' }, lk.rule[f.rule]?.title || f.rule), h('br'), h('span', { class: 'msg' }, fmt.sentence(f.message))) },
      { label: '截止日期', cell: (f) => due(f.due, f.rule, lk, f.due_year) },
      { label: '条款', cell: (f) => cite(f.clause, lk) }], own)) : null,
    section('主管的协会', 'unit-assocs', table([
      { label: '名称', rowHeader: true, cell: (a) => h('a', { href: `#/associations/${encodeURIComponent(a.uscc)}` }, a.name) },
      { label: '关系类型', cell: (a) => val('link', a.link) },
      { label: '批次', cell: (a) => (a.batch ? lk.batch[a.batch]?.name || a.batch : '—') },
      { label: '脱钩完成日期', cell: (a) => (a.decoupled_on && a.decoupled_on <= ctx.asOf ? fmt.date(a.decoupled_on) : h('span', { class: 'muted' }, '未完成')) },
      { label: '待办', num: true, cell: (a) => fmt.num(perAssoc[a.uscc]?.open || 0) },
      { label: '逾期', num: true, cell: (a) => (perAssoc[a.uscc]?.overdue ? h('a', { class: 'text-red', href: `#/findings?association=${encodeURIComponent(a.uscc)}&state=overdue` }, fmt.num(perAssoc[a.uscc].overdue)) : '0') },
    ], assocs, { empty: '该单位没有主管的协会。' })),
    section('职能清单', 'unit-functions', table([
      { label: '职能', rowHeader: true, cell: (x) => x.name || x.id },
      { label: '协会', cell: (x) => h('a', { href: `#/associations/${encodeURIComponent(x.association)}` }, assocName[x.association] || x.association) },
      { label: '处置方式', cell: (x) => val('disposition', x.disposition) },
      { label: '剥离日期', cell: (x) => fmt.dateAsOf(x.stripped_on, ctx.asOf) },
      { label: '法律依据', cell: (x) => x.legal_basis || '—' },
      { label: '购买服务合同', cell: (x) => x.purchase_ref || '—' },
    ], functions, { empty: '还没有职能记录。单位印发职能清单后，可在导入页上传“职能”表格。' })),
    section('配套文件', 'unit-tasks', table(taskColumns(lk, ctx.asOf), tasks, { empty: '该单位没有配套文件任务。' })));
}
