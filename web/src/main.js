// main.js: the shell of the single-page app: session, top bar (product name,
// 截至 date picker for the business roles, user and role, 退出), the left
// navigation by task (only what the role may open; on a phone-sized screen
// behind a 菜单 button; 待办 with the count of what waits, also on 菜单), the breadcrumb, and a hash router (#/path?query) so
// the server only ever serves index.html and static files.  A request
// refused with 401 after login (the session expired) brings the login page
// back with 登录已超时，请重新登录.

import './style.css';
import './flow.css';
import { h, replace, append } from './dom.js';
import { api, session, forget, horizon } from './api.js';
import * as fmt from './fmt.js';
import { ROLE } from './labels.js';
import { loading, errorBox, dateInput, setDueContext } from './ui.js';

const PAGES = {
  login: () => import('./pages/login.js'),
  dashboard: () => import('./pages/dashboard.js'),
  associations: () => import('./pages/associations.js'),
  association: () => import('./pages/association.js'),
  units: () => import('./pages/units.js'),
  unit: () => import('./pages/unit.js'),
  findings: () => import('./pages/findings.js'),
  tasks: () => import('./pages/tasks.js'),
  plan: () => import('./pages/plan.js'),
  import: () => import('./pages/import.js'),
  reminders: () => import('./pages/reminders.js'),
  export: () => import('./pages/export.js'),
  home: () => import('./pages/home.js'),
  audit: () => import('./pages/audit.js'),
  users: () => import('./pages/users.js'),
  settings: () => import('./pages/settings.js'),
  supervision: () => import('./pages/supervision.js'),
  inbox: () => import('./pages/inbox.js'),
  batches: () => import('./pages/batches.js'),
  persons: () => import('./pages/persons.js'),
  summaries: () => import('./pages/summaries.js'),
  credit: () => import('./pages/credit.js'),
  annual_reports: () => import('./pages/annual_reports.js'),
  functions: () => import('./pages/functions.js'),
};

const BUSINESS = ['office', 'civil_affairs', 'unit', 'department', 'association'];
const NAV = [
  ['工作进度', [
    ['dashboard', '总览', '#/dashboard', ['office', 'civil_affairs', 'unit', 'department']],
    ['inbox', '待办', '#/inbox', BUSINESS],
    ['findings', '问题清单', '#/findings', BUSINESS],
    ['tasks', '责任分工', '#/tasks', ['office', 'unit', 'department']],
    ['reminders', '提醒', '#/reminders', BUSINESS],
  ]],
  ['登记簿', [
    ['associations', '协会名录', '#/associations', ['office', 'civil_affairs', 'unit', 'department']],
    ['association', '本协会', (u) => `#/associations/${encodeURIComponent(u.association || '')}`, ['association']],
    ['units', '主管单位', '#/units', ['office', 'civil_affairs', 'department']],
    ['batches', '批次', '#/batches', ['office']],
    ['unit', '本单位', (u) => `#/units/${encodeURIComponent(u.unit || '')}`, ['unit']],
    ['supervision', '监管与服务', '#/supervision', BUSINESS],
    ['persons', '人员与任职', '#/persons', BUSINESS],
    ['functions', '职能清单', '#/functions', ['office', 'civil_affairs', 'unit', 'department']],
    ['summaries', '工作总结与验收', '#/summaries', ['office', 'civil_affairs', 'unit', 'department']],
    ['credit', '信用名录', '#/credit', BUSINESS],
    ['annual_reports', '年度工作报告', '#/annual_reports', BUSINESS],
  ]],
  ['政策与数据', [
    ['plan', '政策条款', '#/plan', BUSINESS],
    ['import', '导入', '#/import', ['office']],
    ['export', '导出', '#/export', BUSINESS],
  ]],
  ['系统管理', [
    ['audit', '审计日志', '#/audit', ['auditor']],
    ['users', '用户与角色', '#/users', ['secadmin', 'sysadmin']],
    ['settings', '系统设置与备份', '#/settings', ['sysadmin']],
  ]],
];

// route name -> which NAV entry lights up, and the roles that may open it
const ACCESS = {
  dashboard: ['office', 'civil_affairs', 'unit', 'department'],
  findings: BUSINESS, tasks: ['office', 'unit', 'department'],
  associations: ['office', 'civil_affairs', 'unit', 'department'], association: BUSINESS,
  units: ['office', 'civil_affairs', 'department', 'unit'], unit: ['office', 'civil_affairs', 'department', 'unit'],
  plan: BUSINESS, import: ['office'], home: null, reminders: BUSINESS, export: BUSINESS,
  audit: ['auditor'], users: ['secadmin', 'sysadmin'], settings: ['sysadmin'],
  supervision: BUSINESS,
  inbox: BUSINESS,
  batches: ['office'],
  persons: BUSINESS,
  functions: ['office', 'civil_affairs', 'unit', 'department'],
  summaries: ['office', 'civil_affairs', 'unit', 'department'],
  credit: BUSINESS,
  annual_reports: BUSINESS,
};

export const state = {
  asOf: sessionStorage.getItem('tuogou.as_of') || fmt.isoToday(),
};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const cut = raw.indexOf('?');
  const p = cut < 0 ? raw : raw.slice(0, cut);
  const q = cut < 0 ? '' : raw.slice(cut + 1);
  const parts = p.split('/').filter(Boolean).map((x) => { try { return decodeURIComponent(x); } catch { return x; } });
  const query = Object.fromEntries(new URLSearchParams(q));
  let name = parts[0] || '';
  const params = {};
  if (name === 'associations' && parts[1]) { name = 'association'; params.uscc = parts[1]; }
  else if (name === 'units' && parts[1]) { name = 'unit'; params.id = parts[1]; }
  return { name, params, query };
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function hashWith(base, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `${base}?${s}` : base;
}

const app = document.getElementById('app');
let shell = null;
let seq = 0;

function landing(role) {
  if (ACCESS.dashboard.includes(role)) return '#/dashboard';
  if (role === 'association') return `#/associations/${encodeURIComponent(session.user.association || '')}`;
  const admin = { auditor: '#/audit', secadmin: '#/users', sysadmin: '#/settings' }[role];
  return admin || '#/home';
}

function buildShell() {
  const u = session.user;
  // the administrators read no business data: no date to read it as of
  const business = BUSINESS.includes(u.role);
  const asOfBox = dateInput({ id: 'as-of', name: 'as_of', value: state.asOf, min: '2000-01-01', max: '2099-12-31', required: true });
  const asOf = asOfBox.querySelector('input');
  asOf.setAttribute('aria-describedby', 'as-of-text');
  const asOfText = h('span', { id: 'as-of-text', class: 'as-of-text' }, fmt.date(state.asOf));
  asOf.addEventListener('change', () => {
    if (!fmt.isIsoDate(asOf.value)) { asOf.setAttribute('aria-invalid', 'true'); asOf.title = fmt.badDate(asOf.value); return; }
    asOf.removeAttribute('aria-invalid'); asOf.removeAttribute('title');
    if (asOf.value === state.asOf) return;
    state.asOf = asOf.value;
    sessionStorage.setItem('tuogou.as_of', state.asOf);
    replace(asOfText, fmt.date(state.asOf));
    route();
  });
  asOf.addEventListener('keydown', (e) => { if (e.key === 'Enter') asOf.dispatchEvent(new Event('change')); });
  const today = h('button', { type: 'button', class: 'link-button on-dark', onclick: () => { asOf.value = fmt.isoToday(); asOf.dispatchEvent(new Event('change')); } }, '今天');
  const logout = h('button', { type: 'button', class: 'btn-logout', id: 'logout', onclick: doLogout }, '退出');
  const bell = BUSINESS.includes(u.role) ? h('a', { class: 'bell', id: 'bell', href: '#/reminders', title: '提醒' }, bellIcon(), h('span', { class: 'bell-count', hidden: true })) : null;
  const nav = h('nav', { class: 'sidenav', id: 'sidenav', 'aria-label': '主导航' },
    NAV.map(([group, items]) => {
      const mine = items.filter(([, , , roles]) => (roles ? roles.includes(u.role) : true));
      if (!mine.length) return null;
      return h('div', { class: 'nav-group' }, h('h2', { class: 'nav-title' }, group),
        h('ul', null, mine.map(([key, label, href]) => h('li', null, h('a', { href: typeof href === 'function' ? href(u) : href, dataset: { nav: key } }, label, key === 'inbox' ? h('span', { class: 'nav-count', id: 'inbox-count', hidden: true }) : null)))));
    }));
  // a phone-sized screen: the navigation opens from 菜单 and closes on a choice
  const menu = h('button', { type: 'button', class: 'nav-toggle', id: 'nav-toggle', 'aria-controls': 'sidenav', 'aria-expanded': 'false' },
    h('span', { class: 'nav-toggle-icon', 'aria-hidden': 'true' }), '菜单',
    BUSINESS.includes(u.role) ? h('span', { class: 'nav-count', id: 'menu-count', hidden: true }) : null);
  const body = h('div', { class: 'body' });
  const setMenu = (open) => { body.classList.toggle('nav-open', open); menu.setAttribute('aria-expanded', String(open)); };
  menu.addEventListener('click', () => setMenu(!body.classList.contains('nav-open')));
  nav.addEventListener('click', (e) => { if (e.target.closest('a')) setMenu(false); });
  const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': '当前位置' }, h('ol', null));
  const main = h('main', { id: 'main', tabindex: '-1' });
  const printHead = h('div', { class: 'print-head', 'aria-hidden': 'true' });
  shell = { nav, crumbs, main, asOf, asOfText, printHead, bell, business, setMenu };
  replace(app,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, '跳到正文'),
    h('header', { class: 'topbar' },
      menu,
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, '行业协会商会脱钩管理系统')),
      business ? h('div', { class: 'topbar-asof' }, h('label', { for: 'as-of' }, '截至'), asOfBox, asOfText, today) : null,
      h('div', { class: 'topbar-user' },
        bell,
        h('span', { class: 'user-name' }, u.display_name || u.user),
        h('span', { class: 'user-role' }, ROLE[u.role] || u.role),
        logout)),
    append(body, [nav, h('div', { class: 'content' }, printHead, crumbs, main)]));
}

// The bell of the top bar: an outline drawn in SVG (no icon font, no image).
function bellIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ['M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z', 'M10 20a2 2 0 0 0 4 0']) {
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '1.8');
    p.setAttribute('stroke-linejoin', 'round');
    svg.append(p);
  }
  return svg;
}

// The bell's count: what is overdue or falls due within 5 working days in
// the user's scope, as of the chosen date (GET /api/v1/reminders?summary=1).
let bellSeq = 0;
async function updateBell() {
  const bell = shell && shell.bell;
  if (!bell) return;
  const my = ++bellSeq;
  try {
    const r = await api.get('reminders', { as_of: state.asOf, summary: 1 });
    if (my !== bellSeq) return;
    const n = (r.overdue || 0) + (r.near || 0);
    const count = bell.querySelector('.bell-count');
    count.hidden = n === 0;
    count.textContent = n > 99 ? '99+' : String(n);
    count.className = `bell-count ${r.overdue ? 'bell-red' : 'bell-yellow'}`;
    const text = n ? `提醒：逾期 ${fmt.num(r.overdue)} 项，临近到期 ${fmt.num(r.near)} 项` : '提醒：没有逾期或临近到期的事项';
    bell.setAttribute('aria-label', text);
    bell.title = text;
  } catch { /* the page itself shows what went wrong */ }
}

// 待办's count beside its entry in the navigation (GET /api/v1/inbox): what
// waits on the user as of the chosen date; red when any of it is overdue.
let inboxSeq = 0;
async function updateInbox() {
  const count = shell && shell.nav.querySelector('#inbox-count');
  const onMenu = document.getElementById('menu-count'); // the same count on 菜单 (phones)
  if (!count) return;
  const my = ++inboxSeq;
  try {
    const r = await api.get('inbox', { as_of: state.asOf });
    if (my !== inboxSeq) return;
    const items = r.items || [];
    const n = r.total ?? items.length;
    const late = items.filter((x) => x.state === 'overdue').length;
    count.hidden = n === 0;
    count.textContent = n > 99 ? '99+' : String(n);
    count.className = `nav-count ${late ? 'nav-count-red' : ''}`;
    count.setAttribute('aria-label', late ? `${n} 项待办，其中逾期 ${late} 项` : `${n} 项待办`);
    if (onMenu) { onMenu.hidden = count.hidden; onMenu.textContent = count.textContent; onMenu.className = count.className; onMenu.setAttribute('aria-label', count.getAttribute('aria-label')); }
  } catch { /* the page itself shows what went wrong */ }
}

async function doLogout() {
  try { await api.del('session'); } catch { /* already gone */ }
  session.user = null; session.csrf = null; forget();
  sessionStorage.removeItem('tuogou.as_of');
  state.asOf = fmt.isoToday();
  shell = null;
  location.hash = '#/login';
}

function setCrumbs(list) {
  const ol = shell.crumbs.querySelector('ol');
  replace(ol, list.map(([label, href], i) => h('li', null, href && i < list.length - 1 ? h('a', { href }, label) : h('span', { 'aria-current': i === list.length - 1 ? 'page' : null }, label))));
  document.title = `${list[list.length - 1][0]} - 行业协会商会脱钩管理系统`;
}

async function route() {
  const my = ++seq;
  const r = parseHash();
  if (!session.user) {
    try {
      const s = await api.get('session');
      session.user = s; session.csrf = s.csrf_token;
    } catch (e) {
      if (e.status !== 401) { replace(app, errorBox(e, route)); return; }
    }
  }
  if (my !== seq) return;
  if (!session.user) {
    shell = null;
    const mod = await PAGES.login();
    if (my !== seq) return;
    const notice = expired ? '登录已超时，请重新登录。' : null;
    expired = false;
    mod.render(app, { notice, next: r.name && r.name !== 'login' ? location.hash : null, done: (s) => { session.user = s; session.csrf = s.csrf_token; forget(); location.hash = r.name && r.name !== 'login' ? location.hash : landing(s.role); if (r.name && r.name !== 'login') route(); } });
    return;
  }
  if (!r.name || r.name === 'login' || !PAGES[r.name]) { location.replace(landing(session.user.role)); return; }
  if (!shell) buildShell();
  shell.asOf.value = state.asOf;
  replace(shell.asOfText, fmt.date(state.asOf));
  replace(shell.printHead, `行业协会商会脱钩管理系统 · ${shell.business ? `截至 ${fmt.date(state.asOf)} · ` : ''}${session.user.display_name || session.user.user} 打印于 ${fmt.date(fmt.isoToday())}`);
  const key = r.name;
  shell.nav.querySelectorAll('a').forEach((a) => {
    const on = a.dataset.nav === key || (key === 'association' && a.dataset.nav === 'associations') || (key === 'unit' && a.dataset.nav === 'units');
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const main = shell.main;
  const allowed = ACCESS[key];
  if (allowed && !allowed.includes(session.user.role)) {
    setCrumbs([['无权访问']]);
    replace(main, h('h1', null, '无权访问'), h('p', null, `“${ROLE[session.user.role]}”角色不能打开此页面。请从左侧导航选择。`));
    return;
  }
  replace(main, loading());
  updateBell();
  updateInbox();
  try {
    try { setDueContext(state.asOf, await horizon(state.asOf)); } catch { setDueContext(state.asOf, null); }
    const mod = await PAGES[key]();
    if (my !== seq) return;
    const ctx = {
      asOf: state.asOf, user: session.user, params: r.params, query: r.query,
      crumbs: setCrumbs, alive: () => my === seq,
      setQuery: (q) => go(hashWith('#/' + location.hash.replace(/^#\/?/, '').split('?')[0], q)),
      refresh: route,
    };
    await mod.render(main, ctx);
    if (my === seq && (document.activeElement === document.body || shell.nav.contains(document.activeElement))) {
      const h1 = main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
    }
  } catch (e) {
    if (my !== seq) return;
    if (e.status === 401) return;
    replace(main, errorBox(e, route));
  }
}

// a 401 to a user who was logged in: the session ended on the server (timed
// out, or ended elsewhere); the login page says so
let expired = false;
session.onUnauthorized = () => { if (session.user) expired = true; session.user = null; shell = null; route(); };
window.addEventListener('hashchange', route);
route();
