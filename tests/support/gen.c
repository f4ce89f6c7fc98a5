/*
** gen.c: see gen.h.  The register is tools/gen's, written as a bundle into
** memory and read back with bundle_read_buffer: a register the generator
** cannot express, or a bundle the reader refuses, stops the test run.
*/
#include <stdio.h>
#include <stdlib.h>

#include "register_gen.h"
#include "bundle.h"
#include "gen.h"

void gen_uscc(uint64_t k, char out[19])
{
	tg_gen_uscc((uint32_t)(k % 1000000), out);
}

tg_plan *gen_plan_and_register(tg_register *r, uint64_t seed, size_t n)
{
	tg_errors errs = {0};
	tg_plan *plan = NULL;
	if (plan_load_default(&plan, &errs) != TG_OK) {
		fprintf(stderr, "gen_plan_and_register: the default plan does not load\n");
		exit(1);
	}
	tg_errors_free(&errs);
	register_init(r);
	gen_register(r, seed, n);
	return plan;
}

void gen_register(tg_register *r, uint64_t seed, size_t n)
{
	strbuf sb;
	tg_gen_json j;
	tg_errors errs;
	tg_gen_options opt = {.seed = seed, .scale = (double)n / TG_GEN_NATIONAL_ASSOCIATIONS,
			      .steps = true};

	sb_init(&sb);
	tg_gen_json_begin(&j, &sb);
	tg_gen_sink sink = tg_gen_json_sink(&j);
	if (tg_gen_register(&opt, &sink) != TG_OK) {
		fprintf(stderr, "gen_register: no register of %zu associations\n", n);
		abort();
	}
	tg_gen_json_end(&j);
	tg_errors_init(&errs);
	bundle_read_buffer(sb.buf, sb.len, r, &errs);
	register_resolve(r, NULL, 0, NULL, &errs);
	for (size_t i = 0; i < errs.count; i++)
		fprintf(stderr, "gen_register: %s: %s\n", errs.items[i].path, errs.items[i].message);
	if (errs.total || j.count[ARR_ASSOCIATIONS] != n)
		abort();
	tg_errors_free(&errs);
	sb_release(&sb);
}

void gen_mutate(void *row, int a, uint64_t (*next_random)(void))
{
	const tg_field *pick[64];
	size_t n = 0;
	for (const tg_field *f = tg_schema[a].fields; f->key && n < 64; f++)
		if (f->type == FT_DATE || f->type == FT_BOOL || f->type == FT_ENUM)
			pick[n++] = f;
	if (!n)
		return;
	const tg_field *f = pick[next_random() % n];
	char *p = (char *)row + f->off;
	switch (f->type) {
	case FT_DATE: {
		tg_date *d = (tg_date *)p;
		if (*d != TG_DATE_NONE && !f->required && next_random() % 3 == 0)
			*d = TG_DATE_NONE;
		else
			*d = date_from_ymd(2015 + (int)(next_random() % 7), 1 + (int)(next_random() % 12),
					   1 + (int)(next_random() % 28));
		break;
	}
	case FT_BOOL:
		*(bool *)p = !*(bool *)p;
		break;
	default: {
		int k = 0;
		while (f->values[k].key)
			k++;
		*(int8_t *)p = (int8_t)(f->required || next_random() % 4 ? (int)(next_random() % (unsigned)k) : -1);
		break;
	}
	}
}

uint64_t gen_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
