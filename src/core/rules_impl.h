/*
** rules_impl.h: what the rule functions (rules_*.c) share.  Not for use
** outside the engine.
**
** Vocabulary of rules.md, one helper each:
**   registered(a, D)  ev->registered[i]
**   A (registered and in scope)  ev->in_A[i]
**   due(a)            ev->due[i]
**   serving(p, D), retired_cadre(p, D), post_due(t, a), approved(t, kinds, D)
*/
#ifndef TG_RULES_IMPL_H
#define TG_RULES_IMPL_H

#include <assert.h>

#include "rules.h"

struct tg_eval {
	const tg_register *reg;
	const tg_plan *plan;
	const tg_params *P;
	const tg_calendar *cal;
	tg_date D;
	tg_findings *out;

	/* per association, computed once per run */
	uint8_t *registered;
	uint8_t *in_A;
	tg_date *due;
	tg_ix *unit_of; /* its unit (a->unit_ix), beside the facts: a scan of
			 ** associations by unit reads 4 bytes of each, not its row */
	bool facts_kept; /* the four above are a tg_facts_kept's, not the run's */
	/* with facts kept: the earliest due of each unit's associations in
	** scope (eval_unit_earliest), kept beside them */
	const struct unit_dues *unit_dues;
	size_t n_unit_dues;
	/* per person, computed once per run: PF_* bits */
	uint8_t *pflag;

	/* the rule being evaluated */
	const char *rule_id, *clause, *cite, *basis;

	/* (association << 32 | year) of annual reports submitted by D, sorted */
	uint64_t *reports;
	size_t n_reports;

	bool calendar_outside;
	int outside_year;

	/* rules_evaluate_with_years: the year-only findings, and while a rule
	** emits into them, year_only; birth_ix is the person whose birth date
	** the finding being emitted derives from (-1: none) */
	tg_findings *years;
	bool year_only;
	int32_t birth_ix;

	/* rules_evaluate_only: a byte per association, the ones whose
	** findings are wanted; emit() drops the others' (NULL: all) */
	const uint8_t *only;
	const uint32_t *marked; /* with only: the marked ones, ascending */
	size_t n_marked;
	/* with only, on the whole register: where each array's rows of each
	** association are (NULL, or an entry NULL: found by a scan) */
	const tg_assoc_rows *const *reach;
	/* the posts of the (future) retired cadres (NULL: a scan of the posts) */
	const tg_cadre_posts *cadre_posts;
	/* rules_evaluate_only's run of the rules that stay within one
	** association on its sub-register: set when one emits a finding that
	** names none (a rule missing from the list of those that reach
	** further, rules.c): the run is not used */
	bool local;
	bool escaped;
	/* rules_evaluate_only with the findings before kept (reach_kept): the
	** places (rows of each array) a write reached, ascending; the rules
	** that reach beyond one association look at these only */
	bool reach_kept;
	const uint32_t *reached[ARR_COUNT];
	size_t n_reached[ARR_COUNT];
};

/* shorthand */
#define ROWS(ev, arr, type) REG_ROWS((ev)->reg, arr, type)
#define COUNT(ev, arr) REG_COUNT((ev)->reg, arr)

/* Loop over associations with i their index and a the record; `continue`
** skips to the next one. */
#define FOR_EACH_ASSOCIATION(ev, i, a)                                                    \
	for (tg_ix i = 0; i < COUNT(ev, ARR_ASSOCIATIONS); i++)                            \
		for (const tg_association *a = assoc_at(ev, i); a; a = NULL)

static inline bool happened(tg_date x, tg_date d)
{
	return date_happened(x, d);
}

static inline bool active(tg_date from, tg_date to, tg_date d)
{
	return date_active(from, to, d);
}

static inline const tg_association *assoc_at(const tg_eval *ev, tg_ix i)
{
	return &ROWS(ev, ARR_ASSOCIATIONS, tg_association)[i];
}

/* Whether i is a row of array arr or TG_IX_NONE: what every *_ix of a
** resolved register holds (register.h), for the asserts. */
static inline bool ix_ok(const tg_eval *ev, int arr, tg_ix i)
{
	return i == TG_IX_NONE || i < COUNT(ev, arr);
}

static inline bool is_A(const tg_eval *ev, tg_ix i)
{
	assert(ix_ok(ev, ARR_ASSOCIATIONS, i));
	return i != TG_IX_NONE && ev->in_A[i];
}

static inline bool is_registered(const tg_eval *ev, tg_ix i)
{
	assert(ix_ok(ev, ARR_ASSOCIATIONS, i));
	return i != TG_IX_NONE && ev->registered[i];
}

/* serving(p, D) */
enum { PF_SERVING = 1, PF_RETIRED_CADRE = 2, PF_CIVIL_SERVANT = 4 };
bool person_serving(const tg_person *p, tg_date d);
/* retired_cadre(p, D) */
bool person_retired_cadre(const tg_person *p, tg_date d);
/* post_due(t, a) */
tg_date post_due(const tg_eval *ev, const tg_post *t);
/* approved(t, kinds, D), kinds a bit set of 1 << enum approval_kind */
bool post_approved(const tg_post *t, unsigned kinds, tg_date d);
/* add_workdays(d, n) through the plan's calendar, noting uncovered years */
tg_date eval_add_workdays(tg_eval *ev, tg_date d, int n);
/* "City level" (市直) of rules.md: the association's level is the plan's
** (obligations.md: a county plan's 市直 are its county's associations). */
static inline bool own_level(const tg_eval *ev, const tg_association *a)
{
	return (int)a->level == ev->plan->level;
}
/* Whether association i has submitted its report for year y by D. */
bool report_submitted(const tg_eval *ev, tg_ix i, int64_t y);
/* The due date of the annual report for year y: P.annual_report_due of y+1. */
tg_date report_due(const tg_eval *ev, int64_t y);
/* The first report year of association a: max(P.annual_report_from_year,
** year of registered_on). */
int64_t first_report_year(const tg_eval *ev, const tg_association *a);
/* Whether a's annual report for y is missing and overdue on D. */
bool report_missing_overdue(const tg_eval *ev, tg_ix i, int64_t y);

/* qualifying link(a), and whether a name ends in a listed suffix
** (P.name_suffixes). */
bool eval_qualifying_link(const tg_eval *ev, const tg_association *a);
bool eval_name_listed(const tg_eval *ev, const char *name);

/* Names for messages. */
const char *unit_name(const tg_eval *ev, tg_ix u);
const char *role_name(int role);
const char *link_name(int link);

/*
** Append a finding of the current rule.  association: index or TG_IX_NONE;
** subject: record id or NULL; due: TG_DATE_NONE when none; action: what must
** be done by the due date ("清理", "报送"), NULL for a finding without one;
** fmt: the situation, in Chinese.  The clause citation and basis are added.
*/
void emit(tg_eval *ev, tg_ix association, int32_t unit_ix, const char *subject, tg_date due,
	  const char *action, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* 31 December of d's year. */
tg_date year_end(tg_date d);
/* The rows of array a a run with ev->only looks at: those of the marked
** associations and those naming none, ascending, in *rows (freed by the
** caller); all of them (*rows NULL) when the run is whole or a names no
** association.  Returns their count. */
size_t eval_rows(const tg_eval *ev, int a, uint32_t **rows);

/* Row i in v (n row numbers ascending), or NULL. */
const uint32_t *rows_find(const uint32_t *v, size_t n, size_t i);
/* With ev->unit_dues: the earliest due of unit u's associations in scope
** (TG_DATE_NONE: none), from the counts kept, not a scan. */
tg_date eval_unit_earliest(const tg_eval *ev, size_t u);
/* Whether row i of array a is a place the run looks at (all of them
** unless ev->reach_kept). */
bool eval_reached(const tg_eval *ev, int a, size_t i);

/* The plan's obligations, as of D (obligation.c): findings through emit. */
void obligations_evaluate(tg_eval *ev);

/*
** The rule catalogue: one X(...) per rule, in the order of rules.md.  It
** generates the table tg_rules[] (rules.c) and the declarations of the rule
** functions below, so a rule is added here and nowhere else but in its
** function.  The columns:
**   id        the rule id the plan lists ("office.excess-area");
**   clause    rules.md's clause, used when a plan omits it;
**   function  void function(tg_eval *ev), defined in rules_<group>.c where
**             <group> is the id's part before the dot, '-' written '_'
**             (office.excess-area: rule_office_excess_area in rules_office.c);
**   reach     A: the rule looks only at associations of A, so it reads the
**             scope and with it P.name_suffixes; ANY: it does not;
**   params    the plan parameters it reads, comma-separated;
**   summary   one English line: what fires it (tuogou explain).
*/
#define TG_RULES(X) \
	X("scope.member-basis-unknown", "3", rule_scope_member_basis_unknown, ANY, "", \
	  "registered, no override, qualifying link, member_basis null") \
	X("scope.name-unlisted", "3", rule_scope_name_unlisted, A, "name_suffixes", \
	  "registered, no override, qualifying link, member_basis not other, no listed suffix") \
	X("registration.new-with-link", "4.1", rule_registration_new_with_link, A, "issued", \
	  "A registered on/after P.issued with an uncancelled link") \
	X("institution.link-active", "4.1", rule_institution_link_active, A, "issued,decoupling_due", \
	  "A registered before P.issued with an uncancelled link") \
	X("institution.shared-office", "4.1", rule_institution_shared_office, A, "decoupling_due", \
	  "active premises of A shared with the unit") \
	X("plan.not-submitted", "6.2", rule_plan_not_submitted, A, "decoupling_due", \
	  "A without a decoupling plan") \
	X("decoupling.incomplete", "6.3", rule_decoupling_incomplete, A, "decoupling_due", \
	  "A not decoupled") \
	X("report.summary-missing", "6.3", rule_report_summary_missing, A, "report_workdays", \
	  "city-level A decoupled without a work summary") \
	X("acceptance.pending", "6.3", rule_acceptance_pending, A, "", \
	  "city-level A whose summary awaits acceptance") \
	X("audit.report-missing", "6.2", rule_audit_report_missing, A, "", \
	  "A decoupled without an audit report") \
	X("personnel.official-holds-post", "4.2", rule_personnel_official_holds_post, A, "issued,decoupling_due", \
	  "active post of A held by a serving civil servant") \
	X("personnel.cooling-off-unapproved", "4.2", rule_personnel_cooling_off_unapproved, A, "cooling_off_years,issued,decoupling_due", \
	  "retired cadre within the cooling-off, post not approved") \
	X("personnel.post-retirement-unfiled", "4.2", rule_personnel_post_retirement_unfiled, A, "cooling_off_years,issued,decoupling_due", \
	  "retired cadre after the cooling-off, post neither approved nor filed") \
	X("personnel.placed-by-unit", "4.2", rule_personnel_placed_by_unit, A, "issued", \
	  "civil servant placed by the unit after P.issued") \
	X("personnel.retired-cadre-paid", "4.2", rule_personnel_retired_cadre_paid, A, "issued,decoupling_due", \
	  "retired cadre paid for a post") \
	X("personnel.retired-cadre-over-age", "4.2", rule_personnel_retired_cadre_over_age, A, "retired_cadre_max_age", \
	  "retired cadre at or over the age limit") \
	X("personnel.retired-cadre-multiple-posts", "4.2", rule_personnel_retired_cadre_multiple_posts, ANY, "retired_cadre_max_posts", \
	  "retired cadre over the post limit") \
	X("personnel.no-labor-contract", "4.2", rule_personnel_no_labor_contract, A, "decoupling_due", \
	  "active staff without a labour contract") \
	X("personnel.no-social-insurance", "4.2", rule_personnel_no_social_insurance, A, "decoupling_due", \
	  "active staff without social insurance") \
	X("personnel.staffing-quota-not-cancelled", "4.2", rule_personnel_staffing_quota_not_cancelled, A, "", \
	  "decoupled A still using staffing quota") \
	X("finance.no-independent-account", "4.3", rule_finance_no_independent_account, A, "decoupling_due", \
	  "A without its own account") \
	X("finance.asset-inventory-missing", "4.3", rule_finance_asset_inventory_missing, A, "issued,asset_inventory_due", \
	  "A registered before P.issued without an asset inventory") \
	X("finance.state-asset-unregistered", "4.3", rule_finance_state_asset_unregistered, A, "decoupling_due", \
	  "active state asset of A not registered") \
	X("finance.direct-appropriation", "4.3", rule_finance_direct_appropriation, A, "direct_appropriation_banned_from_year", \
	  "direct appropriation to a city-level A from the banned year") \
	X("office.excess-area", "4.3", rule_office_excess_area, A, "office_due", \
	  "administrative premises above the approved area") \
	X("office.administrative-space", "4.3", rule_office_administrative_space, A, "", \
	  "administrative premises within the approved area") \
	X("function.list-missing", "4.4", rule_function_list_missing, A, "decoupling_due", \
	  "unit of some A without a function list") \
	X("function.administrative-not-stripped", "4.4", rule_function_administrative_not_stripped, A, "decoupling_due", \
	  "administrative function without legal basis not stripped") \
	X("function.entrusted-without-purchase", "4.4", rule_function_entrusted_without_purchase, A, "decoupling_due", \
	  "entrusted function without a purchase contract") \
	X("party.not-transferred", "4.5", rule_party_not_transferred, A, "decoupling_due", \
	  "A with a party organisation not transferred") \
	X("foreign.approved-by-former-unit", "4.5", rule_foreign_approved_by_former_unit, A, "", \
	  "foreign approval by the former unit after decoupling") \
	X("task.supporting-rules-late", "6.2", rule_task_supporting_rules_late, ANY, "issued,supporting_rules_months", \
	  "supporting document not issued") \
	X("task.not-published", "6.2", rule_task_not_published, ANY, "", \
	  "supporting document issued but not published") \
	X("charter.not-filed", "5.2", rule_charter_not_filed, A, "", \
	  "decoupled A whose charter is not filed") \
	X("annual-report.missing", "5.2", rule_annual_report_missing, ANY, "annual_report_from_year,annual_report_due", \
	  "registered a without the annual report of a past year") \
	X("credit.abnormal-candidate", "5.2", rule_credit_abnormal_candidate, ANY, "annual_report_from_year,annual_report_due", \
	  "overdue annual report, not on the abnormal list") \
	X("credit.serious-candidate", "5.2", rule_credit_serious_candidate, ANY, "abnormal_to_serious_years", \
	  "on the abnormal list for the set years, not on the serious list") \
	X("exit.candidate", "5.2", rule_exit_candidate, ANY, "exit_missing_report_years,annual_report_from_year,annual_report_due", \
	  "consecutive years of overdue annual reports") \
	X("governance.term-expired", "5.2", rule_governance_term_expired, ANY, "", \
	  "latest board election's term has expired") \
	X("governance.election-irregular", "5.2", rule_governance_election_irregular, ANY, "issued", \
	  "latest board election after P.issued not contested or not secret") \
	X("governance.dispatched-supervisor-paid", "5.2", rule_governance_dispatched_supervisor_paid, ANY, "", \
	  "dispatched supervisor paid") \
	X("governance.dispatched-supervisor-holds-post", "5.2", rule_governance_dispatched_supervisor_holds_post, ANY, "", \
	  "dispatched supervisor also holding another post") \
	X("governance.departure-audit-missing", "5.2", rule_governance_departure_audit_missing, ANY, "", \
	  "legal representative left without a departure audit")

#define TG_RULE_DECLARE(id, clause, function, reach, params, summary) void function(tg_eval *ev);
TG_RULES(TG_RULE_DECLARE)
#undef TG_RULE_DECLARE

#endif
