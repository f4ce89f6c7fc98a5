// 审计日志 (auditor): the audit log, filtered by user, event and date range
// (typed YYYY-MM-DD; the server takes them as Beijing days, and the times
// show in Beijing time, whatever the browser's time zone),
// paged on the server; exported as CSV (the export is itself audited); the
// hash chain checked on demand.  Records show who, in which role, from
// where, did what to which object, and the outcome; before/after are JSON
// with ID numbers already masked by the server.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import * as fmt from '../fmt.js';
import { table, pager, field, emptyState, dateInput, liveDateCheck } from '../ui.js';
import { ROLE } from '../labels.js';

export const EVENT = {
  login: '登录', login_failed: '登录失败', lockout: '账户锁定', logout: '退出',
  write: '修改记录', import: '导入', export: '导出', reveal_id: '查看完整公民身份号码',
  user_add: '新增用户', role_change: '角色变更', user_lock: '锁定账户', user_unlock: '解锁账户',
  password_reset: '重置密码', user_update: '修改用户', totp_set: '设置动态口令', totp_clear: '清除动态口令',
  user_request: '提出账户申请', user_approve: '批准账户申请', user_reject: '驳回账户申请', user_request_failed: '账户申请无法执行',
  setting: '系统设置', plan_set: '载入方案', evidence_upload: '上传佐证材料', evidence_attach: '关联佐证材料',
  access_denied: '越权访问被拒绝', audit_purge: '清除过期审计记录',
};
const OUTCOME = { ok: '成功', failed: '失败', denied: '拒绝' };

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

  const json = (s) => (s ? h('code', { class: 'json' }, s.length > 160 ? s.slice(0, 160) + '…' : s) : '—');
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
      { label: '事件', cell: (r) => EVENT[r.event] || r.event },
      { label: '对象', cell: (r) => r.object || '—' },
      { label: '结果', cell: (r) => h('span', { class: r.outcome === 'ok' ? null : 'text-red' }, OUTCOME[r.outcome] || r.outcome) },
      { label: '变更前', cell: (r) => json(r.before) },
      { label: '变更后', cell: (r) => json(r.after) },
    ], d.items, { caption: '审计记录（新的在前；时间为北京时间）', className: 'audit-log' }) : emptyState('没有符合条件的审计记录。'),
    pager(d.total, page, 50, (p) => ctx.setQuery({ ...q, page: p })));
}
