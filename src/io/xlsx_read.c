/*
** xlsx_read.c: reading .xlsx workbooks into grids (see xlsx.h).
**
** The parts read, in order: xl/workbook.xml (sheet names and relationship
** ids, the 1904 date flag), its relationships (where each sheet, the shared
** strings and the styles are), xl/sharedStrings.xml, xl/styles.xml (which
** cell styles are dates) and each worksheet.  Every part is streamed from
** libzip into expat in chunks; nothing is inflated beyond the caps of
** tg_xlsx_limits, whatever sizes the zip directory claims.
**
** Owns the zip handle, the parsers and the shared-string table while
** reading; the grids it fills belong to the caller.
*/
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "strbuf.h"
#include "xlsx.h"

const tg_xlsx_limits tg_xlsx_default_limits = {10000, (size_t)256 << 20, (size_t)1 << 30, 64};

#define NS_SEP '|'

typedef struct xlsx_reader {
	zip_t *zip;
	const tg_xlsx_limits *lim;
	size_t total;   /* uncompressed bytes read so far */
	tg_error *err;
	int rc;
	/* workbook */
	char **sheet_names, **sheet_rids, **sheet_paths;
	size_t n_sheets;
	bool date1904;
	char *shared_path, *styles_path;
	/* shared strings */
	char **sst;
	size_t n_sst, alloc_sst;
	/* styles: is cellXfs[i] a date format */
	bool *xf_date;
	size_t n_xf, alloc_xf;
	int *fmt_ids;       /* custom numFmt ids that are dates */
	size_t n_fmt, alloc_fmt;
} xlsx_reader;

/* The state of one expat run. */
typedef struct xml_run {
	XML_Parser p;
	xlsx_reader *x;
	const char *part;
	unsigned depth;
	bool failed;
	void (*start)(struct xml_run *run, const char *name, const char **atts);
	void (*end)(struct xml_run *run, const char *name);
	void *ctx;
	strbuf text;
	bool collect; /* character data goes to text */
} xml_run;

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d)
		abort();
	memcpy(d, s, n);
	return d;
}

static const char *local(const char *name)
{
	const char *s = strrchr(name, NS_SEP);
	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

static void fail(xml_run *run, const char *code, const char *fmt, const char *arg)
{
	if (run->failed)
		return;
	run->failed = true;
	run->x->rc = tg_error_set(run->x->err, TG_EINVAL, code, run->part, fmt, arg);
	XML_StopParser(run->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xml_run *run = ud;
	if (++run->depth > run->x->lim->max_depth) {
		char n[16];
		snprintf(n, sizeof n, "%u", run->x->lim->max_depth);
		fail(run, "bad_xlsx", "XML 嵌套层次过深（超过 %s 层），文件可能已损坏或为恶意构造", n);
		return;
	}
	if (run->start)
		run->start(run, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xml_run *run = ud;
	run->depth--;
	if (run->end && !run->failed)
		run->end(run, name);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xml_run *run = ud;
	if (run->collect && !run->failed)
		sb_add(&run->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(ud, "bad_xlsx", "工作簿中含有 DOCTYPE 声明（%s），不予读取", "xlsx 不使用 DTD");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_len, const XML_Char *base,
			      const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid,
		(void)pubid, (void)notation;
	fail(ud, "bad_xlsx", "工作簿中含有实体声明（%s），不予读取", "xlsx 不使用实体");
}

/* Stream the part through expat.  missing_ok: a part that is not there is
** not an error (returns TG_ENOTFOUND). */
static int parse_part(xlsx_reader *x, const char *part, xml_run *run, bool missing_ok)
{
	zip_int64_t ix = zip_name_locate(x->zip, part, 0);
	if (ix < 0) {
		if (missing_ok)
			return TG_ENOTFOUND;
		return x->rc = tg_error_set(x->err, TG_EINVAL, "bad_xlsx", part,
					    "不是有效的 xlsx 工作簿：缺少 %s", part);
	}
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->zip, (zip_uint64_t)ix, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    st.size > x->lim->max_part_bytes)
		return x->rc = tg_error_set(x->err, TG_EINVAL, "too_large", part,
					    "工作簿的组成部分过大（解压后 %llu 字节，上限 %zu 字节）",
					    (unsigned long long)st.size, x->lim->max_part_bytes);
	zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)ix, 0);
	if (!zf)
		return x->rc = tg_error_set(x->err, TG_EINVAL, "bad_xlsx", part,
					    "无法解压 %s（文件已损坏或已加密）", part);
	run->p = XML_ParserCreateNS(NULL, NS_SEP);
	run->x = x;
	run->part = part;
	sb_init(&run->text);
	XML_SetUserData(run->p, run);
	XML_SetElementHandler(run->p, on_start, on_end);
	XML_SetCharacterDataHandler(run->p, on_text);
	XML_SetStartDoctypeDeclHandler(run->p, on_doctype);
	XML_SetEntityDeclHandler(run->p, on_entity);
	char buf[65536];
	size_t part_bytes = 0;
	int rc = TG_OK;
	for (;;) {
		zip_int64_t got = zip_fread(zf, buf, sizeof buf);
		if (got < 0) {
			rc = x->rc = tg_error_set(x->err, TG_EINVAL, "bad_xlsx", part,
						  "解压 %s 失败（文件已损坏）", part);
			break;
		}
		part_bytes += (size_t)got;
		x->total += (size_t)got;
		if (part_bytes > x->lim->max_part_bytes || x->total > x->lim->max_total_bytes) {
			rc = x->rc = tg_error_set(x->err, TG_EINVAL, "too_large", part,
						  "工作簿解压后过大（单个部分上限 %zu 字节，合计上限 %zu 字节），可能是压缩炸弹",
						  x->lim->max_part_bytes, x->lim->max_total_bytes);
			break;
		}
		if (XML_Parse(run->p, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
			if (!run->failed) {
				char where[200];
				snprintf(where, sizeof where, "%s 第%lu行", part,
					 (unsigned long)XML_GetCurrentLineNumber(run->p));
				x->rc = tg_error_set(x->err, TG_EINVAL, "bad_xlsx", where,
						     "XML 格式错误：%s",
						     XML_ErrorString(XML_GetErrorCode(run->p)));
			}
			rc = x->rc;
			break;
		}
		if (got == 0)
			break;
	}
	zip_fclose(zf);
	XML_ParserFree(run->p);
	sb_release(&run->text);
	return rc;
}

/* ---- workbook.xml and its relationships ---- */

static void wb_start(xml_run *run, const char *name, const char **atts)
{
	xlsx_reader *x = run->x;
	const char *l = local(name);
	if (!strcmp(l, "sheet")) {
		const char *n = attr(atts, "name"), *id = attr(atts, "id");
		if (!n || !id) {
			fail(run, "bad_xlsx", "工作表缺少名称或关系编号（%s）", "sheet");
			return;
		}
		size_t cap = x->n_sheets, cap2 = x->n_sheets, cap3 = x->n_sheets;
		x->sheet_names = grid_grow(x->sheet_names, &cap, x->n_sheets + 1, sizeof(char *));
		x->sheet_rids = grid_grow(x->sheet_rids, &cap2, x->n_sheets + 1, sizeof(char *));
		x->sheet_paths = grid_grow(x->sheet_paths, &cap3, x->n_sheets + 1, sizeof(char *));
		x->sheet_names[x->n_sheets] = xstrdup(n);
		x->sheet_rids[x->n_sheets] = xstrdup(id);
		x->sheet_paths[x->n_sheets] = NULL;
		x->n_sheets++;
		if (x->n_sheets > 1000)
			fail(run, "too_large", "工作表过多（%s）", "上限 1000 个");
	} else if (!strcmp(l, "workbookPr")) {
		const char *d = attr(atts, "date1904");
		x->date1904 = d && (!strcmp(d, "1") || !strcmp(d, "true"));
	}
}

/* A relationship target relative to xl/ as a zip entry name. */
static char *target_path(const char *target)
{
	char buf[512];
	if (target[0] == '/')
		snprintf(buf, sizeof buf, "%s", target + 1);
	else if (!strncmp(target, "../", 3))
		snprintf(buf, sizeof buf, "%s", target + 3);
	else
		snprintf(buf, sizeof buf, "xl/%s", target);
	return xstrdup(buf);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && !strcmp(s + n - k, tail);
}

static void rels_start(xml_run *run, const char *name, const char **atts)
{
	xlsx_reader *x = run->x;
	if (strcmp(local(name), "Relationship"))
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"),
		   *target = attr(atts, "Target");
	if (!id || !type || !target)
		return;
	if (ends_with(type, "/sharedStrings") && !x->shared_path)
		x->shared_path = target_path(target);
	else if (ends_with(type, "/styles") && !x->styles_path)
		x->styles_path = target_path(target);
	else if (ends_with(type, "/worksheet"))
		for (size_t i = 0; i < x->n_sheets; i++)
			if (!strcmp(x->sheet_rids[i], id) && !x->sheet_paths[i])
				x->sheet_paths[i] = target_path(target);
}

/* ---- shared strings ---- */

typedef struct sst_state {
	unsigned in_si, in_rph;
} sst_state;

static void sst_start(xml_run *run, const char *name, const char **atts)
{
	(void)atts;
	sst_state *s = run->ctx;
	const char *l = local(name);
	if (!strcmp(l, "si")) {
		s->in_si = 1;
		run->text.len = 0;
	} else if (!strcmp(l, "rPh")) {
		s->in_rph++;
	} else if (!strcmp(l, "t") && s->in_si && !s->in_rph) {
		run->collect = true;
	}
}

static void sst_end(xml_run *run, const char *name)
{
	sst_state *s = run->ctx;
	xlsx_reader *x = run->x;
	const char *l = local(name);
	if (!strcmp(l, "t")) {
		run->collect = false;
	} else if (!strcmp(l, "rPh")) {
		s->in_rph--;
	} else if (!strcmp(l, "si")) {
		s->in_si = 0;
		x->sst = grid_grow(x->sst, &x->alloc_sst, x->n_sst + 1, sizeof *x->sst);
		char *str = malloc(run->text.len + 1);
		if (!str)
			abort();
		memcpy(str, run->text.buf ? run->text.buf : "", run->text.len);
		str[run->text.len] = '\0';
		x->sst[x->n_sst++] = str;
	}
}

/* ---- styles: which cell formats are dates ---- */

static bool builtin_date(int id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* A format code shows a date when it has y, m, d outside quotes and
** brackets ("yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy/m/d"). */
static bool code_is_date(const char *code)
{
	bool quote = false, bracket = false, date = false;
	for (const char *p = code; *p; p++) {
		char c = *p;
		if (c == '\\' && p[1]) {
			p++;
			continue;
		}
		if (quote) {
			quote = c != '"';
			continue;
		}
		if (bracket) {
			bracket = c != ']';
			continue;
		}
		if (c == '"')
			quote = true;
		else if (c == '[')
			bracket = true;
		else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D')
			date = true;
	}
	return date;
}

typedef struct styles_state {
	bool in_xfs;
} styles_state;

static void styles_start(xml_run *run, const char *name, const char **atts)
{
	styles_state *s = run->ctx;
	xlsx_reader *x = run->x;
	const char *l = local(name);
	if (!strcmp(l, "numFmt")) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (id && code && code_is_date(code)) {
			x->fmt_ids = grid_grow(x->fmt_ids, &x->alloc_fmt, x->n_fmt + 1, sizeof *x->fmt_ids);
			x->fmt_ids[x->n_fmt++] = atoi(id);
		}
	} else if (!strcmp(l, "cellXfs")) {
		s->in_xfs = true;
	} else if (!strcmp(l, "xf") && s->in_xfs) {
		const char *id = attr(atts, "numFmtId");
		int fid = id ? (int)strtol(id, NULL, 10) : 0;
		bool date = builtin_date(fid);
		for (size_t i = 0; i < x->n_fmt && !date; i++)
			date = x->fmt_ids[i] == fid;
		x->xf_date = grid_grow(x->xf_date, &x->alloc_xf, x->n_xf + 1, sizeof *x->xf_date);
		x->xf_date[x->n_xf++] = date;
	}
}

static void styles_end(xml_run *run, const char *name)
{
	styles_state *s = run->ctx;
	if (!strcmp(local(name), "cellXfs"))
		s->in_xfs = false;
}

/* ---- worksheets ---- */

typedef struct ws_state {
	tg_grid *g;
	tg_grid_row *row;     /* the grid row of the current <row>, once it has a cell */
	uint32_t row_no, col; /* current row, next column */
	char type[16];
	int style;
	bool in_cell, in_is, has_value;
	size_t cells;
} ws_state;

/* "AB12" -> column 27, row 12; false when it is no cell reference. */
static bool parse_ref(const char *ref, uint32_t *col, uint32_t *row)
{
	uint32_t c = 0, r = 0;
	const char *p = ref;
	while (*p >= 'A' && *p <= 'Z') {
		c = c * 26 + (uint32_t)(*p - 'A' + 1);
		if (c > 16384)
			return false;
		p++;
	}
	if (p == ref)
		return false;
	while (*p >= '0' && *p <= '9') {
		r = r * 10 + (uint32_t)(*p - '0');
		if (r > 1048576)
			return false;
		p++;
	}
	if (*p || r == 0)
		return false;
	*col = c - 1;
	*row = r;
	return true;
}

static void ws_start(xml_run *run, const char *name, const char **atts)
{
	ws_state *s = run->ctx;
	const char *l = local(name);
	if (!strcmp(l, "row")) {
		const char *r = attr(atts, "r");
		uint32_t n = s->row_no + 1;
		if (r) {
			char *end;
			unsigned long v = strtoul(r, &end, 10);
			if (*end || v == 0 || v > 1048576) {
				fail(run, "bad_xlsx", "行号“%s”无效", r);
				return;
			}
			n = (uint32_t)v;
		}
		s->row_no = n;
		s->row = NULL;
		s->col = 0;
	} else if (!strcmp(l, "c")) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
		if (ref) {
			uint32_t col, row;
			if (!parse_ref(ref, &col, &row)) {
				fail(run, "bad_xlsx", "单元格引用“%s”无效", ref);
				return;
			}
			if (row != s->row_no) {
				fail(run, "bad_xlsx", "单元格“%s”不在其所在的行中", ref);
				return;
			}
			s->col = col;
		}
		snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
		s->style = st ? atoi(st) : -1;
		s->in_cell = true;
		s->in_is = false;
		s->has_value = false;
		run->text.len = 0;
	} else if (s->in_cell && (!strcmp(l, "v") || (!strcmp(l, "t") && s->in_is))) {
		run->collect = true;
		s->has_value = true;
	} else if (s->in_cell && !strcmp(l, "is")) {
		s->in_is = true;
	} else if (s->in_cell && !strcmp(l, "rPh")) {
		s->in_is = false; /* phonetic runs are not the text */
	}
}

static void add_cell(xml_run *run, ws_state *s)
{
	xlsx_reader *x = run->x;
	const char *v = run->text.buf ? run->text.buf : "";
	size_t n = run->text.len;
	sb_addc(&run->text, '\0');
	run->text.len = n;
	char num_text[40];
	const char *text = v;
	size_t text_len = n;
	int kind = CELL_TEXT;
	double num = 0;
	bool is_date = false;
	if (!strcmp(s->type, "s")) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (*end || !n || i >= x->n_sst) {
			fail(run, "bad_xlsx", "共享字符串编号“%s”无效", v);
			return;
		}
		text = x->sst[i];
		text_len = strlen(text);
	} else if (!strcmp(s->type, "b")) {
		kind = CELL_BOOL;
		num = strcmp(v, "0") ? 1 : 0;
		text = num ? "TRUE" : "FALSE";
		text_len = strlen(text);
	} else if (!strcmp(s->type, "n")) {
		char *end;
		double d = strtod(v, &end);
		if (n && !*end && isfinite(d)) {
			kind = CELL_NUMBER;
			num = d;
			is_date = s->style >= 0 && (size_t)s->style < x->n_xf && x->xf_date[s->style];
			if (!is_date || sheet_serial_date(d, x->date1904, num_text))
				snprintf(num_text, sizeof num_text, "%.15g", d);
			text = num_text;
			text_len = strlen(text);
		}
	} else if (!strcmp(s->type, "d")) {
		text_len = n > 10 ? 10 : n; /* ISO 8601: the day */
	}
	/* "str", "inlineStr", "e" (an error such as #N/A): the text as is */
	if (!text_len)
		return;
	if (++s->cells > 20000000) {
		fail(run, "too_large", "单元格过多（%s）", "上限 2000 万个");
		return;
	}
	if (!s->row)
		s->row = grid_row_add(s->g, s->row_no);
	tg_cell *c = grid_cell_add(s->g, s->row, s->col, text, text_len);
	c->kind = (uint8_t)kind;
	c->num = num;
	c->is_date = is_date;
}

static void ws_end(xml_run *run, const char *name)
{
	ws_state *s = run->ctx;
	const char *l = local(name);
	if (!strcmp(l, "v") || !strcmp(l, "t")) {
		run->collect = false;
	} else if (!strcmp(l, "rPh")) {
		s->in_is = true;
	} else if (!strcmp(l, "is")) {
		s->in_is = false;
	} else if (!strcmp(l, "c")) {
		if (s->has_value)
			add_cell(run, s);
		run->text.len = 0;
		s->in_cell = false;
		s->col++;
	}
}

/* ---- the workbook ---- */

static void reader_free(xlsx_reader *x)
{
	for (size_t i = 0; i < x->n_sheets; i++) {
		free(x->sheet_names[i]);
		free(x->sheet_rids[i]);
		free(x->sheet_paths[i]);
	}
	free(x->sheet_names);
	free(x->sheet_rids);
	free(x->sheet_paths);
	for (size_t i = 0; i < x->n_sst; i++)
		free(x->sst[i]);
	free(x->sst);
	free(x->xf_date);
	free(x->fmt_ids);
	free(x->shared_path);
	free(x->styles_path);
	if (x->zip)
		zip_discard(x->zip);
}

static int read_zip(zip_t *zip, const tg_xlsx_limits *limits, tg_workbook *wb, bool *date1904,
		    tg_error *err);

int xlsx_read_file(const char *path, const tg_xlsx_limits *limits, tg_workbook *wb,
		   bool *date1904, tg_error *err)
{
	int zerr = 0;
	FILE *probe = fopen(path, "rb");
	if (!probe)
		return tg_error_set(err, TG_EIO, "io", path, "无法打开文件");
	fclose(probe);
	zip_t *zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (!zip)
		return tg_error_set(err, TG_EINVAL, "bad_xlsx", "",
				    "不是有效的 xlsx 工作簿（无法按 zip 格式读取）");
	return read_zip(zip, limits, wb, date1904, err);
}

int xlsx_read_buffer(const void *buf, size_t len, const tg_xlsx_limits *limits, tg_workbook *wb,
		     bool *date1904, tg_error *err)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(len ? buf : "", len, 0, &zerr);
	zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
	zip_error_fini(&zerr);
	if (!zip) {
		if (src)
			zip_source_free(src);
		return tg_error_set(err, TG_EINVAL, "bad_xlsx", "",
				    "不是有效的 xlsx 工作簿（无法按 zip 格式读取）");
	}
	return read_zip(zip, limits, wb, date1904, err);
}

/* The workbook in an open zip (discarded before returning). */
static int read_zip(zip_t *zip, const tg_xlsx_limits *limits, tg_workbook *wb, bool *date1904,
		    tg_error *err)
{
	xlsx_reader x = {0};
	x.lim = limits ? limits : &tg_xlsx_default_limits;
	x.err = err;
	x.zip = zip;
	zip_int64_t entries = zip_get_num_entries(x.zip, 0);
	if (entries < 0 || (size_t)entries > x.lim->max_entries) {
		x.rc = tg_error_set(err, TG_EINVAL, "too_large", "",
				    "工作簿中的文件过多（%lld 个，上限 %zu 个）", (long long)entries,
				    x.lim->max_entries);
		goto out;
	}
	xml_run run = {0};
	run.start = wb_start;
	if (parse_part(&x, "xl/workbook.xml", &run, false))
		goto out;
	run = (xml_run){0};
	run.start = rels_start;
	if (parse_part(&x, "xl/_rels/workbook.xml.rels", &run, false))
		goto out;
	sst_state sst = {0};
	run = (xml_run){0};
	run.start = sst_start;
	run.end = sst_end;
	run.ctx = &sst;
	if (parse_part(&x, x.shared_path ? x.shared_path : "xl/sharedStrings.xml", &run, true) < 0 &&
	    x.rc)
		goto out;
	styles_state sty = {0};
	run = (xml_run){0};
	run.start = styles_start;
	run.end = styles_end;
	run.ctx = &sty;
	if (parse_part(&x, x.styles_path ? x.styles_path : "xl/styles.xml", &run, true) < 0 && x.rc)
		goto out;
	wb->sheets = calloc(x.n_sheets ? x.n_sheets : 1, sizeof *wb->sheets);
	if (!wb->sheets)
		abort();
	for (size_t i = 0; i < x.n_sheets; i++) {
		tg_grid *g = &wb->sheets[wb->n++];
		grid_init(g, x.sheet_names[i]);
		if (!x.sheet_paths[i]) {
			x.rc = tg_error_set(err, TG_EINVAL, "bad_xlsx", x.sheet_names[i],
					    "工作表“%s”在工作簿中没有对应的文件", x.sheet_names[i]);
			goto out;
		}
		ws_state ws = {0};
		ws.g = g;
		run = (xml_run){0};
		run.start = ws_start;
		run.end = ws_end;
		run.ctx = &ws;
		if (parse_part(&x, x.sheet_paths[i], &run, false))
			goto out;
	}
	*date1904 = x.date1904;
out:
	reader_free(&x);
	return x.rc;
}
