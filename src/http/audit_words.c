/*
** audit_words.c: an audit record in the words a person reads (the
** auditor's CSV export, api_security.c): events, roles and outcomes by
** their Chinese names (web/src/labels.js holds the same words for the
** screen), the object's array by its glossary name, and before/after as
** "字段：值；…" with every field in the glossary's words (the schema
** table's labels), dates as 2017年6月30日, coded values by their words.
** The machine's form stays GET /api/v1/audit (JSON) and `tuogou audit`.
*/
#include <jansson.h>
#include <string.h>

#include "audit_words.h"
#include "date.h"
#include "register.h"

struct word {
	const char *key, *zh;
};

static const struct word events[] = {
	{"login", "登录"}, {"login_failed", "登录失败"}, {"lockout", "账户锁定"},
	{"logout", "退出"}, {"write", "修改记录"}, {"import", "导入"}, {"export", "导出"},
	{"reveal_id", "查看完整公民身份号码"}, {"user_add", "新增用户"},
	{"role_change", "角色变更"}, {"user_lock", "锁定账户"}, {"user_unlock", "解锁账户"},
	{"password_reset", "重置密码"}, {"user_update", "修改用户"},
	{"totp_set", "设置动态口令"}, {"totp_clear", "清除动态口令"},
	{"user_request", "提出账户申请"}, {"user_approve", "批准账户申请"},
	{"user_reject", "驳回账户申请"}, {"user_request_failed", "账户申请无法执行"},
	{"setting", "系统设置"}, {"plan_set", "载入方案"}, {"evidence_upload", "上传佐证材料"},
	{"evidence_attach", "关联佐证材料"}, {"access_denied", "越权访问被拒绝"},
	{"audit_purge", "清除过期审计记录"}, {"audit_keyed", "审计记录启用密钥散列"},
	{"key_rotate", "更换密钥"}, {"backup", "备份"}, {"restore", "恢复"},
	{"acceptance_override", "例外验收"}, {"summary_return", "退回工作总结"},
	{"urge_send", "发送催办"}, {"urge_mail", "催办邮件"}, {"urge_acknowledge", "签收催办"},
	{NULL, NULL}};

static const struct word roles[] = {
	{"office", "联合工作组办公室"}, {"civil_affairs", "民政局"}, {"unit", "主管单位"},
	{"department", "职能部门"}, {"association", "行业协会商会"}, {"sysadmin", "系统管理员"},
	{"secadmin", "安全管理员"}, {"auditor", "安全审计员"},
	{"operator", "服务器操作员（命令行）"}, {"-", ""}, {NULL, NULL}};

static const struct word outcomes[] = {
	{"ok", "成功"}, {"failed", "失败"}, {"denied", "拒绝"}, {NULL, NULL}};

/* Keys of the records no schema array holds: accounts, settings, the
** counts of an import or export, refusals, the workflow's notes. */
static const struct word keys[] = {
	{"username", "用户名"}, {"role", "角色"}, {"department", "部门"},
	{"display_name", "姓名"}, {"locked", "已锁定"}, {"totp", "动态口令"},
	{"records", "记录数"}, {"format", "格式"}, {"reason", "原因"}, {"method", "请求方式"},
	{"path", "地址"}, {"alg", "算法"}, {"kind", "类型"}, {"detail", "内容"},
	{"status", "状态"}, {"proposer", "申请人"}, {"unmet", "未满足的验收条件"},
	{"return_reason", "退回理由"}, {"value", "值"}, {"size", "大小"}, {"sha256", "散列"},
	{"rule", "事项"}, {"subject", "对象"}, {"filter", "筛选条件"}, {"count", "数量"},
	{"urge", "催办记录编号"}, {"as_of", "截至日期"}, {"n_items", "逾期事项数"},
	{"message", "附言"}, {"mail_status", "邮件发送结果"}, {"mail_to", "邮件收件人"},
	{"mail_error", "邮件失败原因"}, {NULL, NULL}};

static const char *lookup(const struct word *t, const char *key)
{
	for (; key && t->key; t++)
		if (!strcmp(t->key, key))
			return t->zh;
	return NULL;
}

const char *audit_event_zh(const char *event)
{
	const char *zh = lookup(events, event);
	return zh ? zh : event;
}

const char *audit_role_zh(const char *role)
{
	const char *zh = lookup(roles, role);
	return zh ? zh : role;
}

const char *audit_outcome_zh(const char *outcome)
{
	const char *zh = lookup(outcomes, outcome);
	return zh ? zh : outcome;
}

static int array_of(const char *key, size_t n)
{
	for (int a = 0; a < ARR_COUNT; a++)
		if (strlen(tg_schema[a].key) == n && !strncmp(tg_schema[a].key, key, n))
			return a;
	return -1;
}

void audit_object_zh(const char *object, strbuf *out)
{
	if (!object)
		return;
	const char *slash = strchr(object, '/');
	size_t n = slash ? (size_t)(slash - object) : strlen(object);
	int a = array_of(object, n);
	if (a >= 0)
		sb_adds(out, tg_schema[a].zh);
	else if (n == 5 && !strncmp(object, "users", 5))
		sb_adds(out, "用户");
	else if (n == 4 && !strncmp(object, "plan", 4))
		sb_adds(out, "方案");
	else if (!strcmp(object, "audit_log"))
		sb_adds(out, "审计日志");
	else
		sb_add(out, object, n);
	if (slash)
		sb_adds(out, slash);
}

/* The field key names in array a (-1: any array), or NULL. */
static const tg_field *field_of(int a, const tg_field *within, const char *key)
{
	if (within) {
		for (const tg_field *f = within; f->key; f++)
			if (!strcmp(f->key, key))
				return f;
		return NULL;
	}
	for (int k = a >= 0 ? a : 0; k < (a >= 0 ? a + 1 : ARR_COUNT); k++)
		for (const tg_field *f = tg_schema[k].fields; f->key; f++)
			if (!strcmp(f->key, key))
				return f;
	return a >= 0 ? field_of(-1, NULL, key) : NULL;
}

static void value_zh(const tg_field *f, const char *key, json_t *v, int a, strbuf *out);

static void object_zh(json_t *obj, int a, const tg_field *within, strbuf *out)
{
	const char *k;
	json_t *v;
	size_t n = 0;
	json_object_foreach(obj, k, v) {
		if (!strcmp(k, "version"))
			continue;
		const tg_field *f = field_of(a, within, k);
		int arr = array_of(k, strlen(k));
		const char *label = f ? f->zh : lookup(keys, k);
		sb_adds(out, n++ ? "；" : "");
		sb_adds(out, label ? label : arr >= 0 ? tg_schema[arr].zh : k);
		sb_adds(out, "：");
		value_zh(f, k, v, a, out);
	}
}

static void value_zh(const tg_field *f, const char *key, json_t *v, int a, strbuf *out)
{
	if (json_is_null(v)) {
		sb_adds(out, "空");
	} else if (json_is_boolean(v)) {
		sb_adds(out, json_is_true(v) ? "是" : "否");
	} else if (json_is_integer(v)) {
		sb_add_int(out, (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		sb_addf(out, "%g", json_real_value(v));
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		tg_date d;
		int ix;
		char day[24];
		const char *role = !strcmp(key, "role") ? lookup(roles, s) : NULL;
		if (strlen(s) == 10 && date_parse(s, &d) == TG_OK) {
			date_format_zh(d, day);
			sb_adds(out, day);
		} else if (f && f->type == FT_ENUM && (ix = schema_enum_find(f, s)) >= 0) {
			sb_adds(out, schema_enum_zh(f, ix));
		} else {
			sb_adds(out, role ? role : s);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			sb_adds(out, i ? "、" : "");
			value_zh(f, key, x, a, out);
		}
	} else if (json_is_object(v)) {
		sb_adds(out, "（");
		object_zh(v, a, f && f->type == FT_OBJECT ? f->sub : NULL, out);
		sb_adds(out, "）");
	}
}

void audit_change_zh(const char *json, const char *object, strbuf *out)
{
	if (!json || !*json)
		return;
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	if (!v) { /* not JSON: as it was stored */
		sb_adds(out, json);
		return;
	}
	const char *slash = object ? strchr(object, '/') : NULL;
	int a = slash ? array_of(object, (size_t)(slash - object)) : -1;
	if (json_is_object(v))
		object_zh(v, a, NULL, out);
	else
		value_zh(NULL, "", v, a, out);
	json_decref(v);
}
