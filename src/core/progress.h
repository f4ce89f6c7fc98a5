/*
** progress.h: what the offices look at, computed from one run of the rules:
** the workflow stage of each association, its checklist of the five
** separations, and the dashboard numbers.
**
** A checklist item is one obligation a rule checks for one association (or
** one of its records): done when the date field the rule reads has
** happened, otherwise open or overdue with the rule's finding.  "Marking an
** item done" therefore means setting that field (progress_done_field says
** which), so that the checklist, the findings and the dashboard cannot
** disagree.
*/
#ifndef TG_PROGRESS_H
#define TG_PROGRESS_H

#include "rules.h"

/* The path of an association through the reform (product.md). */
enum tg_stage {
	STAGE_NOT_REGISTERED, /* not registered on D */
	STAGE_REGISTERED,     /* 在册 (not in scope) */
	STAGE_IN_SCOPE,       /* 纳入范围 */
	STAGE_PLAN_SUBMITTED, /* 方案已报 */
	STAGE_DECOUPLED,      /* 脱钩完成 */
	STAGE_SUMMARY_SUBMITTED, /* 总结已报 */
	STAGE_ACCEPTED        /* 已验收 */
};
const char *stage_key(enum tg_stage s); /* "in_scope" */
const char *stage_zh(enum tg_stage s);  /* "纳入范围" */

/* Facts of one association on D (rules.md's definitions). */
typedef struct tg_assoc_facts {
	bool registered, in_scope;
	const char *scope_reason; /* Chinese: why in or out of scope */
	tg_date due;              /* due(a) */
	enum tg_stage stage;
} tg_assoc_facts;

void progress_facts(const tg_register *r, const tg_plan *plan, tg_ix a, tg_date as_of,
		    tg_assoc_facts *out);

/* Light of a due date on D: "red" overdue, "yellow" due within 5 working
** days, "green" otherwise; NULL when there is no due date. */
const char *progress_light(const tg_calendar *cal, tg_date due, tg_date as_of);

/* Which record field clears a rule's finding when set to a date, e.g.
** "decoupling.incomplete" -> associations.decoupled_on.  Returns false for
** rules that are not cleared by one date (edit the record instead). */
bool progress_done_field(const char *rule, int *array, const char **field);

typedef struct tg_check_item {
	const char *rule, *title, *clause, *cite;
	const char *subject;       /* record id, or NULL for the association */
	const char *subject_label; /* Chinese: the person, staff member, asset... */
	int array;                 /* the record the item is about */
	const char *field;         /* the date field that marks it done, or NULL */
	/* How it is marked done: "field" (set field), "step" (a step of the
	** plan's obligation, steps[]), "record" (a record of another array,
	** which the checklist cannot make), or NULL (by the record's data). */
	const char *done_by;
	tg_date done_on;           /* TG_DATE_NONE when not done */
	const char *status;        /* "done", "open", "overdue" */
	tg_date due;
	const char *light;
	const tg_finding *finding; /* the open finding, or NULL when done */
} tg_check_item;

typedef struct tg_checklist_section {
	const char *id, *name; /* separation, or "progress" 脱钩进程, "supervision" 综合监管 */
	tg_check_item *items;
	size_t n_items;
} tg_checklist_section;

typedef struct tg_checklist {
	tg_checklist_section *sections;
	size_t n_sections;
	tg_arena arena;
} tg_checklist;

/* The checklist of association a on D, from the findings of the same run
** (fs must come from rules_evaluate on the same register, plan and D). */
void checklist_build(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		     const tg_findings *fs, tg_ix a, tg_checklist *out);
void checklist_release(tg_checklist *cl);

typedef struct tg_dashboard_row {
	const char *id, *name;
	tg_date due;        /* batches: their due date */
	size_t in_scope, decoupled, overdue, open, done;
} tg_dashboard_row;

typedef struct tg_dashboard {
	tg_date as_of;
	size_t in_scope, decoupled, not_decoupled, overdue_findings, open_findings,
	       awaiting_acceptance, summaries_missing, accepted;
	tg_dashboard_row *by_batch, *by_unit, *by_separation;
	size_t n_batch, n_unit, n_separation;
	/* the counties side by side (六(一)): each jurisdiction of level county
	** within the filter, with the records of it and below it; in_scope,
	** decoupled, open and overdue (findings) */
	tg_dashboard_row *by_jurisdiction;
	size_t n_jurisdiction;
	/* the findings within the filter that have a due date: the next
	** DASHBOARD_DEADLINES open ones, soonest first, and as many of the
	** most recently overdue, latest first; ties in the findings' order
	** (dashboard_deadlines, or a kept dashboard) */
	tg_finding *upcoming, *late;
	size_t n_upcoming, n_late;
	tg_arena arena;
} tg_dashboard;
#define DASHBOARD_DEADLINES 20

/* Numbers of the 总览 page, from one run's findings.  unit_filter: a unit
** index to restrict to (a unit user's scope), or TG_IX_NONE for all;
** jurisdiction: a code to restrict to (it and below it: a county's
** account, or the city opening one county), or NULL for all.  Each
** association is counted under the plan it is judged under. */
void dashboard_compute(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
		       tg_ix unit_filter, const char *jurisdiction, tg_dashboard *out);
void dashboard_release(tg_dashboard *d);
/* The deadline lists of out (upcoming, late) from the findings, one sort
** of those within the filter. */
void dashboard_deadlines(const tg_register *r, const tg_findings *fs, tg_ix unit_filter,
			 const char *jurisdiction, tg_dashboard *out);

/* A dashboard kept by difference (docs/performance.md, "The dashboard after
** a write"): dashboard_compute and dashboard_deadlines of one filter,
** with what each association contributed to every number (its record's
** facts and its findings'), what the findings naming no association
** contributed, and the first KEPT_CANDIDATES findings of each deadline
** list.  After a write, dashboard_kept_update takes away the contribution
** of each association the incremental evaluation marked and adds its new
** one, so that the cost follows the change; dashboard_kept_view gives the
** numbers, equal to a fresh dashboard_compute on the same findings. */
typedef struct tg_dashboard_kept tg_dashboard_kept;
tg_dashboard_kept *dashboard_kept_new(const tg_register *r, const tg_plan *plan,
				      const tg_findings *fs, tg_ix unit_filter,
				      const char *jurisdiction);
/* k was made on the findings before a write; r is the register after it,
** fresh the findings rules_evaluate_only gave with the mask only (the
** associations it marked, the places it reached (reached; NULL: every
** place) and every finding naming neither, as the kept dashboard's viewer
** sees them).  all(ctx) gives the whole findings
** after the write (the splice), read only when a deadline list ran short.
** Returns false when k cannot follow (the rows changed: a batch, unit or
** jurisdiction written): then make a new one. */
bool dashboard_kept_update(tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan,
			   const tg_findings *fresh, const uint8_t *only, const tg_reached *reached,
			   const tg_findings *(*all)(void *ctx), void *ctx);
void dashboard_kept_view(const tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan,
			 tg_dashboard *out);
/* The candidates each deadline list keeps (64; at least
** DASHBOARD_DEADLINES): fewer make the tests reach the lists' ends. */
void dashboard_kept_candidates(size_t n);
/* Bytes held (the figures of docs/performance.md). */
size_t dashboard_kept_bytes(const tg_dashboard_kept *k);
void dashboard_kept_free(tg_dashboard_kept *k);

#endif
