/*
** db.h: the driver interface under the store, the only thing the store's
** logic knows of a database.
**
** As SQLite's os.c sits over os_unix.c and curl's vtls.c over each TLS
** backend, the store's logic (store_*.c) is written once over a few dozen
** primitives, and db_sqlite.c and db_pg.c, the only files that include
** sqlite3.h or libpq-fe.h, implement them.  db.c holds what the drivers
** share: the cache of prepared statements by SQL text and the nesting of
** transactions.
**
** SQL is written once, with `?` (or `?N`) placeholders; the PostgreSQL
** driver rewrites them to $1.. when it first prepares a statement.  Write
** SQL both dialects accept (INSERT ... ON CONFLICT ... DO UPDATE,
** RETURNING, CAST(... AS BIGINT), tg_now() for the current time, which the
** SQLite driver defines as PostgreSQL's schema does).  The schema files stay
** per dialect.
**
** Transactions nest: db_write_begin inside a write joins it, and only the
** outermost db_write_end commits (or rolls back when any part failed), so
** store_tx_begin/store_tx_end make several operations one transaction.
** Reads between db_read_begin and db_read_end share one snapshot where the
** driver gives one; a write ends the snapshot first.
**
** Recipe: a store operation (docs/internals.md, "A store operation")
**   1. Write it once in the concept's file (store_records.c, store_accounts.c,
**      store_audit.c, ...) as `int store_xxx(tg_store *s, ...)`, taking the
**      connection as s->db:
**          int rc = db_write_begin(s->db, err);            (writes only)
**          if (rc) return rc;
**          tg_stmt *st = db_prepare(s->db, "UPDATE t SET \"v\" = ? "
**                                   "WHERE \"k\" = ?", err);
**          db_bind_text(st, 1, v); db_bind_text(st, 2, k);
**          rc = db_run(st, err);                           (or a db_step loop)
**          if (rc == TG_OK) rc = <audit record, generation, history>;
**          return db_write_end(s->db, rc, err);
**      Reads use db_step (DB_ROW / DB_DONE / TG_E*) and db_column_*
**      (0-based) and end with db_reset.  A constraint refused: ask
**      db_failure (DB_FAIL_UNIQUE -> TG_ECONFLICT as the operation names it).
**   2. A real dialect difference is a slot of db_driver, in DB_DRIVER and
**      in both drivers; never a test of the driver's name.
**   3. Build; run its unit tests and CLI stories on SQLite and on
**      PostgreSQL (tests/run's pg_suite shows how).
*/
#ifndef TG_DB_H
#define TG_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

typedef struct tg_db tg_db;     /* a connection: statements, transactions */
typedef struct tg_stmt tg_stmt; /* a prepared statement, cached by its SQL */

/* What refused the last failed step. */
enum db_failure {
	DB_FAIL_NONE,
	DB_FAIL_UNIQUE,      /* unique or primary key */
	DB_FAIL_FOREIGN_KEY,
	DB_FAIL_CHECK,
	DB_FAIL_BUSY,        /* locked, serialization failure, deadlock */
	DB_FAIL_OTHER
};

#define DB_ROW 1
#define DB_DONE 0

/* Open the database: a SQLite file (created when missing) or a PostgreSQL
** connection string (a postgresql:// URL or libpq keywords).  The driver
** sets the connection up (SQLite: WAL, synchronous=FULL, foreign keys,
** secure_delete, a busy timeout; PostgreSQL: UTF8, ISO dates, a statement
** timeout); TG_EIO "db_open" (field --db) when it cannot, never echoing
** a connection string. */
int db_sqlite_open(const char *path, tg_db **out, tg_error *err);
int db_pg_open(const char *conninfo, tg_db **out, tg_error *err);
/* Finalize the cached statements, close the connection, free the state. */
void db_close(tg_db *db);
/* "sqlite", "postgresql". */
const char *db_name(const tg_db *db);

/* Transactions.  db_write_end commits (rc TG_OK, and no joined part
** failed) or rolls back, and returns rc or the commit's error. */
int db_read_begin(tg_db *db, tg_error *err);
void db_read_end(tg_db *db);
void db_read_end_all(tg_db *db);
int db_write_begin(tg_db *db, tg_error *err);
int db_write_end(tg_db *db, int rc, tg_error *err);
bool db_in_write(const tg_db *db);
/* Inside a write: wait for, then hold until the write ends, the lock named
** key, so that writers of one thing (the audit chain's head) take turns
** even across servers (PostgreSQL: an advisory transaction lock; SQLite:
** nothing to do, its writes are serialised by BEGIN IMMEDIATE). */
int db_write_lock(tg_db *db, int64_t key, tg_error *err);

/* A statement for sql (prepared once per connection, then taken from the
** cache, reset); NULL with err set on failure.  A NULL statement takes
** binds and resets and fails its step with TG_EIO, so that prepare, bind
** and db_run need no test in between.  Bound values (index from
** 1; text NULL is null) must stay valid until the first db_step. */
tg_stmt *db_prepare(tg_db *db, const char *sql, tg_error *err);
void db_bind_text(tg_stmt *st, int i, const char *v);
void db_bind_text_or_null(tg_stmt *st, int i, const char *v); /* "" is null too */
void db_bind_int64(tg_stmt *st, int i, int64_t v);
/* A count (LIMIT, OFFSET): beyond INT64_MAX it is INT64_MAX. */
void db_bind_size(tg_stmt *st, int i, size_t v);
void db_bind_double(tg_stmt *st, int i, double v);
void db_bind_null(tg_stmt *st, int i);
void db_bind_blob(tg_stmt *st, int i, const void *v, size_t len);
/* DB_ROW, DB_DONE, or TG_EIO with err set and db_failure saying why. */
int db_step(tg_stmt *st, tg_error *err);
/* Columns of the current row, from 0; valid until the next step or reset. */
const char *db_column_text(tg_stmt *st, int i); /* NULL for null */
int64_t db_column_int64(tg_stmt *st, int i);    /* 0 for null; booleans 0/1 */
const void *db_column_blob(tg_stmt *st, int i, size_t *len);
double db_column_double(tg_stmt *st, int i);
bool db_column_null(tg_stmt *st, int i);
/* A column read into a member of a struct: text copied into a char array
** (cut at its size; "" for null), an int64_t, or a bool (not 0). */
typedef struct db_member {
	size_t off, size;
	char kind; /* 't', 'i', 'b' */
} db_member;
#define DB_TEXT(type, m) {offsetof(type, m), sizeof(((type *)0)->m), 't'}
#define DB_INT(type, m) {offsetof(type, m), sizeof(((type *)0)->m), 'i'}
#define DB_BOOL(type, m) {offsetof(type, m), sizeof(((type *)0)->m), 'b'}
/* Columns 0 .. n-1 of the current row into item's members m[0 .. n-1]. */
void db_read_members(tg_stmt *st, void *item, const db_member *m, size_t n);
/* Run st to its end (then reset), the first row's columns 0 .. n-1 read
** into item's members m[0 .. n-1]: an INSERT or UPDATE ... RETURNING.
** *got says whether there was a row (NULL: not asked). */
int db_run_returning(tg_stmt *st, void *item, const db_member *m, size_t n, bool *got,
		     tg_error *err);
/* Clear the bindings and the rows; the statement stays cached. */
void db_reset(tg_stmt *st);
/* Step to the end (rows are ignored), then reset. */
int db_run(tg_stmt *st, tg_error *err);
/* Bind the n texts v[0 .. n-1] to ?first .. ?first+n-1 (NULL binds null). */
void db_bind_texts(tg_stmt *st, int first, const char *const *v, int n);
/* Prepare sql, bind the n texts v[0 .. n-1] to ?1 .. ?n and run it: a
** statement whose every parameter is a text, e.g.
** db_run_texts(db, "DELETE FROM t WHERE \"k\" = ?", (const char *[]){k}, 1, err). */
int db_run_texts(tg_db *db, const char *sql, const char *const *v, int n, tg_error *err);
/* Step st to its end (then reset), each row read by read into the next
** item (of size bytes, zeroed) of a growing array: *items (malloc'd, the
** caller frees it even on failure) and *n.  TG_ENOMEM, or the step's error. */
int db_collect(tg_stmt *st, size_t size, void (*read)(tg_stmt *st, void *item), void **items,
	       size_t *n, tg_error *err);
/* Every row of sql (a SELECT without parameters), read in bulk where the
** driver can (PostgreSQL: COPY ... TO STDOUT, rows as text; SQLite: the
** statement stepped): row is called with a statement whose db_column_*
** read the current row, and its error stops the scan.  order (the
** columns of an ORDER BY) is applied where a table's rows do not come
** back in the order they were written (PostgreSQL, after updates);
** SQLite's come in rowid order, and walking an index would cost a lookup
** a row. */
typedef int (*db_row_fn)(void *ctx, tg_stmt *st, tg_error *err);
int db_scan(tg_db *db, const char *sql, const char *order, db_row_fn row, void *ctx,
	    tg_error *err);
/* A script without values (migrations, pragmas). */
int db_exec(tg_db *db, const char *sql, tg_error *err);
enum db_failure db_failure(const tg_db *db);
/* Make sure the connection is usable (PostgreSQL: reset one that broke
** between transactions, forgetting its statements); TG_EIO when not. */
int db_check(tg_db *db, tg_error *err);
/* Whether a request's reads share one snapshot (store_read_begin):
** SQLite's are a plain BEGIN, which a write may still upgrade; PostgreSQL
** reads each statement on its own (its snapshot is read-only). */
bool db_request_snapshot(const tg_db *db);

/* Bulk load: rows merged into table, each row's n values bound with
** db_bind_* (from 1, in the order of columns, a comma-separated list) on
** the statement db_bulk_begin returns, then added by db_bulk_row.  merge
** follows "INSERT INTO table AS t (columns) ..." (" ON CONFLICT (...) DO
** UPDATE SET ...").  SQLite: that INSERT prepared, a step a row;
** PostgreSQL: COPY into a temporary table, merged by one INSERT ...
** SELECT at db_bulk_end.  Between db_bulk_flush and the next row the
** connection runs other statements.  db_bulk_end merges (when rc is
** TG_OK), frees the statement and returns rc or its own error.  Inside a
** write; the write's statement timeout is lifted to the import's. */
tg_stmt *db_bulk_begin(tg_db *db, const char *table, const char *columns, int n,
		       const char *merge, tg_error *err);
int db_bulk_row(tg_stmt *st, tg_error *err);
int db_bulk_flush(tg_stmt *st, tg_error *err);
int db_bulk_end(tg_stmt *st, int rc, tg_error *err);

/* Migrations: the dialect's script (its parts after lines
** "-- migration: N"), the version applied, the lock and record of one
** migration (SQLite: PRAGMA user_version; PostgreSQL: schema_migrations
** under an advisory lock, so that servers starting at once migrate once). */
const char *db_schema(const tg_db *db, size_t *len);
int db_schema_version(tg_db *db, int *version, tg_error *err);
/* Inside the migration's write: wait for the other migrators. */
int db_migrate_lock(tg_db *db, tg_error *err);
int db_schema_version_set(tg_db *db, int version, tg_error *err);
/* Whether table has column (false when the table does not exist). */
int db_has_column(tg_db *db, const char *table, const char *column, bool *has, tg_error *err);

/* Dialect of the associations' filters: a set of texts from a JSON array
** bound as ? ("SELECT ... json_each(?)"), and the condition that a name
** contains q, with the value it binds as ? (written to value): with
** trigram (q of 3 characters or more) served by each schema's trigram
** index, else a plain substring test. */
const char *db_sql_json_texts(const tg_db *db);
/* What follows a subquery's WHERE so that rows another connection holds
** are passed over instead of waited for (PostgreSQL: FOR UPDATE SKIP
** LOCKED; SQLite: nothing, its writers take turns). */
const char *db_sql_skip_locked(const tg_db *db);
/* Inside a write: make this connection the only writer of tables (a
** comma-separated list) until the write ends, and count in *others the
** other tuogou connections to the database (PostgreSQL: a table lock and
** pg_stat_activity; SQLite: BEGIN IMMEDIATE did the first, and *others is
** 0: a server's connections are its own process). */
int db_sole_writer(tg_db *db, const char *tables, int64_t *others, tg_error *err);
const char *db_sql_name_contains(const tg_db *db, const char *q, bool trigram, strbuf *value);

/* ---- for the drivers only ---- */

typedef struct db_driver {
	const char *name;
	tg_stmt *(*prepare)(tg_db *db, const char *sql, tg_error *err);
	void (*finalize)(tg_stmt *st);
	void (*bind_text)(tg_stmt *st, int i, const char *v);
	void (*bind_int64)(tg_stmt *st, int i, int64_t v);
	void (*bind_double)(tg_stmt *st, int i, double v);
	void (*bind_blob)(tg_stmt *st, int i, const void *v, size_t len);
	int (*step)(tg_stmt *st, tg_error *err);
	const char *(*column_text)(tg_stmt *st, int i);
	int64_t (*column_int64)(tg_stmt *st, int i);
	const void *(*column_blob)(tg_stmt *st, int i, size_t *len);
	double (*column_double)(tg_stmt *st, int i);
	void (*reset)(tg_stmt *st);
	int (*exec)(tg_db *db, const char *sql, tg_error *err);
	int (*scan)(tg_db *db, const char *sql, const char *order, db_row_fn row, void *ctx,
		    tg_error *err);
	/* begin: 'r' a read snapshot, 'w' a write; end: commit or roll back */
	int (*begin)(tg_db *db, char kind, tg_error *err);
	int (*end)(tg_db *db, bool commit, tg_error *err);
	int (*lock)(tg_db *db, int64_t key, tg_error *err);
	int (*check)(tg_db *db, tg_error *err);
	void (*close)(tg_db *db);
	int (*sole_writer)(tg_db *db, const char *tables, int64_t *others, tg_error *err);
	const char *json_texts;
	const char *skip_locked;
	const char *(*name_contains)(const char *q, bool trigram, strbuf *value);
	bool request_snapshot;
	tg_stmt *(*bulk_begin)(tg_db *db, const char *table, const char *columns, int n,
			       const char *merge, tg_error *err);
	int (*bulk_row)(tg_stmt *st, tg_error *err);
	int (*bulk_flush)(tg_stmt *st, tg_error *err);
	int (*bulk_end)(tg_stmt *st, int rc, tg_error *err);
	const unsigned char *schema;
	const unsigned long *schema_len;
	int (*schema_version)(tg_db *db, int *version, tg_error *err);
	int (*migrate_lock)(tg_db *db, tg_error *err);
	int (*schema_version_set)(tg_db *db, int version, tg_error *err);
	const char *has_column_sql; /* ? table, ? column: a row when it has it */
} db_driver;

/* A driver's table from its functions, named p_prepare, p_finalize, ...
** (one list of the slots for both drivers). */
#define DB_DRIVER(p, driver_name, json, skip, snapshot, script, columns)                  \
	{                                                                                  \
		.name = driver_name, .prepare = p##_prepare, .finalize = p##_finalize,     \
		.bind_text = p##_bind_text, .bind_int64 = p##_bind_int64,                  \
		.bind_double = p##_bind_double, .bind_blob = p##_bind_blob,                \
		.step = p##_step, .column_text = p##_column_text,                          \
		.column_int64 = p##_column_int64, .column_blob = p##_column_blob,          \
		.column_double = p##_column_double, .reset = p##_reset, .exec = p##_exec,  \
		.scan = p##_scan,                                                          \
		.begin = p##_begin, .end = p##_end, .lock = p##_lock,                      \
		.check = p##_check, .close = p##_close, .sole_writer = p##_sole_writer,    \
		.json_texts = json, .skip_locked = skip, .name_contains = p##_name_contains, \
		.request_snapshot = snapshot, .bulk_begin = p##_bulk_begin,                \
		.bulk_row = p##_bulk_row, .bulk_flush = p##_bulk_flush,                    \
		.bulk_end = p##_bulk_end, .schema = script, .schema_len = &script##_len,   \
		.schema_version = p##_schema_version, .migrate_lock = p##_migrate_lock,    \
		.schema_version_set = p##_schema_version_set, .has_column_sql = columns     \
	}

#define DB_CACHE_BUCKETS 256

struct tg_stmt {
	tg_db *db;
	char *sql;
	tg_stmt *next; /* in its cache bucket */
};

struct tg_db {
	const db_driver *drv;
	void *conn; /* sqlite3 *, PGconn * */
	tg_stmt *cache[DB_CACHE_BUCKETS];
	int writes, reads;   /* nesting depths */
	bool failed;         /* a joined part of the write failed */
	enum db_failure failure;
};

/* Drivers: a zeroed state of size bytes (a struct opening with tg_db) for
** conn; NULL when out of memory. */
tg_db *db_new(size_t size, const db_driver *drv, void *conn);
/* Drivers: forget every cached statement (a connection was reset). */
void db_forget(tg_db *db);

#endif
