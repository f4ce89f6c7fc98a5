/*
** api_reminders.c: the digests of 临近提醒 and 催办 for the web UI (the bell
** in the top bar, the 提醒 page), and the working-day calendar the lights
** of due dates need.
**
**   GET /api/v1/reminders?as_of=&within=&summary=1
**       what falls due within `within` working days of as_of (default 5)
**       and what is overdue, per supervising unit, limited to the user's
**       scope (a unit: its own; an association: itself; the other business
**       roles: everything); summary=1 gives only the counts (the bell).
**       The digest is src/core/remind.c, the same as `tuogou remind`.
**   GET /api/v1/calendar/workdays?from=&n=
**       the n-th working day after from (0..250), on the official calendar.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "progress.h"
#include "remind.h"

static int parse_int(http_request *rq, const char *name, int min, int max, int *out)
{
	const char *v = rq_query(rq, name);
	if (!v)
		return TG_OK;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < min || n > max)
		return tg_error_set(&rq->err, TG_EINVAL, "bad_number", name,
				    "%s 应为 %d 至 %d 的整数", name, min, max);
	*out = (int)n;
	return TG_OK;
}

struct scope {
	bool by_unit;
	int32_t unit;
	const char *association;
	const tg_register *reg;
	const char *jurisdiction; /* a county's account (六(一)): it and below */
};

static bool in_scope(const tg_finding *f, void *ctx)
{
	const struct scope *s = ctx;
	if (s->by_unit && f->unit_ix != s->unit)
		return false;
	if (s->association && (!f->association || strcmp(f->association, s->association)))
		return false;
	if (s->jurisdiction &&
	    !rules_within(s->reg, finding_jurisdiction(s->reg, f), s->jurisdiction))
		return false;
	return true;
}

int api_reminders(http_request *rq)
{
	tg_date as_of;
	cache_view v;
	int within = REMIND_WITHIN_DEFAULT, rc = rq_as_of(rq, &as_of);
	if (rc || (rc = parse_int(rq, "within", 0, REMIND_WITHIN_MAX, &within)))
		return rc;
	const char *summary = rq_query(rq, "summary");
	bool only_counts = summary && strcmp(summary, "0");
	if ((rc = cache_get_viewer(rq, as_of, &v)))
		return rc;
	struct scope s = {0};
	if (!strcmp(rq->user.role, "unit")) {
		tg_ix u = register_find(v.reg, ARR_UNITS, rq->user.unit);
		s.by_unit = true;
		s.unit = u == TG_IX_NONE ? -2 : (int32_t)u; /* an unknown unit: nothing */
	} else if (!strcmp(rq->user.role, "association")) {
		s.association = rq->user.association;
	}
	s.reg = v.reg;
	s.jurisdiction = rq->user.jurisdiction[0] ? rq->user.jurisdiction : NULL;
	tg_remind_digest d;
	if (remind_digest(v.reg, v.fs, calendar_default(), within, in_scope, &s, &d)) {
		cache_put(rq->srv->cache, &v);
		return tg_error_set(&rq->err, TG_ENOMEM, "no_memory", "", "内存不足");
	}
	const tg_plan *plan = rq->srv->plan;
	strbuf *o = &rq->out;
	sb_adds(o, "{\"as_of\": ");
	date_add_json(o, d.as_of);
	sb_addf(o, ", \"within\": %d, \"horizon\": ", d.within);
	date_add_json(o, d.horizon);
	sb_addf(o, ", \"overdue\": %zu, \"near\": %zu, \"units\": [", d.n_overdue, d.n_near);
	for (size_t i = 0; i < d.n_units; i++) {
		const tg_remind_unit *u = &d.units[i];
		sb_adds(o, i ? ",\n  " : "\n  ");
		sb_add_json_member(o, "{\"unit\": ", u->unit_id);
		sb_add_json_member(o, ", \"name\": ", u->unit_name);
		sb_addf(o, ", \"overdue\": %zu, \"near\": %zu", u->n_overdue, u->n_near);
		if (!only_counts) {
			sb_adds(o, ", \"items\": [");
			for (size_t k = 0; k < u->n; k++) {
				sb_adds(o, k ? ",\n    " : "\n    ");
				remind_write_item_json(o, v.reg, plan, &d, &u->items[k]);
			}
			sb_adds(o, "]");
		}
		sb_addc(o, '}');
	}
	sb_adds(o, "]}\n");
	remind_release(&d);
	cache_put(rq->srv->cache, &v);
	return reply_json(rq, HTTP_OK);
}

int api_calendar_workdays(http_request *rq)
{
	tg_date from;
	int n = 5;
	const char *f = rq_query(rq, "from");
	if (!f)
		from = date_today();
	else if (date_parse(f, &from))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_date", "from",
				    "日期“%.20s”无效（应为 YYYY-MM-DD）", f);
	int rc = parse_int(rq, "n", 0, REMIND_WITHIN_MAX, &n);
	if (rc)
		return rc;
	bool outside = false;
	tg_date to = calendar_add_workdays(calendar_default(), from, n, &outside);
	sb_adds(&rq->out, "{\"from\": ");
	date_add_json(&rq->out, from);
	sb_addf(&rq->out, ", \"n\": %d, \"date\": ", n);
	date_add_json(&rq->out, to);
	sb_addf(&rq->out, ", \"calendar_covers\": %s}\n", outside ? "false" : "true");
	return reply_json(rq, HTTP_OK);
}
