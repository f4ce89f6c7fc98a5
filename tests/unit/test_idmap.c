/*
** test_idmap.c: the register's hash index (idmap.c): every key found at
** its value after growing; a copy, into an empty map and into the buffers
** of another map (cache.c's spare arrays), answers as the original does
** and is not disturbed by writes to it.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "idmap.h"

#define N 5000

static char keys[N][16], others[N][16];

static void fill(tg_idmap *m, char (*k)[16], size_t n, uint32_t offset)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(idmap_put(m, k[i], (uint32_t)i + offset), TG_IX_NONE);
}

static void check(const tg_idmap *m, char (*k)[16], size_t n, uint32_t offset)
{
	assert_int_equal(m->count, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(idmap_get(m, k[i]), (uint32_t)i + offset);
}

static void test_put_get_grow(void **state)
{
	(void)state;
	tg_idmap m;
	idmap_init(&m);
	fill(&m, keys, N, 0);
	check(&m, keys, N, 0);
	assert_int_equal(idmap_get(&m, "absent"), TG_IX_NONE);
	assert_int_equal(idmap_put(&m, keys[7], 99), 7); /* a duplicate keeps its value */
	idmap_set(&m, keys[7], 99);
	assert_int_equal(idmap_get(&m, keys[7]), 99);
	idmap_free(&m);
}

/* A copy into an empty map, and one into the buffers of a map of the same
** capacity holding other keys at other values: each answers as src, knows
** none of the other keys, and src does not see the copy's writes. */
static void test_copy_into_reused_buffers(void **state)
{
	(void)state;
	tg_idmap src, fresh, reused;
	idmap_init(&src);
	idmap_init(&fresh);
	idmap_init(&reused);
	fill(&src, keys, N, 0);
	fill(&reused, others, N, 100000);
	assert_int_equal(reused.cap, src.cap);
	const uint32_t *buffer = reused.vals;

	idmap_copy(&fresh, &src);
	idmap_copy(&reused, &src);
	assert_ptr_equal(reused.vals, buffer); /* the buffers were reused */
	check(&fresh, keys, N, 0);
	check(&reused, keys, N, 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(idmap_get(&reused, others[i]), TG_IX_NONE);

	idmap_set(&reused, keys[3], 4242);
	assert_int_equal(idmap_put(&reused, "new key", 1), TG_IX_NONE);
	check(&src, keys, N, 0);
	assert_int_equal(idmap_get(&src, "new key"), TG_IX_NONE);

	/* a map of another capacity gives its buffers up */
	tg_idmap small;
	idmap_init(&small);
	fill(&small, others, 10, 0);
	idmap_copy(&small, &src);
	check(&small, keys, N, 0);
	idmap_free(&src);
	idmap_free(&fresh);
	idmap_free(&reused);
	idmap_free(&small);
}

int main(void)
{
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "K%05zu", i);
		snprintf(others[i], sizeof others[i], "O%05zu", i);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_grow),
		cmocka_unit_test(test_copy_into_reused_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
