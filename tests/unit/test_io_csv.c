/*
** test_io_csv.c: the CSV reader (RFC 4180, encodings, strictness) and the
** mapping of a sheet onto an array (headers, enum and yes/no cells, dates,
** errors named by sheet, row and column).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sheet.h"

static const tg_cell *cell(const tg_grid *g, uint32_t row, uint32_t col)
{
	for (size_t i = 0; i < g->n_rows; i++)
		if (g->rows[i].row == row)
			for (size_t k = 0; k < g->rows[i].n; k++)
				if (g->rows[i].cells[k].col == col)
					return &g->rows[i].cells[k];
	return NULL;
}

static int parse(const char *text, tg_grid *g, tg_error *err)
{
	grid_init(g, "t");
	return csv_read_buffer(text, strlen(text), g, err);
}

static void test_rfc4180(void **state)
{
	(void)state;
	tg_grid g;
	tg_error err = {0};
	assert_int_equal(parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n,,z\n", &g, &err), 0);
	assert_string_equal(cell(&g, 1, 2)->text, "c");
	assert_string_equal(cell(&g, 2, 0)->text, "x, y");
	assert_string_equal(cell(&g, 2, 1)->text, "say \"hi\"");
	assert_string_equal(cell(&g, 2, 2)->text, "two\nlines");
	assert_null(cell(&g, 3, 0)); /* empty fields are absent cells */
	assert_string_equal(cell(&g, 3, 2)->text, "z");
	grid_release(&g);
	/* no final line break, a blank line in the middle */
	assert_int_equal(parse("a\n\nb", &g, &err), 0);
	assert_string_equal(cell(&g, 3, 0)->text, "b");
	grid_release(&g);
}

static void expect_malformed(const char *text, const char *path)
{
	tg_grid g;
	tg_error err = {0};
	assert_int_equal(parse(text, &g, &err), TG_EINVAL);
	assert_string_equal(err.code, "bad_csv");
	assert_string_equal(err.path, path);
	grid_release(&g);
}

static void test_strict(void **state)
{
	(void)state;
	expect_malformed("a,b\nx,y\"z\n", "第2行B列");   /* quote inside a bare field */
	expect_malformed("a,\"b\"c\n", "第1行B列");      /* text after the closing quote */
	expect_malformed("a,b\nx,\"open\n\n", "第2行B列"); /* never closed */
}

static void test_encodings(void **state)
{
	(void)state;
	char *out;
	size_t n;
	const char *enc;
	tg_error err = {0};
	assert_int_equal(csv_to_utf8("\xEF\xBB\xBF中文", 9, &out, &n, &enc, &err), 0);
	assert_string_equal(enc, "UTF-8");
	assert_string_equal(out, "中文");
	free(out);
	assert_int_equal(csv_to_utf8("\xD6\xD0\xCE\xC4,a", 6, &out, &n, &enc, &err), 0);
	assert_string_equal(enc, "GB18030");
	assert_string_equal(out, "中文,a");
	free(out);
	/* a four-byte GB18030 sequence (U+20000 𠀀) */
	assert_int_equal(csv_to_utf8("\x95\x32\x82\x36", 4, &out, &n, &enc, &err), 0);
	assert_string_equal(out, "\xF0\xA0\x80\x80");
	free(out);
	assert_int_equal(csv_to_utf8("\xFF\xFE\x2D\x4E", 4, &out, &n, &enc, &err), 0);
	assert_string_equal(enc, "UTF-16LE");
	assert_string_equal(out, "中");
	free(out);
	/* neither UTF-8 nor GB18030 */
	assert_int_equal(csv_to_utf8("\x81\x20", 2, &out, &n, &enc, &err), TG_EINVAL);
	assert_string_equal(err.code, "bad_encoding");
}

static void read_sheet(const char *text, int a, tg_register *r, tg_errors *errs)
{
	tg_grid g;
	tg_error err = {0};
	tg_sheet_origin *o = NULL;
	register_init(r);
	tg_errors_init(errs);
	assert_int_equal(parse(text, &g, &err), 0);
	sheet_read_grid(&g, a, r, &o, errs);
	size_t mark = errs->count;
	register_resolve(r, NULL, 0, NULL, errs);
	sheet_translate_errors(o, errs, mark);
	sheet_origin_free(o);
	grid_release(&g);
}

static void test_sheet_mapping(void **state)
{
	(void)state;
	tg_register r;
	tg_errors errs;
	read_sheet("编号,名称,类型,职能清单印发日期\n U1 ,某局,行政机关,2017/6/1\nU2,另一局,other,\n", ARR_UNITS,
		   &r, &errs);
	assert_int_equal(errs.total, 0);
	assert_int_equal(REG_COUNT(&r, ARR_UNITS), 2);
	const tg_unit *u = REG_ROWS(&r, ARR_UNITS, tg_unit);
	assert_string_equal(u[0].id, "U1"); /* trimmed */
	assert_int_equal(u[0].kind, UNIT_ORGAN);
	assert_int_equal(u[0].function_list_on, date_from_ymd(2017, 6, 1));
	assert_int_equal(u[1].kind, UNIT_OTHER);
	assert_int_equal(u[1].function_list_on, TG_DATE_NONE);
	tg_errors_free(&errs);
	register_release(&r);

	/* yes/no cells, the approval columns, Chinese role names */
	read_sheet("id,person,association,role,from,paid,审批备案类型,审批备案文号,审批备案日期\n"
		   "T1,P1,X,会长（理事长）,2012-01-01,是,备案,洛组干〔2017〕3号,2017年5月2日\n",
		   ARR_POSTS, &r, &errs);
	const tg_post *t = REG_ROWS(&r, ARR_POSTS, tg_post);
	assert_int_equal(t[0].role, ROLE_PRESIDENT);
	assert_true(t[0].paid);
	assert_int_equal(t[0].approval_kind, APPROVAL_FILING);
	assert_int_equal(t[0].approval_on, date_from_ymd(2017, 5, 2));
	/* the only errors: the references P1 and X are dangling here */
	assert_int_equal(errs.total, 2);
	assert_string_equal(errs.items[0].path, "工作表“t”第2行B列（person）");
	tg_errors_free(&errs);
	register_release(&r);
}

static void test_sheet_errors(void **state)
{
	(void)state;
	tg_register r;
	tg_errors errs;
	read_sheet("编号,名称,类型\nU1,某局,行政机关\nU2,某局,机关\nU1,重复,other\nU4,,organ\n",
		   ARR_UNITS, &r, &errs);
	assert_int_equal(errs.total, 3);
	assert_string_equal(errs.items[0].path, "工作表“t”第3行C列（类型）");
	assert_string_equal(errs.items[0].code, "bad_enum");
	assert_string_equal(errs.items[1].path, "工作表“t”第5行B列（名称）");
	assert_string_equal(errs.items[1].code, "required");
	assert_string_equal(errs.items[2].code, "duplicate_id");
	assert_string_equal(errs.items[2].path, "工作表“t”第4行A列（编号）");
	assert_non_null(strstr(errs.items[2].message, "与第2行相同"));
	tg_errors_free(&errs);
	register_release(&r);

	read_sheet("编号,名称\nU1,某局\n", ARR_UNITS, &r, &errs);
	assert_int_equal(errs.total, 1);
	assert_string_equal(errs.items[0].code, "missing_column");
	tg_errors_free(&errs);
	register_release(&r);

	read_sheet("id,name,kind,party\nU1,某局,organ,是\n", ARR_UNITS, &r, &errs);
	assert_string_equal(errs.items[0].code, "unknown_column");
	assert_string_equal(errs.items[0].path, "工作表“t”第1行D列");
	tg_errors_free(&errs);
	register_release(&r);

	read_sheet("id,person,association,role,from,paid\nT1,P,X,director,2012-01-01,也许\n", ARR_POSTS,
		   &r, &errs);
	assert_string_equal(errs.items[0].path, "工作表“t”第2行F列（paid）");
	tg_errors_free(&errs);
	register_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4180),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_sheet_mapping),
		cmocka_unit_test(test_sheet_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
