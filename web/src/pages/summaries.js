// 工作总结与验收 (issue 17): every association's way through the plan's
// stages (方案已报 → 脱钩完成 → 总结已报 → 已验收) with its dates and a
// returned summary's reason; 查看 opens the association, where the office
// accepts or returns the summary.  Filtered by stage (state=).
import { h } from '../dom.js';
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/summaries', title: '工作总结与验收', intro: '各协会的脱钩方案、工作总结和验收',
    arrays: ['associations'], readOnly: true,
    query: { sort: 'name', state: ctx.query?.state },
    columns: { associations: ['name', 'unit', 'plan_submitted_on', 'decoupled_on', 'report_submitted_on', 'accepted_on', 'return_reason'] },
    link: (rec) => h('a', { href: `#/associations/${encodeURIComponent(rec.uscc)}` }, '查看'),
  });
}
