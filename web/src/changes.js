// changes.js: a change as people read it: a table of field, before and
// after, each field in the glossary's words (labels.js FIELD, the one table
// of labels) and each value as the screen shows it (dates 2017年6月30日,
// 是/否, the glossary's words for coded values, names for the units and
// batches the page knows).  Used by the audit log (before/after as the
// server stored them, JSON text) and the association's history.

import { h } from './dom.js';
import * as fmt from './fmt.js';
import { FIELD, VALUE, ROLE, MAIL_STATUS } from './labels.js';

// Coded values by field; `kind` and `role` mean different things in
// different records, and each of their codes is told apart by its words.
// the reasons of refusals the server records (auth.c, api_security.c)
const REASON = {
  bad_password: '密码错误', locked: '账户已锁定', too_many_failures: '失败次数过多', no_password: '未输入密码',
  login_limit_unavailable: '登录限制暂不可用', totp_not_set: '未设置动态口令', csrf: '请求缺少有效的防伪令牌',
  forbidden: '角色无权访问', error: '出错',
};
const METHOD = { GET: '读取', POST: '提交', PUT: '修改', DELETE: '删除' };
const CODED = {
  reason: REASON, method: METHOD, format: { csv: 'CSV', json: 'JSON', xlsx: 'Excel' },
  link: VALUE.link, level: VALUE.level, member_basis: VALUE.member_basis, owner: VALUE.owner,
  disposition: VALUE.disposition, body: VALUE.body, list: VALUE.list, department: VALUE.department,
  kind: { ...VALUE.unit_kind, ...VALUE.appropriation_kind, ...VALUE.approval_kind },
  role: { ...VALUE.role, ...ROLE }, mail_status: MAIL_STATUS,
};

// An account's role is its 角色 (the glossary's role, 职务, is a post's).
const ACCOUNT = { role: '角色' };

export function fieldLabel(key, { account } = {}) {
  if (account && ACCOUNT[key]) return ACCOUNT[key];
  const parts = String(key).split('.');
  const words = parts.map((p) => FIELD[p]);
  if (words.every(Boolean)) return words.join('：');
  return FIELD[parts[parts.length - 1]] || '其他字段';
}

// names: { unit: {U06: '…'}, batch: {pilot: '试点'} } when the page has them
export function valueText(key, v, names = {}) {
  if (v === null || v === undefined || v === '') return '空';
  if (typeof v === 'boolean') return fmt.bool(v);
  const k = String(key).split('.').pop();
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return fmt.date(v);
    if (CODED[k] && CODED[k][v]) return CODED[k][v];
    if ((k === 'unit' || k === 'approver_unit') && names.unit && names.unit[v]) return names.unit[v];
    if (k === 'batch' && names.batch && names.batch[v]) return names.batch[v];
    return fmt.sentence(v);
  }
  if (typeof v === 'number') return k === 'size' || k === 'records' || k === 'count' ? fmt.num(v) : String(v);
  if (Array.isArray(v)) return v.map((x) => valueText(key, x, names)).join('、') || '空';
  return Object.entries(v).map(([kk, x]) => `${fieldLabel(kk)}：${valueText(kk, x, names)}`).join('；');
}

// A message that names a field by its key (当前角色无权修改字段“audit_report_on”):
// the field's words instead.
export function inWords(msg) {
  return String(msg ?? '').replace(/“([a-z_][a-z0-9_.]*)”/g, (m, key) => (FIELD[key.split('.').pop()] ? `“${fieldLabel(key)}”` : m));
}

function parse(x) {
  if (x === null || x === undefined || x === '') return null;
  if (typeof x !== 'string') return x;
  try { return JSON.parse(x); } catch { return x; }
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// The rows of a change: what differs between before and after (all of a
// record that was made or removed), version numbers left out; nested
// objects (a scope decision, an approval) by their own fields.
export function changeRows(before, after) {
  const b = parse(before);
  const a = parse(after);
  if ((b !== null && typeof b !== 'object') || (a !== null && typeof a !== 'object')) {
    return [{ key: '', before: b, after: a }];
  }
  const rows = [];
  const walk = (prefix, x, y) => {
    for (const k of [...new Set([...Object.keys(x || {}), ...Object.keys(y || {})])]) {
      if (k === 'version') continue;
      const bv = x ? x[k] : undefined;
      const av = y ? y[k] : undefined;
      if (same(bv, av)) continue;
      const isObj = (v) => v && typeof v === 'object' && !Array.isArray(v);
      if ((isObj(bv) || bv == null) && (isObj(av) || av == null) && (isObj(bv) || isObj(av)) && x && y) walk(`${prefix}${k}.`, bv, av);
      else rows.push({ key: prefix + k, before: bv, after: av });
    }
  };
  walk('', b, a);
  const account = [a, b].some((x) => x && typeof x === 'object' && 'username' in x);
  return rows.map((r) => ({ ...r, label: r.key ? fieldLabel(r.key, { account }) : '内容' }));
}

// The table of a change; `none` when nothing differs (nothing shown when empty).
export function changeTable(before, after, { names, none } = {}) {
  const rows = changeRows(before, after);
  if (!rows.length) return none === undefined ? h('span', { class: 'muted' }, '—') : none;
  const cell = (key, v, side) => h('td', { class: v === null || v === undefined || v === '' ? 'muted' : null, 'data-side': side },
    key === '' && typeof v === 'string' ? v : valueText(key, v, names));
  return h('table', { class: 'changes' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '字段'), h('th', { scope: 'col' }, '变更前'), h('th', { scope: 'col' }, '变更后'))),
    h('tbody', null, rows.map((r) => h('tr', { dataset: { key: r.key } },
      h('th', { scope: 'row' }, r.label),
      cell(r.key, r.before, 'before'), cell(r.key, r.after, 'after')))));
}
