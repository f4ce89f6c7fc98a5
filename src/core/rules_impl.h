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

static inline bool is_A(const tg_eval *ev, tg_ix i)
{
	return i != TG_IX_NONE && ev->in_A[i];
}

static inline bool is_registered(const tg_eval *ev, tg_ix i)
{
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

/* The plan's obligations, as of D (obligation.c): findings through emit. */
void obligations_evaluate(tg_eval *ev);

/* The rule functions, one per rule id (rules_<group>.c). */
#define RULE(fn) void fn(tg_eval *ev)
RULE(rule_scope_member_basis_unknown);
RULE(rule_scope_name_unlisted);
RULE(rule_registration_new_with_link);
RULE(rule_institution_link_active);
RULE(rule_institution_shared_office);
RULE(rule_plan_not_submitted);
RULE(rule_decoupling_incomplete);
RULE(rule_report_summary_missing);
RULE(rule_acceptance_pending);
RULE(rule_audit_report_missing);
RULE(rule_personnel_official_holds_post);
RULE(rule_personnel_cooling_off_unapproved);
RULE(rule_personnel_post_retirement_unfiled);
RULE(rule_personnel_placed_by_unit);
RULE(rule_personnel_retired_cadre_paid);
RULE(rule_personnel_retired_cadre_over_age);
RULE(rule_personnel_retired_cadre_multiple_posts);
RULE(rule_personnel_no_labor_contract);
RULE(rule_personnel_no_social_insurance);
RULE(rule_personnel_staffing_quota_not_cancelled);
RULE(rule_finance_no_independent_account);
RULE(rule_finance_asset_inventory_missing);
RULE(rule_finance_state_asset_unregistered);
RULE(rule_finance_direct_appropriation);
RULE(rule_office_excess_area);
RULE(rule_office_administrative_space);
RULE(rule_function_list_missing);
RULE(rule_function_administrative_not_stripped);
RULE(rule_function_entrusted_without_purchase);
RULE(rule_party_not_transferred);
RULE(rule_foreign_approved_by_former_unit);
RULE(rule_task_supporting_rules_late);
RULE(rule_task_not_published);
RULE(rule_charter_not_filed);
RULE(rule_annual_report_missing);
RULE(rule_credit_abnormal_candidate);
RULE(rule_credit_serious_candidate);
RULE(rule_exit_candidate);
RULE(rule_governance_term_expired);
RULE(rule_governance_election_irregular);
RULE(rule_governance_dispatched_supervisor_paid);
RULE(rule_governance_dispatched_supervisor_holds_post);
RULE(rule_governance_departure_audit_missing);

#endif
