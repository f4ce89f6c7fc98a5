// 年度工作报告 (issue 17): an association files its annual report, civil
// affairs keeps the reports and the elections (换届选举) of every
// association (records.js: the fields each role may write come from the
// server).
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/annual_reports', title: '年度工作报告', intro: '年度工作报告和换届选举',
    arrays: ['annual_reports', 'elections'],
  });
}
