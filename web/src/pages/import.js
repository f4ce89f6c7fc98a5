// 导入: upload a bundle; the server checks everything first (dry run) and
// lists every error by its JSON path; only a clean bundle can be imported.
import { h, replace } from '../dom.js';
import { api, forget } from '../api.js';
import * as fmt from '../fmt.js';
import { ARRAY } from '../labels.js';
import { table, field, emptyState, fileInput } from '../ui.js';

export async function render(root, ctx) {
  ctx.crumbs([['导入']]);
  const fileBox = fileInput({ id: 'bundle-file', name: 'file', accept: '.json,application/json' });
  const file = fileBox.querySelector('input');
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const check = h('button', { type: 'submit', class: 'btn btn-primary' }, '检查');
  let text = null;
  let name = '';
  const form = h('form', { class: 'import-form', novalidate: true },
    field('数据包（JSON，格式 tuogou-bundle/1）', fileBox, '先检查：列出全部错误，不写入任何数据；全部通过后才能导入。'),
    h('div', { class: 'form-actions' }, check));
  file.addEventListener('change', () => replace(result));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) { replace(result, h('div', { class: 'alert alert-error', role: 'alert' }, '请先选择要导入的数据包文件。')); return; }
    text = await f.text();
    name = f.name;
    check.disabled = true;
    replace(result, h('p', { class: 'loading', role: 'status' }, '正在检查…'));
    try {
      const r = await api.raw('import', text, { dry_run: 1 });
      replace(result, h('div', { class: 'alert alert-ok' }, h('p', null, h('strong', null, `${name} 检查通过。`), '将导入：'), counts(r.counts)),
        h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-primary', id: 'do-import', onclick: doImport }, '导入'),
          h('span', { class: 'hint' }, '导入后登记簿立即更新。')));
    } catch (err) {
      showImportErrors(err);
    } finally { check.disabled = false; }
  });
  async function doImport(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      const r = await api.raw('import', text);
      forget();
      replace(result, h('div', { class: 'alert alert-ok', role: 'status' }, h('p', null, h('strong', null, `已导入 ${name}。`)), counts(r.counts),
        h('p', null, h('a', { href: '#/associations' }, '查看协会名录'), ' · ', h('a', { href: '#/dashboard' }, '查看总览'))));
    } catch (err) { showImportErrors(err); btn.disabled = false; }
  }
  function showImportErrors(err) {
    const list = err.errors && err.errors.length ? err.errors : [{ code: err.code, message: err.message, field: err.field }];
    replace(result, h('div', { class: 'alert alert-error', role: 'alert' },
      h('p', null, h('strong', null, `数据包有 ${fmt.num(list.length)} 处错误，未写入任何数据。`), '请改正后重新检查。')),
    table([
      { label: '序号', num: true, cell: (x) => String(list.indexOf(x) + 1) },
      { label: '位置', class: 'mono', cell: (x) => x.field || '—' },
      { label: '说明', cell: (x) => x.message },
      { label: '代码', class: 'mono', cell: (x) => x.code || '—' }], list, { caption: '错误清单' }));
  }
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '导入'), h('p', { class: 'page-sub' }, '上传整份登记簿数据包；全部校验通过才写入，任何一处错误都不会写入数据。')),
    h('section', { class: 'card' }, form, result),
    emptyState('还没有数据包？可在服务器上用 tuogou export --format json 导出现有登记簿作为模板；每个数组（批次、主管单位、行业协会商会、人员、任职等）一节，日期写作 YYYY-MM-DD。'));
}

function counts(c) {
  const rows = Object.entries(c || {}).filter(([, n]) => n);
  if (!rows.length) return h('p', null, '数据包中没有记录。');
  return h('ul', { class: 'counts' }, rows.map(([k, n]) => h('li', null, `${ARRAY[k] || k} ${fmt.num(n)} 条`)));
}
