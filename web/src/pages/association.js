// 协会详情: profile and link, scope decision and reason, the workflow path,
// the five separations as checklists (mark an item done with a date and an
// evidence file), findings, people and posts (ID numbers masked; the full
// number on request with the password again, reveal.js), staff,
// premises, assets, money, functions, supervision records, and the history.
// Checklist items say the task (设立独立账户), keep their due date once done
// (rules.md: the due the finding had) and their evidence files.
import { h, replace } from '../dom.js';
import { api, all, lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { STAGES, val, FIELD, CHECK_STATUS, ARRAY, TASK } from '../labels.js';
import { fieldLabel as changeField, valueText } from '../changes.js';
import { idNumber } from '../reveal.js';
import { acceptanceActions } from '../acceptance.js';
import { table, light, stateBadge, findingLight, cite, due, section, dl, emptyState, errorBox, loading, field, showErrors, clearErrors, liveDateCheck, dateInput, fileInput, downloadButton } from '../ui.js';

export async function render(root, ctx) {
  const uscc = ctx.params.uscc;
  asOfDay = ctx.asOf;
  const path = `associations/${encodeURIComponent(uscc)}`;
  const lk = await lookups();
  const [a, cl, fi] = await Promise.all([
    api.get(path), api.get(`${path}/checklist`, { as_of: ctx.asOf }), api.get(`${path}/findings`, { as_of: ctx.asOf })]);
  if (!ctx.alive()) return;
  const crumbs = [['协会名录', '#/associations'], [a.name]];
  if (ctx.user.role === 'association') crumbs.shift();
  ctx.crumbs(crumbs);
  const unit = a.unit ? lk.unit[a.unit] || (await api.get(`units/${encodeURIComponent(a.unit)}`).catch(() => null)) : null;
  // the due of the work summary, once it is done: report_workdays working days after decoupling
  const summaryDue = await reportDue(a, lk);

  const state = { a, cl, fi };
  const stageBox = h('div', { class: 'stage-box' });
  const actionsBox = h('div', { id: 'wf-actions' });
  const checklistBox = h('div', { id: 'checklist' });
  const findingsBox = h('div', { id: 'findings-box' });
  const progressBox = h('div', { id: 'progress-box' });
  const scopeBox = h('div');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'done-h' });

  const NEXT = { in_scope: 'plan_submitted_on', plan_submitted: 'decoupled_on', decoupled: 'report_submitted_on', summary_submitted: 'accepted_on' };
  function drawStage() {
    const next = NEXT[state.cl.stage];
    const idx = STAGES.findIndex(([k]) => k === state.cl.stage);
    replace(stageBox, workflow(state.cl.stage),
      next ? h('p', { class: 'next-step no-print' }, `下一步：${STAGES[idx + 1][1]}。`,
        h('button', { type: 'button', class: 'link-button', onclick: () => { const i = document.getElementById(`p-${next}`); if (i) { i.scrollIntoView({ block: 'center' }); i.focus(); } } }, `登记${FIELD[next]}`))
        : state.cl.stage === 'accepted' ? h('p', { class: 'next-step' }, '脱钩工作已验收。') : null);
    // the office: 验收 (refused in words, with an audited override) and 退回 (acceptance.js)
    acceptanceActions(actionsBox, { state, path, ctx, dialog, done: async (rec, msg) => { state.a = rec; await reloadAll(); flash(msg); } });
  }
  function drawChecklist() { replace(checklistBox, checklists(state.cl, lk, openDone, (i) => stepDue(i, state.cl, state.a, lk, summaryDue))); }
  function drawFindings() {
    const f = state.fi.findings || [];
    replace(findingsBox, f.length ? table([
      { label: '状态', cell: (x) => findingLight(x) },
      { label: '问题', cell: (x) => h('span', null, h('strong', { class: 'rule-title' }, lk.rule[x.rule]?.title || x.rule), h('br'), h('span', { class: 'msg' }, fmt.sentence(x.message))) },
      { label: '截止日期', cell: (x) => due(x.due, x.rule, lk, x.due_year) },
      { label: '条款', cell: (x) => cite(x.clause, lk) },
    ], f, { className: 'findings-table', rowAttrs: (x) => ({ dataset: { rule: x.rule, subject: x.subject ?? '' } }) }) : emptyState(`截至 ${fmt.date(ctx.asOf)}，该协会没有问题。`));
  }
  function drawScope() { replace(scopeBox, scope(state.a, state.cl, state.fi, unit, lk)); }
  function drawProgress() { replace(progressBox, progressForm(state, path, ctx, async (rec) => { state.a = rec; await reloadAll(); })); }
  async function reloadAll() {
    const [cl2, fi2] = await Promise.all([api.get(`${path}/checklist`, { as_of: ctx.asOf }), api.get(`${path}/findings`, { as_of: ctx.asOf })]);
    state.cl = cl2; state.fi = fi2;
    drawStage(); drawChecklist(); drawFindings(); drawScope(); drawProgress();
    loadHistory();
  }

  // ---- the "标记完成" dialog
  function openDone(item, opener) {
    const maxDay = fmt.isoToday();
    const onBox = dateInput({ name: 'on', id: 'done-on', value: ctx.asOf < maxDay ? ctx.asOf : maxDay, max: maxDay, required: true });
    const on = onBox.querySelector('input');
    const fileBox = fileInput({ name: 'file', id: 'done-file', field: 'evidence', accept: '.pdf,.png,.jpg,.jpeg,.xlsx,.docx,.txt,application/pdf,image/png,image/jpeg,text/plain' });
    const file = fileBox.querySelector('input');
    liveDateCheck(on, { notAfter: maxDay });
    const ok = h('button', { type: 'submit', class: 'btn btn-primary' }, '确定');
    const cancel = h('button', { type: 'button', class: 'btn btn-plain', onclick: () => dialog.close() }, '取消');
    let uploaded = null; // {file, meta}: an upload is not repeated when only the second step failed
    const form = h('form', { class: 'dialog-form', novalidate: true },
      h('h2', { id: 'done-h' }, '标记完成'),
      h('p', { class: 'dialog-item' }, h('strong', null, taskTitle(item, lk)), item.subject_label ? `（${item.subject_label}）` : '', ' ', cite(item.clause, lk)),
      item.field ? h('p', { class: 'hint' }, `将登记：${fieldLabel(item.field)}`) : null,
      h('div', { class: 'form-errors' }),
      field('完成日期', onBox, '格式 YYYY-MM-DD，不晚于今天'),
      field('佐证材料', fileBox, 'PDF、PNG、JPEG、XLSX、DOCX 或纯文本，不超过 10 MB'),
      h('div', { class: 'form-actions' }, ok, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const problems = [];
      if (!fmt.isIsoDate(on.value)) problems.push({ field: 'on', message: fmt.badDate(on.value) });
      else if (on.value > maxDay) problems.push({ field: 'on', message: '完成日期不能晚于今天' });
      const f = file.files[0];
      if (!f && !uploaded) problems.push({ field: 'evidence', message: '请上传佐证材料' });
      else if (f && f.size > 10 * 1024 * 1024) problems.push({ field: 'evidence', message: '文件超过 10 MB' });
      if (problems.length) { showErrors(form, { errors: problems }); return; }
      ok.disabled = true; replace(ok, '正在提交…');
      try {
        if (!uploaded || (f && uploaded.file !== f)) {
          const fd = new FormData();
          fd.append('file', f, f.name);
          fd.append('rule', item.rule);
          if (item.subject !== null && item.subject !== undefined) fd.append('subject', item.subject);
          uploaded = { file: f, meta: await api.upload(`${path}/evidence`, fd) };
        }
        const cl2 = await api.post(`${path}/checklist`, { rule: item.rule, subject: item.subject ?? null, on: on.value, evidence: [uploaded.meta.id] }, { as_of: ctx.asOf });
        dialog.close();
        if (cl2 && cl2.separations) state.cl = cl2;
        const [a2, fi2] = await Promise.all([api.get(path), api.get(`${path}/findings`, { as_of: ctx.asOf })]);
        state.a = a2; state.fi = fi2;
        drawStage(); drawChecklist(); drawFindings(); drawScope(); drawProgress(); loadHistory();
        flash(`已标记完成：${taskTitle(item, lk)}`);
      } catch (err) {
        const e2 = err.field === 'file' ? Object.assign(err, { field: 'evidence', errors: (err.errors || []).map((x) => (x.field === 'file' ? { ...x, field: 'evidence' } : x)) }) : err;
        showErrors(form, e2);
      } finally {
        ok.disabled = false; replace(ok, '确定');
      }
    });
    replace(dialog, form);
    dialog.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); }, { once: true });
    dialog.showModal();
    on.focus();
  }

  const flashBox = h('div', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  function flash(msg) { replace(flashBox, h('div', { class: 'alert alert-ok' }, msg)); }

  // ---- the records around the association
  const records = h('div', { id: 'records' }, loading('正在加载人员、资产等记录…'));
  const names = { unit: Object.fromEntries(lk.units.map((x) => [x.id, x.name])), batch: Object.fromEntries(lk.batches.map((x) => [x.id, x.name])) };
  const historyBox = h('div', { id: 'history-box' }, loading());
  async function loadHistory() {
    try {
      const r = await api.get(`${path}/history`, { per_page: 50 });
      if (!ctx.alive()) return;
      replace(historyBox, history(Array.isArray(r) ? r : r.items || [], names));
    } catch (e) { replace(historyBox, errorBox(e)); }
  }

  const toc = [['stage', '工作流程'], ['profile', '基本情况'], ['scope', '脱钩范围'], ['separations', '五分离'], ['progress', '工作进度'],
    ['findings', '问题'], ['people', '人员与任职'], ['staff', '工作人员'], ['premises', '办公用房'], ['assets', '资产'],
    ['money', '财政资金'], ['functions', '职能'], ['supervision', '综合监管'], ['history', '变更记录']];
  const batch = a.batch ? lk.batch[a.batch] : null;
  replace(root,
    h('div', { class: 'page-head' },
      h('h1', null, a.name),
      h('p', { class: 'page-sub' }, h('span', { class: 'mono' }, a.uscc), ' · ', unit ? h('a', { href: `#/units/${encodeURIComponent(unit.id)}` }, unit.name) : '无主管单位',
        ' · ', `截至 ${fmt.date(ctx.asOf)}`),
      h('div', { class: 'head-actions no-print' },
        downloadButton('工作总结（PDF）', `associations/${encodeURIComponent(a.uscc)}/summary.pdf`, { as_of: ctx.asOf }, { id: 'summary-pdf' }),
        h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    flashBox,
    h('nav', { class: 'toc no-print', 'aria-label': '本页目录' }, h('ul', null, toc.map(([id, label]) => h('li', null,
      h('a', { href: location.hash, onclick: (e) => { e.preventDefault(); const t = document.getElementById(id); t.scrollIntoView({ block: 'start' }); const hh = t.querySelector('h2'); if (hh) { hh.setAttribute('tabindex', '-1'); hh.focus({ preventScroll: true }); } } }, label))))),
    section('工作流程', 'stage', stageBox, actionsBox),
    section('基本情况', 'profile', dl([
      ['统一社会信用代码', h('span', { class: 'mono' }, a.uscc)], ['层级', val('level', a.level)], ['会员构成', val('member_basis', a.member_basis)],
      ['登记日期', fmt.date(a.registered_on)], a.deregistered_on ? ['注销日期', fmt.date(a.deregistered_on)] : null,
      ['主管单位', unit ? h('a', { href: `#/units/${encodeURIComponent(unit.id)}` }, unit.name) : '—'],
      ['关系类型', val('link', a.link)], ['关系取消日期', at(a.link_cancelled_on)],
      ['批次', batch ? `${batch.name}${batch.due ? `（截止 ${fmt.date(batch.due)}）` : '（截止日期按全面完成脱钩期限）'}` : '未分批'],
      ['设有党组织', fmt.bool(a.party_org)], ['事业编制数', fmt.num(a.staffing_quota)],
    ])),
    section('脱钩范围', 'scope', scopeBox),
    section('五分离', 'separations', h('p', { class: 'hint' }, '事项由规则按方案条款生成；完成一项须登记完成日期并上传佐证材料。'), checklistBox),
    h('div', { class: 'no-print' }, section('工作进度', 'progress', progressBox)),
    section('问题', 'findings', findingsBox),
    records,
    section('变更记录', 'history', historyBox),
    dialog);
  drawStage(); drawChecklist(); drawFindings(); drawScope(); drawProgress();
  loadHistory();
  loadRecords(a, ctx, lk, records);
}

// a date as it stood on the as-of date: a later one has not happened yet
let asOfDay = null;
const at = (x) => (x && (!asOfDay || x <= asOfDay) ? fmt.date(x) : '—');
const fieldLabel = (f) => changeField(String(f).split('.').pop());

function workflow(stage) {
  const idx = STAGES.findIndex(([k]) => k === stage);
  return h('ol', { class: 'workflow', 'aria-label': '脱钩工作流程' }, STAGES.map(([k, label], i) =>
    h('li', { class: [i < idx ? 'wf-done' : null, i === idx ? 'wf-current' : null], 'aria-current': i === idx ? 'step' : null },
      h('span', { class: 'wf-num', 'aria-hidden': 'true' }, i < idx ? '✓' : String(i + 1)),
      h('span', { class: 'wf-label' }, label),
      i === idx ? h('span', { class: 'visually-hidden' }, '（当前阶段）') : null)));
}

function scope(a, cl, fi, unit, lk) {
  const o = a.scope_override;
  const scopeF = (fi.findings || []).filter((f) => f.clause === '3');
  const pending = scopeF.length ? h('div', { class: 'alert alert-warn' }, h('strong', null, '待认定：'), scopeF.map((f) => f.message).join('；')) : null;
  if (o) {
    return h('div', null, dl([['认定', o.in_scope ? '纳入脱钩范围（经认定）' : '不纳入脱钩范围（经认定）'], ['原因', o.reason || '—'], ['依据', cite('3', lk)]]), pending);
  }
  const inScope = typeof cl.in_scope === 'boolean' ? cl.in_scope : cl.stage && cl.stage !== 'registered';
  let reason = cl.scope_reason;
  if (!reason) {
    // the server gave no reason: say what the plan's test (三) looks at
    const suffix = (lk.plan.parameters || []).find((p) => p.name === 'name_suffixes');
    const sfx = suffix && Array.isArray(suffix.value) ? suffix.value.find((s) => a.name.endsWith(s)) : null;
    reason = [
      a.link && unit ? `与${unit.name}（${val('unit_kind', unit.kind)}）存在${val('link', a.link)}关系` : '没有主办、主管、联系、挂靠关系或主管单位不是行政机关',
      sfx ? `名称以“${sfx}”结尾` : '名称未以方案列明的后缀结尾',
      a.member_basis ? `会员构成为${val('member_basis', a.member_basis)}` : '会员构成不明'].join('；') + '。';
  }
  return h('div', null,
    dl([['认定', cl.registered === false ? '截至该日未在册' : inScope ? '纳入脱钩范围' : '不在脱钩范围'], ['理由', reason],
      ['截止日期', cl.due ? fmt.date(cl.due) : '—'], ['依据', cite('3', lk)]]),
    pending);
}

// What an item asks for, in the words of a task (labels.js TASK); the
// plan's title when the UI has no task words for its rule.
const taskTitle = (i, lk) => TASK[i.rule] || i.title || lk.rule[i.rule]?.title || i.rule;

// The due date of an item: the finding's while it is open; once done (the
// server then sends none), the one the rule gave it (rules.md), so that a
// done item still shows by when it was owed.  None for the steps the plan
// sets no date for (验收, 审计报告, 章程核准备案).
const DUE_OF_A = ['plan.not-submitted', 'institution.link-active', 'decoupling.incomplete', 'finance.no-independent-account', 'party.not-transferred'];
function stepDue(i, cl, a, lk, summaryDue) {
  if (i.due || i.due_year || i.status !== 'done') return i.due;
  if (DUE_OF_A.includes(i.rule)) return cl.due || null;
  if (i.rule === 'registration.new-with-link') return a.registered_on || null;
  if (i.rule === 'personnel.staffing-quota-not-cancelled') return a.decoupled_on || null;
  if (i.rule === 'finance.asset-inventory-missing') return param(lk, 'asset_inventory_due');
  if (i.rule === 'report.summary-missing') return summaryDue;
  return null;
}
const param = (lk, name) => ((lk.plan.parameters || []).find((p) => p.name === name) || {}).value || null;
async function reportDue(a, lk) {
  const n = Number(param(lk, 'report_workdays'));
  if (!a.decoupled_on || !n) return null;
  try { return (await api.get('calendar/workdays', { from: a.decoupled_on, n })).date; } catch { return null; }
}

function checklists(cl, lk, openDone, dueOf) {
  const seps = cl.separations || [];
  if (!seps.length) return emptyState('该协会没有五分离事项（不在脱钩范围，或截至该日尚未登记）。');
  return seps.map((s) => {
    const items = s.items || [];
    const counts = { done: 0, open: 0, overdue: 0 };
    for (const i of items) if (counts[i.status] !== undefined) counts[i.status]++;
    return h('div', { class: 'separation' },
      h('h3', null, s.name, ' ', (s.clauses || []).map((c) => cite(c, lk)),
        h('span', { class: 'sep-counts' }, `已完成 ${counts.done} · 待办 ${counts.open} · 逾期 ${counts.overdue}`)),
      items.length ? table([
        { label: '状态', cell: (i) => h('span', { class: 'status-cell' }, i.status === 'done' ? stateBadge('done') : i.light ? light(i.light) : stateBadge(i.status), h('span', { class: 'visually-hidden' }, CHECK_STATUS[i.status] || '')) },
        { label: '事项', cell: (i) => h('span', null, h('strong', { class: 'rule-title' }, taskTitle(i, lk)), i.subject_label ? h('span', { class: 'subject' }, `（${i.subject_label}）`) : null,
          i.message && i.status !== 'done' ? [h('br'), h('span', { class: 'msg' }, fmt.sentence(i.message))] : null) },
        { label: '截止日期', cell: (i) => due(dueOf(i), i.rule, lk, i.due_year) },
        { label: '条款', cell: (i) => cite(i.clause, lk) },
        { label: '完成日期', cell: (i) => (i.done_on ? fmt.date(i.done_on) : h('span', { class: 'muted' }, '—')) },
        { label: '佐证材料', cell: (i) => ((i.evidence || []).length ? h('ul', { class: 'evidence' }, i.evidence.map((e) => h('li', null,
          h('a', { href: `/api/v1/evidence/${encodeURIComponent(e.id)}`, download: e.name, title: `SHA-256 ${e.sha256 || ''}` }, e.name), ` ${fmt.bytes(e.size)}`))) : h('span', { class: 'muted' }, '无')) },
        { label: '操作', class: 'no-print', cell: (i) => (i.status === 'open' || i.status === 'overdue') && (i.field || i.done_by === 'step')
          ? h('button', { type: 'button', class: 'btn btn-small', dataset: { rule: i.rule, subject: i.subject ?? '' }, onclick: (e) => openDone(i, e.currentTarget) }, '标记完成')
          : null },
      ], items, { className: 'checklist', rowAttrs: (i) => ({ dataset: { rule: i.rule, subject: i.subject ?? '', status: i.status } }) }) : h('p', { class: 'muted' }, '没有事项。'));
  });
}

// The workflow dates of the association, written with the version they were
// read at; a 409 shows what changed and lets the user apply again on top.
const PROGRESS_FIELDS = ['plan_submitted_on', 'decoupled_on', 'audit_report_on', 'report_submitted_on', 'accepted_on', 'charter_filed_on'];
function progressForm(state, path, ctx, saved) {
  const a = state.a;
  const inputs = {};
  const maxDay = fmt.isoToday();
  const fields = PROGRESS_FIELDS.map((k) => {
    const box = dateInput({ name: k, id: `p-${k}`, value: a[k] || '', max: maxDay });
    const inp = box.querySelector('input');
    liveDateCheck(inp, { notAfter: maxDay });
    inputs[k] = inp;
    return field(FIELD[k], box);
  });
  const conflict = h('div', { class: 'conflict' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, '保存');
  let base = a;
  const form = h('form', { class: 'progress-form', novalidate: true },
    h('div', { class: 'form-errors' }), conflict,
    h('div', { class: 'form-grid' }, fields),
    h('div', { class: 'form-actions' }, save, h('span', { class: 'hint' }, `记录版本 ${a.version ?? '—'}；日期留空表示尚未发生`)));
  // `base` is the record as this form read it; what the user changed is
  // what differs from it.  A re-apply after a 409 puts only those changes on
  // top of the current record, so nobody's edit is lost.
  const mine = () => PROGRESS_FIELDS.filter((k) => (inputs[k].value || null) !== (base[k] || null));
  async function submit(onto) {
    clearErrors(form);
    const bad = PROGRESS_FIELDS.filter((k) => inputs[k].value && !fmt.isIsoDate(inputs[k].value))
      .map((k) => ({ field: k, message: fmt.badDate(inputs[k].value) }));
    if (bad.length) { showErrors(form, { errors: bad }); return; }
    const changed = mine();
    const body = { ...onto };
    for (const k of changed) body[k] = inputs[k].value || null;
    save.disabled = true;
    try {
      const rec = await api.put(path, body);
      replace(conflict);
      base = rec;
      await saved(rec);
    } catch (err) {
      if (err.status === 409 && err.current) {
        const cur = err.current;
        const theirs = PROGRESS_FIELDS.filter((k) => (cur[k] || null) !== (base[k] || null));
        const both = theirs.filter((k) => changed.includes(k));
        replace(conflict, h('div', { class: 'alert alert-warn', role: 'alert' },
          h('p', null, h('strong', null, '该记录已被他人修改。'), '您填写的内容仍保留在下方。重新提交时，只把您改动的字段写到最新记录上，他人的修改保留。'),
          theirs.length || changed.length ? table([
            { label: '字段', cell: (k) => FIELD[k] },
            { label: '您读取时', cell: (k) => fmt.date(base[k]) },
            { label: '他人修改后', cell: (k) => fmt.date(cur[k]) },
            { label: '您填写的', cell: (k) => (changed.includes(k) ? fmt.date(inputs[k].value) : h('span', { class: 'muted' }, '未改动')) },
            { label: '重新提交后', cell: (k) => [fmt.date(changed.includes(k) ? inputs[k].value : cur[k]), both.includes(k) ? h('span', { class: 'tag' }, '以您的为准') : null] },
          ], [...new Set([...theirs, ...changed])]) : h('p', null, '进度日期没有变化，其他字段有修改。'),
          h('div', { class: 'form-actions' },
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => {
              const keep = mine();
              const typed = Object.fromEntries(keep.map((k) => [k, inputs[k].value]));
              base = cur;
              for (const k of PROGRESS_FIELDS) inputs[k].value = k in typed ? typed[k] : cur[k] || '';
              submit(cur);
            } }, '在最新记录上重新提交'),
            h('button', { type: 'button', class: 'btn btn-plain', onclick: () => { base = cur; for (const k of PROGRESS_FIELDS) inputs[k].value = cur[k] || ''; replace(conflict); } }, '放弃我的修改'))));
      } else showErrors(form, err);
    } finally { save.disabled = false; }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(base); });
  return form;
}

function history(items, names) {
  if (!items.length) return emptyState('还没有变更记录。');
  return h('ol', { class: 'history' }, items.map((e) => {
    let changes = e.changes || (e.field ? [{ field: e.field, from: e.from, to: e.to }] : []);
    let what = e.summary || e.action;
    if (!changes.length && ('before' in e || 'after' in e)) {
      const b = e.before || {};
      const a = e.after || {};
      changes = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== 'version' && JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null))
        .map((k) => ({ field: k, from: b[k], to: a[k] }));
      const arr = ARRAY[e.array] || e.array || '记录';
      what = what || (!e.before ? `新增${arr}` : !e.after ? `删除${arr}` : `修改${arr}`);
      if (e.array && e.array !== 'associations' && e.key) what += `（${e.key}）`;
      if (!e.before && changes.length > 8) changes = [];
    }
    return h('li', null,
      h('span', { class: 'hist-time' }, fmt.dateTime(e.at || e.time || e.changed_at || e.created_at)),
      h('span', { class: 'hist-what' }, what || '修改', e.by || e.user ? h('span', { class: 'muted' }, `（${e.by || e.user}）`) : null),
      changes.length ? h('ul', { class: 'hist-changes' }, changes.map((c) => h('li', null,
        `${changeField(c.field)}：${valueText(c.field, c.from, names)} → ${valueText(c.field, c.to, names)}`))) : null);
  }));
}

async function loadRecords(a, ctx, lk, box) {
  const q = { association: a.uscc };
  try {
    let [posts, staff, premises, assets, money, functions, elections, reports, listings, foreign] = await Promise.all(
      ['posts', 'staff', 'premises', 'assets', 'appropriations', 'functions', 'elections', 'annual_reports', 'credit_listings', 'foreign_approvals']
        .map((arr) => all(arr, q)));
    // the register as it stood on the as-of date: what had not begun by then is left out
    const d = ctx.asOf;
    let hidden = 0;
    const upTo = (list, key) => list.filter((r) => { const ok = !r[key] || r[key] <= d; if (!ok) hidden++; return ok; });
    [posts, staff, premises, assets] = [posts, staff, premises, assets].map((l) => upTo(l, 'from'));
    [money, elections, listings, foreign] = [money, elections, listings, foreign].map((l) => upTo(l, 'on'));
    reports = upTo(reports, 'submitted_on');
    const pids = [...new Set(posts.map((t) => t.person))];
    const persons = {};
    await Promise.all(pids.map((id) => api.get(`persons/${encodeURIComponent(id)}`).then((p) => { persons[id] = p; }).catch(() => {})));
    if (!ctx.alive()) return;
    const active = (r) => r.from <= ctx.asOf && (!r.to || ctx.asOf < r.to);
    const period = (r) => `${fmt.date(r.from)} 至 ${r.to && r.to <= ctx.asOf ? fmt.date(r.to) : '今'}`;
    const activeBadge = (r) => (r.from > ctx.asOf ? h('span', { class: 'muted' }, '尚未开始') : active(r) ? '在任' : h('span', { class: 'muted' }, '已结束'));
    posts.sort((x, y) => (active(y) - active(x)) || String(y.from).localeCompare(String(x.from)));
    const lastBoards = elections.slice().sort((x, y) => String(y.on).localeCompare(String(x.on))).slice(0, 5);
    replace(box,
      hidden ? h('p', { class: 'hint no-print' }, `以下按截至 ${fmt.date(d)} 的登记簿显示；该日以后才发生的 ${fmt.num(hidden)} 条记录未列出。`) : null,
      section('人员与任职', 'people', table([
        { label: '姓名', rowHeader: true, cell: (t) => persons[t.person]?.name || t.person },
        { label: '公民身份号码', class: 'id-cell', cell: (t) => (persons[t.person] ? idNumber(persons[t.person], ctx.user) : '—') },
        { label: '职务', cell: (t) => [val('role', t.role), t.legal_representative ? h('span', { class: 'tag' }, '法定代表人') : null] },
        { label: '任职期间', cell: period },
        { label: '状态', cell: activeBadge },
        { label: '公务员（含参公、在职工作人员）', cell: (t) => fmt.bool(persons[t.person]?.civil_servant) },
        { label: '领导干部', cell: (t) => fmt.bool(persons[t.person]?.leading_cadre) },
        { label: '取酬', cell: (t) => fmt.bool(t.paid) },
        { label: '审批备案', cell: (t) => (t.approval ? `${val('approval_kind', t.approval.kind)} ${t.approval.ref || ''} ${fmt.date(t.approval.on)}` : '—') },
      ], posts, { className: 'people-table', empty: '还没有任职记录，可从导入页上传含“任职”的表格。' })),
      section('工作人员', 'staff', table([
        { label: '姓名', rowHeader: true, cell: (s) => s.name || s.id },
        { label: '在职期间', cell: period },
        { label: '劳动合同签订日期', cell: (s) => at(s.labor_contract_on) },
        { label: '社保参保日期', cell: (s) => at(s.social_insurance_on) },
      ], staff, { empty: '还没有工作人员记录，可从导入页上传含“工作人员”的表格。' })),
      section('办公用房', 'premises', table([
        { label: '地址', rowHeader: true, cell: (p) => p.address || '—' },
        { label: '产权性质', cell: (p) => val('owner', p.owner) },
        { label: '使用面积（㎡）', num: true, cell: (p) => fmt.num(p.area) },
        { label: '核定面积（㎡）', num: true, cell: (p) => fmt.num(p.approved_area) },
        { label: '与主管单位合署办公', cell: (p) => fmt.bool(p.co_located_with_unit) },
        { label: '使用期间', cell: period },
      ], premises, { empty: '还没有办公用房记录。' })),
      section('资产', 'assets', table([
        { label: '名称', rowHeader: true, cell: (x) => x.name || x.id },
        { label: '国有资产', cell: (x) => fmt.bool(x.state_owned) },
        { label: '价值（元）', num: true, cell: (x) => fmt.money(x.value) },
        { label: '占用期间', cell: period },
        { label: '登记日期', cell: (x) => at(x.registered_on) },
      ], assets, { empty: '还没有资产记录。' })),
      section('财政资金', 'money', table([
        { label: '年度', cell: (x) => String(x.year) },
        { label: '类型', cell: (x) => val('appropriation_kind', x.kind) },
        { label: '金额（元）', num: true, cell: (x) => fmt.money(x.amount) },
        { label: '日期', cell: (x) => fmt.date(x.on) },
        { label: '购买服务事项', cell: (x) => x.purchase_item || '—' },
      ], money.sort((x, y) => String(y.on).localeCompare(String(x.on))), { empty: '没有财政资金记录。' })),
      section('职能', 'functions', table([
        { label: '名称', rowHeader: true, cell: (x) => x.name || x.id },
        { label: '处置方式', cell: (x) => val('disposition', x.disposition) },
        { label: '剥离日期', cell: (x) => at(x.stripped_on) },
        { label: '法律依据', cell: (x) => x.legal_basis || '—' },
        { label: '购买服务合同', cell: (x) => x.purchase_ref || '—' },
      ], functions, { empty: '还没有职能记录；主管单位印发职能清单后可在导入页上传。' })),
      section('综合监管', 'supervision',
        h('h3', null, '换届选举（最近 5 次）'),
        table([
          { label: '机构', cell: (x) => val('body', x.body) }, { label: '日期', cell: (x) => fmt.date(x.on) },
          { label: '任期（年）', num: true, cell: (x) => fmt.num(x.term_years) },
          { label: '差额选举', cell: (x) => fmt.bool(x.contested) }, { label: '无记名投票', cell: (x) => fmt.bool(x.secret_ballot) }], lastBoards, { empty: '没有换届选举记录。' }),
        h('h3', null, '年度工作报告'),
        table([{ label: '年度', cell: (x) => String(x.year) }, { label: '报送日期', cell: (x) => fmt.date(x.submitted_on) }],
          reports.sort((x, y) => y.year - x.year), { empty: '没有年度工作报告记录。' }),
        h('h3', null, '信用名录'),
        table([{ label: '名录', cell: (x) => val('list', x.list) }, { label: '日期', cell: (x) => fmt.date(x.on) },
          { label: '原因', cell: (x) => x.reason || '—' }, { label: '移出日期', cell: (x) => at(x.removed_on) }], listings, { empty: '未列入信用名录。' }),
        h('h3', null, '外事审批'),
        table([{ label: '日期', cell: (x) => fmt.date(x.on) }, { label: '审批单位', cell: (x) => lk.unit[x.approver_unit]?.name || x.approver_unit || '—' }],
          foreign, { empty: '没有外事审批记录。' })));
  } catch (e) {
    if (ctx.alive()) replace(box, errorBox(e));
  }
}
