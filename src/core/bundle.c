/*
** bundle.c: reading and writing tuogou-bundle/1 (see bundle.h).
**
** Parsing streams the top level (see "Streaming" below) and lets jansson
** parse each record with JSON_REJECT_DUPLICATES (a key given twice is an
** error, bundle.md); each record is then checked by walking the schema table
** of schema.c: one generic function per field type, so every array gets
** exactly the same checks and the same messages.
*/
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "ident.h"

/* ---- reading ---- */

/* "base.key" into out.  Called for every field of every record, so it is a
** plain copy rather than a printf (which showed in import profiles). */
static void path_of(char *out, size_t size, const char *base, const char *key)
{
	size_t nb = strlen(base), nk = strlen(key);
	if (nb >= size)
		nb = size - 1;
	memcpy(out, base, nb);
	if (nb + 1 < size) {
		out[nb++] = '.';
		if (nk > size - nb - 1)
			nk = size - nb - 1; /* a path too long for messages is cut */
		memcpy(out + nb, key, nk);
		nb += nk;
	}
	out[nb] = '\0';
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
		/* An id is also a path segment of the API (/api/v1/persons/{id})
		** and a cell people type: no control characters, no "/", no
		** spaces around it. */
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7f || c == '/') {
				tg_errors_add(errs, "bad_id", path,
					      "编号中不能含有控制字符或“/”");
				return -1;
			}
		}
		if (n && (s[0] == ' ' || s[n - 1] == ' ')) {
			tg_errors_add(errs, "bad_id", path, "编号首尾不能有空格");
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

/* A jurisdiction's id is a GB/T 2260 code (six digits), and it is not its
** own parent (the parent itself is resolved as a reference). */
static void check_jurisdiction(const tg_jurisdiction *j, const char *path, tg_errors *errs)
{
	char p[256];
	size_t n = j->id ? strlen(j->id) : 0;
	bool digits = n == 6;
	for (size_t i = 0; digits && i < n; i++)
		digits = j->id[i] >= '0' && j->id[i] <= '9';
	if (j->id && !digits) {
		path_of(p, sizeof p, path, "id");
		tg_errors_add(errs, "bad_code", p, "区划代码“%.60s”应为 GB/T 2260 的 6 位数字代码",
			      j->id);
	}
	if (j->id && j->parent && !strcmp(j->id, j->parent)) {
		path_of(p, sizeof p, path, "parent");
		tg_errors_add(errs, "bad_parent", p, "上级区划不能是其本身");
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
	case ARR_APPROPRIATIONS:
	case ARR_ANNUAL_REPORTS: {
		int64_t year = a == ARR_APPROPRIATIONS ? ((const tg_appropriation *)row)->year
						       : ((const tg_annual_report *)row)->year;
		if (year < 1900 || year > 2999) {
			char p[256];
			path_of(p, sizeof p, path, "year");
			tg_errors_add(errs, "out_of_range", p, "年度“%lld”不在 1900—2999 之间",
				      (long long)year);
		}
		break;
	}
	case ARR_CREDIT_LISTINGS: {
		const tg_credit_listing *l = row;
		check_after(l->on, l->removed_on, path, "removed_on", "移出日期", "列入日期", errs);
		break;
	}
	case ARR_JURISDICTIONS:
		check_jurisdiction(row, path, errs);
		break;
	case ARR_SERVICE_PURCHASES: {
		const tg_service_purchase *p = row;
		check_after(p->starts_on, p->ends_on, path, "ends_on", "服务终止日期", "服务起始日期",
			    errs);
		break;
	}
	case ARR_FEES: {
		const tg_fee *f = row;
		check_after(f->from, f->to, path, "to", "终止日期", "起始日期", errs);
		break;
	}
	case ARR_TAX_EXEMPTIONS: {
		const tg_tax_exemption *t = row;
		check_after(t->valid_from, t->valid_to, path, "valid_to", "有效期终止日期",
			    "有效期起始日期", errs);
		break;
	}
	case ARR_RATINGS: {
		const tg_rating *g = row;
		check_after(g->rated_on, g->valid_to, path, "valid_to", "有效期终止日期", "评估日期",
			    errs);
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

/*
** Streaming: a bundle of a national register is a gigabyte of JSON, so it
** is never parsed into one document.  A small scanner walks the top-level
** object and cuts each array into its elements; jansson parses one element
** at a time (with JSON_REJECT_DUPLICATES), which is validated into the
** register and freed.  Memory is the register plus one record; the file
** itself is mapped, not copied.
*/
typedef struct scanner {
	const char *buf, *p, *end;
	/* position of p as a person reads it: line and column, counting
	** characters (not UTF-8 continuation bytes), kept up to date lazily */
	const char *counted;
	int line, col;
	tg_errors *errs;
	bool failed;
} scanner;

static void scan_count(scanner *sc, const char *upto)
{
	for (const char *q = sc->counted; q < upto; q++) {
		if (*q == '\n') {
			sc->line++;
			sc->col = 0;
		} else if (((unsigned char)*q & 0xC0) != 0x80) {
			sc->col++;
		}
	}
	sc->counted = upto;
}

static void scan_error(scanner *sc, const char *at, const char *what)
{
	if (sc->failed)
		return;
	scan_count(sc, at);
	char path[64];
	snprintf(path, sizeof path, "第%d行第%d列", sc->line, sc->col + 1);
	tg_errors_add(sc->errs, "json_syntax", path, "JSON 格式错误：%s", what);
	sc->failed = true;
}

static void skip_ws(scanner *sc)
{
	while (sc->p < sc->end &&
	       (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
		sc->p++;
}

/* The end of the string starting at p (on its opening quote), or NULL. */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* The end of the JSON value at sc->p, without validating its inside
** (jansson does that); NULL when it never ends. */
static const char *value_end(scanner *sc)
{
	const char *p = sc->p;
	if (p >= sc->end)
		return NULL;
	if (*p == '"')
		return string_end(p, sc->end);
	if (*p != '{' && *p != '[') {
		while (p < sc->end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
		       *p != '\n' && *p != '\r' && *p != '\t')
			p++;
		return p;
	}
	int depth = 0;
	for (; p < sc->end; p++) {
		if (*p == '"') {
			p = string_end(p, sc->end);
			if (!p)
				return NULL;
			p--;
		} else if (*p == '{' || *p == '[') {
			if (++depth > 64)
				return NULL;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

static void json_error_at(scanner *sc, const char *start, const json_error_t *je)
{
	const char *what = je->text;
	if (strstr(je->text, "duplicate object key"))
		what = "同一对象中键重复";
	else if (strstr(je->text, "nvalid UTF-8"))
		what = "不是有效的 UTF-8 文本";
	else if (strstr(je->text, "maximum parsing depth"))
		what = "嵌套层次过深";
	scan_count(sc, start);
	int line = sc->line + je->line - 1;
	int col = je->line == 1 ? sc->col + je->column : je->column;
	char path[64];
	snprintf(path, sizeof path, "第%d行第%d列", line, col);
	tg_errors_add(sc->errs, "json_syntax", path, "JSON 格式错误：%s（%s）", what, je->text);
}

/* Parse the value at sc->p with jansson and advance past it. */
static json_t *take_value(scanner *sc)
{
	const char *start = sc->p, *stop = value_end(sc);
	if (!stop) {
		scan_error(sc, start, "值不完整或嵌套层次过深");
		return NULL;
	}
	json_error_t je;
	json_t *v = json_loadb(start, (size_t)(stop - start), JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			       &je);
	if (!v) {
		json_error_at(sc, start, &je);
		sc->failed = true;
		return NULL;
	}
	sc->p = stop;
	return v;
}

static bool expect_char(scanner *sc, char c, const char *what)
{
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == c) {
		sc->p++;
		return true;
	}
	scan_error(sc, sc->p, what);
	return false;
}

static void read_array(scanner *sc, tg_register *r, int a)
{
	size_t i = 0;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return;
	}
	for (;;) {
		skip_ws(sc);
		json_t *v = take_value(sc);
		if (!v)
			return;
		char path[96];
		snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, i++);
		bundle_read_record(r, a, v, path, sc->errs);
		json_decref(v);
		skip_ws(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			continue;
		}
		expect_char(sc, ']', "数组缺少“]”或“,”");
		return;
	}
}

static void read_member(scanner *sc, tg_register *r, const char *key, bool *seen_format)
{
	int a = schema_array_find(key);
	if (a >= 0 && strcmp(key, tg_schema[a].key))
		a = -1; /* Chinese sheet names are for spreadsheets, not bundles */
	skip_ws(sc);
	if (a >= 0 && sc->p < sc->end && *sc->p == '[') {
		sc->p++;
		read_array(sc, r, a);
		return;
	}
	json_t *v = take_value(sc);
	if (!v)
		return;
	if (a >= 0) {
		if (!json_is_null(v))
			tg_errors_add(sc->errs, "bad_type", key, "应为数组");
	} else if (!strcmp(key, "format")) {
		*seen_format = true;
		if (!json_is_string(v) || strcmp(json_string_value(v), TG_BUNDLE_FORMAT))
			tg_errors_add(sc->errs, "bad_format", "format", "format 应为 \"%s\"",
				      TG_BUNDLE_FORMAT);
	} else if (!strcmp(key, "plan")) {
		if (json_is_string(v))
			r->plan = arena_strdup(&r->arena, json_string_value(v));
		else if (!json_is_null(v))
			tg_errors_add(sc->errs, "bad_type", "plan", "应为字符串");
	} else {
		tg_errors_add(sc->errs, "unknown_key", key, "未知字段“%.60s”", key);
	}
	json_decref(v);
}

int bundle_read_buffer(const char *buf, size_t len, tg_register *r, tg_errors *errs)
{
	size_t before = errs->total;
	scanner sc = {buf, buf, buf + len, buf, 1, 0, errs, false};
	/* keys seen at the top level: a duplicate is an error (bundle.md) */
	char *seen[64];
	size_t n_seen = 0;
	bool seen_format = false;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		sc.p += 3;
	skip_ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{') {
		if (sc.p < sc.end && (*sc.p == '[' || *sc.p == '"'))
			tg_errors_add(errs, "bad_type", "$", "数据包应为 JSON 对象");
		else
			scan_error(&sc, sc.p, "数据包应为 JSON 对象");
		return TG_EINVAL;
	}
	sc.p++;
	skip_ws(&sc);
	if (sc.p < sc.end && *sc.p == '}') {
		sc.p++;
	} else {
		while (!sc.failed) {
			skip_ws(&sc);
			if (sc.p >= sc.end || *sc.p != '"') {
				scan_error(&sc, sc.p, "应为带引号的键");
				break;
			}
			json_t *k = take_value(&sc);
			if (!k)
				break;
			const char *key = json_string_value(k);
			bool dup = false;
			for (size_t i = 0; i < n_seen; i++)
				dup |= !strcmp(seen[i], key);
			if (dup) {
				scan_error(&sc, sc.p, "同一对象中键重复");
				json_decref(k);
				break;
			}
			if (n_seen < 64)
				seen[n_seen++] = strdup(key);
			if (expect_char(&sc, ':', "键后缺少“:”"))
				read_member(&sc, r, key, &seen_format);
			json_decref(k);
			skip_ws(&sc);
			if (sc.p < sc.end && *sc.p == ',') {
				sc.p++;
				continue;
			}
			expect_char(&sc, '}', "对象缺少“}”或“,”");
			break;
		}
	}
	skip_ws(&sc);
	if (!sc.failed && sc.p != sc.end)
		scan_error(&sc, sc.p, "数据包结束后还有多余内容");
	for (size_t i = 0; i < n_seen; i++)
		free(seen[i]);
	if (!sc.failed && !seen_format)
		tg_errors_add(errs, "required", "format", "缺少必填字段“format”（应为 \"%s\"）",
			      TG_BUNDLE_FORMAT);
	return errs->total > before ? TG_EINVAL : TG_OK;
}

int bundle_read_file(const char *path, tg_register *r, tg_errors *errs)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		tg_errors_add(errs, "io", path, "无法打开文件");
		return TG_EIO;
	}
	if (st.st_size == 0) {
		close(fd);
		return bundle_read_buffer("", 0, r, errs);
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		tg_errors_add(errs, "io", path, "无法读取文件");
		return TG_EIO;
	}
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	int rc = bundle_read_buffer(map, (size_t)st.st_size, r, errs);
	munmap(map, (size_t)st.st_size);
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
		if (!*(const int64_t *)p && schema_int_zero_is_null(f))
			sb_adds(out, "null");
		else
			sb_add_int(out, (long long)*(const int64_t *)p);
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
	/* field keys are plain ASCII identifiers (schema.c): nothing to escape */
	sb_addc(out, '"');
	sb_adds(out, f->key);
	sb_add(out, "\": ", 3);
	write_value(r, f, row, out);
}

void bundle_write_record_masked(const tg_register *r, int a, const void *row, strbuf *out)
{
	if (a != ARR_PERSONS) {
		bundle_write_record(r, a, row, out);
		return;
	}
	tg_person p = *(const tg_person *)row;
	char masked[19];
	if (p.id_number) {
		ident_id_mask(p.id_number, masked);
		p.id_number = masked;
	}
	bundle_write_record(r, a, &p, out);
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

void bundle_write(const tg_register *r, const char *plan_id, strbuf *out)
{
	sb_adds(out, "{\n  \"format\": \"" TG_BUNDLE_FORMAT "\",\n  \"plan\": ");
	sb_add_json_str(out, plan_id ? plan_id : r->plan);
	for (int a = 0; a < ARR_COUNT; a++) {
		size_t n = r->t[a].count;
		sb_addf(out, ",\n  \"%s\": [", tg_schema[a].key);
		size_t *order = register_key_order(r, a);
		for (size_t i = 0; i < n; i++) {
			sb_adds(out, i ? ",\n    " : "\n    ");
			bundle_write_record(r, a, register_row(r, a, order[i]), out);
		}
		sb_adds(out, n ? "\n  ]" : "]");
		free(order);
	}
	sb_adds(out, "\n}\n");
}
