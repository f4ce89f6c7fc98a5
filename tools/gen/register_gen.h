/*
** register_gen.h: the register generator, the one source of generated
** registers: bench/run's national registers (bench-gen), the unit tests'
** registers (tests/support/gen.c) and the fuzz seeds (fuzz/make_seeds.py,
** through bench-gen).
**
** tg_gen_register() makes the register of a seed and a scale (1: national,
** about 70,000 associations and 4.2 million rows; 0.1: a tenth of every
** array) and hands it, array by array in bundle order, to a sink.  The
** same seed and scale always give the same rows.  Every identifier passes
** its check (GB 32100 USCCs, GB 11643 ID numbers), every reference
** resolves, dates are real and ordered; the distributions follow the
** reform as it stood at the end of 2020 (see bench/README.md).
**
** tg_gen_json is the sink that writes the bundle text, exactly as
** `tuogou export` writes it.
*/
#ifndef TG_REGISTER_GEN_H
#define TG_REGISTER_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "register.h"
#include "strbuf.h"

/* Where the rows go.  begin and end bracket each array (every array, in
** bundle order, even when empty); row gets the register's struct of that
** array, valid only during the call. */
typedef struct tg_gen_sink {
	void (*begin)(void *ctx, int array);
	void (*row)(void *ctx, int array, const void *row);
	void (*end)(void *ctx, int array);
	void *ctx;
} tg_gen_sink;

/* Associations at scale 1: scale n / TG_GEN_NATIONAL_ASSOCIATIONS gives n. */
#define TG_GEN_NATIONAL_ASSOCIATIONS 70000

typedef struct tg_gen_options {
	uint64_t seed;
	double scale; /* 1: national; n / TG_GEN_NATIONAL_ASSOCIATIONS: n associations */
	bool steps;   /* also the steps array (off for the benchmarks' registers) */
} tg_gen_options;

/* Generate the register of the options into sink: TG_OK, TG_EINVAL (scale
** not positive, or more than 1,000,000 associations) or TG_ENOMEM. */
int tg_gen_register(const tg_gen_options *opt, const tg_gen_sink *sink);

/* The USCC of association i (5 民政, 1 社会团体, a division code that is a
** function of i, "MJ" + 6 digits and the two check characters). */
void tg_gen_uscc(uint32_t i, char out[19]);

/* The bundle writer: tg_gen_json_begin writes the opening into sb,
** tg_gen_json_sink gives the sink, tg_gen_json_end closes the document. */
typedef struct tg_gen_json {
	strbuf *sb;
	size_t count[ARR_COUNT];
	tg_register scratch; /* for bundle_write_record's signature only */
} tg_gen_json;

void tg_gen_json_begin(tg_gen_json *j, strbuf *sb);
tg_gen_sink tg_gen_json_sink(tg_gen_json *j);
void tg_gen_json_end(tg_gen_json *j);

#endif
