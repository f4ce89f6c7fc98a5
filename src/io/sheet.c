/*
** sheet.c: the mapping from sheets to register arrays (see sheet.h); the
** grids themselves are grid.c's.
**
** Owns the origin tables.  The mapping never validates a value
** itself when the bundle can: it only turns a cell into the JSON value the
** bundle expects (是 -> true, 主管 -> "supervisor", an Excel date serial ->
** "2017-03-28") and lets bundle_read_record judge it, so that the sheet and
** the JSON importers cannot disagree.  Only what a bundle cannot see (a
** header that is no field, a cell that is no number) is reported here.
*/
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bundle.h"
#include "csv.h"
#include "sheet.h"
#include "xlsx.h"

/* ---- origins ---- */

#define MAX_COLS 64

typedef struct origin_col {
	const tg_field *f, *sub;
	uint32_t col;
	const char *header;
} origin_col;

typedef struct origin_array {
	bool used;
	const char *sheet;
	size_t base;     /* index in the register of the first record of the sheet */
	uint32_t *rows;  /* row of each record read */
	size_t n, alloc;
	origin_col cols[MAX_COLS];
	size_t n_cols;
} origin_array;

struct tg_sheet_origin {
	origin_array a[ARR_COUNT];
	tg_arena arena;
};

static tg_sheet_origin *origin_get(tg_sheet_origin **o)
{
	if (!*o) {
		*o = calloc(1, sizeof **o);
		if (!*o)
			abort();
		arena_init(&(*o)->arena);
	}
	return *o;
}

void sheet_origin_free(tg_sheet_origin *o)
{
	if (!o)
		return;
	for (int a = 0; a < ARR_COUNT; a++)
		free(o->a[a].rows);
	arena_free(&o->arena);
	free(o);
}

/* snprintf that may cut its output short (paths and messages are bounded). */
static void put(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

/* Copy at most max bytes of s without cutting a UTF-8 character. */
static void utf8_clip(char *out, size_t size, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void cell_path(char *out, size_t size, const char *sheet, uint32_t row, const origin_col *c)
{
	char name[100], head[80], letters[4];
	utf8_clip(name, sizeof name, sheet, 90);
	if (!c) {
		put(out, size, "工作表“%s”第%u行", name, row);
		return;
	}
	utf8_clip(head, sizeof head, c->header, 70);
	sheet_col_letters(c->col, letters);
	put(out, size, "工作表“%s”第%u行%s列（%s）", name, row, letters, head);
}

static const origin_col *find_col(const origin_array *oa, const char *rest)
{
	for (size_t i = 0; i < oa->n_cols; i++) {
		const origin_col *c = &oa->cols[i];
		if (!c->sub && !strcmp(rest, c->f->key))
			return c;
		if (c->sub) {
			size_t k = strlen(c->f->key);
			if (!strncmp(rest, c->f->key, k) && rest[k] == '.' &&
			    !strcmp(rest + k + 1, c->sub->key))
				return c;
		}
	}
	return NULL;
}

static bool row_of(const origin_array *oa, size_t ix, uint32_t *row)
{
	if (ix < oa->base || ix - oa->base >= oa->n)
		return false;
	*row = oa->rows[ix - oa->base];
	return true;
}

/* "编号“X”重复（与posts[2]相同）" names the first occurrence by its JSON
** path: name its row instead. */
static void translate_duplicate(const origin_array *oa, int a, tg_error *e)
{
	const char *p = strstr(e->message, "（与");
	if (!p)
		return;
	const char *br = strchr(p, '[');
	unsigned long ix;
	if (br)
		ix = strtoul(br + 1, NULL, 10);
	else if ((br = strstr(p, "第")))
		ix = strtoul(br + strlen("第"), NULL, 10) - 1; /* annual reports: 第n条 */
	else
		return;
	uint32_t row;
	if (!row_of(oa, ix, &row))
		return;
	char head[sizeof e->message];
	put(head, sizeof head, "%.*s", (int)(p - e->message), e->message);
	put(e->message, sizeof e->message, "%s（与第%u行相同）", head, row);
	(void)a;
}

void sheet_translate_errors(const tg_sheet_origin *o, tg_errors *errs, size_t from)
{
	if (!o)
		return;
	for (size_t k = from; k < errs->count; k++) {
		tg_error *e = &errs->items[k];
		const char *br = strchr(e->path, '[');
		if (!br)
			continue;
		char key[40];
		if ((size_t)(br - e->path) >= sizeof key)
			continue;
		memcpy(key, e->path, (size_t)(br - e->path));
		key[br - e->path] = '\0';
		int a = schema_array_find(key);
		if (a < 0 || !o->a[a].used)
			continue;
		char *end;
		size_t ix = strtoul(br + 1, &end, 10);
		uint32_t row;
		if (*end != ']' || !row_of(&o->a[a], ix, &row))
			continue;
		const char *rest = end[1] == '.' ? end + 2 : "";
		const origin_col *c = *rest ? find_col(&o->a[a], rest) : NULL;
		if (!strcmp(e->code, "duplicate_id"))
			translate_duplicate(&o->a[a], a, e);
		char path[sizeof e->path];
		cell_path(path, sizeof path, o->a[a].sheet, row, c);
		if (*rest && !c) { /* a field the sheet has no column for */
			const char *dot = strchr(rest, '.');
			const tg_field *f = schema_field(a, dot ? "" : rest);
			char more[sizeof e->path];
			put(more, sizeof more, "%s（%s）", path, f ? f->zh : rest);
			memcpy(path, more, sizeof path);
		}
		memcpy(e->path, path, sizeof e->path);
	}
}

/* ---- cells to JSON ---- */

static bool is_space_at(const char *s, size_t *len)
{
	unsigned char c = (unsigned char)s[0];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
		*len = 1;
		return true;
	}
	if (c == 0xC2 && (unsigned char)s[1] == 0xA0) { /* no-break space */
		*len = 2;
		return true;
	}
	if (c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) { /* 　 */
		*len = 3;
		return true;
	}
	return false;
}

/* s without surrounding white space (a copy in arena when it had some at
** the end). */
static const char *trimmed(const char *s, tg_arena *arena)
{
	size_t k, last = 0, i = 0;
	while (*s && is_space_at(s, &k))
		s += k;
	while (s[i]) {
		if (is_space_at(s + i, &k)) {
			i += k;
		} else {
			i++;
			last = i;
		}
	}
	return s[last] ? arena_strndup(arena, s, last) : s;
}

/* "2017/3/28", "2017.3.28", "2017年3月28日", "20170328", "2017-03-28 00:00:00"
** as YYYY-MM-DD; false when the text is none of these (the bundle then
** names the text). */
static bool normalise_date(const char *s, char out[11])
{
	int y = 0, m = 0, d = 0, used = 0;
	size_t n = strlen(s);
	if (n == 8 && strspn(s, "0123456789") == 8) {
		if (sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3)
			return false;
	} else if (sscanf(s, "%d年%d月%d日%n", &y, &m, &d, &used) == 3 ||
		   sscanf(s, "%d-%d-%d%n", &y, &m, &d, &used) == 3 ||
		   sscanf(s, "%d/%d/%d%n", &y, &m, &d, &used) == 3 ||
		   sscanf(s, "%d.%d.%d%n", &y, &m, &d, &used) == 3) {
		const char *rest = s + used;
		if (*rest && strcmp(rest, " 00:00:00") && strcmp(rest, " 0:00:00") &&
		    strcmp(rest, " 00:00") && strcmp(rest, " 0:00"))
			return false;
	} else {
		return false;
	}
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

static bool parse_number(const char *s, double *out)
{
	char buf[64];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ',')
			continue; /* thousands separators */
		if (n + 1 >= sizeof buf)
			return false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (!n)
		return false;
	char *end;
	double x = strtod(buf, &end);
	if (*end || !isfinite(x) || !strpbrk(buf, "0123456789") || strpbrk(buf, "xXpP") ||
	    strstr(buf, "nan") || strstr(buf, "inf"))
		return false;
	*out = x;
	return true;
}

static json_t *number_json(double x)
{
	if (x == floor(x) && fabs(x) < 9e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

typedef struct row_ctx {
	tg_register *r;
	tg_errors *errs;
	const char *path; /* "posts[3]" */
	tg_arena *arena;
} row_ctx;

static void cell_error(row_ctx *cx, const tg_field *f, const tg_field *sub, const char *code,
		       const char *fmt, const char *text)
{
	char p[256];
	if (sub)
		snprintf(p, sizeof p, "%s.%s.%s", cx->path, f->key, sub->key);
	else
		snprintf(p, sizeof p, "%s.%s", cx->path, f->key);
	tg_errors_add(cx->errs, code, p, fmt, text);
}

/* The JSON value of a non-empty cell for field f (sub: its sub-field), or
** NULL after reporting why it cannot be one. */
static json_t *cell_json(row_ctx *cx, const tg_field *parent, const tg_field *f,
			 const tg_cell *c, const char *text, bool date1904)
{
	const tg_field *top = parent ? parent : f, *sub = parent ? f : NULL;
	switch (f->type) {
	case FT_DATE: {
		char day[11];
		if (c->kind == CELL_NUMBER) {
			if (sheet_serial_date(c->num, date1904, day)) {
				cell_error(cx, top, sub, "bad_date",
					   "“%s”不是有效的 Excel 日期", text);
				return NULL;
			}
			return json_string(day);
		}
		if (normalise_date(text, day))
			return json_string(day);
		return json_string(text); /* the bundle names it */
	}
	case FT_BOOL:
		if (c->kind == CELL_BOOL || c->kind == CELL_NUMBER) {
			if (c->num == 0 || c->num == 1)
				return json_boolean(c->num == 1);
		} else if (!strcmp(text, "是") || !strcasecmp(text, "true") || !strcmp(text, "1")) {
			return json_true();
		} else if (!strcmp(text, "否") || !strcasecmp(text, "false") || !strcmp(text, "0")) {
			return json_false();
		}
		cell_error(cx, top, sub, "bad_type",
			   "“%s”不是有效的是否值（可填：是、否、TRUE、FALSE、1、0，或留空）", text);
		return NULL;
	case FT_INT:
	case FT_MONEY:
	case FT_AREA: {
		double x;
		if (c->kind == CELL_NUMBER)
			return f->type == FT_INT ? number_json(c->num) : json_real(c->num);
		if (!parse_number(text, &x)) {
			cell_error(cx, top, sub, "bad_type", "“%s”不是数字", text);
			return NULL;
		}
		return f->type == FT_INT ? number_json(x) : json_real(x);
	}
	case FT_ENUM: {
		int v = schema_enum_find(f, text);
		return json_string(v >= 0 ? f->values[v].key : text);
	}
	default:
		return json_stringn(text, strlen(text));
	}
}

/* ---- headers ---- */

static bool header_matches(const tg_field *f, const tg_field *sub, const char *h)
{
	if (!sub)
		return !strcmp(h, f->key) || !strcmp(h, f->zh);
	char buf[160];
	snprintf(buf, sizeof buf, "%s.%s", f->key, sub->key);
	if (!strcmp(h, buf) || !strcmp(h, sheet_column_label(f, sub)))
		return true;
	snprintf(buf, sizeof buf, "%s%s", f->zh, sub->zh);
	return !strcmp(h, buf);
}

static bool match_header(int a, const char *h, const tg_field **f_out, const tg_field **sub_out)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type != FT_OBJECT) {
			if (header_matches(f, NULL, h)) {
				*f_out = f;
				*sub_out = NULL;
				return true;
			}
			continue;
		}
		for (const tg_field *s = f->sub; s->key; s++)
			if (header_matches(f, s, h)) {
				*f_out = f;
				*sub_out = s;
				return true;
			}
	}
	return false;
}

static void sheet_error(tg_errors *errs, const char *sheet, uint32_t row, int col,
			const char *code, const char *fmt, const char *arg, const char *arg2)
{
	char name[100], path[192], letters[4];
	utf8_clip(name, sizeof name, sheet, 90);
	if (col >= 0) {
		sheet_col_letters((uint32_t)col, letters);
		put(path, sizeof path, "工作表“%s”第%u行%s列", name, row, letters);
	} else {
		put(path, sizeof path, "工作表“%s”第%u行", name, row);
	}
	tg_errors_add(errs, code, path, fmt, arg, arg2);
}

/* Read the header row into oa->cols; false when the sheet cannot be read. */
static bool read_header(const tg_grid *g, int a, const tg_grid_row *hr, origin_array *oa,
			tg_arena *arena, tg_errors *errs)
{
	bool ok = true;
	for (size_t i = 0; i < hr->n; i++) {
		const tg_cell *c = &hr->cells[i];
		const char *h = trimmed(c->text, arena);
		if (!*h)
			continue;
		const tg_field *f, *sub;
		if (!match_header(a, h, &f, &sub)) {
			sheet_error(errs, g->name, hr->row, (int)c->col, "unknown_column",
				    "未知列“%.60s”：不是%s的字段（表头应为字段名或其中文名称）", h,
				    tg_schema[a].zh);
			ok = false;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < oa->n_cols; k++)
			dup |= oa->cols[k].f == f && oa->cols[k].sub == sub;
		if (dup) {
			sheet_error(errs, g->name, hr->row, (int)c->col, "duplicate_column",
				    "列“%.60s”重复%s", h, "");
			ok = false;
			continue;
		}
		if (oa->n_cols < MAX_COLS)
			oa->cols[oa->n_cols++] = (origin_col){f, sub, c->col, arena_strdup(arena, h)};
	}
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (!f->required || f->type == FT_OBJECT)
			continue;
		bool have = false;
		for (size_t k = 0; k < oa->n_cols; k++)
			have |= oa->cols[k].f == f;
		if (!have) {
			sheet_error(errs, g->name, hr->row, -1, "missing_column",
				    "缺少必填列“%s”（%s）", f->zh, f->key);
			ok = false;
		}
	}
	return ok;
}

/* ---- rows ---- */

static const tg_cell *cell_at(const tg_grid_row *row, uint32_t col)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->cells[i].col == col)
			return &row->cells[i];
	return NULL;
}

static bool row_empty(const tg_grid_row *row, tg_arena *arena)
{
	for (size_t i = 0; i < row->n; i++)
		if (*trimmed(row->cells[i].text, arena))
			return false;
	return true;
}

static void read_row(const tg_grid *g, int a, const tg_grid_row *row, origin_array *oa,
		     tg_register *r, tg_errors *errs, bool date1904)
{
	char path[64];
	snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, r->t[a].count);
	tg_arena scratch;
	arena_init(&scratch);
	row_ctx cx = {r, errs, path, &scratch};
	json_t *obj = json_object();

	/* a cell under no header */
	for (size_t i = 0; i < row->n; i++) {
		bool mapped = false;
		for (size_t k = 0; k < oa->n_cols && !mapped; k++)
			mapped = oa->cols[k].col == row->cells[i].col;
		if (!mapped && *trimmed(row->cells[i].text, &scratch))
			sheet_error(errs, g->name, row->row, (int)row->cells[i].col, "no_header",
				    "此列没有表头，无法判断“%.40s”属于哪个字段%s",
				    trimmed(row->cells[i].text, &scratch), "");
	}
	for (size_t k = 0; k < oa->n_cols; k++) {
		const origin_col *oc = &oa->cols[k];
		const tg_cell *c = cell_at(row, oc->col);
		const char *text = c ? trimmed(c->text, &scratch) : "";
		if (!*text)
			continue; /* empty: null */
		json_t *v = cell_json(&cx, oc->sub ? oc->f : NULL, oc->sub ? oc->sub : oc->f, c,
				      text, date1904);
		if (!v)
			continue;
		if (!oc->sub) {
			json_object_set_new(obj, oc->f->key, v);
			continue;
		}
		json_t *o = json_object_get(obj, oc->f->key);
		if (!o) {
			o = json_object();
			json_object_set_new(obj, oc->f->key, o);
		}
		json_object_set_new(o, oc->sub->key, v);
	}
	/* an object given in part: its other sub-fields are null */
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		json_t *o = f->type == FT_OBJECT ? json_object_get(obj, f->key) : NULL;
		for (const tg_field *s = f->sub; o && s->key; s++)
			if (!json_object_get(o, s->key))
				json_object_set_new(o, s->key, json_null());
	}
	bundle_read_record(r, a, obj, path, errs);
	json_decref(obj);
	arena_free(&scratch);
}

static int read_grid(const tg_grid *g, int a, tg_register *r, tg_sheet_origin *o,
		     tg_errors *errs, bool date1904)
{
	size_t before = errs->total, mark = errs->count;
	origin_array *oa = &o->a[a];
	if (oa->used) {
		sheet_error(errs, g->name, 1, -1, "duplicate_sheet",
			    "%s已由工作表“%s”给出，同一数据表只能有一个工作表", tg_schema[a].zh,
			    oa->sheet);
		return TG_EINVAL;
	}
	oa->used = true;
	oa->sheet = arena_strdup(&o->arena, g->name);
	oa->base = r->t[a].count;
	size_t h = 0;
	while (h < g->n_rows && row_empty(&g->rows[h], &o->arena))
		h++;
	if (h == g->n_rows)
		return TG_OK; /* an empty sheet: nothing to import */
	if (!read_header(g, a, &g->rows[h], oa, &o->arena, errs))
		return TG_EINVAL;
	for (size_t i = h + 1; i < g->n_rows; i++) {
		const tg_grid_row *row = &g->rows[i];
		if (row_empty(row, &o->arena))
			continue;
		size_t m = errs->count;
		oa->rows = grid_grow(oa->rows, &oa->alloc, oa->n + 1, sizeof *oa->rows);
		oa->rows[oa->n++] = row->row;
		read_row(g, a, row, oa, r, errs, date1904);
		sheet_translate_errors(o, errs, m);
	}
	(void)mark;
	return errs->total > before ? TG_EINVAL : TG_OK;
}

int sheet_read_grid(const tg_grid *g, int a, tg_register *r, tg_sheet_origin **o,
		    tg_errors *errs)
{
	if (a < 0)
		a = schema_array_find(g->name);
	if (a < 0) {
		tg_errors_add(errs, "unknown_sheet", g->name,
			      "无法识别数据表“%.60s”（应为数组名或其中文名称，如 posts 或 任职）",
			      g->name);
		return TG_EINVAL;
	}
	return read_grid(g, a, r, origin_get(o), errs, false);
}

static int read_workbook(const tg_workbook *wb, bool date1904, tg_register *r,
			 tg_sheet_origin **o, tg_errors *errs)
{
	size_t before = errs->total;
	tg_sheet_origin *orig = origin_get(o);
	for (size_t i = 0; i < wb->n; i++) {
		const tg_grid *g = &wb->sheets[i];
		int a = schema_array_find(trimmed(g->name, &orig->arena));
		if (a < 0) {
			bool empty = true;
			for (size_t k = 0; k < g->n_rows && empty; k++)
				empty = row_empty(&g->rows[k], &orig->arena);
			if (!empty) {
				char path[128], name[100];
				utf8_clip(name, sizeof name, g->name, 90);
				snprintf(path, sizeof path, "工作表“%s”", name);
				tg_errors_add(errs, "unknown_sheet", path,
					      "无法识别工作表名称（应为数组名或其中文名称，如 posts 或 任职）");
			}
			continue;
		}
		read_grid(g, a, r, orig, errs, date1904);
	}
	return errs->total > before ? TG_EINVAL : TG_OK;
}

int sheet_read_workbook(const tg_workbook *wb, tg_register *r, tg_sheet_origin **o,
			tg_errors *errs)
{
	return read_workbook(wb, false, r, o, errs);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	return n > k && !strcasecmp(path + n - k, ext);
}

int sheet_array_of_path(const char *path)
{
	const char *b = base_name(path);
	const char *dot = strrchr(b, '.');
	char name[128];
	size_t n = dot ? (size_t)(dot - b) : strlen(b);
	if (n >= sizeof name)
		return -1;
	memcpy(name, b, n);
	name[n] = '\0';
	return schema_array_find(name);
}

int sheet_read_file(const char *path, tg_register *r, tg_sheet_origin **o, tg_errors *errs)
{
	tg_error err = {0};
	int rc;
	if (has_ext(path, ".csv")) {
		int a = sheet_array_of_path(path);
		if (a < 0) {
			tg_errors_add(errs, "unknown_sheet", "",
				      "无法从文件名判断数据表（文件应命名为数组名或其中文名称，如 posts.csv 或 任职.csv）");
			return TG_EINVAL;
		}
		tg_grid g;
		grid_init(&g, tg_schema[a].zh);
		rc = csv_read_file(path, &g, &err);
		if (rc)
			tg_errors_add(errs, err.code, err.path[0] && strcmp(err.path, path) ? err.path : "",
				      "%s", err.message);
		else
			rc = sheet_read_grid(&g, a, r, o, errs);
		grid_release(&g);
		return rc;
	}
	if (has_ext(path, ".xlsx")) {
		tg_workbook wb = {0};
		bool date1904 = false;
		rc = xlsx_read_file(path, NULL, &wb, &date1904, &err);
		if (rc)
			tg_errors_add(errs, err.code, err.path, "%s", err.message);
		else
			rc = read_workbook(&wb, date1904, r, o, errs);
		workbook_release(&wb);
		return rc;
	}
	tg_errors_add(errs, "bad_file_type", "", "不支持的文件类型（支持 .json、.csv、.xlsx）");
	return TG_EINVAL;
}
