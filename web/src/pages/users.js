// 用户与角色 (secadmin and sysadmin, 三员分立 of issue 14): every account with
// its role and scope.  Of a business account, opening it, a password reset
// and an unlock are requests (申请) of one administrator that an
// administrator of the other kind approves in 待审批 (the server refuses
// the proposer and his kind); the new password is made at approval and
// shown once to the approver.  A lock and a new TOTP secret (secadmin) are
// done at once.  Administrator accounts are managed on the server only
// (tuogou user): the page offers nothing for them, nor for one's own.
// A new account's role is chosen, never preset (no role is the default);
// a password reset is asked for in a dialog of the page (never a browser
// prompt), and the temporary password shows only to the approver.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { table, field, showErrors, clearErrors } from '../ui.js';
import { ROLE } from '../labels.js';
import * as fmt from '../fmt.js';

const DEPT = { finance: '财政局', offices: '机关事务管理局', organization: '组织部', staffing: '编办', audit: '审计局', price: '价格主管部门' };
const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditor'];
const KIND = { create: '新增用户', change: '变更角色', reset: '重置密码', unlock: '解锁' };
const OTHER = { secadmin: '系统管理员', sysadmin: '安全管理员' };

function secretNote(u) {
  if (!u.totp_secret) return null;
  return h('div', { class: 'card note', role: 'status', id: 'totp-secret' },
    h('p', null, `请立即将账户 ${u.username} 的动态口令密钥录入身份验证器（此后不再显示）：`),
    h('p', null, h('code', { class: 'secret' }, u.totp_secret)),
    h('p', { class: 'muted' }, u.otpauth));
}

// What an approval made: the temporary password (and a TOTP secret), once.
function approvedNote(r) {
  const who = r.user ? r.user.username : r.request.username;
  return h('div', { class: 'card note', role: 'status', id: 'approved' },
    h('p', null, `已批准${KIND[r.request.kind] || ''}申请：账户 ${who}。`),
    r.temporary_password ? [
      h('p', null, '临时密码（只显示这一次，请当面或经安全渠道交给本人）：'),
      h('p', null, h('code', { class: 'secret', id: 'temp-password' }, r.temporary_password))] : null,
    r.totp_secret ? [
      h('p', null, '动态口令密钥（此后不再显示）：'),
      h('p', null, h('code', { class: 'secret' }, r.totp_secret))] : null);
}

// What the last action did shows under the page's heading.
function place(root, note) {
  const head = root.querySelector('.page-head');
  if (head) head.after(note); else root.prepend(note);
}

// a county's account (六(一)) shows its jurisdiction's code after the scope
const scopeText = (x) => {
  const s = x.unit || x.association || (x.department ? DEPT[x.department] : '');
  return x.jurisdiction ? `${s ? s + '，' : ''}行政区划 ${x.jurisdiction}` : s || '—';
};

function requestContent(r) {
  if (r.kind !== 'create' && r.kind !== 'change') return '—';
  const d = r.detail || {};
  const s = scopeText(d);
  return `${ROLE[d.role] || d.role}${s === '—' ? '' : '：' + s}${d.display_name ? `（${d.display_name}）` : ''}`;
}

export async function render(root, ctx) {
  ctx.crumbs([['用户与角色']]);
  const [d, pending] = await Promise.all([api.get('users'), api.get('user-requests')]);
  if (!ctx.alive()) return;
  const me = ctx.user.role;
  const note = h('div');
  const refresh = () => ctx.refresh();
  const ok = (text) => h('div', { class: 'alert alert-ok', role: 'status' }, text);

  // every change ends with the page drawn again and what it did under the heading
  const act = async (fn, say) => {
    try { const r = await fn(); replace(note, say(r)); await render(root, ctx); place(root, note); }
    catch (e) { replace(note, h('div', { class: 'alert alert-error', role: 'alert' }, e.message)); place(root, note); }
  };
  const proposed = (r) => ok(r.message);
  const enc = encodeURIComponent;

  const rows = d.items;
  const actions = (u) => {
    if (u.username === ctx.user.user) return h('span', { class: 'muted' }, '本人账户');
    if (ADMIN_ROLES.includes(u.role)) return h('span', { class: 'muted' }, '仅在服务器上管理');
    const locked = u.locked || u.locked_until * 1000 > Date.now();
    return h('span', { class: 'row-actions' },
      locked
        ? h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.put(`users/${enc(u.username)}`, { locked: false }), proposed) }, '申请解锁')
        : h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.put(`users/${enc(u.username)}`, { locked: true }), () => ok(`已锁定 ${u.username}。`)) }, '锁定'),
      ' ',
      h('button', { type: 'button', class: 'link-button', onclick: (e) => askReset(u, e.currentTarget) }, '申请重置密码'),
      me === 'secadmin' ? [' ', h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.post(`users/${enc(u.username)}/totp`, {}), (r) => secretNote(r) || ok('已保存。')) }, '重置动态口令')] : null);
  };
  // 申请重置密码: asked in a dialog; the password is made at approval
  const dialog = h('dialog', { class: 'dialog', id: 'reset-dialog', 'aria-labelledby': 'reset-h' });
  function askReset(u, opener) {
    const ok = h('button', { type: 'submit', class: 'btn btn-primary' }, '提交申请');
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'reset-h' }, '申请重置密码'),
      h('p', { class: 'dialog-item' }, `账户 ${u.username}${u.display_name ? `（${u.display_name}）` : ''}`),
      h('p', null, `提交后须由${OTHER[me] || '另一类管理员'}批准。批准时系统生成临时密码，只在批准人的页面上显示一次，请当面或经安全渠道交给本人；本人登录时须改为自己的密码。`),
      h('div', { class: 'form-actions' }, ok, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dialog.close() }, '取消')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      dialog.close();
      act(() => api.post(`users/${enc(u.username)}/password`, {}), proposed);
    });
    replace(dialog, form);
    dialog.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); }, { once: true });
    dialog.showModal();
    ok.focus();
  }

  const list = table([
    { label: '用户名', rowHeader: true, cell: (u) => u.username },
    { label: '姓名', cell: (u) => u.display_name || '—' },
    { label: '角色', cell: (u) => ROLE[u.role] || u.role },
    { label: '管理范围', cell: scopeText },
    { label: '动态口令', cell: (u) => (u.totp ? '已设置' : '未设置') },
    { label: '最近登录', cell: (u) => (u.last_login_at ? fmt.dateTime(u.last_login_at * 1000) : '从未登录') },
    { label: '状态', cell: (u) => (u.locked ? h('span', { class: 'text-red' }, '已锁定') : u.locked_until * 1000 > Date.now() ? h('span', { class: 'text-red' }, '登录失败锁定中') : '正常') },
    { label: '操作', cell: actions },
  ], rows, { caption: '全部账户', className: 'users-table' });

  // 待审批: the requests waiting, with 批准 / 驳回 for the other kind
  const requests = table([
    { label: '编号', rowHeader: true, cell: (r) => String(r.id) },
    { label: '申请', cell: (r) => KIND[r.kind] || r.kind },
    { label: '账户', cell: (r) => r.username },
    { label: '内容', cell: requestContent },
    { label: '申请人', cell: (r) => `${r.proposer}（${ROLE[r.proposer_role] || r.proposer_role}）` },
    { label: '提出时间', cell: (r) => fmt.beijingTime(new Date(r.created_at * 1000).toISOString()) },
    { label: '操作', cell: (r) => (r.can_approve ? h('span', { class: 'row-actions' },
      h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.post(`user-requests/${r.id}/approve`, {}), approvedNote) }, '批准'),
      ' ',
      h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.post(`user-requests/${r.id}/reject`, {}), () => ok(`已驳回申请 ${r.id}。`)) }, '驳回'))
      : h('span', { class: 'muted' }, `等待${OTHER[r.proposer_role] || '另一类管理员'}审批`)) },
  ], pending.items, { caption: '待审批的申请', className: 'requests-table', empty: '没有待审批的申请。' });

  // ask for a new business account
  const username = h('input', { name: 'username', id: 'new-username', required: true, autocomplete: 'off' });
  const display = h('input', { name: 'display_name', id: 'new-display-name' });
  const role = h('select', { name: 'role', id: 'new-role', required: true },
    h('option', { value: '', selected: true }, '请选择角色'),
    Object.entries(ROLE).filter(([k]) => !ADMIN_ROLES.includes(k)).map(([k, v]) => h('option', { value: k }, v)));
  // the administrators read no business data: the unit is typed as its code (U01)
  const unit = h('input', { name: 'unit', id: 'new-unit', placeholder: '主管单位编号，如 U01' });
  const assoc = h('input', { name: 'association', id: 'new-association', placeholder: '统一社会信用代码' });
  const dept = h('select', { name: 'department', id: 'new-department' }, h('option', { value: '' }, '—'), Object.entries(DEPT).map(([k, v]) => h('option', { value: k }, v)));
  // a county's office, civil affairs, department or unit: its GB/T 2260 code
  const juris = h('input', { name: 'jurisdiction', id: 'new-jurisdiction', placeholder: '行政区划代码，如 410322；留空为全市', inputmode: 'numeric' });
  const totp = h('input', { type: 'checkbox', name: 'totp', id: 'new-totp' });
  const fUnit = field('主管单位', unit), fAssoc = field('协会', assoc), fDept = field('职能部门', dept), fJuris = field('行政区划', juris);
  const sync = () => {
    fUnit.hidden = role.value !== 'unit'; fAssoc.hidden = role.value !== 'association'; fDept.hidden = role.value !== 'department';
    fJuris.hidden = !['office', 'civil_affairs', 'department', 'unit'].includes(role.value);
  };
  role.addEventListener('change', sync);
  sync();
  const form = h('form', { novalidate: true, id: 'user-add' },
    h('div', { class: 'form-errors' }),
    h('p', { class: 'muted' }, `提交后须由${OTHER[me] || '另一类管理员'}批准才会建立账户；初始密码在批准时生成，只向批准人显示一次。管理员账户只能在服务器上用 tuogou user 命令建立。`),
    h('div', { class: 'form-grid' },
      field('用户名', username), field('姓名', display), field('角色', role), fUnit, fAssoc, fDept, fJuris),
    h('p', null, h('label', { class: 'check' }, totp, ' 使用动态口令')),
    h('button', { type: 'submit', class: 'btn btn-primary' }, '提交申请'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!role.value) { showErrors(form, { errors: [{ field: 'role', message: '请选择角色' }] }); return; }
    const body = { username: username.value.trim(), display_name: display.value.trim(), role: role.value, totp: totp.checked };
    if (role.value === 'unit') body.unit = unit.value.trim();
    if (role.value === 'association') body.association = assoc.value.trim();
    if (role.value === 'department') body.department = dept.value;
    if (!fJuris.hidden && juris.value.trim()) body.jurisdiction = juris.value.trim();
    try {
      const r = await api.post('users', body);
      await render(root, ctx);
      replace(note, ok(`已提交新增用户 ${r.request.username} 的申请，须由${OTHER[me] || '另一类管理员'}审批后生效。`));
      place(root, note);
    } catch (err) { showErrors(form, err); } // the server names the form's fields (unit, role, ...)
  });

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '用户与角色'),
      h('p', { class: 'page-sub' }, `共 ${rows.length} 个账户，${pending.items.length} 项申请待审批。一个账户只有一个角色；系统管理员、安全管理员、安全审计员不查看业务数据。`),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: refresh }, '刷新'))),
    list,
    h('section', { class: 'card', 'aria-labelledby': 'user-requests-h', id: 'user-requests' }, h('h2', { id: 'user-requests-h' }, '待审批'), requests),
    h('section', { class: 'card', 'aria-labelledby': 'user-add-h' }, h('h2', { id: 'user-add-h' }, '申请新增用户'), form),
    dialog);
}
