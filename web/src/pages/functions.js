// 职能清单 (issue 17): a supervising unit lists the functions its
// associations held (名称, 处置方式: 剥离, 移交, 购买服务委托, 依法保留) and
// the 配套文件 it issues; the fields each role may write come from the
// server (records.js).
import { recordsPage } from './records.js';

export function render(root, ctx) {
  return recordsPage(root, ctx, {
    path: '#/functions', title: '职能清单', intro: '协会承担的职能及其处置，主管单位的配套文件',
    arrays: ['functions', 'unit_tasks'],
  });
}
