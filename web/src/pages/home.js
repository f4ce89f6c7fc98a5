// The landing page of the roles that read no business data (三员分立).
import { h, replace } from '../dom.js';
import { ROLE } from '../labels.js';

export function render(root, ctx) {
  ctx.crumbs([['首页']]);
  replace(root,
    h('h1', null, '首页'),
    h('div', { class: 'card' },
      h('p', null, `您以“${ROLE[ctx.user.role] || ctx.user.role}”角色登录。按照三员分立的要求，本角色不查看业务数据。`),
      h('p', null, '请从左侧导航打开本角色的页面：审计日志（安全审计员）、用户与角色（安全管理员）、系统设置与备份（系统管理员）。')));
}
