// 信用名录 (issue 17; 五(二), supervision.md): civil affairs lists an
// association in the 活动异常名录 or the 严重违法失信名单, and each listing
// goes through its steps (提出异议 → 异议处理, 整改完成 → 移出名录), each with
// its due date from the plan and its evidence (records.js workflowPanel).
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/credit', title: '信用名录', intro: '活动异常名录和严重违法失信名单',
    arrays: ['credit_listings'],
  });
}
