/*
** gen.h: generated registers for the tests (round trips, store tests): the
** register generator of tools/gen (the benchmarks' and the fuzz seeds'),
** at the size a test wants, read in by the product's bundle reader, so
** that every identifier passes its check and every reference resolves.
*/
#ifndef TG_TEST_GEN_H
#define TG_TEST_GEN_H

#include <stdint.h>

#include "plan.h"
#include "register.h"

/* Fill r (initialised) with exactly n associations and their records (the
** register of tools/gen for this seed, with steps), resolved. */
void gen_register(tg_register *r, uint64_t seed, size_t n);
/* The default plan (exits when it does not load) and r initialised and
** filled by gen_register: what the tests of the rules over many rounds
** start from.  The caller frees both. */
tg_plan *gen_plan_and_register(tg_register *r, uint64_t seed, size_t n);
/* A valid USCC of a social organisation with sequence number k (k modulo
** 1,000,000; gen_register's associations are 0 ... n-1). */
void gen_uscc(uint64_t k, char out[19]);

/* The next number of a xorshift generator of state *s (not 0). */
uint64_t gen_xorshift(uint64_t *s);
/* Change one field of row (of array a) at random, next_random giving the
** numbers: a date moved or cleared, a flag flipped, an enumeration set to
** another value (or none); the random writes of the cache's tests. */
void gen_mutate(void *row, int a, uint64_t (*next_random)(void));

#endif
