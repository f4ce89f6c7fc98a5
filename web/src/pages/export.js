// 导出: every list of the register as an Excel workbook (Chinese headers,
// frozen header row, filters, dates as dates, ID numbers masked), limited to
// what the user may see; the import template; and the PDF progress report
// for the roles that see every association.
import { h, replace } from '../dom.js';
import * as fmt from '../fmt.js';
import { ARRAY } from '../labels.js';
import { section, downloadButton } from '../ui.js';

const LISTS = [
  ['associations', '行业协会商会名录'], ['findings', '问题清单（按截至日期）'], ['units', '主管单位'],
  ['persons', '人员（身份号码已遮蔽）'], ['posts', '任职'], ['staff', '工作人员'], ['premises', '办公用房'],
  ['assets', '资产'], ['appropriations', '财政资金'], ['functions', '职能'], ['unit_tasks', '配套文件（责任分工）'],
  ['elections', '换届选举'], ['annual_reports', '年度工作报告'], ['foreign_approvals', '外事审批'], ['credit_listings', '信用名录'],
];
export const REPORT_ROLES = ['office', 'civil_affairs', 'department'];

export async function render(root, ctx) {
  ctx.crumbs([['导出']]);
  const rows = LISTS.map(([key, label]) => h('tr', null,
    h('th', { scope: 'row' }, label),
    h('td', { class: 'muted' }, key === 'findings' ? `截至 ${fmt.date(ctx.asOf)}` : ARRAY[key] ? `工作表“${ARRAY[key]}”` : ''),
    h('td', null, downloadButton('下载 Excel', `export/${key}.xlsx`, () => ({ as_of: ctx.asOf }), { id: `export-${key}` }))));
  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, '导出'),
      h('p', { class: 'page-sub' }, ctx.user.role === 'unit' ? '导出本单位主管的协会及其记录。' : ctx.user.role === 'association' ? '导出本协会的记录。' : '导出登记簿中的各类清单。')),
    section('清单（Excel）', 'export-lists',
      h('p', { class: 'hint' }, '每个清单一个工作表，中文表头，首行冻结并可筛选，日期为日期格式；公民身份号码只显示前 6 位和后 4 位。导出的工作簿可在导入页改后导入（人员表的身份号码已遮蔽，须补全后才能导入）。'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '清单'), h('th', { scope: 'col' }, '说明'), h('th', { scope: 'col' }, '下载'))),
        h('tbody', null, rows)))),
    REPORT_ROLES.includes(ctx.user.role) ? section('报告（PDF）', 'export-reports',
      h('p', null, `联合工作组会议用的工作进展情况报告，截至 ${fmt.date(ctx.asOf)}：总体进展、分批次和分单位进度图、五分离完成情况、逾期事项和配套文件。`),
      downloadButton('下载工作进展报告（PDF）', 'reports/progress.pdf', () => ({ as_of: ctx.asOf }), { id: 'export-progress-pdf', primary: true })) : null,
    section('导入模板', 'export-template',
      h('p', null, '空白的 xlsx 模板：每个数组一个工作表，中文表头，表头批注说明字段要求，类型字段有下拉选项。'),
      downloadButton('下载导入模板（xlsx）', 'export/template.xlsx', null, { id: 'export-template-xlsx' })));
}
