/*
** register.c: lifecycle, indexes and reference resolution of the in-memory
** register (see register.h).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register.h"

void register_init(tg_register *r)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena);
}

void register_release(tg_register *r)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		free(r->t[a].rows);
		idmap_free(&r->t[a].index);
	}
	arena_free(&r->arena);
	memset(r, 0, sizeof *r);
}

static void field_default(const tg_field *f, void *row)
{
	char *p = (char *)row + f->off;
	switch (f->type) {
	case FT_DATE:
		*(tg_date *)p = TG_DATE_NONE;
		break;
	case FT_ENUM:
		*(int8_t *)p = -1;
		break;
	case FT_REF:
		*(const char **)p = NULL;
		if (f->off_ix)
			*(tg_ix *)((char *)row + f->off_ix) = TG_IX_NONE;
		break;
	case FT_AREA:
		*(double *)p = f->required ? 0.0 : -1.0;
		break;
	case FT_OBJECT:
		for (const tg_field *s = f->sub; s->key; s++)
			field_default(s, row);
		/* The first sub-field marks presence: -1 means absent. */
		*(int8_t *)((char *)row + f->sub[0].off) = -1;
		break;
	default:
		break; /* zero: false, 0, NULL */
	}
}

void register_row_defaults(int a, void *row)
{
	memset(row, 0, tg_schema[a].size);
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		field_default(f, row);
	if (a == ARR_PERSONS)
		((tg_person *)row)->birth = TG_DATE_NONE;
}

void *register_append(tg_register *r, int a)
{
	tg_table *t = &r->t[a];
	size_t size = tg_schema[a].size;
	if (t->count == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 64;
		void *rows = realloc(t->rows, n * size);
		if (!rows) {
			fputs("tuogou: 内存不足\n", stderr);
			abort();
		}
		t->rows = rows;
		t->alloc = n;
	}
	void *row = (char *)t->rows + t->count * size;
	t->count++;
	register_row_defaults(a, row);
	return row;
}

void register_reserve(tg_register *r, int a, size_t n)
{
	tg_table *t = &r->t[a];
	if (n <= t->alloc)
		return;
	void *rows = realloc(t->rows, n * tg_schema[a].size);
	if (!rows) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	t->rows = rows;
	t->alloc = n;
}

const char *register_key(const tg_register *r, int a, size_t i)
{
	const void *row = register_row(r, a, i);
	if (a == ARR_ANNUAL_REPORTS)
		return ((const tg_annual_report *)row)->key;
	/* The key is the first field of every other record. */
	return *(const char *const *)row;
}

tg_ix register_find(const tg_register *r, int a, const char *key)
{
	assert(a >= 0 && a < ARR_COUNT);
	return idmap_get(&r->t[a].index, key);
}

static void annual_report_keys(tg_register *r)
{
	tg_annual_report *ar = REG_ROWS(r, ARR_ANNUAL_REPORTS, tg_annual_report);
	for (size_t i = 0; i < REG_COUNT(r, ARR_ANNUAL_REPORTS); i++)
		if (!ar[i].key)
			ar[i].key = arena_printf(&r->arena, "%s/%lld",
						 ar[i].association ? ar[i].association : "",
						 (long long)ar[i].year);
}

static void build_index(tg_register *r, int a, tg_errors *errs)
{
	tg_table *t = &r->t[a];
	idmap_free(&t->index);
	idmap_init(&t->index);
	idmap_reserve(&t->index, t->count);
	for (size_t i = 0; i < t->count; i++) {
		const char *key = register_key(r, a, i);
		if (!key)
			continue; /* reported as a missing id by the loader */
		uint32_t prev = idmap_put(&t->index, key, (uint32_t)i);
		if (prev != TG_IX_NONE && errs) {
			char path[96];
			if (a == ARR_ANNUAL_REPORTS) {
				snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, i);
				tg_errors_add(errs, "duplicate_id", path,
					      "同一协会同一年度的年度工作报告重复（与第%u条相同）",
					      prev + 1);
			} else {
				snprintf(path, sizeof path, "%s[%zu].%s", tg_schema[a].key, i,
					 tg_schema[a].fields[0].key);
				tg_errors_add(errs, "duplicate_id", path,
					      "编号“%s”重复（与%s[%u]相同）", key,
					      tg_schema[a].key, prev);
			}
		}
	}
}

static bool known_extra(const char *id, const char *const *extra, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(extra[i], id))
			return true;
	return false;
}

static void resolve_field(tg_register *r, int a, size_t i, const tg_field *f,
			  const char *const *extra, size_t n_extra, const tg_register *fallback,
			  tg_errors *errs)
{
	void *row = register_row(r, a, i);
	const char *ref = *(const char **)((char *)row + f->off);
	tg_ix ix = TG_IX_NONE;
	if (ref) {
		ix = register_find(r, f->target, ref);
		bool elsewhere = (f->target == ARR_BATCHES && known_extra(ref, extra, n_extra)) ||
				 (fallback && register_find(fallback, f->target, ref) != TG_IX_NONE);
		if (ix == TG_IX_NONE && !elsewhere && errs) {
			char path[128];
			snprintf(path, sizeof path, "%s[%zu].%s", tg_schema[a].key, i, f->key);
			tg_errors_add(errs, "dangling_ref", path, "引用的%s“%s”不存在",
				      tg_schema[f->target].zh, ref);
		}
	}
	/* register.h: a reference's *_ix is its record's position, or TG_IX_NONE */
	assert(ix == TG_IX_NONE || (ref && ix < r->t[f->target].count));
	if (f->off_ix)
		*(tg_ix *)((char *)row + f->off_ix) = ix;
}

void register_resolve_row(tg_register *r, int a, size_t i)
{
	if (a == ARR_ANNUAL_REPORTS) {
		tg_annual_report *ar = &REG_ROWS(r, ARR_ANNUAL_REPORTS, tg_annual_report)[i];
		if (!ar->key)
			ar->key = arena_printf(&r->arena, "%s/%lld",
					       ar->association ? ar->association : "",
					       (long long)ar->year);
	}
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (f->type == FT_REF)
			resolve_field(r, a, i, f, NULL, 0, NULL, NULL);
}

int register_resolve(tg_register *r, const char *const *extra_batches, size_t n_extra,
		     const tg_register *fallback, tg_errors *errs)
{
	size_t before = errs ? errs->total : 0;
	annual_report_keys(r);
	for (int a = 0; a < ARR_COUNT; a++)
		build_index(r, a, errs);
	for (int a = 0; a < ARR_COUNT; a++)
		for (const tg_field *f = tg_schema[a].fields; f->key; f++)
			if (f->type == FT_REF)
				for (size_t i = 0; i < r->t[a].count; i++)
					resolve_field(r, a, i, f, extra_batches, n_extra,
						      fallback, errs);
	return errs && errs->total > before ? TG_EINVAL : TG_OK;
}

void register_resolve_copied(tg_register *r, const tg_register *from,
			     const bool copied[ARR_COUNT])
{
	annual_report_keys(r);
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!copied[a]) {
			build_index(r, a, NULL);
			continue;
		}
		assert(r->t[a].count == from->t[a].count);
		if (r->t[a].rows == from->t[a].rows)
			continue; /* from's table itself, index and all */
		idmap_free(&r->t[a].index);
		idmap_init(&r->t[a].index);
		idmap_copy(&r->t[a].index, &from->t[a].index);
	}
	for (int a = 0; a < ARR_COUNT; a++)
		for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
			if (f->type != FT_REF)
				continue;
			assert(!copied[a] || copied[f->target]);
			for (size_t i = 0; !copied[a] && i < r->t[a].count; i++)
				resolve_field(r, a, i, f, NULL, 0, from, NULL);
		}
}

static void copy_strings(tg_register *dst, const tg_field *fields, void *row)
{
	for (const tg_field *f = fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			copy_strings(dst, f->sub, row);
			continue;
		}
		if (f->type == FT_KEY || f->type == FT_STR || f->type == FT_REF) {
			const char **p = (const char **)((char *)row + f->off);
			*p = arena_strdup(&dst->arena, *p);
		}
	}
}

void register_merge(tg_register *dst, const tg_register *src)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		size_t size = tg_schema[a].size;
		for (size_t i = 0; i < src->t[a].count; i++) {
			const void *srow = register_row(src, a, i);
			const char *key = register_key(src, a, i);
			tg_ix at = key ? register_find(dst, a, key) : TG_IX_NONE;
			void *drow;
			if (at == TG_IX_NONE) {
				drow = register_append(dst, a);
			} else {
				drow = register_row(dst, a, at);
			}
			memcpy(drow, srow, size);
			copy_strings(dst, tg_schema[a].fields, drow);
			if (a == ARR_ANNUAL_REPORTS)
				((tg_annual_report *)drow)->key = arena_strdup(&dst->arena, key);
			if (at == TG_IX_NONE && key)
				idmap_set(&dst->t[a].index, register_key(dst, a, dst->t[a].count - 1),
					  (uint32_t)(dst->t[a].count - 1));
		}
	}
}

struct keyed {
	const char *key;
	size_t i;
};

static int cmp_keyed(const void *x, const void *y)
{
	return strcmp(((const struct keyed *)x)->key, ((const struct keyed *)y)->key);
}

size_t *register_key_order(const tg_register *r, int a)
{
	size_t n = r->t[a].count;
	struct keyed *order = malloc((n ? n : 1) * sizeof *order);
	size_t *rows = malloc((n ? n : 1) * sizeof *rows);
	if (!order || !rows)
		abort();
	for (size_t i = 0; i < n; i++) {
		order[i].key = register_key(r, a, i);
		order[i].i = i;
		if (!order[i].key)
			order[i].key = "";
	}
	qsort(order, n, sizeof *order, cmp_keyed);
	for (size_t i = 0; i < n; i++)
		rows[i] = order[i].i;
	free(order);
	return rows;
}
