/*
** cmd_remind.c: tuogou remind [--db PATH] --as-of D [--within N]
**
** The digests of 临近提醒 and 催办: for every supervising unit, what falls
** due within N working days of D (default 5, on the official calendar) and
** what is already overdue, from the same run of the rules as `tuogou
** check`.  Findings that concern no unit are listed last under
** 未明确主管单位.  Prints Chinese text; exit 0 whether or not anything is
** due.
*/
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "rules.h"

static const char usage[] = "tuogou remind [--db PATH] --as-of YYYY-MM-DD [--within N]";

typedef struct due_item {
	const tg_finding *f;
	bool overdue;
} due_item;

static const tg_register *sort_reg;

static const char *unit_id(int32_t ix)
{
	return ix >= 0 ? REG_ROWS(sort_reg, ARR_UNITS, tg_unit)[ix].id : NULL;
}

static int cmp_items(const void *x, const void *y)
{
	const due_item *a = x, *b = y;
	const char *ua = unit_id(a->f->unit_ix), *ub = unit_id(b->f->unit_ix);
	if (!ua != !ub)
		return ua ? -1 : 1;
	int c = ua ? strcmp(ua, ub) : 0;
	if (c)
		return c;
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	if (a->f->due != b->f->due)
		return a->f->due < b->f->due ? -1 : 1;
	c = strcmp(a->f->rule, b->f->rule);
	if (c)
		return c;
	return strcmp(a->f->message, b->f->message);
}

/* Working days from d to due (d < due), at most limit + 1. */
static int workdays_until(const tg_calendar *cal, tg_date d, tg_date due, int limit)
{
	for (int k = 1; k <= limit; k++)
		if (calendar_add_workdays(cal, d, k, NULL) >= due)
			return k;
	return limit + 1;
}

static void print_digest(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
			 const tg_calendar *cal, int within)
{
	tg_date D = fs->as_of, horizon = calendar_add_workdays(cal, D, within, NULL);
	due_item *items = malloc((fs->count ? fs->count : 1) * sizeof *items);
	size_t n = 0, n_over = 0;
	if (!items)
		abort();
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		if (f->due == TG_DATE_NONE || f->due > horizon)
			continue;
		items[n].f = f;
		items[n].overdue = finding_overdue(fs, f);
		n_over += items[n].overdue;
		n++;
	}
	sort_reg = r;
	qsort(items, n, sizeof *items, cmp_items);
	char day[24];
	date_format_zh(D, day);
	printf("催办提醒（截至%s；临近：%d个工作日内到期）\n", day, within);
	if (!n) {
		printf("没有逾期或临近到期的事项。\n");
		free(items);
		return;
	}
	size_t units = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, over = 0;
		while (j < n && items[j].f->unit_ix == items[i].f->unit_ix)
			over += items[j++].overdue;
		int32_t ux = items[i].f->unit_ix;
		units++;
		printf("\n【%s】逾期 %zu 项，临近 %zu 项\n",
		       ux >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[ux].name : "未明确主管单位", over,
		       j - i - over);
		for (size_t k = i; k < j; k++) {
			const tg_finding *f = items[k].f;
			const tg_clause *cl = plan_clause(plan, f->clause);
			char due[11];
			date_format(f->due, due);
			if (items[k].overdue)
				printf("  逾期  %s  %-8s  %s（已逾期%d天）\n", due,
				       cl && cl->cite ? cl->cite : f->clause, f->message, (int)(D - f->due));
			else if (f->due == D)
				printf("  临近  %s  %-8s  %s（今日到期）\n", due,
				       cl && cl->cite ? cl->cite : f->clause, f->message);
			else
				printf("  临近  %s  %-8s  %s（还有%d个工作日）\n", due,
				       cl && cl->cite ? cl->cite : f->clause, f->message,
				       workdays_until(cal, D, f->due, within));
		}
		i = j;
	}
	printf("\n合计：%zu 个主管单位，逾期 %zu 项，临近 %zu 项\n", units, n_over, n - n_over);
	free(items);
}

int cmd_remind(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {"as-of", required_argument, NULL, 'a'},
					      {"within", required_argument, NULL, 'w'},
					      {NULL, 0, NULL, 0}};
	const char *db = cli_default_db(), *as_of = NULL;
	int within = 5, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'a': as_of = optarg; break;
		case 'w': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 250) {
				fprintf(stderr, "tuogou: --within 应为 0 到 250 之间的工作日数，而不是“%s”\n", optarg);
				return EXIT_BADINPUT;
			}
			within = (int)v;
			break;
		}
		default: return cli_usage(usage);
		}
	}
	if (optind != argc || !as_of)
		return cli_usage(usage);
	tg_date day;
	if (cli_parse_date(as_of, "--as-of", &day))
		return EXIT_BADINPUT;

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	tg_error err = {0};
	int rc = cli_open_store(db, true, &store);
	if (rc)
		goto out;
	if ((rc = cli_load_plan(NULL, store, &plan)))
		goto out;
	if (store_load_register(store, &r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	tg_findings fs;
	rules_evaluate(&r, plan, calendar_default(), day, &fs);
	print_digest(&r, plan, &fs, calendar_default(), within);
	if (fflush(stdout))
		rc = EXIT_INTERNAL;
	findings_release(&fs);
out:
	register_release(&r);
	plan_free(plan);
	store_close(store);
	return rc;
}
