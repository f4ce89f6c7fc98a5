// 系统设置与备份 (sysadmin): the settings (require_totp: every account logs
// in with a TOTP code) and how backups are made on the server (tuogou
// backup / restore, src/cli/cmd_backup.c; pg_dump for PostgreSQL).
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
      h('p', null, '备份在服务器上以命令行进行，服务不必停止：备份读取数据库的一个一致快照，写入期间照常提供服务；备份文件先写到临时文件，校验完整后才替换原备份，不会留下半份备份。'),
      h('pre', { class: 'cli', id: 'backup-commands' },
        'tuogou backup [--db PATH] FILE            # 备份登记簿到 FILE（SQLite）\n' +
        'tuogou restore FILE [--db PATH] [--force] # 从 FILE 恢复；服务运行时须先停止服务或加 --force\n' +
        'tuogou audit verify                       # 校验审计记录散列链'),
      h('p', null, '加密公民身份号码的密钥文件（默认 var/tuogou.key）不在备份文件中，须另行妥善保存；没有它，恢复后的公民身份号码无法解密。'),
      h('p', null, '使用 PostgreSQL 时，请用 pg_dump 和 pg_restore 备份与恢复（对 postgresql:// 数据库执行 tuogou backup 会给出相应命令）。'),
      h('p', { class: 'muted' }, '建议每日定时备份（如 cron），并定期在另一台机器上演练恢复。')));
}
