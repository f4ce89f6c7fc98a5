/*
** test_ident.c: unit tests of ident.c, the USCC and citizen ID checks.
**
** The published vectors of bundle.md come first, then one case per failure
** class of "Identifier checks, exactly".  Most failing codes are built from a
** valid one with one position changed and the later check characters
** recomputed, so that each case fails for exactly the reason under test.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ident.h"

static tg_date D(const char *s)
{
	tg_date d = TG_DATE_NONE;
	assert_int_equal(date_parse(s, &d), TG_OK);
	return d;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" lacks \"%s\"", text, part);
}

static void uscc_ok(const char *code, const char *norm_want)
{
	char norm[19] = "junk";
	tg_error err;
	memset(&err, 0, sizeof err);
	int rc = ident_uscc_check(code, norm, &err);
	if (rc != TG_OK)
		fail_msg("%s: %s", code, err.message);
	assert_string_equal(norm, norm_want);
}

/* code must fail with a message containing part. */
static void uscc_bad(const char *code, const char *part)
{
	char norm[19] = "junk";
	tg_error err;
	memset(&err, 0, sizeof err);
	if (ident_uscc_check(code, norm, &err) != TG_EINVAL)
		fail_msg("%s: accepted", code ? code : "(null)");
	assert_string_equal(err.code, "bad_uscc");
	assert_string_equal(norm, "");
	assert_contains(err.message, part);
}

/* A copy of base with position pos (1-based) set to c, the org-code check
** (position 17) and the final check (18) recomputed when fix says so. */
static void uscc_with(char out[19], const char *base, int pos, char c, bool fix17)
{
	memcpy(out, base, 19);
	out[pos - 1] = c;
	if (fix17) {
		char org = ident_orgcode_check_char(out + 8);
		assert_true(org != 0);
		out[16] = org;
	}
	char check = ident_uscc_check_char(out);
	assert_true(check != 0);
	out[17] = check;
}

static void test_uscc_vectors(void **state)
{
	(void)state;
	uscc_ok("91350100M000100Y43", "91350100M000100Y43"); /* the standard's example */
	uscc_ok("91110000600037341L", "91110000600037341L");
	uscc_ok("53100000500021676K", "53100000500021676K");
	uscc_ok("51410300MJ000000XK", "51410300MJ000000XK"); /* bundle.md's sample */
	assert_int_equal(ident_uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(ident_uscc_check_char("91110000600037341"), 'L');
	assert_int_equal(ident_uscc_check_char("53100000500021676"), 'K');
	assert_int_equal(ident_orgcode_check_char("M000100Y"), '4');
	assert_int_equal(ident_orgcode_check_char("60003734"), '1');
	assert_int_equal(ident_orgcode_check_char("MJ000000"), 'X'); /* 10 is written X */
	/* NULL err and norm are allowed. */
	assert_int_equal(ident_uscc_check("91110000600037341L", NULL, NULL), TG_OK);
	assert_int_equal(ident_uscc_check("91110000600037341N", NULL, NULL), TG_EINVAL);
}

static void test_uscc_wrong_check(void **state)
{
	(void)state;
	uscc_bad("91110000600037341N", "校验位错误：第18位应为 L，实为 N");
	uscc_bad("91350100M000100Y44", "第18位应为 3，实为 4");
	uscc_bad("53100000500021676J", "应为 K");
}

static void test_uscc_normalise(void **state)
{
	(void)state;
	uscc_ok("91350100m000100y43", "91350100M000100Y43");
	uscc_ok("  91110000600037341l\t", "91110000600037341L");
	uscc_ok("\xE3\x80\x80" "91110000600037341L" "\xE3\x80\x80", "91110000600037341L");
}

static void test_uscc_length(void **state)
{
	(void)state;
	uscc_bad("91350100M000100Y4", "长度应为18位，实为17位");
	uscc_bad("91350100M000100Y433", "实为19位");
	uscc_bad("", "为空");
	uscc_bad("   ", "为空");
	uscc_bad(NULL, "为空");
	/* Characters, not bytes, are counted. */
	uscc_bad("91350100M000100Y4三", "第18位为非法字符“三”");
	uscc_bad("91350100M000100Y三", "实为17位");
}

static void test_uscc_charset(void **state)
{
	static const char forbidden[] = "IOSVZ";
	char code[19];
	(void)state;
	for (int i = 0; forbidden[i]; i++) {
		memcpy(code, "91350100M000100Y43", 19);
		code[9] = forbidden[i];
		uscc_bad(code, "第10位为字母");
		uscc_bad(code, "不使用字母 I、O、S、V、Z");
		code[9] = (char)(forbidden[i] - 'A' + 'a'); /* lower case too */
		uscc_bad(code, "第10位为字母");
	}
	uscc_bad("91350100M000100Y#3", "第17位为非法字符“#”，只能是数字或大写字母");
	uscc_bad("91350100M00 100Y43", "第12位为非法字符（空格）");
	uscc_bad("91350100M000100Y4\xFF", "（字节 0xFF）");
}

static void test_uscc_department(void **state)
{
	char code[19];
	(void)state;
	/* Valid but for the department: 0 and H are in the set, not departments. */
	uscc_with(code, "91350100M000100Y43", 1, '0', false);
	uscc_bad(code, "第1位（登记管理部门代码）应为 1-9、A-G、N 或 Y，实为 0");
	uscc_with(code, "91350100M000100Y43", 1, 'H', false);
	uscc_bad(code, "实为 H");
	uscc_with(code, "91350100M000100Y43", 1, 'X', false);
	uscc_bad(code, "第1位");
	/* Every department of the set is accepted (category 1 fits them all). */
	static const char depts[] = "123456789ABCDEFGNY";
	for (int i = 0; depts[i]; i++) {
		uscc_with(code, "91350100M000100Y43", 1, depts[i], false);
		code[1] = '1';
		code[17] = ident_uscc_check_char(code);
		uscc_ok(code, code);
	}
}

static void test_uscc_category(void **state)
{
	char code[19];
	(void)state;
	/* 5 (民政): 1, 2, 3, 9. */
	uscc_with(code, "53100000500021676K", 2, '4', false);
	uscc_bad(code, "第2位（机构类别代码）在登记管理部门代码为 5 时应为 1、2、3 或 9，实为 4");
	uscc_with(code, "53100000500021676K", 2, 'A', false);
	uscc_bad(code, "实为 A");
	uscc_with(code, "53100000500021676K", 2, '9', false);
	uscc_ok(code, code);
	/* 9 (工商): 1, 2, 3. */
	uscc_with(code, "91350100M000100Y43", 2, '9', false);
	uscc_bad(code, "在登记管理部门代码为 9 时应为 1、2 或 3，实为 9");
	uscc_with(code, "91350100M000100Y43", 2, '3', false);
	uscc_ok(code, code);
	/* 1 (机构编制): 1, 2, 3, 9. */
	uscc_with(code, "91350100M000100Y43", 1, '1', false);
	uscc_ok(code, code);
	uscc_with(code, code, 2, '5', false);
	uscc_bad(code, "在登记管理部门代码为 1 时应为 1、2、3 或 9，实为 5");
	/* Any other department takes any category of the set. */
	uscc_with(code, "91350100M000100Y43", 1, 'Y', false);
	uscc_with(code, code, 2, 'Y', false);
	uscc_ok(code, code);
}

static void test_uscc_division(void **state)
{
	char code[19];
	(void)state;
	uscc_with(code, "91350100M000100Y43", 5, 'A', false);
	uscc_bad(code, "第5位应为数字（第3-8位为登记管理机关行政区划码），实为 A");
	uscc_with(code, "91350100M000100Y43", 3, 'B', false);
	uscc_bad(code, "第3位应为数字");
	uscc_with(code, "91350100M000100Y43", 8, 'N', false);
	uscc_bad(code, "第8位应为数字");
}

static void test_uscc_orgcode(void **state)
{
	char code[19];
	(void)state;
	/* Position 17 wrong, position 18 right for the wrong 17. */
	uscc_with(code, "91350100M000100Y43", 17, '5', false);
	uscc_bad(code, "组织机构代码校验位错误：第17位应为 4，实为 5");
	uscc_with(code, "51410300MJ000000XK", 17, '0', false);
	uscc_bad(code, "第17位应为 X，实为 0");
	/* A changed org-code body with both checks recomputed is valid. */
	uscc_with(code, "91350100M000100Y43", 10, 'A', true);
	uscc_ok(code, code);
}

static void test_id_valid(void **state)
{
	char norm[19];
	tg_date birth = 0;
	tg_error err;
	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(ident_id_check("11010519491231002X", norm, &birth, &err), TG_OK);
	assert_string_equal(norm, "11010519491231002X");
	assert_int_equal(birth, D("1949-12-31"));
	assert_int_equal(ident_id_check("11010519491231002x", norm, &birth, &err), TG_OK);
	assert_string_equal(norm, "11010519491231002X");
	assert_int_equal(ident_id_check(" 11010519491231002X ", norm, NULL, &err), TG_OK);
	assert_int_equal(ident_id_check("11010519491231002X", NULL, NULL, NULL), TG_OK);
	assert_int_equal(ident_id_check_char("11010519491231002"), 'X');
	assert_int_equal(ident_id_check_char("41030219600101123"), '1');
	assert_int_equal(ident_id_check_char("1101051949123100A"), 0);
	assert_int_equal(ident_id_check("410302196001011231", NULL, NULL, &err), TG_OK);
}

static void id_bad_at(const char *number, tg_date today, const char *part)
{
	char norm[19] = "junk";
	tg_date birth = 7;
	tg_error err;
	memset(&err, 0, sizeof err);
	if (ident_id_check_at(number, today, norm, &birth, &err) != TG_EINVAL)
		fail_msg("%s: accepted", number ? number : "(null)");
	assert_string_equal(err.code, "bad_id_number");
	assert_string_equal(norm, "");
	assert_int_equal(birth, 7);
	assert_contains(err.message, part);
}

static void id_bad(const char *number, const char *part)
{
	char norm[19] = "junk";
	tg_error err;
	memset(&err, 0, sizeof err);
	if (ident_id_check(number, norm, NULL, &err) != TG_EINVAL)
		fail_msg("%s: accepted", number ? number : "(null)");
	assert_string_equal(err.code, "bad_id_number");
	assert_contains(err.message, part);
}

/* An ID number with this birth date (YYYYMMDD) and a correct check digit. */
static void id_with_birth(char out[19], const char *birth8)
{
	memcpy(out, "110105", 6);
	memcpy(out + 6, birth8, 8);
	memcpy(out + 14, "002", 3);
	out[17] = ident_id_check_char(out);
	out[18] = '\0';
}

static void test_id_birth_date(void **state)
{
	char id[19];
	tg_date birth;
	(void)state;
	id_bad("110105194902300020", "第7-14位的出生日期 19490230 不是有效日期");
	id_with_birth(id, "19491301");
	id_bad(id, "19491301 不是有效日期");
	id_with_birth(id, "19000229");
	id_bad(id, "不是有效日期");
	id_with_birth(id, "20000229");
	assert_int_equal(ident_id_check(id, NULL, &birth, NULL), TG_OK);
	assert_int_equal(birth, D("2000-02-29"));

	/* Not after today: today itself is fine, tomorrow is not. */
	id_with_birth(id, "20170602");
	id_bad_at(id, D("2017-06-01"), "出生日期 2017年6月2日 晚于今天");
	assert_int_equal(ident_id_check_at(id, D("2017-06-02"), NULL, &birth, NULL), TG_OK);
	id_with_birth(id, "20991231");
	id_bad(id, "晚于今天");
}

static void test_id_check_digit(void **state)
{
	(void)state;
	id_bad_at("110105194912310021", D("2017-01-01"), "校验位错误：第18位应为 X，实为 1");
	id_bad_at("410302196001011232", D("2017-01-01"), "第18位应为 1，实为 2");
	id_bad_at("41030219600101123X", D("2017-01-01"), "第18位应为 1，实为 X");
}

static void test_id_characters(void **state)
{
	(void)state;
	id_bad("11010519491231A02X", "第15位应为数字，实为“A”");
	id_bad("X1010519491231002X", "第1位应为数字");
	id_bad("11010519491231002Y", "第18位应为数字或 X，实为“Y”");
	id_bad("110105194912310０2X", "第16位为非法字符“０”");
	id_bad("1101051949 231002X", "第11位为非法字符（空格）");
}

static void test_id_length(void **state)
{
	(void)state;
	id_bad("11010519491231002", "长度应为18位，实为17位");
	id_bad("11010519491231002X1", "实为19位");
	id_bad("110105491231002", "实为15位"); /* the old 15-digit numbers */
	id_bad("", "公民身份号码为空");
	id_bad(NULL, "为空");
}

static void test_id_mask(void **state)
{
	char out[19];
	(void)state;
	ident_id_mask("11010519491231002X", out);
	assert_string_equal(out, "110105********002X");
	ident_id_mask("410302196001011231", out);
	assert_string_equal(out, "410302********1231");
	ident_id_mask("1101051949", out);
	assert_string_equal(out, "**********");
	ident_id_mask("11010519491231002X99", out);
	assert_string_equal(out, "******************");
	ident_id_mask("", out);
	assert_string_equal(out, "");
	ident_id_mask(NULL, out);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uscc_vectors),
		cmocka_unit_test(test_uscc_wrong_check),
		cmocka_unit_test(test_uscc_normalise),
		cmocka_unit_test(test_uscc_length),
		cmocka_unit_test(test_uscc_charset),
		cmocka_unit_test(test_uscc_department),
		cmocka_unit_test(test_uscc_category),
		cmocka_unit_test(test_uscc_division),
		cmocka_unit_test(test_uscc_orgcode),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_id_birth_date),
		cmocka_unit_test(test_id_check_digit),
		cmocka_unit_test(test_id_characters),
		cmocka_unit_test(test_id_length),
		cmocka_unit_test(test_id_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
