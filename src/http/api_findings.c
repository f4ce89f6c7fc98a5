/*
** api_findings.c: what the rules say, over HTTP: findings, an association's
** checklist and the marking of an item as done, the dashboard, the plan.
**
** Nothing here evaluates rules: it reads the cached run of the as-of date
** (cache.c) and the lead's progress.c for stages, checklists and the
** dashboard.  An association's findings are written with findings_write_json
** itself, so that for the office (who sees everything) the answer is byte for
** byte the output of `tuogou check --format json` for that date limited to
** that association; other roles get the same document limited to their
** scope.  The list of all findings is paged (issue 15): one page of the kept
** findings, each written by finding_write_json, so that for the office the
** pages put together in the default order are check's findings item for item.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "api.h"
#include "app.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "progress.h"

const char *api_jurisdiction_scope(http_request *rq, const tg_register *r)
{
	const char *mine = rq->user.jurisdiction[0] ? rq->user.jurisdiction : NULL;
	const char *asked = rq_query(rq, "jurisdiction");
	if (!asked || !*asked)
		return mine;
	if (mine && !rules_within(r, asked, mine))
		return "-"; /* no jurisdiction is "-": nothing */
	return asked;
}

/* The unit index of a unit user in the cached register (TG_IX_NONE when
** the role sees everything, or the unit is unknown: then nothing). */
static bool unit_scope(http_request *rq, const tg_register *r, tg_ix *ix)
{
	*ix = TG_IX_NONE;
	if (strcmp(rq->user.role, "unit"))
		return false;
	*ix = register_find(r, ARR_UNITS, rq->user.unit);
	return true;
}

struct finding_filter {
	bool by_unit;
	tg_ix unit;
	const tg_register *reg;   /* with jurisdiction: the cached register */
	const char *jurisdiction; /* a county's account, or ?jurisdiction= */
	const char *association, *rule, *state;
	const tg_separation *separation;
};

static bool finding_kept(const tg_findings *fs, const tg_finding *f, const struct finding_filter *ff)
{
	if (ff->by_unit && (ff->unit == TG_IX_NONE || f->unit_ix != (int32_t)ff->unit))
		return false;
	if (ff->jurisdiction &&
	    !rules_within(ff->reg, finding_jurisdiction(ff->reg, f), ff->jurisdiction))
		return false;
	if (ff->association && (!f->association || strcmp(f->association, ff->association)))
		return false;
	if (ff->rule && strcmp(f->rule, ff->rule))
		return false;
	if (ff->state && strcmp(ff->state, finding_overdue(fs, f) ? "overdue" : "open"))
		return false;
	if (ff->separation) {
		bool in = false;
		for (size_t i = 0; !in && i < ff->separation->n_clauses; i++)
			in = f->clause && !strcmp(f->clause, ff->separation->clauses[i]);
		if (!in)
			return false;
	}
	return true;
}

/* The run's document with only the kept findings. */
static void write_filtered(const tg_findings *fs, const struct finding_filter *ff, strbuf *out)
{
	tg_findings view = *fs;
	view.items = malloc((fs->count ? fs->count : 1) * sizeof *view.items);
	if (!view.items)
		abort();
	view.count = 0;
	for (size_t i = 0; i < fs->count; i++)
		if (finding_kept(fs, &fs->items[i], ff))
			view.items[view.count++] = fs->items[i];
	findings_write_json(&view, out);
	free(view.items);
}

/* The orders of a page of findings (?sort=).  Ties keep the run's order
** (rule, association, subject), which is also the default.  A due given by
** the year only is that year's 31 December (rules.h), so its order tells
** nothing of the day. */
enum { SORT_RULE, SORT_DUE, SORT_DUE_DESC, SORT_ASSOCIATION };

struct page_entry {
	long long key;	     /* the due's order (0 unless sorting by due) */
	const char *assoc;   /* when sorting by association */
	size_t ix;	     /* the run's order */
};

static int cmp_entry(const void *x, const void *y)
{
	const struct page_entry *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->assoc != b->assoc) {
		if (!a->assoc || !b->assoc)
			return !a->assoc ? -1 : 1;
		int c = strcmp(a->assoc, b->assoc);
		if (c)
			return c;
	}
	return a->ix < b->ix ? -1 : a->ix > b->ix;
}

/* One page of the kept findings: {"as_of","plan","notes","total","overdue",
** "page","per_page","findings"}.  all_overdue: fs's overdue findings, or
** SIZE_MAX.  A page of every finding in the run's order, with that count
** known, is a slice of the list: it costs the page, not the register. */
static void write_page(const tg_findings *fs, const struct finding_filter *ff, bool everything,
		       size_t all_overdue, int sort, size_t page, size_t per_page, strbuf *o)
{
	bool slice = everything && sort == SORT_RULE && all_overdue != SIZE_MAX;
	struct page_entry *v = slice ? NULL : malloc((fs->count ? fs->count : 1) * sizeof *v);
	size_t n = slice ? fs->count : 0, overdue = slice ? all_overdue : 0;
	if (!slice && !v)
		abort();
	for (size_t i = 0; !slice && i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		if (!finding_kept(fs, f, ff))
			continue;
		struct page_entry *e = &v[n++];
		e->key = 0;
		e->assoc = NULL;
		e->ix = i;
		if (sort == SORT_DUE || sort == SORT_DUE_DESC) /* none last either way */
			e->key = f->due == TG_DATE_NONE ? LLONG_MAX
				 : sort == SORT_DUE	 ? (long long)f->due
							 : -(long long)f->due;
		else if (sort == SORT_ASSOCIATION)
			e->assoc = f->association;
		overdue += finding_overdue(fs, f);
	}
	if (!slice && sort != SORT_RULE)
		qsort(v, n, sizeof *v, cmp_entry);
	findings_write_json_head(fs, o);
	sb_addf(o, ",\n \"total\": %zu, \"overdue\": %zu, \"page\": %zu, \"per_page\": %zu,\n"
		   " \"findings\": [",
		n, overdue, page, per_page);
	size_t first = page - 1 <= n / per_page ? (page - 1) * per_page : n, k = 0;
	for (size_t i = first; i < n && k < per_page; i++, k++) {
		sb_adds(o, k ? ",\n   " : "\n   ");
		finding_write_json(fs, &fs->items[slice ? i : v[i].ix], o);
	}
	sb_adds(o, k ? "\n ]}\n" : "]}\n");
	free(v);
}

static int findings_reply(http_request *rq, const char *association)
{
	tg_date as_of;
	cache_view v;
	size_t page = 1, per_page = 50;
	int sort = SORT_RULE;
	int rc = rq_as_of(rq, &as_of);
	if (rc)
		return rc;
	struct finding_filter ff = {0};
	ff.rule = rq_query(rq, "rule");
	ff.state = rq_query(rq, "state");
	if (ff.state && strcmp(ff.state, "open") && strcmp(ff.state, "overdue"))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_state", "state",
				    "状态应为 open（待办）或 overdue（逾期）");
	const char *sep = rq_query(rq, "separation");
	const tg_plan *plan = rq->srv->plan;
	for (size_t i = 0; sep && i < plan->n_separations; i++)
		if (!strcmp(plan->separations[i].id, sep))
			ff.separation = &plan->separations[i];
	if (sep && !ff.separation)
		return tg_error_set(&rq->err, TG_EINVAL, "bad_separation", "separation",
				    "没有这一类事项“%.40s”", sep);
	if (!association) { /* the list pages; an association's findings are few */
		if ((rc = rq_paging(rq, &page, &per_page)))
			return rc;
		const char *s = rq_query(rq, "sort");
		if (!s || !strcmp(s, "rule"))
			sort = SORT_RULE;
		else if (!strcmp(s, "due"))
			sort = SORT_DUE;
		else if (!strcmp(s, "-due"))
			sort = SORT_DUE_DESC;
		else if (!strcmp(s, "association"))
			sort = SORT_ASSOCIATION;
		else
			return tg_error_set(&rq->err, TG_EINVAL, "bad_sort", "sort",
					    "排序方式应为 rule（按规则）、due（截止日期由近及远）、"
					    "-due（截止日期由远及近）或 association（按协会）");
	}
	if ((rc = cache_get_viewer(rq, as_of, &v)))
		return rc;
	ff.by_unit = unit_scope(rq, v.reg, &ff.unit);
	ff.reg = v.reg;
	ff.jurisdiction = api_jurisdiction_scope(rq, v.reg);
	const char *unit = rq_query(rq, "unit");
	if (unit) {
		tg_ix u = register_find(v.reg, ARR_UNITS, unit);
		if (ff.by_unit && u != ff.unit)
			u = TG_IX_NONE; /* another unit's: nothing */
		ff.by_unit = true;
		ff.unit = u;
	}
	ff.association = association ? association : rq_query(rq, "association");
	if (!strcmp(rq->user.role, "association")) {
		if (ff.association && strcmp(ff.association, rq->user.association))
			ff.unit = TG_IX_NONE, ff.by_unit = true;
		ff.association = rq->user.association;
	}
	bool everything = !ff.by_unit && !ff.association && !ff.rule && !ff.state && !ff.separation;
	if (!association)
		write_page(v.fs, &ff, everything && !ff.jurisdiction, v.n_overdue, sort, page, per_page,
			   &rq->out);
	else if (everything)
		findings_write_json(v.fs, &rq->out);
	else
		write_filtered(v.fs, &ff, &rq->out);
	cache_put(rq->srv->cache, &v);
	return reply_json(rq, HTTP_OK);
}

int api_findings(http_request *rq)
{
	return findings_reply(rq, NULL);
}

int api_association_findings(http_request *rq)
{
	return findings_reply(rq, rq->params.value[0]);
}

/* ---- checklist ---- */

static void write_evidence(strbuf *o, const tg_evidence *ev, size_t n, const char *rule,
			   const char *subject)
{
	size_t k = 0;
	sb_adds(o, "[");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ev[i].rule, rule) || strcmp(ev[i].subject, subject ? subject : ""))
			continue;
		sb_adds(o, k++ ? ", " : "");
		sb_addf(o, "{\"id\": %lld, \"name\": ", (long long)ev[i].id);
		sb_add_json_str(o, ev[i].name);
		sb_add_json_member(o, ", \"sha256\": ", ev[i].sha256);
		sb_addf(o, ", \"size\": %lld}", (long long)ev[i].size);
	}
	sb_adds(o, "]");
}

static void write_item(strbuf *o, const tg_check_item *it, const tg_evidence *ev, size_t n_ev)
{
	const char *const members[][2] = {{"title", it->title},
					  {"clause", it->clause},
					  {"cite", it->cite},
					  {"subject", it->subject},
					  {"subject_label", it->subject_label}};
	sb_add_json_member(o, "{\"rule\": ", it->rule);
	sb_add_json_members(o, members, sizeof members / sizeof members[0]);
	sb_adds(o, ", \"field\": ");
	if (it->field && it->array >= 0)
		sb_addf(o, "\"%s.%s\"", tg_schema[it->array].key, it->field);
	else
		sb_adds(o, "null");
	sb_add_json_member(o, ", \"done_by\": ", it->done_by);
	sb_adds(o, ", \"done_on\": ");
	date_add_json(o, it->done_on);
	sb_add_json_member(o, ", \"status\": ", it->status ? it->status : "n/a");
	sb_adds(o, ", \"due\": ");
	if (it->finding && it->finding->due_year_only) /* the day withheld (rules.h) */
		sb_addf(o, "null, \"due_year\": %d, \"due_withheld\": \"birth\"", date_year(it->due));
	else
		date_add_json(o, it->due);
	sb_add_json_member(o, ", \"light\": ", it->light);
	sb_add_json_member(o, ", \"message\": ", it->finding ? it->finding->message : NULL);
	sb_adds(o, ", \"evidence\": ");
	write_evidence(o, ev, n_ev, it->rule, it->subject);
	sb_addc(o, '}');
}

static void write_clauses(strbuf *o, const tg_plan *plan, const char *section)
{
	const tg_separation *sep = NULL;
	for (size_t i = 0; i < plan->n_separations; i++)
		if (!strcmp(plan->separations[i].id, section))
			sep = &plan->separations[i];
	sb_adds(o, "[");
	for (size_t i = 0; sep && i < sep->n_clauses; i++) {
		const tg_clause *cl = plan_clause(plan, sep->clauses[i]);
		sb_adds(o, i ? ", " : "");
		sb_add_json_member(o, "{\"id\": ", sep->clauses[i]);
		sb_add_json_member(o, ", \"cite\": ", cl ? cl->cite : NULL);
		sb_add_json_member(o, ", \"heading\": ", cl ? cl->heading : NULL);
		sb_add_json_member(o, ", \"text\": ", cl ? cl->text : NULL);
		sb_addc(o, '}');
	}
	sb_adds(o, "]");
}

static int checklist_reply(http_request *rq, const char *uscc, tg_date as_of)
{
	cache_view v;
	tg_evidence *ev = NULL;
	size_t n_ev = 0;
	int rc = cache_get_viewer(rq, as_of, &v);
	if (rc)
		return rc;
	tg_ix ix = register_find(v.reg, ARR_ASSOCIATIONS, uscc);
	if (ix == TG_IX_NONE) {
		rc = tg_error_set(&rq->err, TG_ENOTFOUND, "not_found", "", "没有找到该协会");
		goto out;
	}
	if ((rc = store_evidence_list(rq_store(rq), uscc, &ev, &n_ev, &rq->err)))
		goto out;
	const tg_association *a = &REG_ROWS(v.reg, ARR_ASSOCIATIONS, tg_association)[ix];
	/* its items are those of the plan it is judged under (county plans) */
	const tg_plan *plan = rules_plan_for(rq->srv->plan, v.reg, a->jurisdiction);
	tg_assoc_facts facts;
	progress_facts(v.reg, plan, ix, as_of, &facts);
	tg_checklist cl;
	checklist_build(v.reg, plan, calendar_default(), v.fs, ix, &cl);
	strbuf *o = &rq->out;
	o->len = 0;
	sb_add_json_member(o, "{\"association\": ", a->uscc);
	sb_add_json_member(o, ", \"name\": ", a->name);
	sb_adds(o, ", \"as_of\": ");
	date_add_json(o, as_of);
	sb_add_json_member(o, ", \"stage\": ", stage_key(facts.stage));
	sb_add_json_member(o, ", \"stage_name\": ", stage_zh(facts.stage));
	sb_addf(o, ", \"registered\": %s, \"in_scope\": %s, \"scope_reason\": ",
		facts.registered ? "true" : "false", facts.in_scope ? "true" : "false");
	sb_add_json_str(o, facts.scope_reason);
	sb_adds(o, ", \"due\": ");
	date_add_json(o, facts.due);
	sb_adds(o, ",\n \"separations\": [");
	for (size_t s = 0; s < cl.n_sections; s++) {
		const tg_checklist_section *sec = &cl.sections[s];
		sb_adds(o, s ? ",\n  " : "\n  ");
		sb_add_json_member(o, "{\"id\": ", sec->id);
		sb_add_json_member(o, ", \"name\": ", sec->name);
		sb_adds(o, ", \"clauses\": ");
		write_clauses(o, plan, sec->id);
		sb_adds(o, ", \"items\": [");
		for (size_t i = 0; i < sec->n_items; i++) {
			sb_adds(o, i ? ",\n    " : "\n    ");
			write_item(o, &sec->items[i], ev, n_ev);
		}
		sb_adds(o, "]}");
	}
	sb_adds(o, "]}\n");
	checklist_release(&cl);
	rc = reply_json(rq, HTTP_OK);
out:
	free(ev);
	cache_put(rq->srv->cache, &v);
	return rc;
}

int api_checklist_get(http_request *rq)
{
	tg_date as_of;
	int rc = rq_as_of(rq, &as_of);
	return rc ? rc : checklist_reply(rq, rq->params.value[0], as_of);
}

/* The evidence ids of a request: APP_NO_EVIDENCE for what is no id. */
static int evidence_ids(http_request *rq, json_t *ids, int64_t **out, size_t *n)
{
	size_t i;
	json_t *id;
	*out = NULL;
	*n = 0;
	if (ids && !json_is_array(ids))
		return reply_error(rq, HTTP_BAD_REQUEST, "bad_type", "evidence",
				   "evidence 应为佐证材料编号的数组"),
		       TG_EINVAL;
	if (!json_array_size(ids))
		return TG_OK;
	if (!(*out = calloc(json_array_size(ids), sizeof **out)))
		abort();
	json_array_foreach(ids, i, id)
		(*out)[(*n)++] = json_is_integer(id) ? json_integer_value(id) : APP_NO_EVIDENCE;
	return TG_OK;
}

int api_checklist_post(http_request *rq)
{
	json_t *body = NULL;
	int64_t *ids = NULL;
	tg_date as_of;
	int rc;
	if ((rc = rq_as_of(rq, &as_of)) || (rc = rq_json_body(rq, &body)))
		goto out;
	const char *on_s = json_string_value(json_object_get(body, "on"));
	app_done in = {rq->params.value[0], json_string_value(json_object_get(body, "rule")),
		       json_string_value(json_object_get(body, "subject")), TG_DATE_NONE, NULL, 0,
		       rq->srv->plan};
	if (on_s && date_parse(on_s, &in.on))
		in.on = TG_DATE_NONE;
	if ((rc = evidence_ids(rq, json_object_get(body, "evidence"), &ids, &in.n_evidence)))
		goto out;
	in.evidence = ids;
	tg_errors *errs = calloc(1, sizeof *errs);
	if (!errs)
		abort();
	tg_errors_init(errs);
	rq->errs = errs;
	rc = app_mark_done(rq_store(rq), &rq->user, &in, errs, &rq->err);
	if (rc == TG_OK)
		rc = checklist_reply(rq, in.association, as_of < in.on ? in.on : as_of);
out:
	free(ids);
	json_decref(body);
	return rc;
}

/* ---- dashboard ---- */

/* The dashboard's answer is kept with the findings it came from (per
** viewer, unit and jurisdiction) and updated by difference after a write:
** cache_dashboard. */
static int dashboard_reply(http_request *rq, bool units)
{
	tg_date as_of;
	cache_view v;
	int rc = rq_as_of(rq, &as_of);
	if (rc)
		return rc;
	if ((rc = cache_get_lazy(rq->srv->cache, rq_store(rq), rq->srv->plan, as_of, &v,
				 &rq->err)))
		return rc;
	tg_ix unit;
	bool by_unit = unit_scope(rq, v.reg, &unit);
	/* A unit not in the register sees nothing: an index no record has. */
	tg_ix filter = !by_unit ? TG_IX_NONE : unit == TG_IX_NONE ? TG_IX_NONE - 1 : unit;
	(units ? cache_dashboard_units : cache_dashboard)(rq->srv->cache, &v, &rq->user, filter,
							 api_jurisdiction_scope(rq, v.reg), &rq->out);
	cache_put(rq->srv->cache, &v);
	return reply_json(rq, HTTP_OK);
}

int api_dashboard(http_request *rq)
{
	return dashboard_reply(rq, false);
}

/* Every unit's row of the dashboard: the 主管单位 page's (the dashboard
** gives the DASHBOARD_UNITS with the most associations in scope). */
int api_dashboard_units(http_request *rq)
{
	return dashboard_reply(rq, true);
}

/* ---- plan ---- */

static void write_strings(strbuf *o, const char *const *v, size_t n)
{
	sb_adds(o, "[");
	for (size_t i = 0; i < n; i++) {
		sb_adds(o, i ? ", " : "");
		sb_add_json_str(o, v[i]);
	}
	sb_adds(o, "]");
}

static void write_clause_item(strbuf *o, size_t *n, const char *id, const char *title,
			      const char *basis, const char *kind)
{
	sb_adds(o, (*n)++ ? ", " : "");
	sb_add_json_member(o, "{\"id\": ", id);
	sb_add_json_member(o, ", \"title\": ", title);
	sb_add_json_member(o, ", \"basis\": ", basis);
	sb_add_json_member(o, ", \"kind\": ", kind);
	sb_addc(o, '}');
}

/* The checks citing one clause: its rules, then its obligations (kind
** "rule" or "obligation"), so a page names a finding of either by title. */
static void write_clause_rules(strbuf *o, const tg_plan *plan, const char *clause)
{
	size_t n = 0;
	sb_adds(o, "[");
	for (size_t i = 0; i < plan->n_rules; i++) {
		const tg_plan_rule *r = &plan->rules[i];
		if (r->clause && !strcmp(r->clause, clause))
			write_clause_item(o, &n, r->id, r->title, r->basis, "rule");
	}
	for (size_t i = 0; i < plan->n_obligations; i++) {
		const tg_obligation *ob = &plan->obligations[i];
		if (ob->clause && !strcmp(ob->clause, clause))
			write_clause_item(o, &n, ob->id, ob->title, ob->basis, "obligation");
	}
	sb_adds(o, "]");
}

void api_plan_head(strbuf *o, const tg_plan *plan)
{
	sb_add_json_member(o, "{\"id\": ", plan->id);
	sb_add_json_member(o, ", \"title\": ", plan->title);
	sb_add_json_member(o, ", \"number\": ", plan->number);
	sb_add_json_member(o, ", \"level\": ", plan_level_name(plan));
	sb_add_json_member(o, ", \"office\": ", plan->office);
	sb_add_json_member(o, ", \"place\": ", plan_place(plan));
}

int api_plan(http_request *rq)
{
	const tg_plan *plan = rq->srv->plan;
	strbuf *o = &rq->out;
	api_plan_head(o, plan);
	sb_adds(o, ", \"issuers\": ");
	write_strings(o, plan->issuers, plan->n_issuers);
	sb_add_json_member(o, ", \"issued_on\": ", plan->issued_on);
	sb_adds(o, ",\n \"clauses\": [");
	for (size_t i = 0; i < plan->n_clauses; i++) {
		const tg_clause *c = &plan->clauses[i];
		sb_adds(o, i ? ",\n  " : "\n  ");
		sb_add_json_member(o, "{\"id\": ", c->id);
		sb_add_json_member(o, ", \"cite\": ", c->cite);
		sb_add_json_member(o, ", \"heading\": ", c->heading);
		sb_add_json_member(o, ", \"text\": ", c->text);
		sb_add_json_member(o, ", \"uncertain\": ", c->uncertain);
		sb_adds(o, ", \"rules\": ");
		write_clause_rules(o, plan, c->id);
		sb_addc(o, '}');
	}
	sb_adds(o, "],\n \"parameters\": [");
	for (size_t i = 0; i < plan->n_params; i++) {
		const tg_param_info *p = &plan->params[i];
		char value[512];
		plan_param_value(plan, p->name, value, sizeof value);
		sb_adds(o, i ? ",\n  " : "\n  ");
		sb_add_json_member(o, "{\"name\": ", p->name);
		sb_add_json_member(o, ", \"value\": ", value);
		sb_add_json_member(o, ", \"label\": ", p->label);
		sb_add_json_member(o, ", \"clause\": ", p->clause);
		sb_add_json_member(o, ", \"note\": ", p->note);
		sb_addc(o, '}');
	}
	sb_adds(o, "],\n \"separations\": [");
	for (size_t i = 0; i < plan->n_separations; i++) {
		const tg_separation *s = &plan->separations[i];
		sb_adds(o, i ? ",\n  " : "\n  ");
		sb_add_json_member(o, "{\"id\": ", s->id);
		sb_add_json_member(o, ", \"name\": ", s->name);
		sb_adds(o, ", \"clauses\": ");
		write_strings(o, s->clauses, s->n_clauses);
		sb_addc(o, '}');
	}
	sb_adds(o, "],\n \"batches\": [");
	for (size_t i = 0; i < plan->n_batches; i++) {
		const tg_plan_batch *b = &plan->batches[i];
		sb_adds(o, i ? ", " : "");
		sb_add_json_member(o, "{\"id\": ", b->id);
		sb_add_json_member(o, ", \"name\": ", b->name);
		sb_adds(o, ", \"due\": ");
		date_add_json(o, b->due);
		sb_addc(o, '}');
	}
	sb_adds(o, "]}\n");
	return reply_json(rq, HTTP_OK);
}
