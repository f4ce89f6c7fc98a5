/*
** gen.h: deterministic generator of valid registers for tests (round trips,
** store tests).  Every identifier passes its check, every reference
** resolves, every optional field is sometimes null.
*/
#ifndef TG_TEST_GEN_H
#define TG_TEST_GEN_H

#include <stdint.h>

#include "register.h"

/* Fill r (initialised) with about n associations and their records. */
void gen_register(tg_register *r, uint64_t seed, size_t n);
/* A valid USCC of a social organisation with sequence number k. */
void gen_uscc(uint64_t k, char out[19]);
/* A valid ID number for a birth date and sequence number. */
void gen_id_number(int y, int m, int d, unsigned k, char out[19]);

#endif
