/*
** store_records.c: the store's logic for the register's records, written
** once over the driver interface (db.h): the generation counter, the
** change history, the plan document and the counts of the arrays.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"

/* ---- the generation and the history, written with every change ---- */

int store_generation_bump(tg_store *s, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO meta (\"key\", \"value\") VALUES ('generation', '1') "
				 "ON CONFLICT (\"key\") DO UPDATE SET \"value\" = "
				 "CAST(CAST(meta.\"value\" AS BIGINT) + 1 AS TEXT)",
				 err);
	return db_run(st, err);
}

int store_change_add(tg_store *s, const char *user, const char *array, const char *key,
		     const char *association, const char *before, const char *after,
		     tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO changes (\"user\", \"array\", \"key\", \"association\", "
				 "\"before\", \"after\") VALUES (?, ?, ?, ?, ?, ?)",
				 err);
	db_bind_text(st, 1, user ? user : "");
	db_bind_text(st, 2, array);
	db_bind_text_or_null(st, 3, key);
	db_bind_text_or_null(st, 4, association);
	db_bind_text_or_null(st, 5, before);
	db_bind_text_or_null(st, 6, after);
	return db_run(st, err);
}

int store_generation(tg_store *s, int64_t *gen, tg_error *err)
{
	tg_stmt *st = db_prepare(
		s->db, "SELECT CAST(\"value\" AS BIGINT) FROM meta WHERE \"key\" = 'generation'", err);
	if (!st)
		return TG_EIO;
	int step = db_step(st, err);
	*gen = step == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

int store_history(tg_store *s, const char *association, size_t offset, size_t limit,
		  tg_change_fn fn, void *ctx, size_t *total, tg_error *err)
{
	tg_stmt *count = db_prepare(s->db, "SELECT count(*) FROM changes WHERE \"association\" = ?",
				    err);
	if (!count)
		return TG_EIO;
	db_bind_text(count, 1, association);
	int step = db_step(count, err);
	*total = step == DB_ROW ? (size_t)db_column_int64(count, 0) : 0;
	db_reset(count);
	tg_stmt *st = step < 0 ? NULL
			       : db_prepare(s->db,
					    "SELECT \"id\", \"at\", \"user\", \"array\", \"key\", "
					    "\"association\", \"before\", \"after\" FROM changes "
					    "WHERE \"association\" = ? ORDER BY \"id\" DESC "
					    "LIMIT ? OFFSET ?",
					    err);
	if (!st)
		return TG_EIO;
	db_bind_text(st, 1, association);
	db_bind_int64(st, 2, limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit);
	db_bind_int64(st, 3, offset > (size_t)INT64_MAX ? INT64_MAX : (int64_t)offset);
	while ((step = db_step(st, err)) == DB_ROW) {
		tg_change c = {db_column_int64(st, 0), db_column_text(st, 1),
			       db_column_text(st, 2),  db_column_text(st, 3),
			       db_column_text(st, 4),  db_column_text(st, 5),
			       db_column_text(st, 6),  db_column_text(st, 7)};
		fn(ctx, &c);
	}
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* ---- the plan and the counts ---- */

int store_get_plan(tg_store *s, char **json, size_t *len, tg_error *err)
{
	*json = NULL;
	*len = 0;
	tg_stmt *st = db_prepare(s->db, "SELECT \"json\" FROM plan WHERE \"id\" = 1", err);
	if (!st)
		return TG_EIO;
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *v = db_column_text(st, 0);
		*len = v ? strlen(v) : 0;
		*json = strndup(v ? v : "", *len);
		rc = *json ? TG_OK : TG_ENOMEM;
	}
	db_reset(st);
	return rc < 0 ? rc : TG_OK;
}

/* The one plan document (row 1). */
static const char sql_plan_set[] =
	"INSERT INTO plan (\"id\", \"plan_id\", \"json\") VALUES (1, ?, ?) "
	"ON CONFLICT (\"id\") DO UPDATE SET \"plan_id\" = excluded.\"plan_id\", "
	"\"json\" = excluded.\"json\", \"loaded_at\" = tg_now()";

int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len,
		   tg_error *err)
{
	char *text = strndup(json, len), object[160];
	if (!text)
		return TG_ENOMEM;
	int rc = db_write_begin(s->db, err);
	if (rc == TG_OK) {
		tg_stmt *st = db_prepare(s->db, sql_plan_set, err);
		db_bind_text(st, 1, plan_id);
		db_bind_text(st, 2, text);
		rc = db_run(st, err);
		snprintf(object, sizeof object, "plan/%s", plan_id);
		if (rc == TG_OK)
			rc = store_audit_append(s, "plan_set", object, "ok", NULL, NULL, err);
		if (rc == TG_OK)
			rc = store_generation_bump(s, err);
		rc = db_write_end(s->db, rc, err);
	}
	free(text);
	return rc;
}

int store_count(tg_store *s, int array, size_t *n, tg_error *err)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tg_schema[array].key);
	tg_stmt *st = db_prepare(s->db, sql, err);
	if (!st)
		return TG_EIO;
	int step = db_step(st, err);
	*n = step == DB_ROW ? (size_t)db_column_int64(st, 0) : 0;
	db_reset(st);
	return step < 0 ? step : TG_OK;
}
