// api.js: the one way the UI talks to the server (docs/api.md).  Same-origin
// requests only; every write carries X-CSRF-Token; errors become ApiError
// with the server's code, Chinese message, field, every error and, for a 409,
// the current record.

// What a person is told when the server gave no message of its own (a
// proxy's page, a request refused before the application saw it): words,
// never a bare status code.
const STATUS_TEXT = {
  400: '请求有误，请检查填写的内容后重试', 401: '登录已超时，请重新登录', 403: '当前角色无权进行此操作',
  404: '没有找到要访问的内容', 408: '请求超时，请重试', 409: '该记录已被他人修改，请刷新后重试',
  413: '上传的内容太大', 414: '查询条件太长，请减少筛选条件后重试', 415: '不支持的文件或内容类型',
  429: '操作太频繁，请稍后再试', 431: '请求太大，请减少筛选条件后重试',
  502: '服务器暂时无法访问，请稍后重试', 503: '服务器正忙，请稍后重试', 504: '服务器响应超时，请稍后重试',
};
export function statusText(status) {
  return STATUS_TEXT[status] || (status >= 500 ? '服务器出错，请稍后重试或联系系统管理员' : '请求未能完成，请重试');
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || statusText(status));
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field ?? null;
    this.errors = (body && body.errors) || (body && body.error ? [body.error] : []);
    this.current = body ? body.current : undefined;
  }
}

export const session = { user: null, csrf: null, onUnauthorized: null };

async function request(method, path, { query, json, form, raw, contentType } = {}) {
  let url = '/api/v1/' + path.replace(/^\//, '');
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') qs.set(k, v);
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json' };
  let body;
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (raw !== undefined) { headers['Content-Type'] = contentType || 'application/json'; body = raw; }
  else if (form) body = form;
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: '无法连接服务器，请检查网络后重试' } });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== 'session' && session.onUnauthorized) session.onUnauthorized(err);
    throw err;
  }
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, json, query) => request('POST', path, { json, query }),
  put: (path, json) => request('PUT', path, { json }),
  del: (path) => request('DELETE', path),
  upload: (path, form) => request('POST', path, { form }),
  raw: (path, raw, query) => request('POST', path, { raw, query }),
};

// Reads every page of a list (the small reference arrays: units, batches).
export async function all(array, query = {}) {
  const out = [];
  for (let page = 1; page < 100; page++) {
    const r = await api.get(array, { ...query, page, per_page: 500 });
    out.push(...(r.items || []));
    if (out.length >= (r.total ?? out.length) || !(r.items || []).length) break;
  }
  return out;
}

// Every page of the findings of a query (GET /api/v1/findings pages, at most
// 500 a page): for the pages that count findings of one unit or one rule.
export async function allFindings(query = {}) {
  const out = [];
  let r = {};
  for (let page = 1; page < 10000; page++) {
    r = await api.get('findings', { ...query, page, per_page: 500 });
    out.push(...(r.findings || []));
    if (out.length >= (r.total ?? out.length) || !(r.findings || []).length) break;
  }
  return { ...r, findings: out };
}

// Small things every page needs, read once per login.
const memo = new Map();
export function once(key, fn) {
  if (!memo.has(key)) memo.set(key, fn().catch((e) => { memo.delete(key); throw e; }));
  return memo.get(key);
}
export const forget = () => memo.clear();

export const plan = () => once('plan', () => api.get('plan'));
export const units = () => once('units', () => all('units'));
export const batches = () => once('batches', () => all('batches'));
export const tasks = () => once('unit_tasks', () => all('unit_tasks').catch(() => []));

export async function lookups() {
  const [p, u, b, t] = await Promise.all([plan(), units(), batches(), tasks()]);
  const clause = Object.fromEntries((p.clauses || []).map((c) => [c.id, c]));
  const rule = {};
  for (const c of p.clauses || []) for (const r of c.rules || []) rule[r.id] = { ...r, clause: c.id };
  return { plan: p, clause, rule, units: u, unit: Object.fromEntries(u.map((x) => [x.id, x])), batches: b, batch: Object.fromEntries(b.map((x) => [x.id, x])), task: Object.fromEntries(t.map((x) => [x.id, x])) };
}

// Names of the associations a list mentions: the names are read once per
// login (one request per 500), then only the missing ones one by one.
export async function names(ids) {
  const want = [...new Set(ids.filter(Boolean))];
  if (!want.length) return {};
  const base = await once('association-names', async () => Object.fromEntries((await all('associations', { sort: 'uscc' })).map((a) => [a.uscc, a.name])));
  const out = { ...base };
  const missing = want.filter((u) => !out[u]);
  await Promise.all(missing.slice(0, 40).map((u) => api.get(`associations/${encodeURIComponent(u)}`).then((a) => { out[u] = a.name; }).catch(() => {})));
  return out;
}

// Downloads (xlsx lists, PDF reports): fetched with the session so that a
// refusal shows in the page as an ApiError, then saved under the server's
// file name (Content-Disposition filename*=UTF-8'').
export async function download(path, query) {
  let url = '/api/v1/' + path.replace(/^\//, '');
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== null && v !== undefined && v !== '') qs.set(k, v);
  if (qs.toString()) url += '?' + qs.toString();
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: '无法连接服务器，请检查网络后重试' } });
  }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    const err = new ApiError(res.status, data);
    if (res.status === 401 && session.onUnauthorized) session.onUnauthorized(err);
    throw err;
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="([^"]+)"/i.exec(cd);
  let name = 'tuogou';
  try { if (m) name = decodeURIComponent(m[1]); } catch { name = m[1]; }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
  return { name, size: blob.size };
}

// The 5th working day after a date on the official calendar: the edge of
// the yellow light (临近) for that as-of date.
export const horizon = (asOf) => once(`horizon:${asOf}`, () => api.get('calendar/workdays', { from: asOf, n: 5 }).then((r) => r.date));
