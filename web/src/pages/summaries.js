// 工作总结与验收 (issue 17): every association's way through the plan's
// stages (方案已报 → 脱钩完成 → 总结已报 → 已验收) with its dates and a
// returned summary's reason; 查看 opens the association, where the office
// accepts or returns the summary.  Filtered by stage (state=).
import { h } from '../dom.js';
import { STAGES } from '../labels.js';
import { field } from '../ui.js';
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/summaries', title: '工作总结与验收', intro: '各协会的脱钩方案、工作总结和验收',
    arrays: ['associations'], readOnly: true,
    query: { sort: 'name', state: ctx.query?.state, as_of: ctx.asOf },
    columns: { associations: ['name', 'unit', 'plan_submitted_on', 'decoupled_on', 'report_submitted_on', 'accepted_on', 'return_reason'] },
    head: (c) => {
      const pick = h('select', { id: 'summary-stage', name: 'state' }, h('option', { value: '' }, '全部'),
        STAGES.map(([k, l]) => h('option', { value: k, selected: k === c.query?.state }, l)));
      pick.addEventListener('change', () => c.setQuery({ state: pick.value }));
      return h('div', { class: 'filters no-print' }, field('阶段', pick));
    },
    link: (rec) => h('a', { href: `#/associations/${encodeURIComponent(rec.uscc)}` }, '查看'),
  });
}
