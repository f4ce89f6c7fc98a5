/*
** api_inbox.c: 待办, what waits on the signed-in user (docs/api.md,
** "Workflow"):
**
**   GET /api/v1/inbox?as_of=&within=
**       {"as_of", "total", "items": [{"kind", "title", "association",
**       "association_name", "subject", "rule", "due", "state", "message"}]}
**
** kind "acceptance": the office's work summaries reported and not yet
** accepted (验收); kind "item": an overdue or near item (the reminders'
** digest, src/core/remind.c) of the user's scope that the user may mark
** done (the field its rule clears is one the user may write; a unit and an
** association: every item of their own); kind "account_request": for the
** security and the system administrator, a pending account request that
** the other kind proposed; kind "urge": for a unit, each 催办 sent to it
** and not yet signed for (签收), newest first, before its items, with the
** 催办 as GET /api/v1/urges gives it.  Overdue
** first, then by due date (the digest's order).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "app.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "policy.h"
#include "progress.h"
#include "remind.h"
#include "respond.h"
#include "roles.h"

struct viewer {
	const tg_user *u;
	int32_t unit;
	bool by_unit;
};

/* An item of the user's scope that waits on the user. */
static bool waits_on(const tg_finding *f, void *ctx)
{
	const struct viewer *v = ctx;
	if (!strncmp(f->rule, "acceptance.", 11))
		return false; /* the acceptance's own kind below */
	if (v->by_unit)
		return f->unit_ix == v->unit;
	if (!strcmp(v->u->role, "association"))
		return f->association && !strcmp(f->association, v->u->association);
	int a;
	const char *field;
	return progress_done_field(f->rule, &a, &field) && policy_can_write_field(v->u, a, field);
}

static void item_head(strbuf *o, size_t *n, const char *kind, const char *title)
{
	sb_adds(o, (*n)++ ? ",\n  " : "\n  ");
	sb_add_json_member(o, "{\"kind\": ", kind);
	sb_add_json_member(o, ", \"title\": ", title);
}

static void finding_fields(strbuf *o, const tg_register *r, const tg_finding *f)
{
	tg_ix ai = f->association ? register_find(r, ARR_ASSOCIATIONS, f->association) : TG_IX_NONE;
	sb_add_json_member(o, ", \"association\": ", f->association);
	sb_adds(o, ", \"association_name\": ");
	sb_add_json_str(o, ai != TG_IX_NONE ? REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ai].name
					    : NULL);
	sb_add_json_member(o, ", \"rule\": ", f->rule);
	sb_add_json_member(o, ", \"subject\": ", f->subject);
	sb_adds(o, ", \"due\": ");
	if (f->due_year_only)
		sb_adds(o, "null");
	else
		date_add_json(o, f->due);
	sb_add_json_member(o, ", \"message\": ", f->message);
}

/* A unit's 催办 not yet signed for. */
static int urge_items(http_request *rq, strbuf *o, size_t *n)
{
	tg_urge *items = NULL;
	size_t k = 0;
	if (!rq->user.unit[0])
		return TG_OK;
	int rc = store_urge_list(rq_store(rq), rq->user.unit, &items, &k, &rq->err);
	for (size_t i = 0; rc == TG_OK && i < k; i++) {
		const tg_urge *u = &items[i];
		if (u->acknowledged_at[0])
			continue;
		item_head(o, n, "urge", "催办");
		sb_addf(o, ", \"id\": %lld", (long long)u->id);
		sb_add_json_member(o, ", \"subject\": ", u->unit);
		sb_adds(o, ", \"urge\": ");
		api_write_urge(o, u);
		sb_adds(o, ", \"state\": \"open\"}");
	}
	store_urges_free(items, k);
	return rc;
}

static int business_items(http_request *rq, tg_date as_of, strbuf *o, size_t *n)
{
	cache_view v;
	int rc = cache_get_viewer(rq, as_of, &v);
	if (rc)
		return rc;
	struct viewer w = {&rq->user, -1, false};
	if (!strcmp(rq->user.role, "unit")) {
		tg_ix u = register_find(v.reg, ARR_UNITS, rq->user.unit);
		w.by_unit = true;
		w.unit = u == TG_IX_NONE ? -2 : (int32_t)u;
	}
	if (role_bit(rq->user.role) & R_OFFICE)
		for (size_t i = 0; i < v.fs->count; i++) {
			const tg_finding *f = &v.fs->items[i];
			if (strcmp(f->rule, "acceptance.pending"))
				continue;
			item_head(o, n, "acceptance", "验收脱钩工作总结");
			finding_fields(o, v.reg, f);
			sb_adds(o, ", \"state\": \"open\"}");
		}
	tg_remind_digest d;
	if (remind_digest(v.reg, v.fs, calendar_default(), REMIND_WITHIN_DEFAULT, waits_on, &w,
			  &d)) {
		cache_put(rq->srv->cache, &v);
		return tg_error_set(&rq->err, TG_ENOMEM, "no_memory", "", "内存不足");
	}
	for (size_t i = 0; i < d.n; i++) {
		const tg_remind_item *it = &d.items[i];
		const tg_plan_rule *pr = plan_rule(rq->srv->plan, it->f->rule);
		item_head(o, n, "item", pr ? pr->title : it->f->rule);
		finding_fields(o, v.reg, it->f);
		sb_add_json_member(o, ", \"state\": ", it->overdue ? "overdue" : "near");
		sb_addc(o, '}');
	}
	remind_release(&d);
	cache_put(rq->srv->cache, &v);
	return TG_OK;
}

static int request_items(http_request *rq, strbuf *o, size_t *n)
{
	tg_account_request *items = NULL;
	size_t k = 0;
	int rc = store_request_list(rq_store(rq), (int64_t)time(NULL) - REQUEST_TTL_SECONDS, &items,
				    &k, &rq->err);
	for (size_t i = 0; rc == TG_OK && i < k; i++) {
		const tg_account_request *r = &items[i];
		if (!strcmp(r->proposer, rq->user.username) ||
		    !strcmp(r->proposer_role, rq->user.role))
			continue; /* the other kind of administrator decides */
		item_head(o, n, "account_request", "审批账户申请");
		sb_addf(o, ", \"id\": %lld, \"username\": ", (long long)r->id);
		sb_add_json_str(o, r->username);
		sb_add_json_member(o, ", \"proposer\": ", r->proposer);
		sb_adds(o, ", \"state\": \"open\"}");
	}
	free(items);
	return rc;
}

int api_inbox(http_request *rq)
{
	tg_date as_of;
	int rc = rq_as_of(rq, &as_of);
	if (rc)
		return rc;
	strbuf items;
	size_t n = 0;
	sb_init(&items);
	unsigned bit = role_bit(rq->user.role);
	if (bit & R_UNIT)
		rc = urge_items(rq, &items, &n);
	if (rc == TG_OK && (bit & R_BUSINESS))
		rc = business_items(rq, as_of, &items, &n);
	else if (bit & (R_SECADMIN | R_SYSADMIN))
		rc = request_items(rq, &items, &n);
	if (rc == TG_OK) {
		sb_adds(&rq->out, "{\"as_of\": ");
		date_add_json(&rq->out, as_of);
		sb_addf(&rq->out, ", \"total\": %zu, \"items\": [", n);
		rc = reply_json_list(rq, &items);
	}
	sb_release(&items);
	return rc;
}
