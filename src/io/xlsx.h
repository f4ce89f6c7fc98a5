/*
** xlsx.h: Office Open XML workbooks (.xlsx), read and written.
**
** Reading (xlsx_read.c, libzip + expat) turns every worksheet into a grid
** (grid.h): shared strings, inline strings, numbers, booleans, and numbers
** with a date format as YYYY-MM-DD.  A workbook is untrusted input: the
** number of zip entries, the uncompressed size of each part and of all of
** them, and the depth of the XML are capped, DOCTYPEs are refused, and a
** file that is not a workbook is a clear error, never a crash.
**
** Writing (xlsx_write.c, libxlsxwriter) produces workbooks for people:
** one sheet per array named by its Chinese name, Chinese headers, a frozen
** header row, an auto-filter, dates as real Excel dates (yyyy-mm-dd), money
** with two decimals.  Such a workbook imports back to the same facts.
*/
#ifndef TG_XLSX_H
#define TG_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "register.h"
#include "rules.h"
#include "grid.h"

typedef struct tg_xlsx_limits {
	size_t max_entries;    /* zip entries */
	size_t max_part_bytes; /* uncompressed bytes of one part */
	size_t max_total_bytes; /* uncompressed bytes of all parts read */
	unsigned max_depth;    /* XML element nesting */
} tg_xlsx_limits;

/* 10 000 entries, 256 MB a part, 1 GB in all, depth 64. */
extern const tg_xlsx_limits tg_xlsx_default_limits;

/* Read every worksheet of the workbook at path into wb (zeroed by the
** caller), in workbook order.  *date1904 tells which date system the
** workbook uses.  limits may be NULL for the defaults.  err->code is one of
** bad_xlsx, too_large, io. */
int xlsx_read_file(const char *path, const tg_xlsx_limits *limits, tg_workbook *wb,
		   bool *date1904, tg_error *err);
/* The same from a workbook's bytes in memory (an upload, a fuzz input). */
int xlsx_read_buffer(const void *buf, size_t len, const tg_xlsx_limits *limits, tg_workbook *wb,
		     bool *date1904, tg_error *err);

typedef struct tg_xlsx_options {
	bool mask_ids; /* ID numbers as 410302********1234 (web downloads) */
	int only;      /* one array (enum tg_array), or -1 for every array */
} tg_xlsx_options;

/* The register as a workbook, one sheet per array (opts may be NULL: every
** array, ID numbers in full).  Records sorted by key, as bundle_write. */
int xlsx_write_register(const tg_register *r, const char *path, const tg_xlsx_options *opts,
			tg_error *err);
/* The empty import template: every sheet with its Chinese headers, a note
** on each header (key, type, required) and drop-down lists for every enum
** and yes/no column. */
int xlsx_write_template(const char *path, tg_error *err);
/* A findings list (问题清单) as one sheet; r (may be NULL) names the
** associations. */
int xlsx_write_findings(const tg_findings *fs, const tg_plan *plan, const tg_register *r,
			const char *path, tg_error *err);

#endif
