// 系统设置与备份 (sysadmin): the settings (require_totp: every account logs
// in with a TOTP code) and how backups are made on the server.
import { h, replace } from '../dom.js';
import { api } from '../api.js';

export async function render(root, ctx) {
  ctx.crumbs([['系统设置与备份']]);
  const s = await api.get('settings');
  if (!ctx.alive()) return;
  const status = h('p', { role: 'status', class: 'muted' });
  const totp = h('input', { type: 'checkbox', id: 'require-totp', name: 'require_totp', checked: !!s.require_totp });
  totp.addEventListener('change', async () => {
    try {
      const r = await api.put('settings', { require_totp: totp.checked });
      totp.checked = !!r.require_totp;
      status.className = 'text-green';
      replace(status, r.require_totp ? '已开启：所有账户登录须输入动态口令。' : '已关闭：只有三类管理员和已设置动态口令的账户须输入动态口令。');
    } catch (e) {
      totp.checked = !totp.checked;
      status.className = 'text-red';
      replace(status, e.message);
    }
  });
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '系统设置与备份')),
    h('section', { class: 'card', 'aria-labelledby': 'set-auth-h' },
      h('h2', { id: 'set-auth-h' }, '身份鉴别'),
      h('label', { class: 'check', for: 'require-totp' }, totp, ' 所有账户登录须使用动态口令（双因素认证）'),
      h('p', { class: 'muted' }, '系统管理员、安全管理员、安全审计员总是须使用动态口令。开启后，尚未设置动态口令的账户须由安全管理员在“用户与角色”页重置动态口令后才能登录。'),
      status),
    h('section', { class: 'card', 'aria-labelledby': 'set-backup-h' },
      h('h2', { id: 'set-backup-h' }, '备份'),
      h('p', null, '备份在服务器上以命令行进行，须同时备份与数据库分开保存的密钥文件 var/tuogou.key（没有它，加密的公民身份号码无法恢复）：'),
      h('pre', null, 'tuogou backup FILE        # 备份登记簿（后续版本提供；在此之前请停止服务后复制 var/tuogou.db）\ntuogou audit verify       # 校验审计记录散列链'),
      h('p', { class: 'muted' }, '网页上的备份与恢复将在后续版本提供。')));
}
