/*
** schema.c: the description of every bundle array and field (bundle.md),
** with the Chinese labels of glossary.md.
**
** This table is the single source of truth that the bundle reader and
** writer, the SQLite and PostgreSQL stores, the CSV/XLSX importers and the
** web forms walk.  Adding a field is: a member in register.h, a line here, a
** column in the next migration.
*/
#include <stddef.h>
#include <string.h>

#include "register.h"

static const tg_enum_value unit_kinds[] = {
	{"organ", "行政机关"},
	{"organ_affiliate", "行政机关下属单位"},
	{"civil_service_managed", "参照公务员法管理单位"},
	{"other", "其他"},
	{NULL, NULL}};
/* city and county from glossary.md; national and province (obligations.md:
** "associations[].level takes the four levels") worded the same way. */
static const tg_enum_value levels[] = {{"city", "全市性"}, {"county", "县级"},
					{"national", "全国性"}, {"province", "全省性"},
					{NULL, NULL}};
static const tg_enum_value member_bases[] = {
	{"industry_units", "同业单位"},
	{"trade_persons", "同业人员"},
	{"regional_orgs", "同地域经济组织"},
	{"other", "其他"},
	{NULL, NULL}};
static const tg_enum_value links[] = {
	{"sponsor", "主办"}, {"supervisor", "主管"}, {"liaison", "联系"}, {"host", "挂靠"},
	{NULL, NULL}};
static const tg_enum_value roles[] = {
	{"president", "会长（理事长）"},
	{"vice_president", "副会长"},
	{"secretary_general", "秘书长"},
	{"director", "理事"},
	{"supervisor", "监事"},
	{"dispatched_supervisor", "委派监事"},
	{"other", "其他"},
	{NULL, NULL}};
static const tg_enum_value approval_kinds[] = {
	{"approval", "审批"}, {"filing", "备案"}, {NULL, NULL}};
static const tg_enum_value owners[] = {
	{"administrative", "行政办公用房"}, {"own", "自有"}, {"leased", "租用"}, {NULL, NULL}};
static const tg_enum_value appropriation_kinds[] = {
	{"direct", "财政直接拨款"}, {"purchase", "政府购买服务"}, {NULL, NULL}};
static const tg_enum_value dispositions[] = {
	{"administrative", "行政职能（应剥离）"},
	{"transfer", "移交"},
	{"entrust", "购买服务委托"},
	{"retain_by_law", "依法保留"},
	{NULL, NULL}};
static const tg_enum_value bodies[] = {
	{"assembly", "会员（代表）大会"}, {"board", "理事会"}, {"supervisors", "监事会"},
	{NULL, NULL}};
static const tg_enum_value lists[] = {
	{"abnormal", "活动异常名录"}, {"serious", "严重违法失信名单"}, {NULL, NULL}};
/* supervision.md's enums, with its Chinese words (glossary.md lists none). */
static const tg_enum_value jurisdiction_levels[] = {
	{"national", "全国"}, {"province", "省级"}, {"city", "市级"}, {"county", "县级"},
	{NULL, NULL}};
static const tg_enum_value purchase_grades[] = {
	{"excellent", "优秀"}, {"qualified", "合格"}, {"unqualified", "不合格"}, {NULL, NULL}};
static const tg_enum_value rating_grades[] = {
	{"1A", "1A级"}, {"2A", "2A级"}, {"3A", "3A级"}, {"4A", "4A级"}, {"5A", "5A级"},
	{NULL, NULL}};
static const tg_enum_value evaluation_kinds[] = {
	{"social", "社会评价"}, {"third_party", "第三方评估"}, {NULL, NULL}};
static const tg_enum_value exit_reasons[] = {
	{"functions_unclear", "职能不清"},
	{"abnormal_operation", "业务不正常"},
	{"unfit", "不适应发展"},
	{"missing_reports", "连续未报年度工作报告"},
	{"other", "其他"},
	{NULL, NULL}};
static const tg_enum_value exit_outcomes[] = {
	{"deregistered", "注销"}, {"revoked", "撤销"}, {"kept", "保留"}, {NULL, NULL}};

#define F(st, k, zh, t, req, m) {k, zh, t, req, offsetof(st, m), 0, 0, NULL, NULL, NULL}
#define FE(st, k, zh, req, m, vals) {k, zh, FT_ENUM, req, offsetof(st, m), 0, 0, vals, NULL, NULL}
#define FR(st, k, zh, req, m, target) \
	{k, zh, FT_REF, req, offsetof(st, m), offsetof(st, m##_ix), target, NULL, NULL, NULL}
#define FO(k, zh, subs) {k, zh, FT_OBJECT, false, 0, 0, 0, NULL, subs, NULL}
#define FEND {NULL, NULL, 0, false, 0, 0, 0, NULL, NULL, NULL}

static const tg_field batch_fields[] = {
	F(tg_batch, "id", "编号", FT_KEY, true, id),
	F(tg_batch, "name", "名称", FT_STR, false, name),
	F(tg_batch, "due", "截止日期", FT_DATE, false, due),
	FEND};

/* jurisdictions (六(一)): labels from supervision.md, glossary.md lists none. */
static const tg_field jurisdiction_fields[] = {
	F(tg_jurisdiction, "id", "区划代码", FT_KEY, true, id),
	F(tg_jurisdiction, "name", "名称", FT_STR, true, name),
	FE(tg_jurisdiction, "level", "层级", true, level, jurisdiction_levels),
	FR(tg_jurisdiction, "parent", "上级区划", false, parent, ARR_JURISDICTIONS),
	FEND};

static const tg_field unit_fields[] = {
	F(tg_unit, "id", "编号", FT_KEY, true, id),
	F(tg_unit, "name", "名称", FT_STR, true, name),
	FE(tg_unit, "kind", "类型", true, kind, unit_kinds),
	F(tg_unit, "function_list_on", "职能清单印发日期", FT_DATE, false, function_list_on),
	FR(tg_unit, "jurisdiction", "行政区划", false, jurisdiction, ARR_JURISDICTIONS),
	FEND};

/* scope_override is stored flat: column override_in_scope, override_reason. */
static const tg_field scope_override_fields[] = {
	{"in_scope", "纳入范围", FT_BOOL, true, offsetof(tg_association, override_in_scope), 0, 0,
	 NULL, NULL, "scope_override_in_scope"},
	{"reason", "原因", FT_STR, true, offsetof(tg_association, override_reason), 0, 0, NULL,
	 NULL, "scope_override_reason"},
	FEND};

static const tg_field association_fields[] = {
	F(tg_association, "uscc", "统一社会信用代码", FT_KEY, true, uscc),
	F(tg_association, "name", "名称", FT_STR, true, name),
	FE(tg_association, "level", "层级", true, level, levels),
	FE(tg_association, "member_basis", "会员构成", false, member_basis, member_bases),
	F(tg_association, "registered_on", "登记日期", FT_DATE, true, registered_on),
	F(tg_association, "deregistered_on", "注销日期", FT_DATE, false, deregistered_on),
	FR(tg_association, "unit", "主管单位", false, unit, ARR_UNITS),
	FE(tg_association, "link", "关系类型", false, link, links),
	F(tg_association, "link_cancelled_on", "关系取消日期", FT_DATE, false, link_cancelled_on),
	FO("scope_override", "范围认定", scope_override_fields),
	{"batch", "批次", FT_REF, false, offsetof(tg_association, batch), 0, ARR_BATCHES, NULL,
	 NULL, NULL},
	F(tg_association, "plan_submitted_on", "脱钩方案报送日期", FT_DATE, false, plan_submitted_on),
	F(tg_association, "decoupled_on", "脱钩完成日期", FT_DATE, false, decoupled_on),
	F(tg_association, "audit_report_on", "审计报告日期", FT_DATE, false, audit_report_on),
	F(tg_association, "report_submitted_on", "工作总结报送日期", FT_DATE, false,
	  report_submitted_on),
	F(tg_association, "accepted_on", "验收日期", FT_DATE, false, accepted_on),
	F(tg_association, "independent_account_on", "独立账户日期", FT_DATE, false,
	  independent_account_on),
	F(tg_association, "asset_inventory_on", "资产清查日期", FT_DATE, false, asset_inventory_on),
	F(tg_association, "party_org", "设有党组织", FT_BOOL, false, party_org),
	F(tg_association, "party_transferred_on", "党建关系移交日期", FT_DATE, false,
	  party_transferred_on),
	F(tg_association, "charter_filed_on", "章程核准备案日期", FT_DATE, false, charter_filed_on),
	F(tg_association, "staffing_quota", "事业编制数", FT_INT, false, staffing_quota),
	F(tg_association, "staffing_quota_cancelled_on", "编制核销日期", FT_DATE, false,
	  staffing_quota_cancelled_on),
	FR(tg_association, "jurisdiction", "行政区划", false, jurisdiction, ARR_JURISDICTIONS),
	FEND};

static const tg_field person_fields[] = {
	F(tg_person, "id", "编号", FT_KEY, true, id),
	F(tg_person, "name", "姓名", FT_STR, true, name),
	F(tg_person, "id_number", "公民身份号码", FT_STR, false, id_number),
	F(tg_person, "civil_servant", "公务员（含参公、在职工作人员）", FT_BOOL, false, civil_servant),
	F(tg_person, "leading_cadre", "领导干部", FT_BOOL, false, leading_cadre),
	FR(tg_person, "unit", "主管单位", false, unit, ARR_UNITS),
	F(tg_person, "retired_on", "退休日期", FT_DATE, false, retired_on),
	F(tg_person, "left_public_service_on", "辞去公职日期", FT_DATE, false, left_public_service_on),
	FEND};

static const tg_field approval_fields[] = {
	{"kind", "类型", FT_ENUM, true, offsetof(tg_post, approval_kind), 0, 0, approval_kinds, NULL,
	 "approval_kind"},
	{"ref", "文号", FT_STR, false, offsetof(tg_post, approval_ref), 0, 0, NULL, NULL,
	 "approval_ref"},
	{"on", "日期", FT_DATE, true, offsetof(tg_post, approval_on), 0, 0, NULL, NULL,
	 "approval_on"},
	FEND};

static const tg_field post_fields[] = {
	F(tg_post, "id", "编号", FT_KEY, true, id),
	FR(tg_post, "person", "人员编号", true, person, ARR_PERSONS),
	FR(tg_post, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	FE(tg_post, "role", "职务", true, role, roles),
	F(tg_post, "legal_representative", "法定代表人", FT_BOOL, false, legal_representative),
	F(tg_post, "from", "起始日期", FT_DATE, true, from),
	F(tg_post, "to", "终止日期", FT_DATE, false, to),
	F(tg_post, "recommended_by_unit", "主管单位推荐安排", FT_BOOL, false, recommended_by_unit),
	F(tg_post, "paid", "取酬", FT_BOOL, false, paid),
	FO("approval", "审批备案", approval_fields),
	F(tg_post, "departure_audit_on", "离任审计日期", FT_DATE, false, departure_audit_on),
	F(tg_post, "public_notice_on", "任职前公示日期", FT_DATE, false, public_notice_on),
	FEND};

static const tg_field staff_fields[] = {
	F(tg_staff, "id", "编号", FT_KEY, true, id),
	FR(tg_staff, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	F(tg_staff, "name", "姓名", FT_STR, false, name),
	F(tg_staff, "from", "起始日期", FT_DATE, true, from),
	F(tg_staff, "to", "终止日期", FT_DATE, false, to),
	F(tg_staff, "labor_contract_on", "劳动合同签订日期", FT_DATE, false, labor_contract_on),
	F(tg_staff, "social_insurance_on", "社保参保日期", FT_DATE, false, social_insurance_on),
	FEND};

static const tg_field premises_fields[] = {
	F(tg_premises, "id", "编号", FT_KEY, true, id),
	FR(tg_premises, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	F(tg_premises, "address", "地址", FT_STR, false, address),
	FE(tg_premises, "owner", "产权性质", true, owner, owners),
	F(tg_premises, "area", "使用面积（㎡）", FT_AREA, true, area),
	F(tg_premises, "approved_area", "核定面积（㎡）", FT_AREA, false, approved_area),
	F(tg_premises, "co_located_with_unit", "与主管单位合署办公", FT_BOOL, false,
	  co_located_with_unit),
	F(tg_premises, "from", "起始日期", FT_DATE, true, from),
	F(tg_premises, "to", "终止日期", FT_DATE, false, to),
	FEND};

static const tg_field asset_fields[] = {
	F(tg_asset, "id", "编号", FT_KEY, true, id),
	FR(tg_asset, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	F(tg_asset, "name", "名称", FT_STR, false, name),
	F(tg_asset, "state_owned", "国有资产", FT_BOOL, false, state_owned),
	F(tg_asset, "value", "价值（元）", FT_MONEY, false, value),
	F(tg_asset, "from", "起始日期", FT_DATE, true, from),
	F(tg_asset, "to", "终止日期", FT_DATE, false, to),
	F(tg_asset, "registered_on", "登记日期", FT_DATE, false, registered_on),
	FEND};

static const tg_field appropriation_fields[] = {
	F(tg_appropriation, "id", "编号", FT_KEY, true, id),
	FR(tg_appropriation, "association", "协会统一社会信用代码", true, association,
	   ARR_ASSOCIATIONS),
	F(tg_appropriation, "year", "年度", FT_INT, true, year),
	FE(tg_appropriation, "kind", "类型", true, kind, appropriation_kinds),
	F(tg_appropriation, "amount", "金额（元）", FT_MONEY, false, amount),
	F(tg_appropriation, "on", "日期", FT_DATE, true, on),
	F(tg_appropriation, "purchase_item", "购买服务事项", FT_STR, false, purchase_item),
	FEND};

static const tg_field function_fields[] = {
	F(tg_function, "id", "编号", FT_KEY, true, id),
	FR(tg_function, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	FR(tg_function, "unit", "主管单位", false, unit, ARR_UNITS),
	F(tg_function, "name", "名称", FT_STR, false, name),
	FE(tg_function, "disposition", "处置方式", true, disposition, dispositions),
	F(tg_function, "stripped_on", "剥离日期", FT_DATE, false, stripped_on),
	F(tg_function, "legal_basis", "法律依据", FT_STR, false, legal_basis),
	F(tg_function, "purchase_ref", "购买服务合同", FT_STR, false, purchase_ref),
	FEND};

static const tg_field unit_task_fields[] = {
	F(tg_unit_task, "id", "编号", FT_KEY, true, id),
	FR(tg_unit_task, "unit", "主管单位", true, unit, ARR_UNITS),
	F(tg_unit_task, "task", "任务", FT_STR, false, task),
	F(tg_unit_task, "clause", "条款", FT_STR, false, clause),
	F(tg_unit_task, "higher_level_doc_on", "上级文件印发日期", FT_DATE, false,
	  higher_level_doc_on),
	F(tg_unit_task, "issued_on", "印发日期", FT_DATE, false, issued_on),
	F(tg_unit_task, "published_on", "公开日期", FT_DATE, false, published_on),
	FEND};

static const tg_field election_fields[] = {
	F(tg_election, "id", "编号", FT_KEY, true, id),
	FR(tg_election, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS),
	FE(tg_election, "body", "机构", true, body, bodies),
	F(tg_election, "on", "日期", FT_DATE, true, on),
	F(tg_election, "term_years", "任期（年）", FT_INT, true, term_years),
	F(tg_election, "contested", "差额选举", FT_BOOL, false, contested),
	F(tg_election, "secret_ballot", "无记名投票", FT_BOOL, false, secret_ballot),
	FEND};

/* An annual report has no id: its key is (association, year). */
static const tg_field annual_report_fields[] = {
	FR(tg_annual_report, "association", "协会统一社会信用代码", true, association,
	   ARR_ASSOCIATIONS),
	F(tg_annual_report, "year", "年度", FT_INT, true, year),
	F(tg_annual_report, "submitted_on", "报送日期", FT_DATE, false, submitted_on),
	FEND};

static const tg_field foreign_approval_fields[] = {
	F(tg_foreign_approval, "id", "编号", FT_KEY, true, id),
	FR(tg_foreign_approval, "association", "协会统一社会信用代码", true, association,
	   ARR_ASSOCIATIONS),
	F(tg_foreign_approval, "on", "日期", FT_DATE, true, on),
	FR(tg_foreign_approval, "approver_unit", "审批单位", false, approver_unit, ARR_UNITS),
	FEND};

static const tg_field credit_listing_fields[] = {
	F(tg_credit_listing, "id", "编号", FT_KEY, true, id),
	FR(tg_credit_listing, "association", "协会统一社会信用代码", true, association,
	   ARR_ASSOCIATIONS),
	FE(tg_credit_listing, "list", "名录", true, list, lists),
	F(tg_credit_listing, "on", "日期", FT_DATE, true, on),
	F(tg_credit_listing, "reason", "原因", FT_STR, false, reason),
	F(tg_credit_listing, "removed_on", "移出日期", FT_DATE, false, removed_on),
	F(tg_credit_listing, "objection_on", "异议提出日期", FT_DATE, false, objection_on),
	F(tg_credit_listing, "objection_decided_on", "异议处理日期", FT_DATE, false,
	  objection_decided_on),
	F(tg_credit_listing, "rectified_on", "整改完成日期", FT_DATE, false, rectified_on),
	FEND};

/* The arrays of supervision.md (五): its Chinese words as labels where
** glossary.md lists none (it lists none of these). */
#define ASSOC(st) FR(st, "association", "协会统一社会信用代码", true, association, ARR_ASSOCIATIONS)

static const tg_field service_purchase_fields[] = {
	F(tg_service_purchase, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_service_purchase),
	FR(tg_service_purchase, "unit", "购买单位", false, unit, ARR_UNITS),
	F(tg_service_purchase, "item", "服务事项", FT_STR, false, item),
	F(tg_service_purchase, "catalogue_ref", "目录事项", FT_STR, false, catalogue_ref),
	F(tg_service_purchase, "amount", "金额（元）", FT_MONEY, false, amount),
	F(tg_service_purchase, "signed_on", "合同签订日期", FT_DATE, false, signed_on),
	F(tg_service_purchase, "starts_on", "服务起始日期", FT_DATE, false, starts_on),
	F(tg_service_purchase, "ends_on", "服务终止日期", FT_DATE, false, ends_on),
	F(tg_service_purchase, "evaluated_on", "绩效评价日期", FT_DATE, false, evaluated_on),
	FE(tg_service_purchase, "grade", "评价结果", false, grade, purchase_grades),
	F(tg_service_purchase, "published_on", "公开日期", FT_DATE, false, published_on),
	FEND};

static const tg_field fee_fields[] = {
	F(tg_fee, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_fee),
	F(tg_fee, "name", "收费项目名称", FT_STR, false, name),
	F(tg_fee, "basis", "收费依据", FT_STR, false, basis),
	F(tg_fee, "standard", "收费标准", FT_STR, false, standard),
	F(tg_fee, "approved_ref", "批准文号", FT_STR, false, approved_ref),
	F(tg_fee, "published_on", "公开日期", FT_DATE, false, published_on),
	F(tg_fee, "from", "起始日期", FT_DATE, false, from),
	F(tg_fee, "to", "终止日期", FT_DATE, false, to),
	FEND};

static const tg_field award_fields[] = {
	F(tg_award, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_award),
	F(tg_award, "name", "活动名称", FT_STR, false, name),
	F(tg_award, "approved_ref", "批准文号", FT_STR, false, approved_ref),
	F(tg_award, "approved_on", "批准日期", FT_DATE, false, approved_on),
	F(tg_award, "held_on", "举办日期", FT_DATE, false, held_on),
	FEND};

static const tg_field tax_exemption_fields[] = {
	F(tg_tax_exemption, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_tax_exemption),
	F(tg_tax_exemption, "ref", "认定文号", FT_STR, false, ref),
	F(tg_tax_exemption, "valid_from", "有效期起始日期", FT_DATE, false, valid_from),
	F(tg_tax_exemption, "valid_to", "有效期终止日期", FT_DATE, false, valid_to),
	F(tg_tax_exemption, "renewal_applied_on", "复审申请日期", FT_DATE, false,
	  renewal_applied_on),
	FEND};

static const tg_field rating_fields[] = {
	F(tg_rating, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_rating),
	FE(tg_rating, "grade", "评估等级", true, grade, rating_grades),
	F(tg_rating, "rated_on", "评估日期", FT_DATE, false, rated_on),
	F(tg_rating, "valid_to", "有效期终止日期", FT_DATE, false, valid_to),
	F(tg_rating, "published_on", "公开日期", FT_DATE, false, published_on),
	FEND};

static const tg_field credit_commitment_fields[] = {
	F(tg_credit_commitment, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_credit_commitment),
	F(tg_credit_commitment, "signed_on", "签署日期", FT_DATE, false, signed_on),
	F(tg_credit_commitment, "published_on", "公开日期", FT_DATE, false, published_on),
	FEND};

static const tg_field evaluation_fields[] = {
	F(tg_evaluation, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_evaluation),
	FE(tg_evaluation, "kind", "类型", true, kind, evaluation_kinds),
	F(tg_evaluation, "evaluator", "评价机构", FT_STR, false, evaluator),
	F(tg_evaluation, "on", "日期", FT_DATE, false, on),
	F(tg_evaluation, "result", "结果", FT_STR, false, result),
	F(tg_evaluation, "published_on", "公开日期", FT_DATE, false, published_on),
	FEND};

static const tg_field exit_case_fields[] = {
	F(tg_exit_case, "id", "编号", FT_KEY, true, id),
	ASSOC(tg_exit_case),
	FE(tg_exit_case, "reason", "退出原因", true, reason, exit_reasons),
	F(tg_exit_case, "opened_on", "立案日期", FT_DATE, false, opened_on),
	F(tg_exit_case, "notified_on", "告知日期", FT_DATE, false, notified_on),
	F(tg_exit_case, "decided_on", "决定日期", FT_DATE, false, decided_on),
	FE(tg_exit_case, "outcome", "处理结果", false, outcome, exit_outcomes),
	FEND};

/* steps: labels decided here (glossary.md lists none). */
static const tg_field step_fields[] = {
	F(tg_step, "id", "编号", FT_KEY, true, id),
	F(tg_step, "obligation", "事项", FT_STR, true, obligation),
	F(tg_step, "subject", "对象编号", FT_STR, true, subject),
	F(tg_step, "period", "年度", FT_INT, false, period),
	F(tg_step, "done_on", "完成日期", FT_DATE, false, done_on),
	F(tg_step, "note", "备注", FT_STR, false, note),
	FEND};

const tg_array_def tg_schema[ARR_COUNT] = {
	[ARR_BATCHES] = {"batches", "批次", sizeof(tg_batch), batch_fields},
	[ARR_JURISDICTIONS] = {"jurisdictions", "行政区划", sizeof(tg_jurisdiction),
			       jurisdiction_fields},
	[ARR_UNITS] = {"units", "主管单位", sizeof(tg_unit), unit_fields},
	[ARR_ASSOCIATIONS] = {"associations", "行业协会商会", sizeof(tg_association),
			      association_fields},
	[ARR_PERSONS] = {"persons", "人员", sizeof(tg_person), person_fields},
	[ARR_POSTS] = {"posts", "任职", sizeof(tg_post), post_fields},
	[ARR_STAFF] = {"staff", "工作人员", sizeof(tg_staff), staff_fields},
	[ARR_PREMISES] = {"premises", "办公用房", sizeof(tg_premises), premises_fields},
	[ARR_ASSETS] = {"assets", "资产", sizeof(tg_asset), asset_fields},
	[ARR_APPROPRIATIONS] = {"appropriations", "财政资金", sizeof(tg_appropriation),
				appropriation_fields},
	[ARR_FUNCTIONS] = {"functions", "职能", sizeof(tg_function), function_fields},
	[ARR_UNIT_TASKS] = {"unit_tasks", "配套文件", sizeof(tg_unit_task), unit_task_fields},
	[ARR_ELECTIONS] = {"elections", "换届选举", sizeof(tg_election), election_fields},
	[ARR_ANNUAL_REPORTS] = {"annual_reports", "年度工作报告", sizeof(tg_annual_report),
				annual_report_fields},
	[ARR_FOREIGN_APPROVALS] = {"foreign_approvals", "外事审批", sizeof(tg_foreign_approval),
				   foreign_approval_fields},
	[ARR_CREDIT_LISTINGS] = {"credit_listings", "信用名录", sizeof(tg_credit_listing),
				 credit_listing_fields},
	[ARR_SERVICE_PURCHASES] = {"service_purchases", "政府购买服务",
				   sizeof(tg_service_purchase), service_purchase_fields},
	[ARR_FEES] = {"fees", "收费项目", sizeof(tg_fee), fee_fields},
	[ARR_AWARDS] = {"awards", "评比达标表彰活动", sizeof(tg_award), award_fields},
	[ARR_TAX_EXEMPTIONS] = {"tax_exemptions", "非营利组织免税资格", sizeof(tg_tax_exemption),
				tax_exemption_fields},
	[ARR_RATINGS] = {"ratings", "社会组织评估等级", sizeof(tg_rating), rating_fields},
	[ARR_CREDIT_COMMITMENTS] = {"credit_commitments", "信用承诺", sizeof(tg_credit_commitment),
				    credit_commitment_fields},
	[ARR_EVALUATIONS] = {"evaluations", "社会评价与第三方评估", sizeof(tg_evaluation),
			     evaluation_fields},
	[ARR_EXIT_CASES] = {"exit_cases", "退出案件", sizeof(tg_exit_case), exit_case_fields},
	[ARR_STEPS] = {"steps", "办结记录", sizeof(tg_step), step_fields},
};

bool schema_int_zero_is_null(const tg_field *f)
{
	return f == &step_fields[3];
}

const char *schema_enum_key(const tg_field *f, int v)
{
	return v < 0 ? NULL : f->values[v].key;
}

const char *schema_enum_zh(const tg_field *f, int v)
{
	return v < 0 ? NULL : f->values[v].zh;
}

int schema_enum_find(const tg_field *f, const char *key)
{
	for (int i = 0; f->values[i].key; i++)
		if (!strcmp(f->values[i].key, key) || !strcmp(f->values[i].zh, key))
			return i;
	return -1;
}

const tg_field *schema_field(int array, const char *key)
{
	for (const tg_field *f = tg_schema[array].fields; f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

const tg_field *schema_field_at(int array, size_t off)
{
	for (const tg_field *f = tg_schema[array].fields; f->key; f++)
		if (f->off == off && f->type != FT_REF && f->type != FT_OBJECT)
			return f;
	return NULL;
}

int schema_array_find(const char *name)
{
	for (int a = 0; a < ARR_COUNT; a++)
		if (!strcmp(tg_schema[a].key, name) || !strcmp(tg_schema[a].zh, name))
			return a;
	return -1;
}
