/*
** store_records.c: the store's logic for the register's records, written
** once over the driver interface (db.h): one record by key, lists with
** their filters and a user's scope (conditions in SQL, values bound), the
** generation counter, the change history, the plan document and the
** counts of the arrays.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "plan.h"
#include "rules.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

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

/* fn for each row of st (id, at, user, array, key, association, before,
** after), then st reset. */
static int each_change(tg_stmt *st, tg_change_fn fn, void *ctx, tg_error *err)
{
	int step;
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
	db_bind_size(st, 2, limit);
	db_bind_size(st, 3, offset);
	return each_change(st, fn, ctx, err);
}

/* The change rows after id `after`, oldest first: how a server learns what
** the others wrote since its last look (src/http/cache.c). */
int store_changes_since(tg_store *s, int64_t after, size_t limit, tg_change_fn fn, void *ctx,
			tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"id\", \"at\", \"user\", \"array\", \"key\", "
				 "\"association\", NULL, NULL FROM changes WHERE \"id\" > ? "
				 "ORDER BY \"id\" LIMIT ?",
				 err);
	if (!st)
		return TG_EIO;
	db_bind_int64(st, 1, after);
	db_bind_size(st, 2, limit);
	return each_change(st, fn, ctx, err);
}

int store_change_max(tg_store *s, int64_t *id, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT coalesce(max(\"id\"), 0) FROM changes", err);
	if (!st)
		return TG_EIO;
	int step = db_step(st, err);
	*id = step == DB_ROW ? db_column_int64(st, 0) : 0;
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

/* A newer version of a plan replaces it wherever a jurisdiction holds it. */
static int same_plan_elsewhere(tg_store *s, const char *plan_id, const char *text,
			       tg_error *err)
{
	return db_run_texts(s->db,
			    "UPDATE jurisdiction_plans SET \"json\" = ?2, \"loaded_at\" = tg_now() "
			    "WHERE \"plan_id\" = ?1",
			    (const char *[]){plan_id, text}, 2, err);
}

int store_jurisdiction_plans(tg_store *s,
			     int (*fn)(const char *code, const char *json, size_t len, void *ctx),
			     void *ctx, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"jurisdiction\", \"json\" FROM jurisdiction_plans "
				 "ORDER BY \"jurisdiction\"",
				 err);
	if (!st)
		return TG_EIO;
	int rc, stop = 0;
	while (!stop && (rc = db_step(st, err)) == DB_ROW) {
		const char *json = db_column_text(st, 1);
		stop = fn(db_column_text(st, 0), json ? json : "", json ? strlen(json) : 0, ctx);
	}
	db_reset(st);
	return stop ? stop : rc < 0 ? rc : TG_OK;
}

struct attach {
	tg_plan *plan;
	tg_errors *errs;
};

static int attach_one(const char *code, const char *json, size_t len, void *ctx)
{
	struct attach *at = ctx;
	tg_plan *sub = NULL;
	tg_errors errs;
	tg_errors_init(&errs);
	int rc = plan_load_buffer(json, len, &sub, &errs);
	if (rc == TG_OK && rules_check_plan(sub, &errs))
		rc = TG_EINVAL;
	if (rc == TG_OK) {
		plan_add_place(at->plan, code, sub);
	} else {
		plan_free(sub);
		char path[64];
		snprintf(path, sizeof path, "jurisdiction_plans[%s]", code);
		tg_errors_add(at->errs, "bad_plan", path, "行政区划%s采用的方案有误：%s", code,
			      errs.count ? errs.items[0].message : "");
	}
	tg_errors_free(&errs);
	return rc;
}

int store_attach_jurisdiction_plans(tg_store *s, tg_plan *plan, tg_errors *errs,
				    tg_error *err)
{
	struct attach at = {plan, errs};
	return store_jurisdiction_plans(s, attach_one, &at, err);
}

/* The one plan document of the register (row 1), and a jurisdiction's. */
static const char sql_plan_set[] =
	"INSERT INTO plan (\"id\", \"plan_id\", \"json\") VALUES (1, ?, ?) "
	"ON CONFLICT (\"id\") DO UPDATE SET \"plan_id\" = excluded.\"plan_id\", "
	"\"json\" = excluded.\"json\", \"loaded_at\" = tg_now()";
static const char sql_jurisdiction_plan_set[] =
	"INSERT INTO jurisdiction_plans (\"plan_id\", \"json\", \"jurisdiction\") "
	"VALUES (?, ?, ?) ON CONFLICT (\"jurisdiction\") DO UPDATE SET "
	"\"plan_id\" = excluded.\"plan_id\", \"json\" = excluded.\"json\", "
	"\"loaded_at\" = tg_now()";

/* Store a plan as the register's (code NULL) or a jurisdiction's; the same
** id held anywhere else takes the new version; audited, one transaction. */
static int plan_store(tg_store *s, const char *code, const char *plan_id, const char *json,
		      size_t len, tg_error *err)
{
	char *text = strndup(json, len), object[192];
	if (!text)
		return TG_ENOMEM;
	int rc = db_write_begin(s->db, err);
	if (rc == TG_OK) {
		tg_stmt *st = db_prepare(s->db, code ? sql_jurisdiction_plan_set : sql_plan_set, err);
		db_bind_text(st, 1, plan_id);
		db_bind_text(st, 2, text);
		if (code)
			db_bind_text(st, 3, code);
		rc = db_run(st, err);
		if (rc == TG_OK)
			rc = same_plan_elsewhere(s, plan_id, text, err);
		if (rc == TG_OK && code) {
			tg_stmt *reg = db_prepare(
				s->db, "UPDATE plan SET \"json\" = ?2 WHERE \"plan_id\" = ?1", err);
			db_bind_text(reg, 1, plan_id);
			db_bind_text(reg, 2, text);
			rc = db_run(reg, err);
		}
		snprintf(object, sizeof object, "plan/%s%s%s", plan_id, code ? "@" : "",
			 code ? code : "");
		if (rc == TG_OK)
			rc = store_audit_append(s, "plan_set", object, "ok", NULL, NULL, err);
		if (rc == TG_OK)
			rc = store_generation_bump(s, err);
		rc = db_write_end(s->db, rc, err);
	}
	free(text);
	return rc;
}

int store_set_jurisdiction_plan(tg_store *s, const char *code, const char *plan_id,
				const char *json, size_t len, tg_error *err)
{
	return plan_store(s, code, plan_id, json, len, err);
}

int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len,
		   tg_error *err)
{
	return plan_store(s, NULL, plan_id, json, len, err);
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

/* ---- a record's columns, from the schema ---- */

void store_for_each_column(int a, store_column_fn fn, void *ctx)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			for (const tg_field *sub = f->sub; sub->key; sub++)
				fn(sub, sub->column, ctx);
		} else {
			fn(f, f->column ? f->column : f->key, ctx);
		}
	}
}

struct select_ctx {
	strbuf *sb;
	int n;
};

/* A person's id_number is read from id_masked: the sealed text never
** leaves the store. */
static void add_select_column(const tg_field *f, const char *column, void *vctx)
{
	struct select_ctx *c = vctx;
	if (f->type == FT_STR && !strcmp(f->key, "id_number"))
		column = "id_masked";
	sb_addf(c->sb, c->n++ ? ", \"%s\"" : "\"%s\"", column);
}

/* "SELECT <columns>[, birth], version FROM <table>": persons' sealed birth
** date follows the schema's columns; returns the number of columns before
** it. */
static int select_record(int a, strbuf *sb)
{
	struct select_ctx c = {sb, 0};
	sb_adds(sb, "SELECT ");
	store_for_each_column(a, add_select_column, &c);
	sb_addf(sb, "%s, \"version\" FROM %s", a == ARR_PERSONS ? ", \"birth\"" : "",
		tg_schema[a].key);
	return c.n;
}

/* The condition of one record by key. */
static const char *key_where(int a)
{
	if (a == ARR_ANNUAL_REPORTS)
		return "\"association\" = ? AND \"year\" = ?";
	return a == ARR_ASSOCIATIONS ? "\"uscc\" = ?" : "\"id\" = ?";
}

int64_t store_key_year(const char *key, char *copy, size_t size)
{
	const char *slash = strrchr(key, '/');
	char *end = NULL;
	long long year = slash ? strtoll(slash + 1, &end, 10) : -1;
	snprintf(copy, size, "%.*s", slash ? (int)(slash - key) : (int)strlen(key), key);
	return !slash || !end || *end || end == slash + 1 ? -1 : year;
}

/* Bind key from parameter i (copy holds an annual report's association);
** returns the next parameter. */
static int bind_key(tg_stmt *st, int i, int a, const char *key, char *copy, size_t size)
{
	if (a != ARR_ANNUAL_REPORTS) {
		db_bind_text(st, i, key);
		return i + 1;
	}
	db_bind_int64(st, i + 1, store_key_year(key, copy, size));
	db_bind_text(st, i, copy);
	return i + 2;
}

static bool text_ok(const char *v)
{
	return !v || utf8_valid(v, strlen(v));
}

struct read_ctx {
	tg_stmt *st;
	int col;
	void *row;
	tg_register *r;
};

void store_field_from_text(const tg_field *f, void *p, const char *v, tg_arena *arena)
{
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		*(const char **)p = v ? arena_strdup(arena, v) : NULL;
		break;
	case FT_DATE:
		if (!v || date_parse(v, (tg_date *)p))
			*(tg_date *)p = TG_DATE_NONE;
		break;
	case FT_BOOL: /* a nullable boolean (scope_override.in_scope) keeps -1 for null */
		*(int8_t *)p = !v ? -1 : (int8_t)(v[0] == 't' || v[0] == '1');
		break;
	case FT_INT:
	case FT_MONEY:
		*(int64_t *)p = v ? strtoll(v, NULL, 10) : 0;
		break;
	case FT_AREA:
		*(double *)p = v ? strtod(v, NULL) : -1.0;
		break;
	case FT_ENUM:
		*(int8_t *)p = (int8_t)(v ? schema_enum_find(f, v) : -1);
		break;
	case FT_OBJECT:
		break;
	}
}

/* Numbers are read as numbers (SQLite's REAL would lose digits as text). */
static void read_column(const tg_field *f, const char *column, void *vctx)
{
	struct read_ctx *c = vctx;
	int i = c->col++;
	char *p = (char *)c->row + f->off;
	(void)column;
	if (f->type == FT_INT || f->type == FT_MONEY)
		*(int64_t *)p = db_column_int64(c->st, i);
	else if (f->type == FT_AREA && !db_column_null(c->st, i))
		*(double *)p = db_column_double(c->st, i);
	else
		store_field_from_text(f, p, db_column_text(c->st, i), &c->r->arena);
}

/* Append the current row of st (select_record's columns, n of them before
** the birth date) to r.  A person's birth date is opened where a rule reads
** it (person_birth_needed): one opening per retired leading cadre, not one
** per person. */
static int read_record(tg_store *s, tg_stmt *st, int a, int n, tg_register *r,
		       int64_t *version, tg_error *err)
{
	struct read_ctx c = {st, 0, register_append(r, a), r};
	store_for_each_column(a, read_column, &c);
	if (a == ARR_PERSONS) {
		tg_person *p = c.row;
		const char *birth = person_birth_needed(p) ? db_column_text(st, n) : NULL;
		p->birth = TG_DATE_NONE;
		if (birth && store_need_key(s, err))
			return TG_EIO;
		int rc = birth ? store_open_birth(&s->key, p->id, birth, &p->birth, err) : TG_OK;
		if (rc)
			return rc;
	}
	store_row_keyed(r, a, c.row);
	if (version)
		*version = db_column_int64(st, n + (a == ARR_PERSONS));
	return TG_OK;
}

void store_row_keyed(tg_register *r, int a, void *row)
{
	tg_annual_report *ar = row;
	if (a == ARR_ANNUAL_REPORTS)
		ar->key = arena_printf(&r->arena, "%s/%lld", ar->association ? ar->association : "",
				       (long long)ar->year);
}

/* ---- the whole register ---- */

struct load_ctx {
	tg_store *s;
	tg_register *r;
	int a, n;
};

static int load_row(void *vctx, tg_stmt *st, tg_error *err)
{
	struct load_ctx *c = vctx;
	return read_record(c->s, st, c->a, c->n, c->r, NULL, err);
}

int store_load_register(tg_store *s, tg_register *r, tg_error *err)
{
	int rc = db_read_begin(s->db, err); /* one snapshot for all tables */
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		strbuf sql;
		sb_init(&sql);
		struct load_ctx c = {s, r, a, select_record(a, &sql)};
		rc = db_scan(s->db, sql.buf, store_key_columns(a), load_row, &c, err);
		sb_release(&sql);
	}
	db_read_end(s->db);
	if (rc)
		return rc;
	/* The store's foreign keys guarantee resolution; batches may be the
	** plan's, so nothing is reported here. */
	register_resolve(r, NULL, 0, NULL, NULL);
	return TG_OK;
}

static int not_found(int a, tg_error *err)
{
	return tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该%s记录",
			    tg_schema[a].zh);
}

int store_record_get(tg_store *s, int a, const char *key, tg_register *r, int64_t *version,
		     tg_error *err)
{
	if (!text_ok(key))
		return not_found(a, err);
	strbuf sql;
	sb_init(&sql);
	int n = select_record(a, &sql);
	sb_addf(&sql, " WHERE %s", key_where(a));
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	sb_release(&sql);
	char copy[256];
	if (st)
		bind_key(st, 1, a, key, copy, sizeof copy);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = read_record(s, st, a, n, r, version, err);
	else if (rc == DB_DONE)
		rc = not_found(a, err);
	db_reset(st);
	return rc;
}

/* ---- lists and scope: conditions in SQL, values bound ---- */

#define MAX_BINDS 24

typedef struct binds {
	const char *v[MAX_BINDS];
	int n;
} binds;

static void bind_add(binds *b, const char *v)
{
	if (b->n < MAX_BINDS)
		b->v[b->n++] = v;
}

/* The condition of records of a unit (unit) or an association, each ?
** bound to its id; NULL: every record.  An association's unit record is
** its unit's, and the unit's tasks are not the association's. */
static const char *scope_condition(int a, bool unit)
{
	if (a == ARR_BATCHES || a == ARR_JURISDICTIONS)
		return NULL; /* every role sees them */
	if (a == ARR_UNITS)
		return unit ? "\"id\" = ?"
			    : "\"id\" = (SELECT \"unit\" FROM associations WHERE \"uscc\" = ?)";
	if (a == ARR_UNIT_TASKS)
		return unit ? "\"unit\" = ?" : "false";
	if (a == ARR_ASSOCIATIONS)
		return unit ? "\"unit\" = ?" : "\"uscc\" = ?";
	if (a == ARR_PERSONS)
		return unit ? "(\"unit\" = ? OR \"id\" IN (SELECT \"person\" FROM posts WHERE "
			      "\"association\" IN (SELECT \"uscc\" FROM associations WHERE \"unit\" = ?)))"
			    : "\"id\" IN (SELECT \"person\" FROM posts WHERE \"association\" = ?)";
	return unit ? "\"association\" IN (SELECT \"uscc\" FROM associations WHERE \"unit\" = ?)"
		    : "\"association\" = ?";
}

/* The codes of a jurisdiction and of every jurisdiction below it (its
** parent chain), as a subquery whose one ? is the code. */
#define WITHIN                                                                            \
	"(WITH RECURSIVE below(\"id\") AS (SELECT j0.\"id\" FROM jurisdictions j0 WHERE "       \
	"j0.\"id\" = ? UNION SELECT j.\"id\" "                                                     \
	"FROM jurisdictions j JOIN below ON j.\"parent\" = below.\"id\") SELECT \"id\" FROM below)"

/* The condition of the records of a jurisdiction and those below it: an
** association's and a unit's own, a unit task's its unit's, a person's
** its unit's or a post's it holds, every other record's its
** association's; batches are everyone's. */
static const char *jurisdiction_condition(int a)
{
	switch (a) {
	case ARR_BATCHES: return NULL;
	case ARR_JURISDICTIONS: return "\"id\" IN " WITHIN;
	case ARR_UNITS:
	case ARR_ASSOCIATIONS: return "\"jurisdiction\" IN " WITHIN;
	case ARR_UNIT_TASKS:
		return "\"unit\" IN (SELECT \"id\" FROM units WHERE \"jurisdiction\" IN " WITHIN ")";
	case ARR_PERSONS:
		return "(\"unit\" IN (SELECT \"id\" FROM units WHERE \"jurisdiction\" IN " WITHIN
		       ") OR \"id\" IN (SELECT \"person\" FROM posts WHERE \"association\" IN "
		       "(SELECT \"uscc\" FROM associations WHERE \"jurisdiction\" IN " WITHIN ")))";
	default:
		return "\"association\" IN (SELECT \"uscc\" FROM associations WHERE "
		       "\"jurisdiction\" IN " WITHIN ")";
	}
}

static void where_scope(int a, bool unit, const char *id, strbuf *sql, binds *b)
{
	const char *cond = scope_condition(a, unit);
	if (!cond)
		return;
	sb_addf(sql, " AND %s", cond);
	for (const char *q = strchr(cond, '?'); q; q = strchr(q + 1, '?'))
		bind_add(b, id);
}

/* Number of characters of UTF-8 text. */
static size_t utf8_chars(const char *str)
{
	size_t n = 0;
	for (; *str; str++)
		n += ((unsigned char)*str & 0xC0) != 0x80;
	return n;
}

static void where_filter(tg_store *s, int a, const tg_record_filter *f, strbuf *sql, binds *b,
			 tg_arena *scratch)
{
	if (!text_ok(f->unit) || !text_ok(f->association) || !text_ok(f->batch) ||
	    !text_ok(f->q) || !text_ok(f->uscc_json) || !text_ok(f->person) ||
	    !text_ok(f->jurisdiction)) {
		sb_adds(sql, " AND false");
		return;
	}
	if (f->unit)
		where_scope(a, true, f->unit, sql, b);
	if (f->association)
		where_scope(a, false, f->association, sql, b);
	const char *within = f->jurisdiction ? jurisdiction_condition(a) : NULL;
	if (within) {
		sb_addf(sql, " AND %s", within);
		for (const char *q = strchr(within, '?'); q; q = strchr(q + 1, '?'))
			bind_add(b, f->jurisdiction);
	}
	if (f->person && a == ARR_POSTS) {
		sb_adds(sql, " AND \"person\" = ?");
		bind_add(b, f->person);
	}
	if (a != ARR_ASSOCIATIONS)
		return;
	if (f->batch) {
		sb_adds(sql, " AND \"batch\" = ?");
		bind_add(b, f->batch);
	}
	if (f->uscc_json) {
		sb_addf(sql, " AND \"uscc\" IN (%s)", db_sql_json_texts(s->db));
		bind_add(b, f->uscc_json);
	}
	if (f->q && *f->q) {
		/* by name, or by the whole USCC (typed in either case) */
		strbuf value;
		sb_init(&value);
		sb_addf(sql, " AND (%s OR \"uscc\" = ?)",
			db_sql_name_contains(s->db, f->q, utf8_chars(f->q) >= 3, &value));
		bind_add(b, arena_strdup(scratch, value.buf));
		sb_release(&value);
		char *uscc = arena_strdup(scratch, f->q);
		for (char *c = uscc; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		bind_add(b, uscc);
	}
}

static void bind_all(tg_stmt *st, int first, const binds *b)
{
	for (int i = 0; i < b->n; i++)
		db_bind_text(st, first + i, b->v[i]);
}

/* The page's rows appended to out, with their versions. */
static int read_page(tg_store *s, tg_stmt *st, int a, int n, tg_record_page *out,
		     tg_error *err)
{
	size_t alloc = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		size_t k = out->reg.t[a].count;
		if (k >= alloc) {
			alloc = alloc ? alloc * 2 : k + 64;
			int64_t *v = realloc(out->versions, alloc * sizeof *v);
			if (!v)
				return TG_ENOMEM;
			out->versions = v;
		}
		if ((rc = read_record(s, st, a, n, &out->reg, &out->versions[k], err)))
			return rc;
	}
	return rc;
}

int store_record_list(tg_store *s, int a, const tg_list_query *q, tg_record_page *out,
		      tg_error *err)
{
	strbuf where, sql;
	sb_init(&where);
	sb_init(&sql);
	binds b = {{0}, 0};
	tg_arena scratch;
	arena_init(&scratch);
	sb_addf(&where, " FROM %s WHERE true", tg_schema[a].key);
	where_filter(s, a, &q->filter, &where, &b, &scratch);
	where_filter(s, a, &q->scope, &where, &b, &scratch);

	sb_addf(&sql, "SELECT count(*)%s", where.buf);
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	bind_all(st, 1, &b);
	int rc = db_step(st, err);
	out->total = rc == DB_ROW ? (size_t)db_column_int64(st, 0) : 0;
	db_reset(st);
	if (rc >= 0) {
		sql.len = 0;
		int n = select_record(a, &sql);
		sql.len -= strlen(" FROM ") + strlen(tg_schema[a].key);
		sb_adds(&sql, where.buf);
		store_order_by(a, q, &sql);
		sb_adds(&sql, " LIMIT ? OFFSET ?");
		st = db_prepare(s->db, sql.buf, err);
		bind_all(st, 1, &b);
		db_bind_size(st, b.n + 1, q->limit);
		db_bind_size(st, b.n + 2, q->offset);
		rc = read_page(s, st, a, n, out, err);
		db_reset(st);
	}
	arena_free(&scratch);
	sb_release(&where);
	sb_release(&sql);
	return rc < 0 ? rc : TG_OK;
}

int store_record_in_scope(tg_store *s, int a, const char *key, const tg_record_filter *scope,
			  bool *in, tg_error *err)
{
	*in = false;
	if (!text_ok(key))
		return TG_OK;
	strbuf sql;
	sb_init(&sql);
	binds b = {{0}, 0};
	tg_arena scratch;
	arena_init(&scratch);
	char copy[256];
	sb_addf(&sql, "SELECT 1 FROM %s WHERE %s", tg_schema[a].key, key_where(a));
	where_filter(s, a, scope, &sql, &b, &scratch);
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	if (st)
		bind_all(st, bind_key(st, 1, a, key, copy, sizeof copy), &b);
	int rc = db_step(st, err);
	*in = rc == DB_ROW;
	db_reset(st);
	arena_free(&scratch);
	sb_release(&sql);
	return rc < 0 ? rc : TG_OK;
}

bool store_record_exists(tg_store *s, int array, const char *key)
{
	static const tg_record_filter none = {0};
	bool in = false;
	return store_record_in_scope(s, array, key, &none, &in, NULL) == TG_OK && in;
}
