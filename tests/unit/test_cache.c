/*
** test_cache.c: the server's findings cache (src/http/cache.c) against a
** full evaluation: each (generation, date) is evaluated once and kept; at
** most CACHE_MAX_DATES dates are kept, today's over the others; a write
** through another connection (a second server on the same database) makes
** every cache evaluate again, and what it then serves equals
** rules_evaluate on the register loaded afresh, byte for byte; after random
** sequences of record writes through either connection (fourteen kinds of
** record the API writes, persons too, and new posts) the caches make
** each register from the last and the writes (no whole load), and still
** serve exactly what a full check gives; and the dashboards kept with the
** findings (updated by difference after each write) equal the dashboard
** made afresh on the same findings, for three kinds of viewer.  On PostgreSQL when
** TUOGOU_TEST_PG_URL is set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dashboard.h"
#include "gen.h"
#include "progress.h"
#include "scratch.h"
#include "store.h"

static scratch_store sc;
static tg_user viewers[3];
static void viewers_init(const tg_register *r);
static tg_store *s1, *s2; /* two servers' connections to one database */
static tg_plan *plan;

static void import_generated(tg_store *s, uint64_t seed)
{
	tg_register r;
	register_init(&r);
	gen_register(&r, seed, 40);
	tg_error e;
	assert_int_equal(store_import(s, &r, &e), TG_OK);
	register_release(&r);
}

static int setup(void **state)
{
	(void)state;
	tg_error e;
	tg_errors errs = {0};
	s1 = scratch_open(&sc);
	if (!s1 || store_open(sc.url, &s2, &e) != TG_OK)
		return -1;
	if (plan_load_default(&plan, &errs) != TG_OK)
		return -1;
	import_generated(s1, 11);
	tg_register r;
	register_init(&r);
	if (store_load_register(s1, &r, &e) != TG_OK)
		return -1;
	viewers_init(&r);
	register_release(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	plan_free(plan);
	store_close(s1);
	store_close(s2);
	scratch_end(&sc);
	return 0;
}

static char *json_of(const tg_findings *fs)
{
	strbuf sb;
	sb_init(&sb);
	findings_write_json(fs, &sb);
	return sb_detach(&sb, NULL);
}

/* The findings as of d of the register in the store now, evaluated afresh. */
static char *full_check(tg_store *s, tg_date d)
{
	tg_register r;
	register_init(&r);
	tg_error e;
	assert_int_equal(store_load_register(s, &r, &e), TG_OK);
	tg_findings fs;
	assert_int_equal(rules_evaluate(&r, plan, calendar_default(), d, &fs), TG_OK);
	char *json = json_of(&fs);
	findings_release(&fs);
	register_release(&r);
	return json;
}

/* The findings as of d through the cache, as JSON. */
static char *cached(findings_cache *c, tg_store *s, tg_date d)
{
	cache_view v;
	tg_error e;
	assert_int_equal(cache_get(c, s, plan, d, &v, &e), TG_OK);
	assert_int_equal(v.fs->as_of, d);
	char *json = json_of(v.fs);
	cache_put(c, &v);
	return json;
}

static uint64_t evaluations(findings_cache *c)
{
	cache_counts n;
	cache_stats(c, &n);
	return n.evaluations;
}

/* A date is evaluated once and then served as kept, the same bytes as a
** full check. */
static void test_once_per_date(void **state)
{
	(void)state;
	findings_cache *c = cache_new();
	tg_date d = date_from_ymd(2019, 6, 30);
	char *a = cached(c, s1, d);
	assert_int_equal(evaluations(c), 1);
	char *b = cached(c, s1, d);
	assert_int_equal(evaluations(c), 1);
	assert_string_equal(a, b);
	char *full = full_check(s1, d);
	assert_string_equal(a, full);
	free(a);
	free(b);
	free(full);
	cache_free(c);
}

/* More dates than the bound: at most CACHE_MAX_DATES kept, the least
** recently used given up first, today's never while others are there. */
static void test_bounded_today_kept(void **state)
{
	(void)state;
	findings_cache *c = cache_new();
	tg_date today = date_today();
	free(cached(c, s1, today));
	tg_date d0 = date_from_ymd(2017, 1, 31);
	for (int i = 0; i < 3 * CACHE_MAX_DATES; i++) {
		free(cached(c, s1, d0 + 30 * i));
		cache_counts n;
		cache_stats(c, &n);
		assert_true(n.dates <= CACHE_MAX_DATES);
	}
	uint64_t before = evaluations(c);
	assert_int_equal(before, 1 + 3 * CACHE_MAX_DATES);
	/* today: still kept, though the least recently used of all */
	free(cached(c, s1, today));
	assert_int_equal(evaluations(c), before);
	/* the last date asked: kept; the first: given up, evaluated again */
	free(cached(c, s1, d0 + 30 * (3 * CACHE_MAX_DATES - 1)));
	assert_int_equal(evaluations(c), before);
	free(cached(c, s1, d0));
	assert_int_equal(evaluations(c), before + 1);
	cache_free(c);
}

/* Two servers on one database: a write through one (an import of changed
** records) is seen by the other's cache at its next request, which then
** serves the findings of the new register, equal to a full check. */
static void test_two_servers_see_writes(void **state)
{
	(void)state;
	findings_cache *c1 = cache_new(), *c2 = cache_new();
	tg_date d = date_from_ymd(2020, 12, 31);
	char *before1 = cached(c1, s1, d), *before2 = cached(c2, s2, d);
	assert_string_equal(before1, before2);
	uint64_t n1 = evaluations(c1), n2 = evaluations(c2);

	import_generated(s2, 12); /* the same associations, other contents */
	char *after1 = cached(c1, s1, d), *after2 = cached(c2, s2, d);
	assert_int_equal(evaluations(c1), n1 + 1);
	assert_int_equal(evaluations(c2), n2 + 1);
	char *full = full_check(s1, d);
	assert_string_not_equal(before1, full); /* the write changed findings */
	assert_string_equal(after1, full);
	assert_string_equal(after2, full);
	/* and nothing changed since: both keep what they have */
	free(cached(c1, s1, d));
	free(cached(c2, s2, d));
	assert_int_equal(evaluations(c1), n1 + 1);
	assert_int_equal(evaluations(c2), n2 + 1);
	free(before1);
	free(before2);
	free(after1);
	free(after2);
	free(full);
	cache_free(c1);
	cache_free(c2);
}

/* ---- dashboards ---- */

/* The viewers whose dashboards are compared: the office (every finding
** exact, no filter), a unit's account (its unit's findings, the birth
** dates of its own staff exact) and a department (every birth date
** withheld: the findings by the year). */
static void viewers_init(const tg_register *r)
{
	memset(viewers, 0, sizeof viewers);
	strcpy(viewers[0].role, "office");
	strcpy(viewers[1].role, "unit");
	assert_true(REG_COUNT(r, ARR_UNITS) > 0);
	snprintf(viewers[1].unit, sizeof viewers[1].unit, "%s",
		 register_key(r, ARR_UNITS, REG_COUNT(r, ARR_UNITS) / 2));
	strcpy(viewers[2].role, "department");
}

static tg_ix viewer_filter(const tg_user *u, const tg_register *r)
{
	return strcmp(u->role, "unit") ? TG_IX_NONE : register_find(r, ARR_UNITS, u->unit);
}

/* The dashboard as of d for u through the cache (kept, or updated by
** difference after a write), and made afresh on the same findings
** (dashboard_compute and dashboard_deadlines, as the handler did before it
** kept them): both as the JSON the API answers. */
static void dashboards(findings_cache *c, tg_store *s, tg_date d, const tg_user *u,
		       char **kept, char **fresh)
{
	cache_view v;
	tg_error e;
	assert_int_equal(cache_get(c, s, plan, d, &v, &e), TG_OK);
	tg_ix unit = viewer_filter(u, v.reg);
	strbuf sb;
	sb_init(&sb);
	cache_dashboard(c, &v, u, unit, NULL, &sb);
	*kept = sb_detach(&sb, NULL);
	cache_view_for(u, &v);
	tg_dashboard dash;
	dashboard_compute(v.reg, plan, v.fs, unit, NULL, &dash);
	dashboard_deadlines(v.reg, v.fs, unit, NULL, &dash);
	sb_init(&sb);
	dashboard_write_json(&dash, v.fs, plan, NULL, &sb);
	*fresh = sb_detach(&sb, NULL);
	dashboard_release(&dash);
	cache_put(c, &v);
}

static void check_dashboards(findings_cache *c, tg_store *s, tg_date d)
{
	for (size_t i = 0; i < sizeof viewers / sizeof *viewers; i++) {
		char *kept, *fresh;
		dashboards(c, s, d, &viewers[i], &kept, &fresh);
		if (strcmp(kept, fresh))
			fprintf(stderr, "dashboard of %s %s differs:\n--- kept\n%s\n--- fresh\n%s\n",
				viewers[i].role, viewers[i].unit, kept, fresh);
		assert_string_equal(kept, fresh);
		free(kept);
		free(fresh);
	}
}

/* ---- random writes ---- */

static uint64_t rng = 88172645463325252ull;
static uint64_t next_random(void)
{
	return gen_xorshift(&rng);
}

/* Change one field of row 0 of w (of array a) at random (gen_mutate). */
static void mutate(tg_register *w, int a)
{
	gen_mutate(register_row(w, a, 0), a, next_random);
}

/* One random write through s: a record of a random array changed, or a
** new post (a copy of one under a new id).  Returns whether the store took
** it (a change its checks refuse is no write). */
static const int all_arrays[] = {ARR_ASSOCIATIONS, ARR_UNITS, ARR_PERSONS, ARR_POSTS, ARR_STAFF,
				 ARR_PREMISES, ARR_ASSETS, ARR_APPROPRIATIONS, ARR_FUNCTIONS,
				 ARR_UNIT_TASKS, ARR_ELECTIONS, ARR_ANNUAL_REPORTS,
				 ARR_FOREIGN_APPROVALS, ARR_CREDIT_LISTINGS, 0};
/* The arrays whose writes reach a few associations only (no unit, task or
** batch, which re-evaluate all): every later run is incremental. */
static const int local_arrays[] = {ARR_PERSONS, ARR_POSTS, ARR_PERSONS, ARR_POSTS, ARR_ASSOCIATIONS,
				   ARR_STAFF, ARR_PREMISES, ARR_ELECTIONS, ARR_ANNUAL_REPORTS, 0};

/* Row 0 of w (of array a) moved to another association, or a post given
** to another person: a write that reaches the association it leaves too
** (the incremental evaluation must re-evaluate both).  Returns false when
** a has no such reference. */
static bool move(tg_register *w, int a, const tg_register *now)
{
	char *row = register_row(w, a, 0);
	if (a == ARR_ANNUAL_REPORTS)
		return false; /* its key is its association's and year: a new record */
	if (a == ARR_POSTS && next_random() % 2) {
		((tg_post *)row)->person =
			register_key(now, ARR_PERSONS, next_random() % REG_COUNT(now, ARR_PERSONS));
		return true;
	}
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (f->type == FT_REF && f->target == ARR_ASSOCIATIONS) {
			*(const char **)(row + f->off) = register_key(
				now, ARR_ASSOCIATIONS, next_random() % REG_COUNT(now, ARR_ASSOCIATIONS));
			return true;
		}
	return false;
}

static bool random_write(tg_store *s, const tg_register *now, int serial, const int *arrays)
{
	size_t n_arrays = 0;
	while (arrays[n_arrays])
		n_arrays++;
	int a = arrays[next_random() % n_arrays];
	if (!REG_COUNT(now, a))
		return false;
	const char *key = register_key(now, a, next_random() % REG_COUNT(now, a));
	tg_register w;
	register_init(&w);
	int64_t version = 0, after = 0;
	tg_error e;
	assert_int_equal(store_record_get(s, a, key, &w, &version, &e), TG_OK);
	bool create = a == ARR_POSTS && next_random() % 3 == 0;
	if (create) {
		char id[32];
		snprintf(id, sizeof id, "rw-%ld-%d", (long)(rng % 100000), serial);
		((tg_post *)register_row(&w, a, 0))->id = arena_strdup(&w.arena, id);
	}
	if (next_random() % 2 || !move(&w, a, now))
		mutate(&w, a);
	int rc = store_record_write(s, a, &w, 0, create, create ? 0 : version, "test", NULL, &after, &e);
	register_release(&w);
	if (getenv("TEST_CACHE_VERBOSE"))
		fprintf(stderr, "write %s %s: %d %s\n", tg_schema[a].key, key, rc, rc ? e.message : "");
	return rc == TG_OK;
}

/* One to three random writes through either server (serials from
** serial on); returns the writes taken. */
static int round_of_writes(int serial, const int *arrays)
{
	tg_register now;
	register_init(&now);
	tg_error e;
	assert_int_equal(store_load_register(s1, &now, &e), TG_OK);
	int k = 1 + (int)(next_random() % 3), writes = 0;
	for (int i = 0; i < k; i++)
		writes += random_write(next_random() % 2 ? s1 : s2, &now, serial + i, arrays);
	register_release(&now);
	return writes;
}

/* Random writes through either of two servers, then each server's
** findings of two dates against a full check; returns the writes taken. */
static int write_rounds(findings_cache *c1, findings_cache *c2, int rounds, const int *arrays)
{
	tg_date d = date_from_ymd(2020, 12, 31), d2 = date_from_ymd(2018, 6, 30);
	int writes = 0;
	for (int round = 0; round < rounds; round++) {
		writes += round_of_writes(round * 10, arrays);
		tg_date day = round % 2 ? d : d2;
		char *full = full_check(s1, day);
		char *a = cached(c1, s1, day), *b = cached(c2, s2, day);
		assert_string_equal(a, full);
		assert_string_equal(b, full);
		/* and each kept dashboard, updated by difference, equals one
		** made afresh on the same findings */
		check_dashboards(c1, s1, day);
		check_dashboards(c2, s2, day);
		free(a);
		free(b);
		free(full);
	}
	return writes;
}

/* A request that saw an older generation and is answered after a newer
** one was built (it queued behind that build, under a flood of writes):
** the newer entry answers it, and nothing is evaluated or loaded again
** (each such request used to build its own older register, loaded whole:
** the reads of bench/load --mixed timed out). */
static void test_older_request_takes_newer(void **state)
{
	(void)state;
	findings_cache *c = cache_new();
	tg_date d = date_from_ymd(2020, 12, 31);
	tg_error e;
	int64_t g0, g1, g2;
	free(cached(c, s1, d));
	assert_int_equal(store_generation(s1, &g0, &e), TG_OK);
	while (!round_of_writes(2000, local_arrays))
		;
	assert_int_equal(store_generation(s1, &g1, &e), TG_OK);
	while (!round_of_writes(2100, local_arrays))
		;
	assert_int_equal(store_generation(s1, &g2, &e), TG_OK);
	assert_true(g0 < g1 && g1 < g2);
	char *newest = cached(c, s1, d);
	cache_counts before, after;
	cache_stats(c, &before);

	cache_view v;
	assert_int_equal(cache_get_seen(c, s1, plan, d, g1, &v, &e), TG_OK);
	assert_int_equal(v.generation, g2);
	char *json = json_of(v.fs);
	assert_string_equal(json, newest);
	cache_put(c, &v);
	cache_stats(c, &after);
	assert_int_equal(after.evaluations, before.evaluations);
	assert_int_equal(after.loads, before.loads);
	assert_int_equal(after.generation, g2);
	/* and the newest is still kept for the requests that see it */
	free(cached(c, s1, d));
	cache_stats(c, &after);
	assert_int_equal(after.evaluations, before.evaluations);
	free(json);
	free(newest);
	cache_free(c);
}

static void test_random_writes(void **state)
{
	(void)state;
	findings_cache *c1 = cache_new(), *c2 = cache_new();
	tg_date d = date_from_ymd(2020, 12, 31), d2 = date_from_ymd(2018, 6, 30);
	free(cached(c1, s1, d));
	free(cached(c2, s2, d2));
	cache_counts n1, n2;
	cache_stats(c1, &n1);
	uint64_t loads1 = n1.loads;
	int writes = write_rounds(c1, c2, 40, all_arrays);
	assert_true(writes >= 40);
	cache_stats(c1, &n1);
	cache_stats(c2, &n2);
	/* one whole load each at most: every later register was patched */
	assert_int_equal(n1.loads, loads1);
	assert_true(n2.loads <= 1);
	assert_true(n1.patches >= 30);
	/* most copies of an array went into the buffers of the copy before
	** (the equal findings above were made on them) */
	assert_true(n1.spares >= 20);
	/* and most of those were brought up to date by the rows written
	** since their content, not copied whole (catch_up) */
	assert_true(n1.caught_up >= n1.spares / 2);
	/* and evaluated each date from its last findings and what the writes
	** touched, not afresh (incremental: docs/performance.md) */
	assert_true(n1.increments >= 20);
	assert_true(n2.increments >= 20);
	cache_free(c1);
	cache_free(c2);
}

/* Writes of persons, posts (moved between associations and persons too),
** associations and their records only: after the first run of each date,
** every run is incremental, and each equals a full check. */
static void test_incremental_only(void **state)
{
	(void)state;
	findings_cache *c1 = cache_new(), *c2 = cache_new();
	assert_true(write_rounds(c1, c2, 80, local_arrays) >= 80);
	cache_counts n1, n2;
	cache_stats(c1, &n1);
	cache_stats(c2, &n2);
	assert_int_equal(n1.increments, n1.evaluations - 2);
	assert_int_equal(n2.increments, n2.evaluations - 2);
	/* the dashboards were carried from run to run, not made afresh: the
	** three viewers' of the two dates, made once */
	assert_int_equal(n1.dashboards, 6);
	assert_int_equal(n2.dashboards, 6);
	assert_true(n1.dashboard_updates >= 3 * 70);
	cache_free(c1);
	cache_free(c2);
}

/* The dashboards of the three viewers through the cache as the handler
** reads them (cache_get_lazy: no list made when they are kept). */
static void lazy_dashboards(findings_cache *c, tg_store *s, tg_date d)
{
	for (size_t i = 0; i < sizeof viewers / sizeof *viewers; i++) {
		cache_view v;
		tg_error e;
		assert_int_equal(cache_get_lazy(c, s, plan, d, &v, &e), TG_OK);
		assert_int_equal(v.fs->as_of, d);
		strbuf sb;
		sb_init(&sb);
		cache_dashboard(c, &v, &viewers[i], viewer_filter(&viewers[i], v.reg), NULL, &sb);
		assert_true(sb.len > 0);
		sb_release(&sb);
		cache_put(c, &v);
	}
}

/* Writes read by dashboards only, the list asked every fifth round: the
** runs between make no list (each entry's findings are its base's with
** those of the associations touched since replaced, carried from entry to
** entry), and the list made at last, after several writes, equals a full
** check, as do the dashboards carried over all of them. */
static void test_list_made_when_asked(void **state)
{
	(void)state;
	findings_cache *c = cache_new();
	tg_date d = date_from_ymd(2020, 12, 31);
	free(cached(c, s1, d));
	check_dashboards(c, s1, d);
	int writes = 0, compared = 0;
	for (int round = 0; round < 40; round++) {
		writes += round_of_writes(5000 + round * 10, local_arrays);
		lazy_dashboards(c, s1, d);
		if (round % 5 == 4) {
			char *full = full_check(s1, d), *got = cached(c, s1, d);
			assert_string_equal(got, full);
			free(got);
			free(full);
			check_dashboards(c, s1, d);
			compared++;
		}
	}
	assert_true(writes >= 40);
	cache_counts n;
	cache_stats(c, &n);
	assert_int_equal(n.increments, n.evaluations - 1);
	/* a list per comparison, and none for the dashboards between */
	assert_int_equal(n.lists, (uint64_t)compared);
	assert_int_equal(n.dashboards, 3);
	cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_date),
		cmocka_unit_test(test_bounded_today_kept),
		cmocka_unit_test(test_two_servers_see_writes),
		cmocka_unit_test(test_older_request_takes_newer),
		cmocka_unit_test(test_random_writes),
		cmocka_unit_test(test_incremental_only),
		cmocka_unit_test(test_list_made_when_asked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
