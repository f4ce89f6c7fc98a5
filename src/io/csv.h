/*
** csv.h: reading CSV files (RFC 4180) into a grid (grid.h).
**
** Fields are separated by commas, records by CRLF or LF; a field in double
** quotes may hold commas, line breaks and doubled quotes.  Anything else is
** a malformed record and an error naming its row and column: a quote inside
** an unquoted field, text after a closing quote, a quote never closed.
**
** The encoding is detected: UTF-8 with or without a byte order mark, UTF-16
** with a byte order mark, else GB18030 (what older Chinese tools write,
** GBK and GB2312 being subsets of it), converted with iconv.
*/
#ifndef TG_CSV_H
#define TG_CSV_H

#include <stddef.h>

#include "error.h"
#include "grid.h"

/* Largest CSV file read (bytes). */
#define TG_CSV_MAX_BYTES ((size_t)256 << 20)

/* Convert buf to UTF-8 (malloc'd, NUL-terminated, without BOM) and name the
** encoding found ("UTF-8", "GB18030", ...).  err->code "bad_encoding". */
int csv_to_utf8(const char *buf, size_t len, char **out, size_t *out_len,
		const char **encoding, tg_error *err);
/* Parse CSV text (any of the encodings) into g (initialised by the
** caller).  err->code "bad_csv" with err->path 第N行第M列. */
int csv_read_buffer(const char *buf, size_t len, tg_grid *g, tg_error *err);
int csv_read_file(const char *path, tg_grid *g, tg_error *err);

#endif
