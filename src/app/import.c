/*
** import.c: the import (app.h), whatever the way in: `tuogou import FILE...`,
** POST /api/v1/import (a bundle) and POST /api/v1/import/sheets (sheets).
**
** Files are read, resolved against each other and the stored register,
** checked as one bundle, then compared with what is stored: each record is
** new, changed (field by field, before and after masked as the history
** masks them) or unchanged, and a changed record whose last write was a
** person's (not an import's) is a newer edit the import would overwrite.
** A dry run stops there; a write over newer edits needs the person's
** confirmation.
**
** Whether a record's last write was an import's is read from the history:
** an import writes each record's change row and then, last in the same
** transaction, one summary row (array "import") under the same user, so
** the record rows immediately before a summary row of the same user are
** that import's.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "arena.h"
#include "app.h"
#include "bundle.h"
#include "ident.h"
#include "obligation.h"
#include "sheet.h"

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	return n > k && !strcasecmp(path + n - k, ext);
}

/* ---- reading and checking ---- */

typedef struct loaded {
	tg_register reg;
	tg_sheet_origin *origin; /* sheets only */
	bool read;
} loaded;

static void read_file(app_import_file *f, loaded *l, const tg_plan *plan)
{
	register_init(&l->reg);
	if (f->data) {
		bundle_read_buffer(f->data, f->len, &l->reg, &f->errs);
	} else if (!f->path) {
		return;
	} else if (has_ext(f->path, ".json")) {
		if (bundle_read_file(f->path, &l->reg, &f->errs) == TG_EIO)
			return;
	} else {
		sheet_read_file(f->path, &l->reg, &l->origin, &f->errs);
	}
	l->read = true;
	if (l->reg.plan && strcmp(l->reg.plan, plan->id))
		tg_errors_add(&f->errs, "plan_mismatch", "plan",
			      "数据包所属方案“%s”与所用方案“%s”不一致", l->reg.plan, plan->id);
}

/* Resolve a file's references against the bundle of all files and the
** stored register (pool); an acceptance it newly records must be ready. */
static void check_file(app_import_file *f, loaded *l, const tg_plan *plan,
		       const tg_register *pool, const tg_register *stored)
{
	if (!l->read)
		return;
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	if (!ids)
		abort();
	for (size_t i = 0; i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	size_t mark = f->errs.count;
	register_resolve(&l->reg, ids, plan->n_batches, pool, &f->errs);
	free(ids);
	obligation_check_steps(&l->reg, plan, pool, &f->errs);
	if (!f->errs.total)
		app_workflow_check(stored, &l->reg, plan, false, &f->errs, NULL);
	sheet_translate_errors(l->origin, &f->errs, mark);
}

/* ---- the comparison ---- */

/* A record's JSON as the history keeps it: ID numbers masked. */
static json_t *record_json(const tg_register *r, int a, const void *row)
{
	strbuf sb;
	sb_init(&sb);
	if (a == ARR_PERSONS && ((const tg_person *)row)->id_number) {
		tg_person p = *(const tg_person *)row;
		char masked[19];
		ident_id_mask(p.id_number, masked);
		p.id_number = masked;
		bundle_write_record(r, a, &p, &sb);
	} else {
		bundle_write_record(r, a, row, &sb);
	}
	json_t *j = json_loadb(sb.buf ? sb.buf : "{}", sb.len, 0, NULL);
	sb_release(&sb);
	if (!j)
		abort();
	return j;
}

static char *value_text(json_t *v)
{
	return v && !json_is_null(v) ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
}

/* What a person reads as the record: its name or title, else its key. */
static char *record_label(int a, json_t *rec, const char *key)
{
	static const char *const keys[] = {"name", "title", "subject", NULL};
	for (size_t k = 0; keys[k]; k++) {
		const char *s = json_string_value(json_object_get(rec, keys[k]));
		if (s && *s)
			return strdup(s);
	}
	(void)a;
	return strdup(key);
}

static void add_field(app_diff_record *d, const tg_field *f, json_t *was, json_t *now)
{
	app_diff_field *x = realloc(d->fields, (d->n_fields + 1) * sizeof *x);
	if (!x)
		abort();
	d->fields = x;
	x[d->n_fields++] = (app_diff_field){f->key, f->zh, value_text(was), value_text(now)};
}

/* Row i of array a of incoming against stored: appended to d when new or
** changed. */
static void compare_row(const tg_register *stored, const tg_register *incoming, int a, size_t i,
			bool list_new, app_import_diff *d)
{
	const char *key = register_key(incoming, a, i);
	tg_ix at = stored->t[a].count ? register_find(stored, a, key) : TG_IX_NONE;
	if (at == TG_IX_NONE && !list_new) {
		d->n_new++;
		return;
	}
	json_t *now = record_json(incoming, a, register_row(incoming, a, i));
	json_t *was = at == TG_IX_NONE ? NULL : record_json(stored, a, register_row(stored, a, at));
	app_diff_record rec = {.array = a, .is_new = !was};
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		json_t *x = was ? json_object_get(was, f->key) : NULL;
		json_t *y = json_object_get(now, f->key);
		bool xnull = !x || json_is_null(x), ynull = !y || json_is_null(y);
		if (xnull && ynull)
			continue;
		if (!was || xnull != ynull || !json_equal(x, y))
			add_field(&rec, f, x, y);
	}
	if (was && !rec.n_fields) {
		d->n_unchanged++;
	} else {
		rec.id = strdup(key);
		rec.label = record_label(a, now, key);
		if (!rec.id || !rec.label)
			abort();
		app_diff_record *x = realloc(d->records, (d->n + 1) * sizeof *x);
		if (!x)
			abort();
		d->records = x;
		d->records[d->n++] = rec;
		*(rec.is_new ? &d->n_new : &d->n_changed) += 1;
	}
	json_decref(now);
	json_decref(was);
}

/* The walk of the history: each listed record's last change, and whether
** it belongs to an import (the rows just before an import's summary row of
** the same user). */
typedef struct history_walk {
	app_import_diff *d;
	tg_idmap where;      /* "array/key" -> 1 + position in d->records */
	size_t *run, n_run;  /* records changed by the current run of rows */
	char run_user[65];
	bool in_run;
	int64_t last, rows;
} history_walk;

static void history_row(void *ctx, const tg_change *c)
{
	history_walk *w = ctx;
	w->last = c->id;
	w->rows++;
	if (!strcmp(c->array, "import")) {
		if (w->in_run && !strcmp(w->run_user, c->user))
			for (size_t k = 0; k < w->n_run; k++)
				w->d->records[w->run[k]].newer_edit = false;
		w->in_run = false;
		return;
	}
	if (schema_array_find(c->array) < 0 || !c->key) {
		w->in_run = false;
		return;
	}
	if (!w->in_run || strcmp(w->run_user, c->user)) {
		w->in_run = true;
		w->n_run = 0;
		str_copy(w->run_user, sizeof w->run_user, c->user);
	}
	char k[300];
	snprintf(k, sizeof k, "%s/%s", c->array, c->key);
	uint32_t pos = idmap_get(&w->where, k);
	if (pos == TG_IX_NONE || !pos)
		return;
	app_diff_record *r = &w->d->records[pos - 1];
	int64_t t;
	char bj[26];
	if (c->at && time_parse_utc(c->at, &t) == TG_OK) {
		time_format_beijing(t, bj);
		bj[10] = ' ';
		bj[19] = '\0';
		str_copy(r->edited_at, sizeof r->edited_at, bj);
	} else {
		str_copy(r->edited_at, sizeof r->edited_at, c->at ? c->at : "");
	}
	str_copy(r->edited_by, sizeof r->edited_by, c->user);
	r->newer_edit = true; /* until an import's summary row claims it */
	w->run[w->n_run++] = pos - 1;
}

static int read_history(tg_store *s, app_import_diff *d, tg_error *err)
{
	history_walk w = {.d = d};
	size_t listed = 0;
	tg_arena keys; /* the map does not copy its keys: they live here */
	arena_init(&keys);
	idmap_init(&w.where);
	for (size_t k = 0; k < d->n; k++) {
		if (d->records[k].is_new)
			continue;
		idmap_set(&w.where,
			  arena_printf(&keys, "%s/%s", tg_schema[d->records[k].array].key,
				       d->records[k].id),
			  (uint32_t)(k + 1));
		listed++;
	}
	int rc = TG_OK;
	if (listed) {
		enum { PAGE = 4096 };
		/* a run holds at most one row per row of its page walk */
		size_t cap = 1024;
		w.run = malloc(cap * sizeof *w.run);
		if (!w.run)
			abort();
		for (;;) {
			int64_t before = w.rows;
			/* room for a whole page in the run */
			if (cap < w.n_run + PAGE) {
				cap = w.n_run + PAGE;
				size_t *x = realloc(w.run, cap * sizeof *x);
				if (!x)
					abort();
				w.run = x;
			}
			if ((rc = store_changes_since(s, w.last, PAGE, history_row, &w, err)))
				break;
			if (w.rows - before < PAGE)
				break;
		}
		free(w.run);
	}
	idmap_free(&w.where);
	arena_free(&keys);
	d->n_newer = 0;
	for (size_t k = 0; k < d->n; k++)
		d->n_newer += d->records[k].newer_edit;
	return rc;
}

int app_import_compare(tg_store *s, const tg_register *stored, const tg_register *incoming,
		       bool list_new, app_import_diff *d, tg_error *err)
{
	memset(d, 0, sizeof *d);
	for (int a = 0; a < ARR_COUNT; a++)
		for (size_t i = 0; i < incoming->t[a].count; i++)
			compare_row(stored, incoming, a, i, list_new, d);
	return s ? read_history(s, d, err) : TG_OK;
}

void app_import_diff_free(app_import_diff *d)
{
	for (size_t k = 0; k < d->n; k++) {
		app_diff_record *r = &d->records[k];
		for (size_t f = 0; f < r->n_fields; f++) {
			free(r->fields[f].before);
			free(r->fields[f].after);
		}
		free(r->fields);
		free(r->id);
		free(r->label);
	}
	free(d->records);
	memset(d, 0, sizeof *d);
}

/* ---- the operation ---- */

static const app_diff_record *first_newer(const app_import_diff *d)
{
	for (size_t k = 0; k < d->n; k++)
		if (d->records[k].newer_edit)
			return &d->records[k];
	return NULL;
}

int app_import(tg_store *s, const tg_user *actor, app_import_file *files, size_t n,
	       const app_import_opts *o, app_import_result *out, tg_error *err)
{
	memset(out, 0, sizeof *out);
	register_init(&out->incoming);
	tg_register stored, pool;
	register_init(&stored);
	register_init(&pool);
	loaded *ls = calloc(n ? n : 1, sizeof *ls);
	if (!ls)
		abort();
	int rc = store_load_register(s, &stored, err);
	for (size_t i = 0; rc == TG_OK && i < n; i++)
		read_file(&files[i], &ls[i], o->plan);
	/* All files form one bundle: each is checked with the others and the
	** stored register as the places references may point to. */
	if (rc == TG_OK) {
		register_merge(&pool, &stored);
		for (size_t i = 0; i < n; i++)
			register_merge(&pool, &ls[i].reg);
		for (size_t i = 0; i < n; i++) {
			check_file(&files[i], &ls[i], o->plan, &pool, &stored);
			out->n_errors += files[i].errs.total;
		}
		if (out->n_errors)
			rc = tg_error_set(err, TG_EINVAL, "import_invalid", "",
					  "共有 %zu 处错误，未写入任何数据", out->n_errors);
	}
	if (rc == TG_OK) {
		for (size_t i = 0; i < n; i++)
			register_merge(&out->incoming, &ls[i].reg);
		rc = app_import_compare(s, &stored, &out->incoming, o->dry_run, &out->diff, err);
	}
	const app_diff_record *newer = rc == TG_OK ? first_newer(&out->diff) : NULL;
	if (rc == TG_OK && !o->dry_run && newer && !o->confirm_overwrite)
		rc = tg_error_set(err, TG_EINVAL, "newer_edit", "confirm_overwrite",
				  "有 %zu 条记录在上次导入后已由他人修改，导入将覆盖这些修改"
				  "（第一条：%s“%s”，%s 于 %s 修改）；确认覆盖后再导入",
				  out->diff.n_newer, tg_schema[newer->array].zh, newer->label,
				  newer->edited_by, newer->edited_at);
	if (rc == TG_OK && !o->dry_run)
		rc = actor ? store_import_as(s, &out->incoming, actor->username, err)
			   : store_import(s, &out->incoming, err);
	if (rc == TG_OK && !o->dry_run && o->store_plan)
		rc = store_set_plan(s, o->plan->id, o->plan->json, o->plan->json_len, err);
	for (size_t i = 0; i < n; i++) {
		register_release(&ls[i].reg);
		sheet_origin_free(ls[i].origin);
	}
	free(ls);
	register_release(&pool);
	register_release(&stored);
	return rc;
}

void app_import_done(app_import_result *r)
{
	app_import_diff_free(&r->diff);
	register_release(&r->incoming);
}

/* ---- the answer ---- */

static void json_or_null(strbuf *o, const char *text)
{
	sb_adds(o, text ? text : "null");
}

void app_import_json(const app_import_result *r, bool with_diff, strbuf *o)
{
	const app_import_diff *d = &r->diff;
	size_t n = 0;
	sb_adds(o, "\"counts\": {");
	for (int a = 0; a < ARR_COUNT; a++)
		if (r->incoming.t[a].count)
			sb_addf(o, "%s\"%s\": %zu", n++ ? ", " : "", tg_schema[a].key,
				r->incoming.t[a].count);
	sb_adds(o, "}");
	if (!with_diff)
		return;
	sb_addf(o, ", \"diff\": {\"new\": %zu, \"changed\": %zu, \"unchanged\": %zu, "
		   "\"newer_edits\": %zu, \"records\": [",
		d->n_new, d->n_changed, d->n_unchanged, d->n_newer);
	for (size_t k = 0; k < d->n; k++) {
		const app_diff_record *x = &d->records[k];
		sb_addf(o, "%s{\"array\": \"%s\", \"id\": ", k ? ", " : "", tg_schema[x->array].key);
		sb_add_json_str(o, x->id);
		sb_add_json_member(o, ", \"label\": ", x->label);
		sb_addf(o, ", \"status\": \"%s\", \"newer_edit\": %s, \"edited_at\": ",
			x->is_new ? "new" : "changed", x->newer_edit ? "true" : "false");
		if (x->edited_at[0])
			sb_add_json_str(o, x->edited_at);
		else
			sb_adds(o, "null");
		sb_adds(o, ", \"edited_by\": ");
		if (x->edited_by[0])
			sb_add_json_str(o, x->edited_by);
		else
			sb_adds(o, "null");
		sb_adds(o, ", \"fields\": [");
		for (size_t f = 0; f < x->n_fields; f++) {
			sb_addf(o, "%s{\"field\": \"%s\", \"label\": ", f ? ", " : "",
				x->fields[f].field);
			sb_add_json_str(o, x->fields[f].label);
			sb_adds(o, ", \"before\": ");
			json_or_null(o, x->fields[f].before);
			sb_adds(o, ", \"after\": ");
			json_or_null(o, x->fields[f].after);
			sb_addc(o, '}');
		}
		sb_adds(o, "]}");
	}
	sb_adds(o, "]}");
}
