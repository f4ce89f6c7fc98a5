/*
** test_incremental.c: the incremental evaluation of rules.c against a full
** run.  assoc_rows_build (where each association's rows are) is checked
** against a scan of every array, and after each of many rounds of random
** writes to a few associations (their own fields, a record of theirs in
** any array that names one, a record moved from one to another) the
** findings spliced from the run before and rules_evaluate_only's run
** (with the arrays' indexes, and without: a scan) equal a full run, the
** exact list and the by-year one, finding for finding.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "rules.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next_random(void)
{
	return gen_xorshift(&rng);
}

/* The association reference of array a (every array that names one has
** exactly one), or NULL. */
static const tg_field *association_ref(int a)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (f->type == FT_REF && f->target == ARR_ASSOCIATIONS)
			return f;
	return NULL;
}

static tg_ix association_of(const tg_register *r, int a, size_t i)
{
	const tg_field *f = association_ref(a);
	return *(const tg_ix *)((const char *)register_row(r, a, i) + f->off_ix);
}

static void test_assoc_rows_match_scan(void **state)
{
	(void)state;
	tg_register r;
	register_init(&r);
	gen_register(&r, 11, 120);
	size_t na = REG_COUNT(&r, ARR_ASSOCIATIONS), arrays = 0;
	for (int a = 0; a < ARR_COUNT; a++) {
		if (a == ARR_ASSOCIATIONS || !association_ref(a))
			continue;
		tg_assoc_rows x;
		assoc_rows_build(&r, a, &x);
		assert_int_equal(x.n_assoc, na);
		assert_int_equal(x.n_rows, REG_COUNT(&r, a));
		/* bucket na: the rows naming none */
		for (size_t i = 0; i <= na; i++) {
			size_t k = x.start[i];
			for (size_t row = 0; row < REG_COUNT(&r, a); row++) {
				tg_ix of = association_of(&r, a, row);
				if ((i == na && of == TG_IX_NONE) || (i < na && of == (tg_ix)i)) {
					assert_true(k < x.start[i + 1]);
					assert_int_equal(x.rows[k], row);
					k++;
				}
			}
			assert_int_equal(k, x.start[i + 1]);
		}
		arrays += REG_COUNT(&r, a) > 0;
		assoc_rows_free(&x);
	}
	assert_true(arrays >= 10); /* the generator fills most arrays */
	/* the posts of the leading cadres with a retirement date, by person */
	tg_cadre_posts cp;
	cadre_posts_build(&r, &cp);
	const tg_person *ps = REG_ROWS(&r, ARR_PERSONS, tg_person);
	const tg_post *ts = REG_ROWS(&r, ARR_POSTS, tg_post);
	size_t c = 0, held = 0;
	for (size_t p = 0; p < REG_COUNT(&r, ARR_PERSONS); p++) {
		if (!ps[p].leading_cadre || ps[p].retired_on == TG_DATE_NONE)
			continue;
		assert_true(c < cp.n);
		assert_int_equal(cp.person[c], p);
		assert_int_equal(cp.retired_on[c], ps[p].retired_on);
		size_t k = cp.start[c];
		for (size_t row = 0; row < REG_COUNT(&r, ARR_POSTS); row++)
			if (ts[row].person_ix == (tg_ix)p) {
				assert_true(k < cp.start[c + 1]);
				assert_int_equal(cp.posts[k].association_ix, ts[row].association_ix);
				assert_int_equal(cp.posts[k].from, ts[row].from);
				assert_int_equal(cp.posts[k].to, ts[row].to);
				k++;
				held++;
			}
		assert_int_equal(k, cp.start[c + 1]);
		c++;
	}
	assert_int_equal(c, cp.n);
	assert_true(held > 0);
	cadre_posts_free(&cp);
	register_release(&r);
}

/* The places the records written reached, before and after each write,
** as the server notes them (tg_beyond_kept). */
typedef struct places {
	tg_place v[4096];
	size_t n;
} places;

static void note(places *pl, const tg_register *r, int a, size_t row)
{
	tg_place p[TG_ROW_PLACES_MAX];
	size_t k = rules_row_places(r, a, row, p);
	assert_true(pl->n + k <= sizeof pl->v / sizeof *pl->v);
	memcpy(pl->v + pl->n, p, k * sizeof *p);
	pl->n += k;
}

/* Another unit or person than *ix (of array a), both its key and index. */
static void repoint(const tg_register *r, int a, const char **key, tg_ix *ix)
{
	size_t n = REG_COUNT(r, a);
	tg_ix to = (tg_ix)(next_random() % n);
	*key = register_key(r, a, to);
	*ix = to;
}

/* What the server's delta does for a person written: the associations of
** its posts marked. */
static void mark_posts_of(const tg_register *r, tg_ix person, uint8_t *only)
{
	const tg_post *ts = REG_ROWS(r, ARR_POSTS, tg_post);
	for (size_t k = 0; k < REG_COUNT(r, ARR_POSTS); k++)
		if (ts[k].person_ix == person && ts[k].association_ix != TG_IX_NONE)
			only[ts[k].association_ix] = 1;
}

/* A write beyond association i's own records, reaching places: its unit
** changed, a post of it held by another person, or the person holding one
** changed (the associations of the person's posts marked in only).  False
** when i has no post to write. */
static bool write_beyond(tg_register *r, tg_ix i, places *pl, uint8_t *only)
{
	int kind = (int)(next_random() % 3);
	if (kind == 0) {
		tg_association *a = register_row(r, ARR_ASSOCIATIONS, i);
		note(pl, r, ARR_ASSOCIATIONS, i);
		repoint(r, ARR_UNITS, &a->unit, &a->unit_ix);
		note(pl, r, ARR_ASSOCIATIONS, i);
		return true;
	}
	tg_post *ts = REG_ROWS(r, ARR_POSTS, tg_post);
	for (size_t k = 0; k < REG_COUNT(r, ARR_POSTS); k++) {
		size_t row = (k + (size_t)next_random()) % REG_COUNT(r, ARR_POSTS);
		if (ts[row].association_ix != i || ts[row].person_ix == TG_IX_NONE)
			continue;
		if (kind == 1) {
			note(pl, r, ARR_POSTS, row);
			repoint(r, ARR_PERSONS, &ts[row].person, &ts[row].person_ix);
			note(pl, r, ARR_POSTS, row);
		} else {
			tg_ix p = ts[row].person_ix;
			mark_posts_of(r, p, only);
			note(pl, r, ARR_PERSONS, p);
			gen_mutate(register_row(r, ARR_PERSONS, p), ARR_PERSONS, next_random);
			note(pl, r, ARR_PERSONS, p);
			mark_posts_of(r, p, only);
		}
		return true;
	}
	return false;
}

/* A write to association i: one of its fields, or a record of its in a
** random array (a field changed, or the record moved to association to). */
static void write_to(tg_register *r, tg_ix i, tg_ix to, places *pl)
{
	if (next_random() % 3 == 0) {
		gen_mutate(register_row(r, ARR_ASSOCIATIONS, i), ARR_ASSOCIATIONS, next_random);
		return;
	}
	for (int tries = 0; tries < 20; tries++) {
		int a = (int)(next_random() % ARR_COUNT);
		const tg_field *f = a == ARR_ASSOCIATIONS ? NULL : association_ref(a);
		if (!f || !REG_COUNT(r, a))
			continue;
		for (size_t k = 0; k < REG_COUNT(r, a); k++) {
			size_t row = (k + (size_t)next_random()) % REG_COUNT(r, a);
			if (association_of(r, a, row) != i)
				continue;
			char *p = register_row(r, a, row);
			note(pl, r, a, row);
			if (next_random() % 4 == 0 && a != ARR_ANNUAL_REPORTS) { /* its key names it */
				*(const char **)(p + f->off) = register_key(r, ARR_ASSOCIATIONS, to);
				*(tg_ix *)(p + f->off_ix) = to;
			} else {
				gen_mutate(p, a, next_random);
			}
			note(pl, r, a, row);
			return;
		}
	}
}

static void assert_same(const tg_findings *x, const tg_findings *y, const char *what, int round)
{
	if (x->count != y->count)
		fprintf(stderr, "round %d, %s: %zu findings, a full run %zu\n", round, what, x->count,
			y->count);
	assert_int_equal(x->count, y->count);
	for (size_t i = 0; i < x->count; i++) {
		const tg_finding *f = &x->items[i], *g = &y->items[i];
		if (finding_cmp(f, g) || strcmp(f->message, g->message))
			fprintf(stderr, "round %d, %s, finding %zu: %s %s %s / %s %s %s\n", round, what,
				i, f->rule, f->association ? f->association : "-", f->message, g->rule,
				g->association ? g->association : "-", g->message);
		assert_int_equal(finding_cmp(f, g), 0);
		assert_string_equal(f->message, g->message);
		assert_int_equal(f->due, g->due);
	}
}

/* findings_share_strings on fresh against prev: each finding of fresh
** equal to one of prev then points at the first such one's strings, the
** others at copies, and fresh's arena holds the copies only.  Returns how
** many were shared. */
static size_t share_and_check(const tg_findings *prev, tg_findings *fresh)
{
	const tg_finding **same = calloc(fresh->count + 1, sizeof *same);
	assert_non_null(same);
	size_t n_same = 0, copied = 0;
	for (size_t i = 0; i < fresh->count; i++) {
		size_t lo = 0, hi = prev->count;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (finding_cmp(&prev->items[mid], &fresh->items[i]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < prev->count && !finding_cmp(&prev->items[lo], &fresh->items[i])) {
			same[i] = &prev->items[lo];
			n_same++;
		} else {
			copied += strlen(fresh->items[i].message) + 1;
		}
	}
	const tg_findings *near[] = {prev};
	findings_share_strings(near, 1, fresh);
	for (size_t i = 0; i < fresh->count; i++)
		if (same[i]) {
			assert_ptr_equal(fresh->items[i].message, same[i]->message);
			assert_ptr_equal(fresh->items[i].subject, same[i]->subject);
		}
	assert_true(fresh->arena.total >= copied);
	assert_true(n_same == fresh->count ? fresh->arena.total == 0 : fresh->arena.total > 0);
	free(same);
	return n_same;
}

/* n_rounds of writes, each followed by an incremental run checked against
** a full one: with the arrays' indexes or without (indexed), and with the
** findings of the rules that reach beyond one association kept from the
** run before (keep) or evaluated on the whole register. */
static void rounds(tg_date day, bool indexed, bool keep, int n_rounds)
{
	tg_register r;
	tg_plan *plan = gen_plan_and_register(&r, 3, 150);
	size_t na = REG_COUNT(&r, ARR_ASSOCIATIONS);
	/* half the units without a function list: function.list-missing
	** fires for each that has an association in scope, dated by them */
	for (size_t u = 0; u < REG_COUNT(&r, ARR_UNITS); u += 2)
		REG_ROWS(&r, ARR_UNITS, tg_unit)[u].function_list_on = TG_DATE_NONE;
	tg_findings prev, prev_years;
	assert_int_equal(rules_evaluate_with_years(&r, plan, calendar_default(), day, &prev,
						   &prev_years),
			 TG_OK);
	uint8_t *only = malloc(na);
	assert_non_null(only);
	int incremental = 0;
	size_t n_cadre_findings = 0, n_unit_findings = 0, shared = 0;
	/* the facts of the associations kept from round to round, as the
	** server keeps them from write to write */
	tg_facts_kept *facts = facts_kept_new();
	places *pl = malloc(sizeof *pl);
	assert_non_null(pl);
	int beyond_writes = 0;
	for (int round = 1; round <= n_rounds; round++) {
		memset(only, 0, na);
		pl->n = 0;
		tg_ix marked[4];
		int n = 1 + (int)(next_random() % 4);
		for (int k = 0; k < n; k++) {
			marked[k] = (tg_ix)(next_random() % na);
			only[marked[k]] = 1;
		}
		for (int k = 0; k < n; k++) {
			write_to(&r, marked[k], marked[next_random() % (uint64_t)n], pl);
			if (next_random() % 2)
				beyond_writes += write_beyond(&r, marked[k], pl, only);
		}
		const tg_beyond_kept kept = {pl->v, pl->n};
		tg_reached reached;
		tg_assoc_rows x[ARR_COUNT];
		tg_cadre_posts cadres;
		tg_eval_index ix = {0};
		for (int a = 0; indexed && a < ARR_COUNT; a++)
			if (a != ARR_ASSOCIATIONS && association_ref(a)) {
				assoc_rows_build(&r, a, &x[a]);
				ix.by_assoc[a] = &x[a];
			}
		if (indexed) {
			cadre_posts_build(&r, &cadres);
			ix.cadre_posts = &cadres;
		}
		tg_findings full, full_years, fresh, fresh_years;
		assert_int_equal(rules_evaluate_with_years(&r, plan, calendar_default(), day, &full,
							   &full_years),
				 TG_OK);
		for (size_t i = 0; i < full.count; i++) {
			n_cadre_findings +=
				!strcmp(full.items[i].rule, "personnel.retired-cadre-multiple-posts");
			n_unit_findings += !strcmp(full.items[i].rule, "function.list-missing");
		}
		int rc = rules_evaluate_only(&r, plan, calendar_default(), day, only, &ix,
					     indexed ? facts : NULL, keep ? &kept : NULL, &reached,
					     &fresh, &fresh_years);
		assert_true(rc == TG_OK || rc == RULES_RUN_IN_FULL);
		if (rc == TG_OK) {
			/* on the indexed rounds, the strings of what the run
			** gave again are the ones kept (the splice below then
			** checks what they say) */
			if (indexed)
				shared += share_and_check(&prev, &fresh);
			tg_findings spliced, spliced_years;
			assert_true(reached.all == !keep);
			findings_splice(&prev, &fresh, &r, only, &reached, &spliced);
			findings_splice(&prev_years, &fresh_years, &r, only, &reached,
					&spliced_years);
			rules_reached_free(&reached);
			assert_same(&spliced, &full, "exact", round);
			assert_same(&spliced_years, &full_years, "by year", round);
			free(spliced.items);
			free(spliced_years.items);
			findings_release(&fresh);
			findings_release(&fresh_years);
			incremental++;
		}
		for (int a = 0; a < ARR_COUNT; a++)
			if (ix.by_assoc[a])
				assoc_rows_free(&x[a]);
		if (indexed)
			cadre_posts_free(&cadres);
		findings_release(&prev);
		findings_release(&prev_years);
		prev = full;
		prev_years = full_years;
	}
	assert_true(incremental > n_rounds / 2); /* the runs were not all in full */
	assert_true(beyond_writes > n_rounds / 4); /* units, posts' persons, persons written */
	free(pl);
	facts_kept_free(facts);
	assert_true(n_cadre_findings > 0); /* the retired cadres' posts were counted */
	assert_true(n_unit_findings > 0); /* the units' function lists were looked at */
	assert_true(!indexed || shared > (size_t)n_rounds); /* every run gives some again */
	findings_release(&prev);
	findings_release(&prev_years);
	free(only);
	register_release(&r);
	plan_free(plan);
}

static void test_indexed_end_of_reform(void **state)
{
	(void)state;
	rounds(date_from_ymd(2020, 12, 31), true, true, 120);
}

static void test_indexed_mid_reform(void **state)
{
	(void)state;
	rounds(date_from_ymd(2018, 6, 30), true, true, 120);
}

/* A unit's function.list-missing finding follows its associations' facts
** though no record naming the unit was written (no place noted): every
** association of a unit without its list deregistered, the finding goes. */
static void test_unit_follows_its_associations(void **state)
{
	(void)state;
	tg_register r;
	tg_plan *plan = gen_plan_and_register(&r, 5, 150);
	tg_unit *us = REG_ROWS(&r, ARR_UNITS, tg_unit);
	for (size_t u = 0; u < REG_COUNT(&r, ARR_UNITS); u++)
		us[u].function_list_on = TG_DATE_NONE;
	tg_date day = date_from_ymd(2020, 12, 31);
	tg_findings prev, full, fresh, spliced;
	assert_int_equal(rules_evaluate(&r, plan, calendar_default(), day, &prev), TG_OK);
	const char *unit = NULL;
	for (size_t i = 0; !unit && i < prev.count; i++)
		if (!strcmp(prev.items[i].rule, "function.list-missing"))
			unit = prev.items[i].subject;
	assert_non_null(unit);
	tg_ix u = register_find(&r, ARR_UNITS, unit);
	size_t na = REG_COUNT(&r, ARR_ASSOCIATIONS);
	uint8_t *only = calloc(na, 1);
	assert_non_null(only);
	tg_association *as = REG_ROWS(&r, ARR_ASSOCIATIONS, tg_association);
	for (size_t a = 0; a < na; a++)
		if (as[a].unit_ix == u) {
			as[a].registered_on = date_from_ymd(2010, 1, 1);
			as[a].deregistered_on = date_from_ymd(2016, 1, 1);
			only[a] = 1;
		}
	const tg_beyond_kept kept = {NULL, 0};
	const tg_eval_index ix = {0};
	tg_reached reached;
	assert_int_equal(rules_evaluate_only(&r, plan, calendar_default(), day, only, &ix, NULL,
					     &kept, &reached, &fresh, NULL),
			 TG_OK);
	assert_int_equal(rules_evaluate(&r, plan, calendar_default(), day, &full), TG_OK);
	for (size_t i = 0; i < full.count; i++)
		assert_false(full.items[i].subject && !strcmp(full.items[i].subject, unit) &&
			     !strcmp(full.items[i].rule, "function.list-missing"));
	findings_splice(&prev, &fresh, &r, only, &reached, &spliced);
	assert_same(&spliced, &full, "exact", 1);
	free(spliced.items);
	rules_reached_free(&reached);
	free(only);
	findings_release(&fresh);
	findings_release(&full);
	findings_release(&prev);
	register_release(&r);
	plan_free(plan);
}

/* The rules reaching beyond one association run on the whole register
** (no findings kept), as after a full run with nothing before. */
static void test_indexed_whole_beyond(void **state)
{
	(void)state;
	rounds(date_from_ymd(2020, 12, 31), true, false, 60);
}

static void test_scanned(void **state)
{
	(void)state;
	rounds(date_from_ymd(2020, 12, 31), false, true, 80);
}

/* tg_mask_next against a byte-by-byte search: masks of every length up
** to 70, marks sparse and dense, values other than 1, from every start. */
static void test_mask_next(void **state)
{
	(void)state;
	uint8_t m[80];
	for (size_t n = 0; n <= 70; n++)
		for (int round = 0; round < 40; round++) {
			unsigned density = 1 + (unsigned)(next_random() % 40);
			for (size_t i = 0; i < n; i++)
				m[i] = next_random() % density ? 0 : (uint8_t)(1 + next_random() % 255);
			for (size_t from = 0; from <= n; from++) {
				size_t want = from;
				while (want < n && !m[want])
					want++;
				assert_int_equal(tg_mask_next(m, from, n), want);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_next),
		cmocka_unit_test(test_assoc_rows_match_scan),
		cmocka_unit_test(test_indexed_whole_beyond),
		cmocka_unit_test(test_unit_follows_its_associations),
		cmocka_unit_test(test_indexed_end_of_reform),
		cmocka_unit_test(test_indexed_mid_reform),
		cmocka_unit_test(test_scanned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
