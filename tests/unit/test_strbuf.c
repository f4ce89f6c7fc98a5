/*
** test_strbuf.c: the text writers every output goes through (strbuf.c):
** JSON string escaping byte by byte against RFC 8259, integers against
** printf, the in-place character append, str_copy's cutting.
*/
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"

/* The escaping the writer must produce for one byte c inside a string. */
static void expected_escape(unsigned char c, char *out, size_t size)
{
	switch (c) {
	case '"': snprintf(out, size, "\\\""); break;
	case '\\': snprintf(out, size, "\\\\"); break;
	case '\n': snprintf(out, size, "\\n"); break;
	case '\r': snprintf(out, size, "\\r"); break;
	case '\t': snprintf(out, size, "\\t"); break;
	default:
		if (c < 0x20)
			snprintf(out, size, "\\u%04x", c);
		else
			snprintf(out, size, "%c", c);
	}
}

static void test_json_every_byte(void **state)
{
	(void)state;
	for (unsigned c = 1; c < 256; c++) {
		char in[4] = {'a', (char)c, 'b', '\0'}, esc[8], want[16];
		expected_escape((unsigned char)c, esc, sizeof esc);
		snprintf(want, sizeof want, "\"a%sb\"", esc);
		strbuf sb;
		sb_init(&sb);
		sb_add_json_str(&sb, in);
		assert_string_equal(sb.buf, want);
		sb_release(&sb);
	}
}

static void test_json_runs(void **state)
{
	(void)state;
	strbuf sb;
	sb_init(&sb);
	sb_add_json_str(&sb, NULL);
	sb_addc(&sb, ' ');
	sb_add_json_str(&sb, "");
	sb_addc(&sb, ' ');
	sb_add_json_str(&sb, "洛阳市\"汽车\"维修\\协会\n");
	sb_addc(&sb, ' ');
	sb_add_json_str(&sb, "\"\"");
	assert_string_equal(sb.buf, "null \"\" \"洛阳市\\\"汽车\\\"维修\\\\协会\\n\" \"\\\"\\\"\"");
	sb_release(&sb);
}

static void test_int(void **state)
{
	(void)state;
	const long long vs[] = {0, 1, -1, 9, 10, -10, 42, 1000000, -987654321, LLONG_MAX, LLONG_MIN};
	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		char want[32];
		snprintf(want, sizeof want, "%lld", vs[i]);
		strbuf sb;
		sb_init(&sb);
		sb_add_int(&sb, vs[i]);
		assert_string_equal(sb.buf, want);
		assert_int_equal(sb.len, strlen(want));
		sb_release(&sb);
	}
}

/* sb_addc in place and through growth: 10,000 characters, each kept. */
static void test_addc_grows(void **state)
{
	(void)state;
	strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < 10000; i++)
		sb_addc(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 10000);
	assert_int_equal(strlen(sb.buf), 10000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(sb.buf[i], 'a' + i % 26);
	sb_release(&sb);
}

static void test_str_copy(void **state)
{
	(void)state;
	char small[4];
	assert_string_equal(str_copy(small, sizeof small, "abcdef"), "abc");
	assert_string_equal(str_copy(small, sizeof small, "ab"), "ab");
	assert_string_equal(str_copy(small, sizeof small, NULL), "");
	char one[1] = {'x'};
	assert_string_equal(str_copy(one, sizeof one, "abc"), "");
}

static char *csv_cell(const char *in)
{
	strbuf sb;
	sb_init(&sb);
	sb_add_csv_field(&sb, in);
	return sb_detach(&sb, NULL);
}

/* OWASP CSV injection: a cell a spreadsheet would run as a formula is
** quoted and prefixed with a single quote; numbers and plain text are not. */
static void test_csv_formula_cells(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\""},
		{"@SUM(1+1)", "\"'@SUM(1+1)\""},
		{"-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\""},
		{"\tx", "\"'\tx\""},
		{"\rx", "\"'\rx\""},
		{"-", "\"'-\""},
		{"+", "\"'+\""},
		{"-1.", "\"'-1.\""},
		{"-1e3", "\"'-1e3\""},
		{"=1", "\"'=1\""},
		{"-3", "-3"},
		{"-2.5", "-2.5"},
		{"+7", "+7"},
		{"0.25", "0.25"},
		{"2017-06-30", "2017-06-30"},
		{"a=b", "a=b"},
		{"洛阳市", "洛阳市"},
		{"a,b", "\"a,b\""},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = csv_cell(cases[i][0]);
		assert_string_equal(out, cases[i][1]);
		free(out);
	}
	assert_true(csv_cell_is_formula("=1"));
	assert_false(csv_cell_is_formula("-3"));
	assert_false(csv_cell_is_formula(NULL));
}

/* A stream past one read's chunk (64 KiB) appended whole, after what the
** buffer held; a limit stops it with 1. */
static void test_add_stream(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	assert_non_null(f);
	for (int i = 0; i < 100000; i++)
		fputc('a' + i % 26, f);
	rewind(f);
	strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, ">");
	assert_int_equal(sb_add_stream(&sb, f, 0), 0);
	assert_int_equal(sb.len, 100001);
	assert_int_equal(sb.buf[1], 'a');
	assert_int_equal(sb.buf[100000], 'a' + 99999 % 26);
	assert_int_equal(sb.buf[sb.len], '\0');
	sb_release(&sb);
	rewind(f);
	sb_init(&sb);
	assert_int_equal(sb_add_stream(&sb, f, 70000), 1);
	assert_true(sb.len <= 70000);
	sb_release(&sb);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_every_byte),
		cmocka_unit_test(test_json_runs),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_addc_grows),
		cmocka_unit_test(test_str_copy),
		cmocka_unit_test(test_csv_formula_cells),
		cmocka_unit_test(test_add_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
