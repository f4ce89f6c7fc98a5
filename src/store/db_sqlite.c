/*
** db_sqlite.c: the SQLite driver of db.h, one of the two files that know
** a database.
**
** A connection belongs to one thread.  Statements are prepared with
** SQLITE_PREPARE_PERSISTENT (db.c caches them by text); a write starts with
** BEGIN IMMEDIATE, so that writers queue on the busy handler instead of
** failing on a stale snapshot, and a read snapshot is a plain BEGIN.
**
** The connection runs in WAL mode with synchronous=FULL (these are records
** of legal weight: a committed write survives a power cut), foreign_keys
** and secure_delete on, and a busy timeout.  The schema's version is
** PRAGMA user_version.  A bulk load is its INSERT stepped a row at a time
** in the caller's transaction, with a page cache large enough that the
** pages stay in memory until the commit.
*/
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "strbuf.h"

extern const unsigned char tg_schema_sqlite[];
extern const unsigned long tg_schema_sqlite_len;

#define BUSY_TIMEOUT_MS 10000

typedef struct lite_db {
	tg_db base;
	sqlite3_stmt *begin_read, *commit; /* a snapshot per request: not parsed again */
	bool big_cache; /* a bulk load's page cache, until the write ends */
} lite_db;

typedef struct lite_stmt {
	tg_stmt base;
	sqlite3_stmt *st;
} lite_stmt;

static const db_driver lite_driver;

/* tg_now(): the time as the schemas store it, "2026-11-27T08:43:11Z", UTC
** (PostgreSQL's schema defines the same function). */
static void tg_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	char out[24];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static sqlite3 *conn_of(tg_db *db)
{
	return db->conn;
}

static sqlite3_stmt *raw(tg_stmt *st)
{
	return ((lite_stmt *)st)->st;
}

static int fail(tg_db *db, int code, tg_error *err)
{
	switch (code) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		db->failure = DB_FAIL_UNIQUE;
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		db->failure = DB_FAIL_FOREIGN_KEY;
		break;
	case SQLITE_CONSTRAINT_CHECK:
		db->failure = DB_FAIL_CHECK;
		break;
	default:
		db->failure = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED
				      ? DB_FAIL_BUSY
				      : DB_FAIL_OTHER;
	}
	return tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败：%s",
			    sqlite3_errmsg(conn_of(db)));
}

static tg_stmt *lite_prepare(tg_db *db, const char *sql, tg_error *err)
{
	lite_stmt *ls = calloc(1, sizeof *ls);
	if (!ls) {
		tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		return NULL;
	}
	if (sqlite3_prepare_v3(conn_of(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &ls->st, NULL) !=
	    SQLITE_OK) {
		fail(db, sqlite3_extended_errcode(conn_of(db)), err);
		sqlite3_finalize(ls->st);
		free(ls);
		return NULL;
	}
	return &ls->base;
}

static void lite_finalize(tg_stmt *st)
{
	sqlite3_finalize(raw(st));
	free(st);
}

static void lite_bind_text(tg_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(raw(st), i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(raw(st), i);
}

static void lite_bind_int64(tg_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(raw(st), i, v);
}

static void lite_bind_double(tg_stmt *st, int i, double v)
{
	sqlite3_bind_double(raw(st), i, v);
}

static void lite_bind_blob(tg_stmt *st, int i, const void *v, size_t len)
{
	sqlite3_bind_blob64(raw(st), i, v, len, SQLITE_TRANSIENT);
}

static int lite_step(tg_stmt *st, tg_error *err)
{
	int step = sqlite3_step(raw(st));
	if (step == SQLITE_ROW)
		return DB_ROW;
	if (step == SQLITE_DONE)
		return DB_DONE;
	return fail(st->db, sqlite3_extended_errcode(conn_of(st->db)), err);
}

static const char *lite_column_text(tg_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(raw(st), i);
}

static int64_t lite_column_int64(tg_stmt *st, int i)
{
	return sqlite3_column_int64(raw(st), i);
}

static const void *lite_column_blob(tg_stmt *st, int i, size_t *len)
{
	const void *v = sqlite3_column_blob(raw(st), i);
	*len = (size_t)sqlite3_column_bytes(raw(st), i);
	return v;
}

static double lite_column_double(tg_stmt *st, int i)
{
	return sqlite3_column_double(raw(st), i);
}

/* The FTS5 trigram table association_names: q as a phrase, in double
** quotes, quotes doubled. */
static const char *lite_name_contains(const char *q, bool trigram, strbuf *value)
{
	if (!trigram) {
		sb_adds(value, q);
		return "instr(\"name\", ?) > 0";
	}
	sb_addc(value, '"');
	const char *quote;
	for (; (quote = strchr(q, '"')) != NULL; q = quote + 1) {
		sb_add(value, q, (size_t)(quote - q) + 1);
		sb_addc(value, '"');
	}
	sb_adds(value, q);
	sb_addc(value, '"');
	return "\"uscc\" IN (SELECT \"uscc\" FROM association_names WHERE association_names MATCH ?)";
}

static void lite_reset(tg_stmt *st)
{
	sqlite3_reset(raw(st));
	sqlite3_clear_bindings(raw(st));
}

static int lite_exec(tg_db *db, const char *sql, tg_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(conn_of(db), sql, NULL, NULL, &msg) == SQLITE_OK)
		return TG_OK;
	fail(db, sqlite3_extended_errcode(conn_of(db)), NULL);
	tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败：%s", msg ? msg : "");
	sqlite3_free(msg);
	return TG_EIO;
}

static int lite_scan(tg_db *db, const char *sql, const char *order, db_row_fn row, void *ctx,
		     tg_error *err)
{
	(void)order;
	tg_stmt *st = db_prepare(db, sql, err);
	int step = DB_DONE, rc = TG_OK;
	while (rc == TG_OK && (step = db_step(st, err)) == DB_ROW)
		rc = row(ctx, st, err);
	db_reset(st);
	return rc ? rc : step < 0 ? step : TG_OK;
}

/* Run one of the connection's own statements (prepared on first use). */
static int own(tg_db *db, sqlite3_stmt **st, const char *sql, tg_error *err)
{
	if (!*st && sqlite3_prepare_v3(conn_of(db), sql, -1, SQLITE_PREPARE_PERSISTENT, st,
				       NULL) != SQLITE_OK)
		return lite_exec(db, sql, err);
	int step = sqlite3_step(*st);
	int rc = step == SQLITE_DONE || step == SQLITE_ROW
			 ? TG_OK
			 : fail(db, sqlite3_extended_errcode(conn_of(db)), err);
	sqlite3_reset(*st);
	return rc;
}

static int lite_begin(tg_db *db, char kind, tg_error *err)
{
	lite_db *l = (lite_db *)db;
	return kind == 'w' ? lite_exec(db, "BEGIN IMMEDIATE", err)
			   : own(db, &l->begin_read, "BEGIN", err);
}

static int lite_end(tg_db *db, bool commit, tg_error *err)
{
	lite_db *l = (lite_db *)db;
	int rc = TG_OK;
	if (commit)
		rc = own(db, &l->commit, "COMMIT", err);
	else if (!sqlite3_get_autocommit(conn_of(db)))
		sqlite3_exec(conn_of(db), "ROLLBACK", NULL, NULL, NULL);
	if (l->big_cache && sqlite3_get_autocommit(conn_of(db))) {
		sqlite3_exec(conn_of(db), "PRAGMA cache_size = -2000", NULL, NULL, NULL);
		l->big_cache = false;
	}
	return rc;
}

/* BEGIN IMMEDIATE made this write the only one already. */
static int lite_lock(tg_db *db, int64_t key, tg_error *err)
{
	(void)db;
	(void)key;
	(void)err;
	return TG_OK;
}

/* BEGIN IMMEDIATE made this write the only one. */
static int lite_sole_writer(tg_db *db, const char *tables, int64_t *others, tg_error *err)
{
	(void)db;
	(void)tables;
	(void)err;
	*others = 0;
	return TG_OK;
}

static int lite_check(tg_db *db, tg_error *err)
{
	(void)db;
	(void)err;
	return TG_OK;
}

/* ---- bulk load: the INSERT, a step a row ---- */

static tg_stmt *lite_bulk_begin(tg_db *db, const char *table, const char *columns, int n,
				const char *merge, tg_error *err)
{
	lite_db *l = (lite_db *)db;
	/* A bulk load keeps its pages in memory instead of spilling them to
	** the WAL before the commit (256 MiB, for this write only). */
	if (!l->big_cache && lite_exec(db, "PRAGMA cache_size = -262144", err) == TG_OK)
		l->big_cache = true;
	strbuf sql;
	sb_init(&sql);
	sb_addf(&sql, "INSERT INTO %s AS t (%s) VALUES (", table, columns);
	for (int i = 0; i < n; i++)
		sb_adds(&sql, i ? ", ?" : "?");
	sb_addf(&sql, ")%s", merge);
	tg_stmt *st = db_prepare(db, sql.buf, err);
	sb_release(&sql);
	return st;
}

static int lite_bulk_row(tg_stmt *st, tg_error *err)
{
	return db_run(st, err);
}

static int lite_bulk_flush(tg_stmt *st, tg_error *err)
{
	(void)st;
	(void)err;
	return TG_OK;
}

/* The statement stays in the cache for the next import. */
static int lite_bulk_end(tg_stmt *st, int rc, tg_error *err)
{
	(void)err;
	db_reset(st);
	return rc;
}

/* ---- migrations: PRAGMA user_version ---- */

static int lite_schema_version(tg_db *db, int *version, tg_error *err)
{
	tg_stmt *st = db_prepare(db, "PRAGMA user_version", err);
	int step = db_step(st, err);
	if (step == DB_ROW)
		*version = (int)db_column_int64(st, 0);
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* BEGIN IMMEDIATE made the migration's write the only one. */
static int lite_migrate_lock(tg_db *db, tg_error *err)
{
	(void)db;
	(void)err;
	return TG_OK;
}

/* A pragma takes no parameter: the version is the script's own number. */
static int lite_schema_version_set(tg_db *db, int version, tg_error *err)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
	return lite_exec(db, pragma, err);
}

static void lite_close(tg_db *db)
{
	lite_db *l = (lite_db *)db;
	sqlite3_finalize(l->begin_read);
	sqlite3_finalize(l->commit);
	sqlite3_close(conn_of(db));
	free(l);
}

static const db_driver lite_driver =
	DB_DRIVER(lite, "sqlite", "SELECT \"value\" FROM json_each(?)", "", true, tg_schema_sqlite,
		  "SELECT 1 FROM pragma_table_info(?) WHERE \"name\" = ?");

/* ---- opening ---- */

/* SQLite's memory statistics take one process-wide mutex on every
** allocation: with the server's worker threads reading at once that mutex
** was the most contended lock of a GET (two futex calls a request, found
** with perf; bench/run http_vs_nginx).  tuogou never reads the statistics.
** sqlite3_config must run before SQLite initializes, once: the first open
** happens on the main thread, before any worker exists. */
static void configure(void)
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

int db_sqlite_open(const char *path, tg_db **out, tg_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure);
	*out = NULL;
	/* A database made by a version before umask 077 (or copied in) may be
	** readable by others: it is tightened before its -wal and -shm files,
	** which SQLite gives the database's mode, are made (issue 14). */
	tighten_mode(path);
	sqlite3 *conn = NULL;
	/* NOMUTEX: a connection belongs to one thread (the server opens one per
	** worker), so SQLite's per-call mutex is pure cost */
	if (sqlite3_open_v2(path, &conn,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		int rc = tg_error_set(err, TG_EIO, "db_open", "--db", "无法打开数据库“%s”：%s", path,
				      conn ? sqlite3_errmsg(conn) : "内存不足");
		sqlite3_close(conn);
		return rc;
	}
	tg_db *db = db_new(sizeof(lite_db), &lite_driver, conn);
	if (!db) {
		sqlite3_close(conn);
		return TG_ENOMEM;
	}
	sqlite3_busy_timeout(conn, BUSY_TIMEOUT_MS);
	sqlite3_create_function(conn, "tg_now", 0, SQLITE_UTF8, NULL, tg_now, NULL, NULL);
	int rc = lite_exec(db,
			   "PRAGMA journal_mode = WAL;"
			   "PRAGMA synchronous = FULL;"
			   "PRAGMA foreign_keys = ON;"
			   /* personal data overwritten or deleted (a number sealed
			   ** after the fact, a purged record) leaves no trace in free
			   ** pages of the file */
			   "PRAGMA secure_delete = ON;",
			   err);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return TG_OK;
}
