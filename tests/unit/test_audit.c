/*
** test_audit.c: the audit chain catches a changed, a removed, a reordered
** and a cut-off record, and accepts an intact log.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit.h"

#define N 10

static tg_audit_record chain[N];
static char texts[N][4][64];

static void build(void)
{
	unsigned char prev[TG_AUDIT_HASH_BYTES] = {0};
	for (int i = 0; i < N; i++) {
		tg_audit_record *r = &chain[i];
		memset(r, 0, sizeof *r);
		r->seq = i + 1;
		snprintf(texts[i][0], 64, "2026-11-27T08:%02d:00Z", i);
		snprintf(texts[i][1], 64, "user%d", i % 3);
		snprintf(texts[i][2], 64, "associations/%d", i);
		snprintf(texts[i][3], 64, "{\"name\":\"协会%d\"}", i);
		r->at = texts[i][0];
		r->user = texts[i][1];
		r->role = "office";
		r->ip = "127.0.0.1";
		r->event = i % 2 ? "write" : "login";
		r->object = texts[i][2];
		r->outcome = "ok";
		r->after = i % 2 ? texts[i][3] : NULL;
		memcpy(r->prev, prev, sizeof prev);
		audit_seal(r);
		memcpy(prev, r->hash, sizeof prev);
	}
}

struct feed {
	int order[N + 1];
	int n, at;
};

static int next(void *ctx, tg_audit_record *out)
{
	struct feed *f = ctx;
	if (f->at >= f->n)
		return 0;
	*out = chain[f->order[f->at++]];
	return 1;
}

static int verify(struct feed *f, int64_t head, int64_t *bad)
{
	int64_t count;
	tg_error err;
	return audit_verify(next, f, head, chain[head - 1].hash, bad, &count, &err);
}

static struct feed all(void)
{
	struct feed f = {{0}, N, 0};
	for (int i = 0; i < N; i++)
		f.order[i] = i;
	return f;
}

static void test_intact(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), 0);
}

static void test_changed(void **state)
{
	(void)state;
	build();
	chain[4].user = "intruder";
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_int_equal(bad, 5);
}

static void test_removed(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	memmove(&f.order[3], &f.order[4], (N - 4) * sizeof f.order[0]);
	f.n = N - 1;
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_int_equal(bad, 4);
}

static void test_reordered(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	f.order[6] = 7;
	f.order[7] = 6;
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_int_equal(bad, 7);
}

static void test_renumbered_after_removal(void **state)
{
	(void)state;
	build();
	/* record 4 removed and the later ones renumbered: the links break */
	for (int i = 3; i < N - 1; i++)
		chain[i + 1].seq = i + 1;
	struct feed f = all();
	memmove(&f.order[3], &f.order[4], (N - 4) * sizeof f.order[0]);
	f.n = N - 1;
	int64_t bad;
	assert_int_equal(verify(&f, N - 1, &bad), TG_EINVAL);
	assert_int_equal(bad, 4);
}

static void test_cut_off_end(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	f.n = N - 2;
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_int_equal(bad, N - 1);
}

static void test_hex_round_trip(void **state)
{
	(void)state;
	build();
	char hex[65];
	unsigned char back[TG_AUDIT_HASH_BYTES];
	audit_hex(chain[0].hash, hex);
	assert_int_equal(audit_unhex(hex, back), 0);
	assert_memory_equal(back, chain[0].hash, sizeof back);
	assert_int_equal(audit_unhex("xyz", back), TG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_reordered),
		cmocka_unit_test(test_renumbered_after_removal),
		cmocka_unit_test(test_cut_off_end),
		cmocka_unit_test(test_hex_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
