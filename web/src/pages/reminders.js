// 提醒: the digests of 临近提醒 and 催办 for the user's scope (a unit: its own
// associations; an association: itself): what is overdue and what falls due
// within N working days of the as-of date, grouped by supervising unit, as
// `tuogou remind` prints them and mails them.
import { h, replace } from '../dom.js';
import { api, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { table, light, cite, due, section, emptyState, subjectCell } from '../ui.js';

const WITHIN = [3, 5, 10, 20];

export async function render(root, ctx) {
  ctx.crumbs([['提醒']]);
  const within = WITHIN.includes(Number(ctx.query.within)) ? Number(ctx.query.within) : 5;
  const [r, lk] = await Promise.all([api.get('reminders', { as_of: ctx.asOf, within }), lookups()]);
  if (!ctx.alive()) return;
  const names = {};
  for (const u of r.units || []) for (const it of u.items || []) if (it.association) names[it.association] = it.association_name;
  const sel = h('select', { id: 'within', name: 'within', onchange: () => ctx.setQuery({ within: sel.value === '5' ? '' : sel.value }) },
    WITHIN.map((n) => h('option', { value: String(n), selected: n === within }, `${n} 个工作日内`)));
  const note = (it) => (it.due_year ? (it.state === 'overdue' ? h('span', { class: 'text-red' }, '已逾期') : `${it.due_year}年内到期`)
    : it.state === 'overdue' ? h('span', { class: 'text-red' }, `已逾期 ${fmt.num(it.days_overdue)} 天`)
    : it.due === r.as_of ? '今日到期' : `还有 ${fmt.num(it.workdays)} 个工作日`);
  const units = (r.units || []).map((u, i) => section(`${u.name}`, `remind-${i}`,
    h('p', { class: 'remind-counts' },
      u.overdue ? light('red') : null, u.overdue ? ` ${fmt.num(u.overdue)} 项　` : null,
      u.near ? light('yellow') : null, u.near ? ` ${fmt.num(u.near)} 项` : null,
      u.unit ? [' · ', h('a', { href: `#/findings?unit=${encodeURIComponent(u.unit)}&state=overdue` }, '在问题清单中查看')] : null),
    table([
      { label: '状态', cell: (it) => light(it.light) },
      { label: '截止日期', cell: (it) => due(it.due, it.rule, lk, it.due_year) },
      { label: '协会或单位', cell: (it) => subjectCell(it, lk, names) },
      { label: '事项', cell: (it) => h('span', null, h('strong', { class: 'rule-title' }, it.title || it.rule), h('br'), h('span', { class: 'msg' }, fmt.sentence(it.message))) },
      { label: '条款', cell: (it) => cite(it.clause, lk) },
      { label: '说明', cell: note },
    ], u.items || [], { className: 'compact reminders-table', rowAttrs: (it) => ({ dataset: { state: it.state } }) })));
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '提醒'),
      h('p', { class: 'page-sub', id: 'remind-sub' },
        `截至 ${fmt.date(r.as_of)}：逾期 ${fmt.num(r.overdue)} 项，临近到期 ${fmt.num(r.near)} 项（${within} 个工作日内，即 ${fmt.date(r.horizon)} 前到期）`),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    h('form', { class: 'filters', 'aria-label': '提醒范围', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field field-inline' }, h('label', { for: 'within' }, '临近'), sel),
      h('p', { class: 'hint' }, ctx.user.role === 'unit' ? '仅列本单位主管的协会和本单位的事项。'
        : ctx.user.role === 'association' ? '仅列本协会的事项。' : '按主管单位分组；未明确主管单位的事项列在最后。')),
    units.length ? units : emptyState(`截至 ${fmt.date(r.as_of)}，没有逾期或 ${within} 个工作日内到期的事项。可在顶部“截至”换一个日期查看。`));
}
