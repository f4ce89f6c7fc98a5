/*
** fuzz_xlsx.c: libFuzzer harness for the XLSX reader (xlsx_read.c: libzip
** and expat on untrusted bytes) and the sheet mapping behind it (sheet.c),
** from bytes in memory, as `tuogou import book.xlsx` reads a workbook.
** Any input must give a workbook or bad_xlsx / too_large, never a crash, a
** leak, undefined behaviour or a runaway allocation (the limits are set
** low here so a zip bomb shows as too_large within the fuzzer's budget).
**
** Two forms of input:
**   - bytes starting with "PK": the zip container itself;
**   - anything else: parts, each "@@ NAME\n" followed by its content up to
**     the next "\n@@ ", zipped (stored) by the harness.  The checksums are
**     then right, so the fuzzer reaches the XML of every part.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "bundle.h"
#include "sheet.h"
#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next "\n@@ " in [p, end), or NULL. */
static const char *next_part(const char *p, const char *end)
{
	for (; end - p >= 4; p++)
		if (!memcmp(p, "\n@@ ", 4))
			return p;
	return NULL;
}

static const tg_xlsx_limits limits = {200, (size_t)4 << 20, (size_t)16 << 20, 64};

/* Zip the parts of a text input; NULL when it has none. */
static char *zip_parts(const char *in, size_t len, size_t *out_len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		abort();
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za)
		abort();
	size_t parts = 0;
	const char *p = in, *end = in + len;
	while (p < end && parts < 64) {
		if (end - p < 3 || memcmp(p, "@@ ", 3)) {
			const char *next = next_part(p, end);
			if (!next)
				break;
			p = next + 1;
			continue;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		char name[256];
		size_t nn = (size_t)(nl - p - 3);
		if (nn >= sizeof name)
			nn = sizeof name - 1;
		memcpy(name, p + 3, nn);
		name[nn] = '\0';
		const char *body = nl + 1;
		const char *next = next_part(body, end);
		const char *stop = next ? next : end;
		zip_source_t *part = zip_source_buffer(za, body, (zip_uint64_t)(stop - body), 0);
		zip_int64_t ix = part ? zip_file_add(za, name, part, ZIP_FL_ENC_UTF_8) : -1;
		if (ix < 0) {
			zip_source_free(part);
		} else {
			zip_set_file_compression(za, (zip_uint64_t)ix, ZIP_CM_STORE, 0);
			parts++;
		}
		p = next ? next + 1 : end;
	}
	char *out = NULL;
	if (zip_close(za) < 0) {
		zip_discard(za);
	} else if (parts && zip_source_open(src) == 0) {
		zip_source_seek(src, 0, SEEK_END);
		zip_int64_t n = zip_source_tell(src);
		zip_source_seek(src, 0, SEEK_SET);
		out = malloc(n > 0 ? (size_t)n : 1);
		if (!out)
			abort();
		*out_len = n > 0 ? (size_t)zip_source_read(src, out, (zip_uint64_t)n) : 0;
		zip_source_close(src);
	}
	zip_source_free(src);
	zip_error_fini(&ze);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *plan_batches[] = {"pilot", "second"};
	const char *bytes = (const char *)data;
	size_t len = size;
	char *zipped = NULL;
	if (size < 2 || memcmp(data, "PK", 2)) {
		zipped = zip_parts((const char *)data, size, &len);
		if (!zipped)
			return 0;
		bytes = zipped;
	}
	tg_workbook wb = {0};
	bool date1904 = false;
	tg_error err = {0};
	if (xlsx_read_buffer(bytes, len, &limits, &wb, &date1904, &err) == TG_OK) {
		tg_register r;
		tg_errors errs;
		tg_sheet_origin *origin = NULL;
		register_init(&r);
		tg_errors_init(&errs);
		int rc = sheet_read_workbook(&wb, &r, &origin, &errs);
		if (getenv("TG_FUZZ_VERBOSE"))
			fprintf(stderr, "workbook: %zu sheets, %zu errors %s\n", wb.n, errs.total,
				errs.count ? errs.items[0].message : "");
		if (rc == TG_OK) {
			size_t mark = errs.count;
			register_resolve(&r, plan_batches, 2, NULL, &errs);
			sheet_translate_errors(origin, &errs, mark);
		}
		tg_errors_free(&errs);
		sheet_origin_free(origin);
		register_release(&r);
	} else {
		if (getenv("TG_FUZZ_VERBOSE"))
			fprintf(stderr, "refused: %s %s\n", err.code, err.message);
		if (!err.code[0])
			abort(); /* a refusal always says why */
	}
	workbook_release(&wb);
	free(zipped);
	return 0;
}
