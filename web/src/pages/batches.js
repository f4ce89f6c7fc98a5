// 批次 (the office): the batches of the decoupling and their deadlines
// (截止日期; a batch without one is due by the plan's overall deadline), how
// many associations each holds, a form to define a batch and one to edit
// it.  The writes are the batches' record routes (POST and PUT
// /api/v1/batches, office only), which keep history and audit like every
// record; a stale edit (409) shows the current record and keeps what was
// typed.
import { h, replace } from '../dom.js';
import { api, all, forget } from '../api.js';
import * as fmt from '../fmt.js';
import { table, field, emptyState, showErrors, clearErrors, dateInput, liveDateCheck } from '../ui.js';

export async function render(root, ctx) {
  ctx.crumbs([['批次']]);
  const list = await all('batches');
  const counts = {};
  await Promise.all(list.map((b) => api.get('associations', { batch: b.id, per_page: 1 })
    .then((r) => { counts[b.id] = r.total; }).catch(() => { counts[b.id] = null; })));
  if (!ctx.alive()) return;
  const flashBox = h('div', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const formBox = h('div', { id: 'batch-form-box' });

  // one form for a new batch (rec null) and for an edit (rec the batch as read)
  function batchForm(rec) {
    const id = h('input', { name: 'id', id: 'batch-id', value: rec ? rec.id : '', required: true, readonly: rec ? true : null, autocomplete: 'off', maxlength: '64' });
    const name = h('input', { name: 'name', id: 'batch-name', value: rec ? rec.name || '' : '', required: true, maxlength: '200' });
    const dueBox = dateInput({ name: 'due', id: 'batch-due', value: rec ? rec.due || '' : '' });
    const due = dueBox.querySelector('input');
    liveDateCheck(due);
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, rec ? '保存修改' : '新增批次');
    const form = h('form', { class: 'card batch-form', novalidate: true, id: rec ? 'batch-edit' : 'batch-new', 'aria-labelledby': 'batch-form-h' },
      h('h2', { id: 'batch-form-h' }, rec ? `修改批次：${rec.name || rec.id}` : '新增批次'),
      h('div', { class: 'form-errors' }),
      field('编号', id, rec ? '编号不可修改' : '字母、数字或下划线，如 third'),
      field('名称', name, '如 第三批'),
      field('截止日期', dueBox, '格式 YYYY-MM-DD；留空表示按全面完成脱钩期限'),
      h('div', { class: 'form-actions' }, save,
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => replace(formBox) }, '取消')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const problems = [];
      if (!rec && !/^[A-Za-z0-9_-]{1,64}$/.test(id.value.trim())) problems.push({ field: 'id', message: '请填写编号（字母、数字、下划线或连字符）' });
      if (!name.value.trim()) problems.push({ field: 'name', message: '请填写批次名称' });
      if (due.value && !fmt.isIsoDate(due.value)) problems.push({ field: 'due', message: fmt.badDate(due.value) });
      if (problems.length) { showErrors(form, { errors: problems }); return; }
      const body = { ...(rec || {}), id: rec ? rec.id : id.value.trim(), name: name.value.trim(), due: due.value || null };
      save.disabled = true;
      try {
        const saved = rec ? await api.put(`batches/${encodeURIComponent(rec.id)}`, body) : await api.post('batches', body);
        forget(); // the pages' batch names are read again
        sessionStorage.setItem('tuogou.batch-flash', `${rec ? '已保存' : '已新增'}批次“${saved.name || saved.id}”${saved.due ? `，截止日期 ${fmt.date(saved.due)}` : ''}。`);
        ctx.refresh();
      } catch (err) {
        if (err.status === 409 && !rec) showErrors(form, { errors: [{ field: 'id', message: `编号“${body.id}”已有批次使用，请换一个编号` }] });
        else if (err.status === 409 && err.current) {
          showErrors(form, { errors: [{ message: `该批次已被他人修改（现为“${err.current.name || err.current.id}”，截止日期 ${err.current.due ? fmt.date(err.current.due) : '未规定'}）。您填写的内容仍保留；再次保存将以您填写的为准。` }] });
          rec = err.current; // a second 保存 writes onto the current record
        } else showErrors(form, err);
      } finally { save.disabled = false; }
    });
    replace(formBox, form);
    (rec ? name : id).focus();
  }

  const note = sessionStorage.getItem('tuogou.batch-flash');
  if (note) { sessionStorage.removeItem('tuogou.batch-flash'); replace(flashBox, h('div', { class: 'alert alert-ok' }, note)); }
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '批次'),
      h('p', { class: 'page-sub' }, '脱钩工作分批推进；每个批次的截止日期决定该批协会的脱钩期限，未规定的按全面完成脱钩期限。'),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-primary', id: 'batch-add', onclick: () => batchForm(null) }, '新增批次'))),
    flashBox,
    formBox,
    list.length ? table([
      { label: '名称', rowHeader: true, cell: (b) => b.name || '—' },
      { label: '编号', class: 'mono', cell: (b) => b.id },
      { label: '截止日期', cell: (b) => (b.due ? fmt.date(b.due) : h('span', { class: 'muted' }, '按全面完成脱钩期限')) },
      { label: '协会数', num: true, cell: (b) => (counts[b.id] === null || counts[b.id] === undefined ? '—' : h('a', { href: `#/associations?batch=${encodeURIComponent(b.id)}` }, fmt.num(counts[b.id]))) },
      { label: '操作', class: 'no-print', cell: (b) => h('button', { type: 'button', class: 'btn btn-small', dataset: { batch: b.id }, onclick: () => batchForm(b) }, '修改') },
    ], list, { caption: '批次及其截止日期', className: 'batches compact', rowAttrs: (b) => ({ dataset: { batch: b.id } }) })
      : emptyState('还没有批次。', h('button', { type: 'button', class: 'btn btn-primary', onclick: () => batchForm(null) }, '新增批次')));
}
