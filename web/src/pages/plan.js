// 政策条款: the plan as data: each clause with its text and the rules that
// check it, and the plan's parameters.  The clause text without the
// editors' notes; 编者注 shows them (ui.js clauseText).
import { h, replace } from '../dom.js';
import { lookups } from '../api.js';
import * as fmt from '../fmt.js';
import { table, section, clauseText } from '../ui.js';

export async function render(root, ctx) {
  ctx.crumbs([['政策条款']]);
  const { plan } = await lookups();
  if (!ctx.alive()) return;
  const cite = Object.fromEntries((plan.clauses || []).map((c) => [c.id, c.cite]));
  const want = ctx.query.c;
  const paramValue = (p) => (Array.isArray(p.value) ? p.value.join('、') : /^\d{4}-\d{2}-\d{2}$/.test(p.value) ? fmt.date(p.value) : String(p.value));
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '政策条款'),
      h('p', { class: 'page-sub' }, `${plan.title || ''}（${plan.number || ''}）`, plan.issued_on ? `，${fmt.date(plan.issued_on)}印发` : ''),
      h('div', { class: 'head-actions no-print' }, h('button', { type: 'button', class: 'btn btn-plain', onclick: () => window.print() }, '打印'))),
    (plan.issuers || []).length ? h('p', { class: 'muted' }, `印发机关：${plan.issuers.join('、')}`) : null,
    h('nav', { class: 'toc no-print', 'aria-label': '条款目录' }, h('ul', null, (plan.clauses || []).map((c) => h('li', null,
      h('a', { href: `#/plan?c=${encodeURIComponent(c.id)}` }, `${c.cite} ${c.heading || ''}`))))),
    (plan.clauses || []).map((c) => h('article', { class: ['card', 'clause', c.id === want ? 'clause-target' : null], id: `clause-${c.id}`, 'aria-labelledby': `clause-${c.id}-h` },
      h('h2', { id: `clause-${c.id}-h` }, h('span', { class: 'clause-cite' }, c.cite), ' ', c.heading || ''),
      clauseText(c),
      (c.rules || []).length ? h('div', { class: 'clause-rules' }, h('h3', null, `据此检查的规则与应办事项（${c.rules.length} 项）`),
        table([
          { label: '编号', class: 'mono', cell: (r) => r.id },
          { label: '类别', cell: (r) => (r.kind === 'obligation' ? '应办事项' : '规则') },
          { label: '内容', cell: (r) => h('a', { href: `#/findings?rule=${encodeURIComponent(r.id)}` }, r.title) },
          { label: '依据', cell: (r) => r.basis || '本方案' }], c.rules, { className: 'compact' }))
        : h('p', { class: 'muted' }, '本条没有对应的检查规则。'))),
    section('方案参数', 'params', table([
      { label: '参数', class: 'mono', cell: (p) => p.name },
      { label: '含义', cell: (p) => p.label || '—' },
      { label: '取值', cell: paramValue },
      { label: '条款', cell: (p) => (p.clause && cite[p.clause] ? h('a', { href: `#/plan?c=${encodeURIComponent(p.clause)}` }, cite[p.clause]) : p.clause === 'header' ? '文件首部' : p.clause || '—') }],
    plan.parameters || [])));
  if (want) {
    const el = document.getElementById(`clause-${want}`);
    if (el) { el.scrollIntoView({ block: 'start' }); const hh = el.querySelector('h2'); hh.setAttribute('tabindex', '-1'); hh.focus({ preventScroll: true }); }
  }
}
