/*
** error.h: the one error convention of tuogou.
**
** Every function that can fail returns an int: 0 (TG_OK) on success, a
** negative TG_E* value on failure.  When the caller passes a tg_error, the
** failing function fills it with a stable machine code (for programs and
** tests), the place the error is about (a JSON path such as
** "associations[3].uscc", a sheet/row/column, or a CLI argument) and a
** message in Simplified Chinese (for people).
**
** Validation, which must report every problem of a bundle and not only the
** first, collects tg_error records into a tg_errors list.
**
** This header owns no resources beyond the list; it knows nothing of I/O.
*/
#ifndef TG_ERROR_H
#define TG_ERROR_H

#include <stddef.h>

enum {
	TG_OK = 0,
	TG_EINVAL = -1,   /* bad input: the error names the field */
	TG_ENOMEM = -2,
	TG_EIO = -3,      /* file or database I/O */
	TG_ENOTFOUND = -4,
	TG_ECONFLICT = -5 /* stale write, duplicate */
};

typedef struct tg_error {
	char code[40];     /* stable, ASCII, snake_case: "bad_uscc" */
	char path[192];    /* "associations[3].uscc", may be empty */
	char message[512]; /* Simplified Chinese, UTF-8 */
} tg_error;

/* Fill err (when not NULL) and return rc.  fmt is printf-style. */
int tg_error_set(tg_error *err, int rc, const char *code, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

typedef struct tg_errors {
	tg_error *items;
	size_t count;    /* errors kept in items */
	size_t total;    /* errors seen, kept or not */
	size_t cap;      /* hard limit of kept errors (default 200) */
	size_t alloc;
} tg_errors;

void tg_errors_init(tg_errors *list);
void tg_errors_free(tg_errors *list);
/* Append one error; beyond the cap only total grows. */
void tg_errors_add(tg_errors *list, const char *code, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
