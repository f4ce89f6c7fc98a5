/*
** test_totp.c: TOTP against the test vectors of RFC 4226 (HOTP) and RFC 6238
** (TOTP, HMAC-SHA1; the six last digits of the RFC's eight), base32, the
** drift window and replay; and the audit chain verified from a purge anchor.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "totp.h"

static const char rfc_key[] = "12345678901234567890";
static const char rfc_key_b32[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void test_hotp_rfc4226(void **state)
{
	static const char *want[] = {"755224", "287082", "359152", "969429", "338314",
				     "254676", "287922", "162583", "399871", "520489"};
	char out[TOTP_DIGITS + 1];
	(void)state;
	for (uint64_t c = 0; c < 10; c++) {
		assert_int_equal(totp_hotp((const unsigned char *)rfc_key, 20, c, out), 0);
		assert_string_equal(out, want[c]);
	}
}

static void test_totp_rfc6238(void **state)
{
	static const struct {
		int64_t t;
		const char *code8;
	} v[] = {{59, "94287082"},	    {1111111109, "07081804"}, {1111111111, "14050471"},
		 {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"}};
	char out[TOTP_DIGITS + 1];
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(totp_code((const unsigned char *)rfc_key, 20, v[i].t, out), 0);
		assert_string_equal(out, v[i].code8 + 2);
	}
}

static void test_base32(void **state)
{
	char text[64];
	unsigned char raw[64];
	(void)state;
	totp_base32_encode((const unsigned char *)rfc_key, 20, text, sizeof text);
	assert_string_equal(text, rfc_key_b32);
	assert_int_equal(totp_base32_decode("gezd gnbv-gy3tqojqgezdgnbvgy3tqojq====", raw, sizeof raw),
			 20);
	assert_memory_equal(raw, rfc_key, 20);
	assert_int_equal(totp_base32_decode("GEZ1", raw, sizeof raw), TG_EINVAL); /* 1 is not base32 */
	totp_base32_encode((const unsigned char *)"f", 1, text, sizeof text);
	assert_string_equal(text, "MY"); /* RFC 4648: "f" -> MY====== */
	char secret[TOTP_SECRET_CHARS + 1];
	totp_new_secret(secret);
	assert_int_equal(strlen(secret), TOTP_SECRET_CHARS);
	assert_int_equal(totp_base32_decode(secret, raw, sizeof raw), TOTP_SECRET_BYTES);
}

static void test_check_window_and_replay(void **state)
{
	int64_t step = 0, t = 1111111111;
	(void)state;
	assert_int_equal(totp_check(rfc_key_b32, "050471", t, 0, &step), 0);
	assert_int_equal(step, t / 30);
	/* One step either way is accepted, two are not. */
	char code[TOTP_DIGITS + 1];
	totp_code((const unsigned char *)rfc_key, 20, t - 30, code);
	assert_int_equal(totp_check(rfc_key_b32, code, t, 0, &step), 0);
	totp_code((const unsigned char *)rfc_key, 20, t + 30, code);
	assert_int_equal(totp_check(rfc_key_b32, code, t, 0, &step), 0);
	totp_code((const unsigned char *)rfc_key, 20, t + 60, code);
	assert_int_equal(totp_check(rfc_key_b32, code, t, 0, &step), TG_EINVAL);
	totp_code((const unsigned char *)rfc_key, 20, t - 60, code);
	assert_int_equal(totp_check(rfc_key_b32, code, t, 0, &step), TG_EINVAL);
	/* A step already used is refused. */
	assert_int_equal(totp_check(rfc_key_b32, "050471", t, t / 30, &step), TG_EINVAL);
	assert_int_equal(totp_check(rfc_key_b32, "05047", t, 0, &step), TG_EINVAL);
	assert_int_equal(totp_check(rfc_key_b32, "abcdef", t, 0, &step), TG_EINVAL);
	assert_int_equal(totp_check("", "050471", t, 0, &step), TG_EINVAL);
}

/* ---- the audit chain after a purge ---- */

#define N 6
static tg_audit_record chain[N];

static const tg_audit_key akey = {{7}};

static void build(void)
{
	unsigned char prev[TG_AUDIT_HASH_BYTES] = {0};
	for (int i = 0; i < N; i++) {
		tg_audit_record *r = &chain[i];
		memset(r, 0, sizeof *r);
		r->seq = i + 1;
		r->at = "2026-01-01T00:00:00Z";
		r->user = "root";
		r->role = "operator";
		r->ip = "cli";
		r->event = "import";
		r->outcome = "ok";
		r->alg = audit_keyed_alg();
		memcpy(r->prev, prev, sizeof prev);
		audit_seal_alg(r, &akey);
		memcpy(prev, r->hash, sizeof prev);
	}
}

struct feed {
	int from, at;
};

static int next(void *ctx, tg_audit_record *out)
{
	struct feed *f = ctx;
	if (f->at >= N)
		return 0;
	*out = chain[f->at++];
	return 1;
}

/* audit_verify_chain from an anchor (and from none: records 1, 2, ...). */
static int verify_from(struct feed *f, int64_t anchor, const unsigned char *anchor_hash,
		       int64_t *bad, int64_t *count, tg_error *e)
{
	tg_audit_chain c = {.key = &akey, .anchor_seq = anchor, .anchor_hash = anchor_hash,
			    .head_seq = N, .head_hash = chain[N - 1].hash};
	return audit_verify_chain(next, f, &c, NULL, bad, count, e);
}

static void test_audit_from_anchor(void **state)
{
	int64_t bad, count;
	tg_error e;
	(void)state;
	build();
	/* Records 1-3 purged: the chain starts at 4, linked to record 3's hash. */
	struct feed f = {3, 3};
	assert_int_equal(verify_from(&f, 3, chain[2].hash, &bad, &count, &e),
			 0);
	assert_int_equal(count, 3);
	/* The wrong anchor, or none, breaks it at the first record kept. */
	f.at = 3;
	assert_int_equal(verify_from(&f, 3, chain[1].hash, &bad, &count, &e),
			 TG_EINVAL);
	assert_int_equal(bad, 4);
	f.at = 3;
	assert_int_equal(verify_from(&f, 0, NULL, &bad, &count, &e), TG_EINVAL);
	assert_int_equal(bad, 1);
	/* One more record purged than the anchor says: a gap. */
	f.at = 4;
	assert_int_equal(verify_from(&f, 3, chain[2].hash, &bad, &count, &e),
			 TG_EINVAL);
	assert_int_equal(bad, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_check_window_and_replay),
		cmocka_unit_test(test_audit_from_anchor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
