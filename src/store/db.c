/*
** db.c: what the database drivers share (db.h): the cache of prepared
** statements by SQL text, the nesting of read snapshots and write
** transactions, and the dispatch to the driver of the connection.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

const char *db_name(const tg_db *db)
{
	return db->drv->name;
}

enum db_failure db_failure(const tg_db *db)
{
	return db->failure;
}

tg_db *db_new(size_t size, const db_driver *drv, void *conn)
{
	tg_db *db = calloc(1, size);
	if (db) {
		db->drv = drv;
		db->conn = conn;
	}
	return db;
}

/* ---- statements ---- */

static unsigned bucket(const char *sql)
{
	uint32_t h = 2166136261u;
	for (; *sql; sql++)
		h = (h ^ (unsigned char)*sql) * 16777619u;
	return h % DB_CACHE_BUCKETS;
}

tg_stmt *db_prepare(tg_db *db, const char *sql, tg_error *err)
{
	unsigned b = bucket(sql);
	for (tg_stmt *st = db->cache[b]; st; st = st->next)
		if (!strcmp(st->sql, sql))
			return st;
	tg_stmt *st = db->drv->prepare(db, sql, err);
	if (!st)
		return NULL;
	st->db = db;
	st->sql = strdup(sql);
	if (!st->sql) {
		db->drv->finalize(st);
		tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		return NULL;
	}
	st->next = db->cache[b];
	db->cache[b] = st;
	return st;
}

void db_forget(tg_db *db)
{
	for (int b = 0; b < DB_CACHE_BUCKETS; b++) {
		while (db->cache[b]) {
			tg_stmt *st = db->cache[b];
			db->cache[b] = st->next;
			free(st->sql);
			db->drv->finalize(st);
		}
	}
}

void db_close(tg_db *db)
{
	if (!db)
		return;
	db_forget(db);
	db->drv->close(db);
}

void db_bind_text(tg_stmt *st, int i, const char *v)
{
	if (!st)
		return;
	st->db->drv->bind_text(st, i, v);
}

void db_bind_text_or_null(tg_stmt *st, int i, const char *v)
{
	if (!st)
		return;
	st->db->drv->bind_text(st, i, v && *v ? v : NULL);
}

void db_bind_null(tg_stmt *st, int i)
{
	if (!st)
		return;
	st->db->drv->bind_text(st, i, NULL);
}

void db_bind_int64(tg_stmt *st, int i, int64_t v)
{
	if (!st)
		return;
	st->db->drv->bind_int64(st, i, v);
}

void db_bind_size(tg_stmt *st, int i, size_t v)
{
	db_bind_int64(st, i, v > (size_t)INT64_MAX ? INT64_MAX : (int64_t)v);
}

void db_bind_double(tg_stmt *st, int i, double v)
{
	if (!st)
		return;
	st->db->drv->bind_double(st, i, v);
}

void db_bind_blob(tg_stmt *st, int i, const void *v, size_t len)
{
	if (!st)
		return;
	st->db->drv->bind_blob(st, i, v, len);
}

int db_step(tg_stmt *st, tg_error *err)
{
	if (!st)
		return TG_EIO; /* the prepare failed and said why */
	st->db->failure = DB_FAIL_NONE;
	return st->db->drv->step(st, err);
}

const char *db_column_text(tg_stmt *st, int i)
{
	return st->db->drv->column_text(st, i);
}

int64_t db_column_int64(tg_stmt *st, int i)
{
	return st->db->drv->column_int64(st, i);
}

const void *db_column_blob(tg_stmt *st, int i, size_t *len)
{
	return st->db->drv->column_blob(st, i, len);
}

double db_column_double(tg_stmt *st, int i)
{
	return st->db->drv->column_double(st, i);
}

const char *db_sql_json_texts(const tg_db *db)
{
	return db->drv->json_texts;
}

const char *db_sql_skip_locked(const tg_db *db)
{
	return db->drv->skip_locked;
}

int db_sole_writer(tg_db *db, const char *tables, int64_t *others, tg_error *err)
{
	return db->drv->sole_writer(db, tables, others, err);
}

const char *db_sql_name_contains(const tg_db *db, const char *q, bool trigram, strbuf *value)
{
	return db->drv->name_contains(q, trigram, value);
}

void db_read_members(tg_stmt *st, void *item, const db_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = (char *)item + m[i].off;
		if (m[i].kind == 't') {
			str_copy(p, m[i].size, db_column_text(st, (int)i));
		} else if (m[i].kind == 'b') {
			assert(m[i].size == sizeof(bool));
			*(bool *)(void *)p = db_column_int64(st, (int)i) != 0;
		} else {
			assert(m[i].size == sizeof(int64_t));
			int64_t v = db_column_int64(st, (int)i);
			memcpy(p, &v, sizeof v);
		}
	}
}

bool db_column_null(tg_stmt *st, int i)
{
	return st->db->drv->column_text(st, i) == NULL;
}

void db_reset(tg_stmt *st)
{
	if (!st)
		return;
	st->db->drv->reset(st);
}

int db_run(tg_stmt *st, tg_error *err)
{
	int step;
	while ((step = db_step(st, err)) == DB_ROW)
		;
	db_reset(st);
	return step == DB_DONE ? TG_OK : step;
}

int db_run_returning(tg_stmt *st, void *item, const db_member *m, size_t n, bool *got,
		     tg_error *err)
{
	int step = db_step(st, err);
	if (got)
		*got = step == DB_ROW;
	if (step == DB_ROW && n)
		db_read_members(st, item, m, n);
	if (step < 0) {
		db_reset(st);
		return step;
	}
	return db_run(st, err);
}

void db_bind_texts(tg_stmt *st, int first, const char *const *v, int n)
{
	for (int i = 0; i < n; i++)
		db_bind_text(st, first + i, v[i]);
}

int db_run_texts(tg_db *db, const char *sql, const char *const *v, int n, tg_error *err)
{
	tg_stmt *st = db_prepare(db, sql, err);
	db_bind_texts(st, 1, v, n);
	return db_run(st, err);
}

int db_collect(tg_stmt *st, size_t size, void (*read)(tg_stmt *st, void *item), void **items,
	       size_t *n, tg_error *err)
{
	size_t alloc = 0;
	int step;
	*items = NULL;
	*n = 0;
	while ((step = db_step(st, err)) == DB_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			char *p = realloc(*items, alloc * size);
			if (!p) {
				step = TG_ENOMEM;
				break;
			}
			*items = p;
		}
		void *item = (char *)*items + (*n)++ * size;
		memset(item, 0, size);
		read(st, item);
	}
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

int db_scan(tg_db *db, const char *sql, const char *order, db_row_fn row, void *ctx,
	    tg_error *err)
{
	db->failure = DB_FAIL_NONE;
	return db->drv->scan(db, sql, order, row, ctx, err);
}

int db_exec(tg_db *db, const char *sql, tg_error *err)
{
	db->failure = DB_FAIL_NONE;
	return db->drv->exec(db, sql, err);
}

int db_check(tg_db *db, tg_error *err)
{
	return db->drv->check(db, err);
}

bool db_request_snapshot(const tg_db *db)
{
	return db->drv->request_snapshot;
}

/* ---- bulk load ---- */

tg_stmt *db_bulk_begin(tg_db *db, const char *table, const char *columns, int n,
		       const char *merge, tg_error *err)
{
	db->failure = DB_FAIL_NONE;
	return db->drv->bulk_begin(db, table, columns, n, merge, err);
}

int db_bulk_row(tg_stmt *st, tg_error *err)
{
	if (!st)
		return TG_EIO;
	st->db->failure = DB_FAIL_NONE;
	return st->db->drv->bulk_row(st, err);
}

int db_bulk_flush(tg_stmt *st, tg_error *err)
{
	return st ? st->db->drv->bulk_flush(st, err) : TG_EIO;
}

int db_bulk_end(tg_stmt *st, int rc, tg_error *err)
{
	return st ? st->db->drv->bulk_end(st, rc, err) : rc ? rc : TG_EIO;
}

/* ---- migrations ---- */

const char *db_schema(const tg_db *db, size_t *len)
{
	*len = (size_t)*db->drv->schema_len;
	return (const char *)db->drv->schema;
}

int db_schema_version(tg_db *db, int *version, tg_error *err)
{
	*version = 0;
	return db->drv->schema_version(db, version, err);
}

int db_migrate_lock(tg_db *db, tg_error *err)
{
	return db->drv->migrate_lock(db, err);
}

int db_schema_version_set(tg_db *db, int version, tg_error *err)
{
	return db->drv->schema_version_set(db, version, err);
}

int db_has_column(tg_db *db, const char *table, const char *column, bool *has, tg_error *err)
{
	*has = false;
	tg_stmt *st = db_prepare(db, db->drv->has_column_sql, err);
	db_bind_text(st, 1, table);
	db_bind_text(st, 2, column);
	int step = db_step(st, err);
	*has = step == DB_ROW;
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* ---- transactions ----
**
** Invariant: a write never runs inside a read snapshot (db_write_begin
** ends it first, and the db_read_end calls still to come find nothing to
** end); a read inside a write reads the write's transaction. */

int db_read_begin(tg_db *db, tg_error *err)
{
	if (db->writes > 0 || db->reads++ > 0)
		return TG_OK;
	int rc = db->drv->begin(db, 'r', err);
	if (rc)
		db->reads = 0;
	return rc;
}

/* A read transaction wrote nothing: its end cannot lose anything. */
static void close_read(tg_db *db)
{
	tg_error ignored;
	db->drv->end(db, true, &ignored);
}

void db_read_end(tg_db *db)
{
	if (db->reads > 0 && --db->reads == 0)
		close_read(db);
}

void db_read_end_all(tg_db *db)
{
	if (db->reads > 0) {
		close_read(db);
		db->reads = 0;
	}
}

int db_write_begin(tg_db *db, tg_error *err)
{
	if (db->writes > 0) {
		db->writes++;
		return TG_OK;
	}
	db_read_end_all(db);
	int rc = db->drv->begin(db, 'w', err);
	if (rc == TG_OK) {
		db->writes = 1;
		db->failed = false;
	}
	return rc;
}

int db_write_end(tg_db *db, int rc, tg_error *err)
{
	if (db->writes <= 0)
		return rc;
	if (--db->writes > 0) {
		if (rc)
			db->failed = true;
		return rc;
	}
	if (rc == TG_OK && db->failed)
		rc = tg_error_set(err, TG_EIO, "tx_failed", "", "事务中的一步操作失败，已全部撤销");
	if (rc == TG_OK && (rc = db->drv->end(db, true, err)) == TG_OK)
		return TG_OK;
	tg_error ignored;
	db->drv->end(db, false, &ignored);
	return rc;
}

int db_write_lock(tg_db *db, int64_t key, tg_error *err)
{
	return db->drv->lock(db, key, err);
}

bool db_in_write(const tg_db *db)
{
	return db->writes > 0;
}
