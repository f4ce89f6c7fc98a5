/*
** test_audit.c: the audit chain catches a changed, a removed, a reordered
** and a cut-off record, and accepts an intact log of plain SHA-256 records
** (before the audit key) followed by keyed ones.  Issue 14: a chain
** recomputed without the key (plain SHA-256, or another key), emptied with
** the anchor at the head, or checked without the key is not intact; the
** checkpoints written outside the database catch a rewrite by the key's
** holder and a cut.
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

#include "audit.h"

#define N 10
#define LEGACY 3 /* records 1..3 plain SHA-256 (before the audit key), 4..10 keyed */

static tg_audit_record chain[N];
static char texts[N][4][64];
static const tg_audit_key KEY = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}};

/* Seal records from..N-1 again (0-based) under their algorithms, relinking. */
static void reseal(int from, const tg_audit_key *key)
{
	for (int i = from; i < N; i++) {
		tg_audit_record *r = &chain[i];
		if (i)
			memcpy(r->prev, chain[i - 1].hash, sizeof r->prev);
		else
			memset(r->prev, 0, sizeof r->prev);
		assert_int_equal(audit_seal_alg(r, key), 0);
	}
}

static void build(void)
{
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
		r->alg = i < LEGACY ? "sha256" : audit_keyed_alg();
	}
	reseal(0, &KEY);
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

static tg_error last_err;

static int verify_with(struct feed *f, const tg_audit_chain *c, int64_t *bad)
{
	int64_t count;
	memset(&last_err, 0, sizeof last_err);
	return audit_verify_chain(next, f, c, NULL, bad, &count, &last_err);
}

static int verify(struct feed *f, int64_t head, int64_t *bad)
{
	tg_audit_chain c = {.key = &KEY, .head_seq = head, .head_hash = chain[head - 1].hash};
	return verify_with(f, &c, bad);
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

/* The attack of issue 14: the triggers dropped, a record deleted and the
** whole chain recomputed with plain SHA-256 (no key needed), the head set
** to the new last record.  No record is keyed any more: not intact. */
static void test_rewritten_as_plain_sha256(void **state)
{
	(void)state;
	build();
	memmove(&chain[4], &chain[5], (N - 5) * sizeof chain[0]);
	for (int i = 0; i < N - 1; i++) {
		chain[i].seq = i + 1;
		chain[i].alg = "sha256";
	}
	for (int i = 0; i < N - 1; i++) {
		if (i)
			memcpy(chain[i].prev, chain[i - 1].hash, sizeof chain[i].prev);
		else
			memset(chain[i].prev, 0, sizeof chain[i].prev);
		audit_seal(&chain[i]);
	}
	struct feed f = all();
	f.n = N - 1;
	int64_t bad;
	assert_int_equal(verify(&f, N - 1, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_unkeyed");
}

/* Only the records after the last legacy one rewritten as plain SHA-256:
** an unkeyed record after a keyed one is refused at once. */
static void test_downgrade_after_keyed(void **state)
{
	(void)state;
	build();
	for (int i = 6; i < N; i++)
		chain[i].alg = "sha256";
	reseal(6, NULL);
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_unkeyed");
	assert_int_equal(bad, 7);
}

/* Rewritten under another key (or a guessed one): the MACs do not match. */
static void test_rewritten_under_another_key(void **state)
{
	(void)state;
	build();
	tg_audit_key other = KEY;
	other.k[0] ^= 1;
	chain[5].user = "intruder";
	reseal(5, &other);
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_tampered");
	assert_int_equal(bad, 6);
}

/* An unknown algorithm name is not a way around the key. */
static void test_unknown_alg(void **state)
{
	(void)state;
	build();
	chain[7].alg = "none";
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), TG_EINVAL);
	assert_int_equal(bad, 8);
}

/* Every record deleted and the anchor set to the head: 0 records, but not
** "intact" (the head is compared at 0 records too; none is keyed). */
static void test_emptied_anchor_at_head(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	f.n = 0;
	int64_t bad;
	tg_audit_chain c = {.key = &KEY, .anchor_seq = N, .anchor_hash = chain[N - 1].hash,
			    .head_seq = N, .head_hash = chain[N - 1].hash};
	assert_int_equal(verify_with(&f, &c, &bad), TG_EINVAL);
	/* and with the anchor not at the head: the head is compared at 0 records */
	tg_audit_chain d = {.key = &KEY, .anchor_seq = N, .anchor_hash = chain[N - 2].hash,
			    .head_seq = N, .head_hash = chain[N - 1].hash};
	assert_int_equal(verify_with(&f, &d, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_truncated");
}

/* Without the key the chain cannot be checked: never "intact". */
static void test_no_key(void **state)
{
	(void)state;
	build();
	struct feed f = all();
	int64_t bad;
	tg_audit_chain c = {.key = NULL, .head_seq = N, .head_hash = chain[N - 1].hash};
	assert_int_equal(verify_with(&f, &c, &bad), TG_ENOTFOUND);
	assert_string_equal(last_err.code, "audit_key_missing");
}

/* Records written before the key (plain SHA-256) verify beside keyed ones,
** and the keyed algorithm is SM3 where OpenSSL has it (Debian 12 does). */
static void test_legacy_then_keyed(void **state)
{
	(void)state;
	build();
	assert_string_equal(audit_keyed_alg(), "hmac-sm3");
	unsigned char sm3[TG_AUDIT_HASH_BYTES];
	memcpy(sm3, chain[5].hash, sizeof sm3);
	chain[5].alg = "hmac-sha256";
	assert_int_equal(audit_seal_alg(&chain[5], &KEY), 0);
	assert_memory_not_equal(sm3, chain[5].hash, sizeof sm3);
	chain[5].alg = "hmac-sm3";
	assert_int_equal(audit_seal_alg(&chain[5], NULL), TG_EINVAL);
	build();
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify(&f, N, &bad), 0);
}

static char cp_path[64];

static void write_checkpoint(FILE *out, int i)
{
	tg_audit_checkpoint h = {.seq = chain[i].seq};
	memcpy(h.mac, chain[i].hash, sizeof h.mac);
	snprintf(h.alg, sizeof h.alg, "%s", chain[i].alg);
	snprintf(h.at, sizeof h.at, "%s", chain[i].at);
	char line[512];
	audit_checkpoint_line(&h, "2026-11-27T09:00:00Z", line, sizeof line);
	fprintf(out, "Nov 27 17:00:00 host tuogou-audit[1]: %s\n", line);
}

static int verify_checkpoints(struct feed *f, int64_t head, int64_t anchor, int64_t *bad)
{
	tg_audit_checkpoint *cps = NULL;
	size_t n = 0;
	tg_error e;
	assert_int_equal(audit_checkpoints_read(cp_path, &cps, &n, &e), 0);
	tg_audit_chain c = {.key = &KEY, .head_seq = head, .head_hash = chain[head - 1].hash,
			    .anchor_seq = anchor, .anchor_hash = anchor ? chain[anchor - 1].hash : NULL,
			    .checkpoints = cps, .n_checkpoints = n,
			    .purgeable_before = "2026-06-01T00:00:00Z"};
	int rc = verify_with(f, &c, bad);
	free(cps);
	return rc;
}

/* Checkpoints (written outside the database) catch a rewrite by someone
** who holds the key, a cut end, and records purged though too young. */
static void test_checkpoints(void **state)
{
	(void)state;
	build();
	snprintf(cp_path, sizeof cp_path, "/tmp/tuogou-test-cp-XXXXXX");
	int fd = mkstemp(cp_path);
	assert_true(fd >= 0);
	FILE *out = fdopen(fd, "w");
	fprintf(out, "Nov 27 16:00:00 host other[2]: unrelated line\n");
	write_checkpoint(out, 7);
	write_checkpoint(out, 4);
	fclose(out);
	struct feed f = all();
	int64_t bad;
	assert_int_equal(verify_checkpoints(&f, N, 0, &bad), 0);

	/* the key holder rewrites record 3 and everything after it */
	chain[2].user = "intruder";
	reseal(2, &KEY);
	f = all();
	assert_int_equal(verify_checkpoints(&f, N, 0, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_checkpoint");
	assert_int_equal(bad, 5);

	/* the end cut off after the checkpoint of record 8, head moved back */
	build();
	f = all();
	f.n = 6;
	assert_int_equal(verify_checkpoints(&f, 6, 0, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_checkpoint_cut");

	/* records 1..6 deleted (anchor 6): the checkpoint of record 5 is of a
	** record younger than any purge could reach */
	build();
	f = all();
	memmove(&f.order[0], &f.order[6], (N - 6) * sizeof f.order[0]);
	f.n = N - 6;
	assert_int_equal(verify_checkpoints(&f, N, 6, &bad), TG_EINVAL);
	assert_string_equal(last_err.code, "audit_checkpoint_cut");

	/* a malformed checkpoint line is named */
	out = fopen(cp_path, "a");
	fprintf(out, "tuogou-audit-checkpoint seq=x\n");
	fclose(out);
	tg_audit_checkpoint *cps = NULL;
	size_t n = 0;
	tg_error e;
	assert_int_equal(audit_checkpoints_read(cp_path, &cps, &n, &e), TG_EINVAL);
	assert_string_equal(e.code, "bad_checkpoint");
	unlink(cp_path);
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
		cmocka_unit_test(test_rewritten_as_plain_sha256),
		cmocka_unit_test(test_downgrade_after_keyed),
		cmocka_unit_test(test_rewritten_under_another_key),
		cmocka_unit_test(test_unknown_alg),
		cmocka_unit_test(test_emptied_anchor_at_head),
		cmocka_unit_test(test_no_key),
		cmocka_unit_test(test_legacy_then_keyed),
		cmocka_unit_test(test_checkpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
