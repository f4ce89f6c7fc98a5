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

/* Mark the item done on in->on: the actor must be allowed to write the
** field the rule reads (403 field_forbidden), the rule must be one that is
** marked (not_markable), the record must exist and be the association's
** (404 not_found on "subject"), each evidence the association's
** (bad_evidence on "evidence[i]"), and the record with the date must pass
** the bundle's checks (errs gets them all; err the first).  Then the record
** is written and the evidence attached. */
int app_mark_done(tg_store *s, const tg_user *actor, const app_done *in, tg_errors *errs,
		  tg_error *err);

#endif
