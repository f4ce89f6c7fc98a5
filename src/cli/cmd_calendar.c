/*
** cmd_calendar.c: `tuogou calendar`, the working-day calendar by hand.
**
**   tuogou calendar add-workdays YYYY-MM-DD N   prints add_workdays(date, N)
**   tuogou calendar is-workday YYYY-MM-DD       prints workday or rest
**   tuogou calendar workdays FROM TO            prints every working day from
**                                               FROM to TO, one a line (the
**                                               demo generator's calendar)
**
** All use the calendar compiled into the binary (calendar_default) and add
** a note on stderr when a year the holiday data does not cover was used, so
** that stdout stays one machine-readable line.
*/
#include <string.h>

#include "calendar.h"
#include "cli.h"

#define USAGE                                                                        \
	"tuogou calendar add-workdays YYYY-MM-DD N | tuogou calendar is-workday YYYY-MM-DD" \
	" | tuogou calendar workdays FROM TO"

/* The largest N accepted: about forty years, beyond any deadline of a plan. */
#define MAX_WORKDAYS 10000

static int bad_argument(const char *arg, const char *fmt, const char *value)
{
	tg_error err;
	tg_error_set(&err, TG_EINVAL, "bad_argument", arg, fmt, value);
	cli_print_error(&err);
	return EXIT_BADINPUT;
}

static int parse_date_arg(const char *s, tg_date *out)
{
	if (date_parse(s, out) != TG_OK)
		return bad_argument("日期", "应为 YYYY-MM-DD 格式的真实日期，实为 \"%s\"", s);
	return EXIT_OK;
}

/* N: decimal digits only, so that "-1", "+3" or "1e3" are refused, not guessed. */
static int parse_count_arg(const char *s, int *out)
{
	long v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && v <= MAX_WORKDAYS; p++)
		v = v * 10 + (*p - '0');
	if (p == s || *p || v > MAX_WORKDAYS)
		return bad_argument("N", "工作日天数应为0到10000之间的整数，实为 \"%s\"", s);
	*out = (int)v;
	return EXIT_OK;
}

static void note_outside(const tg_calendar *cal)
{
	fprintf(stderr, "注意：节假日数据仅覆盖%d-%d年，超出部分按周一至周五计算工作日\n",
		calendar_first_year(cal), calendar_last_year(cal));
}

static int add_workdays(int argc, char **argv)
{
	const tg_calendar *cal = calendar_default();
	tg_date day, result;
	bool outside = false;
	char buf[11];
	int n = 0, rc;

	if (argc != 3)
		return cli_usage(USAGE);
	if ((rc = parse_date_arg(argv[1], &day)))
		return rc;
	if ((rc = parse_count_arg(argv[2], &n)))
		return rc;
	result = calendar_add_workdays(cal, day, n, &outside);
	if (date_year(result) > 9999)
		return bad_argument("N", "结果超出9999年，无法表示（N 为 %s）", argv[2]);
	if (outside)
		note_outside(cal);
	date_format(result, buf);
	printf("%s\n", buf);
	return EXIT_OK;
}

static int is_workday(int argc, char **argv)
{
	const tg_calendar *cal = calendar_default();
	bool outside = false, work;
	tg_date day;
	int rc;

	if (argc != 2)
		return cli_usage(USAGE);
	if ((rc = parse_date_arg(argv[1], &day)))
		return rc;
	work = calendar_is_workday(cal, day, &outside);
	if (outside)
		note_outside(cal);
	printf("%s\n", work ? "workday" : "rest");
	return EXIT_OK;
}

/* Every working day of [FROM, TO], so that a tool needs one call, not one a day. */
static int workdays(int argc, char **argv)
{
	const tg_calendar *cal = calendar_default();
	bool outside = false;
	tg_date from, to;
	char buf[11];
	int rc;

	if (argc != 3)
		return cli_usage(USAGE);
	if ((rc = parse_date_arg(argv[1], &from)) || (rc = parse_date_arg(argv[2], &to)))
		return rc;
	if (to < from)
		return bad_argument("TO", "结束日期不应早于开始日期，实为 \"%s\"", argv[2]);
	for (tg_date d = from; d <= to; d++) {
		if (!calendar_is_workday(cal, d, &outside))
			continue;
		date_format(d, buf);
		printf("%s\n", buf);
	}
	if (outside)
		note_outside(cal);
	return EXIT_OK;
}

int cmd_calendar(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("用法: %s\n", USAGE);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "add-workdays"))
		return add_workdays(argc - 1, argv + 1);
	if (!strcmp(argv[1], "is-workday"))
		return is_workday(argc - 1, argv + 1);
	if (!strcmp(argv[1], "workdays"))
		return workdays(argc - 1, argv + 1);
	fprintf(stderr, "tuogou: 未知的 calendar 子命令 \"%s\"（应为 add-workdays、is-workday 或 workdays）\n",
		argv[1]);
	return cli_usage(USAGE);
}
