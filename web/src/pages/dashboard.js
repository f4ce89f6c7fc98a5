// 总览: headline numbers (each a link to the list behind it), progress by
// batch and by supervising unit (the 20 with the most associations in
// scope; 主管单位 lists every one), the five separations, the counties side by
// side (六(一): each opens this page for that county, ?jurisdiction=CODE),
// the plan's timeline and the next 20 deadlines with their lights.
import { h, replace } from '../dom.js';
import { api, lookups, names } from '../api.js';
import * as fmt from '../fmt.js';
import { table, light, cite, due, section, emptyState, subjectCell, downloadButton } from '../ui.js';
import { go } from '../main.js';

export async function render(root, ctx) {
  ctx.crumbs([['总览']]);
  const chartsP = import('../charts.js');
  const opened = (ctx.query || {}).jurisdiction || null;
  const [d, lk] = await Promise.all([api.get('dashboard', opened ? { as_of: ctx.asOf, jurisdiction: opened } : { as_of: ctx.asOf }), lookups()]);
  if (!ctx.alive()) return;
  const charts = await chartsP;
  charts.disposeAll();
  const t = d.totals || {};
  const tile = (label, value, href, note, tone) => h('a', { class: ['tile', tone && `tile-${tone}`], href },
    h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, fmt.num(value)), h('span', { class: 'tile-note' }, note));
  const tiles = h('div', { class: 'tiles', role: 'list' },
    [tile('纳入范围', t.in_scope, '#/associations?state=in_scope%2B', '个协会'),
      tile('已脱钩', t.decoupled, '#/associations?state=decoupled%2B', t.in_scope ? `占 ${Math.round((100 * t.decoupled) / t.in_scope)}%` : '个协会'),
      tile('未脱钩', t.not_decoupled, '#/findings?rule=decoupling.incomplete', '个协会'),
      tile('逾期问题', t.overdue_findings, '#/findings?state=overdue', `另有待办 ${fmt.num(t.open_findings)} 项`, t.overdue_findings ? 'alert' : null),
      tile('待验收', t.awaiting_acceptance, '#/findings?rule=acceptance.pending', t.summaries_missing ? `工作总结未报 ${fmt.num(t.summaries_missing)} 个` : '个协会'),
    ].map((x) => { x.setAttribute('role', 'listitem'); return x; }));

  const batchEl = h('div', { class: 'chart', id: 'chart-batch', role: 'img' });
  const sepEl = h('div', { class: 'chart', id: 'chart-separation', role: 'img' });
  const counties = (d.by_jurisdiction || []).filter((c) => c.jurisdiction !== d.jurisdiction);
  const here = (d.by_jurisdiction || []).find((c) => c.jurisdiction === d.jurisdiction);
  const units = (d.by_unit || []).slice().sort((a, b) => b.in_scope - a.in_scope || a.name.localeCompare(b.name, 'zh-CN'));
  const unitEl = h('div', { class: 'chart chart-tall', id: 'chart-unit', role: 'img' });
  unitEl.style.height = `${Math.max(160, 46 + units.length * 25)}px`;

  // a batch without its own date has the plan's general deadline (due(a), rules.md)
  const general = ((lk.plan.parameters || []).find((p) => p.name === 'decoupling_due') || {}).value || null;
  const batches = (d.by_batch || []).map((b) => ({ ...b, due: b.due || general, name: b.name || (b.batch ? b.batch : '未分批') }));
  sepEl.style.height = `${Math.max(200, 60 + (d.by_separation || []).length * 30)}px`;
  batchEl.setAttribute('aria-label', '按批次的脱钩进度：' + batches.map((b) => `${b.name}${b.decoupled}/${b.in_scope}`).join('，'));
  sepEl.setAttribute('aria-label', '五分离事项：' + (d.by_separation || []).map((s) => `${s.name}已完成${s.done}、待办${s.open}、逾期${s.overdue}`).join('；'));
  unitEl.setAttribute('aria-label', '按主管单位的脱钩进度');

  const dataTable = (summary, tbl) => h('details', { class: 'chart-data' }, h('summary', null, summary), tbl);
  const upcoming = deadlines(d.overdue || [], d.upcoming || []);
  const assocName = await names(upcoming.map((f) => f.association));
  if (!ctx.alive()) return;

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '总览'), h('p', { class: 'page-sub' }, `截至 ${fmt.date(d.as_of || ctx.asOf)}，${scopeWords(ctx, lk, d, here)}纳入脱钩范围的行业协会商会工作进度`),
      ['office', 'civil_affairs', 'department'].includes(ctx.user.role)
        ? h('div', { class: 'head-actions no-print' }, downloadButton('工作进展报告（PDF）', 'reports/progress.pdf', { as_of: ctx.asOf }, { id: 'progress-pdf' })) : null),
    tiles,
    h('div', { class: 'grid-2' },
      section('按批次', 'by-batch', batches.length ? [batchEl,
        dataTable('查看数据表', table([
          { label: '批次', cell: (b) => h('a', { href: batchHref(b, 'in_scope%2B') }, b.name) },
          { label: '截止日期', cell: (b) => fmt.date(b.due) },
          { label: '纳入范围', num: true, cell: (b) => h('a', { href: batchHref(b, 'in_scope%2B') }, fmt.num(b.in_scope)) },
          { label: '已脱钩', num: true, cell: (b) => h('a', { href: batchHref(b, 'decoupled%2B') }, fmt.num(b.decoupled)) }], batches))]
        : emptyState('还没有批次。请在导入页上传含批次的数据包。')),
      section('五分离', 'by-separation', [sepEl,
        dataTable('查看数据表', table([
          { label: '事项', cell: (s) => s.name },
          { label: '已完成', num: true, cell: (s) => fmt.num(s.done) },
          { label: '待办', num: true, cell: (s) => h('a', { href: `#/findings?separation=${encodeURIComponent(s.id)}&state=open` }, fmt.num(s.open)) },
          { label: '逾期', num: true, cell: (s) => h('a', { href: `#/findings?separation=${encodeURIComponent(s.id)}&state=overdue` }, fmt.num(s.overdue)) }], d.by_separation || []))])),
    section('按主管单位', 'by-unit', units.length ? [
      (d.units_total || 0) > units.length
        ? h('p', { class: 'page-sub', id: 'units-top' }, `共 ${fmt.num(d.units_total)} 个主管单位，此处列出纳入范围协会最多的 ${fmt.num(units.length)} 个。`,
          h('a', { href: '#/units' }, '查看全部主管单位')) : null,
      unitEl,
      dataTable('查看数据表', table([
        { label: '主管单位', cell: (u) => h('a', { href: `#/units/${encodeURIComponent(u.unit)}` }, u.name) },
        { label: '纳入范围', num: true, cell: (u) => h('a', { href: `#/associations?unit=${encodeURIComponent(u.unit)}&state=in_scope%2B` }, fmt.num(u.in_scope)) },
        { label: '已脱钩', num: true, cell: (u) => h('a', { href: `#/associations?unit=${encodeURIComponent(u.unit)}&state=decoupled%2B` }, fmt.num(u.decoupled)) },
        { label: '逾期问题', num: true, cell: (u) => h('a', { href: `#/findings?unit=${encodeURIComponent(u.unit)}&state=overdue` }, fmt.num(u.overdue)) }], units))]
      : emptyState('没有纳入脱钩范围的协会。请先在导入页上传登记簿。')),
    counties.length ? section('各县（市、区）对比', 'by-jurisdiction', table([
      { label: '县（市、区）', cell: (c) => h('a', { href: `#/dashboard?jurisdiction=${encodeURIComponent(c.jurisdiction)}` }, c.name) },
      { label: '纳入范围', num: true, cell: (c) => fmt.num(c.in_scope) },
      { label: '已脱钩', num: true, cell: (c) => fmt.num(c.decoupled) },
      { label: '脱钩率', num: true, cell: (c) => (c.in_scope ? `${Math.round((100 * c.decoupled) / c.in_scope)}%` : '—') },
      { label: '待办问题', num: true, cell: (c) => fmt.num(c.open) },
      { label: '逾期问题', num: true, cell: (c) => fmt.num(c.overdue) }], counties, { className: 'counties-table' })) : null,
    h('div', { class: 'grid-2 grid-wide-left' },
      section('近期截止事项', 'upcoming', upcoming.length ? [table([
        { label: '状态', cell: (f) => light(f.light) },
        { label: '截止日期', cell: (f) => due(f.due, f.rule, lk, f.due_year) },
        { label: '协会或单位', cell: (f) => subjectCell(f, lk, assocName) },
        { label: '事项', cell: (f) => (lk.rule[f.rule] ? lk.rule[f.rule].title : f.rule) },
        { label: '条款', cell: (f) => cite(f.clause, lk) }], upcoming, { className: 'compact', rowAttrs: (f) => ({ dataset: { light: f.light || '' } }) }),
        (d.totals || {}).overdue_findings > upcoming.filter((f) => f.light === 'red').length
          ? h('p', { class: 'more-link' }, h('a', { href: '#/findings?state=overdue' }, `查看全部 ${fmt.num(d.totals.overdue_findings)} 项逾期问题`)) : null]
        : emptyState('截至该日没有逾期或临近的截止事项。可在顶部“截至”换一个日期回看。', h('a', { href: '#/findings?state=overdue' }, '查看逾期问题'))),
      section('方案时间节点', 'timeline', timeline(d.timeline || [], d.as_of || ctx.asOf, lk))));

  charts.progress(batchEl, batches.map((b) => ({ label: `${b.name}（${fmt.date(b.due)}）`, done: b.decoupled, rest: b.in_scope - b.decoupled,
    onClick: () => go(batchHref(b, 'in_scope%2B')) })), { labelWidth: 170 });
  charts.separations(sepEl, (d.by_separation || []).map((s) => ({ label: s.name, done: s.done, open: s.open, overdue: s.overdue,
    onClick: (series) => go(`#/findings?separation=${encodeURIComponent(s.id)}${series === '逾期' ? '&state=overdue' : ''}`) })));
  if (units.length) charts.progress(unitEl, units.map((u) => ({ label: u.name, done: u.decoupled, rest: u.in_scope - u.decoupled, onClick: () => go(`#/units/${encodeURIComponent(u.unit)}`) })), { labelWidth: 190 });
}

// Whose associations the numbers count: a unit sees its own, not the city's;
// a county's account or an opened county, that county's.
function scopeWords(ctx, lk, d, here) {
  const county = d.jurisdiction ? (here ? here.name : d.jurisdiction) : '';
  if (ctx.user.role === 'unit') return `${county}${lk.unit[ctx.user.unit]?.name || '本单位'}主管的`;
  return county || '全市';
}

// The next 20 deadlines (ui.md): what is overdue comes first (red), the
// most recently overdue of them, at most 10 unless fewer are coming up;
// then the soonest coming up, yellow within 5 working days, else green.
function deadlines(overdue, upcoming) {
  const late = overdue.slice().sort((a, b) => String(b.due).localeCompare(String(a.due)));
  const keepLate = Math.min(late.length, Math.max(10, 20 - upcoming.length));
  const shownLate = late.slice(0, keepLate).sort((a, b) => String(a.due).localeCompare(String(b.due)));
  return [...shownLate.map((f) => ({ ...f, light: 'red' })), ...upcoming.slice(0, 20 - shownLate.length)];
}

// the list behind a batch's numbers (the server filters by a batch id; the
// associations without a batch have no filter of their own)
const batchHref = (b, state) => (b.batch ? `#/associations?batch=${encodeURIComponent(b.batch)}&state=${state}` : `#/associations?state=${state}`);

function timeline(items, asOf, lk) {
  if (!items.length) return emptyState('方案没有列出时间节点。');
  const sorted = items.slice().sort((a, b) => String(a.date).localeCompare(String(b.date)));
  return h('ol', { class: 'timeline' }, sorted.map((t) => {
    const past = t.date <= asOf;
    return h('li', { class: past ? 'tl-past' : 'tl-future' },
      h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'tl-date' }, fmt.date(t.date)),
      h('span', { class: 'tl-label' }, t.label, ' ', t.clause && lk.clause[t.clause] ? cite(t.clause, lk) : null),
      h('span', { class: 'tl-state' }, past ? '已过' : '未到'));
  }));
}

