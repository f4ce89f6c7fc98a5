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
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "strbuf.h"

extern const unsigned char tg_schema_sqlite[];
extern const unsigned long tg_schema_sqlite_len;

#define BUSY_TIMEOUT_MS 10000

typedef struct sqlite_store {
	tg_store base;
	sqlite3 *db;
	sqlite3_stmt *select[ARR_COUNT];
	sqlite3_stmt *upsert[ARR_COUNT];
} sqlite_store;

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

/* ---- columns from the schema ---- */

typedef void (*column_fn)(const tg_field *f, const char *column, void *ctx);

static void for_each_column(int a, column_fn fn, void *ctx)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			for (const tg_field *s = f->sub; s->key; s++)
				fn(s, s->column, ctx);
		} else {
			fn(f, f->column ? f->column : f->key, ctx);
		}
	}
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

static const char *key_columns(int a)
{
	if (a == ARR_ANNUAL_REPORTS)
		return "\"association\", \"year\"";
	if (a == ARR_ASSOCIATIONS)
		return "\"uscc\"";
	return "\"id\"";
}

static int prepare_statements(sqlite_store *s, tg_error *err)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		strbuf sb;
		sb_init(&sb);
		sb_adds(&sb, "SELECT ");
		columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
		sb_addf(&sb, " FROM %s ORDER BY %s", tg_schema[a].key, key_columns(a));
		int rc = sqlite3_prepare_v3(s->db, sb.buf, -1, SQLITE_PREPARE_PERSISTENT,
					    &s->select[a], NULL);
		sb.len = 0;
		if (rc == SQLITE_OK) {
			sb_addf(&sb, "INSERT INTO %s (", tg_schema[a].key);
			columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
			sb_adds(&sb, ") VALUES (");
			columns_sql(a, &sb, "?", ", ?");
			sb_addf(&sb, ") ON CONFLICT (%s) DO UPDATE SET ", key_columns(a));
			columns_sql(a, &sb, "\"%s\" = excluded.\"%s\"", ", \"%s\" = excluded.\"%s\"");
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
			rc = exec(s, "BEGIN IMMEDIATE", err);
			if (rc == TG_OK)
				rc = exec(s, p, err);
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
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		*(const char **)p =
			null ? NULL
			     : arena_strndup(&c->r->arena, (const char *)sqlite3_column_text(c->st, i),
					     (size_t)sqlite3_column_bytes(c->st, i));
		break;
	case FT_DATE:
		if (null || date_parse((const char *)sqlite3_column_text(c->st, i), (tg_date *)p))
			*(tg_date *)p = TG_DATE_NONE;
		break;
	case FT_BOOL:
		/* A nullable boolean (scope_override.in_scope) keeps -1 for null. */
		*(int8_t *)p = null ? -1 : (int8_t)(sqlite3_column_int(c->st, i) != 0);
		break;
	case FT_INT:
	case FT_MONEY:
		*(int64_t *)p = sqlite3_column_int64(c->st, i);
		break;
	case FT_AREA:
		*(double *)p = null ? -1.0 : sqlite3_column_double(c->st, i);
		break;
	case FT_ENUM: {
		int v = -1;
		if (!null)
			v = schema_enum_find(f, (const char *)sqlite3_column_text(c->st, i));
		*(int8_t *)p = (int8_t)v;
		break;
	}
	case FT_OBJECT:
		break;
	}
}

/* Birth date from characters 7-14 of a stored (validated) ID number. */
static tg_date id_birth(const char *id)
{
	if (!id || strlen(id) != 18)
		return TG_DATE_NONE;
	int y = 0, m = 0, d = 0;
	for (int i = 6; i < 10; i++)
		y = y * 10 + (id[i] - '0');
	m = (id[10] - '0') * 10 + (id[11] - '0');
	d = (id[12] - '0') * 10 + (id[13] - '0');
	return date_ymd_valid(y, m, d) ? date_from_ymd(y, m, d) : TG_DATE_NONE;
}

static int sqlite_load_register(tg_store *base, tg_register *r, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	int rc = exec(s, "BEGIN", err); /* one snapshot for all tables */
	if (rc)
		return rc;
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		sqlite3_stmt *st = s->select[a];
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct read_ctx c = {st, 0, register_append(r, a), r};
			for_each_column(a, read_column, &c);
			if (a == ARR_PERSONS) {
				tg_person *p = c.row;
				p->birth = id_birth(p->id_number);
			}
		}
		if (step != SQLITE_DONE)
			rc = db_error(s, err, tg_schema[a].key);
		sqlite3_reset(st);
	}
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
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

static int sqlite_import(tg_store *base, const tg_register *bundle, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	int rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		sqlite3_stmt *st = s->upsert[a];
		for (size_t i = 0; i < bundle->t[a].count; i++) {
			struct bind_ctx c = {st, 0, register_row(bundle, a, i)};
			for_each_column(a, bind_column, &c);
			int step = sqlite3_step(st);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (step != SQLITE_DONE) {
				char path[96];
				snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, i);
				rc = tg_error_set(err, TG_EIO, "db_error", path,
						  "写入数据库失败：%s", sqlite3_errmsg(s->db));
				break;
			}
		}
	}
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	if (rc != TG_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- plan ---- */

static int sqlite_get_plan(tg_store *base, char **json, size_t *len, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st;
	*json = NULL;
	*len = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT \"json\" FROM plan WHERE \"id\" = 1", -1, &st,
			       NULL) != SQLITE_OK)
		return db_error(s, err, "plan");
	int rc = TG_OK;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*json = strndup((const char *)sqlite3_column_text(st, 0), *len);
		if (!*json)
			rc = TG_ENOMEM;
	}
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_set_plan(tg_store *base, const char *plan_id, const char *json, size_t len,
			   tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO plan (\"id\", \"plan_id\", \"json\") VALUES (1, ?, ?) "
			       "ON CONFLICT (\"id\") DO UPDATE SET \"plan_id\" = excluded.\"plan_id\", "
			       "\"json\" = excluded.\"json\", \"loaded_at\" = "
			       "strftime('%Y-%m-%dT%H:%M:%SZ','now')",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(s, err, "plan");
	} else {
		sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json, (int)len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(s, err, "plan");
		sqlite3_finalize(st);
	}
	if (rc == TG_OK)
		rc = exec(s, "COMMIT", err);
	else
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int sqlite_count(tg_store *base, int a, size_t *n, tg_error *err)
{
	sqlite_store *s = (sqlite_store *)base;
	char sql[96];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tg_schema[a].key);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, tg_schema[a].key);
	*n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return TG_OK;
}

static void sqlite_close(tg_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	for (int a = 0; a < ARR_COUNT; a++) {
		sqlite3_finalize(s->select[a]);
		sqlite3_finalize(s->upsert[a]);
	}
	sqlite3_close(s->db);
	free(s->base.url);
	free(s);
}

static const tg_store_ops sqlite_ops = {
	"sqlite", sqlite_close, sqlite_load_register, sqlite_import,
	sqlite_get_plan, sqlite_set_plan, sqlite_count,
};

int store_sqlite_open(const char *path, tg_store **out, tg_error *err)
{
	sqlite_store *s = calloc(1, sizeof *s);
	if (!s)
		return TG_ENOMEM;
	s->base.ops = &sqlite_ops;
	s->base.url = strdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		int rc = tg_error_set(err, TG_EIO, "db_open", "--db", "无法打开数据库“%s”：%s", path,
				      s->db ? sqlite3_errmsg(s->db) : "内存不足");
		sqlite_close(&s->base);
		return rc;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	int rc = exec(s,
		      "PRAGMA journal_mode = WAL;"
		      "PRAGMA synchronous = FULL;"
		      "PRAGMA foreign_keys = ON;",
		      err);
	if (rc == TG_OK)
		rc = migrate(s, err);
	if (rc == TG_OK)
		rc = prepare_statements(s, err);
	if (rc != TG_OK) {
		sqlite_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return TG_OK;
}
