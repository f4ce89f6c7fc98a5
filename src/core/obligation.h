/*
** obligation.h: obligations as plan data (obligations.md).  See obligation.c.
*/
#ifndef TG_OBLIGATION_H
#define TG_OBLIGATION_H

#include <jansson.h>

#include "calendar.h"
#include "plan.h"
#include "register.h"
#include "strbuf.h"

/* Readers of a plan document, shared by plan.c and obligation.c: the
** string at key (copied into the plan's arena; NULL when absent or null,
** with "required" when it must be there, or "bad_type"), and whether obj
** has only the listed keys ("unknown_key" for each other one).  Errors name
** "path.key". */
const char *plan_doc_str(tg_plan *plan, tg_errors *errs, json_t *obj, const char *key,
			 const char *path, bool required);
bool plan_doc_only_keys(tg_errors *errs, json_t *obj, const char *path, const char *const *keys);

/* Read and check the plan's obligations[] (the plan's clauses, parameters
** and rules are read first).  Every problem goes to errs with its JSON path
** ("obligations[3].anchor.field"). */
void obligations_load(tg_plan *plan, json_t *arr, tg_errors *errs);

/* Check the register's steps[] against the plan in force: the obligation
** exists, the subject resolves in its subject array, period is given for
** a yearly obligation and only there.  A subject missing from r but present
** in fallback (may be NULL: the register a bundle is merged into)
** resolves.  Errors name "steps[N].field". */
int obligation_check_steps(const tg_register *r, const tg_plan *plan, const tg_register *fallback,
			   tg_errors *errs);

/* The items of the plan's obligations that are done on D for association
** assoc (the association itself and its records), evaluated as
** obligations_evaluate does for the open ones (registered, in scope, when,
** anchor, opens): fn(ctx, o, key, year, due, done_on) for each, key the
** subject record's key (NULL for the association), year the year of a
** yearly duty (0 none), due its due date, done_on the date it was done. */
typedef void (*obligation_done_fn)(void *ctx, const tg_obligation *o, const char *key, int year,
				   tg_date due, tg_date done_on);
void obligations_done(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		      tg_ix assoc, tg_date as_of, obligation_done_fn fn, void *ctx);

/* An obligation in words for `tuogou explain`: its subject, filters, where
** its due date counts from and how, when it opens and what makes it done
** (Chinese, one line each). */
void obligation_explain(const tg_plan *plan, const tg_obligation *o, strbuf *sb);

#endif
