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
#include "rules.h"
#include "store.h"
#include "strbuf.h"
#include "totp.h"

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

/* ---- accounts (users.c) ---- */

/* A new TOTP secret for account u (sealed by the store, audited), in secret. */
int app_user_totp(tg_store *s, const tg_user *u, char secret[TOTP_SECRET_CHARS + 1],
		  tg_error *err);
/* Add account u (filled by store_user_fill, its password hash set; on
** return as stored, with its id) and, when it needs a second factor (an
** administrator, want_totp, or the setting require_totp), its TOTP secret
** in secret (else ""): one transaction, audited (user_add, totp).  The
** store's errors as store_user_add gives them. */
int app_user_add(tg_store *s, tg_user *u, bool want_totp, char secret[TOTP_SECRET_CHARS + 1],
		 tg_error *err);

/* ---- one full ID number (reveal.c) ---- */

/* How the way in asks the person for the password again (the web: the
** session's password, counted as a login): TG_OK when given and right;
** else the refusal's reason for the audit record ("bad_password", ...) in
** *reason, *failed true for a wrong password (outcome "failed", else
** "denied"); the caller's answer is then set. */
typedef int (*app_password_again_fn)(void *ctx, const char **reason, bool *failed);

/* The full ID number of person id (malloc'd in *number, for the caller to
** wipe): a person outside what the actor may reveal (policy_may_reveal:
** a unit its own staff only) is TG_ENOTFOUND "not_found" and audited
** "denied"; then the password again (again, ctx), a refusal TG_EINVAL
** "password_again" audited with its reason; then the number, audited
** "reveal_id" by the store. */
int app_reveal(tg_store *s, const tg_user *actor, const char *id, app_password_again_fn again,
	       void *ctx, char **number, tg_error *err);

/* ---- import (import.c) ---- */

/* One file of an import: a bundle's bytes (data), or a file to read by its
** name's ending (path: .json bundle, .csv one array, .xlsx one sheet per
** array); neither: not read (the caller put its problem in errs).  errs is
** the caller's (tg_errors_init), and gets every problem of the file, for
** sheets named by sheet, row and column. */
typedef struct app_import_file {
	const char *name; /* as the person named it */
	const char *path;
	const char *data;
	size_t len;
	tg_errors errs;
} app_import_file;

typedef struct app_import_opts {
	const tg_plan *plan;    /* the plan the files are checked against */
	bool dry_run;           /* check and compare only: nothing is written */
	bool confirm_overwrite; /* write over newer edits (else newer_edit) */
	bool store_plan;        /* also keep plan as the register's plan */
} app_import_opts;

/* A field an import changes: JSON texts (NULL: none), masked as the
** history masks them. */
typedef struct app_diff_field {
	const char *field, *label; /* key, glossary word */
	char *before, *after;
} app_diff_field;

/* A record an import creates or changes.  edited_at ("YYYY-MM-DD
** HH:MM:SS", Beijing time) and edited_by: the record's last write, "" when
** the history has none; newer_edit: that write was a person's (through the
** web, the API or the command line's record writes), not an import. */
typedef struct app_diff_record {
	int array;
	char *id, *label;
	bool is_new, newer_edit;
	char edited_at[20], edited_by[65];
	app_diff_field *fields;
	size_t n_fields;
} app_diff_record;

typedef struct app_import_diff { /* records: only changed ones unless listed new */
	size_t n_new, n_changed, n_unchanged, n_newer;
	app_diff_record *records; /* new and changed, in the files' order */
	size_t n;
} app_import_diff;

typedef struct app_import_result {
	tg_register incoming; /* the files merged (app_import inits it) */
	app_import_diff diff;
	size_t n_errors;      /* problems in all files */
} app_import_result;

/* Import files as one bundle: each is read, then resolved against the
** others and the register stored, its steps checked against the plan, and
** an acceptance it newly records judged (app_workflow_check).  Any problem
** in any file: TG_EINVAL "import_invalid", the problems in each file's
** errs, nothing written.  Then out->diff compares the bundle with what is
** stored (app_import_compare); a write (not dry_run) that would overwrite
** a newer edit is refused, TG_EINVAL "newer_edit" naming how many and the
** first, unless confirm_overwrite.  Then the bundle is merged by key in
** the store's import transaction, recorded under actor's name (NULL: the
** store's actor or "cli"): each record created or changed has its history
** row and audit record.  out is the caller's to release (app_import_done). */
int app_import(tg_store *s, const tg_user *actor, app_import_file *files, size_t n,
	       const app_import_opts *o, app_import_result *out, tg_error *err);
void app_import_done(app_import_result *r);

/* What importing incoming (resolved) would do to stored: each record new,
** changed (field by field) or unchanged; with s, each listed record's
** last write from the history and whether it is a newer edit.  New records
** are listed with list_new, else only counted (a write into an empty
** register needs no list: nothing there can be a newer edit).  app_import
** lists them in a dry run only. */
int app_import_compare(tg_store *s, const tg_register *stored, const tg_register *incoming,
		       bool list_new, app_import_diff *d, tg_error *err);
void app_import_diff_free(app_import_diff *d);
/* The answer of the import routes: "counts": {...} and, with_diff,
** "diff": {...} (the shape docs/api.md gives), without braces around. */
void app_import_json(const app_import_result *r, bool with_diff, strbuf *out);

/* ---- 催办 (urge.c) ---- */

/* A 催办 to send: to a supervising unit, for its overdue items as of the
** day the findings were evaluated on. */
typedef struct app_urge_in {
	const char *unit;          /* the unit's id */
	const char *message;       /* an optional note (附言), up to 2000 bytes; "" none */
	const tg_register *reg;    /* the register the findings were evaluated on */
	const tg_findings *fs;     /* as of the urge's day, as the unit's users see
				    * them (a birth-dated timing by the year) */
	const tg_plan *plan;       /* titles and cites */
	const char *mail_config;   /* the mail settings file, or NULL (mail.h) */
	bool mail_config_given;    /* it must exist (the person named it) */
} app_urge_in;

/* Send a 催办: the joint office's act (6.1; actor NULL is the console's
** operator), refused field_forbidden otherwise; a unit that is not there
** or outside the actor's jurisdiction is TG_ENOTFOUND "not_found" on
** "unit"; a message over 2000 bytes too_long; a unit with no overdue item
** in the actor's reach nothing_overdue.  Then the 催办 is recorded (its
** items, as the unit sees them, in *out) with its change row and audit
** record in one transaction, and only then mailed when mail is configured
** and the unit has recipients (to.UNIT): the mail's outcome is recorded in
** a second write (a failed mail keeps the 催办, mail_status "failed"). */
int app_urge(tg_store *s, const tg_user *actor, const app_urge_in *in, tg_urge *out,
	     tg_error *err);
/* The unit's 签收 of 催办 id: only a unit account of the unit it was sent
** to (anyone else: TG_ENOTFOUND, as for a 催办 that is not there);
** TG_ECONFLICT "already_acknowledged" when it was signed for. */
int app_urge_acknowledge(tg_store *s, const tg_user *actor, int64_t id, tg_error *err);
/* Whether u sees 催办 x (sent to a unit of reg): the office every one to a
** unit of its jurisdiction (all, without one), a unit those sent to it. */
bool app_urge_visible(const tg_user *u, const tg_register *reg, const tg_urge *x);

#endif
