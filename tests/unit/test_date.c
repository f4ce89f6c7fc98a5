/*
** test_date.c: unit tests of date.c, the civil date <-> day number module.
**
** Covers the one accepted text format and what it refuses, the Gregorian
** leap-year rule, the month-end clamping of add_months/add_years that
** rules.md defines, and the weekday every calendar computation builds on;
** instants as UTC and as Beijing time.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"
#include "error.h"

static tg_date D(const char *s)
{
	tg_date d = TG_DATE_NONE;
	assert_int_equal(date_parse(s, &d), TG_OK);
	return d;
}

/* date_add_months(s, n) formatted, compared with want. */
static void check_add_months(const char *s, int n, const char *want)
{
	char buf[11];
	date_format(date_add_months(D(s), n), buf);
	assert_string_equal(buf, want);
}

static void check_add_years(const char *s, int n, const char *want)
{
	char buf[11];
	date_format(date_add_years(D(s), n), buf);
	assert_string_equal(buf, want);
}

static void test_epoch(void **state)
{
	(void)state;
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1970, 1, 2), 1);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2000, 3, 1) - date_from_ymd(2000, 2, 28), 2);
	assert_int_equal(date_from_ymd(1900, 3, 1) - date_from_ymd(1900, 2, 28), 1);
}

static void test_parse_format_roundtrip(void **state)
{
	static const char *const dates[] = {
		"1000-01-01", "1900-02-28", "1949-10-01", "1969-12-31", "1970-01-01",
		"2000-02-29", "2016-02-29", "2017-09-30", "2017-12-31", "2026-12-31",
		"9999-12-31",
	};
	(void)state;
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char buf[11];
		date_format(D(dates[i]), buf);
		assert_string_equal(buf, dates[i]);
	}
	/* Every day over four centuries survives the round trip. */
	for (tg_date d = date_from_ymd(1900, 1, 1); d <= date_from_ymd(2300, 12, 31); d++) {
		char buf[11];
		tg_date back;
		int y, m, dd;
		date_to_ymd(d, &y, &m, &dd);
		assert_true(date_ymd_valid(y, m, dd));
		assert_int_equal(date_from_ymd(y, m, dd), d);
		date_format(d, buf);
		assert_int_equal(date_parse(buf, &back), TG_OK);
		assert_int_equal(back, d);
	}
}

static void test_parse_values(void **state)
{
	int y, m, d;
	(void)state;
	date_to_ymd(D("2017-09-28"), &y, &m, &d);
	assert_int_equal(y, 2017);
	assert_int_equal(m, 9);
	assert_int_equal(d, 28);
	assert_int_equal(date_year(D("2017-12-31")), 2017);
	assert_int_equal(date_year(D("2018-01-01")), 2018);
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"2017-02-30", /* no such day */
		"2017-02-29", /* not a leap year */
		"1900-02-29", /* century, not a leap year */
		"2017-04-31",
		"2017-13-01", /* no such month */
		"2017-00-10",
		"2017-01-00",
		"2017-01-32",
		"2017-2-3",   /* unpadded */
		"2017-02-3",
		"17-02-03",
		"2017/02/03",
		"20170203",
		"2017-02-03 ",
		" 2017-02-03",
		"2017-02-031",
		"2017-02-0a",
		"+017-02-03",
		"0999-12-31", /* before the supported years */
		"",
		"2017-02",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tg_date d = 12345;
		assert_int_equal(date_parse(bad[i], &d), TG_EINVAL);
		assert_int_equal(d, 12345); /* untouched on failure */
	}
	tg_date d;
	assert_int_equal(date_parse(NULL, &d), TG_EINVAL);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2016, 2), 29);
	assert_int_equal(date_days_in_month(2017, 2), 28);
	assert_int_equal(date_days_in_month(2100, 2), 28);
	assert_int_equal(date_days_in_month(2400, 2), 29);
	assert_false(date_ymd_valid(1900, 2, 29));
	assert_true(date_ymd_valid(2000, 2, 29));
	assert_true(date_ymd_valid(2016, 2, 29));
	assert_false(date_ymd_valid(2017, 2, 29));
	assert_int_equal(date_days_in_month(2017, 4), 30);
	assert_int_equal(date_days_in_month(2017, 12), 31);
	assert_int_equal(date_days_in_month(2017, 13), 0);
	assert_int_equal(date_days_in_month(2017, 0), 0);
	/* A year's length in days. */
	assert_int_equal(date_from_ymd(1901, 1, 1) - date_from_ymd(1900, 1, 1), 365);
	assert_int_equal(date_from_ymd(2001, 1, 1) - date_from_ymd(2000, 1, 1), 366);
	assert_int_equal(date_from_ymd(2017, 1, 1) - date_from_ymd(2016, 1, 1), 366);
}

static void test_add_months(void **state)
{
	(void)state;
	check_add_months("2017-01-15", 1, "2017-02-15");
	check_add_months("2017-01-31", 1, "2017-02-28"); /* clamped to the month's end */
	check_add_months("2016-01-31", 1, "2016-02-29"); /* leap year */
	check_add_months("2017-03-31", 1, "2017-04-30");
	check_add_months("2017-03-31", -1, "2017-02-28");
	check_add_months("2017-05-31", 13, "2018-06-30");
	check_add_months("2017-12-15", 1, "2018-01-15"); /* across the year */
	check_add_months("2017-01-15", -1, "2016-12-15");
	check_add_months("2017-08-31", 6, "2018-02-28");
	check_add_months("2017-06-30", 0, "2017-06-30");
	check_add_months("2017-02-28", 1, "2017-03-28"); /* not moved to the end */
}

static void test_add_years(void **state)
{
	(void)state;
	check_add_years("2016-02-29", 1, "2017-02-28"); /* rules.md's example */
	check_add_years("2016-02-29", 4, "2020-02-29");
	check_add_years("2016-02-29", -1, "2015-02-28");
	check_add_years("2016-02-29", 84, "2100-02-28"); /* 2100 is not a leap year */
	check_add_years("2017-02-28", 3, "2020-02-28");
	check_add_years("1949-12-31", 60, "2009-12-31");
	check_add_years("2017-10-18", 0, "2017-10-18");
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(D("1970-01-01")), 4); /* Thursday */
	assert_int_equal(date_weekday(D("1969-12-31")), 3); /* before the epoch */
	assert_int_equal(date_weekday(D("1969-12-28")), 7);
	assert_int_equal(date_weekday(D("2000-01-01")), 6);
	assert_int_equal(date_weekday(D("2017-09-30")), 6); /* a 调休 Saturday */
	assert_int_equal(date_weekday(D("2017-10-01")), 7);
	assert_int_equal(date_weekday(D("2017-10-02")), 1);
	assert_int_equal(date_weekday(D("2017-10-18")), 3);
	assert_int_equal(date_weekday(D("1949-10-01")), 6);
	/* Seven days later is the same weekday, the next day the next one. */
	for (tg_date d = D("1960-01-01"); d < D("1962-01-01"); d++) {
		assert_int_equal(date_weekday(d + 7), date_weekday(d));
		assert_int_equal(date_weekday(d + 1), date_weekday(d) % 7 + 1);
	}
}

static void test_format_zh(void **state)
{
	char buf[24];
	(void)state;
	date_format_zh(D("2017-12-31"), buf);
	assert_string_equal(buf, "2017年12月31日");
	date_format_zh(D("2017-01-05"), buf);
	assert_string_equal(buf, "2017年1月5日");
}

static void test_happened_active(void **state)
{
	tg_date a = D("2017-01-01"), b = D("2017-06-01"), c = D("2017-12-31");
	(void)state;
	assert_true(date_happened(a, a));
	assert_true(date_happened(a, b));
	assert_false(date_happened(b, a));
	assert_false(date_happened(TG_DATE_NONE, c));
	assert_true(date_active(a, c, b));
	assert_true(date_active(a, c, a));
	assert_false(date_active(a, c, c)); /* to is excluded */
	assert_true(date_active(a, TG_DATE_NONE, c));
	assert_false(date_active(b, c, a));
	assert_false(date_active(TG_DATE_NONE, c, b));
}

/* Dates inside a sentence said in Chinese; numbers that only look like a
** date (part of a longer number, or a day that does not exist) untouched. */
static void test_text_zh(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"应于2017-06-30前清理，已628天", "应于2017年6月30日前清理，已628天"},
		{"2016-04-12起至2017-12-31", "2016年4月12日起至2017年12月31日"},
		{"编号12017-06-30与2017-02-30", "编号12017-06-30与2017-02-30"},
		{"2017-06-301", "2017-06-301"},
		{"", ""},
		{"2017-06", "2017-06"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		sb_init(&sb);
		date_text_zh(cases[i][0], &sb);
		assert_string_equal(sb.buf ? sb.buf : "", cases[i][1]);
		sb_release(&sb);
	}
}

static void test_today(void **state)
{
	(void)state;
	tg_date t = date_today();
	assert_true(t > D("2020-01-01"));
	assert_true(t < D("9999-12-31"));
}

/* Instants: UTC text both ways, Beijing time (UTC+8, no daylight saving)
** across the day boundary that puts a record on another day there, and
** the instant a Beijing day begins. */
static void test_instants(void **state)
{
	(void)state;
	char utc[21], bj[26];
	int64_t t = -1;
	/* 2017-12-31T20:15:07Z is already New Year's Day in Luoyang */
	assert_int_equal(time_parse_utc("2017-12-31T20:15:07Z", &t), TG_OK);
	assert_int_equal(t, 1514751307);
	time_format_utc(t, utc);
	assert_string_equal(utc, "2017-12-31T20:15:07Z");
	time_format_beijing(t, bj);
	assert_string_equal(bj, "2018-01-01T04:15:07+08:00");
	assert_int_equal(date_beijing_of(t), D("2018-01-01"));
	/* the edges of Beijing's 2018-01-01: 16:00 UTC the day before, up to
	** 15:59:59 UTC of the day */
	assert_int_equal(date_beijing_start(D("2018-01-01")), 1514736000);
	time_format_utc(date_beijing_start(D("2018-01-01")), utc);
	assert_string_equal(utc, "2017-12-31T16:00:00Z");
	assert_int_equal(date_beijing_of(1514736000), D("2018-01-01"));
	assert_int_equal(date_beijing_of(1514736000 - 1), D("2017-12-31"));
	assert_int_equal(date_beijing_of(date_beijing_start(D("2018-01-02")) - 1), D("2018-01-01"));
	time_format_beijing(date_beijing_start(D("2018-01-02")) - 1, bj);
	assert_string_equal(bj, "2018-01-01T23:59:59+08:00");
	/* midsummer too: no daylight saving time */
	assert_int_equal(time_parse_utc("2017-07-01T00:00:00Z", &t), TG_OK);
	time_format_beijing(t, bj);
	assert_string_equal(bj, "2017-07-01T08:00:00+08:00");
	/* a leap day and the epoch */
	assert_int_equal(time_parse_utc("2016-02-28T16:00:00Z", &t), TG_OK);
	assert_int_equal(date_beijing_of(t), D("2016-02-29"));
	time_format_utc(0, utc);
	assert_string_equal(utc, "1970-01-01T00:00:00Z");
	time_format_beijing(-1, bj);
	assert_string_equal(bj, "1970-01-01T07:59:59+08:00");
	/* only the one format */
	const char *bad[] = {"2017-12-31T20:15:07",	  "2017-12-31 20:15:07Z", "2017-12-31T24:00:00Z",
			     "2017-12-31T20:60:00Z",	  "2017-02-30T00:00:00Z", "2017-12-31T20:15:07+08:00",
			     "2017-12-31T2:15:07Z",	  ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(time_parse_utc(bad[i], &t), TG_EINVAL);
	assert_int_equal(time_parse_utc(NULL, &t), TG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_parse_format_roundtrip),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_add_years),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_format_zh),
		cmocka_unit_test(test_happened_active),
		cmocka_unit_test(test_text_zh),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_instants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
