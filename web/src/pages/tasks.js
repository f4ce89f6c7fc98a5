// 责任分工: the supporting rules each lead department owes under 六(二), with
// their state and the lights of their deadlines.
import { h, replace } from '../dom.js';
import { all, allFindings, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { table, cite, due, findingLight, emptyState, downloadButton } from '../ui.js';

export function taskState(t, asOf) {
  const on = (d) => d && d <= asOf;
  if (on(t.published_on)) return h('span', { class: 'badge badge-done' }, h('span', { 'aria-hidden': 'true' }, '✓ '), '已公开');
  if (on(t.issued_on)) return h('span', { class: 'badge badge-open' }, '已印发，未公开');
  if (on(t.higher_level_doc_on)) return h('span', { class: 'badge badge-open' }, '未印发');
  return h('span', { class: 'badge' }, '待上级文件');
}

// The columns of a task that this page and a unit's page (unit.js) show.
export function taskColumns(lk, asOf) {
  return [
    { label: '任务', rowHeader: true, cell: (t) => t.task || t.id },
    { label: '条款', cell: (t) => cite(t.clause || '6.2', lk) },
    { label: '上级文件印发日期', cell: (t) => fmt.dateAsOf(t.higher_level_doc_on, asOf) },
    { label: '印发日期', cell: (t) => fmt.dateAsOf(t.issued_on, asOf) },
    { label: '公开日期', cell: (t) => fmt.dateAsOf(t.published_on, asOf) },
    { label: '状态', cell: (t) => taskState(t, asOf) },
  ];
}

export async function render(root, ctx) {
  ctx.crumbs([['责任分工']]);
  const lk = await lookups();
  // only the task rules' findings, rule by rule (the list pages)
  const taskRules = Object.keys(lk.rule).filter((id) => id.startsWith('task.')).sort();
  const [tasks, ...fis] = await Promise.all([all('unit_tasks'), ...taskRules.map((rule) => allFindings({ as_of: ctx.asOf, rule }))]);
  const fi = { findings: fis.flatMap((x) => x.findings) };
  if (!ctx.alive()) return;
  const byTask = {};
  for (const f of fi.findings || []) if (f.rule.startsWith('task.')) (byTask[f.subject] ||= []).push(f);
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '责任分工'),
      h('p', { class: 'page-sub' }, ['各牵头部门按 ', cite('6.2', lk), ` 制定配套文件的情况，截至 ${fmt.date(ctx.asOf)}`]),
      h('div', { class: 'head-actions no-print' },
        downloadButton('导出 Excel', 'export/unit_tasks.xlsx', { as_of: ctx.asOf }, { id: 'export-tasks' }),
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    tasks.length ? table([
      { label: '牵头单位', cell: (t) => (t.unit ? h('a', { href: `#/units/${encodeURIComponent(t.unit)}` }, lk.unit[t.unit]?.name || t.unit) : '—') },
      ...taskColumns(lk, ctx.asOf),
      { label: '问题', cell: (t) => ((byTask[t.id] || []).length ? byTask[t.id].map((f) => h('div', { class: 'task-finding' }, findingLight(f), ' ', lk.rule[f.rule]?.title || f.rule, f.due ? [' · 截止 ', due(f.due, f.rule, lk, f.due_year)] : null)) : h('span', { class: 'muted' }, '无')) },
    ], tasks, { caption: '配套文件' }) : emptyState('还没有配套文件任务。请在导入页上传含“配套文件”的数据包。', h('a', { href: '#/import' }, '去导入')));
}
