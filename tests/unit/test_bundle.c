/*
** test_bundle.c: the bundle format (bundle.md): every class of validation
** error with its JSON path and code, and round trips of generated registers
** through JSON and through the SQLite store; the store's per-IP count of
** failed logins, shared by two connections.  The store tests run on
** PostgreSQL instead when TUOGOU_TEST_PG_URL is set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "gen.h"
#include "scratch.h"
#include "store.h"

/* A small valid bundle; each error test changes one thing in it. */
static const char *valid_bundle =
	"{\"format\": \"tuogou-bundle/1\", \"plan\": \"luoyang-2017\","
	" \"units\": [{\"id\": \"U01\", \"name\": \"洛阳市工业和信息化委员会\", \"kind\": \"organ\"}],"
	" \"associations\": [{\"uscc\": \"%USCC%\", \"name\": \"洛阳市软件行业协会\", \"level\": \"city\","
	"   \"registered_on\": \"2005-03-01\", \"unit\": \"U01\", \"link\": \"supervisor\"}],"
	" \"persons\": [{\"id\": \"P01\", \"name\": \"张三\", \"id_number\": \"11010519491231002X\"}],"
	" \"posts\": [{\"id\": \"T01\", \"person\": \"P01\", \"association\": \"%USCC%\","
	"   \"role\": \"president\", \"from\": \"2012-01-01\"}],"
	" \"premises\": [{\"id\": \"F01\", \"association\": \"%USCC%\", \"owner\": \"own\","
	"   \"area\": 120.5, \"from\": \"2010-01-01\"}]}";

static char *make_bundle(const char *from, const char *to)
{
	char uscc[19];
	gen_uscc(1, uscc);
	/* substitute the valid USCC, then the test's change */
	size_t cap = strlen(valid_bundle) + 1024;
	char *a = malloc(cap), *b = malloc(cap);
	const char *src = valid_bundle;
	char *o = a;
	while (*src) {
		if (!strncmp(src, "%USCC%", 6)) {
			o += sprintf(o, "%s", uscc);
			src += 6;
		} else {
			*o++ = *src++;
		}
	}
	*o = '\0';
	if (!from) {
		free(b);
		return a;
	}
	char *hit = strstr(a, from);
	assert_non_null(hit);
	snprintf(b, cap, "%.*s%s%s", (int)(hit - a), a, to, hit + strlen(from));
	free(a);
	return b;
}

/* Read a bundle and resolve it; return the first error, if any. */
static size_t read_errors(const char *text, tg_errors *errs)
{
	tg_register r;
	register_init(&r);
	static const char *plan_batches[] = {"pilot", "second"};
	bundle_read_buffer(text, strlen(text), &r, errs);
	register_resolve(&r, plan_batches, 2, NULL, errs);
	register_release(&r);
	return errs->total;
}

static void expect_error(const char *from, const char *to, const char *code, const char *path)
{
	char *text = make_bundle(from, to);
	tg_errors errs;
	tg_errors_init(&errs);
	read_errors(text, &errs);
	int found = 0;
	for (size_t i = 0; i < errs.count; i++) {
		if (!strcmp(errs.items[i].code, code) && !strcmp(errs.items[i].path, path))
			found = 1;
		assert_true(strlen(errs.items[i].message) > 0);
	}
	if (!found) {
		for (size_t i = 0; i < errs.count; i++)
			print_error("  got %s %s %s\n", errs.items[i].code, errs.items[i].path,
				    errs.items[i].message);
		fail_msg("expected %s at %s after replacing [%s] by [%s]", code, path, from, to);
	}
	tg_errors_free(&errs);
	free(text);
}

static void test_valid_bundle_has_no_error(void **state)
{
	(void)state;
	char *text = make_bundle(NULL, NULL);
	tg_errors errs;
	tg_errors_init(&errs);
	assert_int_equal(read_errors(text, &errs), 0);
	tg_errors_free(&errs);
	free(text);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("\"level\": \"city\"", "\"level\": \"city\", \"levle\": 1", "unknown_key",
		     "associations[0].levle");
	expect_error("\"plan\":", "\"colour\": 1, \"plan\":", "unknown_key", "colour");
}

static void test_required_field(void **state)
{
	(void)state;
	expect_error("\"name\": \"洛阳市软件行业协会\", ", "", "required", "associations[0].name");
	expect_error("\"role\": \"president\"", "\"role\": null", "required", "posts[0].role");
	expect_error("\"format\": \"tuogou-bundle/1\", ", "", "required", "format");
}

static void test_bad_uscc_and_id(void **state)
{
	(void)state;
	char uscc[19];
	gen_uscc(1, uscc);
	char wrong[19];
	memcpy(wrong, uscc, 19);
	wrong[17] = wrong[17] == 'A' ? 'B' : 'A';
	char from[64], to[64];
	snprintf(from, sizeof from, "\"uscc\": \"%s\"", uscc);
	snprintf(to, sizeof to, "\"uscc\": \"%s\"", wrong);
	expect_error(from, to, "bad_uscc", "associations[0].uscc");
	expect_error("11010519491231002X", "110105194902300020", "bad_id_number", "persons[0].id_number");
	expect_error("11010519491231002X", "110105194912310021", "bad_id_number", "persons[0].id_number");
}

static void test_dangling_reference(void **state)
{
	(void)state;
	expect_error("\"person\": \"P01\"", "\"person\": \"P99\"", "dangling_ref", "posts[0].person");
	expect_error("\"unit\": \"U01\"", "\"unit\": \"U02\"", "dangling_ref", "associations[0].unit");
	expect_error("\"link\": \"supervisor\"", "\"link\": \"supervisor\", \"batch\": \"third\"",
		     "dangling_ref", "associations[0].batch");
}

static void test_bad_dates(void **state)
{
	(void)state;
	expect_error("2005-03-01", "2017-02-30", "bad_date", "associations[0].registered_on");
	expect_error("2005-03-01", "2005/03/01", "bad_date", "associations[0].registered_on");
	expect_error("\"from\": \"2012-01-01\"", "\"from\": \"2012-01-01\", \"to\": \"2012-01-01\"",
		     "bad_order", "posts[0].to");
}

static void test_bad_numbers(void **state)
{
	(void)state;
	expect_error("120.5", "-1", "negative", "premises[0].area");
	expect_error("\"owner\": \"own\"", "\"owner\": \"administrative\"", "required",
		     "premises[0].approved_area");
	expect_error("\"level\": \"city\"", "\"level\": \"city\", \"staffing_quota\": 1.5",
		     "not_integer", "associations[0].staffing_quota");
	expect_error("\"level\": \"city\"", "\"level\": \"city\", \"party_org\": \"yes\"",
		     "bad_type", "associations[0].party_org");
}

static void test_unknown_enum(void **state)
{
	(void)state;
	expect_error("\"kind\": \"organ\"", "\"kind\": \"ministry\"", "bad_enum", "units[0].kind");
	expect_error("\"link\": \"supervisor\"", "\"link\": \"主管\"", "bad_enum", "associations[0].link");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_error("\"id\": \"P01\", \"name\": \"张三\"", "\"id\": \"P01\", \"id\": \"P02\", \"name\": \"张三\"",
		     "json_syntax", "第1行第309列");
	expect_error("\"units\": [{\"id\": \"U01\", \"name\": \"洛阳市工业和信息化委员会\", \"kind\": \"organ\"}]",
		     "\"units\": [{\"id\": \"U01\", \"name\": \"a\", \"kind\": \"organ\"}, {\"id\": \"U01\", \"name\": \"b\", \"kind\": \"organ\"}]",
		     "duplicate_id", "units[1].id");
}

static char *write_bundle(const tg_register *r)
{
	strbuf sb;
	sb_init(&sb);
	bundle_write(r, "luoyang-2017", &sb);
	return sb_detach(&sb, NULL);
}

/* Generated register -> JSON -> register -> JSON gives the same text. */
static void test_round_trip_json(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		tg_register r;
		register_init(&r);
		gen_register(&r, seed, 30);
		char *first = write_bundle(&r);
		tg_register back;
		register_init(&back);
		tg_errors errs;
		tg_errors_init(&errs);
		bundle_read_buffer(first, strlen(first), &back, &errs);
		register_resolve(&back, NULL, 0, NULL, &errs);
		for (size_t i = 0; i < errs.count; i++)
			print_error("seed %llu: %s: %s\n", (unsigned long long)seed, errs.items[i].path,
				    errs.items[i].message);
		assert_int_equal(errs.total, 0);
		char *second = write_bundle(&back);
		assert_string_equal(first, second);
		free(first);
		free(second);
		tg_errors_free(&errs);
		register_release(&back);
		register_release(&r);
	}
}

/* Generated register -> SQLite -> register gives the same bundle; a second
** import of the same bundle (a merge by key) changes nothing.  With
** TUOGOU_TEST_PG_URL set (tests/run's PostgreSQL pass) the store is that
** PostgreSQL database instead. */
static void test_round_trip_store(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *s = fx->s;
	tg_error err;
	tg_register r;
	register_init(&r);
	gen_register(&r, 42, 60);
	char *first = write_bundle(&r);
	assert_int_equal(store_import(s, &r, &err), 0);
	assert_int_equal(store_import(s, &r, &err), 0);
	tg_register back;
	register_init(&back);
	assert_int_equal(store_load_register(s, &back, &err), 0);
	/* Read back masked; the operator's export reveals the numbers. */
	assert_int_equal(store_reveal_id_numbers(s, &back, &err), 0);
	char *second = write_bundle(&back);
	assert_string_equal(first, second);
	size_t n;
	assert_int_equal(store_count(s, ARR_ASSOCIATIONS, &n, &err), 0);
	assert_int_equal(n, 60);
	free(first);
	free(second);
	register_release(&back);
	register_release(&r);
}

/* The per-IP count of failed logins (store_login_ip_failure) through two
** connections on one database, as two servers would use it: failures add
** up across them, a window lasts `window` seconds from its first failure,
** an expired one counts from 1 again, reads write nothing, and an add
** deletes the rows of expired windows. */
static void test_login_ip_failures(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *a = fx->s, *b;
	tg_error err;
	assert_int_equal(store_open(fx->sc.url, &b, &err), 0);
	/* addresses of this run only: a PostgreSQL test database is shared */
	char ip[64], other[64];
	snprintf(ip, sizeof ip, "192.0.2.1-%ld-%d", (long)time(NULL), (int)getpid());
	snprintf(other, sizeof other, "192.0.2.2-%ld-%d", (long)time(NULL), (int)getpid());
	const int64_t t = 1000000, window = 600;
	int64_t n = -1;

	assert_int_equal(store_login_ip_failure(a, ip, t, window, false, &n, &err), 0);
	assert_int_equal(n, 0);
	for (int64_t i = 1; i <= 6; i++) { /* alternately through a and b */
		assert_int_equal(store_login_ip_failure(i % 2 ? a : b, ip, t + i, window, true, &n, &err),
				 0);
		assert_int_equal(n, i);
	}
	assert_int_equal(store_login_ip_failure(b, ip, t + 10, window, false, &n, &err), 0);
	assert_int_equal(n, 6);
	assert_int_equal(store_login_ip_failure(a, other, t + 10, window, false, &n, &err), 0);
	assert_int_equal(n, 0);
	/* the window runs from the first failure (t + 1) */
	assert_int_equal(store_login_ip_failure(a, ip, t + 1 + window, window, false, &n, &err), 0);
	assert_int_equal(n, 6);
	assert_int_equal(store_login_ip_failure(a, ip, t + 2 + window, window, false, &n, &err), 0);
	assert_int_equal(n, 0);
	/* a read writes nothing: at the old time the count is still there */
	assert_int_equal(store_login_ip_failure(b, ip, t + 10, window, false, &n, &err), 0);
	assert_int_equal(n, 6);
	/* another address, its window opened at t */
	assert_int_equal(store_login_ip_failure(b, other, t, window, true, &n, &err), 0);
	assert_int_equal(n, 1);
	/* a failure after the window starts a new one */
	assert_int_equal(store_login_ip_failure(b, ip, t + 2 + window, window, true, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_login_ip_failure(a, ip, t + 3 + window, window, true, &n, &err), 0);
	assert_int_equal(n, 2);
	/* those adds deleted the other address's expired row: at its own time
	** it reads 0 now */
	assert_int_equal(store_login_ip_failure(a, other, t, window, false, &n, &err), 0);
	assert_int_equal(n, 0);

	store_close(b);
}

/* store_read_begin/end: on SQLite the reads between them see one snapshot,
** a write through the same connection ends it, and a register load nests
** inside it; on PostgreSQL (no snapshot support) every read sees the
** newest data.  Settings are the simplest record to write through two
** connections. */
static void test_read_snapshot(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *a = fx->s, *b;
	char v[64];
	tg_error err;
	bool sqlite = fx->sc.url == fx->sc.path;
	assert_int_equal(store_open(fx->sc.url, &b, &err), 0);
	assert_int_equal(store_setting_set(b, "test.snapshot", "1", &err), 0);

	assert_int_equal(store_read_begin(a, &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, "1");
	assert_int_equal(store_setting_set(b, "test.snapshot", "2", &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, sqlite ? "1" : "2"); /* the snapshot holds */
	/* a whole register load inside the request's snapshot shares it */
	tg_register r;
	register_init(&r);
	assert_int_equal(store_load_register(a, &r, &err), 0);
	register_release(&r);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, sqlite ? "1" : "2");
	/* a write through a ends the snapshot: it and later reads see the newest */
	assert_int_equal(store_setting_set(a, "test.other", "x", &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, "2");
	store_read_end(a); /* nothing left to end */
	store_read_end(a);
	/* the writer was not blocked by the reader, nor is it now */
	assert_int_equal(store_setting_set(b, "test.snapshot", "3", &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, "3");

	/* begin, read, end: the next read outside sees b's write */
	assert_int_equal(store_read_begin(a, &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	store_read_end(a);
	assert_int_equal(store_setting_set(b, "test.snapshot", "4", &err), 0);
	assert_int_equal(store_setting_get(a, "test.snapshot", v, sizeof v, &err), 0);
	assert_string_equal(v, "4");

	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bundle_has_no_error),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_required_field),
		cmocka_unit_test(test_bad_uscc_and_id),
		cmocka_unit_test(test_dangling_reference),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_unknown_enum),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_round_trip_json),
		cmocka_unit_test_setup_teardown(test_round_trip_store, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_login_ip_failures, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_read_snapshot, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
