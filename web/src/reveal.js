// reveal.js: a person's ID number, masked as the API gives it, with a
// “显示完整号码” button for the roles the server lets see it in full
// (POST /api/v1/persons/{id}/reveal: office, and a unit for its own staff).
// The button asks for the user's own password again in a small dialog; the
// server checks it and audits every attempt (reveal_id).  The full number
// then shows in place for 60 seconds, and goes again before that when the
// user hides it, leaves the page, or leaves the browser tab.  It is never
// printed: print shows the masked number.
import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './fmt.js';
import { field, showErrors, clearErrors } from './ui.js';

export const REVEAL_SECONDS = 60;

// Whether `user` may ask for the full number of `person` (the route's roles
// and the handler's rule; the server decides in the end).
export function mayReveal(user, person) {
  if (!user || !person || !person.id || !person.id_number) return false;
  if (user.role === 'office') return true;
  return user.role === 'unit' && !!user.unit && person.unit === user.unit;
}

// Every revealed number on screen, so that leaving the page or the tab hides
// them all at once.
const shown = new Set();
const hideAll = () => {
  for (const hide of [...shown]) hide();
  if (dialog && dialog.open) dialog.close();
};
window.addEventListener('hashchange', hideAll);
window.addEventListener('pagehide', hideAll);
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') hideAll(); });

let dialog = null;
function theDialog() {
  if (!dialog || !dialog.isConnected) {
    dialog = h('dialog', { class: 'dialog', id: 'reveal-dialog', 'aria-labelledby': 'reveal-h' });
    // whatever was typed goes with the dialog
    dialog.addEventListener('close', () => replace(dialog));
    document.body.append(dialog);
  }
  return dialog;
}

// The cell: the masked number, and the button when the user may reveal it.
export function idNumber(person, user) {
  const masked = fmt.maskId(person && person.id_number);
  const maskedEl = h('span', { class: 'mono id-masked' }, masked);
  const box = h('span', { class: 'id-number', dataset: { person: person ? person.id : '' } }, maskedEl);
  if (!mayReveal(user, person)) return box;

  const open = h('button', { type: 'button', class: 'link-button id-reveal no-print', 'aria-haspopup': 'dialog' }, '显示完整号码');
  const full = h('span', { class: 'id-full', hidden: true });
  box.append(' ', open, full);

  let timer = null;
  function hide() {
    shown.delete(hide);
    if (timer) { clearInterval(timer); timer = null; }
    const hadFocus = full.contains(document.activeElement);
    replace(full);
    full.hidden = true;
    maskedEl.hidden = false;
    open.hidden = false;
    box.classList.remove('revealed');
    if (hadFocus && open.isConnected) open.focus();
  }

  function show(number) {
    const until = Date.now() + REVEAL_SECONDS * 1000;
    const left = h('span', { class: 'id-countdown muted' });
    const hideBtn = h('button', { type: 'button', class: 'link-button id-hide', onclick: hide }, '隐藏');
    const tick = () => {
      const s = Math.ceil((until - Date.now()) / 1000);
      if (s <= 0 || !box.isConnected) { hide(); return; }
      replace(left, `（${s} 秒后自动隐藏）`);
    };
    replace(full, h('span', { class: 'mono id-value' }, number), ' ', left, ' ', hideBtn);
    maskedEl.hidden = true;
    open.hidden = true;
    full.hidden = false;
    box.classList.add('revealed');
    shown.add(hide);
    tick();
    timer = setInterval(tick, 1000);
    hideBtn.focus();
  }

  open.addEventListener('click', () => {
    const dlg = theDialog();
    const pass = h('input', { type: 'password', name: 'password', id: 'reveal-password', autocomplete: 'current-password', required: true });
    const ok = h('button', { type: 'submit', class: 'btn btn-primary' }, '确定');
    const cancel = h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dlg.close() }, '取消');
    const form = h('form', { class: 'dialog-form', novalidate: true },
      h('h2', { id: 'reveal-h' }, '显示完整号码'),
      h('p', { class: 'dialog-item' }, h('strong', null, person.name || person.id), `（人员编号 ${person.id}）`, ' ',
        h('span', { class: 'mono' }, masked)),
      h('p', { class: 'hint' }, `查看完整的公民身份号码须再次输入本人的登录密码；每次查看都记入审计日志。号码显示 ${REVEAL_SECONDS} 秒后自动隐藏。`),
      h('div', { class: 'form-errors' }),
      field('登录密码', pass),
      h('div', { class: 'form-actions' }, ok, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!pass.value) { showErrors(form, { errors: [{ field: 'password', message: '请输入登录密码' }] }); return; }
      ok.disabled = true;
      replace(ok, '正在核对…');
      try {
        const r = await api.post(`persons/${encodeURIComponent(person.id)}/reveal`, { password: pass.value });
        pass.value = '';
        dlg.close();
        if (box.isConnected) show(r.id_number);
      } catch (err) {
        pass.value = '';
        if (err.status === 401) { dlg.close(); return; } // the session ended: the login page shows
        showErrors(form, err);
        pass.focus();
      } finally {
        ok.disabled = false;
        replace(ok, '确定');
      }
    });
    replace(dlg, form);
    dlg.addEventListener('close', () => { if (open.isConnected && !open.hidden) open.focus(); }, { once: true });
    dlg.showModal();
    pass.focus();
  });
  return box;
}
