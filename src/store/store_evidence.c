/*
** store_evidence.c: the store's logic for evidence records, written once
** over the driver interface (db.h): adding one (with its history row and
** audit record, in one transaction), reading one, listing an
** association's, attaching one to a rule and subject.  The files
** themselves are the caller's business.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

#define EVIDENCE_COLUMNS                                                                   \
	"\"id\", \"association\", \"rule\", \"subject\", \"name\", \"content_type\", \"size\", "   \
	"\"sha256\", \"path\", \"uploaded_by\", \"uploaded_at\""

#define E(kind, m) DB_##kind(tg_evidence, m)
static const db_member evidence_members[] = {
	E(INT, id), E(TEXT, association), E(TEXT, rule), E(TEXT, subject), E(TEXT, name),
	E(TEXT, content_type), E(INT, size), E(TEXT, sha256), E(TEXT, path),
	E(TEXT, uploaded_by), E(TEXT, uploaded_at)
};
#undef E

/* A row of EVIDENCE_COLUMNS. */
static void read_evidence(tg_stmt *st, void *item)
{
	db_read_members(st, item, evidence_members, sizeof evidence_members / sizeof *evidence_members);
}

/* The row of e, setting its id and upload time. */
static int evidence_insert(tg_store *s, tg_evidence *e, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO evidence (\"association\", \"rule\", \"subject\", "
				 "\"name\", \"content_type\", \"size\", \"sha256\", \"path\", "
				 "\"uploaded_by\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
				 "RETURNING \"id\", \"uploaded_at\"",
				 err);
	db_bind_text(st, 1, e->association);
	db_bind_text_or_null(st, 2, e->rule);
	db_bind_text_or_null(st, 3, e->subject);
	db_bind_texts(st, 4, (const char *const[]){e->name, e->content_type}, 2);
	db_bind_int64(st, 6, e->size);
	db_bind_texts(st, 7, (const char *const[]){e->sha256, e->path, e->uploaded_by}, 3);
	static const db_member returned[] = {DB_INT(tg_evidence, id),
					     DB_TEXT(tg_evidence, uploaded_at)};
	return db_run_returning(st, e, returned, 2, NULL, err);
}

int store_evidence_add(tg_store *s, tg_evidence *e, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = evidence_insert(s, e, err);
	if (rc == TG_OK) {
		char after[160], object[64];
		snprintf(after, sizeof after, "{\"evidence\": %lld, \"sha256\": \"%s\"}",
			 (long long)e->id, e->sha256);
		rc = store_change_add(s, e->uploaded_by, "evidence", e->name, e->association, NULL,
				      after, err);
		snprintf(object, sizeof object, "evidence/%lld", (long long)e->id);
		if (rc == TG_OK)
			rc = store_audit_append(s, "evidence_upload", object, "ok", NULL, after, err);
	}
	return db_write_end(s->db, rc, err);
}

int store_evidence_get(tg_store *s, int64_t id, tg_evidence *e, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE \"id\" = ?",
				 err);
	db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = (memset(e, 0, sizeof *e), read_evidence(st, e), TG_OK);
	else if (rc == DB_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该佐证材料");
	db_reset(st);
	return rc;
}

int store_evidence_list(tg_store *s, const char *association, tg_evidence **items, size_t *n,
			tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE \"association\" = ? "
				 "ORDER BY \"id\"",
				 err);
	db_bind_text(st, 1, association);
	return db_collect(st, sizeof **items, read_evidence, (void **)items, n, err);
}

int store_evidence_attach(tg_store *s, int64_t id, const char *rule, const char *subject,
			  tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(s->db,
				 "UPDATE evidence SET \"rule\" = ?, \"subject\" = ? WHERE \"id\" = ?",
				 err);
	db_bind_text_or_null(st, 1, rule);
	db_bind_text_or_null(st, 2, subject);
	db_bind_int64(st, 3, id);
	rc = db_run(st, err);
	if (rc == TG_OK) {
		char object[64];
		strbuf after;
		sb_init(&after);
		sb_adds(&after, "{\"rule\": ");
		sb_add_json_str(&after, rule);
		sb_adds(&after, ", \"subject\": ");
		sb_add_json_str(&after, subject);
		sb_addc(&after, '}');
		snprintf(object, sizeof object, "evidence/%lld", (long long)id);
		rc = store_audit_append(s, "evidence_attach", object, "ok", NULL, after.buf, err);
		sb_release(&after);
	}
	return db_write_end(s->db, rc, err);
}
