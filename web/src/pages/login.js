// 登录: username and password, and the one-time code (动态口令) when the server
// asks for it (administrators, accounts with a TOTP secret, or require_totp);
// a new password when the one given is temporary (made at an approval);
// notice: why the login page is back (登录已超时，请重新登录).  The footer
// names the plan's office (GET /api/v1/public/plan), whichever plan it is.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { field, showErrors, clearErrors } from '../ui.js';

export function render(root, { done, notice }) {
  document.title = '登录 - 行业协会商会脱钩管理系统';
  const user = h('input', { name: 'username', id: 'username', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const totp = h('input', { name: 'totp', id: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}' });
  const totpField = field('动态口令', totp, '身份验证器上当前的 6 位数字');
  totpField.hidden = true;
  const fresh = h('input', { name: 'new_password', id: 'new-password', type: 'password', autocomplete: 'new-password' });
  const freshField = field('新密码', fresh, '临时密码须先改为本人的密码：至少 10 个字符，包含三类字符，不能是常见密码');
  freshField.hidden = true;
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '登录');
  const form = h('form', { class: 'login-form', novalidate: true },
    h('div', { class: 'form-errors' }),
    field('用户名', user), field('密码', pass), freshField, totpField, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!user.value.trim() || !pass.value) {
      showErrors(form, { errors: [
        !user.value.trim() && { field: 'username', message: '请输入用户名' },
        !pass.value && { field: 'password', message: '请输入密码' }].filter(Boolean) });
      return;
    }
    submit.disabled = true;
    replace(submit, '正在登录…');
    try {
      const body = { username: user.value.trim(), password: pass.value };
      if (totp.value) body.totp = totp.value;
      if (fresh.value) body.new_password = fresh.value;
      const s = await api.post('session', body);
      done(s);
    } catch (err) {
      // a question about the one-time code means the password was right:
      // it stays, and only the code is asked for (again)
      const codeAsked = err.field === 'totp' || err.code === 'totp_required';
      const freshAsked = err.field === 'new_password';
      if (codeAsked) { totpField.hidden = false; totp.value = ''; } else if (freshAsked) { freshField.hidden = false; fresh.value = ''; } else pass.value = '';
      const e2 = err.status === 401 && !err.field ? Object.assign(err, { field: 'password' }) : err;
      showErrors(form, e2);
    } finally {
      submit.disabled = false;
      replace(submit, '登录');
    }
  });
  const foot = h('p', { class: 'login-foot', id: 'login-foot' });
  replace(root,
    h('div', { class: 'login-page' },
      h('header', { class: 'login-banner' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
        h('span', null, '行业协会商会脱钩管理系统')),
      h('main', { class: 'login-main', id: 'main' },
        h('section', { class: 'login-card', 'aria-labelledby': 'login-h' },
          h('h1', { id: 'login-h' }, '登录'),
          notice ? h('div', { class: 'alert alert-warn', role: 'alert', id: 'login-notice' }, notice) : null,
          h('p', { class: 'muted' }, '请使用管理员为您开设的账户登录。'),
          form),
        foot)));
  user.focus();
  fetch('/api/v1/public/plan', { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null))
    .then((p) => { if (p && p.office) foot.textContent = p.office; })
    .catch(() => {});
}
