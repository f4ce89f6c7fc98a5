/*
** test_calendar.c: unit tests of calendar.c, the official working-day
** calendar.
**
** The 2017 expectations are written out here from the State Council notice
** (国办发明电〔2016〕17号) rather than read back from the CSV, so that the
** test catches a wrong data file as well as wrong code.  The edges of the
** data (2006 and before, 2027 and after) must fall back to Monday-Friday and
** say so through the outside flag.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calendar.h"

static tg_date D(const char *s)
{
	tg_date d = TG_DATE_NONE;
	assert_int_equal(date_parse(s, &d), TG_OK);
	return d;
}

static const tg_calendar *cal(void)
{
	const tg_calendar *c = calendar_default();
	assert_non_null(c);
	return c;
}

/* Check is_workday(s) and its outside flag. */
static void check_day(const tg_calendar *c, const char *s, bool work, bool outside)
{
	bool out = !outside;
	bool got = calendar_is_workday(c, D(s), &out);
	if (got != work || out != outside)
		fail_msg("%s: expected %s%s, got %s%s", s, work ? "workday" : "rest",
			 outside ? " (outside)" : "", got ? "workday" : "rest",
			 out ? " (outside)" : "");
}

/* Check add_workdays(s, n) and its outside flag. */
static void check_add(const tg_calendar *c, const char *s, int n, const char *want,
		      bool outside)
{
	bool out = !outside;
	char buf[11];
	date_format(calendar_add_workdays(c, D(s), n, &out), buf);
	if (strcmp(buf, want) || out != outside)
		fail_msg("%s + %d: expected %s%s, got %s%s", s, n, want,
			 outside ? " (outside)" : "", buf, out ? " (outside)" : "");
}

/* Every day of 2017 the notice lists: holidays and 调休 working days. */
static const struct {
	const char *day;
	bool work;
} listed_2017[] = {
	{"2017-01-01", false}, {"2017-01-02", false}, /* 元旦 */
	{"2017-01-22", true},                         /* 春节: Sunday worked */
	{"2017-01-27", false}, {"2017-01-28", false}, {"2017-01-29", false},
	{"2017-01-30", false}, {"2017-01-31", false}, {"2017-02-01", false},
	{"2017-02-02", false},
	{"2017-02-04", true},                         /* 春节: Saturday worked */
	{"2017-04-01", true},                         /* 清明节 */
	{"2017-04-02", false}, {"2017-04-03", false}, {"2017-04-04", false},
	{"2017-05-01", false},                        /* 劳动节 */
	{"2017-05-27", true},                         /* 端午节 */
	{"2017-05-28", false}, {"2017-05-29", false}, {"2017-05-30", false},
	{"2017-09-30", true},                         /* 中秋节、国庆节 */
	{"2017-10-01", false}, {"2017-10-02", false}, {"2017-10-03", false},
	{"2017-10-04", false}, {"2017-10-05", false}, {"2017-10-06", false},
	{"2017-10-07", false}, {"2017-10-08", false},
};
#define N_LISTED_2017 (sizeof listed_2017 / sizeof listed_2017[0])

static void test_2017_listed_days(void **state)
{
	(void)state;
	assert_int_equal(N_LISTED_2017, 29);
	for (size_t i = 0; i < N_LISTED_2017; i++)
		check_day(cal(), listed_2017[i].day, listed_2017[i].work, false);
}

/* Every other day of 2017 is a working day exactly when Monday to Friday. */
static void test_2017_unlisted_days(void **state)
{
	(void)state;
	for (tg_date d = D("2017-01-01"); d <= D("2017-12-31"); d++) {
		char buf[11];
		bool listed = false;
		date_format(d, buf);
		for (size_t i = 0; i < N_LISTED_2017; i++)
			if (!strcmp(buf, listed_2017[i].day))
				listed = true;
		if (!listed)
			check_day(cal(), buf, date_weekday(d) <= 5, false);
	}
}

static void test_ordinary_days(void **state)
{
	(void)state;
	check_day(cal(), "2017-03-15", true, false);  /* Wednesday */
	check_day(cal(), "2017-03-17", true, false);  /* Friday */
	check_day(cal(), "2017-03-18", false, false); /* Saturday */
	check_day(cal(), "2017-03-19", false, false); /* Sunday */
	check_day(cal(), "2017-03-20", true, false);  /* Monday */
	check_day(cal(), "2017-12-30", false, false);
	check_day(cal(), "2018-01-01", false, false); /* 元旦 2018, a Monday */
	check_day(cal(), "2018-01-02", true, false);
}

static void test_year_boundaries(void **state)
{
	(void)state;
	/* 2016-12-31 is a Saturday; 2017-01-01 and -02 are 元旦. */
	check_add(cal(), "2016-12-31", 1, "2017-01-03", false);
	check_add(cal(), "2016-12-30", 1, "2017-01-03", false);
	check_add(cal(), "2016-12-29", 2, "2017-01-03", false);
	/* 2017-12-29 is a Friday; 2018-01-01 is 元旦. */
	check_add(cal(), "2017-12-29", 1, "2018-01-02", false);
	check_add(cal(), "2017-12-28", 2, "2018-01-02", false);
	/* 春节 2017 with its two 调休 weekend days. */
	check_add(cal(), "2017-01-20", 1, "2017-01-22", false);
	check_add(cal(), "2017-01-22", 1, "2017-01-23", false);
	check_add(cal(), "2017-01-26", 1, "2017-02-03", false);
	check_add(cal(), "2017-02-03", 1, "2017-02-04", false);
	check_add(cal(), "2017-02-04", 1, "2017-02-06", false);
}

static void test_add_workdays(void **state)
{
	(void)state;
	/* 9-29 Fri, 9-30 Sat (调休), 10-1..8 holidays, then 10-9 .. 10-18. */
	check_add(cal(), "2017-09-28", 10, "2017-10-18", false);
	check_add(cal(), "2017-09-28", 1, "2017-09-29", false);
	check_add(cal(), "2017-09-28", 2, "2017-09-30", false);
	check_add(cal(), "2017-09-28", 3, "2017-10-09", false);
	check_add(cal(), "2017-03-13", 5, "2017-03-20", false);
	check_add(cal(), "2017-01-01", 249, "2017-12-29", false); /* 2017 had 249 working days */
}

static void test_add_zero(void **state)
{
	(void)state;
	/* n = 0 gives d itself, even on a holiday, and examines no day. */
	check_add(cal(), "2017-09-28", 0, "2017-09-28", false);
	check_add(cal(), "2017-10-01", 0, "2017-10-01", false);
	check_add(cal(), "2030-06-01", 0, "2030-06-01", false);
	check_add(cal(), "2017-10-01", -3, "2017-10-01", false);
}

/* The outside pointer may be NULL. */
static void test_null_outside(void **state)
{
	(void)state;
	assert_true(calendar_is_workday(cal(), D("2017-09-30"), NULL));
	assert_false(calendar_is_workday(cal(), D("2017-10-02"), NULL));
	assert_int_equal(calendar_add_workdays(cal(), D("2017-09-28"), 10, NULL),
			 D("2017-10-18"));
}

static void test_coverage(void **state)
{
	(void)state;
	assert_int_equal(calendar_first_year(cal()), 2007);
	assert_int_equal(calendar_last_year(cal()), 2026);
	assert_false(calendar_covers(cal(), D("2006-12-31")));
	assert_true(calendar_covers(cal(), D("2007-01-01")));
	assert_true(calendar_covers(cal(), D("2017-07-01")));
	assert_true(calendar_covers(cal(), D("2026-12-31")));
	assert_false(calendar_covers(cal(), D("2027-01-01")));
	assert_false(calendar_covers(cal(), D("1970-01-01")));
	assert_false(calendar_covers(cal(), D("9999-12-31")));
}

static void test_end_of_data(void **state)
{
	(void)state;
	/* December 2026 is still covered. */
	check_day(cal(), "2026-12-25", true, false);  /* Friday */
	check_day(cal(), "2026-12-26", false, false); /* Saturday */
	check_day(cal(), "2026-12-31", true, false);
	check_add(cal(), "2026-12-01", 5, "2026-12-08", false);
	check_add(cal(), "2026-12-24", 5, "2026-12-31", false);
	/* 2027 is not: Monday-Friday, flagged (2027-01-01 falls back to a workday). */
	check_day(cal(), "2027-01-01", true, true);
	check_day(cal(), "2027-01-02", false, true);
	check_day(cal(), "2027-10-01", true, true);
	check_day(cal(), "2030-06-01", false, true);
	check_add(cal(), "2026-12-31", 1, "2027-01-01", true);
	check_add(cal(), "2026-12-28", 5, "2027-01-04", true);
	check_add(cal(), "2027-03-01", 10, "2027-03-15", true);
	/* Last listed days of the data. */
	check_day(cal(), "2026-10-07", false, false);
	check_day(cal(), "2026-10-10", true, false); /* Saturday worked */
}

static void test_before_data(void **state)
{
	(void)state;
	/* 2006 holds only two 调休 days (for 元旦 2007) and no holiday: it is
	** not covered, yet the listed days are still what the list says. */
	check_day(cal(), "2006-12-30", true, true); /* Saturday worked */
	check_day(cal(), "2006-12-31", true, true); /* Sunday worked */
	check_day(cal(), "2006-12-29", true, true);
	check_day(cal(), "2006-12-23", false, true);
	check_day(cal(), "2006-10-02", true, true); /* Monday; no data for 国庆 2006 */
	check_day(cal(), "2005-10-01", false, true);
	check_day(cal(), "1999-12-31", true, true);
	check_add(cal(), "2006-12-28", 3, "2006-12-31", true);
	check_add(cal(), "2006-12-28", 4, "2007-01-04", true);
	/* Only the days after d are examined. */
	check_add(cal(), "2006-12-31", 1, "2007-01-04", false);
	check_add(cal(), "2006-12-22", 1, "2006-12-25", true);
}

/* add_workdays agrees with counting is_workday days one by one. */
static void test_add_matches_is_workday(void **state)
{
	(void)state;
	for (tg_date d = D("2005-06-01"); d <= D("2028-06-01"); d += 3) {
		for (int n = 0; n <= 25; n += 5) {
			tg_date e = d;
			bool any_outside = false, out;
			for (int k = n; k > 0;) {
				e++;
				if (calendar_is_workday(cal(), e, &out))
					k--;
				any_outside |= out;
			}
			bool got_out;
			assert_int_equal(calendar_add_workdays(cal(), d, n, &got_out), e);
			assert_int_equal(got_out, any_outside);
		}
	}
}

/* The built-in data is data/holidays-cn.csv as in the source tree. */
static void test_builtin_matches_file(void **state)
{
	(void)state;
	FILE *f = fopen(TG_SOURCE_DIR "/data/holidays-cn.csv", "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	size_t len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	tg_calendar *c = NULL;
	tg_error err;
	assert_int_equal(calendar_load(buf, len, &c, &err), TG_OK);
	free(buf);
	for (tg_date d = D("2000-01-01"); d <= D("2030-12-31"); d++) {
		bool o1, o2;
		assert_int_equal(calendar_is_workday(c, d, &o1), calendar_is_workday(cal(), d, &o2));
		assert_int_equal(o1, o2);
	}
	calendar_free(c);
}

static void test_load_small(void **state)
{
	(void)state;
	/* CRLF line ends, a BOM, comments, blank lines and an empty name. */
	static const char csv[] = "\xEF\xBB\xBF# comment\r\n\r\ndate,kind,name\r\n"
				  "2030-01-01,holiday,元旦\r\n"
				  "# another\r\n"
				  "2030-01-05,workday,\r\n"
				  "2032-05-01,holiday,劳动节";
	tg_calendar *c = NULL;
	tg_error err;
	assert_int_equal(calendar_load(csv, sizeof csv - 1, &c, &err), TG_OK);
	assert_non_null(c);
	assert_int_equal(calendar_first_year(c), 2030);
	assert_int_equal(calendar_last_year(c), 2032);
	check_day(c, "2030-01-01", false, false);
	check_day(c, "2030-01-05", true, false);  /* Saturday worked */
	check_day(c, "2030-01-06", false, false);
	check_day(c, "2031-01-01", true, true);   /* 2031 holds no holiday */
	check_day(c, "2032-05-01", false, false);
	check_day(c, "2032-05-03", true, false);
	check_day(c, "2033-01-03", true, true);
	check_add(c, "2029-12-31", 1, "2030-01-02", false);
	check_add(c, "2030-12-31", 1, "2031-01-01", true);
	calendar_free(c);

	/* Nothing listed: Monday-Friday everywhere, no year covered. */
	assert_int_equal(calendar_load("date,kind,name\n", 15, &c, &err), TG_OK);
	assert_int_equal(calendar_first_year(c), 0);
	assert_int_equal(calendar_last_year(c), 0);
	check_day(c, "2017-10-02", true, true);
	check_add(c, "2017-09-28", 10, "2017-10-12", true);
	calendar_free(c);
	calendar_free(NULL);
}

static void check_load_fails(const char *csv, const char *message_part)
{
	tg_calendar *c = (tg_calendar *)1;
	tg_error err;
	memset(&err, 0, sizeof err);
	assert_int_equal(calendar_load(csv, strlen(csv), &c, &err), TG_EINVAL);
	assert_null(c);
	assert_string_equal(err.code, "bad_calendar");
	if (!strstr(err.message, message_part))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, message_part);
}

static void test_load_errors(void **state)
{
	(void)state;
	check_load_fails("", "表头");
	check_load_fails("# only a comment\n", "表头");
	check_load_fails("date,kind\n2017-01-01,holiday,x\n", "第1行");
	check_load_fails("date,kind,name\n2017-02-30,holiday,x\n", "第2行");
	check_load_fails("date,kind,name\n2017-1-1,holiday,x\n", "日期");
	check_load_fails("date,kind,name\n2017-01-01,rest,x\n", "holiday 或 workday");
	check_load_fails("date,kind,name\n2017-01-01,holiday\n", "三列");
	check_load_fails("date,kind,name\n2017-01-01\n", "第2行");
	check_load_fails("date,kind,name\n# c\n2017-01-01,holiday,x\n2017-01-01,workday,y\n",
			 "2017-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2017_listed_days),
		cmocka_unit_test(test_2017_unlisted_days),
		cmocka_unit_test(test_ordinary_days),
		cmocka_unit_test(test_year_boundaries),
		cmocka_unit_test(test_add_workdays),
		cmocka_unit_test(test_add_zero),
		cmocka_unit_test(test_null_outside),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_end_of_data),
		cmocka_unit_test(test_before_data),
		cmocka_unit_test(test_add_matches_is_workday),
		cmocka_unit_test(test_builtin_matches_file),
		cmocka_unit_test(test_load_small),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
