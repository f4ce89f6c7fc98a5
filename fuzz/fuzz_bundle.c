/*
** fuzz_bundle.c: libFuzzer harness for the bundle reader and validation
** (bundle.c, schema.c, register.c): any byte string must give a register
** or errors, never a crash, a leak or undefined behaviour.  A valid result
** is also written back out and read again, which must succeed.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *plan_batches[] = {"pilot", "second"};
	tg_register r;
	tg_errors errs;
	register_init(&r);
	tg_errors_init(&errs);
	bundle_read_buffer((const char *)data, size, &r, &errs);
	if (!errs.total)
		register_resolve(&r, plan_batches, 2, NULL, &errs);
	if (!errs.total) {
		strbuf sb;
		sb_init(&sb);
		bundle_write(&r, "luoyang-2017", &sb);
		tg_register back;
		tg_errors errs2;
		register_init(&back);
		tg_errors_init(&errs2);
		bundle_read_buffer(sb.buf, sb.len, &back, &errs2);
		register_resolve(&back, plan_batches, 2, NULL, &errs2);
		if (errs2.total)
			abort(); /* what we write, we must read */
		tg_errors_free(&errs2);
		register_release(&back);
		sb_release(&sb);
	}
	tg_errors_free(&errs);
	register_release(&r);
	return 0;
}
