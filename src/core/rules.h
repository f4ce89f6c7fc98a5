/*
** rules.h: the rule engine.  Given a register, a plan and a date D, say what
** every association, unit and person still owes the plan (rules.md).
**
** The catalogue is the table tg_rules[], generated from the list TG_RULES
** in rules_impl.h: one entry per rule id, each naming the one function that
** implements it, in rules_<group>.c after the id's group.  Which clause a rule
** cites and which regulation it takes its numbers from come from the plan
** (plan.rules), and every number it uses is a plan parameter.
**
** Evaluation is set-based: each rule walks the arrays it reads once, using
** the register's hash indexes and per-association facts computed once per
** run (registered on D, in scope, due date).  Nothing here does I/O.
*/
#ifndef TG_RULES_H
#define TG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "calendar.h"
#include "plan.h"
#include "register.h"
#include "strbuf.h"

typedef struct tg_finding {
	const char *rule;        /* "personnel.official-holds-post" */
	const char *clause;      /* "4.2", from the plan */
	const char *basis;       /* regulation, or NULL */
	const char *association; /* USCC, or NULL */
	const char *subject;     /* record id or year, or NULL */
	tg_date due;             /* TG_DATE_NONE: the plan sets none */
	const char *message;     /* Chinese sentence */
	int32_t unit_ix;         /* the supervising unit concerned, -1 if none
				  * (used to scope findings to a unit's users) */
	int32_t birth_ix;        /* the person whose birth date gives the finding
				  * its timing (its due, and the day it appears),
				  * -1 if none: see rules_evaluate_with_years */
	bool due_year_only;      /* due is 31 December of the due's year, the day
				  * itself withheld (rules_evaluate_with_years) */
	const char *plan;        /* the id of the plan it was judged under when
				  * jurisdictions hold plans of their own; NULL:
				  * the run's (tg_findings.plan_id) */
} tg_finding;

typedef struct tg_findings {
	tg_finding *items;
	size_t count, alloc;
	tg_date as_of;
	const char *plan_id;
	const char **notes;
	size_t n_notes;
	tg_arena arena;
} tg_findings;

static inline bool finding_overdue(const tg_findings *fs, const tg_finding *f)
{
	return f->due != TG_DATE_NONE && fs->as_of > f->due;
}
/* How many of fs are overdue on its as_of. */
size_t findings_overdue_count(const tg_findings *fs);

typedef struct tg_eval tg_eval;
typedef void (*tg_rule_fn)(tg_eval *ev);

typedef struct tg_rule_def {
	const char *id;
	const char *clause; /* rules.md's clause, used when a plan omits it */
	tg_rule_fn fn;
	const char *summary; /* one English line: what fires it */
	const char *params;  /* the plan parameters it reads, comma-separated */
	bool reads_scope;    /* looks only at associations of A: reads the scope,
			      * so P.name_suffixes too (rules_check_plan) */
} tg_rule_def;

extern const tg_rule_def tg_rules[];
extern const size_t tg_rules_count;

const tg_rule_def *rules_find(const char *id);

/* Check that every rule the plan lists exists in the catalogue. */
int rules_check_plan(const tg_plan *plan, tg_errors *errs);

/* Evaluate every rule the plan lists, as of D.  The register must be
** resolved.  Findings come back sorted (rule, association, subject; byte
** order, null first). */
int rules_evaluate(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		   tg_date as_of, tg_findings *out);
void findings_release(tg_findings *fs);

/* rules_evaluate, and into *years the findings whose timing derives from a
** person's birth date (birth_ix set) as they are given to a viewer who may
** not see that person's full ID number (issue 14: the masked number and the
** birth date are the whole number).  Such a finding is present as of D when
** its due falls on or before 31 December of D's year; its due is that
** year's 31 December with due_year_only set, it is overdue only in a later
** year, and its message names the year, never the day or a count of days.
** *years holds only the findings of the rules that read a birth date,
** sorted as out is. */
int rules_evaluate_with_years(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			      tg_date as_of, tg_findings *out, tg_findings *years);
/* Incremental evaluation (docs/performance.md): the findings of the
** associations marked in only (a byte per association of r) and every
** finding that names no association (a person's, a unit's, a task's), as
** rules_evaluate_with_years gives them.  The rules that stay within one
** association run on the sub-register of the marked ones (their records,
** the persons their posts name, the units, batches and jurisdictions),
** the few that reach further and the obligations on r with emit() limited
** to the marked associations.  RULES_RUN_IN_FULL (nothing in *out) when
** that cannot give a full run's findings: a date fell outside the holiday
** data (the run's notes are the whole register's), or a rule of the
** sub-register emitted a finding naming no association. */
#define RULES_RUN_IN_FULL 1
/* Where the rows of one array that name each association are (by any of
** its references to associations), so that the sub-register costs the
** marked associations' rows and not a scan of the array: rows[start[i]]
** up to rows[start[i + 1]] name association i, ascending, and those of
** i = n_assoc name none.  Valid for the array it was built from while no
** row of it changes (the server's cache keeps one per array it shares
** between generations). */
typedef struct tg_assoc_rows {
	size_t n_assoc, n_rows; /* as built */
	uint32_t *start;        /* n_assoc + 2 */
	uint32_t *rows;
} tg_assoc_rows;
void assoc_rows_build(const tg_register *r, int a, tg_assoc_rows *out);
void assoc_rows_free(tg_assoc_rows *x);
/* The posts of the persons who are or may become retired cadres (leading
** cadres with a retirement date), by person, with what a count of posts
** reads of each copied in: personnel.retired-cadre-multiple-posts reads
** this (a few hundred thousand entries at national size), not 1.5 million
** posts and 1 million persons.  posts[start[c]] up to posts[start[c + 1]]
** are those of person[c]; persons ascending.  Valid while no post and no
** person changes (the server's cache builds it again then). */
typedef struct tg_cadre_post {
	tg_ix association_ix;
	tg_date from, to;
} tg_cadre_post;
typedef struct tg_cadre_posts {
	size_t n; /* persons */
	uint32_t *person;
	tg_date *retired_on;
	uint32_t *start; /* n + 1 */
	tg_cadre_post *posts;
} tg_cadre_posts;
void cadre_posts_build(const tg_register *r, tg_cadre_posts *out);
void cadre_posts_free(tg_cadre_posts *x);
/* What a run may read beside the register, built on its rows and kept by
** the caller while they are (any entry NULL: found by a scan): by_assoc[a],
** array a's rows by association (the sub-register's, the masked
** obligations'); cadre_posts. */
typedef struct tg_eval_index {
	const tg_assoc_rows *by_assoc[ARR_COUNT];
	const tg_cadre_posts *cadre_posts;
} tg_eval_index;
/* The facts of every association (registered, in scope, due) of the last
** incremental run of one date, per plan held: kept by the caller from run
** to run of that date, each computing again those of the associations it
** marks (and of any added since) only.  Valid while the register changes
** only by writes those marks follow (a unit or batch written: a full run,
** and a new tg_facts_kept). */
typedef struct tg_facts_kept tg_facts_kept;
tg_facts_kept *facts_kept_new(void);
void facts_kept_free(tg_facts_kept *k);
/* The record a finding of a rule that reaches beyond one association is
** about (its place: a unit, a person, a unit's task; the finding's subject
** is its id). */
typedef struct tg_place {
	int arr;
	tg_ix ix;
} tg_place;
#define TG_ROW_PLACES_MAX 8
/* The places row i of array a reaches in r: itself when it is one, and
** those it names (at most TG_ROW_PLACES_MAX, in out).  The server notes
** them for each record written, in the register before the write and in
** the one after (tg_beyond_kept). */
size_t rules_row_places(const tg_register *r, int a, size_t i, tg_place *out);
/* What rules_evaluate_only is told of the writes its mask follows: the
** places the records written named before and after each write
** (rules_row_places).  The rules that reach beyond one association then
** run for the places reached only: the ones noted, the units the marked
** associations name, the persons their posts name. */
typedef struct tg_beyond_kept {
	const tg_place *places;
	size_t n_places;
} tg_beyond_kept;
/* The places a run evaluated the rules reaching beyond one association
** for: every place (all), or the keys listed per array of places (strcmp
** order, owned).  Its findings of those rules are those of the places
** reached: the findings splice keeps the others' (findings_splice). */
typedef struct tg_reached {
	bool all;
	char **keys[ARR_COUNT];
	size_t n[ARR_COUNT];
} tg_reached;
/* The array of places finding f is about when it is a finding of a rule
** reaching beyond one association (its subject the place's key), else -1. */
int rules_finding_place(const tg_finding *f);
/* Whether f, a finding naming no association, is one the run that gave
** reached gave again (else the run before's stands). */
bool rules_reached_finding(const tg_reached *reached, const tg_finding *f);
/* to becomes the places of to and of add. */
void rules_reached_add(tg_reached *to, const tg_reached *add);
void rules_reached_free(tg_reached *reached);
/* The first association from i on (of n) that mask marks (a byte each,
** non-zero: marked), or n: a word at a time over the unmarked, since a
** write marks a few of 70,000. */
static inline size_t tg_mask_next(const uint8_t *mask, size_t i, size_t n)
{
	while (i < n && !mask[i]) {
		uint64_t w;
		if (!(i & 7) && i + 8 <= n && (memcpy(&w, mask + i, 8), !w))
			i += 8;
		else
			i++;
	}
	return i;
}
/* facts: NULL, or what the runs before on this date kept (updated);
** kept: NULL (the rules reaching beyond run on the whole register), or
** the places the writes reached; reached: NULL, or the places the run
** evaluated those rules for (free it with rules_reached_free). */
int rules_evaluate_only(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			tg_date as_of, const uint8_t *only, const tg_eval_index *ix,
			tg_facts_kept *facts, const tg_beyond_kept *kept, tg_reached *reached,
			tg_findings *out, tg_findings *years);
/* The full findings after a write, from the full findings before it (prev)
** and rules_evaluate_only's run (fresh) on the register after it (r) with
** the mask only: prev's findings of unmarked associations, and of the
** places the run did not reach (reached: the run's; NULL, every place),
** fresh's in place of the others, in order.  *out holds copies of the
** items, which point into prev's and fresh's strings (free(out->items)
** only); its notes are fresh's (none: prev must have none either).  Equal
** to a full run when only marks every association whose findings the write
** can change (docs/performance.md, "What a write reaches"). */
void findings_splice(const tg_findings *prev, const tg_findings *fresh, const tg_register *r,
		     const uint8_t *only, const tg_reached *reached, tg_findings *out);
/* After rules_evaluate_only: fresh's findings equal to one in a list of
** prev (each sorted, as fresh is) point at that one's strings, and the
** strings of the others are copied into a new arena in place of fresh's.
** A run after a write gives again mostly what was there (every finding
** that names no association), so what the server keeps of each run's
** strings is what changed.  The lists of prev must outlive fresh; at most
** four; nothing is done when fresh has notes. */
void findings_share_strings(const tg_findings *const *prev, size_t n_prev, tg_findings *fresh);
/* The county tier (六(一), obligations.md "Plans in the register"): the
** jurisdiction a finding's record belongs to (its association's, its
** unit's, a person's employing unit's; NULL: the register's own);
** whether code lies within ancestor (the same, or below it by the parent
** chain); and the plan a record of jurisdiction code is judged under: the
** plan of code or of its nearest parent holding one (plan->places), else
** plan itself.  rules_evaluate runs every plan held and keeps of each
** the findings of the records judged under it, each naming its plan. */
const char *finding_jurisdiction(const tg_register *r, const tg_finding *f);
bool rules_within(const tg_register *r, const char *code, const char *ancestor);
const tg_plan *rules_plan_for(const tg_plan *plan, const tg_register *r, const char *code);
/* The plan jurisdiction code itself adopted (plan->places), or NULL: one
** step of rules_plan_for, for a caller that walks the parents itself. */
const tg_plan *rules_place_plan(const tg_plan *plan, const char *code);
/* The order of findings (rule, association, subject; byte order, null
** first). */
int finding_cmp(const tg_finding *x, const tg_finding *y);
/* The findings one viewer gets from the two runs of rules_evaluate_with_years:
** those of fs whose timing the viewer may see (exact(f, ctx): no birth_ix,
** or the viewer may see that person's full number), and those of years it
** may not, in order.  Returns false when that is fs itself (nothing
** withheld: *out untouched); else *out holds copies of the items, which
** point into fs and years (free(out->items) only). */
bool findings_for_viewer(const tg_findings *fs, const tg_findings *years,
			 bool (*exact)(const tg_finding *f, void *ctx), void *ctx, tg_findings *out);
/* The due as people read it: "2021-06-15", "2021年内" when only the year is
** given, "" without one. */
void finding_due_text(const tg_finding *f, char out[24]);

/* The Definitions of rules.md for one association, for the pages and
** reports that show them (the engine computes them once per run). */
bool rules_registered(const tg_association *a, tg_date d);
bool rules_qualifying_link(const tg_register *r, const tg_association *a);
bool rules_name_listed(const tg_plan *plan, const char *name);
bool rules_in_scope(const tg_register *r, const tg_plan *plan, const tg_association *a);
/* Why a is in or out of scope, in Chinese. */
const char *rules_scope_reason(const tg_register *r, const tg_plan *plan,
			       const tg_association *a);
/* due(a) */
tg_date rules_due(const tg_register *r, const tg_plan *plan, const tg_association *a);

/* Output, as bundle.md describes. */
/* The opening of the findings object: {"as_of", "plan", "notes": [...]
** without its closing brace, for the writers that go on (the paged API). */
void findings_write_json_head(const tg_findings *fs, strbuf *out);
void findings_write_json(const tg_findings *fs, strbuf *out);
void findings_write_csv(const tg_findings *fs, strbuf *out);
void findings_write_table(const tg_findings *fs, const tg_plan *plan, strbuf *out);
/* One finding as a JSON object (the API reuses it). */
void finding_write_json(const tg_findings *fs, const tg_finding *f, strbuf *out);

#endif
