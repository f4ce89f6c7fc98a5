// 主管单位: every supervising unit, with its associations' progress.
import { h, replace } from '../dom.js';
import { api, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { val } from '../labels.js';
import { table, emptyState } from '../ui.js';

export async function render(root, ctx) {
  ctx.crumbs([['主管单位']]);
  const [lk, d] = await Promise.all([lookups(), api.get('dashboard/units', { as_of: ctx.asOf })]);
  if (!ctx.alive()) return;
  const by = Object.fromEntries((d.by_unit || []).map((u) => [u.unit, u]));
  const units = lk.units.slice().sort((a, b) => ((by[b.id]?.in_scope || 0) - (by[a.id]?.in_scope || 0)) || a.id.localeCompare(b.id));
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '主管单位'), h('p', { class: 'page-sub' }, `共 ${fmt.num(units.length)} 个单位；进度截至 ${fmt.date(ctx.asOf)}`),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    units.length ? table([
      { label: '名称', rowHeader: true, cell: (u) => h('a', { href: `#/units/${encodeURIComponent(u.id)}` }, u.name) },
      { label: '类型', cell: (u) => val('unit_kind', u.kind) },
      { label: '职能清单印发日期', cell: (u) => (u.function_list_on && u.function_list_on <= ctx.asOf ? fmt.date(u.function_list_on) : h('span', { class: 'muted' }, '未印发')) },
      { label: '纳入范围', num: true, cell: (u) => (by[u.id] ? h('a', { href: `#/associations?unit=${encodeURIComponent(u.id)}&state=in_scope%2B` }, fmt.num(by[u.id].in_scope)) : '0') },
      { label: '已脱钩', num: true, cell: (u) => fmt.num(by[u.id]?.decoupled || 0) },
      { label: '逾期问题', num: true, cell: (u) => (by[u.id]?.overdue ? h('a', { class: 'text-red', href: `#/findings?unit=${encodeURIComponent(u.id)}&state=overdue` }, fmt.num(by[u.id].overdue)) : '0') },
    ], units, { caption: '主管单位及其协会脱钩进度' }) : emptyState('还没有主管单位。请在导入页上传数据包。', h('a', { href: '#/import' }, '去导入')));
}
