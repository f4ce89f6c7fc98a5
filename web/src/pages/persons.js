// 人员与任职 (issue 17): the staff of the associations (工作人员, with
// their labor contracts and social insurance, bundle.md), the posts (任职)
// and the persons who hold them, each role writing only its own fields
// (records.js, GET /api/v1/rights): an association keeps its staff, a unit
// its associations' posts and persons, 组织部 the officials' posts.
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/persons', title: '人员与任职', intro: '工作人员、任职和兼职人员',
    arrays: ['staff', 'posts', 'persons', 'premises'],
  });
}
