/*
** app.h: the operations a person performs on the register, whatever the
** way in (the web API of src/http, the command line of src/cli): attach an
** evidence file to an item, mark an item done with its evidence.
**
** Each operation is a plain C call: the actor (the logged-in user, whose
** role and scope decide), the inputs, the outputs, a tg_error.  Each one
** checks, in this order, who may do it (rights.h), then what is asked (the
** inputs, the records they name), and only then writes: a refused or
** invalid request writes nothing, neither a file nor a row.  The store
** audits each write under the actor the caller set (store_set_actor).
**
** An error names the input at fault (err->path) with the code the API
** documents (docs/api.md): TG_EINVAL for a request refused or invalid
** (err->code "field_forbidden" is a refusal: 403 on the web), TG_ENOTFOUND
** for a record that is not there, else what the store said.
*/
#ifndef TG_APP_H
#define TG_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "plan.h"
#include "register.h"
#include "store.h"
#include "strbuf.h"

/* ---- evidence (evidence.c) ---- */

/* An evidence file to keep, as it came. */
typedef struct app_upload {
	const char *association; /* USCC */
	const char *rule;        /* the item's rule, or "" */
	const char *subject;     /* the item's record, or "" */
	const char *filename;    /* as the client named it */
	const char *data;
	size_t len;
	const tg_plan *plan;     /* the plan in force: its obligations are items too */
} app_upload;

/* Keep an evidence file for an association: refused (403 field_forbidden)
** when the item's rule is one the actor may not mark done, unknown_rule for
** a rule the catalogue lacks, unsupported_type unless the content is a
** PDF, PNG, JPEG, XLSX, DOCX or plain text; then the bytes go to dir under
** a generated name (0600) and the row to the store.  *out is the row. */
int app_evidence_add(tg_store *s, const tg_user *actor, const char *dir, const app_upload *in,
		     tg_evidence *out, tg_error *err);

/* Whether the actor may mark the item of rule done (and so attach its
** evidence): TG_OK, or TG_EINVAL "field_forbidden" naming the field the
** rule reads.  A rule that is not marked done is no one's to refuse.  An
** obligation of plan (may be NULL) done by a field is the field's right,
** done by a step the right to write steps (the office, civil affairs). */
int app_may_mark(const tg_user *actor, const tg_plan *plan, const char *rule, tg_error *err);

/* What a file is, by its first bytes: "application/pdf", ... or NULL. */
const char *app_sniff_content_type(const char *data, size_t len);

/* ---- marking an item done (checklist.c) ---- */

/* An id of app_done.evidence that is no id (the client sent something
** else): reported as an evidence that does not exist. */
#define APP_NO_EVIDENCE (-1)

typedef struct app_done {
	const char *association; /* USCC */
	const char *rule;
	const char *subject; /* the item's record for an item about one, else NULL */
	tg_date on;          /* when it was done */
	const int64_t *evidence; /* this association's evidence, attached to the item */
	size_t n_evidence;
	const tg_plan *plan; /* the plan in force: its obligations are items too */
} app_done;

/* The plan association uscc is judged under (rules_plan_for, read from
** the store: its jurisdiction's plan, else its nearest parent's, else
** root); root when it holds no county plan or there is no such record. */
const tg_plan *app_plan_of(tg_store *s, const tg_plan *root, const char *uscc);

/* Mark the item done on in->on, under the plan of the association's
** jurisdiction (app_plan_of of in->plan): the actor must be allowed to write the
** field the rule reads (403 field_forbidden), the rule must be one that is
** marked (not_markable), the record must exist and be the association's
** (404 not_found on "subject"), each evidence the association's
** (bad_evidence on "evidence[i]"), and the record with the date must pass
** the bundle's checks (errs gets them all; err the first).  Then the record
** is written and the evidence attached. */
int app_mark_done(tg_store *s, const tg_user *actor, const app_done *in, tg_errors *errs,
		  tg_error *err);

/* ---- the workflow (workflow.c) ---- */

/* The conditions association uscc of reg (resolved: the register as it
** would be after the write) does not meet to be accepted on `on`: its work
** summary reported on or before, its link (主管/挂靠) cancelled on or
** before, no overdue item of its own as of that day (the acceptance's own
** items apart).  Each is appended to why as a Chinese clause ("；" between
** them); returns how many. */
size_t app_acceptance_unmet(const tg_register *reg, const tg_plan *plan, const char *uscc,
			    tg_date on, strbuf *why);

/* Judge each association row of incoming whose acceptance date (accepted_on)
** is set and differs from the one stored: an association stored has none
** lacks it only when check_new (a person's write; an import of associations
** the register does not hold yet loads their history as it was, and the
** rules judge it).  Each acceptance not ready is an error of errs,
** "acceptance_unready" on "associations[j].accepted_on" (j its row of
** incoming), naming the association, the day and what is unmet; unmet (may
** be NULL) gets the unmet clauses.  Returns the count refused. */
size_t app_workflow_check(const tg_register *stored, const tg_register *incoming,
			  const tg_plan *plan, bool check_new, tg_errors *errs, strbuf *unmet);
/* app_workflow_check against the register as s holds it. */
int app_workflow_check_store(tg_store *s, const tg_plan *plan, const tg_register *incoming,
			     bool check_new, tg_errors *errs, strbuf *unmet, size_t *refused,
			     tg_error *err);
/* The audit record ("acceptance_override") of an acceptance made although
** unmet was not met, with the reason the person gave. */
int app_acceptance_override_audit(tg_store *s, const char *uscc, tg_date on, const char *unmet,
				  const char *reason, tg_error *err);

/* Return (退回) the association's work summary with a reason: the office's
** act (field_forbidden otherwise); a reason is required (1-2000 bytes); the
** summary must be reported (not_submitted) and not yet accepted
** (already_accepted).  The report date is cleared (history and audit as
** any write), and the reason kept in a change of the history and an audit
** record "summary_return" (before: the date; after: null and the reason). */
int app_summary_return(tg_store *s, const tg_user *actor, const char *uscc, const char *reason,
		       tg_error *err);

#endif
