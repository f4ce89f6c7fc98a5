/*
** calendar.h: the Chinese official working-day calendar.
**
** The holiday data (data/holidays-cn.csv, MIT, compiled into the binary) lists
** public holidays and the weekend days made working days (调休).  A listed day
** is what the list says; any other day is a working day when it falls Monday
** to Friday.  Years outside the data's coverage (2007-2026) fall back to
** Monday-Friday, and every function reports when it touched such a year so
** that the caller can add a note.
*/
#ifndef TG_CALENDAR_H
#define TG_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include "date.h"
#include "error.h"

typedef struct tg_calendar tg_calendar;

/* Parse CSV text with the header "date,kind,name" (lines starting with # are
** comments).  kind is "holiday" or "workday".  The covered years are those
** that hold at least one holiday. */
int calendar_load(const char *csv, size_t len, tg_calendar **out, tg_error *err);
/* The calendar compiled into the binary (never NULL after the first call
** succeeds; aborts on corrupt built-in data). */
const tg_calendar *calendar_default(void);
void calendar_free(tg_calendar *cal);

int calendar_first_year(const tg_calendar *cal);
int calendar_last_year(const tg_calendar *cal);
bool calendar_covers(const tg_calendar *cal, tg_date day);

/* Whether day is a working day.  *outside (may be NULL) is set to true when
** the day's year is not covered by the data. */
bool calendar_is_workday(const tg_calendar *cal, tg_date day, bool *outside);

/* add_workdays(d, n): the n-th working day after d, d itself not counted
** (n >= 0; n = 0 gives d).  *outside (may be NULL) is set to true when any
** day examined lies in a year the data does not cover. */
tg_date calendar_add_workdays(const tg_calendar *cal, tg_date d, int n, bool *outside);

#endif
