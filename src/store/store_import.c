/*
** store_import.c: the import (store_import, store_import_as), written once
** over the driver interface (db.h): a bundle merged into the register in
** one write transaction, nothing half written.
**
** Arrays go in schema order, so that references meet their targets.  Into
** a register that is not empty, every record created or changed gets its
** history row and its audit record, as a single write records them, and
** an unchanged one is not written at all; the first import of an empty
** register is recorded in bulk (all is new, the file is the record).  The
** rows written go through the driver's bulk load (SQLite: the upsert
** stepped; PostgreSQL: COPY and one merge an array), in chunks: sealing a
** person's number may read the stored one, which a COPY in progress would
** not allow.  One history row and one audit record name the counts.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

#define CHUNK_ROWS 4096 /* rows sealed, then sent, at a time */

/* Whether no table of the register holds a row: a first import. */
static int register_empty(tg_store *s, bool *empty, tg_error *err)
{
	*empty = true;
	for (int a = 0; a < ARR_COUNT && *empty; a++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", tg_schema[a].key);
		tg_stmt *st = db_prepare(s->db, sql, err);
		int step = db_step(st, err);
		db_reset(st);
		if (step < 0)
			return step;
		*empty = step == DB_DONE;
	}
	return TG_OK;
}

/* Which rows of array a the import writes (skip[i] false): the records
** created or changed, each with its history row and audit record. */
static int import_changes(tg_store *s, const tg_register *bundle, int a, const char *user,
			  bool *skip, size_t *n_write, tg_error *err)
{
	int rc = TG_OK;
	*n_write = 0;
	for (size_t i = 0; rc == TG_OK && i < bundle->t[a].count; i++) {
		char *before = NULL, *after = NULL;
		bool changed = false;
		rc = store_import_row_diff(s, bundle, a, i, &before, &after, &changed, err);
		if (rc == TG_OK && changed)
			rc = store_record_changed(s, user, bundle, a, i, before, after, err);
		skip[i] = !changed;
		*n_write += changed;
		free(before);
		free(after);
	}
	return rc;
}

/* A row the database refused, named by its array and index. */
static int row_refused(int a, size_t i, int rc, tg_error *err)
{
	if (rc != TG_EIO || !err)
		return rc;
	char path[96], msg[sizeof err->message];
	snprintf(path, sizeof path, "%s[%zu]", tg_schema[a].key, i);
	memcpy(msg, err->message, sizeof msg);
	return tg_error_set(err, rc, "db_error", path, "写入数据库失败：%s", msg);
}

/* Rows [from, to) of array a but those skip marks (skip may be NULL):
** persons sealed first, then sent. */
static int import_chunk(tg_store *s, tg_stmt *bulk, const tg_register *bundle, int a,
			size_t from, size_t to, const bool *skip, struct person_seal *seals,
			tg_error *err)
{
	int rc = TG_OK;
	for (size_t i = from; seals && rc == TG_OK && i < to; i++)
		if (!skip || !skip[i])
			rc = store_person_seal(s, register_row(bundle, a, i), &seals[i - from], err);
	for (size_t i = from; rc == TG_OK && i < to; i++)
		if (!skip || !skip[i])
			rc = row_refused(a, i,
					 store_bulk_row(bulk, a, register_row(bundle, a, i),
							seals ? &seals[i - from] : NULL, err),
					 err);
	for (size_t i = from; seals && i < to; i++)
		store_person_seal_free(&seals[i - from]);
	if (seals)
		memset(seals, 0, (to - from) * sizeof *seals);
	return rc;
}

/* The rows of array a but those skip marks (NULL: every row). */
static int import_rows(tg_store *s, const tg_register *bundle, int a, const bool *skip,
		       tg_error *err)
{
	size_t count = bundle->t[a].count;
	struct person_seal *seals = NULL;
	if (a == ARR_PERSONS && !(seals = calloc(count < CHUNK_ROWS ? count : CHUNK_ROWS,
						 sizeof *seals)))
		return TG_ENOMEM;
	tg_stmt *bulk = store_bulk_begin(s, a, err);
	int rc = bulk ? TG_OK : TG_EIO;
	for (size_t from = 0; rc == TG_OK && from < count; from += CHUNK_ROWS) {
		size_t to = count - from < CHUNK_ROWS ? count : from + CHUNK_ROWS;
		/* the connection free for the seals' reads */
		if (seals && from)
			rc = db_bulk_flush(bulk, err);
		if (rc == TG_OK)
			rc = import_chunk(s, bulk, bundle, a, from, to, skip, seals, err);
	}
	rc = bulk ? db_bulk_end(bulk, rc, err) : rc;
	free(seals);
	return rc;
}

int store_import_as(tg_store *s, const tg_register *bundle, const char *user, tg_error *err)
{
	bool first = false;
	strbuf counts;
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = register_empty(s, &first, err);
	sb_init(&counts);
	sb_addc(&counts, '{');
	for (int a = 0; a < ARR_COUNT && rc == TG_OK; a++) {
		size_t n = bundle->t[a].count, n_write = n;
		if (!n)
			continue;
		sb_addf(&counts, "%s\"%s\": %zu", counts.len > 1 ? ", " : "", tg_schema[a].key, n);
		bool *skip = first ? NULL : calloc(n, sizeof *skip);
		if (!first && !skip)
			rc = TG_ENOMEM;
		if (rc == TG_OK && skip)
			rc = import_changes(s, bundle, a, user, skip, &n_write, err);
		if (rc == TG_OK && n_write)
			rc = import_rows(s, bundle, a, skip, err);
		free(skip);
	}
	sb_addc(&counts, '}');
	/* One history row per import: the counts, not every record (a national
	** import would double the database). */
	if (rc == TG_OK)
		rc = store_change_add(s, user, "import", NULL, NULL, NULL, counts.buf, err);
	if (rc == TG_OK)
		rc = store_audit_append(s, "import", NULL, "ok", NULL, counts.buf, err);
	if (rc == TG_OK)
		rc = store_generation_bump(s, err);
	rc = db_write_end(s->db, rc, err);
	sb_release(&counts);
	return rc;
}

int store_import(tg_store *s, const tg_register *bundle, tg_error *err)
{
	return store_import_as(s, bundle, s->actor.user[0] ? s->actor.user : "cli", err);
}
