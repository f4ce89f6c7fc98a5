/*
** store_write.c: writing one record (store_record_write), once over db.h,
** and what every record write shares with an import: a person's sealed
** number (store_person_seal) and the history row and audit record of a
** change (store_record_changed).
**
** A write is one transaction (db_write_begin/db_write_end), which joins the
** caller's when it runs inside store_tx_begin: the record, the columns the
** store derives from it (a person's sealed birth date and masked number, an
** association's pinyin sort key, written in the same INSERT or UPDATE), its
** history row, its audit record and the generation bump commit together or
** not at all.  An update names the version it replaces; a record changed
** since is refused (stale_version) with the record as it is now.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

/* ---- a person's ID number ---- */

/* The sealed number, sealed birth date and masked number stored for id. */
static const char sql_person_sealed[] =
	"SELECT \"id_number\", \"birth\", \"id_masked\" FROM persons WHERE \"id\" = ?";

int store_person_sealed(tg_store *s, const char *id, struct person_seal *ps, bool *found,
			tg_error *err)
{
	memset(ps, 0, sizeof *ps);
	*found = false;
	tg_stmt *st = db_prepare(s->db, sql_person_sealed, err);
	db_bind_text(st, 1, id);
	int step = db_step(st, err);
	int rc = step < 0 ? step : TG_OK;
	if (step == DB_ROW && db_column_text(st, 0) && db_column_text(st, 2)) {
		const char *birth = db_column_text(st, 1);
		*found = true;
		ps->sealed = strdup(db_column_text(st, 0));
		ps->birth = birth ? strdup(birth) : NULL;
		str_copy(ps->masked, sizeof ps->masked, db_column_text(st, 2));
		if (!ps->sealed || (birth && !ps->birth))
			rc = TG_ENOMEM;
	}
	db_reset(st);
	return rc;
}

int store_person_seal(tg_store *s, const tg_person *p, struct person_seal *ps, tg_error *err)
{
	memset(ps, 0, sizeof *ps);
	if (!p->id_number)
		return TG_OK;
	if (!strchr(p->id_number, '*')) {
		int rc = store_need_key(s, err);
		return rc ? rc : store_seal_number(&s->key, p, ps, err);
	}
	/* a masked number (the web form sent back what it was shown): the
	** stored one, when the masks agree */
	bool found = false;
	int rc = store_person_sealed(s, p->id, ps, &found, err);
	if (rc)
		return rc;
	if (found && !strcmp(ps->masked, p->id_number))
		return TG_OK;
	store_person_seal_free(ps);
	return tg_error_set(err, TG_EINVAL, "bad_id_number", "id_number",
			    "公民身份号码不完整（含 *），请输入完整的 18 位号码");
}

/* ---- the history row and the audit record ---- */

int store_record_changed(tg_store *s, const char *user, const tg_register *r, int a, size_t i,
			 const char *before, const char *after, tg_error *err)
{
	const void *row = register_row(r, a, i);
	const char *key = register_key(r, a, i);
	char object[200];
	snprintf(object, sizeof object, "%s/%s", tg_schema[a].key, key);
	int rc = store_change_add(s, user, tg_schema[a].key, key, store_row_association(a, row),
				  before, after, err);
	return rc ? rc : store_audit_append(s, "write", object, "ok", before, after, err);
}

/* ---- the statements, from the schema ---- */

/* The columns the store derives from a record and writes beside it. */
static const char *derived_columns(int a)
{
	if (a == ARR_PERSONS)
		return ", \"birth\", \"id_masked\"";
	return a == ARR_ASSOCIATIONS ? ", \"name_pinyin\"" : "";
}

static int derived_count(int a)
{
	return a == ARR_PERSONS ? 2 : a == ARR_ASSOCIATIONS;
}

struct sql_ctx {
	strbuf *sb;
	int n;
	const char *first, *next; /* formats, the column twice */
};

static void add_column(const tg_field *f, const char *column, void *vctx)
{
	struct sql_ctx *c = vctx;
	(void)f;
	sb_addf(c->sb, c->n++ ? c->next : c->first, column, column);
}

int store_columns_sql(int a, strbuf *sb, const char *first, const char *next)
{
	struct sql_ctx c = {sb, 0, first, next};
	store_for_each_column(a, add_column, &c);
	return c.n;
}

/* "INSERT INTO t (<columns><derived>) VALUES (?, ...)" */
static void insert_sql(int a, strbuf *sb)
{
	sb_addf(sb, "INSERT INTO %s (", tg_schema[a].key);
	store_columns_sql(a, sb, "\"%s\"", ", \"%s\"");
	sb_addf(sb, "%s) VALUES (", derived_columns(a));
	store_columns_sql(a, sb, "?", ", ?");
	for (int k = 0; k < derived_count(a); k++)
		sb_adds(sb, ", ?");
	sb_adds(sb, ")");
}

/* The derived columns, each written with fmt (the column's name twice). */
static void derived_sql(int a, strbuf *sb, const char *fmt)
{
	static const char *const person[] = {"birth", "id_masked", NULL};
	static const char *const association[] = {"name_pinyin", NULL};
	const char *const *d = a == ARR_PERSONS ? person : a == ARR_ASSOCIATIONS ? association : NULL;
	for (; d && *d; d++)
		sb_addf(sb, fmt, *d, *d);
}

/* "UPDATE t SET <column> = ?, ... WHERE <key> AND version = ? RETURNING
** version": the columns, the derived ones, then the key and the version. */
static void update_sql(int a, strbuf *sb)
{
	sb_addf(sb, "UPDATE %s SET ", tg_schema[a].key);
	store_columns_sql(a, sb, "\"%s\" = ?", ", \"%s\" = ?");
	derived_sql(a, sb, ", \"%s\" = ?");
	sb_addf(sb, ", \"version\" = \"version\" + 1, \"updated_at\" = tg_now() WHERE %s "
		    "AND \"version\" = ? RETURNING \"version\"",
		a == ARR_ANNUAL_REPORTS ? "\"association\" = ? AND \"year\" = ?"
		: a == ARR_ASSOCIATIONS ? "\"uscc\" = ?"
					: "\"id\" = ?");
}

/* ---- binding a row ---- */

#define MAX_COLUMNS 96

struct bind_ctx {
	tg_stmt *st;
	int col;
	const void *row;
	const char *id_sealed; /* persons: what the id_number column gets */
	char (*buf)[32];       /* a date's text, per column: valid until the step */
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
	case FT_REF:
		/* never the plain number */
		db_bind_text(c->st, i, f->type == FT_STR && !strcmp(f->key, "id_number")
					       ? c->id_sealed
					       : *(const char *const *)p);
		break;
	case FT_DATE:
		if (*(const tg_date *)p == TG_DATE_NONE || i > MAX_COLUMNS) {
			db_bind_null(c->st, i);
		} else {
			date_format(*(const tg_date *)p, c->buf[i - 1]);
			db_bind_text(c->st, i, c->buf[i - 1]);
		}
		break;
	case FT_BOOL:
		if (*(const int8_t *)p < 0)
			db_bind_null(c->st, i);
		else
			db_bind_int64(c->st, i, *(const int8_t *)p != 0);
		break;
	case FT_INT:
	case FT_MONEY:
		db_bind_int64(c->st, i, *(const int64_t *)p);
		break;
	case FT_AREA:
		if (*(const double *)p < 0)
			db_bind_null(c->st, i);
		else
			db_bind_double(c->st, i, *(const double *)p);
		break;
	case FT_ENUM:
		db_bind_text(c->st, i, schema_enum_key(f, *(const int8_t *)p));
		break;
	case FT_OBJECT:
		break;
	}
}

/* What a write binds beyond the schema's columns, after them. */
typedef struct derived {
	const struct person_seal *ps;
	unsigned char *pinyin; /* malloc'd */
	size_t pinyin_len;
} derived;

/* Bind row's columns and the derived ones from 1; returns the next
** parameter. */
static int bind_row(tg_stmt *st, int a, const void *row, const derived *d, char (*buf)[32])
{
	struct bind_ctx c = {st, 0, row, d->ps->sealed, buf};
	store_for_each_column(a, bind_column, &c);
	int i = c.col + 1;
	if (a == ARR_PERSONS) {
		db_bind_text(st, i++, d->ps->sealed ? d->ps->birth : NULL);
		db_bind_text_or_null(st, i++, d->ps->sealed ? d->ps->masked : NULL);
	} else if (a == ARR_ASSOCIATIONS) {
		db_bind_blob(st, i++, d->pinyin, d->pinyin_len);
	}
	return i;
}

static int refused(tg_store *s, int a, int rc, tg_error *err)
{
	enum db_failure f = db_failure(s->db);
	if (f == DB_FAIL_UNIQUE)
		return tg_error_set(err, TG_ECONFLICT, "duplicate_key", tg_schema[a].fields[0].key,
				    "该%s已存在（编号重复）", tg_schema[a].zh);
	if (f == DB_FAIL_FOREIGN_KEY)
		return tg_error_set(err, TG_EINVAL, "dangling_ref", "", "引用的记录不存在");
	return rc;
}

static int write_insert(tg_store *s, int a, const void *row, const derived *d, tg_error *err)
{
	strbuf sql;
	char buf[MAX_COLUMNS][32];
	sb_init(&sql);
	insert_sql(a, &sql);
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	sb_release(&sql);
	if (st)
		bind_row(st, a, row, d, buf);
	int rc = db_run(st, err);
	return rc && st ? refused(s, a, rc, err) : rc;
}

static int write_update(tg_store *s, int a, const void *row, const char *key, const derived *d,
			int64_t expected, int64_t *version, tg_error *err)
{
	strbuf sql;
	char buf[MAX_COLUMNS][32], copy[256];
	sb_init(&sql);
	update_sql(a, &sql);
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	sb_release(&sql);
	if (st) {
		int i = bind_row(st, a, row, d, buf);
		if (a == ARR_ANNUAL_REPORTS) {
			db_bind_int64(st, i + 1, store_key_year(key, copy, sizeof copy));
			db_bind_text(st, i, copy);
			i += 2;
		} else {
			db_bind_text(st, i++, key);
		}
		db_bind_int64(st, i, expected);
	}
	int step = db_step(st, err);
	int rc = step < 0 ? step : TG_OK;
	if (step == DB_ROW && version)
		*version = db_column_int64(st, 0);
	else if (step == DB_DONE)
		rc = tg_error_set(err, TG_ECONFLICT, "stale_version", "version",
				  "记录已被他人修改，请刷新后重试");
	db_reset(st);
	return rc && st && step < 0 ? refused(s, a, rc, err) : rc;
}

/* ---- bulk load ---- */

tg_stmt *store_bulk_begin(tg_store *s, int a, tg_error *err)
{
	strbuf columns, merge;
	sb_init(&columns);
	sb_init(&merge);
	int n = store_columns_sql(a, &columns, "\"%s\"", ", \"%s\"") + derived_count(a);
	sb_adds(&columns, derived_columns(a));
	sb_addf(&merge, " ON CONFLICT (%s) DO UPDATE SET ", store_key_columns(a));
	store_columns_sql(a, &merge, "\"%s\" = excluded.\"%s\"", ", \"%s\" = excluded.\"%s\"");
	derived_sql(a, &merge, ", \"%s\" = excluded.\"%s\"");
	sb_adds(&merge, ", \"version\" = t.\"version\" + 1, \"updated_at\" = tg_now()");
	tg_stmt *st = db_bulk_begin(s->db, tg_schema[a].key, columns.buf, n, merge.buf, err);
	sb_release(&columns);
	sb_release(&merge);
	return st;
}

int store_bulk_row(tg_stmt *bulk, int a, const void *row, const struct person_seal *ps,
		   tg_error *err)
{
	static const struct person_seal none = {0};
	derived d = {ps ? ps : &none, NULL, 0};
	char buf[MAX_COLUMNS][32];
	if (a == ARR_ASSOCIATIONS &&
	    !(d.pinyin = store_name_sort_key(((const tg_association *)row)->name, &d.pinyin_len)))
		return TG_ENOMEM;
	bind_row(bulk, a, row, &d, buf);
	int rc = db_bulk_row(bulk, err);
	free(d.pinyin);
	return rc;
}

/* ---- one record ---- */

/* The record as stored, its masked JSON in *before; a version other than
** expected is refused with the record appended to current. */
static int check_version(tg_store *s, int a, const char *key, int64_t expected,
			 tg_register *current, char **before, tg_error *err)
{
	tg_register now;
	int64_t have = 0;
	register_init(&now);
	int rc = store_record_get(s, a, key, &now, &have, err);
	if (rc == TG_OK && have != expected) {
		rc = tg_error_set(err, TG_ECONFLICT, "stale_version", "version",
				  "记录已被他人修改（当前版本 %lld，提交的版本 %lld），"
				  "请刷新后合并修改",
				  (long long)have, (long long)expected);
		if (current)
			register_merge(current, &now);
	}
	if (rc == TG_OK &&
	    !(*before = store_record_json_masked(&now, a, register_row(&now, a, 0))))
		rc = TG_ENOMEM;
	register_release(&now);
	return rc;
}

int store_record_write(tg_store *s, int a, const tg_register *r, size_t i, bool create,
		       int64_t expected, const char *user, tg_register *current, int64_t *version,
		       tg_error *err)
{
	const void *row = register_row(r, a, i);
	const char *key = register_key(r, a, i);
	if (!key)
		return tg_error_set(err, TG_EINVAL, "required", tg_schema[a].fields[0].key,
				    "缺少编号");
	char *before = NULL, *after = NULL;
	struct person_seal ps = {0};
	derived d = {&ps, NULL, 0};
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	if (a == ARR_PERSONS)
		rc = store_person_seal(s, row, &ps, err);
	if (rc == TG_OK && a == ARR_ASSOCIATIONS &&
	    !(d.pinyin = store_name_sort_key(((const tg_association *)row)->name, &d.pinyin_len)))
		rc = TG_ENOMEM;
	if (rc == TG_OK && create) {
		rc = write_insert(s, a, row, &d, err);
		if (version)
			*version = 1;
	} else if (rc == TG_OK) {
		rc = check_version(s, a, key, expected, current, &before, err);
		if (rc == TG_OK)
			rc = write_update(s, a, row, key, &d, expected, version, err);
	}
	if (rc == TG_OK && !(after = store_record_json_masked(r, a, row)))
		rc = TG_ENOMEM;
	if (rc == TG_OK)
		rc = store_record_changed(s, user, r, a, i, before, after, err);
	if (rc == TG_OK)
		rc = store_generation_bump(s, err);
	rc = db_write_end(s->db, rc, err);
	free(before);
	free(after);
	free(d.pinyin);
	store_person_seal_free(&ps);
	return rc;
}

/* ---- what an import changes ---- */

int store_import_row_diff(tg_store *s, const tg_register *bundle, int a, size_t i, char **before,
			  char **after, bool *changed, tg_error *err)
{
	tg_register cur;
	register_init(&cur);
	int rc = store_record_get(s, a, register_key(bundle, a, i), &cur, NULL, err);
	bool found = rc == TG_OK;
	if (rc == TG_ENOTFOUND)
		rc = TG_OK;
	if (rc == TG_OK)
		rc = store_import_diff(found ? &cur : NULL, bundle, a, i, false, before, after,
				       changed);
	if (rc == TG_OK && found && !*changed && a == ARR_PERSONS) {
		const tg_person *p = register_row(bundle, a, i);
		tg_stmt *st = db_prepare(s->db, "SELECT \"id_number\" FROM persons WHERE \"id\" = ?",
					 err);
		bool same = true;
		db_bind_text(st, 1, p->id);
		int step = db_step(st, err);
		const char *sealed = step == DB_ROW ? db_column_text(st, 0) : NULL;
		rc = step < 0 ? step : TG_OK;
		if (rc == TG_OK && p->id_number && sealed && !strchr(p->id_number, '*'))
			rc = store_need_key(s, err);
		if (rc == TG_OK)
			rc = store_number_same(&s->key, p->id, sealed, p->id_number, &same, err);
		db_reset(st);
		/* only the 8 characters the mask hides: the same JSON, a new number */
		if (rc == TG_OK && !same)
			rc = store_import_diff(&cur, bundle, a, i, true, before, after, changed);
	}
	register_release(&cur);
	return rc;
}

/* ---- the pinyin sort key of associations' names ---- */

int store_fill_missing_pinyin(tg_store *s, tg_error *err)
{
	tg_register tmp;
	register_init(&tmp);
	tg_stmt *st = db_prepare(s->db, "SELECT \"uscc\", \"name\" FROM associations "
					"WHERE \"name_pinyin\" IS NULL",
				 err);
	int step;
	/* collected first: the rows are updated under the statement's feet */
	while ((step = db_step(st, err)) == DB_ROW) {
		tg_association *a = register_append(&tmp, ARR_ASSOCIATIONS);
		a->uscc = arena_strdup(&tmp.arena, db_column_text(st, 0));
		a->name = arena_strdup(&tmp.arena, db_column_text(st, 1));
	}
	db_reset(st);
	int rc = step < 0 ? step : TG_OK;
	size_t n = tmp.t[ARR_ASSOCIATIONS].count;
	if (rc == TG_OK && n) {
		rc = db_write_begin(s->db, err);
		if (rc == TG_OK) {
			for (size_t i = 0; rc == TG_OK && i < n; i++) {
				const tg_association *a = register_row(&tmp, ARR_ASSOCIATIONS, i);
				rc = store_set_pinyin(s, a->uscc, a->name, err);
			}
			rc = db_write_end(s->db, rc, err);
		}
	}
	register_release(&tmp);
	return rc;
}

int store_set_pinyin(tg_store *s, const char *uscc, const char *name, tg_error *err)
{
	size_t len = 0;
	unsigned char *key = store_name_sort_key(name, &len);
	if (!key)
		return TG_ENOMEM;
	tg_stmt *st = db_prepare(s->db,
				 "UPDATE associations SET \"name_pinyin\" = ? WHERE \"uscc\" = ?", err);
	db_bind_blob(st, 1, key, len);
	db_bind_text(st, 2, uscc);
	int rc = db_run(st, err);
	free(key);
	return rc;
}
