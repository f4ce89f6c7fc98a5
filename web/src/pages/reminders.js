// 提醒: the digests of 临近提醒 and 催办 for the user's scope (a unit: its own
// associations; an association: itself): what is overdue and what falls due
// within N working days of the as-of date, grouped by supervising unit, as
// `tuogou remind` prints them and mails them.
//
// 催办 (docs/api.md "Reminders"): where the route table lets the role send
// one (GET /api/v1/rights actions.urge: the office), each unit with overdue
// items has 发送催办, a dialog with the items it will name and a note; the
// server records it (POST /api/v1/units/{id}/urges) and mails it when mail
// is configured.  催办记录 lists those sent (the office) or received (a unit,
// which signs for each: 签收, actions.urge_acknowledge).
import { h, replace } from '../dom.js';
import { api, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { MAIL_STATUS } from '../labels.js';
import { table, light, cite, due, section, emptyState, subjectCell, field, showErrors, clearErrors } from '../ui.js';
import { rights } from './records.js';

const WITHIN = [3, 5, 10, 20];
let notice = null; // said once, on the render after a 催办 is sent or signed for

const overdueOf = (u) => (u.items || []).filter((it) => it.state === 'overdue');

// An item in words: what, where, since when.
function itemLine(it, lk, names) {
  const when = it.due_year ? `${it.due_year}年内到期` : `截止 ${fmt.date(it.due)}`;
  return h('li', null, h('strong', null, it.title || lk.rule[it.rule]?.title || '逾期事项'), '：',
    fmt.sentence(it.message), h('span', { class: 'hint' }, `（${when}${it.association ? '，' + (names[it.association] || it.association_name || '') : ''}）`));
}

function channelText(x) {
  return x.channels && x.channels.includes('mail') ? `站内、${MAIL_STATUS[x.mail_status] || '邮件'}` : `仅站内（${MAIL_STATUS[x.mail_status] || '未发邮件'}）`;
}

function urgeLog(list, ctx, acts, lk) {
  const isUnit = ctx.user.role === 'unit';
  const items = list.items || [];
  const sign = async (x, btn) => {
    btn.disabled = true;
    try {
      await api.post(`urges/${x.id}/acknowledge`, {});
      notice = `已签收 ${fmt.dateTime(x.sent_at)} 的催办（催办记录第 ${x.id} 号）。`;
      ctx.refresh();
    } catch (e) { btn.disabled = false; replace(btn.parentElement, btn, h('p', { class: 'field-error', role: 'alert' }, e.message)); }
  };
  const cols = [
    { label: '发送时间', cell: (x) => fmt.dateTime(x.sent_at) },
    isUnit ? null : { label: '主管单位', cell: (x) => (lk.unit[x.unit] ? h('a', { href: `#/units/${encodeURIComponent(x.unit)}` }, x.unit_name) : x.unit_name) },
    { label: '截至', cell: (x) => fmt.date(x.as_of) },
    { label: '逾期事项', cell: (x) => h('details', { class: 'urge-items' }, h('summary', null, `${fmt.num(x.n_items)} 项`),
      h('ol', null, (x.items || []).map((it) => itemLine(it, lk, {})))) },
    { label: '附言', cell: (x) => x.message || '—' },
    { label: '发送人', cell: (x) => x.sent_by_name || x.sent_by },
    { label: '发送方式', cell: (x) => h('span', { title: x.mail_error || '' }, channelText(x)) },
    { label: '签收', cell: (x) => (x.acknowledged_at ? `已签收（${fmt.dateTime(x.acknowledged_at)}）`
      : isUnit && acts.urge_acknowledge ? h('button', { type: 'button', class: 'btn btn-small', dataset: { urge: String(x.id) }, onclick: (e) => sign(x, e.currentTarget) }, '签收')
        : h('span', { class: 'text-red' }, '未签收')) },
  ].filter(Boolean);
  return section(isUnit ? '收到的催办' : '催办记录', 'urge-log',
    h('p', { class: 'hint' }, isUnit ? '联合工作组办公室发来的催办。请逐项办理，并点击“签收”确认已收到。'
      : `已发送的催办共 ${fmt.num(list.total)} 条${list.total > items.length ? `，此处列出最近 ${fmt.num(items.length)} 条` : ''}。单位签收后显示签收时间。`),
    items.length ? table(cols, items, { className: 'compact urge-log', caption: '最新的在前', rowAttrs: (x) => ({ dataset: { urge: String(x.id), unit: x.unit } }) })
      : emptyState(isUnit ? '还没有收到催办。' : '还没有发送过催办。在下方有逾期事项的主管单位处点击“发送催办”。'));
}

export async function render(root, ctx) {
  ctx.crumbs([['提醒']]);
  const within = WITHIN.includes(Number(ctx.query.within)) ? Number(ctx.query.within) : 5;
  const [r, lk, rt] = await Promise.all([api.get('reminders', { as_of: ctx.asOf, within }), lookups(), rights().catch(() => null)]);
  const acts = (rt && rt.actions) || {};
  const list = acts.urge_list ? await api.get('urges', { per_page: ctx.user.role === 'unit' ? 100 : 20 }) : null;
  if (!ctx.alive()) return;
  const names = {};
  for (const u of r.units || []) for (const it of u.items || []) if (it.association) names[it.association] = it.association_name;
  const sel = h('select', { id: 'within', name: 'within', onchange: () => ctx.setQuery({ within: sel.value === '5' ? '' : sel.value }) },
    WITHIN.map((n) => h('option', { value: String(n), selected: n === within }, `${n} 个工作日内`)));
  const note = (it) => (it.due_year ? (it.state === 'overdue' ? h('span', { class: 'text-red' }, '已逾期') : `${it.due_year}年内到期`)
    : it.state === 'overdue' ? h('span', { class: 'text-red' }, `已逾期 ${fmt.num(it.days_overdue)} 天`)
    : it.due === r.as_of ? '今日到期' : `还有 ${fmt.num(it.workdays)} 个工作日`);
  const dialog = h('dialog', { class: 'dialog', id: 'urge-dialog', 'aria-labelledby': 'urge-h' });

  function openUrge(u, opener) {
    const items = overdueOf(u);
    const msg = h('textarea', { id: 'urge-message', name: 'message', maxlength: '600', rows: '3', placeholder: '例如：请于7月10日前办结并报送佐证材料。' });
    const ok = h('button', { type: 'submit', class: 'btn btn-primary', id: 'urge-ok' }, '发送');
    const form = h('form', { class: 'dialog-form', novalidate: true },
      h('h2', { id: 'urge-h' }, '发送催办'),
      h('p', { class: 'dialog-item' }, h('strong', null, u.name), `：截至 ${fmt.date(r.as_of)}，逾期 ${fmt.num(items.length)} 项`),
      h('ol', { class: 'urge-preview', id: 'urge-preview', 'aria-label': '将催办的逾期事项' }, items.map((it) => itemLine(it, lk, names))),
      h('div', { class: 'form-errors' }),
      field('附言（可选）', msg, '不超过600字'),
      h('p', { class: 'hint' }, '催办记入催办记录和审计日志，并列入该单位的待办；已配置该单位邮箱的，同时发送邮件。'),
      h('div', { class: 'form-actions' }, ok, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dialog.close() }, '取消')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      ok.disabled = true;
      try {
        const x = await api.post(`units/${encodeURIComponent(u.unit)}/urges`, { as_of: r.as_of, message: msg.value.trim() || null });
        dialog.close();
        notice = `已向${x.unit_name}发送催办（催办记录第 ${x.id} 号，逾期 ${x.n_items} 项）；${channelText(x)}。`;
        ctx.refresh();
      } catch (err) { showErrors(form, err); } finally { ok.disabled = false; }
    });
    replace(dialog, form);
    dialog.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); }, { once: true });
    dialog.showModal();
    msg.focus();
  }

  const units = (r.units || []).map((u, i) => section(`${u.name}`, `remind-${i}`,
    h('p', { class: 'remind-counts' },
      u.overdue ? light('red') : null, u.overdue ? ` ${fmt.num(u.overdue)} 项　` : null,
      u.near ? light('yellow') : null, u.near ? ` ${fmt.num(u.near)} 项` : null,
      u.unit ? [' · ', h('a', { href: `#/findings?unit=${encodeURIComponent(u.unit)}&state=overdue` }, '在问题清单中查看')] : null,
      acts.urge && u.unit && u.overdue ? h('button', { type: 'button', class: 'btn btn-small no-print urge-open', dataset: { unit: u.unit }, onclick: (e) => openUrge(u, e.currentTarget) }, '发送催办') : null),
    table([
      { label: '状态', cell: (it) => light(it.light) },
      { label: '截止日期', cell: (it) => due(it.due, it.rule, lk, it.due_year) },
      { label: '协会或单位', cell: (it) => subjectCell(it, lk, names) },
      { label: '事项', cell: (it) => h('span', null, h('strong', { class: 'rule-title' }, it.title || it.rule), h('br'), h('span', { class: 'msg' }, fmt.sentence(it.message))) },
      { label: '条款', cell: (it) => cite(it.clause, lk) },
      { label: '说明', cell: note },
    ], u.items || [], { className: 'compact reminders-table', rowAttrs: (it) => ({ dataset: { state: it.state } }) })));
  const said = notice;
  notice = null;
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '提醒'),
      h('p', { class: 'page-sub', id: 'remind-sub' },
        `截至 ${fmt.date(r.as_of)}：逾期 ${fmt.num(r.overdue)} 项，临近到期 ${fmt.num(r.near)} 项（${within} 个工作日内，即 ${fmt.date(r.horizon)} 前到期）`),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    said ? h('div', { class: 'alert alert-ok', role: 'status', id: 'urge-notice' }, said) : null,
    h('form', { class: 'filters', 'aria-label': '提醒范围', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field field-inline' }, h('label', { for: 'within' }, '临近'), sel),
      h('p', { class: 'hint' }, ctx.user.role === 'unit' ? '仅列本单位主管的协会和本单位的事项。'
        : ctx.user.role === 'association' ? '仅列本协会的事项。' : '按主管单位分组；未明确主管单位的事项列在最后。')),
    list ? urgeLog(list, ctx, acts, lk) : null,
    units.length ? units : emptyState(`截至 ${fmt.date(r.as_of)}，没有逾期或 ${within} 个工作日内到期的事项。可在顶部“截至”换一个日期查看。`),
    dialog);
}
