// 协会名录: search (any substring of the Chinese name, two characters
// included), filters by unit, batch and stage, sorting, paging on the server.
import { h, replace } from '../dom.js';
import { api, all, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { STAGES, val } from '../labels.js';
import { table, pager, loading, errorBox, emptyState, downloadButton } from '../ui.js';
import { hashWith } from '../main.js';

const PER = 20;
const pinyin = new Intl.Collator('zh-CN-u-co-pinyin');

// One page of the list.  The server filters by one stage at a time; a group
// of stages ("纳入范围（各阶段）", "已脱钩（含…）") is the union of its stages,
// merged, sorted and paged here.
async function fetchPage(q, asOf) {
  const base = { q: q.q.trim(), unit: q.unit, batch: q.batch, sort: q.sort, as_of: asOf };
  if (!q.state.endsWith('+')) return api.get('associations', { ...base, state: q.state, page: q.page, per_page: PER });
  const from = STAGES.findIndex(([k]) => k === q.state.slice(0, -1));
  const lists = await Promise.all(STAGES.slice(Math.max(from, 0)).map(([k]) => all('associations', { ...base, state: k })));
  const items = lists.flat();
  const key = q.sort || 'name';
  items.sort((x, y) => (key === 'name' ? pinyin.compare(x.name, y.name) : String(x[key]).localeCompare(String(y[key]))));
  return { items: items.slice((q.page - 1) * PER, q.page * PER), total: items.length, page: q.page, per_page: PER };
}

export async function render(root, ctx) {
  ctx.crumbs([['协会名录']]);
  const lk = await lookups();
  if (!ctx.alive()) return;
  const q = { q: ctx.query.q || '', unit: ctx.query.unit || '', batch: ctx.query.batch || '', state: ctx.query.state || '', sort: ctx.query.sort || 'name', page: Number(ctx.query.page) || 1 };
  const units = ctx.user.role === 'unit' ? lk.units.filter((u) => u.id === ctx.user.unit) : lk.units;

  const search = h('input', { type: 'search', id: 'search', name: 'q', value: q.q, placeholder: '输入协会名称中的任意文字，如“软件”', autocomplete: 'off' });
  const sel = (id, label, opts, v) => {
    const s = h('select', { id, name: id }, opts.map(([k, l]) => h('option', { value: k, selected: k === v }, l)));
    return [s, h('div', { class: 'field field-inline' }, h('label', { for: id }, label), s)];
  };
  const [unitSel, unitF] = sel('unit', '主管单位', [['', '全部'], ...units.map((u) => [u.id, u.name])], q.unit);
  const [batchSel, batchF] = sel('batch', '批次', [['', '全部'], ...lk.batches.map((b) => [b.id, b.name])], q.batch);
  const [stateSel, stateF] = sel('state', '阶段', [['', '全部'], ['in_scope+', '纳入范围（各阶段）'], ['decoupled+', '已脱钩（含总结已报、已验收）'],
    ...STAGES.map(([k, l]) => [k, k === 'registered' ? '在册（不在脱钩范围）' : `${l}（当前阶段）`])], q.state);
  const [sortSel, sortF] = sel('sort', '排序', [['name', '名称（拼音）'], ['uscc', '统一社会信用代码'], ['registered_on', '登记日期']], q.sort);
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': '查找协会' },
    h('div', { class: 'field field-search' }, h('label', { for: 'search' }, '名称'), search, h('button', { type: 'submit', class: 'btn btn-primary' }, '查询')),
    unitF, batchF, stateF, sortF,
    h('button', { type: 'button', class: 'btn btn-plain', onclick: () => { search.value = ''; unitSel.value = ''; batchSel.value = ''; stateSel.value = ''; sortSel.value = 'name'; update(1); } }, '清空条件'));

  let n = 0;
  async function load() {
    const my = ++n;
    replace(results, loading('正在查询…'));
    try {
      const r = await fetchPage(q, ctx.asOf);
      if (my !== n || !ctx.alive()) return;
      const items = r.items || [];
      const filtered = q.q || q.unit || q.batch || q.state;
      replace(results,
        items.length ? [
          table([
            { label: '名称', rowHeader: true, cell: (a) => h('a', { href: `#/associations/${encodeURIComponent(a.uscc)}` }, a.name) },
            { label: '统一社会信用代码', class: 'mono', cell: (a) => a.uscc },
            { label: '主管单位', cell: (a) => (a.unit ? h('a', { href: `#/units/${encodeURIComponent(a.unit)}` }, lk.unit[a.unit]?.name || a.unit) : '—') },
            { label: '关系类型', cell: (a) => val('link', a.link) },
            { label: '批次', cell: (a) => (a.batch ? lk.batch[a.batch]?.name || a.batch : '—') },
            { label: '登记日期', cell: (a) => [fmt.date(a.registered_on),
              a.registered_on > ctx.asOf ? h('span', { class: 'tag' }, '截至该日尚未登记') : a.deregistered_on && a.deregistered_on <= ctx.asOf ? h('span', { class: 'tag' }, '已注销') : null] },
            { label: '脱钩完成日期', cell: (a) => (a.decoupled_on && a.decoupled_on <= ctx.asOf ? fmt.date(a.decoupled_on) : h('span', { class: 'muted' }, '未完成')) },
          ], items, { caption: `协会名录${q.q ? `：名称含“${q.q}”` : ''}（共 ${fmt.num(r.total)} 个）` }),
          pager(r.total || 0, r.page || q.page, r.per_page || PER, (p) => update(p, true))]
          : emptyState(filtered ? '没有符合条件的协会。请换一个关键字，或清空筛选条件后再查。' : '登记簿中还没有协会。请在导入页上传数据包。',
            filtered ? null : h('a', { href: '#/import' }, '去导入')));
    } catch (e) {
      if (my === n) replace(results, errorBox(e, load));
    }
  }
  function update(page, focusTop) {
    Object.assign(q, { q: search.value, unit: unitSel.value, batch: batchSel.value, state: stateSel.value, sort: sortSel.value, page });
    history.replaceState(null, '', hashWith('#/associations', { q: q.q, unit: q.unit, batch: q.batch, state: q.state, sort: q.sort === 'name' ? '' : q.sort, page: q.page > 1 ? q.page : '' }));
    load();
    if (focusTop) results.scrollIntoView({ block: 'start' });
  }
  let timer = null;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => update(1), 300); });
  form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); update(1); });
  for (const s of [unitSel, batchSel, stateSel, sortSel]) s.addEventListener('change', () => update(1));

  const exportQuery = () => ({ q: q.q.trim(), unit: q.unit, batch: q.batch, state: q.state, as_of: ctx.asOf });
  replace(root, h('div', { class: 'page-head' }, h('h1', null, '协会名录'),
    h('p', { class: 'page-sub' }, `阶段按截至 ${fmt.date(ctx.asOf)} 的情况筛选`),
    h('div', { class: 'head-actions no-print' }, downloadButton('导出 Excel', 'export/associations.xlsx', exportQuery, { id: 'export-associations' }))), form, results);
  await load();
}
