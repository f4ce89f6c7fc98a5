/*
** obligation.h: obligations as plan data (obligations.md).  See obligation.c.
*/
#ifndef TG_OBLIGATION_H
#define TG_OBLIGATION_H

#include <jansson.h>

#include "plan.h"
#include "register.h"
#include "strbuf.h"

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

/* An obligation in words for `tuogou explain`: its subject, filters, where
** its due date counts from and how, when it opens and what makes it done
** (Chinese, one line each). */
void obligation_explain(const tg_plan *plan, const tg_obligation *o, strbuf *sb);

#endif
