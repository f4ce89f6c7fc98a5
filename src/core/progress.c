/*
** progress.c: stages, checklists and dashboard numbers (see progress.h).
**
** Everything here is derived from the register and one run of the rules;
** nothing is stored.  The fixed steps below are the association-level
** obligations the UI shows even when they are done; record-level items of
** a rule (a post, a staff member, an asset...) appear while the rule finds
** them; an item of the plan's obligations (a credit listing's or an exit
** case's step, a commitment) stays once done, with its due date.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "obligation.h"
#include "progress.h"

static const char *const stage_keys[] = {"not_registered", "registered", "in_scope",
					  "plan_submitted", "decoupled", "summary_submitted",
					  "accepted"};
static const char *const stage_names[] = {"未登记或已注销", "在册", "纳入范围", "方案已报",
					  "脱钩完成", "总结已报", "已验收"};

const char *stage_key(enum tg_stage s)
{
	return stage_keys[s];
}

const char *stage_zh(enum tg_stage s)
{
	return stage_names[s];
}

void progress_facts(const tg_register *r, const tg_plan *plan, tg_ix i, tg_date d,
		    tg_assoc_facts *out)
{
	const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[i];
	out->registered = rules_registered(a, d);
	out->in_scope = rules_in_scope(r, plan, a);
	out->scope_reason = rules_scope_reason(r, plan, a);
	out->due = rules_due(r, plan, a);
	if (!out->registered)
		out->stage = STAGE_NOT_REGISTERED;
	else if (!out->in_scope)
		out->stage = STAGE_REGISTERED;
	else if (date_happened(a->accepted_on, d))
		out->stage = STAGE_ACCEPTED;
	else if (date_happened(a->report_submitted_on, d))
		out->stage = STAGE_SUMMARY_SUBMITTED;
	else if (date_happened(a->decoupled_on, d))
		out->stage = STAGE_DECOUPLED;
	else if (date_happened(a->plan_submitted_on, d))
		out->stage = STAGE_PLAN_SUBMITTED;
	else
		out->stage = STAGE_IN_SCOPE;
}

const char *progress_light(const tg_calendar *cal, tg_date due, tg_date as_of)
{
	if (due == TG_DATE_NONE)
		return NULL;
	if (as_of > due)
		return "red";
	if (calendar_add_workdays(cal, as_of, 5, NULL) >= due)
		return "yellow";
	return "green";
}

/* Which field clears which rule. */
static const struct done_field {
	const char *rule;
	int array;
	const char *field;
} done_fields[] = {
	{"registration.new-with-link", ARR_ASSOCIATIONS, "link_cancelled_on"},
	{"institution.link-active", ARR_ASSOCIATIONS, "link_cancelled_on"},
	{"institution.shared-office", ARR_PREMISES, "to"},
	{"plan.not-submitted", ARR_ASSOCIATIONS, "plan_submitted_on"},
	{"decoupling.incomplete", ARR_ASSOCIATIONS, "decoupled_on"},
	{"report.summary-missing", ARR_ASSOCIATIONS, "report_submitted_on"},
	{"acceptance.pending", ARR_ASSOCIATIONS, "accepted_on"},
	{"audit.report-missing", ARR_ASSOCIATIONS, "audit_report_on"},
	{"personnel.official-holds-post", ARR_POSTS, "to"},
	{"personnel.cooling-off-unapproved", ARR_POSTS, "to"},
	{"personnel.post-retirement-unfiled", ARR_POSTS, "to"},
	{"personnel.placed-by-unit", ARR_POSTS, "to"},
	{"personnel.retired-cadre-paid", ARR_POSTS, "to"},
	{"personnel.retired-cadre-over-age", ARR_POSTS, "to"},
	{"personnel.no-labor-contract", ARR_STAFF, "labor_contract_on"},
	{"personnel.no-social-insurance", ARR_STAFF, "social_insurance_on"},
	{"personnel.staffing-quota-not-cancelled", ARR_ASSOCIATIONS, "staffing_quota_cancelled_on"},
	{"finance.no-independent-account", ARR_ASSOCIATIONS, "independent_account_on"},
	{"finance.asset-inventory-missing", ARR_ASSOCIATIONS, "asset_inventory_on"},
	{"finance.state-asset-unregistered", ARR_ASSETS, "registered_on"},
	{"office.excess-area", ARR_PREMISES, "to"},
	{"function.list-missing", ARR_UNITS, "function_list_on"},
	{"function.administrative-not-stripped", ARR_FUNCTIONS, "stripped_on"},
	{"party.not-transferred", ARR_ASSOCIATIONS, "party_transferred_on"},
	{"task.supporting-rules-late", ARR_UNIT_TASKS, "issued_on"},
	{"task.not-published", ARR_UNIT_TASKS, "published_on"},
	{"charter.not-filed", ARR_ASSOCIATIONS, "charter_filed_on"},
	{"governance.departure-audit-missing", ARR_POSTS, "departure_audit_on"},
};

bool progress_done_field(const char *rule, int *array, const char **field)
{
	for (size_t i = 0; i < sizeof done_fields / sizeof done_fields[0]; i++)
		if (!strcmp(done_fields[i].rule, rule)) {
			*array = done_fields[i].array;
			*field = done_fields[i].field;
			return true;
		}
	return false;
}

/* The association-level steps, in the order of the plan's path. */
typedef bool (*applies_fn)(const tg_association *a, const tg_plan *plan, tg_date d);

static bool before_plan_with_link(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)d;
	return a->link >= 0 && a->registered_on < plan->p.issued;
}
static bool after_plan_with_link(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)d;
	return a->link >= 0 && a->registered_on >= plan->p.issued;
}
static bool before_plan(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)d;
	return a->registered_on < plan->p.issued;
}
static bool always(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)a, (void)plan, (void)d;
	return true;
}
static bool has_party(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)plan, (void)d;
	return a->party_org;
}
static bool decoupled(const tg_association *a, const tg_plan *plan, tg_date d)
{
	(void)plan;
	return date_happened(a->decoupled_on, d);
}
static bool decoupled_with_quota(const tg_association *a, const tg_plan *plan, tg_date d)
{
	return a->staffing_quota > 0 && decoupled(a, plan, d);
}
/* "City level" (市直) in rules.md reads "the association's level equals
** the plan's" (obligations.md). */
static bool own_level_decoupled(const tg_association *a, const tg_plan *plan, tg_date d)
{
	return (int)a->level == plan->level && decoupled(a, plan, d);
}
static bool own_level_summary_in(const tg_association *a, const tg_plan *plan, tg_date d)
{
	return (int)a->level == plan->level && date_happened(a->report_submitted_on, d);
}

static const struct step {
	const char *rule;
	applies_fn applies;
} steps[] = {
	{"plan.not-submitted", always},
	{"institution.link-active", before_plan_with_link},
	{"registration.new-with-link", after_plan_with_link},
	{"personnel.staffing-quota-not-cancelled", decoupled_with_quota},
	{"finance.asset-inventory-missing", before_plan},
	{"finance.no-independent-account", always},
	{"party.not-transferred", has_party},
	{"decoupling.incomplete", always},
	{"report.summary-missing", own_level_decoupled},
	{"audit.report-missing", decoupled},
	{"acceptance.pending", own_level_summary_in},
	{"charter.not-filed", decoupled},
};
#define N_STEPS (sizeof steps / sizeof steps[0])

static tg_date field_date(const tg_register *r, int array, const char *key, const char *field)
{
	tg_ix i = register_find(r, array, key);
	const tg_field *f = schema_field(array, field);
	if (i == TG_IX_NONE || !f || f->type != FT_DATE)
		return TG_DATE_NONE;
	return *(const tg_date *)((const char *)register_row(r, array, i) + f->off);
}

static const char *subject_label(const tg_register *r, const tg_plan *plan, int array,
				 const char *key, tg_arena *arena)
{
	(void)plan;
	tg_ix i = key ? register_find(r, array, key) : TG_IX_NONE;
	if (i == TG_IX_NONE)
		return key;
	const void *row = register_row(r, array, i);
	switch (array) {
	case ARR_POSTS: {
		const tg_post *t = row;
		const char *who = t->person_ix == TG_IX_NONE
					  ? t->person
					  : REG_ROWS(r, ARR_PERSONS, tg_person)[t->person_ix].name;
		static const char *roles[] = {"会长（理事长）", "副会长", "秘书长", "理事", "监事",
					      "委派监事", "其他"};
		return arena_printf(arena, "%s（%s）", who, t->role >= 0 ? roles[t->role] : "");
	}
	case ARR_STAFF:
		return ((const tg_staff *)row)->name ? ((const tg_staff *)row)->name : key;
	case ARR_ASSETS:
		return ((const tg_asset *)row)->name ? ((const tg_asset *)row)->name : key;
	case ARR_FUNCTIONS:
		return ((const tg_function *)row)->name ? ((const tg_function *)row)->name : key;
	case ARR_PREMISES:
		return ((const tg_premises *)row)->address ? ((const tg_premises *)row)->address : key;
	default:
		return key;
	}
}

/* The array a finding's subject lives in, from the rule's family. */
static int subject_array(const char *rule)
{
	int array;
	const char *field;
	if (progress_done_field(rule, &array, &field))
		return array;
	if (!strncmp(rule, "governance.dispatched", 21))
		return ARR_POSTS;
	if (!strcmp(rule, "governance.term-expired") || !strcmp(rule, "governance.election-irregular"))
		return ARR_ELECTIONS;
	if (!strcmp(rule, "finance.direct-appropriation"))
		return ARR_APPROPRIATIONS;
	if (!strcmp(rule, "office.administrative-space"))
		return ARR_PREMISES;
	if (!strcmp(rule, "function.entrusted-without-purchase"))
		return ARR_FUNCTIONS;
	if (!strcmp(rule, "foreign.approved-by-former-unit"))
		return ARR_FOREIGN_APPROVALS;
	if (!strcmp(rule, "credit.serious-candidate"))
		return ARR_CREDIT_LISTINGS;
	if (!strcmp(rule, "annual-report.missing"))
		return ARR_ANNUAL_REPORTS;
	return ARR_ASSOCIATIONS;
}

typedef struct item_list {
	tg_check_item *v;
	size_t n, cap;
} item_list;

static tg_check_item *item_add(item_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	tg_check_item *it = &l->v[l->n++];
	memset(it, 0, sizeof *it);
	it->done_on = TG_DATE_NONE;
	it->due = TG_DATE_NONE;
	return it;
}

/* An obligation of the plan (obligations.md) as a checklist item: its
** clause and title from the plan, its subject array, and how it is done. */
static bool describe_obligation(const tg_plan *plan, const char *id, tg_check_item *it)
{
	const tg_obligation *o = plan_obligation(plan, id);
	if (!o)
		return false;
	it->rule = o->id;
	it->clause = o->clause;
	it->title = o->title ? o->title : o->id;
	it->array = o->subject;
	switch (o->done) {
	case DONE_FIELD: {
		const tg_field *f = schema_field_at(o->subject, o->done_off);
		it->field = f ? f->key : NULL;
		it->done_by = f ? "field" : NULL;
		break;
	}
	case DONE_STEP: it->done_by = "step"; break;
	case DONE_RECORD: it->done_by = "record"; break;
	}
	return true;
}

static void describe_rule(const tg_plan *plan, const char *rule, tg_check_item *it)
{
	if (describe_obligation(plan, rule, it)) {
		const tg_clause *cl = plan_clause(plan, it->clause);
		it->cite = cl ? cl->cite : it->clause;
		return;
	}
	const tg_plan_rule *pr = plan_rule(plan, rule);
	const tg_rule_def *def = rules_find(rule);
	it->rule = def ? def->id : rule;
	it->clause = pr ? pr->clause : def ? def->clause : "";
	it->title = pr && pr->title ? pr->title : it->rule;
	const tg_clause *cl = plan_clause(plan, it->clause);
	it->cite = cl ? cl->cite : it->clause;
}

static void set_from_finding(const tg_findings *fs, const tg_calendar *cal, const tg_finding *f,
			     tg_check_item *it)
{
	it->finding = f;
	it->due = f->due;
	it->status = finding_overdue(fs, f) ? "overdue" : "open";
	it->light = progress_light(cal, f->due, fs->as_of);
}

/* A done item of an obligation (obligations_done): kept in the checklist
** with its due date, its done date and so its evidence, named as its
** finding was while it was open ("key", "key/Y", "Y" or none). */
struct done_ctx {
	const tg_register *r;
	const tg_plan *plan;
	item_list *items;
	tg_arena *arena;
};

static void add_done(void *vctx, const tg_obligation *o, const char *key, int year, tg_date due,
		     tg_date done_on)
{
	struct done_ctx *c = vctx;
	tg_check_item *it = item_add(c->items);
	describe_rule(c->plan, o->id, it);
	it->subject = !year ? key
		      : key ? arena_printf(c->arena, "%s/%d", key, year)
			    : arena_printf(c->arena, "%d", year);
	it->subject_label = it->subject ? subject_label(c->r, c->plan, it->array, it->subject,
							c->arena)
					: NULL;
	it->status = "done";
	it->due = due;
	it->done_on = done_on;
}

void checklist_build(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		     const tg_findings *fs, tg_ix ai, tg_checklist *out)
{
	memset(out, 0, sizeof *out);
	arena_init(&out->arena);
	const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ai];
	tg_date d = fs->as_of;
	bool in_A = rules_registered(a, d) && rules_in_scope(r, plan, a);
	item_list items = {0};

	/* this association's findings, in one pass over the run */
	const tg_finding **mine = malloc((fs->count ? fs->count : 1) * sizeof *mine);
	size_t n_mine = 0;
	if (!mine)
		abort();
	for (size_t k = 0; k < fs->count; k++)
		if (fs->items[k].association && !strcmp(fs->items[k].association, a->uscc))
			mine[n_mine++] = &fs->items[k];

	/* 1. the fixed steps, done or not */
	for (size_t s = 0; in_A && s < N_STEPS; s++) {
		if (!plan_rule(plan, steps[s].rule) || !steps[s].applies(a, plan, d))
			continue;
		tg_check_item *it = item_add(&items);
		describe_rule(plan, steps[s].rule, it);
		it->array = ARR_ASSOCIATIONS;
		progress_done_field(steps[s].rule, &it->array, &it->field);
		it->done_by = it->field ? "field" : NULL;
		it->status = "done";
		for (size_t k = 0; k < n_mine; k++) {
			const tg_finding *f = mine[k];
			if (!f->subject && !strcmp(f->rule, steps[s].rule)) {
				set_from_finding(fs, cal, f, it);
				break;
			}
		}
		if (!it->finding) {
			it->done_on = field_date(r, ARR_ASSOCIATIONS, a->uscc, it->field);
			if (!date_happened(it->done_on, d))
				it->done_on = TG_DATE_NONE;
		}
	}
	/* 2. every other finding about this association */
	for (size_t k = 0; k < n_mine; k++) {
		const tg_finding *f = mine[k];
		bool is_step = false;
		for (size_t s = 0; s < N_STEPS && !f->subject; s++)
			is_step |= !strcmp(steps[s].rule, f->rule) && in_A;
		if (is_step)
			continue;
		tg_check_item *it = item_add(&items);
		describe_rule(plan, f->rule, it);
		it->subject = f->subject;
		if (!plan_obligation(plan, f->rule)) {
			it->array = subject_array(f->rule);
			int array;
			if (progress_done_field(f->rule, &array, &it->field) && array != it->array)
				it->field = NULL;
			it->done_by = it->field ? "field" : NULL;
		}
		it->subject_label = f->subject ? subject_label(r, plan, it->array, f->subject,
							       &out->arena)
					       : NULL;
		set_from_finding(fs, cal, f, it);
	}
	free(mine);
	/* 2b. the plan's obligations done by D, which their findings no longer
	** show: a done item keeps its due date and its evidence */
	struct done_ctx dc = {r, rules_plan_for(plan, r, a->jurisdiction), &items, &out->arena};
	obligations_done(r, dc.plan, cal, ai, d, add_done, &dc);

	/* 3. group by section: the plan's separations, its groups, supervision */
	const char *order[TG_PLAN_SECTIONS_MAX];
	const char *names[TG_PLAN_SECTIONS_MAX];
	size_t n_order = plan_sections(plan, order, names);
	out->sections = arena_alloc(&out->arena, n_order * sizeof *out->sections);
	for (size_t s = 0; s < n_order; s++) {
		tg_checklist_section *sec = &out->sections[out->n_sections++];
		sec->id = order[s];
		sec->name = names[s];
		sec->items = arena_alloc(&out->arena, (items.n ? items.n : 1) * sizeof *sec->items);
		for (size_t k = 0; k < items.n; k++) {
			const char *name;
			if (!strcmp(plan_section_of(plan, items.v[k].clause, &name), sec->id))
				sec->items[sec->n_items++] = items.v[k];
		}
	}
	free(items.v);
}

void checklist_release(tg_checklist *cl)
{
	arena_free(&cl->arena);
	memset(cl, 0, sizeof *cl);
}

/* ---- dashboard ---- */

static tg_dashboard_row *row_for(tg_dashboard_row *rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if ((!id && !rows[i].id) || (id && rows[i].id && !strcmp(rows[i].id, id)))
			return &rows[i];
	return NULL;
}

/* The county rows of the dashboard: every jurisdiction of level county
** within the filter, in the register's order. */
static void county_rows(const tg_register *r, const char *within, tg_dashboard *out)
{
	size_t nj = REG_COUNT(r, ARR_JURISDICTIONS);
	const tg_jurisdiction *js = REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction);
	out->by_jurisdiction = arena_alloc(&out->arena, (nj ? nj : 1) * sizeof *out->by_jurisdiction);
	for (size_t i = 0; i < nj; i++)
		if (js[i].level == JL_COUNTY && (!within || rules_within(r, js[i].id, within)))
			out->by_jurisdiction[out->n_jurisdiction++] =
				(tg_dashboard_row){js[i].id, js[i].name, TG_DATE_NONE, 0, 0, 0, 0, 0};
}

/* The county row a record of jurisdiction code counts in, or NULL. */
static tg_dashboard_row *county_row(const tg_register *r, tg_dashboard *out, const char *code)
{
	for (size_t i = 0; code && i < out->n_jurisdiction; i++)
		if (rules_within(r, code, out->by_jurisdiction[i].id))
			return &out->by_jurisdiction[i];
	return NULL;
}

/* The fixed steps of association a (in scope, judged under judged) done
** by D: the separation (of root's sections) of each, into out; how many. */
static size_t steps_done(const tg_register *r, const tg_plan *root, const tg_plan *judged,
			 const tg_association *a, tg_date d, const char *out[N_STEPS])
{
	size_t n = 0;
	for (size_t s = 0; s < N_STEPS; s++) {
		int array;
		const char *field, *name;
		const tg_plan_rule *pr = plan_rule(judged, steps[s].rule);
		if (!pr || !steps[s].applies(a, judged, d) ||
		    !progress_done_field(steps[s].rule, &array, &field))
			continue;
		if (date_happened(field_date(r, ARR_ASSOCIATIONS, a->uscc, field), d))
			out[n++] = plan_section_of(root, pr->clause, &name);
	}
	return n;
}

/* The rows every dashboard of (r, plan, filter) has, all zero: the batches
** (the register's, then the plan's not overridden, then none), the
** separations, the counties within the filter; by_unit room for every
** unit. */
static void dash_frame(const tg_register *r, const tg_plan *plan, const char *jurisdiction,
		       tg_dashboard *out)
{
	size_t nb_reg = REG_COUNT(r, ARR_BATCHES), nu = REG_COUNT(r, ARR_UNITS);
	out->by_batch = arena_alloc(&out->arena, (nb_reg + plan->n_batches + 1) * sizeof *out->by_batch);
	for (size_t i = 0; i < nb_reg; i++) {
		const tg_batch *b = &REG_ROWS(r, ARR_BATCHES, tg_batch)[i];
		out->by_batch[out->n_batch++] = (tg_dashboard_row){b->id, b->name ? b->name : b->id,
								    b->due, 0, 0, 0, 0, 0};
	}
	for (size_t i = 0; i < plan->n_batches; i++)
		if (!row_for(out->by_batch, out->n_batch, plan->batches[i].id))
			out->by_batch[out->n_batch++] = (tg_dashboard_row){
				plan->batches[i].id, plan->batches[i].name, plan->batches[i].due,
				0, 0, 0, 0, 0};
	out->by_batch[out->n_batch++] = (tg_dashboard_row){NULL, "未分批", plan->p.decoupling_due,
							    0, 0, 0, 0, 0};
	out->by_unit = arena_alloc(&out->arena, (nu ? nu : 1) * sizeof *out->by_unit);
	county_rows(r, jurisdiction, out);
	const char *ids[TG_PLAN_SECTIONS_MAX];
	const char *names[TG_PLAN_SECTIONS_MAX];
	size_t n_sections = plan_sections(plan, ids, names);
	out->by_separation = arena_alloc(&out->arena, n_sections * sizeof *out->by_separation);
	for (size_t s = 0; s < n_sections; s++)
		out->by_separation[out->n_separation++] =
			(tg_dashboard_row){ids[s], names[s], TG_DATE_NONE, 0, 0, 0, 0, 0};
}

void dashboard_compute(const tg_register *r, const tg_plan *root, const tg_findings *fs,
		       tg_ix unit_filter, const char *jurisdiction, tg_dashboard *out)
{
	const tg_plan *plan = root;
	memset(out, 0, sizeof *out);
	arena_init(&out->arena);
	out->as_of = fs->as_of;
	tg_date d = fs->as_of;
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS), nu = REG_COUNT(r, ARR_UNITS);
	const tg_association *as = REG_ROWS(r, ARR_ASSOCIATIONS, tg_association);

	dash_frame(r, plan, jurisdiction, out);
	size_t *unit_row = malloc((nu ? nu : 1) * sizeof *unit_row);
	if (!unit_row)
		abort();
	for (size_t u = 0; u < nu; u++)
		unit_row[u] = SIZE_MAX;

	for (size_t i = 0; i < na; i++) {
		const tg_association *a = &as[i];
		const tg_plan *judged = rules_plan_for(root, r, a->jurisdiction);
		if (unit_filter != TG_IX_NONE && a->unit_ix != unit_filter)
			continue;
		if (jurisdiction && !rules_within(r, a->jurisdiction, jurisdiction))
			continue;
		if (!rules_registered(a, d) || !rules_in_scope(r, judged, a))
			continue;
		bool dec = date_happened(a->decoupled_on, d);
		tg_dashboard_row *cr = county_row(r, out, a->jurisdiction);
		if (cr) {
			cr->in_scope++;
			cr->decoupled += dec;
		}
		out->in_scope++;
		out->decoupled += dec;
		out->accepted += date_happened(a->accepted_on, d);
		tg_dashboard_row *b = row_for(out->by_batch, out->n_batch, a->batch);
		if (!b)
			b = row_for(out->by_batch, out->n_batch, NULL);
		b->in_scope++;
		b->decoupled += dec;
		if (!dec && d > rules_due(r, judged, a))
			b->overdue++;
		if (a->unit_ix != TG_IX_NONE) {
			if (unit_row[a->unit_ix] == SIZE_MAX) {
				const tg_unit *u = &REG_ROWS(r, ARR_UNITS, tg_unit)[a->unit_ix];
				unit_row[a->unit_ix] = out->n_unit;
				out->by_unit[out->n_unit++] =
					(tg_dashboard_row){u->id, u->name, TG_DATE_NONE, 0, 0, 0, 0, 0};
			}
			tg_dashboard_row *ur = &out->by_unit[unit_row[a->unit_ix]];
			ur->in_scope++;
			ur->decoupled += dec;
		}
	}
	out->not_decoupled = out->in_scope - out->decoupled;

	/* separations: open/overdue findings by clause, done fixed steps */
	for (size_t k = 0; k < fs->count; k++) {
		const tg_finding *f = &fs->items[k];
		if (unit_filter != TG_IX_NONE && f->unit_ix != (int32_t)unit_filter)
			continue;
		const char *fj = jurisdiction || out->n_jurisdiction ? finding_jurisdiction(r, f) : NULL;
		if (jurisdiction && !rules_within(r, fj, jurisdiction))
			continue;
		bool overdue = finding_overdue(fs, f);
		tg_dashboard_row *cr = county_row(r, out, fj);
		if (cr) {
			cr->overdue += overdue;
			cr->open += !overdue;
		}
		out->overdue_findings += overdue;
		out->open_findings += !overdue;
		if (!strcmp(f->rule, "acceptance.pending"))
			out->awaiting_acceptance++;
		if (!strcmp(f->rule, "report.summary-missing"))
			out->summaries_missing++;
		const char *name;
		tg_dashboard_row *sr = row_for(out->by_separation, out->n_separation,
					       plan_section_of(plan, f->clause, &name));
		if (sr) {
			sr->overdue += overdue;
			sr->open += !overdue;
		}
		if (f->unit_ix >= 0 && (size_t)f->unit_ix < nu && unit_row[f->unit_ix] != SIZE_MAX)
			out->by_unit[unit_row[f->unit_ix]].overdue += overdue;
	}
	/* done: fixed steps whose field happened, for associations in scope */
	for (size_t i = 0; i < na; i++) {
		const tg_association *a = &as[i];
		const tg_plan *judged = rules_plan_for(root, r, a->jurisdiction);
		if ((unit_filter != TG_IX_NONE && a->unit_ix != unit_filter) ||
		    (jurisdiction && !rules_within(r, a->jurisdiction, jurisdiction)) ||
		    !rules_registered(a, d) || !rules_in_scope(r, judged, a))
			continue;
		const char *done[N_STEPS];
		for (size_t s = 0, n = steps_done(r, plan, judged, a, d, done); s < n; s++) {
			tg_dashboard_row *sr = row_for(out->by_separation, out->n_separation, done[s]);
			if (sr)
				sr->done++;
		}
	}
	free(unit_row);
}

void dashboard_release(tg_dashboard *dash)
{
	arena_free(&dash->arena);
	memset(dash, 0, sizeof *dash);
}

/* ---- the deadline lists ---- */

/* Whether finding f counts in a dashboard of the filter (unit_filter,
** jurisdiction), with the jurisdiction it counts in (in *fj when asked
** for). */
static bool finding_in(const tg_register *r, const tg_finding *f, tg_ix unit_filter,
		       const char *jurisdiction, bool want_fj, const char **fj)
{
	if (unit_filter != TG_IX_NONE && f->unit_ix != (int32_t)unit_filter)
		return false;
	const char *j = jurisdiction || want_fj ? finding_jurisdiction(r, f) : NULL;
	if (jurisdiction && !rules_within(r, j, jurisdiction))
		return false;
	if (fj)
		*fj = j;
	return true;
}

/* The order of a deadline list: by due, then in the findings' order (a
** stable sort of the findings by due gives the same). */
static int cmp_deadline(const tg_finding *x, const tg_finding *y)
{
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return finding_cmp(x, y);
}

static int cmp_upcoming(const void *x, const void *y)
{
	return cmp_deadline(*(const tg_finding *const *)x, *(const tg_finding *const *)y);
}

static int cmp_late(const void *x, const void *y)
{
	return cmp_deadline(*(const tg_finding *const *)y, *(const tg_finding *const *)x);
}

static bool deadline_of(const tg_findings *fs, const tg_finding *f, bool late)
{
	return f->due != TG_DATE_NONE && finding_overdue(fs, f) == late;
}

/* The findings of fs within the filter on list late (or upcoming), best
** first, into *v (malloc'd; *n of them). */
static void deadline_sort(const tg_register *r, const tg_findings *fs, tg_ix unit_filter,
			  const char *jurisdiction, bool late, const tg_finding ***v, size_t *n)
{
	const tg_finding **p = malloc((fs->count ? fs->count : 1) * sizeof *p);
	if (!p)
		abort();
	size_t m = 0;
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		if (deadline_of(fs, f, late) && finding_in(r, f, unit_filter, jurisdiction, false, NULL))
			p[m++] = f;
	}
	qsort(p, m, sizeof *p, late ? cmp_late : cmp_upcoming);
	*v = p;
	*n = m;
}

/* Room for out's list late (or upcoming) of n findings, set in out. */
static tg_finding *deadline_list(tg_dashboard *out, int late, size_t n)
{
	tg_finding *list = arena_alloc(&out->arena, (n ? n : 1) * sizeof *list);
	*(late ? &out->late : &out->upcoming) = list;
	*(late ? &out->n_late : &out->n_upcoming) = n;
	return list;
}

void dashboard_deadlines(const tg_register *r, const tg_findings *fs, tg_ix unit_filter,
			 const char *jurisdiction, tg_dashboard *out)
{
	for (int late = 0; late < 2; late++) {
		const tg_finding **v;
		size_t n;
		deadline_sort(r, fs, unit_filter, jurisdiction, late, &v, &n);
		if (n > DASHBOARD_DEADLINES)
			n = DASHBOARD_DEADLINES;
		tg_finding *list = deadline_list(out, late, n);
		for (size_t k = 0; k < n; k++)
			list[k] = *v[k];
		free(v);
	}
}

/* ---- the dashboard kept by difference ---- */

/* The counters of a kept dashboard, one array: the totals, then three per
** batch row (in scope, decoupled, overdue), three per unit of the register
** (in scope, decoupled, overdue findings), three per separation (done,
** open, overdue), four per county row (in scope, decoupled, open,
** overdue).  An association's contribution is the list of the counters
** it adds one to. */
enum { K_IN_SCOPE, K_DECOUPLED, K_OVERDUE, K_OPEN, K_AWAITING, K_SUMMARIES, K_ACCEPTED, K_TOTALS };

/* The candidates of one deadline list kept: more than a view shows, so
** that a write taking some away seldom leaves fewer than it shows (the
** tests set fewer: dashboard_kept_candidates). */
#define KEPT_CANDIDATES 64
static size_t kept_candidates = KEPT_CANDIDATES;

void dashboard_kept_candidates(size_t n)
{
	kept_candidates = n < DASHBOARD_DEADLINES ? DASHBOARD_DEADLINES : n;
}

typedef struct kept_list {
	tg_finding *v; /* best first: copies, pointing into the findings' strings */
	size_t n;
	bool complete; /* every finding of the list is in v */
} kept_list;

typedef struct kept_assoc {
	uint32_t off, n; /* its counters: pool[off .. off + n) */
	tg_ix unit;      /* the unit it is counted under, TG_IX_NONE: none */
	bool counted;    /* in scope, within the filter */
} kept_assoc;

/* What the findings about one place (rules_finding_place: a unit, a
** person, a unit's task) add: a write re-evaluates the places it reached
** only (rules.h, tg_reached), so their findings are taken away and added
** per place. */
typedef struct kept_place {
	int arr;
	char *key;
	uint32_t *c;
	size_t n, cap;
} kept_place;

struct tg_dashboard_kept {
	tg_date as_of;
	tg_ix unit_filter;
	char *jurisdiction;
	size_t n_batch, n_unit, n_sep, n_county;
	size_t o_batch, o_unit, o_sep, o_county, n_counters;
	size_t *c;
	kept_assoc *per;
	size_t na;
	uint32_t *pool;
	size_t pool_n, pool_cap, pool_live;
	uint32_t *beyond; /* what the findings naming no association nor place add */
	size_t n_beyond, beyond_cap;
	kept_place *places; /* what each place's findings add, by (arr, key) */
	size_t n_places, places_cap;
	size_t *unit_first; /* per unit: its first association counted, SIZE_MAX none */
	/* the units with an association counted, in the order of their first
	** (the view's rows), each with the first it was sorted by: sorted
	** again only when that changed (unit_order) */
	size_t (*order)[2];
	size_t n_order;
	kept_list lists[2]; /* upcoming, late */
	size_t cap;         /* candidates per list */
};

/* One computation's context: the frame of rows on r (to find a row's
** index) and the counters collected for one association. */
typedef struct kept_ctx {
	tg_dashboard_kept *k;
	const tg_register *r;
	const tg_plan *root;
	tg_dashboard fr;
	uint32_t *buf;
	size_t n, cap;
} kept_ctx;

static void *kmust(void *p)
{
	if (!p)
		abort();
	return p;
}

static void push(kept_ctx *x, size_t id)
{
	assert(id < x->k->n_counters);
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->buf = kmust(realloc(x->buf, x->cap * sizeof *x->buf));
	}
	x->buf[x->n++] = (uint32_t)id;
}

static size_t row_index(const tg_dashboard_row *rows, size_t n, const char *id)
{
	const tg_dashboard_row *row = row_for((tg_dashboard_row *)rows, n, id);
	return row ? (size_t)(row - rows) : SIZE_MAX;
}

static size_t county_index(kept_ctx *x, const char *code)
{
	tg_dashboard_row *row = county_row(x->r, &x->fr, code);
	return row ? (size_t)(row - x->fr.by_jurisdiction) : SIZE_MAX;
}

/* The frame of rows on r; false when it does not fit k's counters (a
** batch, unit or jurisdiction was written: the rows are others). */
static bool ctx_begin(kept_ctx *x, tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan)
{
	memset(x, 0, sizeof *x);
	x->k = k;
	x->r = r;
	x->root = plan;
	arena_init(&x->fr.arena);
	dash_frame(r, plan, k->jurisdiction, &x->fr);
	size_t nu = REG_COUNT(r, ARR_UNITS);
	if (!k->n_counters) {
		k->n_batch = x->fr.n_batch;
		k->n_unit = nu;
		k->n_sep = x->fr.n_separation;
		k->n_county = x->fr.n_jurisdiction;
		k->o_batch = K_TOTALS;
		k->o_unit = k->o_batch + 3 * k->n_batch;
		k->o_sep = k->o_unit + 3 * k->n_unit;
		k->o_county = k->o_sep + 3 * k->n_sep;
		k->n_counters = k->o_county + 4 * k->n_county;
		k->c = kmust(calloc(k->n_counters, sizeof *k->c));
		k->unit_first = kmust(malloc((nu ? nu : 1) * sizeof *k->unit_first));
		for (size_t u = 0; u < nu; u++)
			k->unit_first[u] = SIZE_MAX;
		return true;
	}
	/* the same rows: a batch, unit or jurisdiction written re-evaluates
	** all (no incremental run), so only a mistaken caller sees others */
	return k->n_batch == x->fr.n_batch && k->n_unit == nu &&
	       k->n_sep == x->fr.n_separation && k->n_county == x->fr.n_jurisdiction;
}

static void ctx_end(kept_ctx *x)
{
	arena_free(&x->fr.arena);
	free(x->buf);
}

/* What association i adds (its record's facts, as dashboard_compute counts
** them); whether it is counted. */
static bool assoc_part(kept_ctx *x, tg_ix i, tg_date d, tg_ix *unit)
{
	const tg_dashboard_kept *k = x->k;
	const tg_register *r = x->r;
	const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[i];
	const tg_plan *judged = rules_plan_for(x->root, r, a->jurisdiction);
	*unit = TG_IX_NONE;
	if (k->unit_filter != TG_IX_NONE && a->unit_ix != k->unit_filter)
		return false;
	if (k->jurisdiction && !rules_within(r, a->jurisdiction, k->jurisdiction))
		return false;
	if (!rules_registered(a, d) || !rules_in_scope(r, judged, a))
		return false;
	bool dec = date_happened(a->decoupled_on, d);
	size_t cr = county_index(x, a->jurisdiction);
	if (cr != SIZE_MAX) {
		push(x, k->o_county + 4 * cr);
		if (dec)
			push(x, k->o_county + 4 * cr + 1);
	}
	push(x, K_IN_SCOPE);
	if (dec)
		push(x, K_DECOUPLED);
	if (date_happened(a->accepted_on, d))
		push(x, K_ACCEPTED);
	size_t b = row_index(x->fr.by_batch, x->fr.n_batch, a->batch);
	if (b == SIZE_MAX)
		b = row_index(x->fr.by_batch, x->fr.n_batch, NULL);
	push(x, k->o_batch + 3 * b);
	if (dec)
		push(x, k->o_batch + 3 * b + 1);
	if (!dec && d > rules_due(r, judged, a))
		push(x, k->o_batch + 3 * b + 2);
	if (a->unit_ix != TG_IX_NONE) {
		*unit = a->unit_ix;
		push(x, k->o_unit + 3 * a->unit_ix);
		if (dec)
			push(x, k->o_unit + 3 * a->unit_ix + 1);
	}
	const char *done[N_STEPS];
	for (size_t s = 0, n = steps_done(r, x->root, judged, a, d, done); s < n; s++) {
		size_t sr = row_index(x->fr.by_separation, x->fr.n_separation, done[s]);
		if (sr != SIZE_MAX)
			push(x, k->o_sep + 3 * sr);
	}
	return true;
}

/* What finding f of fs adds. */
static void finding_part(kept_ctx *x, const tg_findings *fs, const tg_finding *f)
{
	const tg_dashboard_kept *k = x->k;
	const char *fj = NULL, *name;
	if (!finding_in(x->r, f, k->unit_filter, k->jurisdiction, k->n_county > 0, &fj))
		return;
	bool overdue = finding_overdue(fs, f);
	size_t cr = k->n_county ? county_index(x, fj) : SIZE_MAX;
	if (cr != SIZE_MAX)
		push(x, k->o_county + 4 * cr + (overdue ? 3 : 2));
	push(x, overdue ? K_OVERDUE : K_OPEN);
	if (!strcmp(f->rule, "acceptance.pending"))
		push(x, K_AWAITING);
	if (!strcmp(f->rule, "report.summary-missing"))
		push(x, K_SUMMARIES);
	size_t sr = row_index(x->fr.by_separation, x->fr.n_separation,
			      plan_section_of(x->root, f->clause, &name));
	if (sr != SIZE_MAX)
		push(x, k->o_sep + 3 * sr + (overdue ? 2 : 1));
	if (overdue && f->unit_ix >= 0 && (size_t)f->unit_ix < k->n_unit)
		push(x, k->o_unit + 3 * (size_t)f->unit_ix + 2);
}

/* The counters collected in x become association i's contribution. */
static void assoc_store(kept_ctx *x, tg_ix i, bool counted, tg_ix unit)
{
	tg_dashboard_kept *k = x->k;
	if (k->pool_n + x->n > k->pool_cap) {
		k->pool_cap = 2 * (k->pool_n + x->n) + 1024;
		k->pool = kmust(realloc(k->pool, k->pool_cap * sizeof *k->pool));
	}
	assert(k->pool_n + x->n <= UINT32_MAX);
	if (x->n)
		memcpy(k->pool + k->pool_n, x->buf, x->n * sizeof *x->buf);
	k->per[i] = (kept_assoc){(uint32_t)k->pool_n, (uint32_t)x->n, unit, counted};
	k->pool_n += x->n;
	k->pool_live += x->n;
	for (size_t j = 0; j < x->n; j++)
		k->c[x->buf[j]]++;
	x->n = 0;
}

/* The counters collected in x appended to a list (*v, *n of *cap) and
** counted. */
static void take_counters(kept_ctx *x, uint32_t **v, size_t *n, size_t *cap)
{
	if (*n + x->n > *cap) {
		*cap = 2 * (*n + x->n) + 8;
		*v = kmust(realloc(*v, *cap * sizeof **v));
	}
	if (x->n)
		memcpy(*v + *n, x->buf, x->n * sizeof *x->buf);
	*n += x->n;
	for (size_t j = 0; j < x->n; j++)
		x->k->c[x->buf[j]]++;
	x->n = 0;
}

static void beyond_store(kept_ctx *x)
{
	tg_dashboard_kept *k = x->k;
	take_counters(x, &k->beyond, &k->n_beyond, &k->beyond_cap);
}

static int place_cmp(const kept_place *p, int arr, const char *key)
{
	return p->arr != arr ? (p->arr < arr ? -1 : 1) : strcmp(p->key, key);
}

/* The position of place (arr, key) in k->places, or where it would go. */
static size_t place_at(const tg_dashboard_kept *k, int arr, const char *key, bool *found)
{
	size_t lo = 0, hi = k->n_places;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (place_cmp(&k->places[mid], arr, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < k->n_places && !place_cmp(&k->places[lo], arr, key);
	return lo;
}

/* The counters collected in x become (part of) what place (arr, key)
** adds. */
static void place_store(kept_ctx *x, int arr, const char *key)
{
	tg_dashboard_kept *k = x->k;
	bool found;
	size_t i = place_at(k, arr, key, &found);
	if (!found) {
		if (k->n_places == k->places_cap) {
			k->places_cap = k->places_cap ? 2 * k->places_cap : 64;
			k->places = kmust(realloc(k->places, k->places_cap * sizeof *k->places));
		}
		memmove(k->places + i + 1, k->places + i, (k->n_places - i) * sizeof *k->places);
		k->places[i] = (kept_place){arr, kmust(strdup(key)), NULL, 0, 0};
		k->n_places++;
	}
	kept_place *p = &k->places[i];
	take_counters(x, &p->c, &p->n, &p->cap);
}

/* What place i adds taken away, and the place forgotten. */
static void place_drop(tg_dashboard_kept *k, size_t i)
{
	kept_place *p = &k->places[i];
	for (size_t j = 0; j < p->n; j++)
		k->c[p->c[j]]--;
	free(p->c);
	free(p->key);
	memmove(k->places + i, k->places + i + 1, (k->n_places - i - 1) * sizeof *k->places);
	k->n_places--;
}

/* What finding f of fs, naming no association, adds: to its place's, or
** to those of no place. */
static void unnamed_part(kept_ctx *x, const tg_findings *fs, const tg_finding *f)
{
	finding_part(x, fs, f);
	int place = rules_finding_place(f);
	if (place >= 0 && f->subject)
		place_store(x, place, f->subject);
	else
		beyond_store(x);
}

/* The association a finding counts under in r: its index when it names one
** of the register (the splice keeps or replaces it with its association),
** else TG_IX_NONE (it is taken again with every evaluation). */
static tg_ix finding_assoc(const tg_register *r, const tg_finding *f)
{
	return f->association ? register_find(r, ARR_ASSOCIATIONS, f->association) : TG_IX_NONE;
}

/* List late (or upcoming) taken afresh from fs. */
static void list_full(tg_dashboard_kept *k, const tg_register *r, const tg_findings *fs, int late)
{
	const tg_finding **v;
	size_t n;
	deadline_sort(r, fs, k->unit_filter, k->jurisdiction, late, &v, &n);
	kept_list *l = &k->lists[late];
	l->complete = n <= k->cap;
	l->n = n < k->cap ? n : k->cap;
	if (!l->v)
		l->v = kmust(malloc(k->cap * sizeof *l->v));
	for (size_t i = 0; i < l->n; i++)
		l->v[i] = *v[i];
	free(v);
}

static int cmp_first(const void *x, const void *y)
{
	size_t a = ((const size_t *)x)[1], b = ((const size_t *)y)[1];
	return (a > b) - (a < b);
}

/* k->order brought up to date: kept when every unit it holds is still
** counted from the same first association and no other is counted (a
** pass over the units), else sorted again. */
static void unit_order(tg_dashboard_kept *k)
{
	size_t counted = 0;
	for (size_t u = 0; u < k->n_unit; u++)
		counted += k->c[k->o_unit + 3 * u] != 0;
	bool same = k->order && counted == k->n_order;
	for (size_t i = 0; same && i < k->n_order; i++) {
		size_t u = k->order[i][0];
		same = k->c[k->o_unit + 3 * u] && k->unit_first[u] == k->order[i][1];
	}
	if (same)
		return;
	k->order = kmust(realloc(k->order, (k->n_unit ? k->n_unit : 1) * sizeof *k->order));
	k->n_order = 0;
	for (size_t u = 0; u < k->n_unit; u++)
		if (k->c[k->o_unit + 3 * u]) {
			assert(k->unit_first[u] != SIZE_MAX);
			k->order[k->n_order][0] = u;
			k->order[k->n_order++][1] = k->unit_first[u];
		}
	qsort(k->order, k->n_order, sizeof *k->order, cmp_first);
}

tg_dashboard_kept *dashboard_kept_new(const tg_register *r, const tg_plan *plan,
				      const tg_findings *fs, tg_ix unit_filter,
				      const char *jurisdiction)
{
	tg_dashboard_kept *k = kmust(calloc(1, sizeof *k));
	k->as_of = fs->as_of;
	k->cap = kept_candidates;
	k->unit_filter = unit_filter;
	k->jurisdiction = jurisdiction ? kmust(strdup(jurisdiction)) : NULL;
	kept_ctx x;
	ctx_begin(&x, k, r, plan);
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS);
	k->na = na;
	k->per = kmust(calloc(na ? na : 1, sizeof *k->per));

	/* the findings by association (a counting sort), those naming none
	** counted at once */
	size_t *start = kmust(calloc(na + 2, sizeof *start));
	tg_ix *fa = kmust(malloc((fs->count ? fs->count : 1) * sizeof *fa));
	for (size_t i = 0; i < fs->count; i++) {
		fa[i] = finding_assoc(r, &fs->items[i]);
		if (fa[i] != TG_IX_NONE)
			start[fa[i] + 2]++;
		else
			unnamed_part(&x, fs, &fs->items[i]);
	}
	for (size_t a = 0; a < na; a++)
		start[a + 2] += start[a + 1];
	size_t *order = kmust(malloc((fs->count ? fs->count : 1) * sizeof *order));
	for (size_t i = 0; i < fs->count; i++)
		if (fa[i] != TG_IX_NONE)
			order[start[fa[i] + 1]++] = i;
	/* start[a] .. start[a + 1]: the findings of association a */
	for (size_t a = 0; a < na; a++) {
		tg_ix unit;
		bool counted = assoc_part(&x, (tg_ix)a, fs->as_of, &unit);
		for (size_t j = start[a]; j < start[a + 1]; j++)
			finding_part(&x, fs, &fs->items[order[j]]);
		assoc_store(&x, (tg_ix)a, counted, unit);
		if (counted && unit != TG_IX_NONE && k->unit_first[unit] == SIZE_MAX)
			k->unit_first[unit] = a;
	}
	free(order);
	free(fa);
	free(start);
	list_full(k, r, fs, 0);
	list_full(k, r, fs, 1);
	unit_order(k);
	ctx_end(&x);
	return k;
}

static int cmp_ix_pair(const void *x, const void *y)
{
	const size_t *a = x, *b = y;
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return (a[1] > b[1]) - (a[1] < b[1]);
}

/* List late (or upcoming) after a write: its candidates of unmarked
** associations stay (the splice keeps their findings), fresh's join them.
** Past the last one kept, a finding of fresh may have others not kept
** before it, so the list ends there unless it was complete.  False when
** fewer than a view shows are left of an incomplete list. */
static bool list_update(tg_dashboard_kept *k, const tg_register *r, const uint8_t *only,
			const tg_reached *reached, const tg_findings *fresh, int late)
{
	kept_list *l = &k->lists[late];
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS), n_keep = 0;
	for (size_t i = 0; i < l->n; i++) {
		const tg_finding *f = &l->v[i];
		tg_ix a = finding_assoc(r, f);
		if (f->association ? a != TG_IX_NONE && a < na && !only[a]
				   : reached && !rules_reached_finding(reached, f))
			l->v[n_keep++] = *f;
	}
	const tg_finding **add = kmust(malloc((fresh->count ? fresh->count : 1) * sizeof *add));
	size_t n_add = 0;
	for (size_t i = 0; i < fresh->count; i++) {
		const tg_finding *f = &fresh->items[i];
		if (deadline_of(fresh, f, late) &&
		    finding_in(r, f, k->unit_filter, k->jurisdiction, false, NULL))
			add[n_add++] = f;
	}
	qsort(add, n_add, sizeof *add, late ? cmp_late : cmp_upcoming);
	tg_finding *merged = kmust(malloc(k->cap * sizeof *merged));
	size_t n = 0, i = 0, j = 0;
	bool complete = l->complete;
	while (n < k->cap && (i < n_keep || (j < n_add && complete))) {
		bool take_kept = i < n_keep &&
				 (j >= n_add || (late ? cmp_deadline(add[j], &l->v[i])
						      : cmp_deadline(&l->v[i], add[j])) <= 0);
		merged[n++] = take_kept ? l->v[i++] : *add[j++];
	}
	if (i < n_keep || j < n_add) {
		if (n == k->cap)
			complete = false; /* truncated */
	}
	free(add);
	free(l->v);
	l->v = merged;
	l->n = n;
	l->complete = complete;
	return complete || n >= DASHBOARD_DEADLINES;
}

bool dashboard_kept_update(tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan,
			   const tg_findings *fresh, const uint8_t *only, const tg_reached *reached,
			   const tg_findings *(*all)(void *ctx), void *ctx)
{
	kept_ctx x;
	if (k->as_of != fresh->as_of)
		return false;
	if (!ctx_begin(&x, k, r, plan)) {
		ctx_end(&x);
		return false;
	}
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS);
	if (na > k->na) { /* new associations: marked */
		k->per = kmust(realloc(k->per, na * sizeof *k->per));
		for (size_t a = k->na; a < na; a++)
			k->per[a] = (kept_assoc){0, 0, TG_IX_NONE, false};
		k->na = na;
	}
	/* what the findings naming no association added goes (of the places
	** reached only: the others' stay), fresh's comes */
	for (size_t j = 0; j < k->n_beyond; j++)
		k->c[k->beyond[j]]--;
	k->n_beyond = 0;
	if (!reached || reached->all) {
		while (k->n_places)
			place_drop(k, k->n_places - 1);
	} else {
		for (int p = 0; p < ARR_COUNT; p++)
			for (size_t j = 0; j < reached->n[p]; j++) {
				bool found;
				size_t i = place_at(k, p, reached->keys[p][j], &found);
				if (found)
					place_drop(k, i);
			}
	}
	size_t (*pairs)[2] = kmust(malloc((fresh->count ? fresh->count : 1) * sizeof *pairs));
	size_t n_pairs = 0;
	for (size_t i = 0; i < fresh->count; i++) {
		tg_ix a = finding_assoc(r, &fresh->items[i]);
		if (a != TG_IX_NONE && a < na && only[a]) {
			pairs[n_pairs][0] = a;
			pairs[n_pairs++][1] = i;
		} else {
			unnamed_part(&x, fresh, &fresh->items[i]);
		}
	}
	qsort(pairs, n_pairs, sizeof *pairs, cmp_ix_pair);

	/* each marked association: its contribution taken away, its new one
	** added; its unit's first association followed */
	uint8_t *dirty = NULL;
	size_t p = 0;
	for (size_t a = tg_mask_next(only, 0, na); a < na; a = tg_mask_next(only, a + 1, na)) {
		kept_assoc old = k->per[a];
		for (uint32_t j = 0; j < old.n; j++)
			k->c[k->pool[old.off + j]]--;
		k->pool_live -= old.n;
		tg_ix unit;
		bool counted = assoc_part(&x, (tg_ix)a, fresh->as_of, &unit);
		while (p < n_pairs && pairs[p][0] < a)
			p++;
		for (; p < n_pairs && pairs[p][0] == a; p++)
			finding_part(&x, fresh, &fresh->items[pairs[p][1]]);
		assoc_store(&x, (tg_ix)a, counted, unit);
		if (old.counted && old.unit != TG_IX_NONE && k->unit_first[old.unit] == a &&
		    !(counted && unit == old.unit)) {
			if (!dirty)
				dirty = kmust(calloc(k->n_unit ? k->n_unit : 1, 1));
			dirty[old.unit] = 1;
		}
		if (counted && unit != TG_IX_NONE &&
		    (k->unit_first[unit] == SIZE_MAX || a < k->unit_first[unit]))
			k->unit_first[unit] = a;
	}
	free(pairs);
	if (dirty) { /* a unit's first association left it: the next one */
		for (size_t u = 0; u < k->n_unit; u++)
			if (dirty[u])
				k->unit_first[u] = SIZE_MAX;
		for (size_t a = 0; a < na; a++) {
			tg_ix u = k->per[a].unit;
			if (k->per[a].counted && u != TG_IX_NONE && dirty[u] &&
			    k->unit_first[u] == SIZE_MAX)
				k->unit_first[u] = a;
		}
		free(dirty);
	}
	/* the pool holds the old contributions too: past twice what lives,
	** copied into one */
	if (k->pool_n > 2 * k->pool_live + 4096) {
		uint32_t *pool = kmust(malloc((k->pool_live ? k->pool_live : 1) * sizeof *pool));
		size_t n = 0;
		for (size_t a = 0; a < k->na; a++) {
			if (k->per[a].n)
				memcpy(pool + n, k->pool + k->per[a].off, k->per[a].n * sizeof *pool);
			k->per[a].off = (uint32_t)n;
			n += k->per[a].n;
		}
		free(k->pool);
		k->pool = pool;
		k->pool_n = k->pool_cap = n;
	}
	for (int late = 0; late < 2; late++)
		if (!list_update(k, r, only, reached, fresh, late))
			list_full(k, r, all(ctx), late);
	unit_order(k);
	ctx_end(&x);
	return true;
}

void dashboard_kept_view(const tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan,
			 tg_dashboard *out)
{
	memset(out, 0, sizeof *out);
	arena_init(&out->arena);
	out->as_of = k->as_of;
	dash_frame(r, plan, k->jurisdiction, out);
	assert(out->n_batch == k->n_batch && out->n_separation == k->n_sep &&
	       out->n_jurisdiction == k->n_county && REG_COUNT(r, ARR_UNITS) == k->n_unit);
	const size_t *c = k->c;
	out->in_scope = c[K_IN_SCOPE];
	out->decoupled = c[K_DECOUPLED];
	out->not_decoupled = out->in_scope - out->decoupled;
	out->overdue_findings = c[K_OVERDUE];
	out->open_findings = c[K_OPEN];
	out->awaiting_acceptance = c[K_AWAITING];
	out->summaries_missing = c[K_SUMMARIES];
	out->accepted = c[K_ACCEPTED];
	for (size_t b = 0; b < k->n_batch; b++) {
		out->by_batch[b].in_scope = c[k->o_batch + 3 * b];
		out->by_batch[b].decoupled = c[k->o_batch + 3 * b + 1];
		out->by_batch[b].overdue = c[k->o_batch + 3 * b + 2];
	}
	for (size_t s = 0; s < k->n_sep; s++) {
		out->by_separation[s].done = c[k->o_sep + 3 * s];
		out->by_separation[s].open = c[k->o_sep + 3 * s + 1];
		out->by_separation[s].overdue = c[k->o_sep + 3 * s + 2];
	}
	for (size_t j = 0; j < k->n_county; j++) {
		out->by_jurisdiction[j].in_scope = c[k->o_county + 4 * j];
		out->by_jurisdiction[j].decoupled = c[k->o_county + 4 * j + 1];
		out->by_jurisdiction[j].open = c[k->o_county + 4 * j + 2];
		out->by_jurisdiction[j].overdue = c[k->o_county + 4 * j + 3];
	}
	/* the units with an association counted, in the order of their first */
	for (size_t i = 0; i < k->n_order; i++) {
		size_t u = k->order[i][0];
		assert(c[k->o_unit + 3 * u] && k->unit_first[u] == k->order[i][1]);
		const tg_unit *row = &REG_ROWS(r, ARR_UNITS, tg_unit)[u];
		out->by_unit[out->n_unit++] = (tg_dashboard_row){
			row->id, row->name, TG_DATE_NONE, c[k->o_unit + 3 * u],
			c[k->o_unit + 3 * u + 1], c[k->o_unit + 3 * u + 2], 0, 0};
	}
	for (int late = 0; late < 2; late++) {
		const kept_list *l = &k->lists[late];
		size_t m = l->n < DASHBOARD_DEADLINES ? l->n : DASHBOARD_DEADLINES;
		tg_finding *list = deadline_list(out, late, m);
		if (m)
			memcpy(list, l->v, m * sizeof *list);
	}
}

static size_t places_bytes(const tg_dashboard_kept *k)
{
	size_t n = 0;
	for (size_t i = 0; i < k->n_places; i++)
		n += k->places[i].cap * sizeof *k->places[i].c + strlen(k->places[i].key) + 1;
	return n;
}

size_t dashboard_kept_bytes(const tg_dashboard_kept *k)
{
	return sizeof *k + k->n_counters * sizeof *k->c + k->na * sizeof *k->per +
	       k->pool_cap * sizeof *k->pool + k->beyond_cap * sizeof *k->beyond +
	       k->n_unit * sizeof *k->unit_first + 2 * k->cap * sizeof(tg_finding) +
	       k->places_cap * sizeof *k->places + places_bytes(k) +
	       (k->order ? k->n_unit * sizeof *k->order : 0);
}

void dashboard_kept_free(tg_dashboard_kept *k)
{
	if (!k)
		return;
	free(k->jurisdiction);
	free(k->c);
	free(k->per);
	free(k->pool);
	free(k->beyond);
	for (size_t i = 0; i < k->n_places; i++) {
		free(k->places[i].key);
		free(k->places[i].c);
	}
	free(k->places);
	free(k->unit_first);
	free(k->order);
	free(k->lists[0].v);
	free(k->lists[1].v);
	free(k);
}
