/*
** db_pg.c: the PostgreSQL driver of db.h, one of the two files that know
** a database.
**
** A statement's `?` and `?N` placeholders become $1.. once, when it is
** first run, and it is prepared then (PQprepare, named "d<n>": bytea for
** the parameters bound as blobs) and run with PQexecPrepared, values as
** text, results as text.  A connection that broke between transactions
** is reset before the next statement, and its statements prepared again.
** A read snapshot is REPEATABLE READ READ ONLY.
**
** The connection runs with client_encoding UTF8, DateStyle ISO and a
** statement_timeout (TUOGOU_PG_STATEMENT_TIMEOUT, or the one the connection
** string or the role sets, else 30 s), so that a stuck query cannot hold a
** server worker forever; a bulk load's write gets TUOGOU_PG_IMPORT_TIMEOUT
** (1 h).  A bulk load is COPY into a temporary table, sent in chunks, and
** one INSERT ... SELECT ... ON CONFLICT at its end.  Migrations are
** recorded in schema_migrations, each under an advisory lock.
*/
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"

extern const unsigned char tg_schema_pg[];
extern const unsigned long tg_schema_pg_len;

#define MAX_PARAMS 64
#define DEFAULT_STATEMENT_TIMEOUT "30s"
#define DEFAULT_IMPORT_TIMEOUT "1h" /* one import transaction, whole */
/* pg_advisory_xact_lock key of the migrations ("tuogou" in ASCII) */
#define MIGRATION_LOCK "127970165749109"
#define COPY_CHUNK (256 * 1024)

typedef struct pq_db {
	tg_db base;
	int next_name;
} pq_db;

typedef struct pq_stmt {
	tg_stmt base;
	char *text;     /* with $n placeholders */
	char name[16];  /* "" until prepared */
	int n_params;
	const char *v[MAX_PARAMS];
	int len[MAX_PARAMS], fmt[MAX_PARAMS];
	char num[MAX_PARAMS][24];
	PGresult *res;
	int row;
	unsigned char *blob; /* the last column_blob, unescaped */
	const char **copy;   /* db_scan: the current row's columns, n_copy of them */
	int n_copy;
	/* a bulk load: its COPY, the merge, the rows not yet sent */
	char *copy_in, *truncate;
	strbuf rows;
	bool in_copy;
} pq_stmt;

static PGconn *conn_of(tg_db *db)
{
	return db->conn;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static enum db_failure failure_of(const char *state)
{
	static const struct {
		const char *state;
		enum db_failure f;
	} map[] = {{"23505", DB_FAIL_UNIQUE}, {"23503", DB_FAIL_FOREIGN_KEY},
		   {"23514", DB_FAIL_CHECK},  {"40001", DB_FAIL_BUSY},
		   {"40P01", DB_FAIL_BUSY},   {"55P03", DB_FAIL_BUSY}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(state, map[i].state))
			return map[i].f;
	return DB_FAIL_OTHER;
}

static int fail(tg_db *db, const PGresult *res, tg_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	db->failure = failure_of(state ? state : "");
	char msg[400];
	snprintf(msg, sizeof msg, "%s",
		 res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
						   : PQerrorMessage(conn_of(db)));
	trim(msg);
	if (state && !strcmp(state, "57014"))
		return tg_error_set(err, TG_EIO, "db_timeout", "", "数据库操作超时，已取消：%s", msg);
	return tg_error_set(err, TG_EIO, "db_error", "", "数据库操作失败：%s", msg);
}

/* sql with ? and ?N as $n, outside quotes (malloc'd); *n the parameters. */
static char *dollars(const char *sql, int *n)
{
	strbuf sb;
	sb_init(&sb);
	int next = 0, max = 0;
	char quote = 0;
	for (const char *c = sql; *c; c++) {
		if (quote) {
			quote = *c == quote ? 0 : quote;
		} else if (*c == '\'' || *c == '"') {
			quote = *c;
		} else if (*c == '?') {
			int k = c[1] >= '0' && c[1] <= '9' ? (int)strtol(c + 1, (char **)&c, 10) : ++next;
			if (c[0] != '?')
				c--;
			max = k > max ? k : max;
			sb_addf(&sb, "$%d", k);
			continue;
		}
		sb_addc(&sb, *c);
	}
	*n = max;
	return sb_detach(&sb, NULL);
}

static tg_stmt *pq_prepare(tg_db *db, const char *sql, tg_error *err)
{
	(void)db;
	pq_stmt *ps = calloc(1, sizeof *ps);
	if (ps)
		ps->text = dollars(sql, &ps->n_params);
	if (!ps || !ps->text || ps->n_params > MAX_PARAMS) {
		free(ps ? ps->text : NULL);
		free(ps);
		tg_error_set(err, TG_EINVAL, "too_many_filters", "", "查询条件过多");
		return NULL;
	}
	ps->row = -1;
	return &ps->base;
}

static void pq_reset(tg_stmt *st)
{
	pq_stmt *ps = (pq_stmt *)st;
	PQclear(ps->res);
	PQfreemem(ps->blob);
	ps->res = NULL;
	ps->blob = NULL;
	ps->row = -1;
	memset(ps->v, 0, sizeof ps->v);
	memset(ps->fmt, 0, sizeof ps->fmt);
}

static void pq_finalize(tg_stmt *st)
{
	pq_stmt *ps = (pq_stmt *)st;
	pq_reset(st);
	free(ps->text);
	free(ps);
}

static void bind(tg_stmt *st, int i, const char *v, int len, int fmt)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (i < 1 || i > MAX_PARAMS)
		return;
	ps->v[i - 1] = v;
	ps->len[i - 1] = len;
	ps->fmt[i - 1] = fmt;
}

static void pq_bind_text(tg_stmt *st, int i, const char *v)
{
	bind(st, i, v, 0, 0);
}

static void pq_bind_int64(tg_stmt *st, int i, int64_t v)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (i < 1 || i > MAX_PARAMS)
		return;
	snprintf(ps->num[i - 1], sizeof ps->num[i - 1], "%lld", (long long)v);
	bind(st, i, ps->num[i - 1], 0, 0);
}

/* As many digits as give the same double back. */
static void pq_bind_double(tg_stmt *st, int i, double v)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (i < 1 || i > MAX_PARAMS)
		return;
	snprintf(ps->num[i - 1], sizeof ps->num[i - 1], "%.17g", v);
	bind(st, i, ps->num[i - 1], 0, 0);
}

static void pq_bind_blob(tg_stmt *st, int i, const void *v, size_t len)
{
	bind(st, i, v ? v : "", (int)len, 1);
}

/* Prepare on the first run, when the blob parameters are known. */
static int prepare_now(pq_stmt *ps, tg_error *err)
{
	tg_db *db = ps->base.db;
	Oid types[MAX_PARAMS] = {0};
	for (int k = 0; k < ps->n_params; k++)
		types[k] = ps->fmt[k] ? 17 /* bytea */ : 0;
	char name[16];
	snprintf(name, sizeof name, "d%d", ++((pq_db *)db)->next_name);
	PGresult *res = PQprepare(conn_of(db), name, ps->text, ps->n_params, types);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? TG_OK : fail(db, res, err);
	PQclear(res);
	if (rc == TG_OK)
		memcpy(ps->name, name, sizeof name);
	return rc;
}

static int pq_step(tg_stmt *st, tg_error *err)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (!ps->res) {
		int rc = db_check(st->db, err);
		if (rc == TG_OK && !ps->name[0])
			rc = prepare_now(ps, err);
		if (rc)
			return rc;
		ps->res = PQexecPrepared(conn_of(st->db), ps->name, ps->n_params, ps->v, ps->len,
					 ps->fmt, 0);
		ExecStatusType s = PQresultStatus(ps->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
			return fail(st->db, ps->res, err);
	}
	return ++ps->row < PQntuples(ps->res) ? DB_ROW : DB_DONE;
}

static const char *pq_column_text(tg_stmt *st, int i)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (ps->copy)
		return i >= 0 && i < ps->n_copy ? ps->copy[i] : NULL;
	if (!ps->res || ps->row < 0 || PQgetisnull(ps->res, ps->row, i))
		return NULL;
	return PQgetvalue(ps->res, ps->row, i);
}

static int64_t pq_column_int64(tg_stmt *st, int i)
{
	const char *v = pq_column_text(st, i);
	if (!v)
		return 0;
	if (!strcmp(v, "t") || !strcmp(v, "f"))
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static const void *pq_column_blob(tg_stmt *st, int i, size_t *len)
{
	pq_stmt *ps = (pq_stmt *)st;
	const char *v = pq_column_text(st, i);
	PQfreemem(ps->blob);
	ps->blob = v ? PQunescapeBytea((const unsigned char *)v, len) : NULL;
	if (!ps->blob)
		*len = 0;
	return ps->blob;
}

static double pq_column_double(tg_stmt *st, int i)
{
	const char *v = pq_column_text(st, i);
	return v ? strtod(v, NULL) : 0.0;
}

/* The trigram index on name serves ILIKE (case-insensitive like SQLite's
** trigram FTS5); LIKE's wildcards in q are escaped. */
static const char *pq_name_contains(const char *q, bool trigram, strbuf *value)
{
	if (!trigram) {
		sb_adds(value, q);
		return "position(CAST(? AS text) in \"name\") > 0";
	}
	sb_addc(value, '%');
	for (const char *c = q; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			sb_addc(value, '\\');
		sb_addc(value, *c);
	}
	sb_addc(value, '%');
	return "\"name\" ILIKE ?";
}

static int pq_exec(tg_db *db, const char *sql, tg_error *err)
{
	int rc = db_check(db, err);
	if (rc)
		return rc;
	PGresult *res = PQexec(conn_of(db), sql);
	ExecStatusType s = PQresultStatus(res);
	rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? TG_OK : fail(db, res, err);
	PQclear(res);
	return rc;
}

static int pq_begin(tg_db *db, char kind, tg_error *err)
{
	return pq_exec(db, kind == 'w' ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		       err);
}

static int pq_end(tg_db *db, bool commit, tg_error *err)
{
	if (commit)
		return pq_exec(db, "COMMIT", err);
	if (PQstatus(conn_of(db)) == CONNECTION_OK &&
	    PQtransactionStatus(conn_of(db)) != PQTRANS_IDLE)
		PQclear(PQexec(conn_of(db), "ROLLBACK"));
	return TG_OK;
}

static int session_settings(tg_db *db, tg_error *err)
{
	if (PQsetClientEncoding(conn_of(db), "UTF8") != 0)
		return tg_error_set(err, TG_EIO, "db_error", "", "数据库不支持 UTF8 编码");
	const char *timeout = getenv("TUOGOU_PG_STATEMENT_TIMEOUT");
	tg_stmt *st = db_prepare(db,
				 "SELECT set_config('DateStyle', 'ISO, YMD', false), "
				 "set_config('statement_timeout', CASE WHEN CAST(?1 AS text) <> '' "
				 "THEN CAST(?1 AS text) WHEN current_setting('statement_timeout') = "
				 "'0' THEN CAST(?2 AS text) ELSE current_setting('statement_timeout') "
				 "END, false)",
				 err);
	db_bind_text(st, 1, timeout ? timeout : "");
	db_bind_text(st, 2, DEFAULT_STATEMENT_TIMEOUT);
	return db_run(st, err);
}

/* A connection that broke is reset, unless a transaction was open on it
** (that transaction is lost: the operation fails). */
static int pq_check(tg_db *db, tg_error *err)
{
	PGconn *c = conn_of(db);
	if (PQstatus(c) == CONNECTION_OK)
		return TG_OK;
	if (db->writes || db->reads)
		return tg_error_set(err, TG_EIO, "db_error", "", "数据库连接已断开：%s",
				    PQerrorMessage(c));
	PQreset(c);
	db_forget(db);
	if (PQstatus(c) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
		trim(msg);
		return tg_error_set(err, TG_EIO, "db_error", "", "无法重新连接数据库：%s", msg);
	}
	return session_settings(db, err);
}

static int pq_lock(tg_db *db, int64_t key, tg_error *err)
{
	tg_stmt *st = db_prepare(db, "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", err);
	db_bind_int64(st, 1, key);
	return db_run(st, err);
}

/* One line of COPY's text format split into its fields, in place (\N is
** null; backslash escapes decoded); returns their number. */
static int copy_split(char *line, size_t len, const char **vals, int max)
{
	int n = 0;
	char *end = line + len, *in = line;
	if (len && end[-1] == '\n')
		end--;
	while (n < max) {
		if (end - in >= 2 && in[0] == '\\' && in[1] == 'N' && (in + 2 == end || in[2] == '\t')) {
			vals[n++] = NULL;
			in += 2;
			if (in >= end)
				break;
			in++; /* the tab after \N */
			continue;
		}
		char *start = in, *out = in;
		while (in < end && *in != '\t') {
			if (*in != '\\' || in + 1 >= end) {
				*out++ = *in++;
				continue;
			}
			switch (*++in) {
			case 'n': *out++ = '\n'; break;
			case 't': *out++ = '\t'; break;
			case 'r': *out++ = '\r'; break;
			case 'b': *out++ = '\b'; break;
			case 'f': *out++ = '\f'; break;
			case 'v': *out++ = '\v'; break;
			default: *out++ = *in; break;
			}
			in++;
		}
		bool more = in < end;
		*out = '\0'; /* out <= in: the tab or the end is overwritten */
		vals[n++] = start;
		if (!more)
			break;
		in++;
	}
	return n;
}

#define MAX_COPY_COLUMNS 160

/* COPY (sql) TO STDOUT: the rows as text, without a result held whole. */
static int pq_scan(tg_db *db, const char *sql, const char *order, db_row_fn row, void *ctx,
		   tg_error *err)
{
	strbuf copy;
	sb_init(&copy);
	sb_addf(&copy, "COPY (%s%s%s) TO STDOUT", sql, order ? " ORDER BY " : "", order ? order : "");
	int rc = db_check(db, err);
	PGresult *res = rc ? NULL : PQexec(conn_of(db), copy.buf);
	sb_release(&copy);
	if (rc)
		return rc;
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = fail(db, res, err);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	const char *vals[MAX_COPY_COLUMNS];
	pq_stmt ps = {.base = {.db = db}, .copy = vals};
	char *line;
	int len;
	while ((len = PQgetCopyData(conn_of(db), &line, 0)) > 0) {
		ps.n_copy = copy_split(line, (size_t)len, vals, MAX_COPY_COLUMNS);
		if (rc == TG_OK)
			rc = row(ctx, &ps.base, err);
		PQfreemem(line);
	}
	if (len == -2 && rc == TG_OK)
		rc = fail(db, NULL, err);
	while ((res = PQgetResult(conn_of(db))) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == TG_OK)
			rc = fail(db, res, err);
		PQclear(res);
	}
	return rc;
}

/* Other tuogou connections (fallback_application_name): a server still
** running would go on writing meanwhile. */
static int pq_sole_writer(tg_db *db, const char *tables, int64_t *others, tg_error *err)
{
	strbuf sql;
	sb_init(&sql);
	sb_addf(&sql, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", tables);
	int rc = pq_exec(db, sql.buf, err);
	sb_release(&sql);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(db,
				 "SELECT count(*) FROM pg_stat_activity WHERE \"datname\" = "
				 "current_database() AND \"pid\" <> pg_backend_pid() AND "
				 "\"application_name\" = 'tuogou'",
				 err);
	int step = db_step(st, err);
	*others = step == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* ---- bulk load: COPY into a temporary table, then one merge ---- */

static int pq_bulk_end(tg_stmt *st, int rc, tg_error *err);

static tg_stmt *pq_bulk_begin(tg_db *db, const char *table, const char *columns, int n,
			      const char *merge, tg_error *err)
{
	/* A national register's merge is one statement per array that runs
	** for minutes: the import's write gets its own, longer timeout. */
	const char *timeout = getenv("TUOGOU_PG_IMPORT_TIMEOUT");
	tg_stmt *set = db_prepare(db, "SELECT set_config('statement_timeout', CAST(? AS text), true)",
				  err);
	db_bind_text(set, 1, timeout && *timeout ? timeout : DEFAULT_IMPORT_TIMEOUT);
	if (db_run(set, err))
		return NULL;
	strbuf sql;
	sb_init(&sql);
	sb_addf(&sql, "CREATE TEMP TABLE IF NOT EXISTS \"tg_in_%s\" (LIKE %s INCLUDING DEFAULTS) "
		      "ON COMMIT DELETE ROWS", table, table);
	int rc = pq_exec(db, sql.buf, err);
	sb_release(&sql);
	pq_stmt *ps = rc ? NULL : calloc(1, sizeof *ps);
	if (!ps) {
		if (!rc)
			tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		return NULL;
	}
	ps->base.db = db;
	ps->n_params = n < MAX_PARAMS ? n : MAX_PARAMS;
	ps->row = -1;
	sb_init(&ps->rows);
	sb_init(&sql);
	sb_addf(&sql, "COPY \"tg_in_%s\" (%s) FROM STDIN", table, columns);
	ps->copy_in = sb_detach(&sql, NULL);
	sb_init(&sql);
	sb_addf(&sql, "INSERT INTO %s AS t (%s) SELECT %s FROM \"tg_in_%s\"%s", table, columns,
		columns, table, merge);
	ps->text = sb_detach(&sql, NULL);
	sb_init(&sql);
	sb_addf(&sql, "TRUNCATE \"tg_in_%s\"", table);
	ps->truncate = sb_detach(&sql, NULL);
	if (!ps->copy_in || !ps->text || !ps->truncate) {
		pq_bulk_end(&ps->base, TG_ENOMEM, err);
		return NULL;
	}
	return &ps->base;
}

/* COPY text format: backslash, tab, newline and return escaped. */
static void copy_escape(strbuf *sb, const char *v)
{
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

static int copy_put(pq_stmt *ps, tg_error *err)
{
	tg_db *db = ps->base.db;
	if (ps->rows.len && PQputCopyData(conn_of(db), ps->rows.buf, (int)ps->rows.len) != 1)
		return fail(db, NULL, err);
	ps->rows.len = 0;
	return TG_OK;
}

/* The row's bound values as one line of COPY text. */
static int pq_bulk_row(tg_stmt *st, tg_error *err)
{
	pq_stmt *ps = (pq_stmt *)st;
	if (!ps->in_copy) {
		int rc = db_check(st->db, err);
		PGresult *res = rc ? NULL : PQexec(conn_of(st->db), ps->copy_in);
		if (!rc && PQresultStatus(res) != PGRES_COPY_IN)
			rc = fail(st->db, res, err);
		PQclear(res);
		if (rc)
			return rc;
		ps->in_copy = true;
	}
	for (int i = 0; i < ps->n_params; i++) {
		if (i)
			sb_addc(&ps->rows, '\t');
		if (!ps->v[i])
			sb_add(&ps->rows, "\\N", 2);
		else if (ps->fmt[i])
			copy_bytea(&ps->rows, (const unsigned char *)ps->v[i], (size_t)ps->len[i]);
		else
			copy_escape(&ps->rows, ps->v[i]);
	}
	sb_addc(&ps->rows, '\n');
	memset(ps->v, 0, sizeof ps->v);
	memset(ps->fmt, 0, sizeof ps->fmt);
	return ps->rows.len >= COPY_CHUNK ? copy_put(ps, err) : TG_OK;
}

/* End the COPY (aborted unless rc is TG_OK), so that the connection is
** free for other statements. */
static int copy_end(pq_stmt *ps, int rc, tg_error *err)
{
	if (!ps->in_copy)
		return rc;
	PGconn *c = conn_of(ps->base.db);
	if (rc == TG_OK)
		rc = copy_put(ps, err);
	if (PQputCopyEnd(c, rc == TG_OK ? NULL : "aborted") != 1 && rc == TG_OK)
		rc = fail(ps->base.db, NULL, err);
	PGresult *res;
	while ((res = PQgetResult(c)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == TG_OK)
			rc = fail(ps->base.db, res, err);
		PQclear(res);
	}
	ps->in_copy = false;
	ps->rows.len = 0;
	return rc;
}

static int pq_bulk_flush(tg_stmt *st, tg_error *err)
{
	return copy_end((pq_stmt *)st, TG_OK, err);
}

static int pq_bulk_end(tg_stmt *st, int rc, tg_error *err)
{
	pq_stmt *ps = (pq_stmt *)st;
	rc = copy_end(ps, rc, err);
	if (rc == TG_OK)
		rc = pq_exec(st->db, ps->text, err);
	/* emptied at once, not at the commit: a second load in the same write
	** (imports joined by store_tx_begin) merges only its own rows */
	if (rc == TG_OK)
		rc = pq_exec(st->db, ps->truncate, err);
	sb_release(&ps->rows);
	free(ps->copy_in);
	free(ps->truncate);
	free(ps->text);
	free(ps);
	return rc;
}

/* ---- migrations: schema_migrations ---- */

static int pq_schema_version(tg_db *db, int *version, tg_error *err)
{
	tg_stmt *st = db_prepare(db, "SELECT to_regclass('schema_migrations') IS NOT NULL", err);
	int step = db_step(st, err);
	bool exists = step == DB_ROW && db_column_int64(st, 0);
	db_reset(st);
	if (step < 0 || !exists)
		return step < 0 ? step : TG_OK;
	st = db_prepare(db, "SELECT coalesce(max(\"version\"), 0) FROM schema_migrations", err);
	step = db_step(st, err);
	if (step == DB_ROW)
		*version = (int)db_column_int64(st, 0);
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* Large registers take time to migrate; another server waits here. */
static int pq_migrate_lock(tg_db *db, tg_error *err)
{
	return pq_exec(db,
		       "SELECT set_config('statement_timeout', '0', true);"
		       "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ");"
		       "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       "\"version\" integer PRIMARY KEY, \"applied_at\" text NOT NULL DEFAULT "
		       "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
		       err);
}

static int pq_schema_version_set(tg_db *db, int version, tg_error *err)
{
	tg_stmt *st = db_prepare(db, "INSERT INTO schema_migrations (\"version\") VALUES (?)", err);
	db_bind_int64(st, 1, version);
	return db_run(st, err);
}

static void pq_close(tg_db *db)
{
	PQfinish(conn_of(db));
	free(db);
}

static const db_driver pq_driver =
	DB_DRIVER(pq, "postgresql", "SELECT jsonb_array_elements_text(CAST(? AS jsonb))",
		  " FOR UPDATE SKIP LOCKED", false, tg_schema_pg,
		  "SELECT 1 FROM information_schema.columns WHERE \"table_schema\" = "
		  "current_schema() AND \"table_name\" = ? AND \"column_name\" = ?");

/* ---- opening ---- */

/* Notices ("relation already exists, skipping") are not for the user. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int db_pg_open(const char *conninfo, tg_db **out, tg_error *err)
{
	*out = NULL;
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {conninfo, "tuogou", NULL};
	PGconn *c = PQconnectdbParams(keys, values, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s", c ? PQerrorMessage(c) : "内存不足");
		trim(msg);
		PQfinish(c);
		/* never echo the connection string: it may carry a password */
		return tg_error_set(err, TG_EIO, "db_open", "--db", "无法连接 PostgreSQL 数据库：%s",
				    msg);
	}
	PQsetNoticeProcessor(c, ignore_notice, NULL);
	tg_db *db = db_new(sizeof(pq_db), &pq_driver, c);
	if (!db) {
		PQfinish(c);
		return TG_ENOMEM;
	}
	int rc = session_settings(db, err);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return TG_OK;
}
