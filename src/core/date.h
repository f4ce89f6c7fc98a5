/*
** date.h: calendar dates as integers.
**
** A date is the number of days since 1970-01-01 (proleptic Gregorian), in an
** int32_t.  TG_DATE_NONE stands for "no date" (null in a bundle: the event has
** not happened).  Every rule compares dates as plain integers, so the
** definitions of rules.md (happened, active, add_months ...) are one line each.
**
** Only the formats YYYY-MM-DD (and MM-DD for a day of the year) are read;
** anything else, or a day that does not exist (2017-02-30), is rejected.
*/
#ifndef TG_DATE_H
#define TG_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

typedef int32_t tg_date;
#define TG_DATE_NONE INT32_MIN

/* Days since 1970-01-01 of y-m-d; the caller ensures the day exists. */
tg_date date_from_ymd(int y, int m, int d);
void date_to_ymd(tg_date day, int *y, int *m, int *d);
bool date_ymd_valid(int y, int m, int d);
int date_days_in_month(int y, int m);

/* Parse exactly "YYYY-MM-DD" (years 1000-9999).  Returns 0 or TG_EINVAL. */
int date_parse(const char *s, tg_date *out);
/* Write "YYYY-MM-DD" and a NUL into out (11 bytes). */
void date_format(tg_date day, char out[11]);
/* The date as a JSON value: "YYYY-MM-DD", or null for TG_DATE_NONE. */
void date_add_json(strbuf *sb, tg_date day);
/* Write "2017年12月31日" (at most 24 bytes with NUL). */
void date_format_zh(tg_date day, char out[24]);

/* s as a document says it: each date "YYYY-MM-DD" inside it (a real day,
** not part of a longer number) written "2017年6月30日", the rest as is;
** appended to out.  The web does the same (fmt.js, sentence). */
void date_text_zh(const char *s, strbuf *out);

int date_year(tg_date day);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int date_weekday(tg_date day);

/* rules.md: the same day n months (years) later, or the month's last day. */
tg_date date_add_months(tg_date day, int n);
tg_date date_add_years(tg_date day, int n);

/* happened(x, D): x is a date and x <= D. */
static inline bool date_happened(tg_date x, tg_date d)
{
	return x != TG_DATE_NONE && x <= d;
}

/* active(from, to, D): from <= D and (to is null or D < to). */
static inline bool date_active(tg_date from, tg_date to, tg_date d)
{
	return from != TG_DATE_NONE && from <= d && (to == TG_DATE_NONE || d < to);
}

/* Today in local time (used only to refuse birth dates in the future). */
tg_date date_today(void);

/* ---- instants: Unix seconds, as UTC and as Beijing time ----
**
** Times are kept in UTC ("2018-01-01T07:30:00Z": the audit log, sessions)
** and shown to people as Beijing time, the time of every user of tuogou.
** Beijing time (Asia/Shanghai) is UTC+8 all year: China has had no
** daylight saving time since 1991, so a fixed offset gives the right
** answer for every time tuogou records, without the system's tzdata or
** the TZ of the process. */
#define TG_BEIJING_OFFSET_SECONDS (8 * 3600)

/* Write t as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void time_format_utc(int64_t t, char out[21]);
/* Read exactly "YYYY-MM-DDTHH:MM:SSZ": 0, or TG_EINVAL. */
int time_parse_utc(const char *s, int64_t *t);
/* Write t as Beijing time with its offset, "YYYY-MM-DDTHH:MM:SS+08:00"
** (26 bytes with NUL). */
void time_format_beijing(int64_t t, char out[26]);
/* The Beijing day of t, and the instant its day d begins (00:00 Beijing
** time is 16:00 UTC of the day before). */
tg_date date_beijing_of(int64_t t);
int64_t date_beijing_start(tg_date d);

#endif
