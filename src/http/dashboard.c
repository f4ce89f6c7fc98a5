/*
** dashboard.c: the dashboard's answer as JSON (see dashboard.h); moved here
** from api_findings.c unchanged but for the deadline lists, which the
** dashboard now carries (dashboard_deadlines, or its kept candidates).
*/
#include <stdio.h>

#include "dashboard.h"

static void write_rows(strbuf *o, const tg_dashboard_row *rows, size_t n, int kind)
{
	sb_adds(o, "[");
	for (size_t i = 0; i < n; i++) {
		const tg_dashboard_row *r = &rows[i];
		sb_adds(o, i ? ",\n   " : "\n   ");
		if (kind == 0) {
			sb_add_json_member(o, "{\"batch\": ", r->id);
			sb_add_json_member(o, ", \"name\": ", r->name);
			sb_adds(o, ", \"due\": ");
			date_add_json(o, r->due);
			sb_addf(o, ", \"in_scope\": %zu, \"decoupled\": %zu}", r->in_scope, r->decoupled);
		} else if (kind == 1) {
			/* a row per unit (2,000 at national size), written again
			** after each write: the numbers without a printf */
			sb_add_json_member(o, "{\"unit\": ", r->id);
			sb_add_json_member(o, ", \"name\": ", r->name);
			sb_adds(o, ", \"in_scope\": ");
			sb_add_int(o, (long long)r->in_scope);
			sb_adds(o, ", \"decoupled\": ");
			sb_add_int(o, (long long)r->decoupled);
			sb_adds(o, ", \"overdue\": ");
			sb_add_int(o, (long long)r->overdue);
			sb_addc(o, '}');
		} else if (kind == 3) {
			sb_add_json_member(o, "{\"jurisdiction\": ", r->id);
			sb_add_json_member(o, ", \"name\": ", r->name);
			sb_addf(o, ", \"in_scope\": %zu, \"decoupled\": %zu, \"open\": %zu, "
				   "\"overdue\": %zu}",
				r->in_scope, r->decoupled, r->open, r->overdue);
		} else {
			sb_add_json_member(o, "{\"id\": ", r->id);
			sb_add_json_member(o, ", \"name\": ", r->name);
			sb_addf(o, ", \"done\": %zu, \"open\": %zu, \"overdue\": %zu}", r->done, r->open,
				r->overdue);
		}
	}
	sb_adds(o, "]");
}

/* The next deadlines (open, soonest first) or the most recently overdue. */
static void write_deadlines(strbuf *o, const tg_findings *fs, const tg_finding *v, size_t n)
{
	sb_adds(o, "[");
	for (size_t k = 0; k < n; k++) {
		const tg_finding *f = &v[k];
		sb_adds(o, k ? ",\n   " : "\n   ");
		finding_write_json(fs, f, o);
		o->len--; /* reopen the object */
		sb_add_json_member(o, ", \"light\": ",
				   progress_light(calendar_default(), f->due, fs->as_of));
		sb_addc(o, '}');
	}
	sb_adds(o, "]");
}

static void write_timeline(strbuf *o, const tg_plan *plan)
{
	size_t n = 0;
	sb_adds(o, "[");
	for (size_t i = 0; i < plan->n_params; i++) {
		const tg_param_info *pi = &plan->params[i];
		if (pi->type != PT_DATE)
			continue;
		char value[64];
		plan_param_value(plan, pi->name, value, sizeof value);
		sb_adds(o, n++ ? ",\n   " : "\n   ");
		sb_add_json_member(o, "{\"date\": ", value);
		sb_add_json_member(o, ", \"label\": ", pi->label ? pi->label : pi->name);
		sb_add_json_member(o, ", \"clause\": ", pi->clause);
		sb_addc(o, '}');
	}
	for (size_t i = 0; i < plan->n_batches; i++) {
		const tg_plan_batch *b = &plan->batches[i];
		if (b->due == TG_DATE_NONE)
			continue;
		sb_adds(o, n++ ? ",\n   " : "\n   ");
		sb_adds(o, "{\"date\": ");
		date_add_json(o, b->due);
		sb_adds(o, ", \"label\": ");
		char label[160];
		snprintf(label, sizeof label, "%s截止", b->name ? b->name : b->id);
		sb_add_json_str(o, label);
		sb_adds(o, ", \"clause\": \"6.3\"}");
	}
	sb_adds(o, "]");
}

/* Whether unit row x comes before y on the dashboard: more associations in
** scope first, then the dashboard's own order (x, y its positions). */
static bool unit_before(const tg_dashboard_row *rows, size_t x, size_t y)
{
	if (rows[x].in_scope != rows[y].in_scope)
		return rows[x].in_scope > rows[y].in_scope;
	return x < y;
}

/* The DASHBOARD_UNITS unit rows with the most associations in scope, in
** that order, into top (their positions in d->by_unit); how many.  One
** pass keeping the best few sorted: the register's units are read once,
** whatever their number. */
static size_t top_units(const tg_dashboard *d, size_t top[DASHBOARD_UNITS])
{
	size_t n = 0;
	for (size_t i = 0; i < d->n_unit; i++) {
		if (n == DASHBOARD_UNITS && !unit_before(d->by_unit, i, top[n - 1]))
			continue;
		size_t at = n < DASHBOARD_UNITS ? n++ : n - 1;
		while (at > 0 && unit_before(d->by_unit, i, top[at - 1])) {
			top[at] = top[at - 1];
			at--;
		}
		top[at] = i;
	}
	return n;
}

void dashboard_write_json(const tg_dashboard *d, const tg_findings *fs, const tg_plan *plan,
			  const char *jurisdiction, strbuf *o)
{
	sb_adds(o, "{\"as_of\": ");
	date_add_json(o, d->as_of);
	sb_addf(o, ",\n \"totals\": {\"in_scope\": %zu, \"decoupled\": %zu, \"not_decoupled\": %zu, "
		   "\"overdue_findings\": %zu, \"open_findings\": %zu, \"awaiting_acceptance\": %zu, "
		   "\"summaries_missing\": %zu, \"accepted\": %zu}",
		d->in_scope, d->decoupled, d->not_decoupled, d->overdue_findings, d->open_findings,
		d->awaiting_acceptance, d->summaries_missing, d->accepted);
	sb_adds(o, ",\n \"by_batch\": ");
	write_rows(o, d->by_batch, d->n_batch, 0);
	/* the units with the most associations in scope (the whole list is
	** GET /api/v1/dashboard/units: 2,000 rows at national size, written
	** again after every write, are not a dashboard's) */
	size_t top[DASHBOARD_UNITS], n_top = top_units(d, top);
	tg_dashboard_row rows[DASHBOARD_UNITS];
	for (size_t i = 0; i < n_top; i++)
		rows[i] = d->by_unit[top[i]];
	sb_adds(o, ",\n \"by_unit\": ");
	write_rows(o, rows, n_top, 1);
	sb_adds(o, ",\n \"units_total\": ");
	sb_add_int(o, (long long)d->n_unit);
	sb_adds(o, ",\n \"by_separation\": ");
	write_rows(o, d->by_separation, d->n_separation, 2);
	sb_adds(o, ",\n \"by_jurisdiction\": ");
	write_rows(o, d->by_jurisdiction, d->n_jurisdiction, 3);
	sb_add_json_member(o, ",\n \"jurisdiction\": ", jurisdiction);
	sb_adds(o, ",\n \"upcoming\": ");
	write_deadlines(o, fs, d->upcoming, d->n_upcoming);
	sb_adds(o, ",\n \"overdue\": ");
	write_deadlines(o, fs, d->late, d->n_late);
	sb_adds(o, ",\n \"timeline\": ");
	write_timeline(o, plan);
	sb_adds(o, "}\n");
}

void dashboard_write_units_json(const tg_dashboard *d, const char *jurisdiction, strbuf *o)
{
	sb_adds(o, "{\"as_of\": ");
	date_add_json(o, d->as_of);
	sb_add_json_member(o, ",\n \"jurisdiction\": ", jurisdiction);
	sb_adds(o, ",\n \"total\": ");
	sb_add_int(o, (long long)d->n_unit);
	sb_adds(o, ",\n \"by_unit\": ");
	write_rows(o, d->by_unit, d->n_unit, 1);
	sb_adds(o, "}\n");
}
