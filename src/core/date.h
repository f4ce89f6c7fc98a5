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
/* Write "2017年12月31日" (at most 24 bytes with NUL). */
void date_format_zh(tg_date day, char out[24]);

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

#endif
