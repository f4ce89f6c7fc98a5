/*
** test_store_audit.c: the audit log's days are Beijing days.  Records are
** stamped in UTC; a filter from/to of Beijing dates keeps the records made
** from 00:00 Beijing time (16:00 UTC the day before) of `from` up to 24:00
** of `to`, so a record made at 02:00 in Luoyang on New Year's Day (18:00
** UTC on 31 December) is found on 1 January.  The records are made through
** the store with its clock set (store_set_clock), and the chain stays
** intact.  The chain is keyed and needs its key (issue 14).  On
** PostgreSQL when TUOGOU_TEST_PG_URL is set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "scratch.h"
#include "store.h"

#define MAX_SEEN 16

typedef struct seen {
	char at[MAX_SEEN][24], object[MAX_SEEN][64];
	size_t n;
} seen;

static void collect(void *ctx, const tg_audit_record *r)
{
	seen *s = ctx;
	assert_true(s->n < MAX_SEEN);
	snprintf(s->at[s->n], sizeof s->at[s->n], "%s", r->at);
	snprintf(s->object[s->n], sizeof s->object[s->n], "%s", r->object ? r->object : "");
	s->n++;
}

/* The objects of user's records from..to (NULL: open), newest first,
** joined by spaces. */
static void list(tg_store *st, const char *user, const char *from, const char *to, char *out,
		 size_t size)
{
	tg_audit_filter f = {.user = user, .from = from, .to = to};
	seen s = {.n = 0};
	size_t total = 0;
	tg_error e = {0};
	assert_int_equal(store_audit_list(st, &f, 0, 100, collect, &s, &total, &e), 0);
	assert_int_equal(total, s.n);
	out[0] = '\0';
	for (size_t i = 0; i < s.n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", s.object[i]);
}

static void test_days_are_beijing_days(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *s = fx->s;
	tg_error e = {0};
	/* a user of this run only: a PostgreSQL test database is shared */
	char user[64];
	snprintf(user, sizeof user, "clock-%ld-%d", (long)time(NULL), (int)getpid());
	store_set_actor(s, user, "auditor", "192.0.2.8");

	/* UTC time -> the Beijing day it falls on */
	static const struct {
		const char *utc, *object; /* object: the Beijing time */
	} made[] = {
		{"2017-12-31T15:59:59Z", "bj/2017-12-31T23:59:59"},
		{"2017-12-31T16:00:00Z", "bj/2018-01-01T00:00:00"},
		{"2017-12-31T18:00:00Z", "bj/2018-01-01T02:00:00"}, /* 31 Dec in UTC */
		{"2018-01-01T15:59:59Z", "bj/2018-01-01T23:59:59"},
		{"2018-01-01T16:00:00Z", "bj/2018-01-02T00:00:00"}, /* 1 Jan in UTC */
	};
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		int64_t t;
		assert_int_equal(time_parse_utc(made[i].utc, &t), 0);
		store_set_clock(s, t);
		assert_int_equal(store_audit_add(s, "login", made[i].object, "ok", NULL, NULL, &e), 0);
	}
	store_set_clock(s, 0);

	char got[512];
	/* stored as made, in UTC */
	tg_audit_filter f = {.user = user};
	seen all = {.n = 0};
	size_t total = 0;
	assert_int_equal(store_audit_list(s, &f, 0, 100, collect, &all, &total, &e), 0);
	assert_int_equal(total, 5);
	assert_string_equal(all.at[0], "2018-01-01T16:00:00Z");
	assert_string_equal(all.at[2], "2017-12-31T18:00:00Z");

	list(s, user, "2018-01-01", "2018-01-01", got, sizeof got);
	assert_string_equal(got, "bj/2018-01-01T23:59:59 bj/2018-01-01T02:00:00 bj/2018-01-01T00:00:00");
	list(s, user, "2017-12-31", "2017-12-31", got, sizeof got);
	assert_string_equal(got, "bj/2017-12-31T23:59:59");
	list(s, user, "2018-01-02", NULL, got, sizeof got);
	assert_string_equal(got, "bj/2018-01-02T00:00:00");
	list(s, user, NULL, "2017-12-31", got, sizeof got);
	assert_string_equal(got, "bj/2017-12-31T23:59:59");
	list(s, user, "2017-12-31", "2018-01-02", got, sizeof got);
	assert_int_equal(strlen(got), 5 * strlen("bj/2018-01-01T00:00:00") + 4);
	list(s, user, "2018-01-03", NULL, got, sizeof got);
	assert_string_equal(got, "");

	/* a date that is not one names its field */
	tg_audit_filter bad = {.user = user, .to = "2018-02-30"};
	seen none = {.n = 0};
	assert_int_equal(store_audit_list(s, &bad, 0, 100, collect, &none, &total, &e), TG_EINVAL);
	assert_string_equal(e.path, "to");

	/* the clock went back and forth: the chain does not care */
	int64_t bad_seq = 0, count = 0;
	assert_int_equal(store_audit_verify(s, &bad_seq, &count, &e), 0);
	assert_true(count >= 5);

}

/* Issue 14: the chain is keyed under the audit key file, which is made
** 0600 beside the key and is not in the database; a checkpoint of the head
** verifies; without the key the store neither verifies ("cannot", never
** intact) nor appends.  On PostgreSQL the unit tests share the key. */
static void test_keyed_chain_needs_the_key(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *s = fx->s;
	tg_error e = {0};
	struct stat st;
	assert_int_equal(stat(fx->sc.audit_key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	store_set_actor(s, "keyed", "auditor", "192.0.2.9");
	assert_int_equal(store_audit_add(s, "login", "users/keyed", "ok", NULL, NULL, &e), 0);
	tg_audit_checkpoint head;
	int64_t bad = 0, count = 0;
	assert_int_equal(store_audit_verify_checkpoints(s, NULL, 0, &head, &bad, &count, &e), 0);
	assert_string_equal(head.alg, "hmac-sm3");
	assert_true(head.seq >= 2); /* migration 9's keyed record, and this one */
	/* the head as a checkpoint verifies */
	assert_int_equal(store_audit_verify_checkpoints(s, &head, 1, NULL, &bad, &count, &e), 0);
	/* a checkpoint whose MAC differs does not */
	tg_audit_checkpoint wrong = head;
	wrong.mac[0] ^= 1;
	assert_int_equal(store_audit_verify_checkpoints(s, &wrong, 1, NULL, &bad, &count, &e),
			 TG_EINVAL);
	assert_string_equal(e.code, "audit_checkpoint");
	store_close(s);
	fx->s = NULL;

	/* the same database without its audit key */
	char missing[600];
	snprintf(missing, sizeof missing, "%s.missing", fx->sc.audit_key);
	setenv("TUOGOU_AUDIT_KEY", missing, 1);
	assert_int_equal(store_open(fx->sc.url, &fx->s, &e), 0);
	s = fx->s;
	assert_int_equal(stat(missing, &st), -1); /* not made: the chain is keyed */
	assert_int_equal(store_audit_verify(s, &bad, &count, &e), TG_ENOTFOUND);
	assert_string_equal(e.code, "audit_key_missing");
	store_set_actor(s, "keyed", "auditor", "192.0.2.9");
	assert_int_not_equal(store_audit_add(s, "login", "users/keyed", "ok", NULL, NULL, &e), 0);
	assert_string_equal(e.code, "audit_key_missing");
	setenv("TUOGOU_AUDIT_KEY", fx->sc.audit_key, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_days_are_beijing_days, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_keyed_chain_needs_the_key, scratch_setup,
						scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
