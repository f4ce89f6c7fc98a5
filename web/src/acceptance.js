// acceptance.js: the office's two acts on an association's work summary, on
// the association page under its workflow (docs/api.md "Workflow"):
//   验收 — PUT the association with accepted_on; the server judges it (the
//     summary reported, the link cancelled, no overdue item) and refuses
//     with 409 acceptance_unready naming every unmet condition, which the
//     dialog lists in words and then offers 说明理由后仍予验收: the same PUT
//     with override_reason, written and kept in the audit log (例外验收);
//   退回 — POST .../summary/return with a reason: the summary goes back to
//     the association (工作总结报送日期 cleared), the reason in its history.
import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './fmt.js';
import { field, showErrors, clearErrors, dateInput, liveDateCheck } from './ui.js';

// The conditions of a refusal, from the server's sentence
// "…不能于2018年1月30日验收：A；B": one line each.
export function unmetList(message) {
  const text = fmt.sentence(String(message || ''));
  const cut = text.indexOf('验收：');
  // the closing advice (（确需验收的，须写明例外验收理由）) is the dialog's own line
  const tail = (cut < 0 ? text : text.slice(cut + 3)).replace(/（确需验收的[^）]*）\s*$/, '');
  return tail.split('；').map((x) => x.replace(/[。.]$/, '').trim()).filter(Boolean);
}

function reasonInput(id) {
  return h('textarea', { id, name: 'reason', required: true, maxlength: '600', rows: '4' });
}

// box: where the buttons go; state.a the association as read; path its API
// path; done(record, message) after a write.
export function acceptanceActions(box, { state, path, ctx, dialog, done }) {
  const a = state.a;
  if (ctx.user.role !== 'office' || a.accepted_on || state.cl.registered === false) { replace(box); return; }
  if (!['in_scope', 'plan_submitted', 'decoupled', 'summary_submitted'].includes(state.cl.stage)) { replace(box); return; }
  const acceptBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'wf-accept', onclick: (e) => openAccept(e.currentTarget) }, '验收');
  const returnBtn = a.report_submitted_on
    ? h('button', { type: 'button', class: 'btn btn-plain', id: 'wf-return', onclick: (e) => openReturn(e.currentTarget) }, '退回工作总结')
    : null;
  replace(box, h('div', { class: 'wf-actions no-print' }, acceptBtn, returnBtn,
    h('span', { class: 'hint' }, a.report_submitted_on ? `工作总结已于 ${fmt.date(a.report_submitted_on)} 报送。` : '工作总结尚未报送。')));
  if (ctx.query && ctx.query.do === 'accept') acceptBtn.scrollIntoView({ block: 'center' });

  function show(form, opener) {
    replace(dialog, form);
    dialog.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); }, { once: true });
    dialog.showModal();
  }

  function openAccept(opener) {
    const today = fmt.isoToday();
    const onBox = dateInput({ name: 'accepted_on', id: 'accept-on', value: ctx.asOf < today ? ctx.asOf : today, max: today, required: true });
    const on = onBox.querySelector('input');
    liveDateCheck(on, { notAfter: today });
    const refusal = h('div', { class: 'wf-result', id: 'accept-refusal' });
    const ok = h('button', { type: 'submit', class: 'btn btn-primary', id: 'accept-ok' }, '确定验收');
    const form = h('form', { class: 'dialog-form', novalidate: true, 'aria-labelledby': 'accept-h' },
      h('h2', { id: 'accept-h' }, '验收'),
      h('p', { class: 'dialog-item' }, h('strong', null, a.name)),
      h('p', { class: 'hint' }, '验收须满足：工作总结已报送、主管（挂靠）关系已取消、该协会没有逾期未办结事项。'),
      h('div', { class: 'form-errors' }),
      field('验收日期', onBox, '格式 YYYY-MM-DD，不晚于今天'),
      refusal,
      h('div', { class: 'form-actions' }, ok, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dialog.close() }, '取消')));
    async function put(reason) {
      const body = { ...state.a, accepted_on: on.value };
      if (reason) body.override_reason = reason;
      const rec = await api.put(path, body);
      dialog.close();
      await done(rec, reason ? `已验收（例外验收）：${fmt.date(on.value)}。理由已记入审计日志。` : `已验收：${fmt.date(on.value)}。`);
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!fmt.isIsoDate(on.value)) { showErrors(form, { errors: [{ field: 'accepted_on', message: fmt.badDate(on.value) }] }); return; }
      if (on.value > today) { showErrors(form, { errors: [{ field: 'accepted_on', message: '验收日期不能晚于今天' }] }); return; }
      ok.disabled = true;
      replace(refusal);
      try {
        await put(null);
      } catch (err) {
        if (err.status === 409 && err.code === 'acceptance_unready') refused(err);
        else showErrors(form, err);
      } finally { ok.disabled = false; }
    });
    // the server's refusal: every unmet condition, then the override
    function refused(err) {
      const reason = reasonInput('override-reason');
      const force = h('button', { type: 'button', class: 'btn btn-danger', id: 'accept-override' }, '说明理由后仍予验收');
      const note = h('div', { class: 'form-errors' });
      force.addEventListener('click', async () => {
        replace(note);
        if (!reason.value.trim()) { replace(note, h('div', { class: 'alert alert-error', role: 'alert' }, '请说明仍予验收的理由。')); reason.focus(); return; }
        force.disabled = true;
        try { await put(reason.value.trim()); } catch (e2) { replace(note, h('div', { class: 'alert alert-error', role: 'alert' }, e2.message)); } finally { force.disabled = false; }
      });
      replace(refusal, h('div', { class: 'alert alert-warn', role: 'alert' },
        h('p', null, h('strong', null, `${a.name}尚不能于${fmt.date(on.value)}验收，未满足的条件：`)),
        h('ul', { class: 'wf-unmet' }, unmetList(err.message).map((x) => h('li', null, x))),
        h('p', { class: 'hint' }, '确需验收的，可说明理由后验收；该例外验收及其理由将记入审计日志。'),
        note,
        field('仍予验收的理由', reason),
        h('div', { class: 'form-actions' }, force)));
      reason.focus();
    }
    show(form, opener);
    on.focus();
  }

  function openReturn(opener) {
    const reason = reasonInput('return-reason');
    reason.dataset.field = 'reason';
    const ok = h('button', { type: 'submit', class: 'btn btn-primary', id: 'return-ok' }, '退回');
    const form = h('form', { class: 'dialog-form', novalidate: true, 'aria-labelledby': 'return-h' },
      h('h2', { id: 'return-h' }, '退回工作总结'),
      h('p', { class: 'dialog-item' }, h('strong', null, a.name), `：工作总结报送于 ${fmt.date(a.report_submitted_on)}`),
      h('p', { class: 'hint' }, '退回后，该协会须修改后重新报送；退回理由记入变更记录和审计日志。'),
      h('div', { class: 'form-errors' }),
      field('退回理由', reason),
      h('div', { class: 'form-actions' }, ok, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dialog.close() }, '取消')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!reason.value.trim()) { showErrors(form, { errors: [{ field: 'reason', message: '请填写退回理由' }] }); return; }
      ok.disabled = true;
      try {
        const rec = await api.post(`${path}/summary/return`, { reason: reason.value.trim() });
        dialog.close();
        await done(rec, `已退回工作总结。退回理由：${reason.value.trim()}`);
      } catch (err) { showErrors(form, err); } finally { ok.disabled = false; }
    });
    show(form, opener);
    reason.focus();
  }
}
