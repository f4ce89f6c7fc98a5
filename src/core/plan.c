/*
** plan.c: loading, validating and overriding a plan (see plan.h).
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obligation.h"
#include "plan.h"

extern const unsigned char tg_plan_luoyang[];
extern const unsigned long tg_plan_luoyang_len;

/* The parameters of rules.md: the only place their names are spelled. */
static const struct param_def {
	const char *name;
	enum tg_param_type type;
	size_t off;
} param_defs[] = {
	{"issued", PT_DATE, offsetof(tg_params, issued)},
	{"decoupling_due", PT_DATE, offsetof(tg_params, decoupling_due)},
	{"asset_inventory_due", PT_DATE, offsetof(tg_params, asset_inventory_due)},
	{"office_due", PT_DATE, offsetof(tg_params, office_due)},
	{"direct_appropriation_banned_from_year", PT_INT,
	 offsetof(tg_params, direct_appropriation_banned_from_year)},
	{"cooling_off_years", PT_INT, offsetof(tg_params, cooling_off_years)},
	{"report_workdays", PT_INT, offsetof(tg_params, report_workdays)},
	{"supporting_rules_months", PT_INT, offsetof(tg_params, supporting_rules_months)},
	{"name_suffixes", PT_STRINGS, offsetof(tg_params, name_suffixes)},
	{"annual_report_due", PT_MONTH_DAY, offsetof(tg_params, annual_report_due)},
	{"annual_report_from_year", PT_INT, offsetof(tg_params, annual_report_from_year)},
	{"retired_cadre_max_age", PT_INT, offsetof(tg_params, retired_cadre_max_age)},
	{"retired_cadre_max_posts", PT_INT, offsetof(tg_params, retired_cadre_max_posts)},
	{"abnormal_to_serious_years", PT_INT, offsetof(tg_params, abnormal_to_serious_years)},
	{"exit_missing_report_years", PT_INT, offsetof(tg_params, exit_missing_report_years)},
};
#define N_PARAMS (sizeof param_defs / sizeof param_defs[0])

const char *const *plan_param_names(void)
{
	static const char *names[N_PARAMS + 1];
	for (size_t i = 0; i < N_PARAMS; i++)
		names[i] = param_defs[i].name;
	return names;
}

static const struct param_def *param_def(const char *name)
{
	for (size_t i = 0; i < N_PARAMS; i++)
		if (!strcmp(param_defs[i].name, name))
			return &param_defs[i];
	return NULL;
}

static const char *type_name(enum tg_param_type t)
{
	static const char *names[] = {"date", "int", "month_day", "strings"};
	return names[t];
}

/* ---- parameter values from text or JSON ---- */

int plan_parse_month_day(const char *s)
{
	if (strlen(s) != 5 || s[2] != '-')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
	/* Any year: 02-29 is allowed and clamps to 02-28 in common years. */
	if (m < 1 || m > 12 || d < 1 || d > date_days_in_month(2016, m))
		return -1;
	return m * 100 + d;
}

static int parse_int_text(const char *s, int *out)
{
	char *end;
	if (!*s)
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

/* Split "a,b,c" (also "、" and "，") into the plan's arena. */
static int set_strings_text(tg_plan *plan, tg_param_info *info, const char *s)
{
	size_t cap = 1;
	for (const char *c = s; *c; c++)
		cap += *c == ',';
	cap += 16;
	const char **list = arena_alloc(&plan->arena, cap * sizeof *list);
	size_t n = 0;
	const char *start = s;
	for (const char *c = s;; c++) {
		size_t sep = 0;
		if (*c == ',')
			sep = 1;
		else if (!strncmp(c, "，", 3) || !strncmp(c, "、", 3))
			sep = 3;
		if (*c && !sep)
			continue;
		if (c > start && n < cap)
			list[n++] = arena_strndup(&plan->arena, start, (size_t)(c - start));
		if (!*c)
			break;
		c += sep - 1;
		start = c + 1;
	}
	if (!n)
		return -1;
	info->strings = list;
	info->n_strings = n;
	return 0;
}

/* Copy a declared parameter of rules.md into the typed tg_params. */
static void sync_typed(tg_plan *plan, const tg_param_info *info)
{
	const struct param_def *d = param_def(info->name);
	if (!d || d->type != info->type)
		return;
	void *at = (char *)&plan->p + d->off;
	switch (d->type) {
	case PT_DATE:
		*(tg_date *)at = info->null ? TG_DATE_NONE : info->date;
		break;
	case PT_INT:
	case PT_MONTH_DAY:
		*(int *)at = info->null ? 0 : info->ival;
		break;
	case PT_STRINGS:
		plan->p.name_suffixes = info->null ? NULL : info->strings;
		plan->p.n_name_suffixes = info->null ? 0 : info->n_strings;
		break;
	}
}

static int set_param_text(tg_plan *plan, tg_param_info *info, const char *value)
{
	int rc = -1;
	switch (info->type) {
	case PT_DATE:
		rc = date_parse(value, &info->date) ? -1 : 0;
		break;
	case PT_INT:
		rc = parse_int_text(value, &info->ival);
		break;
	case PT_MONTH_DAY: {
		int md = plan_parse_month_day(value);
		if (md > 0) {
			info->ival = md;
			rc = 0;
		}
		break;
	}
	case PT_STRINGS:
		rc = set_strings_text(plan, info, value);
		break;
	}
	if (rc == 0) {
		info->null = false;
		sync_typed(plan, info);
	}
	return rc;
}

static const char *type_hint(enum tg_param_type t)
{
	switch (t) {
	case PT_DATE: return "YYYY-MM-DD 格式的日期";
	case PT_INT: return "非负整数";
	case PT_MONTH_DAY: return "MM-DD 格式的月日";
	default: return "以逗号分隔的文本列表";
	}
}

int plan_set(tg_plan *plan, const char *assignment, tg_error *err)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment)
		return tg_error_set(err, TG_EINVAL, "bad_set", "--set",
				    "“%s”格式不对，应为 --set 参数名=取值", assignment);
	char name[64];
	size_t n = (size_t)(eq - assignment);
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, assignment, n);
	name[n] = '\0';
	tg_param_info *info = (tg_param_info *)plan_param(plan, name);
	if (!info)
		return tg_error_set(err, TG_EINVAL, "unknown_parameter", "--set",
				    "方案中没有参数“%s”（运行 tuogou explain 规则编号 查看参数）", name);
	if (set_param_text(plan, info, eq + 1))
		return tg_error_set(err, TG_EINVAL, "bad_parameter", "--set",
				    "参数 %s 的取值“%s”无效，应为%s", name, eq + 1,
				    type_hint(info->type));
	info->overridden = true;
	return TG_OK;
}

void plan_param_value(const tg_plan *plan, const char *name, char *out, size_t size)
{
	const tg_param_info *info = plan_param(plan, name);
	out[0] = '\0';
	if (!info || info->null)
		return;
	switch (info->type) {
	case PT_DATE: {
		char tmp[11];
		date_format(info->date, tmp);
		snprintf(out, size, "%s", tmp);
		break;
	}
	case PT_INT:
		snprintf(out, size, "%d", info->ival);
		break;
	case PT_MONTH_DAY:
		snprintf(out, size, "%02d-%02d", (info->ival / 100) % 100, info->ival % 100);
		break;
	case PT_STRINGS: {
		size_t used = 0;
		for (size_t i = 0; i < info->n_strings && used < size; i++)
			used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : "",
						 info->strings[i]);
		break;
	}
	}
}

/* ---- loading ---- */

struct loader {
	tg_plan *plan;
	tg_errors *errs;
	tg_separation *sections; /* separations[] or groups[] being read */
	size_t *n_sections;
};

const char *plan_doc_str(tg_plan *plan, tg_errors *errs, json_t *obj, const char *key,
			 const char *path, bool required)
{
	json_t *v = json_object_get(obj, key);
	char p[192];
	snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
	if (!v || json_is_null(v)) {
		if (required)
			tg_errors_add(errs, "required", p, "缺少必填字段“%s”", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		tg_errors_add(errs, "bad_type", p, "应为字符串");
		return NULL;
	}
	return arena_strdup(&plan->arena, json_string_value(v));
}

static const char *get_str(struct loader *L, json_t *obj, const char *key, const char *path,
			   bool required)
{
	return plan_doc_str(L->plan, L->errs, obj, key, path, required);
}

bool plan_doc_only_keys(tg_errors *errs, json_t *obj, const char *path, const char *const *keys)
{
	const char *key;
	json_t *v;
	bool ok = true;
	json_object_foreach(obj, key, v) {
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], key); i++)
			;
		if (!keys[i]) {
			char p[192];
			snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
			tg_errors_add(errs, "unknown_key", p, "未知字段“%.60s”", key);
			ok = false;
		}
	}
	return ok;
}

static void check_keys(struct loader *L, json_t *obj, const char *path, const char *const *keys)
{
	plan_doc_only_keys(L->errs, obj, path, keys);
}

static json_t *get_array(struct loader *L, json_t *root, const char *key, bool required)
{
	json_t *v = json_object_get(root, key);
	if (!v) {
		if (required)
			tg_errors_add(L->errs, "required", key, "缺少必填字段“%s”", key);
		return NULL;
	}
	if (!json_is_array(v)) {
		tg_errors_add(L->errs, "bad_type", key, "应为数组");
		return NULL;
	}
	return v;
}

/* Walk the objects of one of the plan's arrays: each must be an object
** with only the listed keys; fn reads it, given its path ("rules[3]"). */
typedef void (*item_fn)(struct loader *L, json_t *o, const char *path);

static void for_each_item(struct loader *L, json_t *arr, const char *name,
			  const char *const *keys, item_fn fn)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		char p[64];
		snprintf(p, sizeof p, "%s[%zu]", name, i);
		if (!json_is_object(o)) {
			tg_errors_add(L->errs, "bad_type", p, "应为对象");
			continue;
		}
		check_keys(L, o, p, keys);
		fn(L, o, p);
	}
}

static void read_clause(struct loader *L, json_t *c, const char *p)
{
	tg_plan *plan = L->plan;
	tg_clause *cl = &plan->clauses[plan->n_clauses++];
	cl->id = get_str(L, c, "id", p, true);
	cl->cite = get_str(L, c, "cite", p, true);
	cl->heading = get_str(L, c, "heading", p, true);
	cl->text = get_str(L, c, "text", p, true);
	cl->uncertain = get_str(L, c, "uncertain", p, false);
	for (size_t j = 0; cl->id && j + 1 < plan->n_clauses; j++)
		if (plan->clauses[j].id && !strcmp(plan->clauses[j].id, cl->id))
			tg_errors_add(L->errs, "duplicate_id", p, "条款编号“%s”重复", cl->id);
}

static void load_clauses(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"id", "cite", "heading", "text", "uncertain", NULL};
	L->plan->clauses = arena_alloc(&L->plan->arena,
				       (json_array_size(arr) + 1) * sizeof *L->plan->clauses);
	for_each_item(L, arr, "clauses", keys, read_clause);
}

static void load_param_value(struct loader *L, tg_param_info *info, json_t *v,
			     const char *path)
{
	char p[96];
	snprintf(p, sizeof p, "%s.value", path);
	int bad = 0;
	if (!v || json_is_null(v)) {
		info->null = true;
		return;
	}
	switch (info->type) {
	case PT_DATE:
		bad = !json_is_string(v) || date_parse(json_string_value(v), &info->date);
		break;
	case PT_INT:
		bad = !json_is_integer(v) || json_integer_value(v) < 0 ||
		      json_integer_value(v) > 100000;
		if (!bad)
			info->ival = (int)json_integer_value(v);
		break;
	case PT_MONTH_DAY:
		bad = !json_is_string(v) || (info->ival = plan_parse_month_day(json_string_value(v))) < 0;
		break;
	case PT_STRINGS: {
		bad = !json_is_array(v) || json_array_size(v) == 0;
		if (bad)
			break;
		size_t n = json_array_size(v), i;
		json_t *s;
		const char **list = arena_alloc(&L->plan->arena, n * sizeof *list);
		json_array_foreach(v, i, s) {
			if (!json_is_string(s) || !json_string_length(s)) {
				bad = 1;
				break;
			}
			list[i] = arena_strdup(&L->plan->arena, json_string_value(s));
		}
		info->strings = list;
		info->n_strings = n;
		break;
	}
	}
	if (bad) {
		info->null = true;
		tg_errors_add(L->errs, "bad_parameter", p, "参数 %s 的取值无效，应为%s", info->name,
			      type_hint(info->type));
	}
}

static void read_param(struct loader *L, json_t *o, const char *p)
{
	static const char *const types[] = {"date", "int", "month_day", "strings", NULL};
	tg_plan *plan = L->plan;
	const char *name = get_str(L, o, "name", p, true);
	const char *type = get_str(L, o, "type", p, true);
	if (!name || !type)
		return;
	if (!*name) {
		tg_errors_add(L->errs, "bad_value", p, "参数名不能为空");
		return;
	}
	if (plan_param(plan, name)) {
		tg_errors_add(L->errs, "duplicate_id", p, "参数“%s”重复", name);
		return;
	}
	int t;
	for (t = 0; types[t] && strcmp(types[t], type); t++)
		;
	if (!types[t]) {
		tg_errors_add(L->errs, "bad_type", p, "参数 %s 的类型“%s”无效，可选：date、int、month_day、strings",
			      name, type);
		return;
	}
	const struct param_def *d = param_def(name);
	if (d && d->type != (enum tg_param_type)t) {
		tg_errors_add(L->errs, "bad_type", p, "参数 %s 的类型应为 %s", name, type_name(d->type));
		return;
	}
	tg_param_info *info = &plan->params[plan->n_params++];
	info->name = name;
	info->type = (enum tg_param_type)t;
	load_param_value(L, info, json_object_get(o, "value"), p);
	sync_typed(plan, info);
	info->clause = get_str(L, o, "clause", p, false);
	info->label = get_str(L, o, "label", p, false);
	info->note = get_str(L, o, "note", p, false);
}

static void load_params(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"name", "type", "value", "clause", "label", "note", NULL};
	L->plan->params = arena_alloc(&L->plan->arena,
				      (json_array_size(arr) + 1) * sizeof *L->plan->params);
	for_each_item(L, arr, "parameters", keys, read_param);
}

static void read_batch(struct loader *L, json_t *o, const char *p)
{
	tg_plan_batch *b = &L->plan->batches[L->plan->n_batches++];
	b->id = get_str(L, o, "id", p, true);
	b->name = get_str(L, o, "name", p, false);
	b->due = TG_DATE_NONE;
	const char *due = get_str(L, o, "due", p, false);
	if (due && date_parse(due, &b->due))
		tg_errors_add(L->errs, "bad_date", p, "batches 的 due 不是有效日期");
}

static void load_batches(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"id", "name", "due", NULL};
	L->plan->batches = arena_alloc(&L->plan->arena,
				       (json_array_size(arr) + 1) * sizeof *L->plan->batches);
	for_each_item(L, arr, "batches", keys, read_batch);
}

/* One item of separations[] or groups[] (the same shape), appended to the
** list the loader reads into. */
static void read_section(struct loader *L, json_t *o, const char *p)
{
	tg_plan *plan = L->plan;
	tg_separation *s = &L->sections[(*L->n_sections)++];
	s->id = get_str(L, o, "id", p, true);
	s->name = get_str(L, o, "name", p, true);
	json_t *cl = json_object_get(o, "clauses");
	if (!json_is_array(cl)) {
		tg_errors_add(L->errs, "required", p, "separations 须有 clauses 数组");
		return;
	}
	s->clauses = arena_alloc(&plan->arena, (json_array_size(cl) + 1) * sizeof *s->clauses);
	size_t j;
	json_t *c;
	json_array_foreach(cl, j, c) {
		if (!json_is_string(c) || !plan_clause(plan, json_string_value(c))) {
			tg_errors_add(L->errs, "dangling_ref", p, "clauses[%zu] 不是方案中的条款", j);
			continue;
		}
		s->clauses[s->n_clauses++] = arena_strdup(&plan->arena, json_string_value(c));
	}
}

static void load_separations(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"id", "name", "clauses", NULL};
	L->plan->separations = arena_alloc(&L->plan->arena,
					   (json_array_size(arr) + 1) * sizeof *L->plan->separations);
	L->sections = L->plan->separations;
	L->n_sections = &L->plan->n_separations;
	for_each_item(L, arr, "separations", keys, read_section);
}

/* groups[] have the shape of separations[] (read_section reads both). */
static void load_groups(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"id", "name", "clauses", NULL};
	tg_plan *plan = L->plan;
	plan->groups = arena_alloc(&plan->arena, (json_array_size(arr) + 1) * sizeof *plan->groups);
	L->sections = plan->groups;
	L->n_sections = &plan->n_groups;
	for_each_item(L, arr, "groups", keys, read_section);
	for (size_t g = 0; g < plan->n_groups; g++)
		for (size_t k = 0; k < plan->n_separations; k++)
			if (plan->groups[g].id && plan->separations[k].id &&
			    !strcmp(plan->groups[g].id, plan->separations[k].id)) {
				char p[64];
				snprintf(p, sizeof p, "groups[%zu].id", g);
				tg_errors_add(L->errs, "duplicate_id", p,
					      "分组编号“%s”与某一分离事项相同", plan->groups[g].id);
			}
}

/* The plan's level (obligations.md: "A plan has level"); absent: city, the
** level of every plan before the key existed. */
static const char *const plan_levels[] = {
	[LEVEL_CITY] = "city", [LEVEL_COUNTY] = "county",
	[LEVEL_NATIONAL] = "national", [LEVEL_PROVINCE] = "province"};

static void read_level(struct loader *L, json_t *root)
{
	L->plan->level = LEVEL_CITY;
	const char *v = get_str(L, root, "level", "", false);
	if (!v)
		return;
	for (size_t i = 0; i < sizeof plan_levels / sizeof *plan_levels; i++)
		if (!strcmp(plan_levels[i], v)) {
			L->plan->level = (int)i;
			return;
		}
	tg_errors_add(L->errs, "bad_enum", "level",
		      "level 应为 national、province、city 或 county 之一");
}

const char *plan_level_name(const tg_plan *plan)
{
	return plan_levels[plan->level];
}

const char *plan_place(const tg_plan *plan)
{
	static const char *const places[] = {[LEVEL_CITY] = "全市", [LEVEL_COUNTY] = "全县",
					     [LEVEL_NATIONAL] = "全国", [LEVEL_PROVINCE] = "全省"};
	return places[plan->level];
}

const char *plan_rule_clause(const tg_plan *plan, const char *rule_id)
{
	const tg_plan_rule *r = plan_rule(plan, rule_id);
	return r ? r->clause : NULL;
}

static const char *section_in(const tg_separation *list, size_t n, const char *clause,
			      const char **name)
{
	for (size_t s = 0; s < n; s++)
		for (size_t k = 0; k < list[s].n_clauses; k++)
			if (!strcmp(list[s].clauses[k], clause)) {
				*name = list[s].name;
				return list[s].id;
			}
	return NULL;
}

size_t plan_sections(const tg_plan *plan, const char **ids, const char **names)
{
	size_t n = 0;
	for (size_t s = 0; s < plan->n_separations; s++, n++)
		ids[n] = plan->separations[s].id, names[n] = plan->separations[s].name;
	for (size_t g = 0; g < plan->n_groups; g++, n++)
		ids[n] = plan->groups[g].id, names[n] = plan->groups[g].name;
	ids[n] = "supervision", names[n] = "综合监管";
	return n + 1;
}

const char *plan_section_of(const tg_plan *plan, const char *clause, const char **name)
{
	const char *id = section_in(plan->separations, plan->n_separations, clause, name);
	if (!id)
		id = section_in(plan->groups, plan->n_groups, clause, name);
	if (id)
		return id;
	*name = "综合监管";
	return "supervision";
}

static void read_rule(struct loader *L, json_t *o, const char *p)
{
	tg_plan *plan = L->plan;
	tg_plan_rule *r = &plan->rules[plan->n_rules++];
	r->id = get_str(L, o, "id", p, true);
	r->clause = get_str(L, o, "clause", p, true);
	r->basis = get_str(L, o, "basis", p, false);
	r->title = get_str(L, o, "title", p, false);
	if (r->clause && !plan_clause(plan, r->clause))
		tg_errors_add(L->errs, "dangling_ref", p, "规则 %s 引用的条款“%s”不在方案中",
			      r->id ? r->id : "?", r->clause);
}

static void load_rules(struct loader *L, json_t *arr)
{
	static const char *const keys[] = {"id", "clause", "basis", "title", NULL};
	L->plan->rules = arena_alloc(&L->plan->arena,
				     (json_array_size(arr) + 1) * sizeof *L->plan->rules);
	for_each_item(L, arr, "rules", keys, read_rule);
}

static void load_root(struct loader *L, json_t *root)
{
	static const char *const keys[] = {"format", "id", "title", "number", "issuers",
					   "issued_on", "in_force_on", "public", "implements",
					   "source", "clauses", "parameters", "batches",
					   "separations", "groups", "rules", "obligations", "level",
					   "office", NULL};
	tg_plan *plan = L->plan;
	if (!json_is_object(root)) {
		tg_errors_add(L->errs, "bad_type", "$", "方案文件应为 JSON 对象");
		return;
	}
	check_keys(L, root, "", keys);
	const char *format = get_str(L, root, "format", "", true);
	if (format && strcmp(format, TG_PLAN_FORMAT))
		tg_errors_add(L->errs, "bad_format", "format", "format 应为 \"%s\"", TG_PLAN_FORMAT);
	plan->id = get_str(L, root, "id", "", true);
	plan->title = get_str(L, root, "title", "", true);
	plan->number = get_str(L, root, "number", "", false);
	plan->issued_on = get_str(L, root, "issued_on", "", false);
	plan->in_force_on = get_str(L, root, "in_force_on", "", false);
	plan->source = get_str(L, root, "source", "", false);
	plan->office = get_str(L, root, "office", "", false);
	if (!plan->office)
		plan->office = "联合工作组办公室";
	read_level(L, root);
	json_t *issuers = json_object_get(root, "issuers");
	if (json_is_array(issuers)) {
		size_t i;
		json_t *s;
		plan->issuers = arena_alloc(&plan->arena, (json_array_size(issuers) + 1) * sizeof(char *));
		json_array_foreach(issuers, i, s)
			if (json_is_string(s))
				plan->issuers[plan->n_issuers++] =
					arena_strdup(&plan->arena, json_string_value(s));
	}
	json_t *arr;
	if ((arr = get_array(L, root, "clauses", true)))
		load_clauses(L, arr);
	/* parameters and rules may be absent: a plan of obligations only
	** (rules_check_plan refuses a plan with neither rules nor obligations). */
	if ((arr = get_array(L, root, "parameters", false)))
		load_params(L, arr);
	if ((arr = get_array(L, root, "batches", false)))
		load_batches(L, arr);
	if ((arr = get_array(L, root, "separations", false)))
		load_separations(L, arr);
	if ((arr = get_array(L, root, "groups", false)))
		load_groups(L, arr);
	if (plan->n_separations + plan->n_groups >= TG_PLAN_SECTIONS_MAX)
		tg_errors_add(L->errs, "too_many", "groups", "分离事项与分组合计不得超过%d个",
			      TG_PLAN_SECTIONS_MAX - 1);
	if ((arr = get_array(L, root, "rules", false)))
		load_rules(L, arr);
	if ((arr = get_array(L, root, "obligations", false)))
		obligations_load(plan, arr, L->errs);
}

int plan_load_buffer(const char *buf, size_t len, tg_plan **out, tg_errors *errs)
{
	*out = NULL;
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		char p[64];
		snprintf(p, sizeof p, "第%d行第%d列", je.line, je.column);
		tg_errors_add(errs, "json_syntax", p, "方案文件 JSON 格式错误：%s", je.text);
		return TG_EINVAL;
	}
	tg_plan *plan = calloc(1, sizeof *plan);
	if (!plan) {
		json_decref(root);
		return TG_ENOMEM;
	}
	arena_init(&plan->arena);
	size_t before = errs->total;
	struct loader L = {plan, errs, NULL, NULL};
	plan->p.issued = plan->p.decoupling_due = plan->p.asset_inventory_due =
		plan->p.office_due = TG_DATE_NONE;
	load_root(&L, root);
	json_decref(root);
	if (errs->total > before) {
		plan_free(plan);
		return TG_EINVAL;
	}
	plan->json = arena_strndup(&plan->arena, buf, len);
	plan->json_len = len;
	*out = plan;
	return TG_OK;
}

int plan_load_file(const char *path, tg_plan **out, tg_errors *errs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		tg_errors_add(errs, "io", path, "无法打开方案文件");
		return TG_EIO;
	}
	strbuf sb;
	sb_init(&sb);
	int got = sb_add_stream(&sb, f, 0);
	fclose(f);
	int rc = TG_EIO;
	if (got)
		tg_errors_add(errs, "io", path, "读取方案文件失败");
	else
		rc = plan_load_buffer(sb.buf ? sb.buf : "", sb.len, out, errs);
	sb_release(&sb);
	return rc;
}

int plan_load_default(tg_plan **out, tg_errors *errs)
{
	return plan_load_buffer((const char *)tg_plan_luoyang, tg_plan_luoyang_len, out, errs);
}

void plan_add_place(tg_plan *plan, const char *jurisdiction, tg_plan *sub)
{
	tg_plan_place *p = realloc(plan->places, (plan->n_places + 1) * sizeof *p);
	if (!p)
		abort();
	plan->places = p;
	p[plan->n_places++] = (tg_plan_place){arena_strdup(&plan->arena, jurisdiction), sub};
}

void plan_free(tg_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_places; i++)
		plan_free(plan->places[i].plan);
	free(plan->places);
	arena_free(&plan->arena);
	free(plan);
}

const tg_clause *plan_clause(const tg_plan *plan, const char *id)
{
	for (size_t i = 0; id && i < plan->n_clauses; i++)
		if (plan->clauses[i].id && !strcmp(plan->clauses[i].id, id))
			return &plan->clauses[i];
	return NULL;
}

const tg_plan_rule *plan_rule(const tg_plan *plan, const char *rule_id)
{
	for (size_t i = 0; i < plan->n_rules; i++)
		if (plan->rules[i].id && !strcmp(plan->rules[i].id, rule_id))
			return &plan->rules[i];
	return NULL;
}

const tg_plan_batch *plan_batch(const tg_plan *plan, const char *id)
{
	for (size_t i = 0; id && i < plan->n_batches; i++)
		if (plan->batches[i].id && !strcmp(plan->batches[i].id, id))
			return &plan->batches[i];
	return NULL;
}

const tg_param_info *plan_param(const tg_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_params; i++)
		if (!strcmp(plan->params[i].name, name))
			return &plan->params[i];
	return NULL;
}

const tg_obligation *plan_obligation(const tg_plan *plan, const char *id)
{
	for (size_t i = 0; id && i < plan->n_obligations; i++)
		if (plan->obligations[i].id && !strcmp(plan->obligations[i].id, id))
			return &plan->obligations[i];
	return NULL;
}
