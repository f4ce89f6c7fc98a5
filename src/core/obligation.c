/*
** obligation.c: obligations as plan data (obligations.md).
**
** Owns three things, exactly as the spec says them:
**   - the plan checks of obligations[] (obligations_load: every problem is
**     bad input naming its JSON path, "obligations[3].anchor.field");
**   - the checks of the bundle's steps[] against the plan in force
**     (obligation_check_steps, "steps[3].subject"), the same for --bundle
**     and --db;
**   - the evaluation as of D ("Evaluation as of D", including its "Read
**     literally" decisions): obligations_evaluate appends findings to the
**     run of rules_evaluate, which sorts the one list.
** The 43 rules stay C functions (rules*.c); nothing here knows any of them
** except that an obligation may not take a rule's id.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obligation.h"
#include "rules_impl.h"

/* ---- the plan checks ---- */

struct oload {
	tg_plan *plan;
	tg_errors *errs;
	json_t *arr;
};

static void path_join(char *out, size_t size, const char *base, const char *key)
{
	if (snprintf(out, size, "%s.%s", base, key) >= (int)size)
		out[size - 1] = '\0'; /* a path is cut, never overrun */
}

/* The record's association: the array's "association" reference. */
static const tg_field *association_field(int a)
{
	if (a < 0 || a == ARR_ASSOCIATIONS)
		return NULL;
	const tg_field *f = schema_field(a, "association");
	return f && f->type == FT_REF && f->target == ARR_ASSOCIATIONS ? f : NULL;
}

static bool has_association(int a)
{
	return a == ARR_ASSOCIATIONS || association_field(a);
}

static bool has_key(int a)
{
	return a >= 0 && a != ARR_STEPS && tg_schema[a].fields[0].type == FT_KEY;
}

static int array_by_key(const char *name)
{
	for (int a = 0; a < ARR_COUNT; a++)
		if (!strcmp(tg_schema[a].key, name))
			return a;
	return -1;
}

/* A top-level date field of array a, or NULL with the error added. */
static const tg_field *date_field(struct oload *L, int a, const char *name, const char *path)
{
	const tg_field *f = strchr(name, '.') ? NULL : schema_field(a, name);
	if (!f || f->type == FT_OBJECT) {
		tg_errors_add(L->errs, "unknown_field", path, "%s 没有字段“%.60s”", tg_schema[a].key,
			      name);
		return NULL;
	}
	if (f->type != FT_DATE) {
		tg_errors_add(L->errs, "not_a_date", path, "%s 的字段“%s”不是日期", tg_schema[a].key,
			      name);
		return NULL;
	}
	return f;
}

static bool only_keys(struct oload *L, json_t *o, const char *path, const char *const *keys)
{
	return plan_doc_only_keys(L->errs, o, path, keys);
}

static const char *str_of(struct oload *L, json_t *o, const char *key, const char *path,
			  bool required)
{
	return plan_doc_str(L->plan, L->errs, o, key, path, required);
}

static bool id_well_formed(const char *id)
{
	size_t parts = 0, len = 0;
	for (const char *c = id;; c++) {
		if (*c == '.' || !*c) {
			if (!len)
				return false;
			parts++;
			len = 0;
			if (!*c)
				break;
		} else if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-') {
			len++;
		} else {
			return false;
		}
	}
	return parts >= 2;
}

/* A declared, non-null parameter of the given type, or an error at path. */
static const tg_param_info *param_of(struct oload *L, const char *name, enum tg_param_type type,
				     const char *path)
{
	static const char *words[] = {"日期", "整数", "月日", "文本列表"};
	const tg_param_info *info = plan_param(L->plan, name);
	if (!info) {
		tg_errors_add(L->errs, "unknown_parameter", path, "方案中没有参数“%.60s”", name);
		return NULL;
	}
	if (info->type != type) {
		tg_errors_add(L->errs, "bad_parameter", path, "参数 %s 应为%s类型", name, words[type]);
		return NULL;
	}
	if (info->null) {
		tg_errors_add(L->errs, "bad_parameter", path, "参数 %s 为 null，但本义务要读取它", name);
		return NULL;
	}
	return info;
}

/* A source (anchor, opens): {"field"|"param"|"date"|"step": ...}. */
static void read_source(struct oload *L, tg_obligation *o, json_t *v, const char *path,
			tg_source *src)
{
	static const char *const keys[] = {"field", "param", "date", "step", NULL};
	src->kind = SRC_NONE;
	if (!json_is_object(v) || json_object_size(v) != 1) {
		tg_errors_add(L->errs, "bad_source", path,
			      "应为只有一个键（field、param、date 或 step）的对象");
		return;
	}
	if (!only_keys(L, v, path, keys))
		return;
	const char *key = json_object_iter_key(json_object_iter(v));
	json_t *val = json_object_get(v, key);
	char p[192];
	path_join(p, sizeof p, path, key);
	if (!json_is_string(val)) {
		tg_errors_add(L->errs, "bad_type", p, "应为字符串");
		return;
	}
	const char *s = json_string_value(val);
	if (!strcmp(key, "field")) {
		static const char prefix[] = "association.";
		if (!strncmp(s, prefix, sizeof prefix - 1)) {
			if (!has_association(o->subject)) {
				tg_errors_add(L->errs, "no_association", p, "%s 的记录没有所属协会",
					      tg_schema[o->subject].key);
				return;
			}
			const tg_field *f = date_field(L, ARR_ASSOCIATIONS, s + sizeof prefix - 1, p);
			if (f) {
				src->kind = SRC_ASSOCIATION_FIELD;
				src->off = f->off;
			}
		} else {
			const tg_field *f = date_field(L, o->subject, s, p);
			if (f) {
				src->kind = SRC_FIELD;
				src->off = f->off;
			}
		}
	} else if (!strcmp(key, "param")) {
		const tg_param_info *info = param_of(L, s, PT_DATE, p);
		if (info) {
			src->kind = SRC_PARAM;
			src->param = info->name;
		}
	} else if (!strcmp(key, "date")) {
		if (date_parse(s, &src->date))
			tg_errors_add(L->errs, "bad_date", p, "“%.60s”不是有效日期（应为 YYYY-MM-DD）", s);
		else
			src->kind = SRC_DATE;
	} else {
		/* A step of another (or the same) obligation of the plan. */
		size_t n = json_array_size(L->arr), j;
		for (j = 0; j < n; j++) {
			json_t *other = json_array_get(L->arr, j);
			json_t *id = json_is_object(other) ? json_object_get(other, "id") : NULL;
			if (json_is_string(id) && !strcmp(json_string_value(id), s))
				break;
		}
		if (j == n) {
			tg_errors_add(L->errs, "unknown_obligation", p, "方案中没有义务“%.60s”", s);
			return;
		}
		json_t *other = json_array_get(L->arr, j);
		json_t *subj = json_object_get(other, "subject");
		if (json_object_get(other, "yearly")) {
			tg_errors_add(L->errs, "bad_step_source", p, "义务 %s 是年度义务，不能作为来源", s);
			return;
		}
		if (!json_is_string(subj) || array_by_key(json_string_value(subj)) != o->subject) {
			tg_errors_add(L->errs, "bad_step_source", p, "义务 %s 的对象数组与本义务不同", s);
			return;
		}
		src->kind = SRC_STEP;
		src->step = j;
	}
}

static void read_offset(struct oload *L, tg_obligation *o, json_t *v, const char *path)
{
	static const char *const keys[] = {"days", "workdays", "months", "years", NULL};
	static const long limits[] = {36600, 10000, 1200, 100};
	o->offset = OFFSET_DAYS;
	o->offset_n = 0;
	if (!v)
		return;
	if (json_is_null(v)) {
		o->offset = OFFSET_NULL;
		return;
	}
	if (!json_is_object(v) || json_object_size(v) != 1) {
		tg_errors_add(L->errs, "bad_offset", path,
			      "应为只有一个键（days、workdays、months 或 years）的对象，或 null");
		return;
	}
	if (!only_keys(L, v, path, keys))
		return;
	const char *key = json_object_iter_key(json_object_iter(v));
	json_t *n = json_object_get(v, key);
	char p[192];
	path_join(p, sizeof p, path, key);
	int k;
	for (k = 0; strcmp(keys[k], key); k++)
		;
	if (!json_is_integer(n)) {
		tg_errors_add(L->errs, "bad_type", p, "应为整数");
		return;
	}
	json_int_t x = json_integer_value(n);
	if (k == OFFSET_WORKDAYS && x < 0) {
		tg_errors_add(L->errs, "negative", p, "工作日数不能为负数");
		return;
	}
	if (x > limits[k] || x < -limits[k]) {
		tg_errors_add(L->errs, "out_of_range", p, "数值过大（绝对值不超过 %ld）", limits[k]);
		return;
	}
	o->offset = (enum tg_offset_kind)k;
	o->offset_n = (int)x;
}

static void read_done(struct oload *L, tg_obligation *o, json_t *v, const char *path)
{
	static const char *const keys[] = {"field", "record", NULL};
	o->done = DONE_STEP;
	if (!v)
		return;
	if (!json_is_object(v) || !json_object_get(v, "field")) {
		tg_errors_add(L->errs, "bad_done", path,
			      "应为 {\"field\": 字段} 或 {\"record\": 数组, \"field\": 字段}");
		return;
	}
	if (!only_keys(L, v, path, keys))
		return;
	json_t *field = json_object_get(v, "field"), *record = json_object_get(v, "record");
	char p[192], pr[192];
	path_join(p, sizeof p, path, "field");
	path_join(pr, sizeof pr, path, "record");
	if (!json_is_string(field)) {
		tg_errors_add(L->errs, "bad_type", p, "应为字符串");
		return;
	}
	if (!record) {
		const tg_field *f = date_field(L, o->subject, json_string_value(field), p);
		if (f) {
			o->done = DONE_FIELD;
			o->done_off = f->off;
		}
		return;
	}
	if (!json_is_string(record)) {
		tg_errors_add(L->errs, "bad_type", pr, "应为字符串");
		return;
	}
	if (o->subject != ARR_ASSOCIATIONS) {
		tg_errors_add(L->errs, "bad_done", pr, "按记录认定办结只适用于对象数组 associations");
		return;
	}
	int a = array_by_key(json_string_value(record));
	if (a < 0 || !association_field(a)) {
		tg_errors_add(L->errs, "unknown_array", pr, "“%.60s”不是带所属协会的数组",
			      json_string_value(record));
		return;
	}
	const tg_field *f = date_field(L, a, json_string_value(field), p);
	if (f) {
		o->done = DONE_RECORD;
		o->done_array = a;
		o->done_off = f->off;
	}
}

static void read_yearly(struct oload *L, tg_obligation *o, json_t *v, const char *path)
{
	static const char *const keys[] = {"from_year", "due", NULL};
	if (!json_is_object(v)) {
		tg_errors_add(L->errs, "bad_type", path, "应为对象");
		return;
	}
	only_keys(L, v, path, keys);
	char p[192];
	json_t *fy = json_object_get(v, "from_year");
	path_join(p, sizeof p, path, "from_year");
	if (!fy || json_is_null(fy)) {
		tg_errors_add(L->errs, "required", p, "缺少必填字段“from_year”");
	} else if (json_is_integer(fy)) {
		json_int_t y = json_integer_value(fy);
		if (y < 1900 || y > 2200)
			tg_errors_add(L->errs, "out_of_range", p, "年份应在 1900—2200 之间");
		else
			o->from_year = (int)y;
	} else if (json_is_object(fy) && json_object_size(fy) == 1 &&
		   json_is_string(json_object_get(fy, "param"))) {
		char pp[200];
		path_join(pp, sizeof pp, p, "param");
		const tg_param_info *info =
			param_of(L, json_string_value(json_object_get(fy, "param")), PT_INT, pp);
		if (info)
			o->from_year_param = info->name;
	} else {
		tg_errors_add(L->errs, "bad_type", p, "应为整数或 {\"param\": 参数名}");
	}
	json_t *due = json_object_get(v, "due");
	path_join(p, sizeof p, path, "due");
	if (!json_is_string(due) || (o->due_md = plan_parse_month_day(json_string_value(due))) < 0)
		tg_errors_add(L->errs, "bad_value", p, "应为 MM-DD 格式的月日");
}

/* The canonical token of a JSON value of `when`, checked against the field's
** type; NULL with the error added. */
static const char *when_token(struct oload *L, const tg_field *f, json_t *v, const char *path)
{
	char buf[64];
	if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return "n";
	switch (f->type) {
	case FT_BOOL:
		if (json_is_boolean(v))
			return json_is_true(v) ? "b:1" : "b:0";
		break;
	case FT_INT:
	case FT_MONEY:
	case FT_AREA:
		if (json_is_number(v)) {
			snprintf(buf, sizeof buf, "d:%.17g", json_number_value(v));
			return arena_strdup(&L->plan->arena, buf);
		}
		break;
	case FT_ENUM:
		if (json_is_string(v)) {
			for (int i = 0; f->values[i].key; i++)
				if (!strcmp(f->values[i].key, json_string_value(v)))
					return arena_printf(&L->plan->arena, "s:%s", f->values[i].key);
			tg_errors_add(L->errs, "bad_enum", path, "“%.60s”不是字段 %s 的取值",
				      json_string_value(v), f->key);
			return NULL;
		}
		break;
	case FT_DATE:
		if (json_is_string(v)) {
			tg_date d;
			if (date_parse(json_string_value(v), &d)) {
				tg_errors_add(L->errs, "bad_date", path, "不是有效日期");
				return NULL;
			}
			return arena_printf(&L->plan->arena, "s:%s", json_string_value(v));
		}
		break;
	default:
		if (json_is_string(v))
			return arena_printf(&L->plan->arena, "s:%s", json_string_value(v));
		break;
	}
	tg_errors_add(L->errs, "bad_type", path, "取值的类型与字段 %s 不符", f->key);
	return NULL;
}

static void read_when(struct oload *L, tg_obligation *o, json_t *v, const char *path)
{
	if (!json_is_object(v)) {
		tg_errors_add(L->errs, "bad_type", path, "应为对象：字段 → 允许的取值数组");
		return;
	}
	o->when = arena_alloc(&L->plan->arena, (json_object_size(v) + 1) * sizeof *o->when);
	const char *key;
	json_t *vals;
	json_object_foreach(v, key, vals) {
		char p[192];
		path_join(p, sizeof p, path, key);
		const tg_field *f = strchr(key, '.') ? NULL : schema_field(o->subject, key);
		if (!f || f->type == FT_OBJECT) {
			tg_errors_add(L->errs, "unknown_field", p, "%s 没有字段“%.60s”",
				      tg_schema[o->subject].key, key);
			continue;
		}
		if (!json_is_array(vals)) {
			tg_errors_add(L->errs, "bad_type", p, "应为允许取值的数组");
			continue;
		}
		tg_when *w = &o->when[o->n_when++];
		w->field = f;
		w->values = arena_alloc(&L->plan->arena, (json_array_size(vals) + 1) * sizeof(char *));
		size_t i;
		json_t *x;
		json_array_foreach(vals, i, x) {
			char pi[224];
			if (snprintf(pi, sizeof pi, "%s[%zu]", p, i) >= (int)sizeof pi)
				pi[sizeof pi - 1] = '\0';
			const char *t = when_token(L, f, x, pi);
			if (t)
				w->values[w->n_values++] = t;
		}
	}
}

static void read_obligation(struct oload *L, json_t *v, size_t i, const char *path)
{
	static const char *const keys[] = {"id", "subject", "clause", "basis", "title", "when",
					   "in_scope", "anchor", "offset", "opens", "done",
					   "yearly", NULL};
	tg_plan *plan = L->plan;
	tg_obligation *o = &plan->obligations[i];
	o->subject = -1;
	if (!json_is_object(v)) {
		tg_errors_add(L->errs, "bad_type", path, "应为对象");
		return;
	}
	only_keys(L, v, path, keys);
	char p[192];
	o->id = str_of(L, v, "id", path, true);
	path_join(p, sizeof p, path, "id");
	if (o->id) {
		if (!id_well_formed(o->id))
			tg_errors_add(L->errs, "bad_id", p,
				      "义务编号“%.60s”应为以点分隔的小写字母、数字和连字符（如 services.evaluation-missing）",
				      o->id);
		else if (rules_find(o->id) || plan_rule(plan, o->id))
			tg_errors_add(L->errs, "duplicate_id", p, "义务编号“%s”与规则编号相同", o->id);
		for (size_t j = 0; j < i; j++)
			if (plan->obligations[j].id && !strcmp(plan->obligations[j].id, o->id))
				tg_errors_add(L->errs, "duplicate_id", p, "义务编号“%s”重复", o->id);
	}
	o->clause = str_of(L, v, "clause", path, true);
	if (o->clause && !plan_clause(plan, o->clause)) {
		path_join(p, sizeof p, path, "clause");
		tg_errors_add(L->errs, "dangling_ref", p, "条款“%.60s”不在方案中", o->clause);
	}
	o->basis = str_of(L, v, "basis", path, false);
	o->title = str_of(L, v, "title", path, false);
	const char *subject = str_of(L, v, "subject", path, true);
	if (!subject)
		return;
	o->subject = array_by_key(subject);
	if (!has_key(o->subject)) {
		path_join(p, sizeof p, path, "subject");
		tg_errors_add(L->errs, "unknown_array", p, "“%.60s”不能作为义务的对象数组（须为有编号的数组）",
			      subject);
		o->subject = -1;
		return;
	}
	json_t *x;
	if ((x = json_object_get(v, "when")))
		path_join(p, sizeof p, path, "when"), read_when(L, o, x, p);
	if ((x = json_object_get(v, "in_scope"))) {
		path_join(p, sizeof p, path, "in_scope");
		/* Given at all on records without an association: refused (the
		** plan check names in_scope itself, true or false). */
		if (!json_is_boolean(x))
			tg_errors_add(L->errs, "bad_type", p, "应为 true 或 false");
		else if (!has_association(o->subject))
			tg_errors_add(L->errs, "no_association", p,
				      "%s 的记录没有所属协会，不能限定脱钩范围",
				      tg_schema[o->subject].key);
		else if (json_is_true(x) && param_of(L, "name_suffixes", PT_STRINGS, p))
			o->in_scope = true;
	}
	json_t *yearly = json_object_get(v, "yearly");
	json_t *anchor = json_object_get(v, "anchor"), *offset = json_object_get(v, "offset");
	json_t *done = json_object_get(v, "done");
	if (yearly) {
		o->yearly = true;
		path_join(p, sizeof p, path, "yearly");
		if (anchor || offset)
			tg_errors_add(L->errs, "yearly_with_anchor", p,
				      "年度义务不能同时有 anchor 或 offset");
		if (done)
			tg_errors_add(L->errs, "yearly_with_done", p,
				      "年度义务只能以办结记录（steps）认定办结，不能有 done");
		read_yearly(L, o, yearly, p);
		o->anchor.kind = SRC_NONE;
	} else {
		path_join(p, sizeof p, path, "anchor");
		if (!anchor)
			tg_errors_add(L->errs, "required", p, "缺少 anchor（或改为 yearly）");
		else
			read_source(L, o, anchor, p, &o->anchor);
		path_join(p, sizeof p, path, "offset");
		read_offset(L, o, offset, p);
		path_join(p, sizeof p, path, "done");
		read_done(L, o, done, p);
	}
	if ((x = json_object_get(v, "opens")))
		path_join(p, sizeof p, path, "opens"), read_source(L, o, x, p, &o->opens);
}

void obligations_load(tg_plan *plan, json_t *arr, tg_errors *errs)
{
	struct oload L = {plan, errs, arr};
	size_t n = json_array_size(arr);
	plan->obligations = arena_alloc(&plan->arena, (n + 1) * sizeof *plan->obligations);
	memset(plan->obligations, 0, (n + 1) * sizeof *plan->obligations);
	plan->n_obligations = n;
	for (size_t i = 0; i < n; i++) {
		char p[64];
		snprintf(p, sizeof p, "obligations[%zu]", i);
		read_obligation(&L, json_array_get(arr, i), i, p);
	}
}

/* ---- steps ---- */

static bool subject_resolves(const tg_register *r, int a, const char *key)
{
	if (a == ARR_ANNUAL_REPORTS)
		return false;
	return register_find(r, a, key) != TG_IX_NONE;
}

/* The obligation id in plan or, failing that, in the first plan a
** jurisdiction adopted that has it (its subject array is what the step's
** subject is looked up in before its jurisdiction is known). */
static const tg_obligation *obligation_anywhere(const tg_plan *plan, const char *id)
{
	const tg_obligation *o = plan_obligation(plan, id);
	for (size_t i = 0; !o && i < plan->n_places; i++)
		o = plan_obligation(plan->places[i].plan, id);
	return o;
}

/* A string field of row, or NULL when the array has no such field. */
static const char *row_text(int a, const void *row, const char *key)
{
	const tg_field *f = schema_field(a, key);
	return f ? *(const char *const *)((const char *)row + f->off) : NULL;
}

/* The jurisdiction of record key of array a, found in r or fallback: its
** own (associations, units) or its association's; NULL when none. */
static const char *subject_jurisdiction(const tg_register *r, const tg_register *fallback, int a,
					const char *key)
{
	for (int depth = 0; key && depth < 2; depth++) {
		const tg_register *in = r;
		tg_ix ix = register_find(r, a, key);
		if (ix == TG_IX_NONE && fallback)
			ix = register_find(in = fallback, a, key);
		if (ix == TG_IX_NONE)
			return NULL;
		const void *row = register_row(in, a, ix);
		const char *code = row_text(a, row, "jurisdiction");
		if (code || !association_field(a))
			return code;
		key = row_text(a, row, "association");
		a = ARR_ASSOCIATIONS;
	}
	return NULL;
}

/* The plan a record of jurisdiction code is judged under (rules_plan_for),
** its jurisdictions read from r, else from fallback. */
static const tg_plan *plan_of_code(const tg_plan *plan, const tg_register *r,
				   const tg_register *fallback, const char *code)
{
	if (!code || !plan->n_places)
		return plan;
	bool in_r = register_find(r, ARR_JURISDICTIONS, code) != TG_IX_NONE;
	return rules_plan_for(plan, in_r || !fallback ? r : fallback, code);
}

int obligation_check_steps(const tg_register *r, const tg_plan *plan, const tg_register *fallback,
			   tg_errors *errs)
{
	size_t before = errs->total;
	const tg_step *st = REG_ROWS(r, ARR_STEPS, tg_step);
	for (size_t i = 0; i < REG_COUNT(r, ARR_STEPS); i++) {
		char p[80];
		const tg_obligation *o = obligation_anywhere(plan, st[i].obligation);
		if (!o || o->subject < 0) {
			snprintf(p, sizeof p, "steps[%zu].obligation", i);
			tg_errors_add(errs, "unknown_obligation", p, "方案“%s”中没有义务“%.60s”",
				      plan->id ? plan->id : "", st[i].obligation ? st[i].obligation : "");
			continue;
		}
		if (!st[i].subject || (!subject_resolves(r, o->subject, st[i].subject) &&
				       !(fallback && subject_resolves(fallback, o->subject, st[i].subject)))) {
			snprintf(p, sizeof p, "steps[%zu].subject", i);
			tg_errors_add(errs, "dangling_ref", p, "%s 中没有编号为“%.60s”的记录",
				      tg_schema[o->subject].key, st[i].subject ? st[i].subject : "");
		} else if (plan->n_places) {
			/* the step is checked under the plan its record is judged under */
			const tg_plan *judged = plan_of_code(
				plan, r, fallback,
				subject_jurisdiction(r, fallback, o->subject, st[i].subject));
			const tg_obligation *jo = plan_obligation(judged, st[i].obligation);
			if (!jo || jo->subject != o->subject) {
				snprintf(p, sizeof p, "steps[%zu].obligation", i);
				tg_errors_add(errs, "unknown_obligation", p,
					      "该记录适用的方案“%s”中没有义务“%.60s”",
					      judged->id ? judged->id : "", st[i].obligation);
				continue;
			}
			o = jo;
		}
		snprintf(p, sizeof p, "steps[%zu].period", i);
		if (o->yearly && !st[i].period)
			tg_errors_add(errs, "required", p, "义务 %s 是年度义务，须填写年度", o->id);
		else if (!o->yearly && st[i].period)
			tg_errors_add(errs, "bad_period", p, "义务 %s 不是年度义务，年度应为 null", o->id);
		else if (o->yearly && (st[i].period < 1900 || st[i].period > 2200))
			tg_errors_add(errs, "out_of_range", p, "年度应在 1900—2200 之间");
	}
	return errs->total > before ? TG_EINVAL : TG_OK;
}

/* ---- evaluation as of D ---- */

/* Steps sorted by (obligation, subject, period, done_on; no date last). */
static int cmp_step(const void *x, const void *y)
{
	const tg_step *a = *(const tg_step *const *)x, *b = *(const tg_step *const *)y;
	int c = strcmp(a->obligation, b->obligation);
	if (!c)
		c = strcmp(a->subject, b->subject);
	if (!c)
		c = a->period < b->period ? -1 : a->period > b->period;
	if (!c) {
		int64_t da = a->done_on == TG_DATE_NONE ? INT64_MAX : a->done_on;
		int64_t db = b->done_on == TG_DATE_NONE ? INT64_MAX : b->done_on;
		c = da < db ? -1 : da > db;
	}
	return c;
}

struct steps_ix {
	const tg_step **v;
	size_t n;
};

/* The earliest done_on of a step of (obligation, subject, period), or
** TG_DATE_NONE. */
static tg_date earliest_step(const struct steps_ix *s, const char *obligation, const char *subject,
			     int64_t period)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const tg_step *m = s->v[mid];
		int c = strcmp(m->obligation, obligation);
		if (!c)
			c = strcmp(m->subject, subject);
		if (!c)
			c = m->period < period ? -1 : m->period > period;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && !strcmp(s->v[lo]->obligation, obligation) &&
	    !strcmp(s->v[lo]->subject, subject) && s->v[lo]->period == period)
		return s->v[lo]->done_on;
	return TG_DATE_NONE;
}

/* The record's value of a `when` field as its canonical token. */
static const char *record_token(const tg_field *f, const void *row, char *buf, size_t size)
{
	const void *p = (const char *)row + f->off;
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF: {
		const char *s = *(const char *const *)p;
		if (!s || !*s)
			return "n";
		snprintf(buf, size, "s:%s", s);
		return buf;
	}
	case FT_DATE: {
		tg_date d = *(const tg_date *)p;
		if (d == TG_DATE_NONE)
			return "n";
		char ds[11];
		date_format(d, ds);
		snprintf(buf, size, "s:%s", ds);
		return buf;
	}
	case FT_BOOL: {
		int8_t b = *(const int8_t *)p;
		return b < 0 ? "n" : b ? "b:1" : "b:0";
	}
	case FT_INT:
		if (!*(const int64_t *)p && schema_int_zero_is_null(f))
			return "n";
		snprintf(buf, size, "d:%.17g", (double)*(const int64_t *)p);
		return buf;
	case FT_MONEY:
		snprintf(buf, size, "d:%.17g", (double)*(const int64_t *)p / 100.0);
		return buf;
	case FT_AREA:
		if (*(const double *)p < 0)
			return "n";
		snprintf(buf, size, "d:%.17g", *(const double *)p);
		return buf;
	case FT_ENUM: {
		const char *k = schema_enum_key(f, *(const int8_t *)p);
		if (!k)
			return "n";
		snprintf(buf, size, "s:%s", k);
		return buf;
	}
	default:
		return "n";
	}
}

static bool when_matches(const tg_obligation *o, const void *row)
{
	for (size_t i = 0; i < o->n_when; i++) {
		char buf[1024];
		const char *t = record_token(o->when[i].field, row, buf, sizeof buf);
		size_t j;
		for (j = 0; j < o->when[i].n_values && strcmp(o->when[i].values[j], t); j++)
			;
		if (j == o->when[i].n_values)
			return false;
	}
	return true;
}

static tg_date param_date(const tg_plan *plan, const char *name)
{
	const tg_param_info *info = plan_param(plan, name);
	return info && !info->null && info->type == PT_DATE ? info->date : TG_DATE_NONE;
}

static tg_date source_date(tg_eval *ev, const struct steps_ix *steps, const tg_source *s,
			   const void *row, tg_ix assoc, const char *key)
{
	switch (s->kind) {
	case SRC_FIELD:
		return *(const tg_date *)((const char *)row + s->off);
	case SRC_ASSOCIATION_FIELD:
		return assoc == TG_IX_NONE ? TG_DATE_NONE
					   : *(const tg_date *)((const char *)assoc_at(ev, assoc) + s->off);
	case SRC_PARAM:
		return param_date(ev->plan, s->param);
	case SRC_DATE:
		return s->date;
	case SRC_STEP: {
		tg_date d = earliest_step(steps, ev->plan->obligations[s->step].id, key, 0);
		return happened(d, ev->D) ? d : TG_DATE_NONE;
	}
	default:
		return TG_DATE_NONE;
	}
}

static tg_date apply_offset(tg_eval *ev, const tg_obligation *o, tg_date anchor)
{
	switch (o->offset) {
	case OFFSET_DAYS: return anchor + o->offset_n;
	case OFFSET_WORKDAYS: return eval_add_workdays(ev, anchor, o->offset_n);
	case OFFSET_MONTHS: return date_add_months(anchor, o->offset_n);
	case OFFSET_YEARS: return date_add_years(anchor, o->offset_n);
	default: return TG_DATE_NONE;
	}
}

/* done.record: the earliest x.F of a record x of the array with
** x.association = a, x.F happened and x.F >= anchor; TG_DATE_NONE if none. */
static tg_date done_by_record(const tg_eval *ev, const tg_obligation *o, tg_ix a, tg_date anchor)
{
	const tg_field *af = association_field(o->done_array);
	size_t n = REG_COUNT(ev->reg, o->done_array);
	tg_date first = TG_DATE_NONE;
	for (size_t k = 0; k < n; k++) {
		const char *x = register_row(ev->reg, o->done_array, k);
		if (*(const tg_ix *)(x + af->off_ix) != a)
			continue;
		tg_date d = *(const tg_date *)(x + o->done_off);
		if (happened(d, ev->D) && d >= anchor && (first == TG_DATE_NONE || d < first))
			first = d;
	}
	return first;
}

static int32_t unit_of(const tg_eval *ev, int arr, const void *row, tg_ix assoc)
{
	if (assoc != TG_IX_NONE) {
		tg_ix u = assoc_at(ev, assoc)->unit_ix;
		return u == TG_IX_NONE ? -1 : (int32_t)u;
	}
	if (arr == ARR_UNITS)
		return (int32_t)(((const tg_unit *)row - ROWS(ev, ARR_UNITS, tg_unit)));
	if (arr == ARR_UNIT_TASKS) {
		tg_ix u = ((const tg_unit_task *)row)->unit_ix;
		return u == TG_IX_NONE ? -1 : (int32_t)u;
	}
	return -1;
}

/* Who the finding is about, for its sentence. */
static const char *who(tg_eval *ev, int arr, const void *row, tg_ix assoc, const char *key)
{
	if (arr == ARR_ASSOCIATIONS)
		return assoc_at(ev, assoc)->name;
	tg_arena *ar = &ev->out->arena;
	if (assoc != TG_IX_NONE)
		return arena_printf(ar, "%s的%s记录%s", assoc_at(ev, assoc)->name,
				    tg_schema[arr].zh, key);
	if (arr == ARR_UNITS)
		return ((const tg_unit *)row)->name;
	return arena_printf(ar, "%s记录%s", tg_schema[arr].zh, key);
}

/* What eval_one reports: the open items as findings (emit), or, with
** done set, the items done by D of one association's records (the
** checklist keeps them, progress.c). */
struct eval_mode {
	obligation_done_fn done; /* NULL: emit the open items */
	void *ctx;
	tg_ix only; /* with done: the association whose items are reported */
};

static void eval_one(tg_eval *ev, const struct steps_ix *steps, const tg_obligation *o,
		     const struct eval_mode *mode)
{
	int arr = o->subject;
	const tg_field *af = association_field(arr);
	size_t n = REG_COUNT(ev->reg, arr);
	const char *title = o->title ? o->title : o->id;
	if (mode->done && arr == ARR_ASSOCIATIONS)
		n = mode->only + 1 < n ? mode->only + 1 : n;
	/* rules_evaluate_only: the marked associations' rows alone */
	uint32_t *pick = NULL;
	if (ev->only && !mode->done)
		n = eval_rows(ev, arr, &pick);
	for (size_t j = mode->done && arr == ARR_ASSOCIATIONS ? mode->only : 0; j < n; j++) {
		size_t i = pick ? pick[j] : j;
		const void *row = register_row(ev->reg, arr, i);
		const char *key = register_key(ev->reg, arr, i);
		tg_ix a = arr == ARR_ASSOCIATIONS ? (tg_ix)i
			  : af ? *(const tg_ix *)((const char *)row + af->off_ix)
			       : TG_IX_NONE;
		assert(ix_ok(ev, ARR_ASSOCIATIONS, a));
		if (mode->done && a != mode->only)
			continue;
		/* rules_evaluate_only: emit() would drop what an unmarked
		** association's records owe, so they are not looked at (its
		** records are as in the run the kept findings came from) */
		if (ev->only && a != TG_IX_NONE && !ev->only[a])
			continue;
		/* 1. registered, in scope, when */
		if (a != TG_IX_NONE && !ev->registered[a])
			continue;
		if (o->in_scope && (a == TG_IX_NONE || !ev->in_A[a]))
			continue;
		if (!when_matches(o, row))
			continue;
		tg_ix fa = a;
		const char *subject = arr == ARR_ASSOCIATIONS ? NULL : key;
		int32_t unit = unit_of(ev, arr, row, a);
		const char *name = mode->done ? NULL : who(ev, arr, row, a, key);
		if (!o->yearly) {
			/* 2. anchor, due, opens, done */
			tg_date anchor = source_date(ev, steps, &o->anchor, row, a, key);
			if (anchor == TG_DATE_NONE)
				continue;
			tg_date due = apply_offset(ev, o, anchor);
			tg_date opens = o->opens.kind == SRC_NONE
						? anchor
						: source_date(ev, steps, &o->opens, row, a, key);
			if (!happened(opens, ev->D))
				continue;
			tg_date done_on;
			if (o->done == DONE_FIELD)
				done_on = *(const tg_date *)((const char *)row + o->done_off);
			else if (o->done == DONE_RECORD)
				done_on = done_by_record(ev, o, a, anchor);
			else
				done_on = earliest_step(steps, o->id, key, 0);
			if (happened(done_on, ev->D)) {
				if (mode->done)
					mode->done(mode->ctx, o, subject, 0, due, done_on);
				continue;
			}
			if (!mode->done)
				emit(ev, fa, unit, subject, due, "办结", "%s：%s", name, title);
			continue;
		}
		/* 3. yearly */
		int from = o->from_year;
		if (o->from_year_param) {
			const tg_param_info *info = plan_param(ev->plan, o->from_year_param);
			if (!info || info->null)
				continue;
			from = info->ival;
		}
		if (from < 1900) /* a --set value; the plan check holds literals to 1900-2200 */
			from = 1900;
		tg_date opens = TG_DATE_NONE;
		if (o->opens.kind != SRC_NONE) {
			opens = source_date(ev, steps, &o->opens, row, a, key);
			if (opens == TG_DATE_NONE)
				continue;
		}
		int m = o->due_md / 100, d = o->due_md % 100;
		for (int y = from; date_from_ymd(y, 12, 31) < ev->D; y++) {
			if (opens != TG_DATE_NONE && opens > date_from_ymd(y, 12, 31))
				continue;
			int last = date_days_in_month(y + 1, m);
			tg_date due = date_from_ymd(y + 1, m, d > last ? last : d);
			tg_date done_on = earliest_step(steps, o->id, key, y);
			if (happened(done_on, ev->D)) {
				if (mode->done)
					mode->done(mode->ctx, o, subject, y, due, done_on);
				continue;
			}
			if (mode->done)
				continue;
			const char *subj = subject ? arena_printf(&ev->out->arena, "%s/%d", subject, y)
						   : arena_printf(&ev->out->arena, "%d", y);
			emit(ev, fa, unit, subj, due, "办结", "%s：%d年度%s", name, y, title);
		}
	}
	free(pick);
}

/* Every obligation of the plan, as mode says. */
static void eval_all(tg_eval *ev, const struct eval_mode *mode)
{
	const tg_plan *plan = ev->plan;
	if (!plan->n_obligations)
		return;
	struct steps_ix steps = {0};
	size_t n = REG_COUNT(ev->reg, ARR_STEPS);
	const tg_step *st = REG_ROWS(ev->reg, ARR_STEPS, tg_step);
	steps.v = malloc((n ? n : 1) * sizeof *steps.v);
	if (!steps.v)
		abort();
	for (size_t i = 0; i < n; i++)
		if (st[i].obligation && st[i].subject)
			steps.v[steps.n++] = &st[i];
	qsort(steps.v, steps.n, sizeof *steps.v, cmp_step);
	for (size_t i = 0; i < plan->n_obligations; i++) {
		const tg_obligation *o = &plan->obligations[i];
		if (o->subject < 0 || !o->id)
			continue;
		const tg_clause *cl = plan_clause(plan, o->clause);
		ev->rule_id = o->id;
		ev->clause = o->clause;
		ev->cite = cl && cl->cite ? cl->cite : o->clause;
		ev->basis = o->basis;
		eval_one(ev, &steps, o, mode);
	}
	free(steps.v);
}

void obligations_evaluate(tg_eval *ev)
{
	const struct eval_mode emit_open = {NULL, NULL, TG_IX_NONE};
	eval_all(ev, &emit_open);
}

void obligations_done(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		      tg_ix assoc, tg_date as_of, obligation_done_fn fn, void *ctx)
{
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS);
	if (assoc == TG_IX_NONE || assoc >= na)
		return;
	tg_eval ev = {.reg = r, .plan = plan, .P = &plan->p, .cal = cal, .D = as_of, .birth_ix = -1};
	/* only assoc's records are looked at: its facts alone are computed */
	ev.registered = calloc(na, 1);
	ev.in_A = calloc(na, 1);
	if (!ev.registered || !ev.in_A)
		abort();
	const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[assoc];
	ev.registered[assoc] = rules_registered(a, as_of);
	ev.in_A[assoc] = ev.registered[assoc] && rules_in_scope(r, plan, a);
	const struct eval_mode report_done = {fn, ctx, assoc};
	eval_all(&ev, &report_done);
	free(ev.registered);
	free(ev.in_A);
}

/* ---- explain: an obligation in words (tuogou explain ID) ---- */

/* The label of the date field at offset off of array a ("登记日期"), or
** its key when it has none. */
static const char *field_label_at(int a, size_t off)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			for (const tg_field *g = f->sub; g && g->key; g++)
				if (g->off == off)
					return g->zh ? g->zh : g->key;
		} else if (f->off == off && f->type != FT_REF) {
			return f->zh ? f->zh : f->key;
		}
	}
	return "?";
}

static void explain_source(const tg_plan *plan, const tg_obligation *o, const tg_source *s,
			   strbuf *sb)
{
	char day[11];
	switch (s->kind) {
	case SRC_FIELD:
		sb_addf(sb, "%s的“%s”", tg_schema[o->subject].zh, field_label_at(o->subject, s->off));
		break;
	case SRC_ASSOCIATION_FIELD:
		sb_addf(sb, "所属行业协会商会的“%s”", field_label_at(ARR_ASSOCIATIONS, s->off));
		break;
	case SRC_PARAM: {
		char value[64];
		plan_param_value(plan, s->param, value, sizeof value);
		sb_addf(sb, "参数 %s（%s）", s->param, value);
		break;
	}
	case SRC_DATE:
		date_format(s->date, day);
		sb_adds(sb, day);
		break;
	case SRC_STEP:
		sb_addf(sb, "事项 %s 的最早办结日期", plan->obligations[s->step].id);
		break;
	case SRC_NONE:
		sb_adds(sb, "（无）");
		break;
	}
}

void obligation_explain(const tg_plan *plan, const tg_obligation *o, strbuf *sb)
{
	static const char *const units[] = {
		[OFFSET_DAYS] = "日", [OFFSET_WORKDAYS] = "个工作日", [OFFSET_MONTHS] = "个月",
		[OFFSET_YEARS] = "年"};
	sb_addf(sb, "对象：%s（%s）\n", tg_schema[o->subject].zh, tg_schema[o->subject].key);
	if (o->n_when || o->in_scope) {
		sb_adds(sb, "适用：");
		for (size_t i = 0; i < o->n_when; i++) {
			const tg_field *f = o->when[i].field;
			sb_addf(sb, "%s“%s”为", i ? "，且" : "", f->zh ? f->zh : f->key);
			for (size_t k = 0; k < o->when[i].n_values; k++) {
				const char *v = o->when[i].values[k];
				/* canonical tokens: "n" null, "s:text", "b:1", "d:2018" */
				const char *text = !strcmp(v, "n")     ? "空"
						   : !strcmp(v, "b:1") ? "是"
						   : !strcmp(v, "b:0") ? "否"
						   : strchr(v, ':')    ? strchr(v, ':') + 1
								       : v;
				/* an enum's value in the glossary's word (会长, not president) */
				int e = f->type == FT_ENUM ? schema_enum_find(f, text) : -1;
				sb_addf(sb, "%s%s", k ? "或" : "", e >= 0 ? schema_enum_zh(f, e) : text);
			}
		}
		if (o->in_scope)
			sb_addf(sb, "%s仅限纳入脱钩范围的行业协会商会", o->n_when ? "，" : "");
		sb_adds(sb, "\n");
	}
	if (o->yearly) {
		if (o->from_year_param)
			sb_addf(sb, "每年一次：自参数 %s 所定年度起", o->from_year_param);
		else
			sb_addf(sb, "每年一次：自%d年起", o->from_year);
		sb_addf(sb, "，每一年度的事项于次年%d月%d日前办结", o->due_md / 100, o->due_md % 100);
		if (o->opens.kind != SRC_NONE) {
			sb_adds(sb, "；起始年度不早于");
			explain_source(plan, o, &o->opens, sb);
			sb_adds(sb, "所在年度");
		}
		sb_adds(sb, "\n办结：按年度的办结记录（steps）\n");
		return;
	}
	sb_adds(sb, "起算：");
	explain_source(plan, o, &o->anchor, sb);
	sb_adds(sb, "\n期限：");
	if (o->offset == OFFSET_NULL)
		sb_adds(sb, "不设期限");
	else if (o->offset_n == 0)
		sb_adds(sb, "起算当日");
	else
		sb_addf(sb, "起算日%s%d%s", o->offset_n < 0 ? "前" : "后",
			o->offset_n < 0 ? -o->offset_n : o->offset_n, units[o->offset]);
	if (o->opens.kind != SRC_NONE) {
		sb_adds(sb, "\n开始检查：");
		explain_source(plan, o, &o->opens, sb);
		sb_adds(sb, "之后");
	}
	sb_adds(sb, "\n办结：");
	if (o->done == DONE_FIELD)
		sb_addf(sb, "%s的“%s”已填", tg_schema[o->subject].zh,
			field_label_at(o->subject, o->done_off));
	else if (o->done == DONE_RECORD)
		sb_addf(sb, "有一条%s记录，其“%s”在起算日或之后", tg_schema[o->done_array].zh,
			field_label_at(o->done_array, o->done_off));
	else
		sb_adds(sb, "办结记录（steps）");
	sb_adds(sb, "\n");
}
