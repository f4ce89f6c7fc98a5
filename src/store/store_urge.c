/*
** store_urge.c: the store's logic for 催办 sent (store.h, tg_urge),
** written once over the driver interface (db.h): recording one with its
** change row and audit record in one transaction, its mail's outcome, the
** unit's 签收, and reading them.  What is urged and to whom is the
** caller's business (src/app/urge.c).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

#define URGE_COLUMNS                                                                       \
	"\"id\", \"unit\", \"unit_name\", \"as_of\", \"n_items\", \"sent_by\", "                 \
	"\"sent_by_name\", \"sent_at\", \"mail_status\", \"mail_to\", \"mail_error\", "          \
	"\"mail_at\", \"acknowledged_by\", \"acknowledged_at\", \"message\", \"items\""

#define M(kind, m) DB_##kind(tg_urge, m)
static const db_member urge_members[] = {
	M(INT, id), M(TEXT, unit), M(TEXT, unit_name), M(TEXT, as_of), M(INT, n_items),
	M(TEXT, sent_by), M(TEXT, sent_by_name), M(TEXT, sent_at), M(TEXT, mail_status),
	M(TEXT, mail_to), M(TEXT, mail_error), M(TEXT, mail_at), M(TEXT, acknowledged_by),
	M(TEXT, acknowledged_at)
};
#undef M
#define N_MEMBERS (sizeof urge_members / sizeof *urge_members)

static char *dup_or_null(const char *v)
{
	if (!v)
		return NULL;
	char *p = strdup(v);
	if (!p)
		abort(); /* as db_collect's rows: nothing sensible to go on with */
	return p;
}

/* A row of URGE_COLUMNS. */
static void read_urge(tg_stmt *st, void *item)
{
	tg_urge *u = item;
	db_read_members(st, u, urge_members, N_MEMBERS);
	u->message = dup_or_null(db_column_text(st, N_MEMBERS));
	u->items = dup_or_null(db_column_text(st, N_MEMBERS + 1));
}

/* The audit record of event on "units/UNIT" of urge id with after. */
static int urge_audit(tg_store *s, const char *event, const char *unit, const char *outcome,
		      const char *after, tg_error *err)
{
	char object[100];
	snprintf(object, sizeof object, "units/%s", unit);
	return store_audit_append(s, event, object, outcome, NULL, after, err);
}

int store_urge_add(tg_store *s, tg_urge *u, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO urges (\"unit\", \"unit_name\", \"as_of\", \"message\", "
				 "\"items\", \"n_items\", \"sent_by\", \"sent_by_name\", "
				 "\"mail_status\", \"mail_to\", \"mail_error\") "
				 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				 "RETURNING \"id\", \"sent_at\"",
				 err);
	db_bind_texts(st, 1, (const char *const[]){u->unit, u->unit_name, u->as_of}, 3);
	db_bind_text_or_null(st, 4, u->message);
	db_bind_text(st, 5, u->items);
	db_bind_int64(st, 6, u->n_items);
	db_bind_texts(st, 7, (const char *const[]){u->sent_by, u->sent_by_name, u->mail_status}, 3);
	db_bind_text_or_null(st, 10, u->mail_to);
	db_bind_text_or_null(st, 11, u->mail_error);
	static const db_member returned[] = {DB_INT(tg_urge, id), DB_TEXT(tg_urge, sent_at)};
	rc = db_run_returning(st, u, returned, 2, NULL, err);
	if (rc == TG_OK) {
		char key[24];
		strbuf after;
		sb_init(&after);
		sb_addf(&after, "{\"urge\": %lld", (long long)u->id);
		sb_add_json_member(&after, ", \"unit\": ", u->unit);
		sb_add_json_member(&after, ", \"as_of\": ", u->as_of);
		sb_addf(&after, ", \"n_items\": %lld", (long long)u->n_items);
		sb_add_json_member(&after, ", \"message\": ", u->message);
		sb_add_json_member(&after, ", \"mail_status\": ", u->mail_status);
		if (u->mail_error[0])
			sb_add_json_member(&after, ", \"mail_error\": ", u->mail_error);
		sb_addc(&after, '}');
		snprintf(key, sizeof key, "%lld", (long long)u->id);
		rc = store_change_add(s, u->sent_by, "urges", key, NULL, NULL, after.buf, err);
		if (rc == TG_OK)
			rc = urge_audit(s, "urge_send", u->unit, "ok", after.buf, err);
		sb_release(&after);
	}
	return db_write_end(s->db, rc, err);
}

/* The unit of urge id, for its audit records; TG_ENOTFOUND. */
static int urge_unit(tg_store *s, int64_t id, char *unit, size_t size, char *acknowledged,
		     size_t ack_size, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"unit\", \"acknowledged_at\" FROM urges WHERE \"id\" = ?",
				 err);
	db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		str_copy(unit, size, db_column_text(st, 0));
		const char *ack = db_column_text(st, 1);
		str_copy(acknowledged, ack_size, ack ? ack : "");
		rc = TG_OK;
	} else if (rc == DB_DONE) {
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该催办记录");
	}
	db_reset(st);
	return rc;
}

int store_urge_mail_result(tg_store *s, int64_t id, const char *status, const char *to,
			   const char *error, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	char unit[65], ack[24];
	rc = urge_unit(s, id, unit, sizeof unit, ack, sizeof ack, err);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (rc == TG_OK)
		rc = db_run_texts(s->db,
				  "UPDATE urges SET \"mail_status\" = ?, \"mail_to\" = ?, "
				  "\"mail_error\" = ?, \"mail_at\" = tg_now() "
				  "WHERE \"id\" = CAST(? AS BIGINT)",
				  (const char *[]){status, to && *to ? to : NULL,
						   error && *error ? error : NULL, key},
				  4, err);
	if (rc == TG_OK) {
		strbuf after;
		sb_init(&after);
		sb_addf(&after, "{\"urge\": %lld", (long long)id);
		sb_add_json_member(&after, ", \"mail_status\": ", status);
		sb_add_json_member(&after, ", \"mail_to\": ", to);
		sb_add_json_member(&after, ", \"mail_error\": ", error);
		sb_addc(&after, '}');
		rc = urge_audit(s, "urge_mail", unit, strcmp(status, "sent") ? "failed" : "ok",
				after.buf, err);
		sb_release(&after);
	}
	return db_write_end(s->db, rc, err);
}

int store_urge_acknowledge(tg_store *s, int64_t id, const char *user, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	char unit[65], ack[24];
	rc = urge_unit(s, id, unit, sizeof unit, ack, sizeof ack, err);
	if (rc == TG_OK && ack[0])
		rc = tg_error_set(err, TG_ECONFLICT, "already_acknowledged", "",
				  "该催办已于%s签收", ack);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (rc == TG_OK)
		rc = db_run_texts(s->db,
				  "UPDATE urges SET \"acknowledged_by\" = ?, "
				  "\"acknowledged_at\" = tg_now() WHERE \"id\" = CAST(? AS BIGINT)",
				  (const char *[]){user, key}, 2, err);
	if (rc == TG_OK) {
		char after[64];
		snprintf(after, sizeof after, "{\"urge\": %lld}", (long long)id);
		rc = urge_audit(s, "urge_acknowledge", unit, "ok", after, err);
	}
	return db_write_end(s->db, rc, err);
}

int store_urge_get(tg_store *s, int64_t id, tg_urge *out, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT " URGE_COLUMNS " FROM urges WHERE \"id\" = ?", err);
	db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	memset(out, 0, sizeof *out);
	if (rc == DB_ROW)
		rc = (read_urge(st, out), TG_OK);
	else if (rc == DB_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该催办记录");
	db_reset(st);
	return rc;
}

int store_urge_list(tg_store *s, const char *unit, tg_urge **items, size_t *n, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 unit ? "SELECT " URGE_COLUMNS " FROM urges WHERE \"unit\" = ? "
					"ORDER BY \"id\" DESC"
				      : "SELECT " URGE_COLUMNS " FROM urges ORDER BY \"id\" DESC",
				 err);
	if (unit)
		db_bind_text(st, 1, unit);
	return db_collect(st, sizeof **items, read_urge, (void **)items, n, err);
}

void store_urges_free(tg_urge *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++) {
		free(items[i].message);
		free(items[i].items);
	}
	free(items);
}
