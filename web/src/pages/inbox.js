// 待办: what waits on the signed-in user (GET /api/v1/inbox): for the office
// the work summaries reported and not yet accepted (验收), for every
// business role the overdue and near items of its scope it may mark done
// (a unit and an association: all of their own), overdue first; for a unit,
// first the 催办 it has not yet signed for (签收 on 提醒).  Each row opens the
// association, where the item is done.  The count is the badge of
// 待办 in the navigation (main.js).
import { h, replace } from '../dom.js';
import { api, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { TASK } from '../labels.js';
import { table, emptyState, light, due, cite } from '../ui.js';

const KIND = { acceptance: '待验收', item: '待办事项', account_request: '账户申请', urge: '催办' };

export async function render(root, ctx) {
  ctx.crumbs([['待办']]);
  const [d, lk] = await Promise.all([api.get('inbox', { as_of: ctx.asOf }), lookups()]);
  if (!ctx.alive()) return;
  const items = d.items || [];
  const overdue = items.filter((x) => x.state === 'overdue').length;
  const what = (x) => {
    if (x.kind === 'acceptance') return '工作总结已报送，待验收';
    if (x.kind === 'urge') return `联合工作组办公室催办：逾期 ${fmt.num(x.urge.n_items)} 项（截至 ${fmt.date(x.urge.as_of)}）`;
    return TASK[x.rule] || lk.rule[x.rule]?.title || x.title || '待办事项';
  };
  const where = (x) => (x.kind === 'urge' ? h('a', { href: '#/reminders' }, '查看并签收')
    : x.association
    ? h('a', { href: `#/associations/${encodeURIComponent(x.association)}${x.kind === 'acceptance' ? '?do=accept' : ''}` }, x.association_name || x.association)
    : x.subject && lk.unit[x.subject] ? h('a', { href: `#/units/${encodeURIComponent(x.subject)}` }, lk.unit[x.subject].name)
      : x.username ? h('a', { href: '#/users' }, x.username) : '—');
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '待办'),
      h('p', { class: 'page-sub' }, `截至 ${fmt.date(ctx.asOf)}，等待您办理的事项共 ${fmt.num(items.length)} 项${overdue ? `，其中逾期 ${fmt.num(overdue)} 项` : ''}。逾期的在前。`)),
    items.length ? table([
      { label: '状态', cell: (x) => (x.state === 'overdue' ? light('red') : x.state === 'near' ? light('yellow') : h('span', { class: 'tag' }, KIND[x.kind] || '待办')) },
      { label: '事项', cell: (x) => h('span', null, h('strong', { class: 'rule-title' }, what(x)), x.kind === 'urge' ? (x.urge.message ? [h('br'), h('span', { class: 'msg' }, `附言：${x.urge.message}`)] : null)
        : x.message && x.kind !== 'acceptance' ? [h('br'), h('span', { class: 'msg' }, fmt.sentence(x.message))] : null) },
      { label: '协会或单位', cell: where },
      { label: '截止日期', cell: (x) => (x.kind === 'item' ? due(x.due, x.rule, lk) : x.kind === 'urge' ? `${fmt.dateTime(x.urge.sent_at)} 发来` : x.due ? fmt.date(x.due) : '—') },
      { label: '条款', cell: (x) => (x.rule && lk.rule[x.rule] ? cite(lk.rule[x.rule].clause, lk) : '—') },
    ], items, { className: 'inbox', caption: '待办事项', rowAttrs: (x) => ({ dataset: { kind: x.kind, rule: x.rule || '', association: x.association || '', urge: x.kind === 'urge' ? String(x.id) : '' } }) })
      : emptyState(`截至 ${fmt.date(ctx.asOf)}，没有等待您办理的事项。`));
}
