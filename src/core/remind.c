/*
** remind.c: the per-unit digests of 临近提醒 and 催办 (see remind.h), shared
** by `tuogou remind` (its text and its mail) and GET /api/v1/reminders.
**
** Owns the digest's arrays; the items point into the findings.  The order
** is fixed so that the text, the mail and the web page list the same items
** the same way: units by id (no unit last), overdue before near, then due
** date, rule and message.
*/
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "remind.h"

static const char no_unit_name[] = "未明确主管单位";

/* qsort has no context argument: the register being sorted, per thread
** (the server builds digests on several threads at once). */
static _Thread_local const tg_register *sort_reg;

static const char *unit_id_of(int32_t ix)
{
	return ix >= 0 ? REG_ROWS(sort_reg, ARR_UNITS, tg_unit)[ix].id : NULL;
}

static int cmp_items(const void *x, const void *y)
{
	const tg_remind_item *a = x, *b = y;
	const char *ua = unit_id_of(a->f->unit_ix), *ub = unit_id_of(b->f->unit_ix);
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

int remind_digest(const tg_register *r, const tg_findings *fs, const tg_calendar *cal,
		  int within, tg_remind_keep keep, void *keep_ctx, tg_remind_digest *out)
{
	memset(out, 0, sizeof *out);
	if (within < 0)
		within = 0;
	if (within > REMIND_WITHIN_MAX)
		within = REMIND_WITHIN_MAX;
	tg_date D = fs->as_of;
	out->as_of = D;
	out->within = within;
	out->horizon = calendar_add_workdays(cal, D, within, NULL);
	out->items = malloc((fs->count ? fs->count : 1) * sizeof *out->items);
	if (!out->items)
		return TG_ENOMEM;
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		if (f->due == TG_DATE_NONE || f->due > out->horizon)
			continue;
		if (keep && !keep(f, keep_ctx))
			continue;
		tg_remind_item *it = &out->items[out->n++];
		it->f = f;
		it->overdue = finding_overdue(fs, f);
		it->days_overdue = it->overdue ? (int)(D - f->due) : 0;
		it->workdays = it->overdue || f->due <= D ? 0 : workdays_until(cal, D, f->due, within);
		if (it->overdue)
			out->n_overdue++;
		else
			out->n_near++;
	}
	sort_reg = r;
	qsort(out->items, out->n, sizeof *out->items, cmp_items);
	sort_reg = NULL;

	/* the groups: one per run of equal unit */
	size_t groups = 0;
	for (size_t i = 0; i < out->n; i++)
		groups += i == 0 || out->items[i].f->unit_ix != out->items[i - 1].f->unit_ix;
	out->units = calloc(groups ? groups : 1, sizeof *out->units);
	if (!out->units) {
		remind_release(out);
		return TG_ENOMEM;
	}
	for (size_t i = 0; i < out->n;) {
		size_t j = i;
		tg_remind_unit *u = &out->units[out->n_units++];
		int32_t ux = out->items[i].f->unit_ix;
		while (j < out->n && out->items[j].f->unit_ix == ux)
			u->n_overdue += out->items[j++].overdue;
		u->unit_ix = ux;
		u->unit_id = ux >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[ux].id : NULL;
		u->unit_name = ux >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[ux].name : no_unit_name;
		u->items = &out->items[i];
		u->n = j - i;
		u->n_near = u->n - u->n_overdue;
		i = j;
	}
	return TG_OK;
}

void remind_release(tg_remind_digest *d)
{
	free(d->items);
	free(d->units);
	memset(d, 0, sizeof *d);
}

void remind_write_unit_text(const tg_remind_digest *d, const tg_remind_unit *u,
			    const tg_plan *plan, strbuf *out)
{
	sb_addf(out, "【%s】逾期 %zu 项，临近 %zu 项\n", u->unit_name, u->n_overdue, u->n_near);
	for (size_t k = 0; k < u->n; k++) {
		const tg_remind_item *it = &u->items[k];
		const tg_finding *f = it->f;
		const tg_clause *cl = plan_clause(plan, f->clause);
		const char *cite = cl && cl->cite ? cl->cite : f->clause;
		char due[24];
		finding_due_text(f, due);
		if (f->due_year_only) /* the day withheld (rules.h): no count of days */
			sb_addf(out, "  %s  %s  %-8s  %s\n", it->overdue ? "逾期" : "临近", due, cite,
				f->message);
		else if (it->overdue)
			sb_addf(out, "  逾期  %s  %-8s  %s（已逾期%d天）\n", due, cite, f->message,
				it->days_overdue);
		else if (f->due == d->as_of)
			sb_addf(out, "  临近  %s  %-8s  %s（今日到期）\n", due, cite, f->message);
		else
			sb_addf(out, "  临近  %s  %-8s  %s（还有%d个工作日）\n", due, cite, f->message,
				it->workdays);
	}
}

void remind_write_text(const tg_remind_digest *d, const tg_plan *plan, strbuf *out)
{
	char day[24];
	date_format_zh(d->as_of, day);
	sb_addf(out, "催办提醒（截至%s；临近：%d个工作日内到期）\n", day, d->within);
	if (!d->n) {
		sb_adds(out, "没有逾期或临近到期的事项。\n");
		return;
	}
	for (size_t i = 0; i < d->n_units; i++) {
		sb_addc(out, '\n');
		remind_write_unit_text(d, &d->units[i], plan, out);
	}
	sb_addf(out, "\n合计：%zu 个主管单位，逾期 %zu 项，临近 %zu 项\n", d->n_units, d->n_overdue,
		d->n_near);
}

void remind_write_item_json(strbuf *o, const tg_register *r, const tg_plan *plan,
			    const tg_remind_digest *d, const tg_remind_item *it)
{
	const tg_finding *f = it->f;
	const tg_clause *cl = plan_clause(plan, f->clause);
	const tg_plan_rule *pr = plan_rule(plan, f->rule);
	tg_ix ai = f->association ? register_find(r, ARR_ASSOCIATIONS, f->association) : TG_IX_NONE;
	sb_add_json_member(o, "{\"rule\": ", f->rule);
	const tg_obligation *ob = pr ? NULL : plan_obligation(plan, f->rule);
	sb_add_json_member(o, ", \"title\": ", pr ? pr->title : ob ? ob->title : NULL);
	sb_add_json_member(o, ", \"clause\": ", f->clause);
	sb_add_json_member(o, ", \"cite\": ", cl && cl->cite ? cl->cite : f->clause);
	sb_add_json_member(o, ", \"association\": ", f->association);
	sb_adds(o, ", \"association_name\": ");
	sb_add_json_str(o, ai != TG_IX_NONE ? REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ai].name
					    : NULL);
	sb_add_json_member(o, ", \"subject\": ", f->subject);
	sb_adds(o, ", \"due\": ");
	if (f->due_year_only) /* the day withheld (rules.h): no count of days either */
		sb_addf(o, "null, \"due_year\": %d, \"due_withheld\": \"birth\"", date_year(f->due));
	else
		date_add_json(o, f->due);
	sb_add_json_member(o, ", \"state\": ", it->overdue ? "overdue" : "near");
	sb_add_json_member(o, ", \"light\": ",
			   progress_light(calendar_default(), f->due, d->as_of));
	if (f->due_year_only)
		sb_adds(o, ", \"days_overdue\": null, \"workdays\": null, \"message\": ");
	else
		sb_addf(o, ", \"days_overdue\": %d, \"workdays\": %d, \"message\": ",
			it->days_overdue, it->workdays);
	sb_add_json_str(o, f->message);
	sb_addc(o, '}');
}
