/*
** bundle.c: reading and writing tuogou-bundle/1 (see bundle.h).
**
** Parsing uses jansson with JSON_REJECT_DUPLICATES (a key given twice is an
** error, bundle.md) and then walks the schema table of schema.c: one generic
** function per field type, so every array gets exactly the same checks and
** the same messages.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "ident.h"

/* ---- reading ---- */

static void path_of(char *out, size_t size, const char *base, const char *key)
{
	snprintf(out, size, "%s.%s", base, key);
}

static const char *type_word(enum tg_field_type t)
{
	switch (t) {
	case FT_DATE: return "日期字符串（YYYY-MM-DD）";
	case FT_BOOL: return "布尔值（true/false）";
	case FT_INT: return "整数";
	case FT_MONEY:
	case FT_AREA: return "数字";
	case FT_OBJECT: return "对象";
	default: return "字符串";
	}
}

/* Empty strings count as null (rules.md). */
static bool is_nullish(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

static void enum_choices(const tg_field *f, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; f->values[i].key && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s（%s）", i ? "、" : "",
					 f->values[i].key, f->values[i].zh);
}

static int read_string(tg_register *r, const tg_field *f, json_t *v, void *row,
		       const char *path, tg_errors *errs)
{
	if (!json_is_string(v)) {
		tg_errors_add(errs, "bad_type", path, "应为%s", type_word(f->type));
		return -1;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (memchr(s, '\0', n)) {
		tg_errors_add(errs, "bad_text", path, "文本中不能含有空字符（\\u0000）");
		return -1;
	}
	if (f->type == FT_KEY || f->type == FT_REF) {
		/* Identifiers are compared byte by byte: refuse the invisible
		** differences that make two ids look alike. */
		if (n > 64) {
			tg_errors_add(errs, "bad_id", path, "编号过长（最多64个字节）");
			return -1;
		}
	} else if (n > 4000) {
		tg_errors_add(errs, "too_long", path, "文本过长（最多4000个字节）");
		return -1;
	}
	*(const char **)((char *)row + f->off) = arena_strndup(&r->arena, s, n);
	return 0;
}

static int read_number(const tg_field *f, json_t *v, double *out, const char *path,
		       tg_errors *errs)
{
	if (!json_is_number(v)) {
		tg_errors_add(errs, "bad_type", path, "应为%s", type_word(f->type));
		return -1;
	}
	double x = json_number_value(v);
	if (!isfinite(x)) {
		tg_errors_add(errs, "not_finite", path, "数值必须是有限数");
		return -1;
	}
	if (x < 0) {
		tg_errors_add(errs, "negative", path, "不能为负数");
		return -1;
	}
	*out = x;
	return 0;
}

static int read_field(tg_register *r, int a, const tg_field *f, json_t *v, void *row,
		      const char *path, tg_errors *errs);

static int read_object(tg_register *r, int a, const tg_field *f, json_t *v, void *row,
		       const char *path, tg_errors *errs)
{
	if (!json_is_object(v)) {
		tg_errors_add(errs, "bad_type", path, "应为对象或 null");
		return -1;
	}
	int rc = 0;
	const char *key;
	json_t *sub;
	json_object_foreach(v, key, sub) {
		const tg_field *s;
		for (s = f->sub; s->key && strcmp(s->key, key); s++)
			;
		if (!s->key) {
			char p[256];
			path_of(p, sizeof p, path, key);
			tg_errors_add(errs, "unknown_key", p, "未知字段“%s”", key);
			rc = -1;
		}
	}
	for (const tg_field *s = f->sub; s->key; s++) {
		char p[256];
		path_of(p, sizeof p, path, s->key);
		if (read_field(r, a, s, json_object_get(v, s->key), row, p, errs))
			rc = -1;
	}
	return rc;
}

static int read_field(tg_register *r, int a, const tg_field *f, json_t *v, void *row,
		      const char *path, tg_errors *errs)
{
	char *p = (char *)row + f->off;
	if (is_nullish(v) && f->type != FT_OBJECT) {
		if (f->required) {
			tg_errors_add(errs, "required", path,
				      v ? "必填字段“%s”（%s）不能为空" : "缺少必填字段“%s”（%s）",
				      f->key, f->zh);
			return -1;
		}
		return 0; /* the default stays */
	}
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		if (read_string(r, f, v, row, path, errs))
			return -1;
		if (f->type == FT_KEY && a == ARR_ASSOCIATIONS) {
			char norm[19];
			tg_error e;
			if (ident_uscc_check(*(const char **)p, norm, &e)) {
				tg_errors_add(errs, e.code, path, "%s", e.message);
				return -1;
			}
			*(const char **)p = arena_strdup(&r->arena, norm);
		}
		if (a == ARR_PERSONS && !strcmp(f->key, "id_number")) {
			char norm[19];
			tg_date birth;
			tg_error e;
			if (ident_id_check(*(const char **)p, norm, &birth, &e)) {
				tg_errors_add(errs, e.code, path, "%s", e.message);
				return -1;
			}
			*(const char **)p = arena_strdup(&r->arena, norm);
			((tg_person *)row)->birth = birth;
		}
		return 0;
	case FT_DATE: {
		tg_date d;
		if (!json_is_string(v)) {
			tg_errors_add(errs, "bad_type", path, "应为%s", type_word(f->type));
			return -1;
		}
		if (date_parse(json_string_value(v), &d)) {
			tg_errors_add(errs, "bad_date", path,
				      "“%.40s”不是有效日期（应为 YYYY-MM-DD 格式的真实日期）",
				      json_string_value(v));
			return -1;
		}
		*(tg_date *)p = d;
		return 0;
	}
	case FT_BOOL:
		if (!json_is_boolean(v)) {
			tg_errors_add(errs, "bad_type", path, "应为%s", type_word(f->type));
			return -1;
		}
		*(int8_t *)p = json_is_true(v) ? 1 : 0;
		return 0;
	case FT_INT: {
		double x;
		if (json_is_integer(v)) {
			json_int_t i = json_integer_value(v);
			if (i < 0) {
				tg_errors_add(errs, "negative", path, "不能为负数");
				return -1;
			}
			if (i > 1000000000) {
				tg_errors_add(errs, "out_of_range", path, "数值过大");
				return -1;
			}
			*(int64_t *)p = (int64_t)i;
			return 0;
		}
		if (read_number(f, v, &x, path, errs))
			return -1;
		if (x != floor(x) || x > 1e9) {
			tg_errors_add(errs, "not_integer", path, "应为整数");
			return -1;
		}
		*(int64_t *)p = (int64_t)x;
		return 0;
	}
	case FT_MONEY: {
		double x;
		if (read_number(f, v, &x, path, errs))
			return -1;
		if (x > 1e13) {
			tg_errors_add(errs, "out_of_range", path, "金额过大");
			return -1;
		}
		double fen = x * 100.0;
		if (fabs(fen - nearbyint(fen)) > 1e-6 * (fen > 1 ? fen : 1)) {
			tg_errors_add(errs, "bad_money", path, "金额最多保留两位小数（元）");
			return -1;
		}
		*(int64_t *)p = (int64_t)llround(fen);
		return 0;
	}
	case FT_AREA: {
		double x;
		if (read_number(f, v, &x, path, errs))
			return -1;
		if (x > 1e9) {
			tg_errors_add(errs, "out_of_range", path, "面积过大");
			return -1;
		}
		*(double *)p = x;
		return 0;
	}
	case FT_ENUM: {
		if (!json_is_string(v)) {
			tg_errors_add(errs, "bad_type", path, "应为字符串");
			return -1;
		}
		const char *s = json_string_value(v);
		for (int i = 0; f->values[i].key; i++)
			if (!strcmp(f->values[i].key, s)) {
				*(int8_t *)p = (int8_t)i;
				return 0;
			}
		char choices[512];
		enum_choices(f, choices, sizeof choices);
		tg_errors_add(errs, "bad_enum", path, "“%.60s”不是有效取值，可选：%s", s, choices);
		return -1;
	}
	case FT_OBJECT:
		if (!v || json_is_null(v))
			return 0;
		return read_object(r, a, f, v, row, path, errs);
	}
	return 0;
}

/* to_key must be strictly after the date it closes (bundle.md). */
static void check_after(tg_date from, tg_date to, const char *path, const char *to_key,
			const char *to_label, const char *from_label, tg_errors *errs)
{
	if (from != TG_DATE_NONE && to != TG_DATE_NONE && to <= from) {
		char p[256];
		path_of(p, sizeof p, path, to_key);
		tg_errors_add(errs, "bad_order", p, "%s须晚于%s", to_label, from_label);
	}
}

void bundle_check_record(const tg_register *r, int a, const void *row, const char *path,
			 tg_errors *errs)
{
	(void)r;
	switch (a) {
	case ARR_POSTS: {
		const tg_post *t = row;
		check_after(t->from, t->to, path, "to", "终止日期", "起始日期", errs);
		break;
	}
	case ARR_STAFF: {
		const tg_staff *s = row;
		check_after(s->from, s->to, path, "to", "终止日期", "起始日期", errs);
		break;
	}
	case ARR_PREMISES: {
		const tg_premises *f = row;
		check_after(f->from, f->to, path, "to", "终止日期", "起始日期", errs);
		if (f->owner == OWNER_ADMINISTRATIVE && f->approved_area < 0) {
			char p[256];
			path_of(p, sizeof p, path, "approved_area");
			tg_errors_add(errs, "required", p,
				      "产权性质为行政办公用房时，核定面积（approved_area）为必填");
		}
		break;
	}
	case ARR_ASSETS: {
		const tg_asset *s = row;
		check_after(s->from, s->to, path, "to", "终止日期", "起始日期", errs);
		break;
	}
	case ARR_CREDIT_LISTINGS: {
		const tg_credit_listing *l = row;
		check_after(l->on, l->removed_on, path, "removed_on", "移出日期", "列入日期", errs);
		break;
	}
	default:
		break;
	}
}

int bundle_read_record(tg_register *r, int a, json_t *obj, const char *path, tg_errors *errs)
{
	size_t before = errs->total;
	if (!json_is_object(obj)) {
		tg_errors_add(errs, "bad_type", path, "应为对象");
		return TG_EINVAL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (!schema_field(a, key)) {
			char p[256];
			path_of(p, sizeof p, path, key);
			tg_errors_add(errs, "unknown_key", p, "未知字段“%.60s”", key);
		}
	}
	void *row = register_append(r, a);
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		char p[256];
		path_of(p, sizeof p, path, f->key);
		read_field(r, a, f, json_object_get(obj, f->key), row, p, errs);
	}
	bundle_check_record(r, a, row, path, errs);
	return errs->total > before ? TG_EINVAL : TG_OK;
}

static int read_document(json_t *root, tg_register *r, tg_errors *errs)
{
	if (!json_is_object(root)) {
		tg_errors_add(errs, "bad_type", "$", "数据包应为 JSON 对象");
		return TG_EINVAL;
	}
	size_t before = errs->total;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		int a = schema_array_find(key);
		bool known = !strcmp(key, "format") || !strcmp(key, "plan") ||
			     (a >= 0 && !strcmp(key, tg_schema[a].key));
		if (!known)
			tg_errors_add(errs, "unknown_key", key, "未知字段“%.60s”", key);
	}
	json_t *format = json_object_get(root, "format");
	if (!format)
		tg_errors_add(errs, "required", "format", "缺少必填字段“format”（应为 \"%s\"）",
			      TG_BUNDLE_FORMAT);
	else if (!json_is_string(format) || strcmp(json_string_value(format), TG_BUNDLE_FORMAT))
		tg_errors_add(errs, "bad_format", "format", "format 应为 \"%s\"", TG_BUNDLE_FORMAT);
	json_t *plan = json_object_get(root, "plan");
	if (plan && !json_is_null(plan)) {
		if (!json_is_string(plan))
			tg_errors_add(errs, "bad_type", "plan", "应为字符串");
		else
			r->plan = arena_strdup(&r->arena, json_string_value(plan));
	}
	for (int a = 0; a < ARR_COUNT; a++) {
		json_t *arr = json_object_get(root, tg_schema[a].key);
		if (!arr || json_is_null(arr))
			continue;
		if (!json_is_array(arr)) {
			tg_errors_add(errs, "bad_type", tg_schema[a].key, "应为数组");
			continue;
		}
		size_t i;
		json_array_foreach(arr, i, v) {
			char p[96];
			snprintf(p, sizeof p, "%s[%zu]", tg_schema[a].key, i);
			bundle_read_record(r, a, v, p, errs);
		}
	}
	return errs->total > before ? TG_EINVAL : TG_OK;
}

static void json_error_to(tg_errors *errs, const json_error_t *je)
{
	const char *what = je->text;
	if (strstr(je->text, "duplicate object key"))
		what = "同一对象中键重复";
	else if (strstr(je->text, "invalid UTF-8") || strstr(je->text, "Invalid UTF-8"))
		what = "不是有效的 UTF-8 文本";
	else if (strstr(je->text, "maximum parsing depth"))
		what = "嵌套层次过深";
	char path[64];
	snprintf(path, sizeof path, "第%d行第%d列", je->line, je->column);
	tg_errors_add(errs, "json_syntax", path, "JSON 格式错误：%s（%s）", what, je->text);
}

int bundle_read_buffer(const char *buf, size_t len, tg_register *r, tg_errors *errs)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		json_error_to(errs, &je);
		return TG_EINVAL;
	}
	int rc = read_document(root, r, errs);
	json_decref(root);
	return rc;
}

int bundle_read_file(const char *path, tg_register *r, tg_errors *errs)
{
	json_error_t je;
	FILE *f = fopen(path, "rb");
	if (!f) {
		tg_errors_add(errs, "io", path, "无法打开文件");
		return TG_EIO;
	}
	json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!root) {
		json_error_to(errs, &je);
		return TG_EINVAL;
	}
	int rc = read_document(root, r, errs);
	json_decref(root);
	return rc;
}

/* ---- writing ---- */

void bundle_money_str(int64_t fen, char out[32])
{
	long long y = (long long)(fen / 100), c = (long long)(fen % 100);
	if (c == 0)
		snprintf(out, 32, "%lld", y);
	else if (c % 10 == 0)
		snprintf(out, 32, "%lld.%lld", y, c / 10);
	else
		snprintf(out, 32, "%lld.%02lld", y, c);
}

void bundle_real_str(double v, char out[40])
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, 40, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static void write_field(const tg_register *r, const tg_field *f, const void *row, strbuf *out);

static void write_value(const tg_register *r, const tg_field *f, const void *row, strbuf *out)
{
	const char *p = (const char *)row + f->off;
	char tmp[40];
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		sb_add_json_str(out, *(const char *const *)p);
		break;
	case FT_DATE:
		if (*(const tg_date *)p == TG_DATE_NONE) {
			sb_adds(out, "null");
		} else {
			date_format(*(const tg_date *)p, tmp);
			sb_addc(out, '"');
			sb_add(out, tmp, 10);
			sb_addc(out, '"');
		}
		break;
	case FT_BOOL:
		sb_adds(out, *(const int8_t *)p > 0 ? "true" : "false");
		break;
	case FT_INT:
		sb_addf(out, "%lld", (long long)*(const int64_t *)p);
		break;
	case FT_MONEY:
		bundle_money_str(*(const int64_t *)p, tmp);
		sb_adds(out, tmp);
		break;
	case FT_AREA:
		if (*(const double *)p < 0) {
			sb_adds(out, "null");
		} else {
			bundle_real_str(*(const double *)p, tmp);
			sb_adds(out, tmp);
		}
		break;
	case FT_ENUM:
		sb_add_json_str(out, schema_enum_key(f, *(const int8_t *)p));
		break;
	case FT_OBJECT:
		if (*(const int8_t *)((const char *)row + f->sub[0].off) < 0) {
			sb_adds(out, "null");
			break;
		}
		sb_addc(out, '{');
		for (const tg_field *s = f->sub; s->key; s++) {
			if (s != f->sub)
				sb_adds(out, ", ");
			write_field(r, s, row, out);
		}
		sb_addc(out, '}');
		break;
	}
}

static void write_field(const tg_register *r, const tg_field *f, const void *row, strbuf *out)
{
	sb_add_json_str(out, f->key);
	sb_adds(out, ": ");
	write_value(r, f, row, out);
}

void bundle_write_record(const tg_register *r, int a, const void *row, strbuf *out)
{
	sb_addc(out, '{');
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f != tg_schema[a].fields)
			sb_adds(out, ", ");
		write_field(r, f, row, out);
	}
	sb_addc(out, '}');
}

struct keyed {
	const char *key;
	size_t i;
};

static int cmp_keyed(const void *x, const void *y)
{
	return strcmp(((const struct keyed *)x)->key, ((const struct keyed *)y)->key);
}

void bundle_write(const tg_register *r, const char *plan_id, strbuf *out)
{
	sb_adds(out, "{\n  \"format\": \"" TG_BUNDLE_FORMAT "\",\n  \"plan\": ");
	sb_add_json_str(out, plan_id ? plan_id : r->plan);
	for (int a = 0; a < ARR_COUNT; a++) {
		size_t n = r->t[a].count;
		sb_addf(out, ",\n  \"%s\": [", tg_schema[a].key);
		struct keyed *order = malloc((n ? n : 1) * sizeof *order);
		if (!order)
			abort();
		for (size_t i = 0; i < n; i++) {
			order[i].key = register_key(r, a, i);
			order[i].i = i;
			if (!order[i].key)
				order[i].key = "";
		}
		qsort(order, n, sizeof *order, cmp_keyed);
		for (size_t i = 0; i < n; i++) {
			sb_adds(out, i ? ",\n    " : "\n    ");
			bundle_write_record(r, a, register_row(r, a, order[i].i), out);
		}
		sb_adds(out, n ? "\n  ]" : "]");
		free(order);
	}
	sb_adds(out, "\n}\n");
}
