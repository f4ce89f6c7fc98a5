/*
** store_sqlite.c: the embedded SQLite store, tuogou's default.
**
** Owns one sqlite3 connection (one per thread: a server worker opens its
** own) and its cached prepared statements.  The connection runs in WAL mode
** with synchronous=FULL (these are records of legal weight: a committed
** write survives a power cut), foreign_keys=ON and a busy_timeout; every
** write transaction starts with BEGIN IMMEDIATE so that two writers queue
** instead of failing half-way.
**
** The SQL of every table is derived from the schema table (schema.c) at open
** time, and the columns of the migrations must match it (a unit test checks);
** values are always bound, never spliced into SQL text.
**
** For the web API it also owns: one-record reads and writes with a version
** check, lists with filters and scope (SQL fragments with bound values
** only), accounts, sessions, the per-IP count of failed logins, evidence
** rows, the change history and the generation counter in meta.  Every write bumps the generation and writes
** its history row in the same transaction.  Statements used per request
** are prepared once per connection (the stmt cache below).
**
** Security (migration 3): every write also appends its audit record (hash
** chain, audit.c) for the connection's actor in the same transaction, the
** chain's head kept in meta.  ID numbers are sealed (secret.c) under the key
** file beside the database as they are written; reads return the masked
** number (column id_masked in place of id_number), so nothing but
** person_reveal and reveal_id_numbers ever decrypts a number.  The birth
** date (column birth, which with the masked number would be the whole
** number) is sealed too since migration 6, for its record and column, and
** opened as rows are read, for the age rules.
**
** The audit chain is keyed (issue 14, migration 9): records are sealed
** with HMAC-SM3 under the audit key file (tuogou-audit.key, outside the
** database); migration 9 adds each record's algorithm and appends the
** first keyed record, in its transaction.
*/
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "db.h"
#include "ident.h"
#include "secret.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

extern const unsigned char tg_schema_sqlite[];
extern const unsigned long tg_schema_sqlite_len;

#define BUSY_TIMEOUT_MS 10000

/* Statements prepared on first use and kept for the connection's life. */
enum stmt_id {
	ST_PINYIN_SET, ST_PINYIN_MISSING,
	ST_PERSON_DERIVED, ST_PERSON_SEALED,
	ST_LOGIN_IP_ADD, ST_LOGIN_IP_GET, ST_LOGIN_IP_PRUNE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_PINYIN_SET] = "UPDATE associations SET \"name_pinyin\" = ? WHERE \"uscc\" = ?",
	[ST_PINYIN_MISSING] = "SELECT \"uscc\", \"name\" FROM associations WHERE \"name_pinyin\" IS NULL",
	[ST_PERSON_DERIVED] = "UPDATE persons SET \"birth\" = ?, \"id_masked\" = ? WHERE \"id\" = ?",
	[ST_PERSON_SEALED] = "SELECT \"id_number\", \"birth\", \"id_masked\" FROM persons "
			     "WHERE \"id\" = ?",
	/* ?1 ip, ?2 now, ?3 window: a window has expired once ?2 - start > ?3 */
	[ST_LOGIN_IP_ADD] = "INSERT INTO login_failures (\"ip\", \"window_start\", \"failures\") "
			    "VALUES (?1, ?2, 1) ON CONFLICT (\"ip\") DO UPDATE SET "
			    "\"window_start\" = CASE WHEN ?2 - login_failures.\"window_start\" > ?3 "
			    "THEN ?2 ELSE login_failures.\"window_start\" END, "
			    "\"failures\" = CASE WHEN ?2 - login_failures.\"window_start\" > ?3 "
			    "THEN 1 ELSE login_failures.\"failures\" + 1 END RETURNING \"failures\"",
	[ST_LOGIN_IP_GET] = "SELECT CASE WHEN ?2 - \"window_start\" > ?3 THEN 0 ELSE \"failures\" END "
			    "FROM login_failures WHERE \"ip\" = ?1",
	[ST_LOGIN_IP_PRUNE] = "DELETE FROM login_failures WHERE \"window_start\" < ?1 - ?2",
};

typedef struct sqlite_store {
	tg_store base;
	sqlite3 *db;
	sqlite3_stmt *select[ARR_COUNT];
	sqlite3_stmt *upsert[ARR_COUNT];
	sqlite3_stmt *select_one[ARR_COUNT];
	sqlite3_stmt *insert[ARR_COUNT];
	sqlite3_stmt *update[ARR_COUNT];
	int n_columns[ARR_COUNT];
	int n_select[ARR_COUNT]; /* columns of a SELECT: persons add "birth" */
	sqlite3_stmt *stmt[ST_COUNT];
} sqlite_store;

static int seal_plain_ids(sqlite_store *s, tg_error *err);
static int seal_clear_births(sqlite_store *s, tg_error *err);
static int need_key(sqlite_store *s, tg_error *err);
static const char *col_text(sqlite3_stmt *st, int i);
static int in_write(sqlite_store *s, int rc);

static int db_error(sqlite_store *s, tg_error *err, const char *what)
{
	return tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败（%s）：%s", what,
			    sqlite3_errmsg(s->db));
}

static int exec(sqlite_store *s, const char *sql, tg_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败：%s", msg ? msg : "");
		sqlite3_free(msg);
		return TG_EIO;
	}
	return TG_OK;
}

/* ---- transactions ----
**
** A write starts with BEGIN IMMEDIATE (write_begin), so that writers queue
** on the busy handler instead of failing on a stale snapshot.  Reads that
** must agree with each other run in one read transaction (snapshot_begin /
** snapshot_end, which nest: a whole register load inside a request's
** snapshot shares it).  Invariant: a write never runs inside a read
** snapshot; write_begin ends the snapshot first, and the snapshot_end calls
** still to come find nothing to end. */

static sqlite3_stmt *stmt(sqlite_store *s, enum stmt_id id, tg_error *err);
static int run(sqlite_store *s, sqlite3_stmt *st, tg_error *err, const char *what);

static int snapshot_begin(sqlite_store *s, tg_error *err)
{
	return db_read_begin(s->base.db, err);
}

static void snapshot_end(sqlite_store *s)
{
	db_read_end(s->base.db);
}

/* End the read transaction however many snapshots are open in it. */
static void snapshots_end_all(sqlite_store *s)
{
	db_read_end_all(s->base.db);
}

static int write_begin(sqlite_store *s, tg_error *err)
{
	snapshots_end_all(s);
	return exec(s, "BEGIN IMMEDIATE", err);
}

static int sqlite_read_begin(tg_store *base, tg_error *err)
{
	return snapshot_begin((sqlite_store *)base, err);
}

/* The request's snapshot is the outermost: it ends whatever is open. */
static void sqlite_read_end(tg_store *base)
{
	snapshots_end_all((sqlite_store *)base);
}

/* ---- columns from the schema ---- */

typedef store_column_fn column_fn;

static void for_each_column(int a, column_fn fn, void *ctx)
{
	store_for_each_column(a, fn, ctx);
}

struct sql_ctx {
	strbuf *sb;
	int n;
	const char *fmt_first, *fmt_next;
};

static void add_column(const tg_field *f, const char *column, void *vctx)
{
	struct sql_ctx *c = vctx;
	(void)f;
	sb_addf(c->sb, c->n++ ? c->fmt_next : c->fmt_first, column, column);
}

static void columns_sql(int a, strbuf *sb, const char *first, const char *next)
{
	struct sql_ctx c = {sb, 0, first, next};
	for_each_column(a, add_column, &c);
}

/* The WHERE of one record by key ("?" placeholders). */
static const char *key_where(int a)
{
	if (a == ARR_ANNUAL_REPORTS)
		return "\"association\" = ? AND \"year\" = ?";
	if (a == ARR_ASSOCIATIONS)
		return "\"uscc\" = ?";
	return "\"id\" = ?";
}

static void count_one(const tg_field *f, const char *column, void *ctx)
{
	(void)f;
	(void)column;
	(*(int *)ctx)++;
}

/* The columns a SELECT reads: a person's id_number is read from id_masked
** (the sealed text never leaves the store), and its birth date follows the
** schema's columns. */
struct select_ctx {
	strbuf *sb;
	int n;
	int a;
};

static void add_select_column(const tg_field *f, const char *column, void *vctx)
{
	struct select_ctx *c = vctx;
	(void)f;
	if (c->a == ARR_PERSONS && !strcmp(column, "id_number"))
		column = "id_masked";
	sb_addf(c->sb, c->n++ ? ", \"%s\"" : "\"%s\"", column);
}

static void select_columns(int a, strbuf *sb)
{
	struct select_ctx c = {sb, 0, a};
	for_each_column(a, add_select_column, &c);
	if (a == ARR_PERSONS)
		sb_adds(sb, ", \"birth\"");
}

static int count_columns(int a)
{
	int n = 0;
	for_each_column(a, count_one, &n);
	return n;
}

static int prepare_statements(sqlite_store *s, tg_error *err)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		strbuf sb;
		sb_init(&sb);
		sb_adds(&sb, "SELECT ");
		select_columns(a, &sb);
		/* no ORDER BY: the register does not depend on row order (findings
		** and exports sort), and walking the key index cost a lookup a row */
		sb_addf(&sb, " FROM %s", tg_schema[a].key);
		int rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
					    &s->select[a], NULL);
		sb.len = 0;
		if (rc == SQLITE_OK) {
			/* persons also carry what is kept in clear beside the sealed
			** number (birth date, masked number): one statement a row */
			bool person = a == ARR_PERSONS;
			sb_addf(&sb, "INSERT INTO %s (", tg_schema[a].key);
			columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
			sb_adds(&sb, person ? ", \"birth\", \"id_masked\") VALUES (" : ") VALUES (");
			columns_sql(a, &sb, "?", ", ?");
			sb_addf(&sb, "%s) ON CONFLICT (%s) DO UPDATE SET ", person ? ", ?, ?" : "",
				store_key_columns(a));
			columns_sql(a, &sb, "\"%s\" = excluded.\"%s\"", ", \"%s\" = excluded.\"%s\"");
			if (person)
				sb_adds(&sb, ", \"birth\" = excluded.\"birth\", "
					     "\"id_masked\" = excluded.\"id_masked\"");
			sb_adds(&sb, ", \"version\" = \"version\" + 1, \"updated_at\" = "
				     "strftime('%Y-%m-%dT%H:%M:%SZ','now')");
			rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
						&s->upsert[a], NULL);
		}
		sb.len = 0;
		if (rc == SQLITE_OK) {
			sb_adds(&sb, "SELECT ");
			select_columns(a, &sb);
			sb_addf(&sb, ", \"version\" FROM %s WHERE %s", tg_schema[a].key,
				key_where(a));
			rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
						&s->select_one[a], NULL);
		}
		sb.len = 0;
		if (rc == SQLITE_OK) {
			sb_addf(&sb, "INSERT INTO %s (", tg_schema[a].key);
			columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
			sb_adds(&sb, ") VALUES (");
			columns_sql(a, &sb, "?", ", ?");
			sb_adds(&sb, ")");
			rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
						&s->insert[a], NULL);
		}
		sb.len = 0;
		if (rc == SQLITE_OK) {
			/* Columns bind as ?1..?n, the key and the version after them. */
			sb_addf(&sb, "UPDATE %s SET ", tg_schema[a].key);
			columns_sql(a, &sb, "\"%s\" = ?", ", \"%s\" = ?");
			sb_addf(&sb, ", \"version\" = \"version\" + 1, \"updated_at\" = "
				     "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now') WHERE %s AND "
				     "\"version\" = ? RETURNING \"version\"",
				key_where(a));
			rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
						&s->update[a], NULL);
		}
		s->n_columns[a] = count_columns(a);
		s->n_select[a] = s->n_columns[a] + (a == ARR_PERSONS);
		sb_release(&sb);
		if (rc != SQLITE_OK)
			return db_error(s, err, tg_schema[a].key);
	}
	return TG_OK;
}

/* ---- migrations ---- */

static int audit_start_keyed(sqlite_store *s, tg_error *err);

static int migrate(sqlite_store *s, tg_error *err)
{
	int current = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "user_version");
	if (sqlite3_step(st) == SQLITE_ROW)
		current = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	/* The migrations file is split at lines "-- migration: N". */
	char *sql = strndup((const char *)tg_schema_sqlite, tg_schema_sqlite_len);
	if (!sql)
		return TG_ENOMEM;
	int rc = TG_OK;
	const char *marker = "-- migration: ";
	char *p = strstr(sql, marker);
	while (p && rc == TG_OK) {
		int version = atoi(p + strlen(marker));
		char *next = strstr(p + 1, marker);
		if (next)
			*next = '\0';
		if (version > current) {
			char pragma[64];
			snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", version);
			rc = write_begin(s, err);
			if (rc == TG_OK)
				rc = exec(s, p, err);
			/* Migration 3 seals the ID numbers in its transaction,
			** migration 6 the birth dates. */
			if (rc == TG_OK && version == 3)
				rc = seal_plain_ids(s, err);
			if (rc == TG_OK && version == 6)
				rc = seal_clear_births(s, err);
			/* Migration 9 starts the keyed chain in its transaction. */
			if (rc == TG_OK && version == 9)
				rc = audit_start_keyed(s, err);
			if (rc == TG_OK)
				rc = exec(s, pragma, err);
			if (rc == TG_OK)
				rc = exec(s, "COMMIT", err);
			else
				sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (next)
			*next = marker[0];
		p = next;
	}
	free(sql);
	return rc;
}

/* ---- reading rows ---- */

struct read_ctx {
	sqlite3_stmt *st;
	int col;
	void *row;
	tg_register *r;
};

static void read_column(const tg_field *f, const char *column, void *vctx)
{
	struct read_ctx *c = vctx;
	int i = c->col++;
	char *p = (char *)c->row + f->off;
	int null = sqlite3_column_type(c->st, i) == SQLITE_NULL;
	(void)column;
	if (f->type == FT_INT || f->type == FT_MONEY)
		*(int64_t *)p = sqlite3_column_int64(c->st, i);
	else if (f->type == FT_AREA || f->type == FT_BOOL)
		store_field_from_text(f, p, NULL, NULL); /* null, then the number */
	else
		store_field_from_text(f, p, null ? NULL : col_text(c->st, i), &c->r->arena);
	if (!null && f->type == FT_AREA)
		*(double *)p = sqlite3_column_double(c->st, i);
	else if (!null && f->type == FT_BOOL)
		*(int8_t *)p = (int8_t)(sqlite3_column_int(c->st, i) != 0);
}

/* A person's birth date from column i (sealed): opened with the key where
** a rule reads it (person_birth_needed), one opening per retired leading
** cadre instead of one per person (1.5 s of cpu at national size). */
static int read_birth(sqlite_store *s, sqlite3_stmt *st, int i, tg_person *p, tg_error *err)
{
	p->birth = TG_DATE_NONE;
	if (!person_birth_needed(p))
		return TG_OK;
	const char *v = (const char *)sqlite3_column_text(st, i);
	if (!v)
		return TG_OK;
	int rc = need_key(s, err);
	return rc ? rc : store_open_birth(&s->base.key, p->id, v, &p->birth, err);
}

/* The largest rowid of a table: its row count when nothing was deleted,
** found in O(log n); used only as a capacity hint for loading. */
static size_t max_rowid(sqlite_store *s, int a)
{
	char sql[96];
	sqlite3_stmt *st;
	size_t n = 0;
	snprintf(sql, sizeof sql, "SELECT max(rowid) FROM %s", tg_schema[a].key);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int sqlite_load_register(tg_store *base, tg_register *r, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	int rc = snapshot_begin(s, err); /* one snapshot for all tables */
	if (rc)
		return rc;
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		sqlite3_stmt *st = s->select[a];
		int step;
		register_reserve(r, a, max_rowid(s, a));
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct read_ctx c = {st, 0, register_append(r, a), r};
			for_each_column(a, read_column, &c);
			if (a == ARR_PERSONS &&
			    (rc = read_birth(s, st, s->n_columns[a], c.row, err)) != TG_OK)
				break;
		}
		if (rc == TG_OK && step != SQLITE_DONE)
			rc = db_error(s, err, tg_schema[a].key);
		sqlite3_reset(st);
	}
	snapshot_end(s);
	if (rc)
		return rc;
	/* The store's foreign keys guarantee resolution; batches may be the
	** plan's, so nothing is reported here. */
	register_resolve(r, NULL, 0, NULL, NULL);
	return TG_OK;
}

/* ---- writing rows ---- */

struct bind_ctx {
	sqlite3_stmt *st;
	int col;
	const void *row;
	const char *id_sealed; /* persons: what the id_number column gets */
};

static void bind_column(const tg_field *f, const char *column, void *vctx)
{
	struct bind_ctx *c = vctx;
	int i = ++c->col;
	const char *p = (const char *)c->row + f->off;
	(void)column;
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF: {
		const char *v = *(const char *const *)p;
		if (f->type == FT_STR && !strcmp(f->key, "id_number"))
			v = c->id_sealed; /* never the plain number */
		if (v)
			sqlite3_bind_text(c->st, i, v, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(c->st, i);
		break;
	}
	case FT_DATE: {
		tg_date d = *(const tg_date *)p;
		if (d == TG_DATE_NONE) {
			sqlite3_bind_null(c->st, i);
		} else {
			char s[11];
			date_format(d, s);
			sqlite3_bind_text(c->st, i, s, 10, SQLITE_TRANSIENT);
		}
		break;
	}
	case FT_BOOL: {
		int8_t v = *(const int8_t *)p;
		if (v < 0)
			sqlite3_bind_null(c->st, i);
		else
			sqlite3_bind_int(c->st, i, v);
		break;
	}
	case FT_INT:
	case FT_MONEY:
		sqlite3_bind_int64(c->st, i, *(const int64_t *)p);
		break;
	case FT_AREA:
		if (*(const double *)p < 0)
			sqlite3_bind_null(c->st, i);
		else
			sqlite3_bind_double(c->st, i, *(const double *)p);
		break;
	case FT_ENUM: {
		const char *v = schema_enum_key(f, *(const int8_t *)p);
		if (v)
			sqlite3_bind_text(c->st, i, v, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(c->st, i);
		break;
	}
	case FT_OBJECT:
		break;
	}
}

/* ---- shared by the writes ---- */

static sqlite3_stmt *stmt(sqlite_store *s, enum stmt_id id, tg_error *err)
{
	if (!s->stmt[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					       &s->stmt[id], NULL) != SQLITE_OK) {
		db_error(s, err, "prepare");
		return NULL;
	}
	return s->stmt[id];
}

/* Step a statement that returns no rows, then reset it. */
static int run(sqlite_store *s, sqlite3_stmt *st, tg_error *err, const char *what)
{
	int step = sqlite3_step(st);
	while (step == SQLITE_ROW)
		step = sqlite3_step(st);
	int rc = step == SQLITE_DONE ? TG_OK : db_error(s, err, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int bump_generation(sqlite_store *s, tg_error *err)
{
	return store_generation_bump(&s->base, err);
}

static int add_change(sqlite_store *s, const char *user, const char *array, const char *key,
		      const char *association, const char *before, const char *after,
		      tg_error *err)
{
	return store_change_add(&s->base, user, array, key, association, before, after, err);
}

/* ---- the audit chain ---- */

/* The audit chain is store_audit.c's; a wrapper for the operations still here. */
static int audit_append(sqlite_store *s, const char *event, const char *object,
			const char *outcome, const char *before, const char *after, tg_error *err)
{
	return store_audit_append(&s->base, event, object, outcome, before, after, err);
}

/* Migration 6: the first keyed record, naming its algorithm.  From here
** on an unkeyed record does not verify (audit.h). */
static int audit_start_keyed(sqlite_store *s, tg_error *err)
{
	char after[64];
	snprintf(after, sizeof after, "{\"alg\": \"%s\"}", audit_keyed_alg());
	return audit_append(s, "audit_keyed", NULL, "ok", NULL, after, err);
}

/* The audit key file: loaded when it exists; made (0600) when missing and
** the chain has no keyed record yet (a new database, or one from before
** migration 9); missing with keyed records: no key, audited writes are
** refused and verify says it cannot check. */
static int load_audit_key(sqlite_store *s, tg_error *err)
{
	sqlite3_stmt *q = NULL;
	bool keyed = false;
	store_audit_key_path(s->base.url, s->base.audit_key_path, sizeof s->base.audit_key_path);
	/* no such column before migration 9: nothing keyed (qualified, so that
	** SQLite never reads a missing "alg" as a string) */
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM audit_log WHERE audit_log.\"alg\" <> 'sha256' "
				      "LIMIT 1",
			       -1, &q, NULL) == SQLITE_OK)
		keyed = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return store_audit_key_load(s->base.audit_key_path, !keyed, &s->base.audit_key, &s->base.have_audit_key,
				    err);
}

/* ---- sealed ID numbers ---- */

/* The keys are store_keys.c's; a wrapper for the operations still here. */
static int need_key(sqlite_store *s, tg_error *err)
{
	return store_need_key(&s->base, err);
}

/* What a person's row stores for its ID number. */

/* Seal p's number, or (a masked number: the web form sent back what it
** was shown) keep the stored one when the masks agree. */
static int person_seal(sqlite_store *s, const tg_person *p, struct person_seal *ps,
		       tg_error *err)
{
	memset(ps, 0, sizeof *ps);
	if (!p->id_number)
		return TG_OK;
	if (strchr(p->id_number, '*')) {
		sqlite3_stmt *st = stmt(s, ST_PERSON_SEALED, err);
		if (!st)
			return TG_EIO;
		sqlite3_bind_text(st, 1, p->id, -1, SQLITE_TRANSIENT);
		int rc = TG_EINVAL;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		    sqlite3_column_text(st, 2) &&
		    !strcmp((const char *)sqlite3_column_text(st, 2), p->id_number)) {
			ps->sealed = strdup((const char *)sqlite3_column_text(st, 0));
			if (sqlite3_column_text(st, 1))
				ps->birth = strdup((const char *)sqlite3_column_text(st, 1));
			str_copy(ps->masked, sizeof ps->masked,
				  (const char *)sqlite3_column_text(st, 2));
			rc = ps->sealed && (ps->birth || !sqlite3_column_text(st, 1)) ? TG_OK
										  : TG_ENOMEM;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc == TG_EINVAL)
			tg_error_set(err, TG_EINVAL, "bad_id_number", "id_number",
				     "公民身份号码不完整（含 *），请输入完整的 18 位号码");
		return rc;
	}
	int rc = need_key(s, err);
	if (rc)
		return rc;
	return store_seal_number(&s->base.key, p, ps, err);
}

static int person_derived(sqlite_store *s, const char *id, const struct person_seal *ps,
			  tg_error *err)
{
	sqlite3_stmt *st = stmt(s, ST_PERSON_DERIVED, err);
	if (!st)
		return TG_EIO;
	bind_text_or_null(st, 1, ps->sealed ? ps->birth : NULL);
	bind_text_or_null(st, 2, ps->sealed ? ps->masked : NULL);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
	return run(s, st, err, "persons");
}

/* Seal every plain number left in persons (migration 3, or rows written by
** other tools); the caller holds a write transaction. */
static int seal_plain_ids(sqlite_store *s, tg_error *err)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	int rc = TG_OK, step;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT \"id\", \"id_number\" FROM persons WHERE \"id_number\" IS NOT "
			       "NULL AND \"id_number\" NOT LIKE 'v1:%'",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "UPDATE persons SET \"id_number\" = ?, \"birth\" = ?, \"id_masked\" = ? "
			       "WHERE \"id\" = ?",
			       -1, &upd, NULL) != SQLITE_OK) {
		rc = db_error(s, err, "persons");
		goto out;
	}
	/* Collect first: the rows are updated under the statement's feet. */
	tg_register tmp;
	register_init(&tmp);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		tg_person *p = register_append(&tmp, ARR_PERSONS);
		p->id = arena_strdup(&tmp.arena, (const char *)sqlite3_column_text(sel, 0));
		p->id_number = arena_strdup(&tmp.arena, (const char *)sqlite3_column_text(sel, 1));
		p->birth = TG_DATE_NONE;
	}
	if (step != SQLITE_DONE)
		rc = db_error(s, err, "persons");
	for (size_t i = 0; rc == TG_OK && i < tmp.t[ARR_PERSONS].count; i++) {
		const tg_person *p = register_row(&tmp, ARR_PERSONS, i);
		struct person_seal ps;
		if (strchr(p->id_number, '*')) /* a masked number is no number */
			continue;
		if ((rc = person_seal(s, p, &ps, err)))
			break;
		sqlite3_bind_text(upd, 1, ps.sealed, -1, SQLITE_STATIC);
		bind_text_or_null(upd, 2, ps.birth);
		bind_text_or_null(upd, 3, ps.masked);
		sqlite3_bind_text(upd, 4, p->id, -1, SQLITE_STATIC);
		if (sqlite3_step(upd) != SQLITE_DONE)
			rc = db_error(s, err, "persons");
		sqlite3_reset(upd);
		sqlite3_clear_bindings(upd);
		store_person_seal_free(&ps);
	}
	register_release(&tmp);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/* Seal the birth dates migration 6 moved aside (column birth_clear) into
** birth, then drop the clear column; the caller holds the migration's
** write transaction.  secure_delete (set at open) overwrites the clear
** values in the pages they leave. */
static int seal_clear_births(sqlite_store *s, tg_error *err)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	int rc = TG_OK, step;
	tg_register tmp;
	register_init(&tmp);
	if (sqlite3_prepare_v2(s->db,
			       "SELECT \"id\", \"birth_clear\" FROM persons "
			       "WHERE \"birth_clear\" IS NOT NULL",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "UPDATE persons SET \"birth\" = ?, \"birth_clear\" = NULL "
			       "WHERE \"id\" = ?",
			       -1, &upd, NULL) != SQLITE_OK) {
		rc = db_error(s, err, "persons");
		goto out;
	}
	/* Collect first: the rows are updated under the statement's feet. */
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		tg_person *p = register_append(&tmp, ARR_PERSONS);
		p->id = arena_strdup(&tmp.arena, col_text(sel, 0));
		if (date_parse(col_text(sel, 1), &p->birth) != TG_OK)
			p->birth = TG_DATE_NONE;
	}
	if (step != SQLITE_DONE)
		rc = db_error(s, err, "persons");
	if (rc == TG_OK && tmp.t[ARR_PERSONS].count)
		rc = need_key(s, err);
	for (size_t i = 0; rc == TG_OK && i < tmp.t[ARR_PERSONS].count; i++) {
		const tg_person *p = register_row(&tmp, ARR_PERSONS, i);
		char *sealed = NULL;
		if (p->birth != TG_DATE_NONE &&
		    (rc = store_seal_birth(&s->base.key, p->id, p->birth, &sealed, err)))
			break;
		bind_text_or_null(upd, 1, sealed);
		sqlite3_bind_text(upd, 2, p->id, -1, SQLITE_STATIC);
		if (sqlite3_step(upd) != SQLITE_DONE)
			rc = db_error(s, err, "persons");
		sqlite3_reset(upd);
		sqlite3_clear_bindings(upd);
		free(sealed);
	}
	if (rc == TG_OK)
		rc = exec(s, "ALTER TABLE persons DROP COLUMN \"birth_clear\"", err);
out:
	register_release(&tmp);
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/* The key file: loaded when it exists; made (0600) when missing and no
** number is sealed yet; missing with sealed numbers: no key, and what
** needs one says so. */
static int load_key(sqlite_store *s, tg_error *err)
{
	struct stat st;
	char next[PATH_MAX];
	store_key_path(s->base.url, s->base.key_path, sizeof s->base.key_path);
	secret_key_new_path(s->base.key_path, next, sizeof next);
	if (stat(next, &st) == 0) {
		/* a rotation that did not finish: which key is the data under? */
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(s->db, store_sql_key_sample, -1, &q, NULL) != SQLITE_OK)
			return db_error(s, err, "persons");
		int step = sqlite3_step(q), rc;
		if (step == SQLITE_ROW)
			rc = secret_key_recover(s->base.key_path, col_text(q, 0), col_text(q, 1), err);
		else
			rc = step == SQLITE_DONE ? secret_key_recover(s->base.key_path, NULL, NULL, err)
						 : db_error(s, err, "persons");
		sqlite3_finalize(q);
		if (rc)
			return rc;
	}
	if (stat(s->base.key_path, &st) == 0 || errno != ENOENT) {
		int rc = secret_key_load(s->base.key_path, 0, &s->base.key, err);
		s->base.have_key = rc == TG_OK;
		return rc;
	}
	sqlite3_stmt *q = NULL;
	bool sealed = false;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM persons WHERE \"id_number\" LIKE 'v1:%' LIMIT 1",
			       -1, &q, NULL) == SQLITE_OK)
		sealed = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	if (sealed)
		return TG_OK;
	int rc = secret_key_load(s->base.key_path, 1, &s->base.key, err);
	s->base.have_key = rc == TG_OK;
	return rc;
}

static int set_pinyin(sqlite_store *s, const char *uscc, const char *name, tg_error *err)
{
	sqlite3_stmt *st = stmt(s, ST_PINYIN_SET, err);
	if (!st)
		return TG_EIO;
	size_t len = 0;
	unsigned char *key = store_name_sort_key(name, &len);
	if (!key)
		return TG_ENOMEM;
	sqlite3_bind_blob(st, 1, key, (int)len, free);
	sqlite3_bind_text(st, 2, uscc, -1, SQLITE_TRANSIENT);
	return run(s, st, err, "name_pinyin");
}

/* Fill the sort key of rows written before migration 2 or by other tools. */
static int fill_missing_pinyin(sqlite_store *s, tg_error *err)
{
	sqlite3_stmt *st = stmt(s, ST_PINYIN_MISSING, err);
	if (!st)
		return TG_EIO;
	tg_register tmp;
	register_init(&tmp);
	const char **pairs = NULL;
	size_t n = 0, alloc = 0;
	int rc = TG_OK;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n + 2 > alloc) {
			alloc = alloc ? alloc * 2 : 64;
			const char **p = realloc(pairs, alloc * sizeof *p);
			if (!p) {
				rc = TG_ENOMEM;
				break;
			}
			pairs = p;
		}
		pairs[n++] = arena_strdup(&tmp.arena, (const char *)sqlite3_column_text(st, 0));
		pairs[n++] = arena_strdup(&tmp.arena, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc == TG_OK && n) {
		rc = write_begin(s, err);
		for (size_t i = 0; rc == TG_OK && i < n; i += 2)
			rc = set_pinyin(s, pairs[i], pairs[i + 1], err);
		if (rc == TG_OK)
			rc = exec(s, "COMMIT", err);
		else
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	free(pairs);
	register_release(&tmp);
	return rc;
}

/* Numbers written in plain by other tools since: sealed at open. */
static int seal_left_plain(sqlite_store *s, tg_error *err)
{
	sqlite3_stmt *q = NULL;
	bool any = false;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM persons WHERE \"id_number\" IS NOT NULL AND "
			       "\"id_number\" NOT LIKE 'v1:%' AND instr(\"id_number\", '*') = 0 LIMIT 1",
			       -1, &q, NULL) == SQLITE_OK)
		any = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	if (!any)
		return TG_OK;
	int rc = write_begin(s, err);
	if (rc)
		return rc;
	return in_write(s, seal_plain_ids(s, err));
}

static int get_one(sqlite_store *s, int a, const char *key, tg_register *r, int64_t *version,
		   tg_error *err);

/* The history row and the audit record of one write: what a single write
** through the API records, and what an import records for each record it
** creates or changes. */
static int record_changed(sqlite_store *s, const char *user, const tg_register *r, int a,
			  size_t i, const char *before, const char *after, tg_error *err)
{
	const void *row = register_row(r, a, i);
	const char *key = register_key(r, a, i);
	char object[200];
	snprintf(object, sizeof object, "%s/%s", tg_schema[a].key, key);
	int rc = add_change(s, user, tg_schema[a].key, key, store_row_association(a, row), before,
			    after, err);
	return rc ? rc : audit_append(s, "write", object, "ok", before, after, err);
}

/* Whether no table of the register holds a row: a first import. */
static int register_empty(sqlite_store *s, bool *empty, tg_error *err)
{
	*empty = true;
	for (int a = 0; a < ARR_COUNT && *empty; a++) {
		char sql[96];
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", tg_schema[a].key);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
			return db_error(s, err, tg_schema[a].key);
		int step = sqlite3_step(st);
		sqlite3_finalize(st);
		if (step == SQLITE_ROW)
			*empty = false;
		else if (step != SQLITE_DONE)
			return db_error(s, err, tg_schema[a].key);
	}
	return TG_OK;
}

/* What importing row i of array a changes (store_import_diff), a person's
** whole number included. */
static int import_diff(sqlite_store *s, const tg_register *bundle, int a, size_t i,
		       char **before, char **after, bool *changed, tg_error *err)
{
	tg_register cur;
	register_init(&cur);
	int rc = get_one(s, a, register_key(bundle, a, i), &cur, NULL, err);
	bool found = rc == TG_OK;
	if (rc == TG_ENOTFOUND)
		rc = TG_OK;
	if (rc == TG_OK)
		rc = store_import_diff(found ? &cur : NULL, bundle, a, i, false, before, after,
				       changed);
	if (rc == TG_OK && found && !*changed && a == ARR_PERSONS) {
		const tg_person *p = register_row(bundle, a, i);
		sqlite3_stmt *st = stmt(s, ST_PERSON_SEALED, err);
		bool same = true;
		rc = st ? TG_OK : TG_EIO;
		if (rc == TG_OK) {
			sqlite3_bind_text(st, 1, p->id, -1, SQLITE_TRANSIENT);
			const char *sealed = sqlite3_step(st) == SQLITE_ROW ? col_text(st, 0) : NULL;
			rc = p->id_number && sealed && !strchr(p->id_number, '*') ? need_key(s, err)
										  : TG_OK;
			if (rc == TG_OK)
				rc = store_number_same(&s->base.key, p->id, sealed, p->id_number, &same,
						       err);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
		}
		/* only the 8 characters the mask hides: the same JSON, a new number */
		if (rc == TG_OK && !same)
			rc = store_import_diff(&cur, bundle, a, i, true, before, after, changed);
	}
	register_release(&cur);
	return rc;
}

static int sqlite_import_as(tg_store *base, const tg_register *bundle, const char *user,
			    tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	/* A bulk import keeps its pages in memory instead of spilling them to
	** the WAL before the commit (256 MiB for this transaction only). */
	sqlite3_exec(s->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	int rc = write_begin(s, err);
	if (rc)
		return rc;
	/* Every record created or changed gets its history row and its audit
	** record, as a single write; an unchanged one is not written at all.
	** The first import of an empty register is recorded in bulk: the
	** summary below (all is new, the file is the record). */
	bool first = false;
	rc = register_empty(s, &first, err);
	strbuf counts;
	sb_init(&counts);
	sb_addc(&counts, '{');
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		sqlite3_stmt *st = s->upsert[a];
		if (bundle->t[a].count)
			sb_addf(&counts, "%s\"%s\": %zu", counts.len > 1 ? ", " : "",
				tg_schema[a].key, bundle->t[a].count);
		for (size_t i = 0; i < bundle->t[a].count; i++) {
			char *before = NULL, *after = NULL;
			bool changed = true;
			if (!first && (rc = import_diff(s, bundle, a, i, &before, &after, &changed,
							 err)))
				break;
			if (!changed)
				continue;
			struct person_seal ps = {0};
			struct bind_ctx c = {st, 0, register_row(bundle, a, i), NULL};
			if (a == ARR_PERSONS) {
				rc = person_seal(s, c.row, &ps, err);
				c.id_sealed = ps.sealed;
			}
			for_each_column(a, bind_column, &c);
			if (a == ARR_PERSONS) {
				bind_text_or_null(st, c.col + 1, ps.sealed ? ps.birth : NULL);
				bind_text_or_null(st, c.col + 2, ps.sealed ? ps.masked : NULL);
			}
			int step = rc ? SQLITE_DONE : sqlite3_step(st);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			store_person_seal_free(&ps);
			if (rc == TG_OK && step != SQLITE_DONE) {
				char path[96];
				snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, i);
				rc = tg_error_set(err, TG_EIO, "db_error", path,
						  "写入数据库失败：%s", sqlite3_errmsg(s->db));
			}
			if (rc == TG_OK && a == ARR_ASSOCIATIONS) {
				const tg_association *as = register_row(bundle, a, i);
				rc = set_pinyin(s, as->uscc, as->name, err);
			}
			if (rc == TG_OK && !first)
				rc = record_changed(s, user, bundle, a, i, before, after, err);
			free(before);
			free(after);
			if (rc)
				break;
		}
	}
	sb_addc(&counts, '}');
	/* One history row per import: the counts, not every record (a national
	** import would double the database). */
	if (rc == TG_OK)
		rc = add_change(s, user, "import", NULL, NULL, NULL, counts.buf, err);
	if (rc == TG_OK)
		rc = audit_append(s, "import", NULL, "ok", NULL, counts.buf, err);
	if (rc == TG_OK)
		rc = bump_generation(s, err);
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	if (rc != TG_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(s->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
	sb_release(&counts);
	return rc;
}

static int sqlite_import(tg_store *base, const tg_register *bundle, tg_error *err)
{
	return sqlite_import_as(base, bundle, base->actor.user[0] ? base->actor.user : "cli", err);
}

/* ---- one record ---- */

/* Bind the key of a record ("uscc", "id" or "uscc/year") from position i. */
static int bind_key(sqlite3_stmt *st, int i, int a, const char *key)
{
	if (a != ARR_ANNUAL_REPORTS) {
		sqlite3_bind_text(st, i, key, -1, SQLITE_TRANSIENT);
		return i + 1;
	}
	char copy[256];
	sqlite3_bind_int64(st, i + 1, store_key_year(key, copy, sizeof copy));
	sqlite3_bind_text(st, i, copy, -1, SQLITE_TRANSIENT);
	return i + 2;
}

/* Append the current row of st (columns of array a, then version) to r. */
static int read_row(sqlite_store *s, sqlite3_stmt *st, int a, tg_register *r, int64_t *version,
		    tg_error *err)
{
	int n_columns = s->n_columns[a];
	struct read_ctx c = {st, 0, register_append(r, a), r};
	for_each_column(a, read_column, &c);
	if (a == ARR_PERSONS) {
		int rc = read_birth(s, st, n_columns, c.row, err);
		if (rc)
			return rc;
	}
	store_row_keyed(r, a, c.row);
	if (version)
		*version = sqlite3_column_int64(st, n_columns + (a == ARR_PERSONS));
	return TG_OK;
}

static int get_one(sqlite_store *s, int a, const char *key, tg_register *r, int64_t *version,
		   tg_error *err)
{
	sqlite3_stmt *st = s->select_one[a];
	bind_key(st, 1, a, key);
	int step = sqlite3_step(st);
	int rc = TG_OK;
	if (step == SQLITE_ROW)
		rc = read_row(s, st, a, r, version, err);
	else if (step == SQLITE_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该%s记录",
				  tg_schema[a].zh);
	else
		rc = db_error(s, err, tg_schema[a].key);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int write_insert(sqlite_store *s, int a, const void *row, const char *id_sealed,
			tg_error *err)
{
	sqlite3_stmt *st = s->insert[a];
	struct bind_ctx c = {st, 0, row, id_sealed};
	for_each_column(a, bind_column, &c);
	int step = sqlite3_step(st);
	int ext = sqlite3_extended_errcode(s->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (step == SQLITE_DONE)
		return TG_OK;
	if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
		return tg_error_set(err, TG_ECONFLICT, "duplicate_key", tg_schema[a].fields[0].key,
				    "该%s已存在（编号重复）", tg_schema[a].zh);
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return tg_error_set(err, TG_EINVAL, "dangling_ref", "", "引用的记录不存在");
	return db_error(s, err, tg_schema[a].key);
}

static int write_update(sqlite_store *s, int a, const void *row, const char *key,
			const char *id_sealed, int64_t expected, int64_t *version, tg_error *err)
{
	sqlite3_stmt *st = s->update[a];
	struct bind_ctx c = {st, 0, row, id_sealed};
	for_each_column(a, bind_column, &c);
	int i = bind_key(st, c.col + 1, a, key);
	sqlite3_bind_int64(st, i, expected);
	int step = sqlite3_step(st);
	int rc = TG_OK;
	if (step == SQLITE_ROW) {
		if (version)
			*version = sqlite3_column_int64(st, 0);
		step = sqlite3_step(st);
	} else if (step == SQLITE_DONE) {
		rc = tg_error_set(err, TG_ECONFLICT, "stale_version", "version",
				  "记录已被他人修改，请刷新后重试");
	}
	if (step != SQLITE_DONE && rc == TG_OK) {
		int ext = sqlite3_extended_errcode(s->db);
		rc = ext == SQLITE_CONSTRAINT_FOREIGNKEY
			     ? tg_error_set(err, TG_EINVAL, "dangling_ref", "", "引用的记录不存在")
			     : db_error(s, err, tg_schema[a].key);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int sqlite_record_write(tg_store *base, int a, const tg_register *r, size_t i, bool create,
			       int64_t expected, const char *user, tg_register *current,
			       int64_t *version, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	const void *row = register_row(r, a, i);
	const char *key = register_key(r, a, i);
	char *before = NULL, *after = NULL;
	char object[200];
	struct person_seal ps = {0};
	tg_register now;
	register_init(&now);
	if (!key)
		return tg_error_set(err, TG_EINVAL, "required", tg_schema[a].fields[0].key,
				    "缺少编号");
	snprintf(object, sizeof object, "%s/%s", tg_schema[a].key, key);
	int rc = write_begin(s, err);
	if (rc)
		goto out;
	if (a == ARR_PERSONS && (rc = person_seal(s, row, &ps, err)) != TG_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	if (create) {
		rc = write_insert(s, a, row, ps.sealed, err);
		if (version)
			*version = 1;
	} else {
		int64_t have = 0;
		rc = get_one(s, a, key, &now, &have, err);
		if (rc == TG_OK && have != expected) {
			rc = tg_error_set(err, TG_ECONFLICT, "stale_version", "version",
					  "记录已被他人修改（当前版本 %lld，提交的版本 %lld），"
					  "请刷新后合并修改",
					  (long long)have, (long long)expected);
			if (current)
				register_merge(current, &now);
		}
		if (rc == TG_OK) {
			before = store_record_json_masked(&now, a, register_row(&now, a, 0));
			rc = write_update(s, a, row, key, ps.sealed, expected, version, err);
		}
	}
	if (rc == TG_OK && a == ARR_PERSONS)
		rc = person_derived(s, key, &ps, err);
	if (rc == TG_OK && a == ARR_ASSOCIATIONS)
		rc = set_pinyin(s, key, ((const tg_association *)row)->name, err);
	if (rc == TG_OK) {
		after = store_record_json_masked(r, a, row);
		rc = record_changed(s, user, r, a, i, before, after, err);
	}
	if (rc == TG_OK)
		rc = bump_generation(s, err);
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	if (rc != TG_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
out:
	free(before);
	free(after);
	store_person_seal_free(&ps);
	register_release(&now);
	return rc;
}

/* ---- accounts and sessions ---- */

/* ---- history ---- */

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- plan ---- */

/* ---- security: audit log, settings, accounts, sealed numbers ---- */

/* Run fn inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK on failure). */
static int in_write(sqlite_store *s, int rc)
{
	if (rc == TG_OK) {
		tg_error e;
		if (exec(s, "COMMIT", &e) == TG_OK)
			return TG_OK;
		rc = TG_EIO;
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- several servers on one database ---- */

static int sqlite_login_ip_failure(tg_store *base, const char *ip, int64_t now, int64_t window,
				   bool add, int64_t *failures, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = stmt(s, add ? ST_LOGIN_IP_ADD : ST_LOGIN_IP_GET, err);
	sqlite3_stmt *prune = add ? stmt(s, ST_LOGIN_IP_PRUNE, err) : NULL;
	*failures = 0;
	if (!st || (add && !prune))
		return TG_EIO;
	int rc = add ? write_begin(s, err) : TG_OK;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, window);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) { /* the one row: RETURNING's, or the read's */
		*failures = sqlite3_column_int64(st, 0);
		step = add ? sqlite3_step(st) : SQLITE_DONE;
	}
	if (step != SQLITE_DONE)
		rc = db_error(s, err, "login_failures");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!add)
		return rc;
	/* The windows that have expired are of no more use. */
	if (rc == TG_OK) {
		sqlite3_bind_int64(prune, 1, now);
		sqlite3_bind_int64(prune, 2, window);
		rc = run(s, prune, err, "login_failures");
	}
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- rotation of the data key ---- */

struct key_row {
	char *id, *a, *b;
};

/* The rows of a statement of store_sql_key_* (2 or 3 columns), collected:
** the rows are updated under the statement's feet. */
static int key_rows(sqlite_store *s, const char *sql, int columns, struct key_row **rows,
		    size_t *n, tg_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc = TG_OK, step;
	*rows = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "key_rotate");
	while (rc == TG_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			struct key_row *p = realloc(*rows, alloc * sizeof *p);
			if (!p) {
				rc = TG_ENOMEM;
				break;
			}
			*rows = p;
		}
		struct key_row *r = &(*rows)[(*n)++];
		const char *a = col_text(st, 1), *b = columns > 2 ? col_text(st, 2) : NULL;
		r->id = strdup(col_text(st, 0));
		r->a = a ? strdup(a) : NULL;
		r->b = b ? strdup(b) : NULL;
		if (!r->id || (a && !r->a) || (b && !r->b))
			rc = TG_ENOMEM;
	}
	if (rc == TG_OK && step != SQLITE_DONE)
		rc = db_error(s, err, "key_rotate");
	sqlite3_finalize(st);
	return rc;
}

static void key_rows_free(struct key_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].id);
		free(rows[i].a);
		free(rows[i].b);
	}
	free(rows);
}

/* Re-seal one table's values under key; the caller holds the transaction. */
static int key_reseal_table(sqlite_store *s, const tg_secret_key *key, bool persons,
			    tg_key_counts *n, tg_error *err)
{
	struct key_row *rows = NULL;
	size_t count = 0;
	sqlite3_stmt *upd = NULL;
	int rc = key_rows(s, persons ? store_sql_key_persons : store_sql_key_users,
			  persons ? 3 : 2, &rows, &count, err);
	if (rc == TG_OK &&
	    sqlite3_prepare_v2(s->db, persons ? store_sql_key_person_set : store_sql_key_user_set,
			       -1, &upd, NULL) != SQLITE_OK)
		rc = db_error(s, err, "key_rotate");
	for (size_t i = 0; rc == TG_OK && i < count; i++) {
		char ad[96], *a = NULL, *b = NULL;
		if (persons) {
			snprintf(ad, sizeof ad, "persons/%s", rows[i].id);
			rc = store_key_reseal(&s->base.key, key, ad, rows[i].a, &a, &n->id_numbers, err);
			snprintf(ad, sizeof ad, "persons/%s/birth", rows[i].id);
			if (rc == TG_OK)
				rc = store_key_reseal(&s->base.key, key, ad, rows[i].b, &b, &n->births,
						      err);
		} else {
			snprintf(ad, sizeof ad, "users/%s/totp", rows[i].id);
			rc = store_key_reseal(&s->base.key, key, ad, rows[i].a, &a, &n->totp_secrets,
					      err);
		}
		if (rc == TG_OK) {
			int k = 1;
			bind_text_or_null(upd, k++, a);
			if (persons)
				bind_text_or_null(upd, k++, b);
			sqlite3_bind_text(upd, k, rows[i].id, -1, SQLITE_STATIC);
			if (sqlite3_step(upd) != SQLITE_DONE)
				rc = db_error(s, err, "key_rotate");
			sqlite3_reset(upd);
			sqlite3_clear_bindings(upd);
		}
		free(a);
		free(b);
	}
	sqlite3_finalize(upd);
	key_rows_free(rows, count);
	return rc;
}

static int sqlite_key_rotate(tg_store *base, const tg_secret_key *key, tg_key_counts *n,
			     tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	int rc = need_key(s, err);
	if (rc == TG_OK)
		rc = write_begin(s, err);
	if (rc)
		return rc;
	rc = key_reseal_table(s, key, true, n, err);
	if (rc == TG_OK)
		rc = key_reseal_table(s, key, false, n, err);
	if (rc == TG_OK) {
		char *after = store_key_rotate_json(n);
		rc = after ? audit_append(s, "key_rotate", NULL, "ok", NULL, after, err) : TG_ENOMEM;
		free(after);
	}
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	s->base.key = *key;
	return TG_OK;
}

static void sqlite_close(tg_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	db_close(base->db);
	for (int a = 0; a < ARR_COUNT; a++) {
		sqlite3_finalize(s->select[a]);
		sqlite3_finalize(s->upsert[a]);
		sqlite3_finalize(s->select_one[a]);
		sqlite3_finalize(s->insert[a]);
		sqlite3_finalize(s->update[a]);
	}
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s->base.url);
	free(s);
}

/* ---- requests for a second administrator's approval (issue 14) ---- */

/* By concept, one line each (a line of operations per line of the table). */
static const tg_store_ops sqlite_ops = {
	.name = "sqlite",
	/* the register */ .close = sqlite_close, .load_register = sqlite_load_register, .import = sqlite_import, .import_as = sqlite_import_as,
	/* records */ .record_write = sqlite_record_write, .read_begin = sqlite_read_begin, .read_end = sqlite_read_end,
	/* login failures */ .login_ip_failure = sqlite_login_ip_failure,
	/* keys */ .key_rotate = sqlite_key_rotate,
};

/* SQLite's memory statistics take one process-wide mutex on every
** allocation: with the server's worker threads reading at once that mutex
** was the most contended lock of a GET (two futex calls a request, found
** with perf; bench/run http_vs_nginx).  tuogou never reads the statistics.
** sqlite3_config must run before SQLite initializes, once: the first open
** happens on the main thread, before any worker exists. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/* Take group and other permissions off an existing file (0644 -> 0600);
** a file that is not there or not ours is left to the open to report. */
static void tighten_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		(void)chmod(path, st.st_mode & 0700);
}

int store_sqlite_open(const char *path, tg_store **out, tg_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
	sqlite_store *s = calloc(1, sizeof *s);
	if (!s)
		return TG_ENOMEM;
	s->base.ops = &sqlite_ops;
	s->base.url = strdup(path);
	/* NOMUTEX: a connection belongs to one thread (the server opens one per
	** worker), so SQLite's per-call mutex is pure cost */
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		int rc = tg_error_set(err, TG_EIO, "db_open", "--db", "无法打开数据库“%s”：%s", path,
				      s->db ? sqlite3_errmsg(s->db) : "内存不足");
		sqlite_close(&s->base);
		return rc;
	}
	s->base.db = db_sqlite_adopt(s->db);
	if (!s->base.db) {
		sqlite_close(&s->base);
		return TG_ENOMEM;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* A database made by a version before umask 077 (or copied in) may be
	** readable by others: it is tightened before its -wal and -shm files,
	** which SQLite gives the database's mode, are made (issue 14). */
	tighten_mode(path);
	int rc = exec(s,
		      "PRAGMA journal_mode = WAL;"
		      "PRAGMA synchronous = FULL;"
		      "PRAGMA foreign_keys = ON;"
		      /* personal data overwritten or deleted (a number sealed
		      ** after the fact, a purged record) leaves no trace in free
		      ** pages of the file */
		      "PRAGMA secure_delete = ON;",
		      err);
	if (rc == TG_OK)
		rc = load_key(s, err);
	if (rc == TG_OK)
		rc = load_audit_key(s, err);
	if (rc == TG_OK)
		rc = migrate(s, err);
	if (rc == TG_OK)
		rc = prepare_statements(s, err);
	if (rc == TG_OK)
		rc = fill_missing_pinyin(s, err);
	if (rc == TG_OK)
		rc = seal_left_plain(s, err);
	if (rc != TG_OK) {
		sqlite_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return TG_OK;
}
