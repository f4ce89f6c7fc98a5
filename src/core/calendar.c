/*
** calendar.c: the Chinese official working-day calendar (see calendar.h).
**
** The holiday CSV is read once into a per-day table that spans whole years,
** from 1 January of the first year with a listed day to 31 December of the
** last.  Each byte of the table says, for one day, whether it is a working
** day (after the list has overridden the Monday-Friday default) and whether
** its year is covered by the data.  Asking about a day is then one bounds
** check and one array read, which matters because add_workdays walks day by
** day and is called for every association of a province.  Days outside the
** table are in no covered year and follow Monday-Friday.
**
** This module owns the tg_calendar objects it returns and the one default
** calendar built from the data compiled into the binary (tg_holidays_csv),
** which lives until the process exits.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

/* Bits of one table byte. */
enum {
	DAY_WORK = 1,    /* the day is a working day */
	DAY_COVERED = 2, /* the day's year holds at least one listed holiday */
};

struct tg_calendar {
	tg_date base;        /* the day of table[0]: 1 January of a year */
	int32_t ndays;       /* table length, whole years */
	uint8_t *table;      /* DAY_* bits per day, NULL when nothing is listed */
	int first_year;      /* first and last covered year, 0 when none */
	int last_year;
};

/* One parsed data line. */
struct entry {
	tg_date day;
	bool holiday; /* false: a weekend day made a working day (调休) */
};

/* Monday-Friday: the rule for every day the list does not name. */
static bool weekday_is_work(tg_date day)
{
	return date_weekday(day) <= 5;
}

/*
** A growable array of entries.  The data holds a few hundred lines, so
** doubling from 64 is plenty.
*/
struct entries {
	struct entry *items;
	size_t count, alloc;
};

static int entries_push(struct entries *list, struct entry e)
{
	if (list->count == list->alloc) {
		size_t n = list->alloc ? list->alloc * 2 : 64;
		struct entry *items = realloc(list->items, n * sizeof *items);
		if (!items)
			return TG_ENOMEM;
		list->items = items;
		list->alloc = n;
	}
	list->items[list->count++] = e;
	return TG_OK;
}

/*
** Copy the field that starts at *p and ends at the next comma or at end into
** buf, advancing *p past the comma.  Returns false when the field does not
** fit buf, which for the date and kind fields means the line is malformed.
*/
static bool next_field(const char **p, const char *end, char *buf, size_t size)
{
	const char *s = *p, *e = s;
	while (e < end && *e != ',')
		e++;
	size_t n = (size_t)(e - s);
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*p = e < end ? e + 1 : e;
	return true;
}

/* Parse one data line (without its line ending) into e. */
static int parse_line(const char *s, const char *end, unsigned long lineno,
		      struct entry *e, tg_error *err)
{
	char date[16], kind[16];
	const char *p = s;

	if (!next_field(&p, end, date, sizeof date) || date_parse(date, &e->day) != TG_OK)
		return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
				    "节假日数据第%lu行：日期应为 YYYY-MM-DD 格式的真实日期", lineno);
	if (!next_field(&p, end, kind, sizeof kind))
		return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
				    "节假日数据第%lu行：类型应为 holiday 或 workday", lineno);
	/* The kind must be followed by a comma: the name column is required,
	** though it may be empty and may hold anything (it is not used). */
	if (p[-1] != ',')
		return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
				    "节假日数据第%lu行：应有三列（date,kind,name）", lineno);
	if (!strcmp(kind, "holiday"))
		e->holiday = true;
	else if (!strcmp(kind, "workday"))
		e->holiday = false;
	else
		return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
				    "节假日数据第%lu行：类型应为 holiday 或 workday，实为 \"%s\"",
				    lineno, kind);
	return TG_OK;
}

/* The end of the line starting at s: its newline, or the end of the text. */
static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	return nl ? nl : end;
}

static bool is_blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Read every data line of csv into list, checking the header. */
static int read_entries(const char *csv, size_t len, struct entries *list, tg_error *err)
{
	const char *s = csv, *end = csv + len;
	unsigned long lineno = 0;
	bool header = false;

	/* A UTF-8 byte order mark, as spreadsheet programs write it. */
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (s < end) {
		const char *e = line_end(s, end), *next = e < end ? e + 1 : e;
		lineno++;
		/* Files saved on Windows end their lines in CR LF. */
		if (e > s && e[-1] == '\r')
			e--;
		if (*s == '#' || is_blank(s, e)) {
			s = next;
			continue;
		}
		if (!header) {
			if ((size_t)(e - s) != 14 || memcmp(s, "date,kind,name", 14))
				return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
						    "节假日数据第%lu行：表头应为 date,kind,name",
						    lineno);
			header = true;
			s = next;
			continue;
		}
		struct entry ent;
		int rc = parse_line(s, e, lineno, &ent, err);
		if (rc)
			return rc;
		if (entries_push(list, ent))
			return tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		s = next;
	}
	if (!header)
		return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
				    "节假日数据缺少表头 date,kind,name");
	return TG_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	tg_date x = ((const struct entry *)a)->day, y = ((const struct entry *)b)->day;
	return (x > y) - (x < y);
}

/*
** Build the per-day table from the sorted entries.  A date listed twice is
** refused: with two kinds it is contradictory, and even with one it points
** at a botched merge of the yearly notices.
*/
static int build_table(tg_calendar *cal, const struct entries *list, tg_error *err)
{
	const struct entry *it = list->items;
	size_t n = list->count;
	char buf[11];

	for (size_t i = 1; i < n; i++)
		if (it[i].day == it[i - 1].day) {
			date_format(it[i].day, buf);
			return tg_error_set(err, TG_EINVAL, "bad_calendar", "",
					    "节假日数据中日期 %s 出现了不止一次", buf);
		}
	if (n == 0)
		return TG_OK; /* nothing listed: Monday-Friday everywhere */

	int y0 = date_year(it[0].day), y1 = date_year(it[n - 1].day);
	cal->base = date_from_ymd(y0, 1, 1);
	cal->ndays = date_from_ymd(y1 + 1, 1, 1) - cal->base;
	cal->table = malloc((size_t)cal->ndays);
	if (!cal->table)
		return tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");

	for (int32_t i = 0; i < cal->ndays; i++)
		cal->table[i] = weekday_is_work(cal->base + i) ? DAY_WORK : 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = &cal->table[it[i].day - cal->base];
		*b = it[i].holiday ? (uint8_t)(*b & ~DAY_WORK) : (uint8_t)(*b | DAY_WORK);
	}

	/* Mark the covered years: those holding at least one holiday. */
	for (size_t i = 0; i < n; i++) {
		if (!it[i].holiday)
			continue;
		int y = date_year(it[i].day);
		tg_date from = date_from_ymd(y, 1, 1) - cal->base;
		tg_date to = date_from_ymd(y + 1, 1, 1) - cal->base;
		if (cal->table[from] & DAY_COVERED)
			continue;
		for (tg_date d = from; d < to; d++)
			cal->table[d] |= DAY_COVERED;
		if (!cal->first_year || y < cal->first_year)
			cal->first_year = y;
		if (y > cal->last_year)
			cal->last_year = y;
	}
	return TG_OK;
}

int calendar_load(const char *csv, size_t len, tg_calendar **out, tg_error *err)
{
	struct entries list = {0};
	tg_calendar *cal;
	int rc;

	*out = NULL;
	if (!csv)
		len = 0;
	rc = read_entries(csv ? csv : "", len, &list, err);
	if (rc) {
		free(list.items);
		return rc;
	}
	cal = calloc(1, sizeof *cal);
	if (!cal) {
		free(list.items);
		return tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
	}
	if (list.count)
		qsort(list.items, list.count, sizeof *list.items, cmp_entry);
	rc = build_table(cal, &list, err);
	free(list.items);
	if (rc) {
		calendar_free(cal);
		return rc;
	}
	*out = cal;
	return TG_OK;
}

void calendar_free(tg_calendar *cal)
{
	if (!cal)
		return;
	free(cal->table);
	free(cal);
}

/* The data compiled into the binary by CMake (cmake/embed.cmake). */
extern const unsigned char tg_holidays_csv[];
extern const unsigned long tg_holidays_csv_len;

static tg_calendar *default_cal;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/* Runs exactly once, even when server threads race for the first call. */
static void load_default(void)
{
	tg_error err;
	if (calendar_load((const char *)tg_holidays_csv, tg_holidays_csv_len,
			  &default_cal, &err) != TG_OK) {
		/* The data is part of the build; a failure is a build defect. */
		fprintf(stderr, "tuogou: 内置节假日数据损坏：%s\n", err.message);
		abort();
	}
}

const tg_calendar *calendar_default(void)
{
	pthread_once(&default_once, load_default);
	return default_cal;
}

int calendar_first_year(const tg_calendar *cal)
{
	return cal->first_year;
}

int calendar_last_year(const tg_calendar *cal)
{
	return cal->last_year;
}

/* The table byte of day, or the Monday-Friday default outside the table. */
static uint8_t day_bits(const tg_calendar *cal, tg_date day)
{
	/* One unsigned comparison covers both ends (day < base wraps). */
	uint32_t i = (uint32_t)day - (uint32_t)cal->base;
	if (cal->table && i < (uint32_t)cal->ndays)
		return cal->table[i];
	return weekday_is_work(day) ? DAY_WORK : 0;
}

bool calendar_covers(const tg_calendar *cal, tg_date day)
{
	return (day_bits(cal, day) & DAY_COVERED) != 0;
}

bool calendar_is_workday(const tg_calendar *cal, tg_date day, bool *outside)
{
	uint8_t b = day_bits(cal, day);
	if (outside)
		*outside = !(b & DAY_COVERED);
	return (b & DAY_WORK) != 0;
}

/*
** Walk forward one day at a time: at most a few weeks of holidays lie
** between two working days, so this is O(days walked) with O(1) per day.
** With n <= 0 no day is examined and d itself is the answer.
*/
tg_date calendar_add_workdays(const tg_calendar *cal, tg_date d, int n, bool *outside)
{
	uint8_t seen = DAY_COVERED; /* AND of the COVERED bits of the days walked */

	while (n > 0) {
		uint8_t b = day_bits(cal, ++d);
		seen &= b;
		if (b & DAY_WORK)
			n--;
	}
	if (outside)
		*outside = !(seen & DAY_COVERED);
	return d;
}
