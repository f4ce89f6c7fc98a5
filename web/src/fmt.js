// fmt.js: how dates, numbers and money look on screen (ui.md): dates as
// 2017年12月31日, YYYY-MM-DD in inputs, thousands separators, money in 元.

const nf = new Intl.NumberFormat('zh-CN');
const mf = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function date(s) {
  if (!s) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return String(s);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

export function dateTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// An instant as Beijing time, "2018-01-01 07:30:00", whatever the browser's
// time zone: China keeps UTC+8 all year (no daylight saving since 1991), so
// a fixed offset is exact.  The audit log's times come as
// "2018-01-01T07:30:00+08:00" (any ISO 8601 time with an offset is read).
export function beijingTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export const num = (n) => (n === null || n === undefined || n === '' ? '—' : nf.format(Number(n)));
export const money = (n) => (n === null || n === undefined || n === '' ? '—' : `${mf.format(Number(n))} 元`);
export const area = (n) => (n === null || n === undefined || n === '' ? '—' : `${nf.format(Number(n))} ㎡`);
export const bool = (b) => (b ? '是' : '否');

export function isoToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function isIsoDate(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s || '')) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// A person's ID number is masked by the API; mask again should a full one
// ever arrive (nothing personal on screen by accident).
export function maskId(s) {
  if (!s) return '—';
  if (s.includes('*')) return s;
  return s.length > 10 ? `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}` : '****';
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${nf.format(n)} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// A date as the register stood on `asOf`: a later one has not happened yet.
export const dateAsOf = (s, asOf) => (s && (!asOf || s <= asOf) ? date(s) : '—');

// The server's own words for a date that is not one (bundle validation).
export const badDate = (v) => `“${v}”不是有效日期（应为 YYYY-MM-DD 格式的真实日期）`;

// A sentence the server composed (a finding's message, a refusal), as the
// page shows it: its dates in Chinese like every other date on screen
// (应于2017年6月30日前), and the days since a breach said as such
// (…即属违规，须立即…，已违规628天; 已逾期N天 stays as it is).
export function sentence(s) {
  if (s === null || s === undefined) return '';
  return String(s)
    .replace(/(\d{4})-(\d{2})-(\d{2})(?!\d)/g, (_m, y, m, d) => `${y}年${Number(m)}月${Number(d)}日`)
    .replace(/已(\d+)天/g, '已违规$1天');
}

// Editors' notes inside an official text: 〔存疑：…〕 and 〔存疑〕, the
// transcribers' words, not the plan's.  The text without them, and the notes.
const NOTE = /〔(?:存疑|编者注|按)[^〕]*〕/g;
export function withoutNotes(s) {
  const notes = String(s || '').match(NOTE) || [];
  return { text: String(s || '').replace(NOTE, ''), notes: notes.map((n) => n.slice(1, -1)) };
}
