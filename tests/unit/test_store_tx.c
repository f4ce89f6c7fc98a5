/*
** test_store_tx.c: the store's nesting transaction (store_tx_begin /
** store_tx_end): the writes between them are one transaction, committed
** together or rolled back together with their audit records and the
** generation; a failed part rolls back the whole even when the outer end
** says ok.  On PostgreSQL when TUOGOU_TEST_PG_URL is set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"
#include "store.h"

static scratch_store sc;
static tg_store *st;
static char key_a[64], key_b[64]; /* settings of this run (PostgreSQL is shared) */

static int setup(void **state)
{
	(void)state;
	tg_error e;
	const char *url = scratch_begin(&sc);
	if (!url || store_open(url, &st, &e) != TG_OK)
		return -1;
	snprintf(key_a, sizeof key_a, "tx_test_a_%ld", (long)getpid());
	snprintf(key_b, sizeof key_b, "tx_test_b_%ld", (long)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	scratch_end(&sc);
	return 0;
}

static void ignore(void *ctx, const tg_audit_record *r)
{
	(void)ctx;
	(void)r;
}

static size_t audit_total(void)
{
	tg_audit_filter f = {0};
	size_t total = 0;
	tg_error e;
	assert_int_equal(store_audit_list(st, &f, 0, 1, ignore, NULL, &total, &e), TG_OK);
	return total;
}

static int64_t generation(void)
{
	int64_t gen = -1;
	tg_error e;
	assert_int_equal(store_generation(st, &gen, &e), TG_OK);
	return gen;
}

static bool setting_is(const char *key, const char *want)
{
	char v[64];
	tg_error e;
	int rc = store_setting_get(st, key, v, sizeof v, &e);
	return want ? rc == TG_OK && !strcmp(v, want) : rc == TG_ENOTFOUND;
}

static void set(const char *key, const char *value)
{
	tg_error e;
	assert_int_equal(store_setting_set(st, key, value, &e), TG_OK);
}

static void test_rolled_back_together(void **state)
{
	(void)state;
	tg_error e;
	char *plan = NULL;
	size_t len = 0;
	assert_int_equal(store_get_plan(st, &plan, &len, &e), TG_OK);
	size_t audits = audit_total();
	int64_t gen = generation();

	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "1");
	assert_int_equal(store_set_plan(st, "tx-test", "{\"tx\": 1}", 9, &e), TG_OK);
	assert_true(setting_is(key_a, "1")); /* the transaction reads its own writes */
	assert_int_equal(store_tx_end(st, false, &e), TG_EIO);

	assert_true(setting_is(key_a, NULL));
	char *after = NULL;
	assert_int_equal(store_get_plan(st, &after, &len, &e), TG_OK);
	if (plan)
		assert_string_equal(after, plan);
	else
		assert_null(after);
	assert_int_equal(audit_total(), audits);
	assert_int_equal(generation(), gen);
	free(plan);
	free(after);
}

static void test_committed_together(void **state)
{
	(void)state;
	tg_error e;
	size_t audits = audit_total();
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "1");
	set(key_b, "2");
	assert_int_equal(store_tx_end(st, true, &e), TG_OK);
	assert_true(setting_is(key_a, "1"));
	assert_true(setting_is(key_b, "2"));
	assert_int_equal(audit_total(), audits + 2);
}

/* A part that failed (an inner transaction ended not ok) takes the whole
** with it, though the outer end says ok. */
static void test_failed_part_rolls_back_all(void **state)
{
	(void)state;
	tg_error e;
	size_t audits = audit_total();
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "outer");
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_b, "inner");
	assert_int_equal(store_tx_end(st, false, &e), TG_EIO);
	memset(&e, 0, sizeof e);
	assert_int_not_equal(store_tx_end(st, true, &e), TG_OK);
	assert_string_equal(e.code, "tx_failed");
	assert_true(setting_is(key_a, "1"));
	assert_true(setting_is(key_b, "2"));
	assert_int_equal(audit_total(), audits);
	/* and the store works on afterwards, outside any transaction */
	set(key_a, "3");
	assert_true(setting_is(key_a, "3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_rolled_back_together),
					   cmocka_unit_test(test_committed_together),
					   cmocka_unit_test(test_failed_part_rolls_back_all)};
	return cmocka_run_group_tests(tests, setup, teardown);
}
