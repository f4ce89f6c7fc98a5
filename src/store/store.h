/*
** store.h: the narrow interface between tuogou and its database.
**
** The domain never sees SQL: it hands the store a register to merge and gets
** a register back.  The store's logic is written once (store_*.c) over the
** driver interface of db.h; store_open picks the driver from the URL
** ("postgresql://..." or a libpq string for PostgreSQL, a file path for
** SQLite).
**
** Every write runs in one transaction: it is all in or all out, bumps the
** register's generation (so a server knows its cached findings are stale)
** and leaves a row in the change history.
**
** Besides the whole-register operations of the CLI, the store offers what
** the web API needs: one record at a time with its version (optimistic
** concurrency), lists with filters, paging and a user's scope, accounts and
** sessions, evidence files and the change history.  Scope filters are
** applied in the database so that a national register is never loaded for
** one page of a list.
*/
#ifndef TG_STORE_H
#define TG_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "error.h"
#include "register.h"
#include "secret.h"

typedef struct tg_store tg_store;

/* Which records a list or a scope check keeps.  NULL fields do not filter.
** unit and association are a user's scope or a query filter alike: the
** records of that supervising unit's associations (persons: employed by
** the unit or holding a post in one of them), or of that association. */
typedef struct tg_record_filter {
	const char *unit;
	const char *association;
	const char *batch;        /* associations */
	const char *q;            /* associations: substring of the name */
	const char *uscc_json;    /* associations: JSON array of USCCs to keep */
	const char *person;       /* posts: held by this person */
	const char *jurisdiction; /* a GB/T 2260 code: the records of it and of
				   * the jurisdictions below it (六(一)) */
} tg_record_filter;

typedef struct tg_list_query {
	tg_record_filter filter, scope;
	const char *sort; /* associations: "name" (pinyin), "uscc", "registered_on" */
	bool desc;
	size_t offset, limit;
} tg_list_query;

/* The stored record: the register row appended plus its version. */
typedef struct tg_record_page {
	tg_register reg;   /* rows of the one array, in list order */
	int64_t *versions; /* one per row */
	size_t total;      /* rows matching, before paging */
} tg_record_page;
void record_page_init(tg_record_page *p);
void record_page_release(tg_record_page *p);

#define TG_ROLE_MAX 16
typedef struct tg_user {
	int64_t id;
	char username[65], display_name[129], role[TG_ROLE_MAX];
	char unit[65], association[19], department[TG_ROLE_MAX]; /* "" when none */
	char jurisdiction[16]; /* GB/T 2260 code the account is scoped to, "" when none */
	char password_hash[128]; /* crypto_pwhash_str: "$argon2id$..." */
	int64_t failed_count, locked_until; /* Unix seconds */
	bool has_totp;
	char created_at[24];
	bool locked;            /* locked by the security administrator */
	int64_t totp_last_step; /* the last TOTP step accepted */
	int64_t last_login_at; /* the last successful login, Unix seconds; 0 never */
	bool must_change;       /* a temporary password: changed at the next login */
} tg_user;

/* Who is acting: recorded in the audit log with every write.  store_open
** sets the operating-system user, role "operator", ip "cli"; the server sets
** the logged-in user and the client's address for each request. */
typedef struct tg_actor {
	char user[65], role[TG_ROLE_MAX], ip[64];
} tg_actor;

/* Which audit records a list keeps; NULL does not filter.  from and to are
** Beijing dates (YYYY-MM-DD, inclusive): the records stamped from 00:00
** Beijing time of from up to 24:00 of to.  The records' times (at) are
** UTC, "2018-01-01T07:30:00Z"; date.h turns them into Beijing time. */
typedef struct tg_audit_filter {
	const char *user, *event, *from, *to;
} tg_audit_filter;
typedef void (*tg_audit_fn)(void *ctx, const tg_audit_record *r);

/* A request to create or change a business account (三员分立, issue 14):
** made by one administrator, carried out only when an administrator of the
** other kind approves it.  kind: "create", "change" (role and scope),
** "reset" (password), "unlock"; detail: the new role and scope as JSON
** ({"role": ..., "unit": ..., "association": ..., "department": ...,
** "display_name": ..., "totp": true}), "{}" for reset and unlock.  status:
** "pending", "approved", "rejected", "failed" (approved, but the change
** could not be made). */
typedef struct tg_account_request {
	int64_t id;
	char kind[16], username[65], detail[1024];
	char proposer[65], proposer_role[TG_ROLE_MAX];
	int64_t created_at; /* Unix seconds */
	char status[16], decided_by[65];
	int64_t decided_at;
} tg_account_request;

typedef struct tg_session {
	int64_t user_id;
	char csrf_token[65];
	int64_t created_at, last_seen; /* Unix seconds */
} tg_session;

typedef struct tg_evidence {
	int64_t id;
	char association[19], rule[65], subject[65];
	char name[256], content_type[80];
	int64_t size;
	char sha256[65];
	char path[80];         /* file name under the evidence folder */
	char uploaded_by[65], uploaded_at[24];
} tg_evidence;

/* One row of the change history; before/after are JSON text or NULL. */
typedef struct tg_change {
	int64_t id;
	const char *at, *user, *array, *key, *association, *before, *after;
} tg_change;
typedef void (*tg_change_fn)(void *ctx, const tg_change *c);

/* What a rotation of the data key re-sealed (store_key_rotate). */
typedef struct tg_key_counts {
	size_t id_numbers, births, totp_secrets;
} tg_key_counts;

struct tg_db;

struct tg_store {
	struct tg_db *db; /* the connection, through its driver (db.h) */
	char *url;
	tg_actor actor; /* store_set_actor */
	int64_t clock;  /* store_set_clock; 0: the system's */
	/* The keys (store_keys.c): the data key sealing ID numbers, birth
	** dates and TOTP secrets, and the audit chain's HMAC key (audit.h);
	** have_*: loaded (else what needs it names the missing file). */
	tg_secret_key key;
	bool have_key;
	char key_path[PATH_MAX];
	tg_audit_key audit_key;
	bool have_audit_key;
	char audit_key_path[PATH_MAX];
};

/* Open (creating and migrating when needed) the database at url. */
int store_open(const char *url, tg_store **out, tg_error *err);
void store_close(tg_store *s);

/* The whole register, resolved (references indexed). */
int store_load_register(tg_store *s, tg_register *r, tg_error *err);
/* Merge a validated bundle by key in one transaction. */
int store_import(tg_store *s, const tg_register *bundle, tg_error *err);
/* The stored plan document (malloc'd, NUL-terminated), or *json = NULL. */
int store_get_plan(tg_store *s, char **json, size_t *len, tg_error *err);
/* The plans of jurisdictions (plan use --jurisdiction): each row's
** jurisdiction code and its plan document; fn is called once a row, in
** code order, and its non-zero return stops the walk and is returned. */
int store_jurisdiction_plans(tg_store *s,
			     int (*fn)(const char *code, const char *json, size_t len, void *ctx),
			     void *ctx, tg_error *err);
/* Load every jurisdiction's plan (checked as any plan: plan_load_buffer,
** rules_check_plan) and give it to plan (plan_add_place).  A stored plan
** that no longer loads goes to errs, its path "jurisdiction_plans[CODE]". */
struct tg_plan;
int store_attach_jurisdiction_plans(tg_store *s, struct tg_plan *plan, tg_errors *errs,
				    tg_error *err);
/* Store plan_id's document as the plan of jurisdiction code (audited
** "plan_set" on plan/<id>@<code>); every other jurisdiction holding the same
** plan id takes the new version too. */
int store_set_jurisdiction_plan(tg_store *s, const char *code, const char *plan_id,
				const char *json, size_t len, tg_error *err);
int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len,
		   tg_error *err);
int store_count(tg_store *s, int array, size_t *n, tg_error *err);

/* ---- for the server ---- */

/* A number that changes whenever a write transaction commits (from any
** process): cached results computed at another generation are stale. */
int store_generation(tg_store *s, int64_t *gen, tg_error *err);
/* Reads between store_read_begin and store_read_end see one snapshot of the
** database, taken at the first of them; a write in between ends the snapshot
** first, so the write and every read after it see the newest data.  The
** server brackets each request that changes nothing with them: one
** snapshot instead of one per statement (in SQLite's WAL mode each one
** takes the shared-memory lock, contended by the worker threads).  On a
** driver without request snapshots (PostgreSQL: db_request_snapshot) both
** do nothing. */
int store_read_begin(tg_store *s, tg_error *err);
void store_read_end(tg_store *s);

/* The writes between store_tx_begin and store_tx_end (record_write,
** evidence_add and evidence_attach, audit records ...) are one transaction:
** each operation's own transaction joins it.  store_tx_end commits when ok
** and every write in it succeeded, else rolls all of them back; it
** returns TG_OK or the error.  They nest. */
int store_tx_begin(tg_store *s, tg_error *err);
int store_tx_end(tg_store *s, bool ok, tg_error *err);

/* Key of a record in its URL form: "uscc", "id", or "uscc/year" for annual
** reports. */

/* Append the record with this key to r (initialised by the caller) and set
** *version.  TG_ENOTFOUND when there is none. */
int store_record_get(tg_store *s, int array, const char *key, tg_register *r, int64_t *version,
		     tg_error *err);
/* One page of records matching q, in order, with the total before paging. */
int store_record_list(tg_store *s, int array, const tg_list_query *q, tg_record_page *out,
		      tg_error *err);
/* Whether the record exists and lies within scope (*in false: neither). */
int store_record_in_scope(tg_store *s, int array, const char *key, const tg_record_filter *scope,
			  bool *in, tg_error *err);
bool store_record_exists(tg_store *s, int array, const char *key);
/* Write row `row` of r (validated by the caller): create (TG_ECONFLICT
** "duplicate_key" when the key exists) or replace the record whose version
** is expected_version (TG_ENOTFOUND; TG_ECONFLICT "stale_version" with the
** record as it is now appended to current, when not NULL).  Records the
** change under user's name; *version (may be NULL) gets the new version. */
int store_record_write(tg_store *s, int array, const tg_register *r, size_t row, bool create,
		       int64_t expected_version, const char *user, tg_register *current,
		       int64_t *version, tg_error *err);
/* store_import, recording user in the history. */
int store_import_as(tg_store *s, const tg_register *bundle, const char *user, tg_error *err);

/* The rules of an account, the same for the API, the command line and
** both databases: a username of 2-64 letters, digits and . _ - @; one of the
** eight roles; the scope its role needs and no other (unit: a unit's id;
** association: a USCC; department: finance, offices, organization,
** staffing, audit or price); with s, the unit or association exists.
** TG_EINVAL naming the field as the API does ("username", "role", "unit",
** "association", "department"), with a Chinese message. */
int store_user_check(tg_store *s, const tg_user *u, tg_error *err);
/* Name (unless username is NULL), role and scope of u from what a person
** gave (NULL or "" for none), checked by store_user_check without the
** store: a value too long for its field is refused, not cut; the USCC is
** normalised. */
int store_user_fill(tg_user *u, const char *username, const char *role, const char *unit,
		    const char *association, const char *department, const char *jurisdiction,
		    tg_error *err);
/* Accounts.  user_add (checked by store_user_check first): TG_ECONFLICT
** when the name is taken.  user_get by username, or by id when username
** is NULL: TG_ENOTFOUND. */
int store_user_add(tg_store *s, const tg_user *u, tg_error *err);
int store_user_get(tg_store *s, const char *username, int64_t id, tg_user *u, tg_error *err);
int store_user_list(tg_store *s, tg_user **users, size_t *n, tg_error *err);
/* After a password check: ok resets the failure count; a failure counts,
** and the max_failures-th consecutive one locks the account until now +
** lock_seconds.  max_failures 0 (the administrators' growing delay, issue
** 14): the count only grows, and the account waits until now +
** lock_seconds when lock_seconds > 0 (the caller's delay for the count). */
int store_user_login_result(tg_store *s, int64_t id, bool ok, int64_t now, int max_failures,
			    int64_t lock_seconds, tg_error *err);

/* Requests for a second administrator's approval (issue 14).
** request_add stores r (kind, username, detail; the proposer is the actor,
** created_at r's) as pending, sets r->id and audits "user_request" with
** the request as after.  request_list: the pending requests made at or
** after since, oldest first (malloc'd).  request_decide moves request id
** from status from to status to (decided by the actor at now) when it is in
** from and was made at or after since, and audits it ("user_approve",
** "user_reject", "user_request_failed") with before and after; TG_ENOTFOUND
** when no such request is waiting (decided already, expired, or none). */
int store_request_add(tg_store *s, tg_account_request *r, tg_error *err);
int store_request_list(tg_store *s, int64_t since, tg_account_request **items, size_t *n,
		       tg_error *err);
int store_request_decide(tg_store *s, int64_t id, const char *from, const char *to, int64_t now,
			 int64_t since, tg_error *err);
/* A request as JSON, for the audit log and the API (malloc'd, NULL when
** out of memory). */
char *store_request_json(const tg_account_request *r);

/* Failed logins per client address, shared by every server on the
** database.  A window opens at an address's first failure and lasts window
** seconds (it has expired once now - start > window); *failures is the
** count in the current window (0 when there is none).  add counts one more
** failure first, in one statement, opening a new window when the old one
** has expired, and deletes the rows of expired windows; without add
** nothing is written.  Only the address and the counter are kept. */
int store_login_ip_failure(tg_store *s, const char *ip, int64_t now, int64_t window, bool add,
			   int64_t *failures, tg_error *err);

/* Sessions, known by the hex SHA-256 of their token.  Creating one also
** drops every session older than idle (since last seen) or absolute. */
int store_session_create(tg_store *s, const char *token_hash, int64_t user, const char *csrf,
			 int64_t now, int64_t idle, int64_t absolute, tg_error *err);
int store_session_get(tg_store *s, const char *token_hash, tg_session *out, tg_error *err);
int store_session_touch(tg_store *s, const char *token_hash, int64_t now, tg_error *err);
int store_session_delete(tg_store *s, const char *token_hash, tg_error *err);

/* Evidence files (the bytes are the caller's business).  add sets e->id. */
int store_evidence_add(tg_store *s, tg_evidence *e, tg_error *err);
int store_evidence_get(tg_store *s, int64_t id, tg_evidence *e, tg_error *err);
/* Every evidence record of an association (malloc'd array), oldest first. */
int store_evidence_list(tg_store *s, const char *association, tg_evidence **items, size_t *n,
			tg_error *err);
int store_evidence_attach(tg_store *s, int64_t id, const char *rule, const char *subject,
			  tg_error *err);

/* The change rows with id > after, oldest first, at most limit, without
** their before and after (NULL): every write of a register record adds one
** (array, key) in its own transaction, an import one more with array
** "import" and no key.  With store_change_max (the largest id, 0 for
** none), how a server learns what other processes wrote since its last
** look (src/http/cache.c). */
int store_changes_since(tg_store *s, int64_t after, size_t limit, tg_change_fn fn, void *ctx,
			tg_error *err);
int store_change_max(tg_store *s, int64_t *id, tg_error *err);

/* A step of the workflow no field carries (a summary returned with its
** reason, store_workflow.c): one change of association's history (array
** "associations", key association) with before/after JSON, and the audit
** record event on "associations/USCC" (as a write's) with the same
** before/after, in one transaction. */
int store_workflow_note(tg_store *s, const char *user, const char *association,
			const char *event, const char *before, const char *after, tg_error *err);

/* A 催办 sent to a supervising unit (store_urge.c, migration 14): items
** is a JSON array (the items as the unit's users see them), message may be
** NULL.  mail_status: "none" (mail not configured), "no_recipients",
** "pending" (not yet sent), "sent", "failed" (mail_error says why).
** Times are UTC "YYYY-MM-DDTHH:MM:SSZ"; acknowledged_at "" until the
** unit's 签收. */
typedef struct tg_urge {
	int64_t id;
	char unit[65], unit_name[257], as_of[11];
	char *message, *items; /* malloc'd (store_urges_free) */
	int64_t n_items;
	char sent_by[65], sent_by_name[129], sent_at[24];
	char mail_status[16], mail_to[1024], mail_error[512], mail_at[24];
	char acknowledged_by[65], acknowledged_at[24];
} tg_urge;

/* Record u (its id and sent_at set on return) with its change row (array
** "urges", key the id) and its audit record "urge_send" on "units/UNIT",
** in one transaction. */
int store_urge_add(tg_store *s, tg_urge *u, tg_error *err);
/* The mail's outcome of urge id (status, error or NULL, recipients or
** NULL), stamped now, with its audit record "urge_mail" (outcome "ok" when
** sent, else "failed"), in one transaction. */
int store_urge_mail_result(tg_store *s, int64_t id, const char *status, const char *to,
			   const char *error, tg_error *err);
/* The unit's 签收 of urge id by user: TG_ENOTFOUND when there is none,
** TG_ECONFLICT "already_acknowledged" when it was; audited
** "urge_acknowledge". */
int store_urge_acknowledge(tg_store *s, int64_t id, const char *user, tg_error *err);
/* One urge (TG_ENOTFOUND), or every urge, newest first, of unit (NULL:
** all); free each list with store_urges_free. */
int store_urge_get(tg_store *s, int64_t id, tg_urge *out, tg_error *err);
int store_urge_list(tg_store *s, const char *unit, tg_urge **items, size_t *n, tg_error *err);
void store_urges_free(tg_urge *items, size_t n);

/* Changes of an association and its records, newest first. */
int store_history(tg_store *s, const char *association, size_t offset, size_t limit,
		  tg_change_fn fn, void *ctx, size_t *total, tg_error *err);

/* ---- security (等保 2.0 level 3) ----
**
** Every write above (record_write, import, evidence, accounts, settings,
** plan) appends an audit record for s->actor in its own transaction; the
** operations below add the events that write nothing else. */

/* The actor of the following operations (NULL fields: "-"). */
void store_set_actor(tg_store *s, const char *user, const char *role, const char *ip);
/* For tests: the time (Unix seconds) the following audit records are
** stamped with; 0 goes back to the system clock. */
void store_set_clock(tg_store *s, int64_t now);

/* Append one audit record (login, logout, export, reveal, a refusal ...):
** outcome "ok", "failed" or "denied"; before/after JSON or NULL. */
int store_audit_add(tg_store *s, const char *event, const char *object, const char *outcome,
		    const char *before, const char *after, tg_error *err);
/* Audit records matching f, newest first, with the total before paging;
** TG_EINVAL (field "from" or "to") for a date that is not one. */
int store_audit_list(tg_store *s, const tg_audit_filter *f, size_t offset, size_t limit,
		     tg_audit_fn fn, void *ctx, size_t *total, tg_error *err);
/* Walk the chain from the purge anchor to the head (audit_verify_chain)
** under the audit key: TG_EINVAL with *bad_seq the first broken record when
** it is not intact; TG_ENOTFOUND "audit_key_missing" without the key (it
** cannot be checked). */
int store_audit_verify(tg_store *s, int64_t *bad_seq, int64_t *count, tg_error *err);
/* The same, also against checkpoints (sorted by seq: audit_checkpoints_read);
** head (may be NULL) receives the last record, for a new checkpoint. */
int store_audit_verify_checkpoints(tg_store *s, const tg_audit_checkpoint *cps, size_t n_cps,
				   tg_audit_checkpoint *head, int64_t *bad_seq, int64_t *count,
				   tg_error *err);
/* Remove the records dated before `before` (YYYY-MM-DD), which must be at
** least 180 days ago (TG_EINVAL "audit_too_young" otherwise); the last one
** removed becomes the anchor, and the purge is itself audited. */
int store_audit_purge(tg_store *s, const char *before, int64_t *purged, tg_error *err);

/* Settings ("require_totp": "0" or "1").  get: TG_ENOTFOUND when unset. */
int store_setting_get(tg_store *s, const char *key, char *value, size_t size, tg_error *err);
int store_setting_set(tg_store *s, const char *key, const char *value, tg_error *err);
/* Whether the setting is "1". */
bool store_setting_on(tg_store *s, const char *key);

/* Change an account (found by u->id; checked by store_user_check first):
** display name, role and scope, password hash, lock.  Audited as
** role_change, user_lock, user_unlock, password_reset or user_update; a
** changed role, scope, lock or password ends the account's sessions. */
int store_user_update(tg_store *s, const tg_user *u, tg_error *err);
/* Set (base32, sealed at rest) or clear (NULL) an account's TOTP secret;
** get: the secret, TG_ENOTFOUND when there is none. */
int store_user_totp_set(tg_store *s, int64_t id, const char *secret, tg_error *err);
int store_user_totp_get(tg_store *s, int64_t id, char *secret, size_t size, tg_error *err);
/* Record the TOTP step just accepted (a code is accepted once). */
int store_user_totp_used(tg_store *s, int64_t id, int64_t step, tg_error *err);

/* ID numbers are sealed at rest (secret.h) under the key file: reads give
** the masked number ("410302********1234") and the birth date only.
** person_reveal: one full number (malloc'd), audited "reveal_id".
** reveal_id_numbers: every person of r (as loaded) gets the full number,
** for the operator's export; the caller audits the export. */
int store_person_reveal(tg_store *s, const char *id, char **number, tg_error *err);
int store_reveal_id_numbers(tg_store *s, tg_register *r, tg_error *err);
/* Re-seal every sealed value (ID numbers, birth dates, TOTP secrets) under
** key in one transaction with its audit record ("key_rotate", the counts);
** from then on the store seals under key.  The caller wrote key to
** "<key file>.new" before and installs it after (secret.h). */
int store_key_rotate(tg_store *s, const tg_secret_key *key, tg_key_counts *n, tg_error *err);
/* The key file of a database: $TUOGOU_KEY, else tuogou.key beside a SQLite
** file (var/tuogou.key for var/tuogou.db), else var/tuogou.key. */
void store_key_path(const char *url, char *out, size_t size);
/* The audit key file (the audit chain's HMAC key, audit.h): $TUOGOU_AUDIT_KEY,
** else tuogou-audit.key in the folder of the key file (store_key_path). */
void store_audit_key_path(const char *url, char *out, size_t size);

/* The pinyin sort key of a name (collate.h: ICU's zh@collation=pinyin),
** compared with memcmp.  Returns a malloc'd buffer of *len bytes. */
unsigned char *store_name_sort_key(const char *name, size_t *len);

#endif
