/*
** ident.c: checking USCCs and citizen ID numbers (see ident.h).
**
** bundle.md ("Identifier checks, exactly") is the contract; each check below
** is one numbered step of it, in its order, and the first failing step is the
** one reported.  The messages are shown to the clerks who type the numbers,
** so they name the position (counted in characters, 1-based, as the
** standards count) and, for a wrong check character, the expected one.
**
** Pure functions: no state, no allocation; only ident_id_check reads the
** clock (through date_today).
*/
#include <stdio.h>
#include <string.h>

#include "ident.h"

/* The 31 characters of a USCC; a character's value is its index here. */
static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Position 1, the registration department (2016 amendment included). */
static const char uscc_departments[] = "123456789ABCDEFGNY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_set, c) : NULL;
	return p ? (int)(p - uscc_set) : -1;
}

static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
** Leading and trailing white space, including the ideographic space U+3000
** that Chinese input methods type, comes from copy and paste, never from
** the number itself.
*/
static size_t space_len(const char *s, size_t n)
{
	if (n >= 1 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		return 1;
	if (n >= 3 && !memcmp(s, "\xE3\x80\x80", 3))
		return 3;
	return 0;
}

static void trim(const char **s, size_t *n)
{
	size_t k;
	while ((k = space_len(*s, *n)) != 0) {
		*s += k;
		*n -= k;
	}
	for (;;) {
		if (*n >= 1 && space_len(*s + *n - 1, 1))
			*n -= 1;
		else if (*n >= 3 && space_len(*s + *n - 3, 3) == 3)
			*n -= 3;
		else
			break;
	}
}

/*
** The byte length of the UTF-8 character at p (at most avail bytes), or 1
** for a byte that does not start a well-formed character; *ok says which.
** Lengths are counted in characters so that "第5位" means what a person sees.
*/
static size_t char_len(const char *p, size_t avail, bool *ok)
{
	unsigned char c = (unsigned char)p[0];
	size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
		 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	*ok = n != 0 && n <= avail;
	for (size_t i = 1; *ok && i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			*ok = false;
	return *ok ? n : 1;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t count = 0;
	bool ok;
	for (size_t i = 0; i < n; i += char_len(s + i, n - i, &ok))
		count++;
	return count;
}

/* A character for a message: "“#”", "（空格）" or "（字节 0xFF）". */
static void describe_char(const char *p, size_t len, bool ok, char *out, size_t size)
{
	unsigned char c = (unsigned char)p[0];
	if (len == 1 && c == ' ')
		snprintf(out, size, "（空格）");
	else if (ok && (len > 1 || (c > 0x20 && c < 0x7F)))
		snprintf(out, size, "“%.*s”", (int)len, p);
	else
		snprintf(out, size, "（字节 0x%02X）", c);
}

/*
** Copy the trimmed s into buf as exactly 18 characters, or fail naming the
** length or the first character that is no printable ASCII (neither
** identifier has any other); what names the identifier in messages.
*/
static int take18(const char *s, char buf[19], const char *code, const char *what,
		  tg_error *err)
{
	size_t n = strlen(s), chars;
	bool ok;

	trim(&s, &n);
	if (n == 0)
		return tg_error_set(err, TG_EINVAL, code, "", "%s为空", what);
	chars = count_chars(s, n);
	if (chars != 18)
		return tg_error_set(err, TG_EINVAL, code, "", "%s长度应为18位，实为%zu位",
				    what, chars);
	for (size_t i = 0, pos = 1; i < n; pos++) {
		size_t len = char_len(s + i, n - i, &ok);
		if (len > 1 || !ok || (unsigned char)s[i] <= 0x20 || s[i] == 0x7F) {
			char shown[32];
			describe_char(s + i, len, ok, shown, sizeof shown);
			return tg_error_set(err, TG_EINVAL, code, "", "第%zu位为非法字符%s",
					    pos, shown);
		}
		buf[pos - 1] = s[i];
		i += len;
	}
	buf[18] = '\0';
	return TG_OK;
}

char ident_orgcode_check_char(const char first8[8])
{
	static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = first8[i];
		int v;
		if (is_digit(c))
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A' + 10;
		else
			return 0;
		sum += weights[i] * v;
	}
	int check = 11 - sum % 11;
	return check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
}

char ident_uscc_check_char(const char first17[17])
{
	int sum = 0, weight = 1; /* 3^(i-1) mod 31, starting at i = 1 */
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return 0;
		sum += weight * v;
		weight = weight * 3 % 31;
	}
	return uscc_set[(31 - sum % 31) % 31];
}

/* The categories allowed after departments that fix them, or NULL. */
static const char *uscc_categories(char dept, const char **shown)
{
	switch (dept) {
	case '1': /* 机构编制 */
	case '5': /* 民政 */
		*shown = "1、2、3 或 9";
		return "1239";
	case '9': /* 工商 */
		*shown = "1、2 或 3";
		return "123";
	default:
		return NULL;
	}
}

/* Steps 1-3 of the contract: department, category, division code. */
static int uscc_structure(const char c[18], tg_error *err)
{
	const char *shown, *cats;

	if (!strchr(uscc_departments, c[0]))
		return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
				    "第1位（登记管理部门代码）应为 1-9、A-G、N 或 Y，实为 %c",
				    c[0]);
	cats = uscc_categories(c[0], &shown);
	if (cats && !strchr(cats, c[1]))
		return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
				    "第2位（机构类别代码）在登记管理部门代码为 %c 时应为 %s，实为 %c",
				    c[0], shown, c[1]);
	for (int i = 2; i < 8; i++)
		if (!is_digit(c[i]))
			return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
					    "第%d位应为数字（第3-8位为登记管理机关行政区划码），实为 %c",
					    i + 1, c[i]);
	return TG_OK;
}

int ident_uscc_check(const char *code, char norm[19], tg_error *err)
{
	char c[19];
	int rc;

	if (norm)
		norm[0] = '\0';
	rc = take18(code ? code : "", c, "bad_uscc", "统一社会信用代码", err);
	if (rc)
		return rc;
	for (int i = 0; i < 18; i++) {
		c[i] = ascii_upper(c[i]);
		if (uscc_value(c[i]) >= 0)
			continue;
		if (strchr("IOSVZ", c[i]))
			return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
					    "第%d位为字母 %c，统一社会信用代码不使用字母 I、O、S、V、Z",
					    i + 1, c[i]);
		return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
				    "第%d位为非法字符“%c”，只能是数字或大写字母（不含 I、O、S、V、Z）",
				    i + 1, c[i]);
	}
	rc = uscc_structure(c, err);
	if (rc)
		return rc;

	char org = ident_orgcode_check_char(c + 8);
	if (c[16] != org)
		return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
				    "组织机构代码校验位错误：第17位应为 %c，实为 %c", org, c[16]);
	char check = ident_uscc_check_char(c);
	if (c[17] != check)
		return tg_error_set(err, TG_EINVAL, "bad_uscc", "",
				    "校验位错误：第18位应为 %c，实为 %c", check, c[17]);
	if (norm)
		memcpy(norm, c, 19);
	return TG_OK;
}

char ident_id_check_char(const char first17[17])
{
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return 0;
		sum += weights[i] * (first17[i] - '0');
	}
	return "10X98765432"[sum % 11];
}

/* Characters 7-14: a real date, not after today. */
static int id_birth(const char c[18], tg_date today, tg_date *out, tg_error *err)
{
	int y = (c[6] - '0') * 1000 + (c[7] - '0') * 100 + (c[8] - '0') * 10 + (c[9] - '0');
	int m = (c[10] - '0') * 10 + (c[11] - '0');
	int d = (c[12] - '0') * 10 + (c[13] - '0');

	if (!date_ymd_valid(y, m, d))
		return tg_error_set(err, TG_EINVAL, "bad_id_number", "",
				    "第7-14位的出生日期 %.8s 不是有效日期", c + 6);
	*out = date_from_ymd(y, m, d);
	if (*out > today) {
		char zh[24];
		date_format_zh(*out, zh);
		return tg_error_set(err, TG_EINVAL, "bad_id_number", "",
				    "出生日期 %s 晚于今天", zh);
	}
	return TG_OK;
}

int ident_id_check_at(const char *number, tg_date today, char norm[19], tg_date *birth,
		      tg_error *err)
{
	char c[19];
	tg_date born = TG_DATE_NONE;
	int rc;

	if (norm)
		norm[0] = '\0';
	rc = take18(number ? number : "", c, "bad_id_number", "公民身份号码", err);
	if (rc)
		return rc;
	for (int i = 0; i < 17; i++)
		if (!is_digit(c[i]))
			return tg_error_set(err, TG_EINVAL, "bad_id_number", "",
					    "第%d位应为数字，实为“%c”", i + 1, c[i]);
	c[17] = ascii_upper(c[17]);
	if (!is_digit(c[17]) && c[17] != 'X')
		return tg_error_set(err, TG_EINVAL, "bad_id_number", "",
				    "第18位应为数字或 X，实为“%c”", c[17]);
	rc = id_birth(c, today, &born, err);
	if (rc)
		return rc;
	char check = ident_id_check_char(c);
	if (c[17] != check)
		return tg_error_set(err, TG_EINVAL, "bad_id_number", "",
				    "校验位错误：第18位应为 %c，实为 %c", check, c[17]);
	if (norm)
		memcpy(norm, c, 19);
	if (birth)
		*birth = born;
	return TG_OK;
}

int ident_id_check(const char *number, char norm[19], tg_date *birth, tg_error *err)
{
	return ident_id_check_at(number, date_today(), norm, birth, err);
}

void ident_id_mask(const char *number, char out[19])
{
	size_t n = number ? strlen(number) : 0;

	if (n == 18) {
		memcpy(out, number, 6);
		memset(out + 6, '*', 8);
		memcpy(out + 14, number + 14, 4);
		out[18] = '\0';
		return;
	}
	/* Anything else may be a typo of a real number: show none of it. */
	if (n > 18)
		n = 18;
	memset(out, '*', n);
	out[n] = '\0';
}
