// labels.js: the Chinese words of tuogou, from the glossary (one word for one
// thing, everywhere).  Nothing else on screen should invent a term.

export const FIELD = {
  id: '编号', uscc: '统一社会信用代码', name: '名称', kind: '类型', level: '层级',
  member_basis: '会员构成', registered_on: '登记日期', deregistered_on: '注销日期', unit: '主管单位',
  link: '关系类型', link_cancelled_on: '关系取消日期', scope_override: '范围认定', batch: '批次',
  plan_submitted_on: '脱钩方案报送日期', decoupled_on: '脱钩完成日期', report_submitted_on: '工作总结报送日期',
  accepted_on: '验收日期', return_reason: '退回理由', unmet: '未满足的验收条件', audit_report_on: '审计报告日期', independent_account_on: '独立账户日期',
  asset_inventory_on: '资产清查日期', party_org: '设有党组织', party_transferred_on: '党建关系移交日期',
  charter_filed_on: '章程核准备案日期', staffing_quota: '事业编制数', staffing_quota_cancelled_on: '编制核销日期',
  function_list_on: '职能清单印发日期', id_number: '公民身份号码', civil_servant: '公务员（含参公、在职工作人员）',
  leading_cadre: '领导干部', retired_on: '退休日期', left_public_service_on: '辞去公职日期', person: '人员编号',
  association: '协会统一社会信用代码', role: '职务', legal_representative: '法定代表人', from: '起始日期',
  to: '终止日期', recommended_by_unit: '主管单位推荐安排', paid: '取酬', approval: '审批备案',
  departure_audit_on: '离任审计日期', labor_contract_on: '劳动合同签订日期', social_insurance_on: '社保参保日期',
  address: '地址', owner: '产权性质', area: '使用面积（㎡）', approved_area: '核定面积（㎡）',
  co_located_with_unit: '与主管单位合署办公', state_owned: '国有资产', value: '价值（元）', year: '年度',
  amount: '金额（元）', on: '日期', purchase_item: '购买服务事项', disposition: '处置方式', stripped_on: '剥离日期',
  legal_basis: '法律依据', purchase_ref: '购买服务合同', task: '任务', clause: '条款',
  higher_level_doc_on: '上级文件印发日期', issued_on: '印发日期', published_on: '公开日期', body: '机构',
  term_years: '任期（年）', contested: '差额选举', secret_ballot: '无记名投票', submitted_on: '报送日期',
  approver_unit: '审批单位', list: '名录', reason: '原因', removed_on: '移出日期', due: '截止日期',
  evidence: '佐证材料', file: '佐证材料', version: '版本',
  // not in the glossary's sheets, but in the records of accounts, settings
  // and the audit log (what the audit page shows as field / before / after)
  username: '用户名', display_name: '姓名', department: '职能部门', totp: '动态口令', locked: '锁定',
  locked_until: '锁定至', require_totp: '所有账户须使用动态口令', in_scope: '纳入脱钩范围', ref: '文号',
  format: '格式', records: '记录数', sha256: 'SHA-256 校验值', size: '大小（字节）', rule: '规则',
  subject: '事项对象', alg: '算法', request: '申请编号', jurisdiction: '辖区', path: '路径', count: '条数', method: '请求方式',
  urge: '催办记录编号', as_of: '截至日期', n_items: '逾期事项数', message: '附言', mail_status: '邮件发送结果',
  mail_to: '邮件收件人', mail_error: '邮件失败原因',
};

export const VALUE = {
  unit_kind: { organ: '行政机关', organ_affiliate: '行政机关下属单位', civil_service_managed: '参照公务员法管理单位', other: '其他' },
  level: { city: '全市性', county: '县级' },
  member_basis: { industry_units: '同业单位', trade_persons: '同业人员', regional_orgs: '同地域经济组织', other: '其他' },
  link: { sponsor: '主办', supervisor: '主管', liaison: '联系', host: '挂靠' },
  role: { president: '会长（理事长）', vice_president: '副会长', secretary_general: '秘书长', director: '理事', supervisor: '监事', dispatched_supervisor: '委派监事', other: '其他' },
  owner: { administrative: '行政办公用房', own: '自有', leased: '租用' },
  appropriation_kind: { direct: '财政直接拨款', purchase: '政府购买服务' },
  disposition: { administrative: '行政职能（应剥离）', transfer: '移交', entrust: '购买服务委托', retain_by_law: '依法保留' },
  approval_kind: { approval: '审批', filing: '备案' },
  body: { assembly: '会员（代表）大会', board: '理事会', supervisors: '监事会' },
  list: { abnormal: '活动异常名录', serious: '严重违法失信名单' },
  finding_state: { open: '待办', overdue: '逾期' },
  department: { finance: '财政局', offices: '机关事务管理局', organization: '组织部', staffing: '编办', audit: '审计局', price: '价格主管部门' },
};

export const val = (kind, v) => (v === null || v === undefined || v === '' ? '—' : VALUE[kind]?.[v] ?? String(v));

export const STAGES = [
  ['registered', '在册'], ['in_scope', '纳入范围'], ['plan_submitted', '方案已报'],
  ['decoupled', '脱钩完成'], ['summary_submitted', '总结已报'], ['accepted', '已验收'],
];
export const STAGE = Object.fromEntries(STAGES);

// The events of the audit log (审计日志 and its CSV).
export const EVENT = {
  login: '登录', login_failed: '登录失败', lockout: '账户锁定', logout: '退出',
  write: '修改记录', import: '导入', export: '导出', reveal_id: '查看完整公民身份号码',
  user_add: '新增用户', role_change: '角色变更', user_lock: '锁定账户', user_unlock: '解锁账户',
  password_reset: '重置密码', user_update: '修改用户', totp_set: '设置动态口令', totp_clear: '清除动态口令',
  user_request: '提出账户申请', user_approve: '批准账户申请', user_reject: '驳回账户申请', user_request_failed: '账户申请无法执行',
  setting: '系统设置', plan_set: '载入方案', evidence_upload: '上传佐证材料', evidence_attach: '关联佐证材料',
  access_denied: '越权访问被拒绝', audit_purge: '清除过期审计记录', audit_keyed: '审计记录启用密钥散列',
  key_rotate: '更换密钥', backup: '备份', restore: '恢复',
  acceptance_override: '例外验收', summary_return: '退回工作总结',
  urge_send: '发送催办', urge_mail: '催办邮件', urge_acknowledge: '签收催办',
};
export const OUTCOME = { ok: '成功', failed: '失败', denied: '拒绝' };

// What became of a 催办's mail (GET /api/v1/urges mail_status).
export const MAIL_STATUS = {
  none: '未配置邮件', no_recipients: '该单位未配置收件邮箱', pending: '邮件待发送',
  sent: '邮件已发送', failed: '邮件发送失败',
};

export const ROLE = {
  office: '联合工作组办公室', civil_affairs: '民政局', unit: '主管单位', department: '职能部门',
  association: '行业协会商会', sysadmin: '系统管理员', secadmin: '安全管理员', auditor: '安全审计员',
};

export const LIGHT = {
  red: { word: '逾期', icon: '✕' },
  yellow: { word: '临近', icon: '!' },
  green: { word: '正常', icon: '✓' },
};

// The checklist says what is to be done (设立独立账户), where a finding says
// what is wrong (未设立独立账户): the task of each rule an item can carry.
export const TASK = {
  'plan.not-submitted': '报送脱钩实施方案',
  'institution.link-active': '取消主办、主管、联系、挂靠关系',
  'registration.new-with-link': '取消新登记协会的主办、主管、联系、挂靠关系',
  'institution.shared-office': '与主管单位分开办公',
  'decoupling.incomplete': '完成脱钩',
  'report.summary-missing': '报送工作总结',
  'acceptance.pending': '验收',
  'audit.report-missing': '出具审计报告',
  'personnel.official-holds-post': '在职公务员退出协会任职',
  'personnel.cooling-off-unapproved': '退休三年内兼职履行审批',
  'personnel.post-retirement-unfiled': '退休三年后兼职履行审批或备案',
  'personnel.placed-by-unit': '纠正主管单位推荐安排的任职',
  'personnel.retired-cadre-paid': '停止退休领导干部兼职取酬',
  'personnel.retired-cadre-over-age': '超过年龄界限的兼职退出',
  'personnel.retired-cadre-multiple-posts': '兼职数量减至规定以内',
  'personnel.no-labor-contract': '签订劳动合同',
  'personnel.no-social-insurance': '参加社会保险',
  'personnel.staffing-quota-not-cancelled': '核销事业编制',
  'finance.no-independent-account': '设立独立账户',
  'finance.asset-inventory-missing': '完成资产清查登记',
  'finance.state-asset-unregistered': '登记使用的国有资产',
  'finance.direct-appropriation': '停止财政直接拨款',
  'office.excess-area': '腾退超出核定面积的行政办公用房',
  'office.administrative-space': '腾退暂用的行政办公用房',
  'function.list-missing': '印发职能清单',
  'function.administrative-not-stripped': '剥离行政职能',
  'function.entrusted-without-purchase': '委托职能签订购买服务合同',
  'party.not-transferred': '移交党建关系',
  'foreign.approved-by-former-unit': '外事改由规定机关审批',
  'charter.not-filed': '章程核准备案',
  'annual-report.missing': '报送年度工作报告',
  'governance.term-expired': '理事会按期换届',
  'governance.election-irregular': '换届实行差额选举和无记名投票',
  'governance.dispatched-supervisor-paid': '委派监事停止取酬',
  'governance.dispatched-supervisor-holds-post': '委派监事退出协会兼职',
  'governance.departure-audit-missing': '法定代表人离任审计',
};

export const CHECK_STATUS = { done: '已完成', open: '待办', overdue: '逾期', 'n/a': '不适用' };

export const ARRAY = {
  batches: '批次', units: '主管单位', associations: '行业协会商会', persons: '人员', posts: '任职',
  staff: '工作人员', premises: '办公用房', assets: '资产', appropriations: '财政资金', functions: '职能',
  unit_tasks: '配套文件', elections: '换届选举', annual_reports: '年度工作报告', foreign_approvals: '外事审批',
  credit_listings: '信用名录', evidence: '佐证材料',
};

// Support and supervision after decoupling (五, supervision.md; issue 13):
// the nine arrays' names, their coded values and each array's fields in
// order, with the labels of src/core/schema.c (supervision.md's words).
// Fields: [key, label, type, value kind]; type date, money, enum, ref, text.
Object.assign(ARRAY, {
  jurisdictions: '行政区划', service_purchases: '政府购买服务', fees: '收费项目',
  awards: '评比达标表彰活动', tax_exemptions: '非营利组织免税资格', ratings: '社会组织评估等级',
  credit_commitments: '信用承诺', evaluations: '社会评价与第三方评估', exit_cases: '退出案件',
  steps: '办结记录',
});
Object.assign(VALUE, {
  jurisdiction_level: { national: '全国', province: '省级', city: '市级', county: '县级' },
  purchase_grade: { excellent: '优秀', qualified: '合格', unqualified: '不合格' },
  rating_grade: { '1A': '1A级', '2A': '2A级', '3A': '3A级', '4A': '4A级', '5A': '5A级' },
  evaluation_kind: { social: '社会评价', third_party: '第三方评估' },
  exit_reason: { functions_unclear: '职能不清', abnormal_operation: '业务不正常', unfit: '不适应发展', missing_reports: '连续未报年度工作报告', other: '其他' },
  exit_outcome: { deregistered: '注销', revoked: '撤销', kept: '保留' },
});
Object.assign(FIELD, {
  catalogue_ref: '目录事项', signed_on: '签署日期', starts_on: '服务起始日期', ends_on: '服务终止日期',
  evaluated_on: '绩效评价日期', grade: '评价结果', basis: '收费依据', standard: '收费标准',
  approved_ref: '批准文号', approved_on: '批准日期', held_on: '举办日期', valid_from: '有效期起始日期',
  valid_to: '有效期终止日期', renewal_applied_on: '复审申请日期', rated_on: '评估日期',
  evaluator: '评价机构', result: '结果', opened_on: '立案日期', notified_on: '告知日期',
  decided_on: '决定日期', outcome: '处理结果', item: '服务事项', parent: '上级区划',
  objection_on: '异议提出日期', objection_decided_on: '异议处理日期', rectified_on: '整改完成日期',
  public_notice_on: '任职前公示日期',
});
const A = ['association', '协会统一社会信用代码', 'ref'];
export const SUPERVISION = {
  service_purchases: [['id', '编号', 'text'], A, ['unit', '购买单位', 'unit'], ['item', '服务事项', 'text'],
    ['catalogue_ref', '目录事项', 'text'], ['amount', '金额（元）', 'money'], ['signed_on', '合同签订日期', 'date'],
    ['starts_on', '服务起始日期', 'date'], ['ends_on', '服务终止日期', 'date'], ['evaluated_on', '绩效评价日期', 'date'],
    ['grade', '评价结果', 'enum', 'purchase_grade'], ['published_on', '公开日期', 'date']],
  fees: [['id', '编号', 'text'], A, ['name', '收费项目名称', 'text'], ['basis', '收费依据', 'text'],
    ['standard', '收费标准', 'text'], ['approved_ref', '批准文号', 'text'], ['published_on', '公开日期', 'date'],
    ['from', '起始日期', 'date'], ['to', '终止日期', 'date']],
  awards: [['id', '编号', 'text'], A, ['name', '活动名称', 'text'], ['approved_ref', '批准文号', 'text'],
    ['approved_on', '批准日期', 'date'], ['held_on', '举办日期', 'date']],
  tax_exemptions: [['id', '编号', 'text'], A, ['ref', '认定文号', 'text'], ['valid_from', '有效期起始日期', 'date'],
    ['valid_to', '有效期终止日期', 'date'], ['renewal_applied_on', '复审申请日期', 'date']],
  ratings: [['id', '编号', 'text'], A, ['grade', '评估等级', 'enum', 'rating_grade'], ['rated_on', '评估日期', 'date'],
    ['valid_to', '有效期终止日期', 'date'], ['published_on', '公开日期', 'date']],
  credit_commitments: [['id', '编号', 'text'], A, ['signed_on', '签署日期', 'date'], ['published_on', '公开日期', 'date']],
  evaluations: [['id', '编号', 'text'], A, ['kind', '类型', 'enum', 'evaluation_kind'], ['evaluator', '评价机构', 'text'],
    ['on', '日期', 'date'], ['result', '结果', 'text'], ['published_on', '公开日期', 'date']],
  exit_cases: [['id', '编号', 'text'], A, ['reason', '退出原因', 'enum', 'exit_reason'], ['opened_on', '立案日期', 'date'],
    ['notified_on', '告知日期', 'date'], ['decided_on', '决定日期', 'date'], ['outcome', '处理结果', 'enum', 'exit_outcome']],
  jurisdictions: [['id', '区划代码', 'text'], ['name', '名称', 'text'], ['level', '层级', 'enum', 'jurisdiction_level'],
    ['parent', '上级区划', 'text']],
};
// Who writes each array (src/app/rights.c): roles, or department:kind.
export const SUPERVISION_WRITERS = {
  jurisdictions: ['office', 'civil_affairs'],
  service_purchases: ['office', 'civil_affairs', 'department:finance'],
  fees: ['office', 'civil_affairs', 'department:price'],
  awards: ['office', 'civil_affairs', 'department:price'],
  tax_exemptions: ['office', 'civil_affairs', 'department:finance'],
  ratings: ['office', 'civil_affairs'], credit_commitments: ['office', 'civil_affairs'],
  evaluations: ['office', 'civil_affairs'], exit_cases: ['office', 'civil_affairs'],
};

// The record pages of every role (issue 17): 人员与任职, 工作总结与验收,
// 信用名录, 年度工作报告, 职能清单.  Which fields a role may write comes from
// the server (GET /api/v1/rights, generated from src/app/rights.c), never
// from here.
Object.assign(FIELD, { approval_kind: '审批备案类型', approval_ref: '审批备案文号', approval_on: '审批备案日期' });
// The steps of a record's workflow in order (信用名录: 列入 → 异议 →
// 整改 → 移出; 退出案件: 立案 → 告知 → 决定): the date field each step sets
// and the step's name.  Due dates come from the plan (the rights answer's
// steps[]: anchor, offset, done).
export const WORKFLOW = {
  credit_listings: [['on', '列入名录'], ['objection_on', '提出异议'], ['objection_decided_on', '异议处理'],
    ['rectified_on', '整改完成'], ['removed_on', '移出名录']],
  exit_cases: [['opened_on', '立案'], ['notified_on', '告知'], ['decided_on', '作出决定']],
};
// What a refused request is told, by the server's code (never the code
// itself, never an English field key): field is the field's label or null.
export const REFUSAL = {
  forbidden: () => '当前角色无权进行此操作',
  field_forbidden: (f) => (f ? `当前角色无权修改“${f}”` : '当前角色无权修改此项'),
  not_found: (f) => (f ? `“${f}”不存在或不在本角色的管辖范围内` : '没有找到要访问的内容'),
  unauthenticated: () => '登录已超时，请重新登录',
  csrf: () => '页面已过期，请刷新后重试',
  version_conflict: () => '该记录已被他人修改，请刷新后重试',
  duplicate_key: (f) => (f ? `“${f}”已存在，请换一个` : '该编号已存在，请换一个'),
};
