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

	/* batches: the register's, then the plan's not overridden, then none */
	size_t nb_reg = REG_COUNT(r, ARR_BATCHES);
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
	size_t *unit_row = malloc((nu ? nu : 1) * sizeof *unit_row);
	if (!unit_row)
		abort();
	for (size_t u = 0; u < nu; u++)
		unit_row[u] = SIZE_MAX;

	county_rows(r, jurisdiction, out);
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
	const char *ids[TG_PLAN_SECTIONS_MAX];
	const char *names[TG_PLAN_SECTIONS_MAX];
	size_t n_sections = plan_sections(plan, ids, names);
	out->by_separation = arena_alloc(&out->arena, n_sections * sizeof *out->by_separation);
	for (size_t s = 0; s < n_sections; s++)
		out->by_separation[out->n_separation++] =
			(tg_dashboard_row){ids[s], names[s], TG_DATE_NONE, 0, 0, 0, 0, 0};

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
		for (size_t s = 0; s < N_STEPS; s++) {
			int array;
			const char *field, *name;
			const tg_plan_rule *pr = plan_rule(judged, steps[s].rule);
			if (!pr || !steps[s].applies(a, judged, d) ||
			    !progress_done_field(steps[s].rule, &array, &field))
				continue;
			if (!date_happened(field_date(r, ARR_ASSOCIATIONS, a->uscc, field), d))
				continue;
			tg_dashboard_row *sr = row_for(out->by_separation, out->n_separation,
						       plan_section_of(plan, pr->clause, &name));
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
