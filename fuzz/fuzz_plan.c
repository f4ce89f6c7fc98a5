/*
** fuzz_plan.c: libFuzzer harness for plan files (plan.c) and --set
** assignments: bad plans give errors naming the key, never a crash.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = NULL;
	/* Inputs starting with '=' are --set assignments on the default plan. */
	if (size && data[0] == '=') {
		char s[256];
		size_t n = size - 1 < sizeof s - 1 ? size - 1 : sizeof s - 1;
		memcpy(s, data + 1, n);
		s[n] = '\0';
		if (plan_load_default(&plan, &errs) == 0) {
			tg_error err;
			plan_set(plan, s, &err);
		}
	} else if (plan_load_buffer((const char *)data, size, &plan, &errs) == 0) {
		rules_check_plan(plan, &errs);
	}
	plan_free(plan);
	tg_errors_free(&errs);
	return 0;
}
