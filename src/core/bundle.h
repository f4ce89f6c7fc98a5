/*
** bundle.h: the tuogou-bundle/1 JSON format (bundle.md) <-> the register.
**
** Reading validates everything bundle.md lists and reports each problem with
** its JSON path and a Chinese message; a register that came back with any
** error must not be stored.  Writing is deterministic: arrays in bundle
** order, records sorted by key, every field written, so that export is
** byte-stable and import-then-export gives the same facts back.
*/
#ifndef TG_BUNDLE_H
#define TG_BUNDLE_H

#include <jansson.h>

#include "register.h"
#include "strbuf.h"

#define TG_BUNDLE_FORMAT "tuogou-bundle/1"

/* Parse and validate a bundle document into r (initialised by the caller).
** Field-level problems go to errs; references are NOT resolved here (call
** register_resolve with the plan's batches).  Returns TG_OK when errs got
** nothing new. */
int bundle_read_buffer(const char *buf, size_t len, tg_register *r, tg_errors *errs);
int bundle_read_file(const char *path, tg_register *r, tg_errors *errs);

/* Parse one record of array a from a JSON object (the API's bodies use this
** too), appending it to r; path is the record's JSON path for messages. */
int bundle_read_record(tg_register *r, int a, json_t *obj, const char *path, tg_errors *errs);

/* Checks that need more than one field of a record (to after from, approved
** area for administrative premises, ...).  Called by bundle_read_record. */
void bundle_check_record(const tg_register *r, int a, const void *row, const char *path,
			 tg_errors *errs);

/* Write the whole register as a bundle. */
void bundle_write(const tg_register *r, const char *plan_id, strbuf *out);
/* Write one record as a JSON object. */
void bundle_write_record(const tg_register *r, int a, const void *row, strbuf *out);
/* The same with a person's ID number masked (ident_id_mask): what a
** person, the history and the audit log are shown. */
void bundle_write_record_masked(const tg_register *r, int a, const void *row, strbuf *out);

/* Money in fen as a JSON number ("35000", "12.5", "0.05"). */
void bundle_money_str(int64_t fen, char out[32]);
/* A double in the shortest form that reads back the same. */
void bundle_real_str(double v, char out[40]);

#endif
