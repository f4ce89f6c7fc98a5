/*
** xlsx_write.c: workbooks for people, written with libxlsxwriter (see
** xlsx.h): the register (one sheet per array), the empty import template,
** and a findings list.
**
** The sheets are laid out exactly as the sheet importer reads them (sheet.h:
** Chinese sheet names and headers, enum values by their Chinese names,
** 是/否, nested objects flattened), so an exported workbook imports back to
** the same facts.  Owns the lxw_workbook while writing; a failure leaves no
** half-written file behind (libxlsxwriter writes at workbook_close).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "bundle.h"
#include "ident.h"
#include "strbuf.h"
#include "xlsx.h"

typedef struct formats {
	lxw_format *head, *head_required, *date, *money, *integer, *text, *wrap;
} formats;

static void make_formats(lxw_workbook *wb, formats *fm)
{
	fm->head = workbook_add_format(wb);
	format_set_bold(fm->head);
	format_set_bg_color(fm->head, 0xDCE6F1);
	format_set_border(fm->head, LXW_BORDER_THIN);
	format_set_align(fm->head, LXW_ALIGN_CENTER);
	format_set_align(fm->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_name(fm->head, "宋体");
	fm->head_required = workbook_add_format(wb);
	format_set_bold(fm->head_required);
	format_set_bg_color(fm->head_required, 0xFCE4D6);
	format_set_border(fm->head_required, LXW_BORDER_THIN);
	format_set_align(fm->head_required, LXW_ALIGN_CENTER);
	format_set_align(fm->head_required, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_name(fm->head_required, "宋体");
	fm->date = workbook_add_format(wb);
	format_set_num_format(fm->date, "yyyy-mm-dd");
	fm->money = workbook_add_format(wb);
	format_set_num_format(fm->money, "#,##0.00");
	fm->integer = workbook_add_format(wb);
	format_set_num_format(fm->integer, "0");
	fm->text = workbook_add_format(wb);
	format_set_num_format(fm->text, "@");
	fm->wrap = workbook_add_format(wb);
	format_set_text_wrap(fm->wrap);
	format_set_align(fm->wrap, LXW_ALIGN_VERTICAL_TOP);
}

static int close_workbook(lxw_workbook *wb, const char *path, tg_error *err)
{
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR)
		return tg_error_set(err, TG_EIO, "io", path, "写入 xlsx 文件失败：%s", lxw_strerror(e));
	return TG_OK;
}

static lxw_workbook *open_workbook(const char *path, tg_error *err)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		tg_error_set(err, TG_EIO, "io", path, "无法创建 xlsx 文件");
	return wb;
}

/* Days since 1899-12-30: Excel's serial for dates from 1900-03-01 on. */
static bool excel_serial(tg_date d, double *out)
{
	tg_date base = date_from_ymd(1899, 12, 30);
	if (d == TG_DATE_NONE || d < date_from_ymd(1900, 3, 1))
		return false;
	*out = (double)(d - base);
	return true;
}

/* ---- columns of an array ---- */

typedef struct column {
	const tg_field *f, *sub; /* sub: the sub-field of an object field */
	const char *label;
	double width;
} column;

static size_t columns_of(int a, column *cols, size_t max)
{
	size_t n = 0;
	for (const tg_field *f = tg_schema[a].fields; f->key && n < max; f++) {
		if (f->type != FT_OBJECT) {
			cols[n++] = (column){f, NULL, sheet_column_label(f, NULL), 0};
			continue;
		}
		for (const tg_field *s = f->sub; s->key && n < max; s++)
			cols[n++] = (column){f, s, sheet_column_label(f, s), 0};
	}
	for (size_t i = 0; i < n; i++)
		cols[i].width = (double)utf8_width(cols[i].label) + 2;
	return n;
}

static void widen(column *c, double w)
{
	if (w + 2 > c->width)
		c->width = w + 2;
}

static void write_headers(lxw_worksheet *ws, const formats *fm, const column *cols, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		const tg_field *v = cols[c].sub ? cols[c].sub : cols[c].f;
		bool required = v->required && !cols[c].sub;
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].label,
				       required ? fm->head_required : fm->head);
	}
	worksheet_set_row(ws, 0, 20, NULL);
	worksheet_freeze_panes(ws, 1, 0);
}

static void set_widths(lxw_worksheet *ws, const column *cols, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		double w = cols[c].width < 8 ? 8 : cols[c].width > 60 ? 60 : cols[c].width;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
	}
}

/* One cell of a record. */
static void write_value(lxw_worksheet *ws, const formats *fm, lxw_row_t row, lxw_col_t col,
			column *c, int a, const void *rec, bool mask)
{
	const tg_field *f = c->sub ? c->sub : c->f;
	const char *p = (const char *)rec + f->off;
	if (c->sub && *(const int8_t *)((const char *)rec + c->f->sub[0].off) < 0)
		return; /* the object is absent */
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF: {
		const char *s = *(const char *const *)p;
		char masked[19];
		if (!s)
			return;
		if (mask && a == ARR_PERSONS && !strcmp(f->key, "id_number")) {
			ident_id_mask(s, masked);
			s = masked;
		}
		worksheet_write_string(ws, row, col, s, NULL);
		widen(c, (double)utf8_width(s));
		return;
	}
	case FT_DATE: {
		tg_date d = *(const tg_date *)p;
		double serial;
		char text[11];
		if (d == TG_DATE_NONE)
			return;
		if (excel_serial(d, &serial)) {
			worksheet_write_number(ws, row, col, serial, fm->date);
		} else {
			date_format(d, text);
			worksheet_write_string(ws, row, col, text, NULL);
		}
		widen(c, 10);
		return;
	}
	case FT_BOOL:
		if (*(const int8_t *)p < 0)
			return;
		worksheet_write_string(ws, row, col, *(const int8_t *)p > 0 ? "是" : "否", NULL);
		return;
	case FT_INT:
		if (!*(const int64_t *)p && schema_int_zero_is_null(f))
			return;
		worksheet_write_number(ws, row, col, (double)*(const int64_t *)p, fm->integer);
		widen(c, 6);
		return;
	case FT_MONEY:
		worksheet_write_number(ws, row, col, (double)*(const int64_t *)p / 100.0, fm->money);
		widen(c, 14);
		return;
	case FT_AREA:
		if (*(const double *)p < 0)
			return;
		worksheet_write_number(ws, row, col, *(const double *)p, NULL);
		widen(c, 8);
		return;
	case FT_ENUM: {
		const char *zh = schema_enum_zh(f, *(const int8_t *)p);
		if (zh) {
			worksheet_write_string(ws, row, col, zh, NULL);
			widen(c, (double)utf8_width(zh));
		}
		return;
	}
	case FT_OBJECT:
		return;
	}
}

static void write_array(lxw_workbook *wb, const formats *fm, const tg_register *r, int a,
			bool mask)
{
	column cols[64];
	size_t nc = columns_of(a, cols, 64), n = r->t[a].count;
	lxw_worksheet *ws = workbook_add_worksheet(wb, tg_schema[a].zh);
	write_headers(ws, fm, cols, nc);
	size_t *order = register_key_order(r, a);
	for (size_t i = 0; i < n; i++) {
		const void *rec = register_row(r, a, order[i]);
		for (size_t c = 0; c < nc; c++)
			write_value(ws, fm, (lxw_row_t)(i + 1), (lxw_col_t)c, &cols[c], a, rec, mask);
	}
	free(order);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(nc - 1));
	set_widths(ws, cols, nc);
}

int xlsx_write_register(const tg_register *r, const char *path, const tg_xlsx_options *opts,
			tg_error *err)
{
	lxw_workbook *wb = open_workbook(path, err);
	if (!wb)
		return TG_EIO;
	formats fm;
	make_formats(wb, &fm);
	lxw_doc_properties props = {.title = "行业协会商会脱钩登记簿", .author = "tuogou",
				    .comments = "tuogou 导出；可直接导入 tuogou"};
	workbook_set_properties(wb, &props);
	for (int a = 0; a < ARR_COUNT; a++)
		if (!opts || opts->only < 0 || opts->only == a)
			write_array(wb, &fm, r, a, opts && opts->mask_ids);
	return close_workbook(wb, path, err);
}

/* ---- the template ---- */

static const char *type_note(const tg_field *f)
{
	switch (f->type) {
	case FT_KEY: return "编号（唯一）";
	case FT_DATE: return "日期（如 2017-03-28）";
	case FT_BOOL: return "是/否";
	case FT_INT: return "整数";
	case FT_MONEY: return "金额（元，最多两位小数）";
	case FT_AREA: return "面积（平方米）";
	case FT_ENUM: return "从下拉列表中选择";
	case FT_REF: return "填写所引用记录的编号";
	default: return "文本";
	}
}

static void add_list(lxw_worksheet *ws, lxw_col_t col, const char **values, const char *title)
{
	lxw_data_validation dv;
	memset(&dv, 0, sizeof dv);
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	dv.value_list = (char **)values;
	dv.input_title = (char *)title;
	dv.error_title = (char *)"取值无效";
	dv.error_message = (char *)"请从下拉列表中选择";
	worksheet_data_validation_range(ws, 1, col, 10000, col, &dv);
}

int xlsx_write_template(const char *path, tg_error *err)
{
	lxw_workbook *wb = open_workbook(path, err);
	if (!wb)
		return TG_EIO;
	formats fm;
	make_formats(wb, &fm);
	static const char *yes_no[] = {"是", "否", NULL};
	for (int a = 0; a < ARR_COUNT; a++) {
		column cols[64];
		size_t nc = columns_of(a, cols, 64);
		lxw_worksheet *ws = workbook_add_worksheet(wb, tg_schema[a].zh);
		write_headers(ws, &fm, cols, nc);
		for (size_t c = 0; c < nc; c++) {
			const tg_field *f = cols[c].sub ? cols[c].sub : cols[c].f;
			char note[512];
			bool required = f->required && !cols[c].sub;
			char target[96] = "";
			if (f->type == FT_REF)
				snprintf(target, sizeof target, "（%s）", tg_schema[f->target].zh);
			snprintf(note, sizeof note, "字段 %s%s%s：%s%s%s", cols[c].sub ? cols[c].f->key : "",
				 cols[c].sub ? "." : "", f->key, type_note(f), target,
				 required ? "，必填" : "");
			worksheet_write_comment(ws, 0, (lxw_col_t)c, note);
			if (f->type == FT_ENUM) {
				const char *vals[16];
				size_t k = 0;
				for (; f->values[k].key && k < 15; k++)
					vals[k] = f->values[k].zh;
				vals[k] = NULL;
				add_list(ws, (lxw_col_t)c, vals, cols[c].label);
				for (size_t i = 0; i < k; i++)
					widen(&cols[c], (double)utf8_width(vals[i]));
			} else if (f->type == FT_BOOL) {
				add_list(ws, (lxw_col_t)c, yes_no, cols[c].label);
			} else if (f->type == FT_DATE) {
				worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 12, fm.date);
				widen(&cols[c], 10);
			}
		}
		for (size_t c = 0; c < nc; c++) {
			const tg_field *f = cols[c].sub ? cols[c].sub : cols[c].f;
			double w = cols[c].width < 8 ? 8 : cols[c].width > 60 ? 60 : cols[c].width;
			worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w,
					     f->type == FT_DATE ? fm.date : NULL);
		}
	}
	return close_workbook(wb, path, err);
}

/* ---- findings ---- */

int xlsx_write_findings(const tg_findings *fs, const tg_plan *plan, const tg_register *r,
			const char *path, tg_error *err)
{
	lxw_workbook *wb = open_workbook(path, err);
	if (!wb)
		return TG_EIO;
	formats fm;
	make_formats(wb, &fm);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "问题清单");
	static const char *heads[] = {"序号", "状态", "截止日期", "条款", "规则", "问题",
				      "协会统一社会信用代码", "协会名称", "对象", "说明", "依据", "方案"};
	enum { NH = sizeof heads / sizeof heads[0] };
	double widths[NH] = {6, 6, 12, 8, 30, 24, 22, 30, 12, 80, 24, 16};
	for (size_t c = 0; c < NH; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], fm.head);
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		const tg_clause *cl = plan_clause(plan, f->clause);
		const tg_plan_rule *pr = plan_rule(plan, f->rule);
		double serial;
		worksheet_write_number(ws, row, 0, (double)(i + 1), fm.integer);
		worksheet_write_string(ws, row, 1, finding_overdue(fs, f) ? "逾期" : "待办", NULL);
		if (f->due_year_only) { /* the day withheld: "2021年内" */
			char due[24];
			finding_due_text(f, due);
			worksheet_write_string(ws, row, 2, due, NULL);
		} else if (excel_serial(f->due, &serial)) {
			worksheet_write_number(ws, row, 2, serial, fm.date);
		}
		worksheet_write_string(ws, row, 3, cl && cl->cite ? cl->cite : f->clause, NULL);
		worksheet_write_string(ws, row, 4, f->rule, NULL);
		const tg_obligation *ob = pr ? NULL : plan_obligation(plan, f->rule);
		if (pr && pr->title)
			worksheet_write_string(ws, row, 5, pr->title, NULL);
		else if (ob && ob->title)
			worksheet_write_string(ws, row, 5, ob->title, NULL);
		if (f->association) {
			worksheet_write_string(ws, row, 6, f->association, NULL);
			tg_ix ix = r ? register_find(r, ARR_ASSOCIATIONS, f->association) : TG_IX_NONE;
			if (ix != TG_IX_NONE)
				worksheet_write_string(
					ws, row, 7, REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ix].name,
					NULL);
		}
		if (f->subject)
			worksheet_write_string(ws, row, 8, f->subject, NULL);
		worksheet_write_string(ws, row, 9, f->message, NULL);
		if (f->basis)
			worksheet_write_string(ws, row, 10, f->basis, NULL);
		if (fs->plan_id)
			worksheet_write_string(ws, row, 11, fs->plan_id, NULL);
	}
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)fs->count, NH - 1);
	for (size_t c = 0; c < NH; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	return close_workbook(wb, path, err);
}
