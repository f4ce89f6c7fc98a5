/*
** store.h: the narrow interface between tuogou and its database.
**
** The domain never sees SQL: it hands the store a register to merge and gets
** a register back.  A backend (store_sqlite.c today, store_pg.c for
** PostgreSQL) fills in a tg_store_ops table; store_open picks the backend
** from the URL ("postgresql://..." or a libpq string for PostgreSQL, a file
** path for SQLite).
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "register.h"

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
	char password_hash[128]; /* crypto_pwhash_str: "$argon2id$..." */
	int64_t failed_count, locked_until; /* Unix seconds */
	bool has_totp;
	char created_at[24];
} tg_user;

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

typedef struct tg_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(tg_store *s);
	int (*load_register)(tg_store *s, tg_register *r, tg_error *err);
	int (*import)(tg_store *s, const tg_register *bundle, tg_error *err);
	int (*get_plan)(tg_store *s, char **json, size_t *len, tg_error *err);
	int (*set_plan)(tg_store *s, const char *plan_id, const char *json, size_t len,
			tg_error *err);
	int (*count)(tg_store *s, int array, size_t *n, tg_error *err);

	int (*generation)(tg_store *s, int64_t *gen, tg_error *err);
	int (*record_get)(tg_store *s, int array, const char *key, tg_register *r,
			  int64_t *version, tg_error *err);
	int (*record_list)(tg_store *s, int array, const tg_list_query *q, tg_record_page *out,
			   tg_error *err);
	int (*record_in_scope)(tg_store *s, int array, const char *key,
			       const tg_record_filter *scope, bool *in, tg_error *err);
	int (*record_write)(tg_store *s, int array, const tg_register *r, size_t row, bool create,
			    int64_t expected_version, const char *user, tg_register *current,
			    int64_t *version, tg_error *err);
	int (*import_as)(tg_store *s, const tg_register *bundle, const char *user, tg_error *err);

	int (*user_add)(tg_store *s, const tg_user *u, tg_error *err);
	int (*user_get)(tg_store *s, const char *username, int64_t id, tg_user *u, tg_error *err);
	int (*user_list)(tg_store *s, tg_user **users, size_t *n, tg_error *err);
	int (*user_login_result)(tg_store *s, int64_t id, bool ok, int64_t now, int max_failures,
				 int64_t lock_seconds, tg_error *err);

	int (*session_create)(tg_store *s, const char *token_hash, int64_t user, const char *csrf,
			      int64_t now, int64_t idle, int64_t absolute, tg_error *err);
	int (*session_get)(tg_store *s, const char *token_hash, tg_session *out, tg_error *err);
	int (*session_touch)(tg_store *s, const char *token_hash, int64_t now, tg_error *err);
	int (*session_delete)(tg_store *s, const char *token_hash, tg_error *err);

	int (*evidence_add)(tg_store *s, tg_evidence *e, tg_error *err);
	int (*evidence_get)(tg_store *s, int64_t id, tg_evidence *e, tg_error *err);
	int (*evidence_list)(tg_store *s, const char *association, tg_evidence **items, size_t *n,
			     tg_error *err);
	int (*evidence_attach)(tg_store *s, int64_t id, const char *rule, const char *subject,
			       tg_error *err);

	int (*history)(tg_store *s, const char *association, size_t offset, size_t limit,
		       tg_change_fn fn, void *ctx, size_t *total, tg_error *err);
} tg_store_ops;

struct tg_store {
	const tg_store_ops *ops;
	char *url;
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
int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len,
		   tg_error *err);
int store_count(tg_store *s, int array, size_t *n, tg_error *err);

/* ---- for the server ---- */

/* A number that changes whenever a write transaction commits (from any
** process): cached results computed at another generation are stale. */
int store_generation(tg_store *s, int64_t *gen, tg_error *err);

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

/* Accounts.  user_add: TG_ECONFLICT when the name is taken.  user_get by
** username, or by id when username is NULL: TG_ENOTFOUND. */
int store_user_add(tg_store *s, const tg_user *u, tg_error *err);
int store_user_get(tg_store *s, const char *username, int64_t id, tg_user *u, tg_error *err);
int store_user_list(tg_store *s, tg_user **users, size_t *n, tg_error *err);
/* After a password check: ok resets the failure count; a failure counts,
** and the max_failures-th consecutive one locks the account until now +
** lock_seconds. */
int store_user_login_result(tg_store *s, int64_t id, bool ok, int64_t now, int max_failures,
			    int64_t lock_seconds, tg_error *err);

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

/* Changes of an association and its records, newest first. */
int store_history(tg_store *s, const char *association, size_t offset, size_t limit,
		  tg_change_fn fn, void *ctx, size_t *total, tg_error *err);

/* The pinyin sort key of a name: its GB18030 encoding (pinyin order for the
** common characters), or the UTF-8 bytes when it cannot be converted.
** Returns a malloc'd buffer of *len bytes. */
unsigned char *store_name_sort_key(const char *name, size_t *len);

/* Backends. */
int store_sqlite_open(const char *path, tg_store **out, tg_error *err);

#endif
