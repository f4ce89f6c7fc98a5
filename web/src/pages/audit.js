// 审计日志 (auditor): the audit log, filtered by user, event and date range
// (typed YYYY-MM-DD; the server takes them as Beijing days, and the times
// show in Beijing time, whatever the browser's time zone),
// paged on the server; exported as CSV (the export is itself audited); the
// hash chain checked on demand.  Records show who, in which role, from
// where, did what to which object, and the outcome; what changed is a table
// of field, before and after in the glossary's words (changes.js), from the
// before/after JSON the server stored (ID numbers already masked).
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../fmt.js';
import { table, pager, field, emptyState, dateInput, liveDateCheck } from '../ui.js';
import { ROLE, EVENT, OUTCOME } from '../labels.js';
import { changeTable } from '../changes.js';


export async function render(root, ctx) {
  ctx.crumbs([['审计日志']]);
  const q = ctx.query;
  const page = Math.max(1, parseInt(q.page || '1', 10) || 1);
  const query = { user: q.user, event: q.event, from: q.from, to: q.to, page, per_page: 50 };
  const d = await api.get('audit', query);
  if (!ctx.alive()) return;

  const user = h('input', { name: 'user', id: 'audit-user', value: q.user || '' });
  const event = h('select', { name: 'event', id: 'audit-event' },
    h('option', { value: '' }, '全部事件'),
    Object.entries(EVENT).map(([k, v]) => h('option', { value: k, selected: q.event === k }, v)));
  const fromBox = dateInput({ name: 'from', id: 'audit-from', value: q.from || '' });
  const toBox = dateInput({ name: 'to', id: 'audit-to', value: q.to || '' });
  const from = fromBox.querySelector('input');
  const to = toBox.querySelector('input');
  liveDateCheck(from);
  liveDateCheck(to);
  const form = h('form', { class: 'filters no-print', role: 'search' },
    field('用户', user), field('事件', event), field('起始日期', fromBox), field('截止日期', toBox),
    h('button', { type: 'submit', class: 'btn btn-primary' }, '查询'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if ([from, to].some((x) => x.value && !fmt.isIsoDate(x.value))) return; // the message shows by the field
    ctx.setQuery({ user: user.value.trim(), event: event.value, from: from.value, to: to.value });
  });

  const exportParams = new URLSearchParams(Object.entries({ user: q.user, event: q.event, from: q.from, to: q.to }).filter(([, v]) => v));
  const exportHref = '/api/v1/audit/export' + (exportParams.toString() ? '?' + exportParams : '');
  const verifyOut = h('p', { class: 'muted', role: 'status' });
  const verify = h('button', { type: 'button', class: 'btn btn-plain', id: 'audit-verify' }, '校验散列链');
  verify.addEventListener('click', async () => {
    replace(verifyOut, '正在校验…');
    try {
      const v = await api.get('audit/verify');
      verifyOut.className = v.ok ? 'text-green' : 'text-red';
      replace(verifyOut, v.ok ? `${v.message}（共 ${v.count} 条）` : `审计记录被篡改：${v.message}`);
    } catch (e) { replace(verifyOut, e.message); }
  });

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '审计日志'),
      h('p', { class: 'page-sub' }, '记录登录、退出、数据修改、导入导出、查看完整公民身份号码、用户与角色变更等操作；记录以散列链相连，不可修改或删除。'),
      h('div', { class: 'head-actions no-print' },
        h('a', { class: 'btn btn-plain', href: exportHref, id: 'audit-export', download: '' }, '导出（CSV）'), verify)),
    verifyOut,
    form,
    d.items.length ? table([
      { label: '序号', num: true, cell: (r) => String(r.seq) },
      { label: '时间', cell: (r) => fmt.beijingTime(r.at) },
      { label: '用户', cell: (r) => r.user },
      { label: '角色', cell: (r) => ROLE[r.role] || (r.role === 'operator' ? '服务器操作员' : r.role) },
      { label: '来源地址', cell: (r) => r.ip },
      { label: '事件', cell: (r) => (EVENT[r.event] ? EVENT[r.event] : h('span', { title: r.event }, '其他操作')) },
      { label: '对象', cell: (r) => r.object || '—' },
      { label: '结果', cell: (r) => h('span', { class: r.outcome === 'ok' ? null : 'text-red' }, OUTCOME[r.outcome] || '其他') },
      { label: '变更内容', class: 'audit-change', cell: (r) => changeTable(r.before, r.after) },
    ], d.items, { caption: '审计记录（新的在前；时间为北京时间）', className: 'audit-log' }) : emptyState('没有符合条件的审计记录。'),
    pager(d.total, page, 50, (p) => ctx.setQuery({ ...q, page: p })));
}
