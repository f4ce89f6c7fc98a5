/*
** store_pg.c: the PostgreSQL store, for registers that departments share.
**
** Owns one libpq connection (one per thread: a server worker opens its own)
** and the statements prepared on it.  Every statement that carries a value
** is prepared (PQprepare) once per connection and run with bound parameters
** (PQexecPrepared); the statement cache below is keyed by the SQL text, so
** that the few shapes of a filtered list are prepared once too.  The only
** SQL sent as plain text is a migration script, which carries no value.
**
** The connection runs with client_encoding UTF8, DateStyle ISO and a
** statement_timeout (TUOGOU_PG_STATEMENT_TIMEOUT, or the one the connection
** string or the role sets, else 30 s), so that a stuck query cannot hold a
** server worker forever.
**
** What is still here and not yet in the store's logic over db.h: opening
** (the keys, migrations in schema_migrations, each in one transaction under
** an advisory lock so that several servers starting at once migrate once)
** and import (rows go in with COPY into a temporary table, then one
** INSERT ... ON CONFLICT DO UPDATE per array; per-record history and audit
** for a register that is not empty).  Text keys are COLLATE "C", so rows
** come back in the byte order SQLite gives them and exports of the two
** backends are byte-identical.
**
** A connection that broke between operations (the server restarted) is
** reset before the next one, and its statements are prepared again.
*/
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <sodium.h>
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

extern const unsigned char tg_schema_pg[];
extern const unsigned long tg_schema_pg_len;

#define DEFAULT_STATEMENT_TIMEOUT "30s"
#define DEFAULT_IMPORT_TIMEOUT "1h" /* one import transaction, whole */
/* pg_advisory_xact_lock keys: of the migrations ("tuogou" in ASCII), and
** of the audit chain's head (every audited write appends under it, as
** SQLite's BEGIN IMMEDIATE serialises them). */
#define MIGRATION_LOCK "127970165749109"
#define STMT_SLOTS 1024 /* statement cache, open addressing */
#define COPY_CHUNK (256 * 1024)
#define MAX_PARAMS 64

typedef struct stmt_slot {
	char *sql;
	char name[16];
} stmt_slot;

typedef struct pg_store {
	tg_store base;
	PGconn *db;
	stmt_slot *slots;
	size_t n_slots;
	int next_name;
	bool in_tx;
	char sqlstate[6]; /* of the last failed statement */
	/* per array, built from the schema table at open */
	char *temp[ARR_COUNT], *copy_in[ARR_COUNT], *merge[ARR_COUNT];
} pg_store;

/* Bound values of one statement: text, or binary for bytea; NULL is null. */
typedef struct params {
	const char *v[MAX_PARAMS];
	int len[MAX_PARAMS], fmt[MAX_PARAMS];
	int n;
	char num[MAX_PARAMS][24]; /* formatted numbers */
} params;

static void p_text(params *p, const char *v)
{
	if (p->n >= MAX_PARAMS)
		return;
	p->v[p->n] = v;
	p->len[p->n] = 0;
	p->fmt[p->n++] = 0;
}

static void p_int(params *p, int64_t v)
{
	if (p->n >= MAX_PARAMS)
		return;
	snprintf(p->num[p->n], sizeof p->num[p->n], "%lld", (long long)v);
	p_text(p, p->num[p->n]);
}

/* ---- errors ---- */

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int result_error(pg_store *s, const PGresult *res, tg_error *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(s->sqlstate, sizeof s->sqlstate, "%s", state ? state : "");
	char msg[400];
	snprintf(msg, sizeof msg, "%s",
		 res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(s->db));
	trim(msg);
	if (!strcmp(s->sqlstate, "57014"))
		return tg_error_set(err, TG_EIO, "db_timeout", "",
				    "数据库操作超时（%s），已取消：%s", what, msg);
	return tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败（%s）：%s", what, msg);
}

/* ---- connection and statements ---- */

static uint64_t hash_sql(const char *sql)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *sql; sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211ULL;
	return h;
}

static void forget_statements(pg_store *s)
{
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		free(s->slots[i].sql);
		s->slots[i].sql = NULL;
	}
	s->n_slots = 0;
}

static int session_settings(pg_store *s, tg_error *err);

/* Notices ("relation already exists, skipping") are not for the user. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* After the server went away between two operations: the driver
** reconnects (db_check) and calls reconnected. */
static int ensure_connected(pg_store *s, tg_error *err)
{
	if (PQstatus(s->db) == CONNECTION_OK)
		return TG_OK;
	if (s->in_tx)
		return tg_error_set(err, TG_EIO, "db_error", "", "数据库连接已断开：%s",
				    PQerrorMessage(s->db));
	return db_check(s->base.db, err);
}

static int reconnected(void *ctx, tg_error *err)
{
	pg_store *s = ctx;
	forget_statements(s);
	return session_settings(s, err);
}

/* The name of the prepared statement for sql, preparing it on first use;
** NULL (err set) on failure, "" when the cache is full (run unnamed). */
static const char *prepared(pg_store *s, const char *sql, const params *p, tg_error *err,
			    const char *what)
{
	size_t i = hash_sql(sql) & (STMT_SLOTS - 1);
	while (s->slots[i].sql) {
		if (!strcmp(s->slots[i].sql, sql))
			return s->slots[i].name;
		i = (i + 1) & (STMT_SLOTS - 1);
	}
	if (s->n_slots >= STMT_SLOTS / 2)
		return "";
	stmt_slot *slot = &s->slots[i];
	snprintf(slot->name, sizeof slot->name, "tg%d", ++s->next_name);
	Oid types[MAX_PARAMS] = {0};
	for (int k = 0; k < p->n; k++)
		types[k] = p->fmt[k] ? 17 /* bytea */ : 0;
	PGresult *res = PQprepare(s->db, slot->name, sql, p->n, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		result_error(s, res, err, what);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	slot->sql = strdup(sql);
	if (!slot->sql) {
		tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		return NULL;
	}
	s->n_slots++;
	return slot->name;
}

/* Run sql with p bound (p may be NULL); the result, or NULL with err set
** and s->sqlstate saying why. */
static PGresult *run(pg_store *s, const char *sql, const params *p, tg_error *err,
		     const char *what)
{
	static const params none = {{0}, {0}, {0}, 0, {{0}}};
	if (!p)
		p = &none;
	s->sqlstate[0] = '\0';
	if (p->n >= MAX_PARAMS) {
		tg_error_set(err, TG_EINVAL, "too_many_filters", "", "查询条件过多");
		return NULL;
	}
	if (ensure_connected(s, err))
		return NULL;
	const char *name = prepared(s, sql, p, err, what);
	if (!name)
		return NULL;
	PGresult *res = *name ? PQexecPrepared(s->db, name, p->n, p->v, p->len, p->fmt, 0)
			      : PQexecParams(s->db, sql, p->n, NULL, p->v, p->len, p->fmt, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN ||
	    st == PGRES_COPY_OUT)
		return res;
	result_error(s, res, err, what);
	PQclear(res);
	return NULL;
}

/* Run a statement whose rows (if any) do not matter. */
static int exec(pg_store *s, const char *sql, const params *p, tg_error *err, const char *what)
{
	PGresult *res = run(s, sql, p, err, what);
	if (!res)
		return TG_EIO;
	PQclear(res);
	return TG_OK;
}

static int tx_begin(pg_store *s, tg_error *err)
{
	int rc = exec(s, "BEGIN", NULL, err, "BEGIN");
	s->in_tx = rc == TG_OK;
	return rc;
}

static int tx_commit(pg_store *s, tg_error *err)
{
	int rc = exec(s, "COMMIT", NULL, err, "COMMIT");
	s->in_tx = false;
	return rc;
}

static void tx_rollback(pg_store *s)
{
	if (PQstatus(s->db) == CONNECTION_OK && PQtransactionStatus(s->db) != PQTRANS_IDLE) {
		PGresult *res = PQexec(s->db, "ROLLBACK");
		PQclear(res);
	}
	s->in_tx = false;
}

/* Finish a write transaction: commit when rc is TG_OK, else roll back. */
static int tx_end(pg_store *s, int rc, tg_error *err)
{
	if (rc == TG_OK)
		rc = tx_commit(s, err);
	if (rc != TG_OK)
		tx_rollback(s);
	return rc;
}

static int session_settings(pg_store *s, tg_error *err)
{
	if (PQsetClientEncoding(s->db, "UTF8") != 0)
		return tg_error_set(err, TG_EIO, "db_error", "", "数据库不支持 UTF8 编码");
	const char *timeout = getenv("TUOGOU_PG_STATEMENT_TIMEOUT");
	params p = {.n = 0};
	p_text(&p, timeout ? timeout : "");
	p_text(&p, DEFAULT_STATEMENT_TIMEOUT);
	return exec(s,
		    "SELECT set_config('DateStyle', 'ISO, YMD', false), "
		    "set_config('statement_timeout', CASE WHEN $1::text <> '' THEN $1::text "
		    "WHEN current_setting('statement_timeout') = '0' THEN $2::text "
		    "ELSE current_setting('statement_timeout') END, false)",
		    &p, err, "statement_timeout");
}

/* ---- migrations ---- */

static int migrated_version(pg_store *s, int *version, tg_error *err)
{
	*version = 0;
	PGresult *res = run(s, "SELECT to_regclass('schema_migrations') IS NOT NULL", NULL, err,
			    "schema_migrations");
	if (!res)
		return TG_EIO;
	bool exists = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!exists)
		return TG_OK;
	res = run(s, "SELECT coalesce(max(\"version\"), 0) FROM schema_migrations", NULL, err,
		  "schema_migrations");
	if (!res)
		return TG_EIO;
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return TG_OK;
}

static int audit_start_keyed(pg_store *s, tg_error *err);

/* Run migration `version` (its SQL text) unless it is recorded already. */
static int migrate_one(pg_store *s, int version, const char *sql, tg_error *err)
{
	params p = {.n = 0};
	p_int(&p, version);
	int rc = tx_begin(s, err);
	if (rc)
		return rc;
	/* Large registers take time to migrate; another server waits here. */
	rc = exec(s, "SELECT set_config('statement_timeout', '0', true)", NULL, err, "migration");
	if (rc == TG_OK)
		rc = exec(s, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", NULL, err,
			  "migration lock");
	if (rc == TG_OK)
		rc = exec(s,
			  "CREATE TABLE IF NOT EXISTS schema_migrations ("
			  "\"version\" integer PRIMARY KEY, \"applied_at\" text NOT NULL DEFAULT "
			  "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
			  NULL, err, "schema_migrations");
	PGresult *res = NULL;
	if (rc == TG_OK) {
		res = run(s, "SELECT 1 FROM schema_migrations WHERE \"version\" = $1", &p, err,
			  "schema_migrations");
		rc = res ? TG_OK : TG_EIO;
	}
	if (rc == TG_OK && PQntuples(res) == 0) {
		/* The one plain-text statement: the migration script, no values. */
		PGresult *m = PQexec(s->db, sql);
		if (PQresultStatus(m) != PGRES_COMMAND_OK && PQresultStatus(m) != PGRES_TUPLES_OK) {
			char what[32];
			snprintf(what, sizeof what, "迁移 %d", version);
			rc = result_error(s, m, err, what);
		}
		PQclear(m);
		/* Migration 3 seals the ID numbers in its transaction,
		** migration 6 the birth dates. */
		if (rc == TG_OK && version == 3)
			rc = store_seal_plain_ids(&s->base, err);
		if (rc == TG_OK && version == 6)
			rc = store_seal_clear_births(&s->base, err);
		/* Migration 9 starts the keyed audit chain in its transaction. */
		if (rc == TG_OK && version == 9)
			rc = audit_start_keyed(s, err);
		if (rc == TG_OK)
			rc = exec(s, "INSERT INTO schema_migrations (\"version\") VALUES ($1)", &p,
				  err, "schema_migrations");
	}
	PQclear(res);
	return tx_end(s, rc, err);
}

static int migrate(pg_store *s, tg_error *err)
{
	int current = 0, latest = 0;
	int rc = migrated_version(s, &current, err);
	if (rc)
		return rc;
	char *sql = strndup((const char *)tg_schema_pg, tg_schema_pg_len);
	if (!sql)
		return TG_ENOMEM;
	/* The migrations file is split at lines "-- migration: N". */
	const char *marker = "-- migration: ";
	for (char *p = strstr(sql, marker); p; p = strstr(p + 1, marker))
		if (atoi(p + strlen(marker)) > latest)
			latest = atoi(p + strlen(marker));
	char *p = current >= latest ? NULL : strstr(sql, marker);
	while (p && rc == TG_OK) {
		int version = atoi(p + strlen(marker));
		char *next = strstr(p + 1, marker);
		if (next)
			*next = '\0';
		if (version > current)
			rc = migrate_one(s, version, p, err);
		if (next)
			*next = marker[0];
		p = next;
	}
	free(sql);
	return rc;
}

/* ---- columns from the schema ---- */

typedef store_column_fn column_fn;

static void for_each_column(int a, column_fn fn, void *ctx)
{
	store_for_each_column(a, fn, ctx);
}

static void build_sql(pg_store *s)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		const char *t = tg_schema[a].key;
		bool assoc = a == ARR_ASSOCIATIONS;
		strbuf sb;

		/* import: COPY into a temporary table, then merge by key */
		sb_init(&sb);
		sb_addf(&sb, "CREATE TEMP TABLE IF NOT EXISTS \"tg_in_%s\" (LIKE %s INCLUDING DEFAULTS) "
			     "ON COMMIT DELETE ROWS", t, t);
		s->temp[a] = sb_detach(&sb, NULL);

		/* what the store derives: associations' sort key, persons' birth
		** date and masked number */
		const char *derived = assoc ? ", \"name_pinyin\""
				      : a == ARR_PERSONS ? ", \"birth\", \"id_masked\"" : "";
		sb_init(&sb);
		sb_addf(&sb, "COPY \"tg_in_%s\" (", t);
		store_columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
		sb_addf(&sb, "%s) FROM STDIN", derived);
		s->copy_in[a] = sb_detach(&sb, NULL);

		sb_init(&sb);
		sb_addf(&sb, "INSERT INTO %s AS t (", t);
		store_columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
		sb_addf(&sb, "%s) SELECT ", derived);
		store_columns_sql(a, &sb, "\"%s\"", ", \"%s\"");
		sb_addf(&sb, "%s FROM \"tg_in_%s\" ON CONFLICT (%s) DO UPDATE SET ", derived, t,
			store_key_columns(a));
		store_columns_sql(a, &sb, "\"%s\" = excluded.\"%s\"",
				  ", \"%s\" = excluded.\"%s\"");
		if (assoc)
			sb_adds(&sb, ", \"name_pinyin\" = excluded.\"name_pinyin\"");
		if (a == ARR_PERSONS)
			sb_adds(&sb, ", \"birth\" = excluded.\"birth\", "
				     "\"id_masked\" = excluded.\"id_masked\"");
		sb_adds(&sb, ", \"version\" = t.\"version\" + 1, \"updated_at\" = tg_now()");
		s->merge[a] = sb_detach(&sb, NULL);
	}
}

/* ---- reading rows ---- */

struct read_ctx {
	const char *const *vals; /* text of each column, NULL for null */
	int col;
	void *row;
	tg_register *r;
};


/* ---- writing rows ---- */

/* The text of one column of a row (for binding and COPY); NULL for null.
** buf holds formatted numbers and dates. */
static const char *column_text(const tg_field *f, const void *row, char buf[32])
{
	const char *p = (const char *)row + f->off;
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		return *(const char *const *)p;
	case FT_DATE: {
		tg_date d = *(const tg_date *)p;
		if (d == TG_DATE_NONE)
			return NULL;
		date_format(d, buf);
		return buf;
	}
	case FT_BOOL: {
		int8_t v = *(const int8_t *)p;
		return v < 0 ? NULL : v ? "t" : "f";
	}
	case FT_INT:
	case FT_MONEY:
		snprintf(buf, 32, "%lld", (long long)*(const int64_t *)p);
		return buf;
	case FT_AREA:
		if (*(const double *)p < 0)
			return NULL;
		snprintf(buf, 32, "%.17g", *(const double *)p);
		return buf;
	case FT_ENUM:
		return schema_enum_key(f, *(const int8_t *)p);
	case FT_OBJECT:
		break;
	}
	return NULL;
}

static bool is_id_number(const tg_field *f)
{
	return f->type == FT_STR && !strcmp(f->key, "id_number");
}

/* COPY text format: backslash, tab, newline and return escaped. */
static void copy_escape(strbuf *sb, const char *v)
{
	if (!v) {
		sb_add(sb, "\\N", 2);
		return;
	}
	const char *run_start = v;
	for (; *v; v++) {
		const char *esc = NULL;
		switch (*v) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		sb_add(sb, run_start, (size_t)(v - run_start));
		sb_add(sb, esc, 2);
		run_start = v + 1;
	}
	sb_add(sb, run_start, (size_t)(v - run_start));
}

struct copy_ctx {
	strbuf *sb;
	const void *row;
	int n;
	const char *id_sealed;
};

static void copy_column(const tg_field *f, const char *column, void *vctx)
{
	struct copy_ctx *c = vctx;
	char buf[32];
	(void)column;
	if (c->n++)
		sb_addc(c->sb, '\t');
	copy_escape(c->sb, is_id_number(f) ? c->id_sealed : column_text(f, c->row, buf));
}

/* bytea in COPY text: \x and hex digits, the backslash escaped. */
static void copy_bytea(strbuf *sb, const unsigned char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	sb_add(sb, "\\\\x", 3);
	for (size_t i = 0; i < len; i++) {
		sb_addc(sb, hex[v[i] >> 4]);
		sb_addc(sb, hex[v[i] & 15]);
	}
}

static int copy_put(pg_store *s, strbuf *sb, tg_error *err, const char *what)
{
	if (sb->len && PQputCopyData(s->db, sb->buf, (int)sb->len) != 1)
		return result_error(s, NULL, err, what);
	sb->len = 0;
	return TG_OK;
}

/* What a person's row stores for its ID number. */

#define COPY_ROWS 4096 /* rows per COPY: a person's seal may need a query between */

/* COPY rows [from, to) of array a into its temporary table, but those skip
** marks (skip may be NULL); seals holds the persons' sealed numbers. */
static int copy_chunk(pg_store *s, const tg_register *bundle, int a, size_t from, size_t to,
		      const struct person_seal *seals, const bool *skip, tg_error *err)
{
	const char *what = tg_schema[a].key;
	PGresult *res = run(s, s->copy_in[a], NULL, err, what);
	if (!res)
		return TG_EIO;
	PQclear(res);
	int rc = TG_OK;
	strbuf sb;
	sb_init(&sb);
	for (size_t i = from; i < to && rc == TG_OK; i++) {
		if (skip && skip[i])
			continue;
		const void *row = register_row(bundle, a, i);
		const struct person_seal *ps = seals ? &seals[i - from] : NULL;
		struct copy_ctx c = {&sb, row, 0, ps ? ps->sealed : NULL};
		for_each_column(a, copy_column, &c);
		if (ps) {
			sb_addc(&sb, '\t');
			copy_escape(&sb, ps->sealed ? ps->birth : NULL);
			sb_addc(&sb, '\t');
			copy_escape(&sb, ps->sealed ? ps->masked : NULL);
		}
		if (a == ARR_ASSOCIATIONS) {
			size_t len = 0;
			unsigned char *key = store_name_sort_key(((const tg_association *)row)->name, &len);
			if (!key) {
				rc = TG_ENOMEM;
				break;
			}
			sb_addc(&sb, '\t');
			copy_bytea(&sb, key, len);
			free(key);
		}
		sb_addc(&sb, '\n');
		if (sb.len >= COPY_CHUNK)
			rc = copy_put(s, &sb, err, what);
	}
	if (rc == TG_OK)
		rc = copy_put(s, &sb, err, what);
	sb_release(&sb);
	if (PQputCopyEnd(s->db, rc == TG_OK ? NULL : "aborted") != 1 && rc == TG_OK)
		rc = result_error(s, NULL, err, what);
	while ((res = PQgetResult(s->db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == TG_OK)
			rc = result_error(s, res, err, what);
		PQclear(res);
	}
	return rc;
}

/* COPY the rows of array a into its temporary table, but those skip marks
** (NULL: every row). */
static int copy_rows(pg_store *s, const tg_register *bundle, int a, const bool *skip,
		     tg_error *err)
{
	int rc = exec(s, s->temp[a], NULL, err, tg_schema[a].key);
	size_t count = bundle->t[a].count;
	struct person_seal *seals = NULL;
	if (rc == TG_OK && a == ARR_PERSONS) {
		seals = calloc(count < COPY_ROWS ? count : COPY_ROWS, sizeof *seals);
		if (!seals)
			rc = TG_ENOMEM;
	}
	for (size_t from = 0; rc == TG_OK && from < count; from += COPY_ROWS) {
		size_t to = count - from < COPY_ROWS ? count : from + COPY_ROWS;
		for (size_t i = from; seals && rc == TG_OK && i < to; i++)
			if (!skip || !skip[i])
				rc = store_person_seal(&s->base, register_row(bundle, a, i),
						       &seals[i - from], err);
		if (rc == TG_OK)
			rc = copy_chunk(s, bundle, a, from, to, seals, skip, err);
		for (size_t i = from; seals && i < to; i++)
			store_person_seal_free(&seals[i - from]);
	}
	free(seals);
	return rc;
}

static int bump_generation(pg_store *s, tg_error *err)
{
	return store_generation_bump(&s->base, err);
}

static int add_change(pg_store *s, const char *user, const char *array, const char *key,
		      const char *association, const char *before, const char *after,
		      tg_error *err)
{
	pg_store *self = s;
	return store_change_add(&self->base, user, array, key, association, before, after, err);
}

/* ---- the audit chain ---- */

/* The audit chain is store_audit.c's; a wrapper for the operations still here. */
static int audit_append(pg_store *s, const char *event, const char *object,
			const char *outcome, const char *before, const char *after, tg_error *err)
{
	return store_audit_append(&s->base, event, object, outcome, before, after, err);
}

/* Migration 6: the first keyed record, naming its algorithm.  From here
** on an unkeyed record does not verify (audit.h). */
static int audit_start_keyed(pg_store *s, tg_error *err)
{
	char after[64];
	snprintf(after, sizeof after, "{\"alg\": \"%s\"}", audit_keyed_alg());
	return audit_append(s, "audit_keyed", NULL, "ok", NULL, after, err);
}

/* The audit key file: loaded when it exists; made (0600) when missing and
** the chain has no keyed record yet (a new database, or one from before
** migration 9); missing with keyed records: no key, audited writes are
** refused and verify says it cannot check. */
static int load_audit_key(pg_store *s, tg_error *err)
{
	bool keyed = false;
	store_audit_key_path(s->base.url, s->base.audit_key_path, sizeof s->base.audit_key_path);
	PGresult *res = run(s, "SELECT 1 FROM information_schema.columns WHERE \"table_schema\" = "
			       "current_schema() AND \"table_name\" = 'audit_log' AND "
			       "\"column_name\" = 'alg'",
			    NULL, err, "audit_log");
	if (!res)
		return TG_EIO;
	bool has_column = PQntuples(res) > 0;
	PQclear(res);
	if (has_column) {
		res = run(s, "SELECT 1 FROM audit_log WHERE \"alg\" <> 'sha256' LIMIT 1", NULL, err,
			  "audit_log");
		if (!res)
			return TG_EIO;
		keyed = PQntuples(res) > 0;
		PQclear(res);
	}
	return store_audit_key_load(s->base.audit_key_path, !keyed, &s->base.audit_key, &s->base.have_audit_key,
				    err);
}

/* ---- sealed ID numbers ---- */

/* The key file: loaded when it exists; made (0600) when missing and no
** number is sealed yet; missing with sealed numbers: no key, and what
** needs one says so. */
static int load_key(pg_store *s, tg_error *err)
{
	struct stat st;
	char next[PATH_MAX];
	store_key_path(s->base.url, s->base.key_path, sizeof s->base.key_path);
	secret_key_new_path(s->base.key_path, next, sizeof next);
	if (stat(next, &st) == 0) {
		/* a rotation that did not finish: which key is the data under? */
		PGresult *res = run(s, store_sql_key_sample, NULL, err, "persons");
		if (!res)
			return TG_EIO;
		int rc = PQntuples(res) ? secret_key_recover(s->base.key_path, PQgetvalue(res, 0, 0),
							     PQgetvalue(res, 0, 1), err)
					: secret_key_recover(s->base.key_path, NULL, NULL, err);
		PQclear(res);
		if (rc)
			return rc;
	}
	if (stat(s->base.key_path, &st) == 0 || errno != ENOENT) {
		int rc = secret_key_load(s->base.key_path, 0, &s->base.key, err);
		s->base.have_key = rc == TG_OK;
		return rc;
	}
	bool sealed = false;
	PGresult *res = run(s, "SELECT to_regclass('persons') IS NOT NULL", NULL, err, "persons");
	if (!res)
		return TG_EIO;
	bool exists = PQntuples(res) && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (exists) {
		res = run(s, "SELECT 1 FROM persons WHERE \"id_number\" LIKE 'v1:%' LIMIT 1", NULL, err,
			  "persons");
		if (!res)
			return TG_EIO;
		sealed = PQntuples(res) > 0;
		PQclear(res);
	}
	if (sealed)
		return TG_OK;
	int rc = secret_key_load(s->base.key_path, 1, &s->base.key, err);
	s->base.have_key = rc == TG_OK;
	return rc;
}


/* Whether no table of the register holds a row: a first import. */
static int register_empty(pg_store *s, bool *empty, tg_error *err)
{
	*empty = true;
	for (int a = 0; a < ARR_COUNT && *empty; a++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", tg_schema[a].key);
		PGresult *res = run(s, sql, NULL, err, tg_schema[a].key);
		if (!res)
			return TG_EIO;
		*empty = PQntuples(res) == 0;
		PQclear(res);
	}
	return TG_OK;
}

/* Which rows of array a the import writes (skip[i] false): every row of a
** first import (*skip NULL); else the records created or changed, each
** with its history row and audit record. */
static int import_changes(pg_store *s, const tg_register *bundle, int a, const char *user,
			  bool **skip, size_t *n_write, tg_error *err)
{
	size_t n = bundle->t[a].count;
	bool *mark = calloc(n ? n : 1, sizeof *mark);
	if (!mark)
		return TG_ENOMEM;
	int rc = TG_OK;
	*n_write = 0;
	for (size_t i = 0; rc == TG_OK && i < n; i++) {
		char *before = NULL, *after = NULL;
		bool changed = false;
		rc = store_import_row_diff(&s->base, bundle, a, i, &before, &after, &changed, err);
		if (rc == TG_OK && changed)
			rc = store_record_changed(&s->base, user, bundle, a, i, before, after, err);
		mark[i] = !changed;
		*n_write += changed;
		free(before);
		free(after);
	}
	if (rc) {
		free(mark);
		return rc;
	}
	*skip = mark;
	return TG_OK;
}

static int pg_import_as(tg_store *base, const tg_register *bundle, const char *user,
			tg_error *err)
{
	pg_store *s = (pg_store *)base;
	int rc = tx_begin(s, err);
	if (rc)
		return rc;
	/* A national register's merge is one statement per array that runs for
	** minutes: the import transaction gets its own, longer timeout. */
	const char *timeout = getenv("TUOGOU_PG_IMPORT_TIMEOUT");
	params tp = {.n = 0};
	p_text(&tp, timeout && *timeout ? timeout : DEFAULT_IMPORT_TIMEOUT);
	rc = exec(s, "SELECT set_config('statement_timeout', $1::text, true)", &tp, err,
		  "statement_timeout");
	if (rc) {
		tx_rollback(s);
		return rc;
	}
	/* Every record created or changed gets its history row and its audit
	** record, as a single write; an unchanged one is not written at all.
	** The first import of an empty register is recorded in bulk: the
	** summary below (all is new, the file is the record). */
	bool first = false;
	rc = register_empty(s, &first, err);
	strbuf counts;
	sb_init(&counts);
	sb_addc(&counts, '{');
	/* arrays in schema order, so that references meet their targets */
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		if (!bundle->t[a].count)
			continue;
		sb_addf(&counts, "%s\"%s\": %zu", counts.len > 1 ? ", " : "", tg_schema[a].key,
			bundle->t[a].count);
		bool *skip = NULL;
		size_t n_write = bundle->t[a].count;
		if (!first)
			rc = import_changes(s, bundle, a, user, &skip, &n_write, err);
		if (rc == TG_OK && n_write)
			rc = copy_rows(s, bundle, a, skip, err);
		if (rc == TG_OK && n_write)
			rc = exec(s, s->merge[a], NULL, err, tg_schema[a].key);
		free(skip);
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
	rc = tx_end(s, rc, err);
	sb_release(&counts);
	return rc;
}

static int pg_import(tg_store *base, const tg_register *bundle, tg_error *err)
{
	return pg_import_as(base, bundle, base->actor.user[0] ? base->actor.user : "cli", err);
}

/* ---- one record ---- */

/* ---- lists and scope ---- */

/* Conditions (" AND ...") for records of unit u. */
/* Conditions for records of association x (its unit's record and tasks
** are not its own). */
/* Number of characters of UTF-8 text. */
/* ---- accounts and sessions ---- */

/* ---- history ---- */

/* ---- plan ---- */

/* ---- security: audit log, settings, accounts, sealed numbers ---- */

/* ---- several servers on one database ---- */

/* ---- rotation of the data key ---- */

static void pg_close(tg_store *base)
{
	pg_store *s = (pg_store *)base;
	db_close(base->db);
	if (s->slots)
		forget_statements(s);
	free(s->slots);
	for (int a = 0; a < ARR_COUNT; a++) {
		free(s->temp[a]);
		free(s->copy_in[a]);
		free(s->merge[a]);
	}
	PQfinish(s->db);
	sodium_memzero(&s->base.key, sizeof s->base.key);
	free(s->base.url);
	free(s);
}

/* ---- requests for a second administrator's approval (issue 14) ---- */

static const tg_store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.import = pg_import,
	.import_as = pg_import_as,
};

int store_pg_open(const char *conninfo, tg_store **out, tg_error *err)
{
	*out = NULL;
	pg_store *s = calloc(1, sizeof *s);
	if (!s)
		return TG_ENOMEM;
	s->base.ops = &pg_ops;
	s->base.url = strdup(conninfo);
	s->slots = calloc(STMT_SLOTS, sizeof *s->slots);
	if (!s->base.url || !s->slots) {
		pg_close(&s->base);
		return TG_ENOMEM;
	}
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {conninfo, "tuogou", NULL};
	s->db = PQconnectdbParams(keys, values, 1);
	if (!s->db || PQstatus(s->db) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s", s->db ? PQerrorMessage(s->db) : "内存不足");
		trim(msg);
		pg_close(&s->base);
		/* never echo the connection string: it may carry a password */
		return tg_error_set(err, TG_EIO, "db_open", "--db", "无法连接 PostgreSQL 数据库：%s",
				    msg);
	}
	PQsetNoticeProcessor(s->db, ignore_notice, NULL);
	s->base.db = db_pg_adopt(s->db);
	if (!s->base.db) {
		pg_close(&s->base);
		return TG_ENOMEM;
	}
	db_on_reset(s->base.db, reconnected, s);
	build_sql(s);
	int rc = session_settings(s, err);
	if (rc == TG_OK)
		rc = load_key(s, err);
	if (rc == TG_OK)
		rc = load_audit_key(s, err);
	if (rc == TG_OK)
		rc = migrate(s, err);
	if (rc == TG_OK)
		rc = store_fill_missing_pinyin(&s->base, err);
	if (rc == TG_OK)
		rc = store_seal_left_plain(&s->base, err);
	if (rc != TG_OK) {
		pg_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return TG_OK;
}
