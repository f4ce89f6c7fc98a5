/*
** test_io_xlsx.c: workbooks.  Generated registers written with
** xlsx_write_register read back (xlsx_read + sheet mapping) to the same
** bundle; the template reads as empty; Excel date serials; the caps that
** keep a hostile workbook (zip bomb, deep XML, not a zip) from doing harm.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "gen.h"
#include "sheet.h"
#include "xlsx.h"

static char *write_bundle(const tg_register *r)
{
	strbuf sb;
	sb_init(&sb);
	bundle_write(r, "luoyang-2017", &sb);
	return sb_detach(&sb, NULL);
}

static void temp_path(char *path, size_t size, const char *ext)
{
	char tmpl[] = "/tmp/tuogou-xlsx-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	close(fd);
	unlink(tmpl);
	snprintf(path, size, "%s%s", tmpl, ext);
}

/* Register -> workbook -> register gives the same bundle text. */
static void test_round_trip(void **state)
{
	(void)state;
	static const char *batches[] = {"pilot", "second"};
	for (uint64_t seed = 1; seed <= 6; seed++) {
		tg_register r, back;
		register_init(&r);
		register_init(&back);
		gen_register(&r, seed, 25);
		char path[64];
		temp_path(path, sizeof path, ".xlsx");
		tg_error err = {0};
		assert_int_equal(xlsx_write_register(&r, path, NULL, &err), 0);
		tg_errors errs;
		tg_errors_init(&errs);
		tg_sheet_origin *o = NULL;
		sheet_read_file(path, &back, &o, &errs);
		size_t mark = errs.count;
		register_resolve(&back, batches, 2, NULL, &errs);
		sheet_translate_errors(o, &errs, mark);
		for (size_t i = 0; i < errs.count; i++)
			print_error("seed %llu: %s: %s\n", (unsigned long long)seed, errs.items[i].path,
				    errs.items[i].message);
		assert_int_equal(errs.total, 0);
		char *first = write_bundle(&r), *second = write_bundle(&back);
		assert_string_equal(first, second);
		free(first);
		free(second);
		sheet_origin_free(o);
		tg_errors_free(&errs);
		register_release(&back);
		register_release(&r);
		unlink(path);
	}
}

/* ID numbers masked for web downloads. */
static void test_masked(void **state)
{
	(void)state;
	tg_register r;
	register_init(&r);
	gen_register(&r, 3, 10);
	char path[64];
	temp_path(path, sizeof path, ".xlsx");
	tg_error err = {0};
	tg_xlsx_options opts = {true, ARR_PERSONS};
	assert_int_equal(xlsx_write_register(&r, path, &opts, &err), 0);
	tg_workbook wb = {0};
	bool d1904;
	assert_int_equal(xlsx_read_file(path, NULL, &wb, &d1904, &err), 0);
	assert_int_equal(wb.n, 1);
	assert_string_equal(wb.sheets[0].name, "人员");
	size_t masked = 0;
	for (size_t i = 1; i < wb.sheets[0].n_rows; i++)
		for (size_t k = 0; k < wb.sheets[0].rows[i].n; k++)
			masked += strstr(wb.sheets[0].rows[i].cells[k].text, "********") != NULL;
	assert_true(masked > 0);
	workbook_release(&wb);
	register_release(&r);
	unlink(path);
}

static void test_template(void **state)
{
	(void)state;
	char path[64];
	temp_path(path, sizeof path, ".xlsx");
	tg_error err = {0};
	assert_int_equal(xlsx_write_template(path, &err), 0);
	tg_workbook wb = {0};
	bool d1904;
	assert_int_equal(xlsx_read_file(path, NULL, &wb, &d1904, &err), 0);
	assert_int_equal(wb.n, ARR_COUNT);
	assert_string_equal(wb.sheets[ARR_POSTS].name, "任职");
	/* the header row of 任职 ends with the approval columns' labels */
	const tg_grid_row *h = &wb.sheets[ARR_POSTS].rows[0];
	bool found = false;
	for (size_t k = 0; k < h->n; k++)
		found |= !strcmp(h->cells[k].text, "审批备案文号");
	assert_true(found);
	workbook_release(&wb);
	tg_register r;
	register_init(&r);
	tg_errors errs;
	tg_errors_init(&errs);
	tg_sheet_origin *o = NULL;
	assert_int_equal(sheet_read_file(path, &r, &o, &errs), 0);
	sheet_origin_free(o);
	assert_int_equal(errs.total, 0);
	tg_errors_free(&errs);
	register_release(&r);
	unlink(path);
}

static void test_serial_dates(void **state)
{
	(void)state;
	char d[11];
	assert_int_equal(sheet_serial_date(42887, false, d), 0);
	assert_string_equal(d, "2017-06-01");
	assert_int_equal(sheet_serial_date(1, false, d), 0);
	assert_string_equal(d, "1900-01-01");
	assert_int_equal(sheet_serial_date(59, false, d), 0);
	assert_string_equal(d, "1900-02-28");
	assert_int_equal(sheet_serial_date(60, false, d), TG_EINVAL); /* 1900-02-29 never was */
	assert_int_equal(sheet_serial_date(61, false, d), 0);
	assert_string_equal(d, "1900-03-01");
	assert_int_equal(sheet_serial_date(42887.75, false, d), 0); /* a time of day is dropped */
	assert_string_equal(d, "2017-06-01");
	assert_int_equal(sheet_serial_date(41425, true, d), 0);
	assert_string_equal(d, "2017-06-01");
	assert_int_equal(sheet_serial_date(0, false, d), TG_EINVAL);
	assert_int_equal(sheet_serial_date(-3, false, d), TG_EINVAL);
}

static void expect_refused(const char *path, const tg_xlsx_limits *lim, const char *code)
{
	tg_workbook wb = {0};
	bool d1904;
	tg_error err = {0};
	assert_int_equal(xlsx_read_file(path, lim, &wb, &d1904, &err), TG_EINVAL);
	assert_string_equal(err.code, code);
	assert_true(err.message[0] != '\0');
	workbook_release(&wb);
}

static void test_limits(void **state)
{
	(void)state;
	const char *fixture = TG_SOURCE_DIR "/tests/data/io/other-program.xlsx";
	tg_workbook wb = {0};
	bool d1904;
	tg_error err = {0};
	assert_int_equal(xlsx_read_file(fixture, NULL, &wb, &d1904, &err), 0);
	assert_int_equal(wb.n, 4);
	workbook_release(&wb);

	tg_xlsx_limits lim = tg_xlsx_default_limits;
	lim.max_entries = 3;
	expect_refused(fixture, &lim, "too_large");
	lim = tg_xlsx_default_limits;
	lim.max_part_bytes = 200; /* a small part inflating past its cap */
	expect_refused(fixture, &lim, "too_large");
	lim = tg_xlsx_default_limits;
	lim.max_total_bytes = 3000;
	expect_refused(fixture, &lim, "too_large");
	lim = tg_xlsx_default_limits;
	lim.max_depth = 3; /* worksheet > sheetData > row > c */
	expect_refused(fixture, &lim, "bad_xlsx");

	char path[64];
	temp_path(path, sizeof path, ".xlsx");
	FILE *f = fopen(path, "wb");
	fputs("PK\x03\x04 this is no zip", f);
	fclose(f);
	expect_refused(path, NULL, "bad_xlsx");
	unlink(path);
	assert_int_equal(xlsx_read_file("/nonexistent/x.xlsx", NULL, &wb, &d1904, &err), TG_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_masked),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_serial_dates),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
