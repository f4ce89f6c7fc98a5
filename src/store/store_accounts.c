/*
** store_accounts.c: the store's logic for accounts and what goes with
** them, written once over the driver interface (db.h): the settings
** ("require_totp") today; users, sessions, requests, login failures and
** TOTP secrets move here from the backends.
*/
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

int store_setting_get(tg_store *s, const char *key, char *value, size_t size, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT \"value\" FROM settings WHERE \"key\" = ?", err);
	if (!st)
		return TG_EIO;
	db_bind_text(st, 1, key);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = (str_copy(value, size, db_column_text(st, 0)), TG_OK);
	else if (rc == DB_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "no_setting", key, "没有设置项“%s”", key);
	db_reset(st);
	return rc;
}

/* {"key": value} for the audit record; value NULL is null. */
static void setting_json(strbuf *sb, const char *key, const char *value)
{
	sb_init(sb);
	sb_addc(sb, '{');
	sb_add_json_str(sb, key);
	sb_adds(sb, ": ");
	sb_add_json_str(sb, value);
	sb_addc(sb, '}');
}

int store_setting_set(tg_store *s, const char *key, const char *value, tg_error *err)
{
	char old[256] = "", object[96];
	bool had = store_setting_get(s, key, old, sizeof old, NULL) == TG_OK;
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(
		s->db,
		"INSERT INTO settings (\"key\", \"value\", \"updated_by\") VALUES (?, ?, ?) "
		"ON CONFLICT (\"key\") DO UPDATE SET \"value\" = excluded.\"value\", "
		"\"updated_by\" = excluded.\"updated_by\", \"updated_at\" = tg_now()",
		err);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	db_bind_text(st, 3, s->actor.user);
	rc = db_run(st, err);
	if (rc == TG_OK) {
		strbuf b, a;
		setting_json(&b, key, had ? old : NULL);
		setting_json(&a, key, value);
		snprintf(object, sizeof object, "settings/%s", key);
		rc = store_audit_append(s, "setting", object, "ok", b.buf, a.buf, err);
		sb_release(&b);
		sb_release(&a);
	}
	return db_write_end(s->db, rc, err);
}

bool store_setting_on(tg_store *s, const char *key)
{
	char v[16];
	return store_setting_get(s, key, v, sizeof v, NULL) == TG_OK && !strcmp(v, "1");
}
