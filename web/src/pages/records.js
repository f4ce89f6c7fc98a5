// records.js: what the record pages of every role share (issue 17): a tab
// per array, the list of the records in the user's scope, and 新增 / 编辑
// forms that show exactly the fields the user may write.  Those come from
// the server, GET /api/v1/rights (src/http/api_rights.c), generated from the
// route table and src/app/rights.c: the page and the server cannot disagree.
// A refusal is said in the glossary's words (labels.js REFUSAL), never as an
// English key.  A record with a workflow (信用名录, 退出案件) gets 办理: its
// steps in order, each with its date, its due date from the plan and its
// evidence (workflowPanel).
import { h, replace } from '../dom.js';
import { api, all, once, names, units as allUnits, session } from '../api.js';
import * as fmt from '../fmt.js';
import { ARRAY, FIELD, REFUSAL, WORKFLOW } from '../labels.js';
import { table, pager, field, showErrors, clearErrors, dateInput, liveDateCheck, emptyState, fileInput, dueLight } from '../ui.js';
import { go, hashWith } from '../main.js';

const PER_PAGE = 50;

// What the user may write, per array: {label, create, fields[], steps[]}.
export const rights = () => once('rights', () => api.get('rights'));

// a reference to an association shows its name: the column is 协会
const label = (f) => (f.ref === 'associations' ? '协会' : FIELD[f.key] || f.label);

// The glossary's words for a refusal: the code's sentence, with the field's
// label; an error without a known code keeps the server's (Chinese) message.
export function inGlossary(err, fields = []) {
  const byKey = Object.fromEntries(fields.map((f) => [f.key, label(f)]));
  const say = (e) => {
    const key = e.field ? String(e.field).replace(/^.*\./, '') : null;
    const words = REFUSAL[e.code || err.code];
    return words ? { ...e, message: words(key ? byKey[key] || FIELD[key] || null : null) } : e;
  };
  const list = (err.errors && err.errors.length ? err.errors : [{ code: err.code, field: err.field, message: err.message }]).map(say);
  return Object.assign(Object.create(Object.getPrototypeOf(err)), err, { errors: list, message: list[0].message });
}

// Names for the references of a list: associations, units, persons.
async function refNames(fields, items) {
  const out = { associations: {}, units: {}, persons: {} };
  const want = (ref) => fields.some((f) => f.type === 'ref' && f.ref === ref);
  const jobs = [];
  if (want('associations')) jobs.push(names(items.map((r) => r.association)).then((m) => { out.associations = m; }));
  if (want('units')) jobs.push(allUnits().then((u) => { out.units = Object.fromEntries(u.map((x) => [x.id, x.name])); }).catch(() => {}));
  if (want('persons')) jobs.push(once('person-names', async () => Object.fromEntries((await all('persons')).map((p) => [p.id, p.name]))).then((m) => { out.persons = m; }).catch(() => {}));
  await Promise.all(jobs);
  return out;
}

function show(f, v, refs) {
  if (v === null || v === undefined || v === '') return h('span', { class: 'muted' }, '—');
  switch (f.type) {
    case 'date': return fmt.date(v);
    case 'money': return fmt.money(v);
    case 'area': return fmt.area(v);
    case 'bool': return fmt.bool(v);
    case 'enum': return (f.values || []).find((x) => x.key === v)?.label || String(v);
    case 'object': return (f.sub || []).map((s) => (v[s.key] ? show(s, v[s.key], refs) : null)).filter(Boolean).map((x, i) => [i ? '，' : '', x]);
    case 'ref': {
      const name = refs[f.ref]?.[v];
      if (f.ref === 'associations') return h('a', { href: `#/associations/${encodeURIComponent(v)}` }, name || v);
      if (f.ref === 'units') return h('a', { href: `#/units/${encodeURIComponent(v)}` }, name || v);
      return name || String(v);
    }
    default: return String(v);
  }
}

// One input of a form: named by the field's key (an object's sub-field by
// "key.sub"), prefilled with value.
function input(f, value, name, refs) {
  const id = `rec-${name.replace('.', '-')}`;
  if (f.type === 'date') {
    const d = dateInput({ id, name, value: value || '' });
    liveDateCheck(d.querySelector('input'));
    return d;
  }
  const opts = (pairs) => h('select', { id, name }, h('option', { value: '' }, '—'),
    pairs.map(([k, l]) => h('option', { value: k, selected: String(value ?? '') === String(k) }, l)));
  if (f.type === 'enum') return opts((f.values || []).map((x) => [x.key, x.label]));
  if (f.type === 'bool') return opts([['true', '是'], ['false', '否']]);
  if (f.type === 'ref' && refs[f.ref] && Object.keys(refs[f.ref]).length) {
    const pairs = Object.entries(refs[f.ref]).sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'));
    if (value && !refs[f.ref][value]) pairs.unshift([value, value]);
    return opts(pairs);
  }
  const numeric = ['int', 'money', 'area'].includes(f.type);
  return h('input', { type: 'text', id, name, value: value ?? '', inputmode: numeric ? 'decimal' : null });
}

function parse(f, t) {
  if (t === '') return null;
  if (f.type === 'bool') return t === 'true';
  if (['int', 'money', 'area'].includes(f.type)) return Number(t);
  return t;
}

// A record's form: the inputs, 新增 (rec null) or 保存, and 取消.  On submit
// the body read(form) gives goes to the server (POST, or PUT of path), and a
// refusal shows beside its field in the glossary's words.  fields: [{key,
// label}] for those words.  监管与服务 (supervision.js) uses it too.
export function saveForm({ className, array, rec, path, head, inputs, read, fields, done, cancel }) {
  const form = h('form', { class: `progress-form ${className}`, novalidate: true, dataset: { array } },
    head || null,
    h('div', { class: 'form-errors' }),
    h('div', { class: 'form-grid' }, inputs),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, rec ? '保存' : '新增'),
      h('button', { type: 'button', class: 'btn btn-plain', onclick: cancel }, '取消')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const body = read(form);
      if (rec) await api.put(`${array}/${path}`, body);
      else await api.post(array, body);
      done();
    } catch (err) {
      showErrors(form, inGlossary(err, fields));
    }
  });
  return form;
}

// The form of one record (rec null: a new one): the fields the user may
// write, nothing else.  fixed: values a new record starts with.
function recordForm(array, spec, rec, fixed, refs, done, cancel) {
  const mine = spec.fields.filter((f) => f.write && !(rec && f.type === 'key'));
  const read = (form) => {
    const body = rec ? { ...rec } : { ...fixed };
    const val = (name) => { const el = form.querySelector(`[name="${CSS.escape(name)}"]`); return el ? el.value.trim() : ''; };
    for (const f of mine) {
      if (f.type === 'object') {
        const o = {};
        for (const s of f.sub || []) o[s.key] = parse(s, val(`${f.key}.${s.key}`));
        body[f.key] = Object.values(o).every((x) => x === null) ? null : o;
      } else body[f.key] = parse(f, val(f.key));
    }
    return body;
  };
  return saveForm({
    className: 'rec-form', array, rec, path: rec ? recPath(spec, rec) : null, read, fields: spec.fields, done, cancel,
    head: rec ? h('p', { class: 'muted' }, `${spec.label}：${recTitle(spec, rec, refs)}`) : null,
    inputs: mine.flatMap((f) => {
      const v = rec ? rec[f.key] : fixed[f.key];
      if (f.type === 'object') return (f.sub || []).map((s) => field(`${label(f)}：${s.label}`, input(s, v ? v[s.key] : '', `${f.key}.${s.key}`, refs)));
      return [field(label(f), input(f, v, f.key, refs))];
    }),
  });
}

// A record's key in its path: id, or association/year (an annual report).
function recPath(spec, rec) {
  const key = spec.fields.find((f) => f.type === 'key');
  return key ? encodeURIComponent(rec[key.key]) : `${encodeURIComponent(rec.association)}/${encodeURIComponent(rec.year)}`;
}
function recTitle(spec, rec, refs) {
  const who = rec.association ? refs.associations[rec.association] || rec.association : '';
  return [who, rec.name, rec.year ? `${rec.year}年度` : null, rec.id].filter(Boolean).join(' · ');
}

// ---------------------------------------------------------------- workflow
function addDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function addMonths(iso, n) {
  const [y, m, day] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, last));
  return t.toISOString().slice(0, 10);
}
// A step's due date from the plan: its anchor's date plus the offset (working
// days on the server's official calendar).
async function dueOf(step, rec) {
  const from = rec[step.anchor];
  if (!from) return null;
  const [[kind, n]] = Object.entries(step.offset);
  if (kind === 'days') return addDays(from, n);
  if (kind === 'months') return addMonths(from, n);
  if (kind === 'years') return addMonths(from, 12 * n);
  return (await api.get('calendar/workdays', { from, n })).date;
}
const applies = (step, rec) => Object.entries(step.when || {}).every(([k, vs]) => vs.includes(rec[k] ?? null));
const offsetWords = (o) => { const [[k, n]] = Object.entries(o); return `${n}${{ days: '日', workdays: '个工作日', months: '个月', years: '年' }[k]}`; };

// The steps of rec in order, each with its date, its due date from the plan
// (and its light), its evidence, and for the user who may write its date a
// small form: the date and, for a step the plan sets a due date for, an
// evidence file, uploaded only after the rights were checked.
export async function workflowPanel(array, rec, spec, asOf, refs, done) {
  const list = await api.get(`associations/${encodeURIComponent(rec.association)}/checklist`, { as_of: asOf }).catch(() => null);
  const items = list ? list.separations.flatMap((s) => s.items).filter((i) => i.subject === rec.id) : [];
  const byField = Object.fromEntries(spec.fields.map((f) => [f.key, f]));
  const rows = [];
  for (const [key, name] of WORKFLOW[array]) {
    const step = (spec.steps || []).find((s) => s.done === key && applies(s, rec));
    const item = step && items.find((i) => i.rule === step.id);
    const due = item?.due || (step ? await dueOf(step, rec) : null);
    rows.push({ key, name, step, item, due, on: rec[key], may: byField[key]?.write });
  }
  const panel = h('section', { class: 'card rec-steps', 'aria-label': `${ARRAY[array]}办理` },
    h('h2', null, `办理：${recTitle(spec, rec, refs)}`),
    h('ol', { class: 'rec-step-list' }, rows.map((r) => h('li', { class: r.on ? 'rec-step done' : 'rec-step', dataset: { step: r.key } },
      h('strong', null, r.name), ' ',
      r.on ? h('span', { class: 'step-on' }, `已于${fmt.date(r.on)}办理`) : h('span', { class: 'muted' }, '未办理'),
      r.step ? h('span', { class: 'step-due' }, `　期限：${r.due ? fmt.date(r.due) : `${FIELD[r.step.anchor] || r.step.anchor}后${offsetWords(r.step.offset)}`}`,
        r.due && !r.on ? [' ', light(r.due)] : null, h('span', { class: 'muted' }, `（${r.step.title}）`)) : null,
      r.item?.evidence?.length ? h('span', { class: 'step-evidence' }, '　佐证材料：',
        r.item.evidence.map((e, i) => [i ? '、' : '', h('a', { href: `/api/v1/evidence/${encodeURIComponent(e.id)}` }, e.name)])) : null,
      !r.on && r.may ? stepForm(array, rec, spec, r, asOf, done) : null))));
  return panel;
}

function light(due) {
  const l = dueLight(due);
  return l ? h('span', { class: `badge light-${l}` }, { red: '逾期', yellow: '临近', green: '正常' }[l]) : null;
}

function stepForm(array, rec, spec, r, asOf, done) {
  const byEvidence = r.item && r.item.status !== 'done' && r.item.status !== 'n/a';
  const id = `step-${r.key}`;
  const form = h('form', { class: 'step-form', novalidate: true },
    h('div', { class: 'form-errors' }),
    h('div', { class: 'form-grid' },
      field(`${r.name}日期`, dateInput({ id: `${id}-on`, name: 'on', value: asOf })),
      byEvidence ? field('佐证材料', fileInput({ id: `${id}-file`, name: 'file', field: 'file' })) : null),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, `办理${r.name}`)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const on = form.querySelector('[name="on"]').value.trim();
    try {
      if (byEvidence) {
        // the server checks the rights first; so does the page (r.may)
        const evidence = [];
        const file = form.querySelector('[name="file"]').files[0];
        if (file) {
          const fd = new FormData();
          fd.append('rule', r.item.rule);
          fd.append('subject', rec.id);
          fd.append('file', file);
          evidence.push((await api.upload(`associations/${encodeURIComponent(rec.association)}/evidence`, fd)).id);
        }
        await api.post(`associations/${encodeURIComponent(rec.association)}/checklist`, { rule: r.item.rule, subject: rec.id, on, evidence });
      } else {
        await api.put(`${array}/${recPath(spec, rec)}`, { ...rec, [r.key]: on || null });
      }
      done();
    } catch (err) {
      showErrors(form, inGlossary(err, spec.fields));
    }
  });
  return form;
}

// ---------------------------------------------------------------- the page
// opts: path ('#/persons'), title, intro, arrays (the tabs), columns (per
// array: the keys shown in the list, default all but objects), fixed (per
// array: values a new record starts with), head (ctx => a control under the
// title, such as a filter), readOnly, link (rec => a link per row).
export async function recordsPage(root, ctx, opts) {
  const q = ctx.query || {};
  const r = await rights();
  const tabs = opts.arrays.filter((a) => r.arrays[a]);
  const array = tabs.includes(q.array) ? q.array : tabs[0];
  const spec = r.arrays[array];
  const page = Math.max(1, Number(q.page) || 1);
  ctx.crumbs([[opts.title, opts.path], [spec.label]]);
  const d = await api.get(array, { page, per_page: PER_PAGE, association: q.association, ...(opts.query || {}) });
  const refs = await refNames(spec.fields, d.items);
  if (!ctx.alive()) return;
  const u = session.user || {};
  const fixed = { ...(u.association && spec.fields.some((f) => f.key === 'association') ? { association: u.association } : {}), ...(q.association ? { association: q.association } : {}) };
  const slot = h('div', { class: 'rec-form-slot' });
  const editable = !opts.readOnly && spec.fields.some((f) => f.write && f.type !== 'key');
  const reload = () => ctx.refresh();
  const open = (el) => { replace(slot, el); slot.querySelector('input:not([type=file]), select')?.focus(); slot.scrollIntoView({ block: 'nearest' }); };
  const edit = (rec) => open(recordForm(array, spec, rec, fixed, refs, reload, () => replace(slot)));
  const steps = async (rec) => open(await workflowPanel(array, rec, spec, ctx.asOf, refs, reload));
  const keys = (opts.columns && opts.columns[array]) || spec.fields.filter((f) => f.type !== 'object' || array === 'posts').map((f) => f.key);
  const fields = keys.map((k) => spec.fields.find((f) => f.key === k)).filter(Boolean);
  const columns = fields.map((f, i) => ({ label: label(f), rowHeader: i === 0, num: ['money', 'area', 'int'].includes(f.type) && f.key !== 'year', cell: (rec) => show(f, rec[f.key], refs) }));
  const actions = [];
  if (opts.link) actions.push(opts.link);
  if (WORKFLOW[array]) actions.push((rec) => h('button', { type: 'button', class: 'link-button', onclick: () => steps(rec) }, '办理'));
  if (editable) actions.push((rec) => h('button', { type: 'button', class: 'link-button', onclick: () => edit(rec) }, '编辑'));
  if (actions.length) columns.push({ label: '操作', cell: (rec) => actions.map((a, i) => [i ? ' ' : '', a(rec)]) });
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, opts.title),
      h('p', { class: 'page-sub' }, `${opts.intro}：${spec.label}，共 ${fmt.num(d.total)} 条`),
      opts.head ? opts.head(ctx) : null,
      spec.create && !opts.readOnly ? h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => edit(null) }, `新增${spec.label}`)) : null),
    tabs.length > 1 ? h('nav', { class: 'tabs', 'aria-label': opts.title }, tabs.map((a) =>
      h('a', { href: hashWith(opts.path, { array: a, association: q.association }), class: a === array ? 'tab active' : 'tab', 'aria-current': a === array ? 'page' : null }, r.arrays[a].label))) : null,
    slot,
    d.items.length ? table(columns, d.items, { caption: spec.label })
      : emptyState(spec.create && !opts.readOnly ? `还没有${spec.label}记录，点击新增或从导入页上传表格。` : `还没有${spec.label}记录。`),
    d.total > PER_PAGE ? pager(d.total, page, PER_PAGE, (p) => go(hashWith(opts.path, { ...q, array, page: p }))) : null);
}
