// 用户与角色 (secadmin): every account with its role and scope; add an
// account (role, unit / association / department); lock and unlock; reset
// a password; issue a new TOTP secret (shown once).  The server refuses a
// change of one's own account (三员分立) and audits every change.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { table, field, showErrors, clearErrors } from '../ui.js';
import { ROLE } from '../labels.js';

const DEPT = { finance: '财政局', offices: '机关事务管理局', organization: '组织部', staffing: '编办', audit: '审计局', price: '价格主管部门' };

function secretNote(u) {
  if (!u.totp_secret) return null;
  return h('div', { class: 'card note', role: 'status', id: 'totp-secret' },
    h('p', null, `请立即将账户 ${u.username} 的动态口令密钥录入身份验证器（此后不再显示）：`),
    h('p', null, h('code', { class: 'secret' }, u.totp_secret)),
    h('p', { class: 'muted' }, u.otpauth));
}

// What the last action did shows under the page's heading.
function place(root, note) {
  const head = root.querySelector('.page-head');
  if (head) head.after(note); else root.prepend(note);
}

export async function render(root, ctx) {
  ctx.crumbs([['用户与角色']]);
  const d = await api.get('users');
  if (!ctx.alive()) return;
  const note = h('div');
  const refresh = () => ctx.refresh();

  const act = async (fn) => {
    try { const r = await fn(); replace(note, secretNote(r) || h('div', { class: 'alert alert-ok', role: 'status' }, '已保存。')); await render(root, ctx); place(root, note); }
    catch (e) { replace(note, h('div', { class: 'alert alert-error', role: 'alert' }, e.message)); place(root, note); }
  };

  const rows = d.items;
  const list = table([
    { label: '用户名', rowHeader: true, cell: (u) => u.username },
    { label: '姓名', cell: (u) => u.display_name || '—' },
    { label: '角色', cell: (u) => ROLE[u.role] || u.role },
    { label: '管理范围', cell: (u) => u.unit || u.association || (u.department ? DEPT[u.department] : '—') },
    { label: '动态口令', cell: (u) => (u.totp ? '已设置' : '未设置') },
    { label: '状态', cell: (u) => (u.locked ? h('span', { class: 'text-red' }, '已锁定') : u.locked_until * 1000 > Date.now() ? h('span', { class: 'text-red' }, '登录失败锁定中') : '正常') },
    { label: '操作', cell: (u) => (u.username === ctx.user.user ? h('span', { class: 'muted' }, '本人账户') : h('span', { class: 'row-actions' },
      h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.put(`users/${encodeURIComponent(u.username)}`, { locked: !u.locked })) }, u.locked ? '解锁' : '锁定'),
      ' ',
      h('button', { type: 'button', class: 'link-button', onclick: () => {
        const pw = window.prompt(`为 ${u.username} 设置新密码（至少 10 个字符，含三类字符）：`);
        if (pw) act(() => api.post(`users/${encodeURIComponent(u.username)}/password`, { password: pw }));
      } }, '重置密码'),
      ' ',
      h('button', { type: 'button', class: 'link-button', onclick: () => act(() => api.post(`users/${encodeURIComponent(u.username)}/totp`, {})) }, '重置动态口令'))) },
  ], rows, { caption: '全部账户' });

  // add an account
  const username = h('input', { name: 'username', id: 'new-username', required: true, autocomplete: 'off' });
  const display = h('input', { name: 'display_name', id: 'new-display-name' });
  const role = h('select', { name: 'role', id: 'new-role' }, Object.entries(ROLE).map(([k, v]) => h('option', { value: k }, v)));
  // the secadmin reads no business data: the unit is typed as its code (U01)
  const unit = h('input', { name: 'unit', id: 'new-unit', placeholder: '主管单位编号，如 U01' });
  const assoc = h('input', { name: 'association', id: 'new-association', placeholder: '统一社会信用代码' });
  const dept = h('select', { name: 'department', id: 'new-department' }, h('option', { value: '' }, '—'), Object.entries(DEPT).map(([k, v]) => h('option', { value: k }, v)));
  const password = h('input', { name: 'password', id: 'new-password', type: 'password', autocomplete: 'new-password', required: true });
  const totp = h('input', { type: 'checkbox', name: 'totp', id: 'new-totp' });
  const fUnit = field('主管单位', unit), fAssoc = field('协会', assoc), fDept = field('职能部门', dept);
  const sync = () => { fUnit.hidden = role.value !== 'unit'; fAssoc.hidden = role.value !== 'association'; fDept.hidden = role.value !== 'department'; };
  role.addEventListener('change', sync);
  sync();
  const form = h('form', { novalidate: true, id: 'user-add' },
    h('div', { class: 'form-errors' }),
    h('div', { class: 'form-grid' },
      field('用户名', username), field('姓名', display), field('角色', role), fUnit, fAssoc, fDept,
      field('初始密码', password, '至少 10 个字符，包含小写字母、大写字母、数字、其他字符中的三类，不含用户名')),
    h('p', null, h('label', { class: 'check' }, totp, ' 使用动态口令（三类管理员总是使用）')),
    h('button', { type: 'submit', class: 'btn btn-primary' }, '新增用户'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { username: username.value.trim(), display_name: display.value.trim(), role: role.value, password: password.value, totp: totp.checked };
    if (role.value === 'unit') body.unit = unit.value.trim();
    if (role.value === 'association') body.association = assoc.value.trim();
    if (role.value === 'department') body.department = dept.value;
    try {
      const u = await api.post('users', body);
      await render(root, ctx);
      replace(note, secretNote(u) || h('div', { class: 'alert alert-ok', role: 'status' }, `已新增用户 ${u.username}。`));
      place(root, note);
    } catch (err) { showErrors(form, err); } // the server names the form's fields (unit, role, ...)
  });

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '用户与角色'),
      h('p', { class: 'page-sub' }, `共 ${rows.length} 个账户。一个账户只有一个角色；系统管理员、安全管理员、安全审计员不查看业务数据。`),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: refresh }, '刷新'))),
    list,
    h('section', { class: 'card', 'aria-labelledby': 'user-add-h' }, h('h2', { id: 'user-add-h' }, '新增用户'), form));
}
