/*
** test_dashboard_kept.c: the dashboard kept by difference (progress.c,
** dashboard_kept_*) against the dashboard made afresh (dashboard_compute
** and dashboard_deadlines, as the handler made it before): after each of
** many rounds of random changes to a few associations (a date, a flag, an
** enumeration, the supervising unit), the kept dashboard, told only which
** associations changed and given their findings and those naming no
** association, answers the same JSON byte for byte, with no filter and
** with a unit's.  The register is large enough that the deadline lists
** hold more findings than their kept candidates (64, and in one test as
** few as a view shows), and the rounds move the first association of units
** out of them.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dashboard.h"
#include "gen.h"
#include "progress.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void)
{
	return gen_xorshift(&rng);
}

static char *answer(const tg_dashboard *d, const tg_findings *fs, const tg_plan *plan)
{
	strbuf sb;
	sb_init(&sb);
	dashboard_write_json(d, fs, plan, NULL, &sb);
	dashboard_write_units_json(d, NULL, &sb); /* every unit's row compared too */
	return sb_detach(&sb, NULL);
}

static char *fresh_json(const tg_register *r, const tg_plan *plan, const tg_findings *fs, tg_ix unit)
{
	tg_dashboard d;
	dashboard_compute(r, plan, fs, unit, NULL, &d);
	dashboard_deadlines(r, fs, unit, NULL, &d);
	char *json = answer(&d, fs, plan);
	dashboard_release(&d);
	return json;
}

static char *kept_json(const tg_dashboard_kept *k, const tg_register *r, const tg_plan *plan,
		       const tg_findings *fs)
{
	tg_dashboard d;
	dashboard_kept_view(k, r, plan, &d);
	char *json = answer(&d, fs, plan);
	dashboard_release(&d);
	return json;
}

/* Change association i at random: one of its dates moved or cleared, a
** flag flipped, an enumeration set (gen_mutate), or (one time in three)
** another supervising unit. */
static void mutate(tg_register *r, tg_ix i)
{
	tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[i];
	if (next_random() % 3 == 0 && REG_COUNT(r, ARR_UNITS)) {
		tg_ix u = (tg_ix)(next_random() % REG_COUNT(r, ARR_UNITS));
		a->unit = register_key(r, ARR_UNITS, u);
		a->unit_ix = u;
		return;
	}
	gen_mutate(a, ARR_ASSOCIATIONS, next_random);
}

static const tg_findings *all_of(void *ctx)
{
	return ctx;
}

static int cmp_finding(const void *x, const void *y)
{
	return finding_cmp(x, y);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Whether f is in fs (sorted). */
static bool has(const tg_findings *fs, const tg_finding *f)
{
	return fs->count && bsearch(f, fs->items, fs->count, sizeof *f, cmp_finding) != NULL;
}

static void reach(tg_reached *rd, const tg_finding *f)
{
	int p = rules_finding_place(f);
	if (p < 0 || !f->subject)
		return;
	rd->keys[p] = realloc(rd->keys[p], (rd->n[p] + 1) * sizeof *rd->keys[p]);
	assert_non_null(rd->keys[p]);
	rd->keys[p][rd->n[p]++] = strdup(f->subject);
}

/* The places a run after the write from before to now would reach, as
** rules_evaluate_only says them: every place whose findings changed, and
** about a third of the others. */
static void reached_of(const tg_findings *before, const tg_findings *now, tg_reached *rd)
{
	memset(rd, 0, sizeof *rd);
	const tg_findings *both[] = {before, now};
	for (int w = 0; w < 2; w++)
		for (size_t i = 0; i < both[w]->count; i++) {
			const tg_finding *f = &both[w]->items[i];
			if (!has(both[1 - w], f) || next_random() % 3 == 0)
				reach(rd, f);
		}
	for (int p = 0; p < ARR_COUNT; p++) { /* strcmp order, each key once */
		if (!rd->n[p])
			continue;
		qsort(rd->keys[p], rd->n[p], sizeof *rd->keys[p], cmp_str);
		size_t n = 0;
		for (size_t k = 0; k < rd->n[p]; k++)
			if (n && !strcmp(rd->keys[p][n - 1], rd->keys[p][k]))
				free(rd->keys[p][k]);
			else
				rd->keys[p][n++] = rd->keys[p][k];
		rd->n[p] = n;
	}
}

/* places: the run after a write gives the findings of the places it
** reached only (the unit's, the persons' ...), as the server's does; else
** every finding naming no association. */
static void rounds(tg_date day, size_t n_assoc, int n_rounds, bool places)
{
	size_t n_placed = 0;
	tg_register r;
	tg_plan *plan = gen_plan_and_register(&r, 5, n_assoc);
	size_t na = REG_COUNT(&r, ARR_ASSOCIATIONS);
	tg_findings *runs = calloc((size_t)n_rounds + 1, sizeof *runs);
	assert_non_null(runs);
	assert_int_equal(rules_evaluate(&r, plan, calendar_default(), day, &runs[0]), TG_OK);
	/* no filter, and a unit's (one of several) */
	assert_true(REG_COUNT(&r, ARR_UNITS) >= 3);
	tg_ix filters[] = {TG_IX_NONE, (tg_ix)(REG_COUNT(&r, ARR_UNITS) / 2)};
	tg_dashboard_kept *kept[2];
	for (int k = 0; k < 2; k++) {
		kept[k] = dashboard_kept_new(&r, plan, &runs[0], filters[k], NULL);
		char *a = kept_json(kept[k], &r, plan, &runs[0]), *b = fresh_json(&r, plan, &runs[0], filters[k]);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	uint8_t *only = malloc(na);
	assert_non_null(only);
	for (int round = 1; round <= n_rounds; round++) {
		memset(only, 0, na);
		int n = 1 + (int)(next_random() % 4);
		for (int i = 0; i < n; i++) {
			/* the first associations now and then: each unit's first */
			tg_ix a = (tg_ix)(next_random() % (next_random() % 4 ? na : 40));
			mutate(&r, a);
			only[a] = 1;
		}
		tg_findings *fs = &runs[round];
		assert_int_equal(rules_evaluate(&r, plan, calendar_default(), day, fs), TG_OK);
		/* what rules_evaluate_only gives: the marked associations'
		** findings and those naming no association (of the places
		** reached only, when places) */
		tg_reached rd;
		if (places)
			reached_of(&runs[round - 1], fs, &rd);
		tg_findings fresh = *fs;
		fresh.items = malloc((fs->count ? fs->count : 1) * sizeof *fresh.items);
		assert_non_null(fresh.items);
		fresh.count = 0;
		for (size_t i = 0; i < fs->count; i++) {
			const tg_finding *f = &fs->items[i];
			tg_ix a = f->association ? register_find(&r, ARR_ASSOCIATIONS, f->association)
						 : TG_IX_NONE;
			n_placed += a == TG_IX_NONE && rules_finding_place(f) >= 0;
			if (a == TG_IX_NONE && places && !rules_reached_finding(&rd, f))
				continue;
			if (a == TG_IX_NONE || only[a])
				fresh.items[fresh.count++] = *f;
		}
		for (int k = 0; k < 2; k++) {
			assert_true(dashboard_kept_update(kept[k], &r, plan, &fresh, only,
							  places ? &rd : NULL, all_of, fs));
			char *a = kept_json(kept[k], &r, plan, fs), *b = fresh_json(&r, plan, fs, filters[k]);
			if (strcmp(a, b))
				fprintf(stderr, "round %d, filter %d:\n--- kept\n%s\n--- fresh\n%s\n", round,
					k, a, b);
			assert_string_equal(a, b);
			free(a);
			free(b);
		}
		free(fresh.items);
		if (places)
			rules_reached_free(&rd);
	}
	assert_true(n_placed > 0); /* units without their function list, ... */
	for (int k = 0; k < 2; k++)
		dashboard_kept_free(kept[k]);
	for (int i = 0; i <= n_rounds; i++)
		findings_release(&runs[i]);
	free(runs);
	free(only);
	register_release(&r);
	plan_free(plan);
}

static void test_end_of_reform(void **state)
{
	(void)state;
	rounds(date_from_ymd(2020, 12, 31), 300, 300, false);
	rounds(date_from_ymd(2020, 12, 31), 300, 300, true);
}

static void test_mid_reform(void **state)
{
	(void)state;
	rounds(date_from_ymd(2018, 6, 30), 300, 200, true);
}

/* As few candidates as a view shows: each write that takes one away runs
** the lists to their end (taken afresh) or past what was kept. */
static void test_short_lists(void **state)
{
	(void)state;
	dashboard_kept_candidates(DASHBOARD_DEADLINES);
	rounds(date_from_ymd(2020, 12, 31), 300, 200, true);
	rounds(date_from_ymd(2018, 6, 30), 300, 200, false);
	dashboard_kept_candidates(64);
}

/* The dashboard's answer names the DASHBOARD_UNITS units with the most
** associations in scope, ties in the dashboard's order, and how many rows
** there are; GET /api/v1/dashboard/units every row.  Checked against a
** plain sort of the rows by the same order. */
static int by_in_scope(const void *x, const void *y)
{
	const tg_dashboard_row *a = *(const tg_dashboard_row *const *)x,
			       *b = *(const tg_dashboard_row *const *)y;
	if (a->in_scope != b->in_scope)
		return a->in_scope > b->in_scope ? -1 : 1;
	return a < b ? -1 : a > b; /* the rows' own order */
}

static void top_units_of(size_t n_rows, unsigned spread)
{
	tg_register r;
	tg_plan *plan = gen_plan_and_register(&r, 3, 10);
	tg_dashboard d;
	memset(&d, 0, sizeof d);
	arena_init(&d.arena);
	d.as_of = date_from_ymd(2020, 12, 31);
	d.by_unit = calloc(n_rows ? n_rows : 1, sizeof *d.by_unit);
	assert_non_null(d.by_unit);
	d.n_unit = n_rows;
	const tg_dashboard_row **order = calloc(n_rows ? n_rows : 1, sizeof *order);
	assert_non_null(order);
	for (size_t i = 0; i < n_rows; i++) {
		char id[32];
		snprintf(id, sizeof id, "U%03zu", i);
		d.by_unit[i].id = arena_strdup(&d.arena, id);
		d.by_unit[i].name = d.by_unit[i].id;
		d.by_unit[i].in_scope = (size_t)(next_random() % spread);
		order[i] = &d.by_unit[i];
	}
	qsort(order, n_rows, sizeof *order, by_in_scope);
	tg_findings none;
	memset(&none, 0, sizeof none);
	char *text = answer(&d, &none, plan);
	/* the two answers, one after the other */
	json_error_t err;
	json_t *dash = json_loadb(text, strlen(text), JSON_DISABLE_EOF_CHECK, &err);
	assert_non_null(dash);
	size_t n_expect = n_rows < DASHBOARD_UNITS ? n_rows : DASHBOARD_UNITS;
	json_t *rows = json_object_get(dash, "by_unit");
	assert_int_equal(json_array_size(rows), n_expect);
	assert_int_equal(json_integer_value(json_object_get(dash, "units_total")), n_rows);
	for (size_t i = 0; i < n_expect; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, i), "unit")),
				    order[i]->id);
	const char *second = strstr(text, "}\n{");
	assert_non_null(second);
	json_t *all = json_loads(second + 2, 0, &err);
	assert_non_null(all);
	assert_int_equal(json_integer_value(json_object_get(all, "total")), n_rows);
	rows = json_object_get(all, "by_unit");
	assert_int_equal(json_array_size(rows), n_rows);
	for (size_t i = 0; i < n_rows; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, i), "unit")),
				    d.by_unit[i].id);
	json_decref(dash);
	json_decref(all);
	free(text);
	free(order);
	free(d.by_unit); /* not the arena's, as dashboard_compute's are */
	dashboard_release(&d);
	register_release(&r);
	plan_free(plan);
}

static void test_top_units(void **state)
{
	(void)state;
	top_units_of(0, 5);
	top_units_of(7, 5);
	top_units_of(20, 3);
	top_units_of(21, 1000);
	top_units_of(300, 4);   /* ties across the cut */
	top_units_of(2000, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_end_of_reform),
		cmocka_unit_test(test_mid_reform),
		cmocka_unit_test(test_short_lists),
		cmocka_unit_test(test_top_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
