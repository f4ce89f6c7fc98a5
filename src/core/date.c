/*
** date.c: civil dates <-> day numbers (see date.h).
**
** The conversion is the classic era-based algorithm for the proleptic
** Gregorian calendar; it is exact for every year the register can hold.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "error.h"

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return (m == 2 && is_leap(y)) ? 29 : days[m - 1];
}

bool date_ymd_valid(int y, int m, int d)
{
	return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= date_days_in_month(y, m);
}

tg_date date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (tg_date)(era * 146097 + doe - 719468);
}

void date_to_ymd(tg_date day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *s, tg_date *out)
{
	if (!s)
		return TG_EINVAL;
	for (int i = 0; i < 10; i++)
		if (!s[i])
			return TG_EINVAL;
	if (s[10] != '\0' || s[4] != '-' || s[7] != '-')
		return TG_EINVAL;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !date_ymd_valid(y, m, d))
		return TG_EINVAL;
	*out = date_from_ymd(y, m, d);
	return TG_OK;
}

void date_format(tg_date day, char out[11])
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	y = ((y % 10000) + 10000) % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

void date_format_zh(tg_date day, char out[24])
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 24, "%04d年%d月%d日", ((y % 10000) + 10000) % 10000, m % 100, d % 100);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void date_text_zh(const char *s, strbuf *out)
{
	const char *run = s;
	for (const char *p = s; *p; p++) {
		char iso[11], zh[24];
		tg_date d;
		if (p - s >= 1 && is_digit(p[-1]))
			continue;
		if (strnlen(p, 11) < 10 || is_digit(p[10]))
			continue;
		memcpy(iso, p, 10);
		iso[10] = '\0';
		if (date_parse(iso, &d))
			continue;
		sb_add(out, run, (size_t)(p - run));
		date_format_zh(d, zh);
		sb_adds(out, zh);
		run = p + 10;
		p += 9;
	}
	sb_adds(out, run);
}

int date_year(tg_date day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return y;
}

int date_weekday(tg_date day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7) % 7); /* 0 = Thursday */
	return (w + 3) % 7 + 1;
}

tg_date date_add_months(tg_date day, int n)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	int months = y * 12 + (m - 1) + n;
	y = months / 12;
	m = months % 12 + 1;
	int last = date_days_in_month(y, m);
	return date_from_ymd(y, m, d > last ? last : d);
}

tg_date date_add_years(tg_date day, int n)
{
	return date_add_months(day, 12 * n);
}

tg_date date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- instants ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "YYYY-MM-DDTHH:MM:SS" of t shifted by offset seconds (20 bytes). */
static void format_shifted(int64_t t, int64_t offset, char out[20])
{
	int64_t local = t + offset, day = floor_div(local, 86400);
	int sec = (int)(local - day * 86400), part[3] = {sec / 3600, sec / 60 % 60, sec % 60};
	date_format((tg_date)day, out);
	out[10] = 'T';
	for (int i = 0; i < 3; i++) {
		out[11 + 3 * i] = (char)('0' + part[i] / 10);
		out[12 + 3 * i] = (char)('0' + part[i] % 10);
		out[13 + 3 * i] = i < 2 ? ':' : '\0';
	}
}

void time_format_utc(int64_t t, char out[21])
{
	format_shifted(t, 0, out);
	out[19] = 'Z';
	out[20] = '\0';
}

int time_parse_utc(const char *s, int64_t *t)
{
	tg_date d;
	char day[11];
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return TG_EINVAL;
	memcpy(day, s, 10);
	day[10] = '\0';
	int h = digits(s + 11, 2), m = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (date_parse(day, &d) || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
		return TG_EINVAL;
	*t = (int64_t)d * 86400 + h * 3600 + m * 60 + sec;
	return TG_OK;
}

void time_format_beijing(int64_t t, char out[26])
{
	format_shifted(t, TG_BEIJING_OFFSET_SECONDS, out);
	memcpy(out + 19, "+08:00", 7);
}

tg_date date_beijing_of(int64_t t)
{
	return (tg_date)floor_div(t + TG_BEIJING_OFFSET_SECONDS, 86400);
}

int64_t date_beijing_start(tg_date d)
{
	return (int64_t)d * 86400 - TG_BEIJING_OFFSET_SECONDS;
}

void date_add_json(strbuf *sb, tg_date day)
{
	if (day == TG_DATE_NONE) {
		sb_adds(sb, "null");
		return;
	}
	char s[11];
	date_format(day, s);
	sb_addc(sb, '"');
	sb_add(sb, s, 10);
	sb_addc(sb, '"');
}
