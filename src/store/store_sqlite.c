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
** What is still here and not yet in the store's logic over db.h: opening
** (the keys, the migrations of schema_sqlite.sql by user_version, each in
** one BEGIN IMMEDIATE transaction; migrations 3 and 6 seal the ID numbers
** and birth dates, 9 starts the keyed audit chain) and import (an upsert a
** row; per-record history and audit for a register that is not empty).
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

typedef struct sqlite_store {
	tg_store base;
	sqlite3 *db;
	sqlite3_stmt *upsert[ARR_COUNT];
} sqlite_store;

static const char *col_text(sqlite3_stmt *st, int i);

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


static int snapshot_begin(sqlite_store *s, tg_error *err)
{
	return db_read_begin(s->base.db, err);
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

/* The columns a SELECT reads: a person's id_number is read from id_masked
** (the sealed text never leaves the store), and its birth date follows the
** schema's columns. */

static int prepare_statements(sqlite_store *s, tg_error *err)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		strbuf sb;
		sb_init(&sb);
		int rc = SQLITE_OK;
		{
			/* persons also carry what is kept in clear beside the sealed
			** number (birth date, masked number): one statement a row */
			bool person = a == ARR_PERSONS;
			sb_addf(&sb, "INSERT INTO %s (", tg_schema[a].key);
			store_columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
			sb_adds(&sb, person ? ", \"birth\", \"id_masked\") VALUES (" : ") VALUES (");
			store_columns_sql(a, &sb, "?", ", ?");
			sb_addf(&sb, "%s) ON CONFLICT (%s) DO UPDATE SET ", person ? ", ?, ?" : "",
				store_key_columns(a));
			store_columns_sql(a, &sb, "\"%s\" = excluded.\"%s\"", ", \"%s\" = excluded.\"%s\"");
			if (person)
				sb_adds(&sb, ", \"birth\" = excluded.\"birth\", "
					     "\"id_masked\" = excluded.\"id_masked\"");
			sb_adds(&sb, ", \"version\" = \"version\" + 1, \"updated_at\" = "
				     "strftime('%Y-%m-%dT%H:%M:%SZ','now')");
			rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
						&s->upsert[a], NULL);
		}
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
				rc = store_seal_plain_ids(&s->base, err);
			if (rc == TG_OK && version == 6)
				rc = store_seal_clear_births(&s->base, err);
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

/* What a person's row stores for its ID number. */

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
			if (!first && (rc = store_import_row_diff(&s->base, bundle, a, i, &before,
								   &after, &changed, err)))
				break;
			if (!changed)
				continue;
			struct person_seal ps = {0};
			struct bind_ctx c = {st, 0, register_row(bundle, a, i), NULL};
			if (a == ARR_PERSONS) {
				rc = store_person_seal(&s->base, c.row, &ps, err);
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
				rc = store_set_pinyin(&s->base, as->uscc, as->name, err);
			}
			if (rc == TG_OK && !first)
				rc = store_record_changed(&s->base, user, bundle, a, i, before, after, err);
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

/* ---- accounts and sessions ---- */

/* ---- history ---- */

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- plan ---- */

/* ---- security: audit log, settings, accounts, sealed numbers ---- */

/* ---- several servers on one database ---- */

/* ---- rotation of the data key ---- */

struct key_row {
	char *id, *a, *b;
};

static void sqlite_close(tg_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	db_close(base->db);
	for (int a = 0; a < ARR_COUNT; a++) {
		sqlite3_finalize(s->upsert[a]);
	}
	sqlite3_close(s->db);
	free(s->base.url);
	free(s);
}

/* ---- requests for a second administrator's approval (issue 14) ---- */

/* By concept, one line each (a line of operations per line of the table). */
static const tg_store_ops sqlite_ops = {
	.name = "sqlite",
	/* the register */ .close = sqlite_close, .import = sqlite_import, .import_as = sqlite_import_as,
	/* records */ .read_begin = sqlite_read_begin, .read_end = sqlite_read_end,
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
		rc = store_fill_missing_pinyin(&s->base, err);
	if (rc == TG_OK)
		rc = store_seal_left_plain(&s->base, err);
	if (rc != TG_OK) {
		sqlite_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return TG_OK;
}
