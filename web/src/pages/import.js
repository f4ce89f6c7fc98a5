// 导入: upload a bundle (JSON) or spreadsheets (.xlsx workbooks, .csv files
// named by their array, UTF-8 or GB18030); the server checks everything
// first (dry run) and lists every error, by JSON path for a bundle and by
// sheet, row and column for a sheet; only a clean upload can be imported.
// The xlsx template (every sheet, Chinese headers, drop-down lists) is a
// download here.  The check of sheets also says what the import would do
// (the answer's `diff`): how many records are new, changed and unchanged,
// each changed record as a table of field, old and new value, and which of
// them were edited after (newer_edit: in the browser since); importing over
// those asks first, then sends confirm_overwrite=1 (a 409 newer_edit asks
// the same).  Without `diff` the check shows the counts only.
import { h, replace } from '../dom.js';
import { api, forget } from '../api.js';
import * as fmt from '../fmt.js';
import { ARRAY } from '../labels.js';
import { inWords, fieldLabel, valueText } from '../changes.js';
import { table, field, emptyState, fileInput, downloadButton } from '../ui.js';

const ACCEPT = '.json,.xlsx,.csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';
const isJson = (f) => /\.json$/i.test(f.name);

export async function render(root, ctx) {
  ctx.crumbs([['导入']]);
  const fileBox = fileInput({ id: 'bundle-file', name: 'file', accept: ACCEPT });
  const file = fileBox.querySelector('input');
  file.multiple = true;
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const check = h('button', { type: 'submit', class: 'btn btn-primary' }, '检查');
  let files = [];
  const form = h('form', { class: 'import-form', novalidate: true },
    field('数据包（JSON）或表格（xlsx、csv）', fileBox,
      'xlsx 每个工作表一个数组（工作表名用数组名或中文名，如“任职”）；csv 以文件名表示数组（如 任职.csv、posts.csv），UTF-8 或 GB18030 编码均可；可一次选择多个文件。先检查：列出全部错误，不写入任何数据；全部通过后才能导入。'),
    h('div', { class: 'form-actions' }, check));
  // several files: show them all beside the chooser
  file.addEventListener('change', () => {
    replace(result);
    if (file.files.length > 1) replace(fileBox.querySelector('.file-name'), `${file.files.length} 个文件：${[...file.files].map((f) => f.name).join('、')}`);
  });

  // One JSON bundle goes to POST /import as before; anything else, or
  // several files, as multipart to POST /import/sheets.
  async function send(dryRun, overwrite = false) {
    if (files.length === 1 && isJson(files[0])) return api.raw('import', await files[0].text(), dryRun ? { dry_run: 1 } : overwrite ? { confirm_overwrite: 1 } : undefined);
    const fd = new FormData();
    for (const f of files) fd.append('file', f, f.name);
    return api.upload(dryRun ? 'import/sheets?dry_run=1' : overwrite ? 'import/sheets?confirm_overwrite=1' : 'import/sheets', fd);
  }
  let newer = 0; // records of the check edited after: the import asks first
  const label = () => files.map((f) => f.name).join('、');

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    files = [...file.files];
    if (!files.length) { replace(result, h('div', { class: 'alert alert-error', role: 'alert' }, '请先选择要导入的数据包或表格文件。')); return; }
    const bad = files.find((f) => !/\.(json|xlsx|csv)$/i.test(f.name));
    if (bad) { replace(result, h('div', { class: 'alert alert-error', role: 'alert' }, `不支持的文件类型：${bad.name}（支持 .json 数据包、.xlsx 和 .csv 表格）`)); return; }
    check.disabled = true;
    replace(result, h('p', { class: 'loading', role: 'status' }, '正在检查…'));
    try {
      const r = await send(true);
      newer = r.diff ? Number(r.diff.newer_edits) || 0 : 0;
      replace(result, h('div', { class: 'alert alert-ok' }, h('p', null, h('strong', null, `${label()} 检查通过。`), '将导入：'), counts(r.counts)),
        r.diff ? preview(r.diff) : null,
        h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-primary', id: 'do-import', onclick: doImport }, '导入'),
          h('span', { class: 'hint' }, '导入后登记簿立即更新。')),
        h('div', { id: 'overwrite-ask' }));
    } catch (err) {
      showImportErrors(err);
    } finally { check.disabled = false; }
  });
  // Records edited after the sheets were made: the import overwrites them
  // only when the user says so.
  function askOverwrite(btn, n, said) {
    const box = result.querySelector('#overwrite-ask') || result.appendChild(h('div', { id: 'overwrite-ask' }));
    replace(box, h('div', { class: 'alert alert-warn', role: 'alert' },
      h('p', null, h('strong', null, n ? `有 ${fmt.num(n)} 条记录在上次导入后又由他人修改过。` : '有记录在上次导入后又由他人修改过。'), '导入将以上传文件的内容覆盖这些较新的修改（标有“较新修改”的记录）。'),
      said ? h('p', null, fmt.sentence(said)) : null,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-overwrite', onclick: (e) => { replace(box); doImport(e, true); } }, '覆盖较新的修改并导入'),
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => { replace(box); btn.disabled = false; } }, '取消'))));
    box.querySelector('#confirm-overwrite').focus();
  }
  async function doImport(e, overwrite = false) {
    const btn = result.querySelector('#do-import') || e.currentTarget;
    btn.disabled = true;
    if (newer && !overwrite) { askOverwrite(btn, newer); return; }
    try {
      const r = await send(false, overwrite);
      forget();
      replace(result, h('div', { class: 'alert alert-ok', role: 'status' }, h('p', null, h('strong', null, `已导入 ${label()}。`)), counts(r.counts),
        h('p', null, h('a', { href: '#/associations' }, '查看协会名录'), ' · ', h('a', { href: '#/dashboard' }, '查看总览'))));
    } catch (err) {
      if (err.status === 409 && err.code === 'newer_edit') { askOverwrite(btn, newer, err.message); return; }
      showImportErrors(err); btn.disabled = false;
    }
  }
  function showImportErrors(err) {
    if (!err.errors || !err.errors.length || err.status === 413 || err.status === 415 || err.status >= 500) {
      replace(result, h('div', { class: 'alert alert-error', role: 'alert' }, err.message));
      return;
    }
    const list = err.errors;
    const sheets = files.some((f) => !isJson(f));
    const more = Math.max(0, (Number((/共有 (\d+) 处错误/.exec(err.message) || [])[1]) || list.length) - list.length);
    replace(result, h('div', { class: 'alert alert-error', role: 'alert' },
      h('p', null, h('strong', null, `${sheets ? '表格' : '数据包'}有 ${fmt.num(list.length + more)} 处错误，未写入任何数据。`), '请改正后重新检查。',
        more ? `（下表列出前 ${fmt.num(list.length)} 处）` : '')),
    table([
      { label: '序号', num: true, cell: (x) => String(list.indexOf(x) + 1) },
      { label: sheets ? '位置（工作表、行、列）' : '位置', class: sheets ? null : 'mono', cell: (x) => x.field || '—' },
      { label: '说明', cell: (x) => inWords(x.message) }], list, { caption: '错误清单' }));
  }
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '导入'), h('p', { class: 'page-sub' }, '上传整份登记簿数据包或摸底表格；全部校验通过才写入，任何一处错误都不会写入数据。'),
      h('div', { class: 'head-actions no-print' }, downloadButton('下载导入模板（xlsx）', 'export/template.xlsx', null, { id: 'template-download' }))),
    h('section', { class: 'card' }, form, result),
    emptyState('还没有表格？先下载导入模板：每个数组（批次、主管单位、行业协会商会、人员、任职等）一个工作表，中文表头，类型字段有下拉选项，日期写作 YYYY-MM-DD 或 Excel 日期。也可在导出页导出现有登记簿，改后再导入。'));
}

function counts(c) {
  const rows = Object.entries(c || {}).filter(([, n]) => n);
  if (!rows.length) return h('p', null, '上传的文件中没有记录。');
  return h('ul', { class: 'counts' }, rows.map(([k, n]) => h('li', null, `${ARRAY[k] || k} ${fmt.num(n)} 条`)));
}

// edited_at is Beijing time as the server writes it ("2026-12-06 11:35:02"),
// whatever the browser's time zone; an instant with its zone as the browser
// shows it.
function wallTime(s) {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(String(s));
  return m ? `${fmt.date(m[1])} ${m[2]}（北京时间）` : fmt.dateTime(s);
}

// What the import would do (the check's `diff`): the counts, then each
// changed record as 字段 / 原值 / 新值, newer edits marked; new records by
// name.
function preview(d) {
  const recs = d.records || [];
  const changed = recs.filter((r) => r.status === 'changed');
  const fresh = recs.filter((r) => r.status === 'new');
  const name = (r) => `${ARRAY[r.array] || '记录'}“${r.label || r.id}”`;
  return h('section', { class: 'card', id: 'import-diff', 'aria-labelledby': 'import-diff-h' },
    h('h2', { id: 'import-diff-h' }, '导入后的变化'),
    h('ul', { class: 'diff-counts' },
      h('li', { id: 'diff-new' }, h('strong', null, fmt.num(d.new)), '条新增'),
      h('li', { id: 'diff-changed' }, h('strong', null, fmt.num(d.changed)), '条变更'),
      h('li', { id: 'diff-unchanged' }, h('strong', null, fmt.num(d.unchanged)), '条未变'),
      d.newer_edits ? h('li', { id: 'diff-newer', class: 'text-red' }, h('strong', null, fmt.num(d.newer_edits)), '条有较新修改') : null),
    fresh.length ? h('p', { class: 'diff-new' }, '新增：', fresh.slice(0, 50).map(name).join('、'), fresh.length > 50 ? `等 ${fmt.num(fresh.length)} 条` : '') : null,
    changed.map((r) => h('div', { class: ['diff-record', r.newer_edit ? 'newer' : null], dataset: { array: r.array, id: r.id } },
      h('h4', null, `变更：${name(r)}`, r.newer_edit ? h('span', { class: 'tag tag-warn' }, '较新修改') : null),
      r.newer_edit ? h('p', { class: 'hint' }, `该记录${r.edited_at ? `于 ${wallTime(r.edited_at)} ` : ''}${r.edited_by ? `由 ${r.edited_by} ` : ''}修改过，晚于上次导入；导入将覆盖该修改。`) : null,
      table([
        { label: '字段', rowHeader: true, cell: (f) => f.label || fieldLabel(f.field) },
        { label: '原值', cell: (f) => valueText(f.field, f.before) },
        { label: '新值', cell: (f) => valueText(f.field, f.after) },
      ], r.fields || [], { className: 'diff-fields compact' }))));
}
