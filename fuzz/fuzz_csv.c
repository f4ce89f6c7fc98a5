/*
** fuzz_csv.c: libFuzzer harness for CSV import (csv.c, sheet.c): the CSV
** reader with its encoding detection, then the mapping of the grid onto a
** register array and the validation of every row, as `tuogou import
** posts.csv` does.  Any bytes must give a grid or an error naming a row
** and column, never a crash, a leak or undefined behaviour.
**
** The first byte picks the array (its low four bits) and, with bit 0x80,
** makes the harness also check the encodings against each other: a UTF-8
** input that converts to GB18030 (and is then no longer UTF-8), and the
** same input behind a UTF-8 byte order mark and as UTF-16LE, must give
** exactly the same grid as the UTF-8 input.
*/
#include <iconv.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "csv.h"
#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* iconv from UTF-8 to `to`; NULL when the text does not convert. */
static char *recode(const char *to, const char *in, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = len * 4 + 16, left_out = cap, left_in = len;
	char *dst = malloc(cap), *o = dst, *i = (char *)in;
	if (!dst)
		abort();
	size_t r = iconv(cd, &i, &left_in, &o, &left_out);
	iconv_close(cd);
	if (r == (size_t)-1 || left_in) {
		free(dst);
		return NULL;
	}
	*out_len = (size_t)(o - dst);
	return dst;
}

static bool same_grid(const tg_grid *a, const tg_grid *b)
{
	if (a->n_rows != b->n_rows)
		return false;
	for (size_t i = 0; i < a->n_rows; i++) {
		const tg_grid_row *ra = &a->rows[i], *rb = &b->rows[i];
		if (ra->row != rb->row || ra->n != rb->n)
			return false;
		for (size_t k = 0; k < ra->n; k++)
			if (ra->cells[k].col != rb->cells[k].col ||
			    strcmp(ra->cells[k].text, rb->cells[k].text))
				return false;
	}
	return true;
}

/* Parse the same text in another encoding: the grid must not change. */
static void check_encoding(const tg_grid *want, const char *text, size_t len, const char *prefix,
			   size_t plen)
{
	tg_grid g;
	tg_error err = {0};
	grid_init(&g, "x");
	char *buf = malloc(plen + len + 1);
	if (!buf)
		abort();
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, text, len);
	if (csv_read_buffer(buf, plen + len, &g, &err) || !same_grid(want, &g))
		abort(); /* an encoding changed what the file says */
	free(buf);
	grid_release(&g);
}

static void check_encodings(const tg_grid *want, const char *text, size_t len)
{
	size_t n;
	char *gb = recode("GB18030", text, len, &n);
	if (gb && !utf8_valid(gb, n)) {
		/* only when the round trip is exact: iconv's GB18030 maps a few
		** private-use code points one way */
		size_t back_n;
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		char *back = malloc(len * 2 + 16), *o = back, *in = gb;
		size_t left_in = n, left_out = len * 2 + 16;
		if (!back)
			abort();
		bool exact = cd != (iconv_t)-1 && iconv(cd, &in, &left_in, &o, &left_out) != (size_t)-1 &&
			     !left_in && (back_n = (size_t)(o - back)) == len && !memcmp(back, text, len);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		free(back);
		if (exact)
			check_encoding(want, gb, n, "", 0);
	}
	free(gb);
	check_encoding(want, text, len, "\xEF\xBB\xBF", 3);
	char *u16 = recode("UTF-16LE", text, len, &n);
	if (u16)
		check_encoding(want, u16, n, "\xFF\xFE", 2);
	free(u16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *plan_batches[] = {"pilot", "second"};
	if (size < 1)
		return 0;
	int a = (data[0] & 0x0f) % ARR_COUNT;
	bool cross = data[0] & 0x80;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	tg_grid g;
	tg_error err = {0};
	grid_init(&g, tg_schema[a].zh);
	int rc = csv_read_buffer(text, len, &g, &err);
	if (rc) {
		if (!err.code[0])
			abort(); /* a refusal always says why */
		grid_release(&g);
		return 0;
	}
	if (cross && utf8_valid(text, len) && !(len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)))
		check_encodings(&g, text, len);

	tg_register r;
	tg_errors errs;
	tg_sheet_origin *origin = NULL;
	register_init(&r);
	tg_errors_init(&errs);
	if (sheet_read_grid(&g, a, &r, &origin, &errs) == TG_OK) {
		size_t mark = errs.count;
		register_resolve(&r, plan_batches, 2, NULL, &errs);
		sheet_translate_errors(origin, &errs, mark);
	}
	for (size_t i = 0; i < errs.count; i++)
		if (!errs.items[i].code[0])
			abort();
	tg_errors_free(&errs);
	sheet_origin_free(origin);
	register_release(&r);
	grid_release(&g);
	return 0;
}
