/*
** store_accounts.c: the store's logic for accounts and what goes with
** them, written once over the driver interface (db.h): the settings
** ("require_totp"), users (added, read, listed, changed, the counters of
** a login), their TOTP secrets (sealed under the data key), sessions and
** the requests for a second administrator's approval.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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
	rc = db_run_texts(s->db,
			  "INSERT INTO settings (\"key\", \"value\", \"updated_by\") VALUES (?, ?, ?) "
			  "ON CONFLICT (\"key\") DO UPDATE SET \"value\" = excluded.\"value\", "
			  "\"updated_by\" = excluded.\"updated_by\", \"updated_at\" = tg_now()",
			  (const char *[]){key, value, s->actor.user}, 3, err);
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

/* ---- users ---- */

#define USER_COLUMNS                                                                       \
	"\"id\", \"username\", \"display_name\", \"role\", \"unit\", \"association\", "             \
	"\"department\", \"password_hash\", \"failed_count\", \"locked_until\", "                 \
	"\"totp_secret\" IS NOT NULL, \"created_at\", \"locked\", \"totp_last_step\", "        \
	"\"must_change_password\", \"jurisdiction\", \"last_login_at\""

#define U(kind, m) DB_##kind(tg_user, m)
static const db_member user_members[] = {
	U(INT, id), U(TEXT, username), U(TEXT, display_name), U(TEXT, role), U(TEXT, unit),
	U(TEXT, association), U(TEXT, department), U(TEXT, password_hash), U(INT, failed_count),
	U(INT, locked_until), U(BOOL, has_totp), U(TEXT, created_at), U(BOOL, locked),
	U(INT, totp_last_step), U(BOOL, must_change), U(TEXT, jurisdiction), U(INT, last_login_at)
};
#undef U

/* A row of USER_COLUMNS. */
static void read_user(tg_stmt *st, void *item)
{
	db_read_members(st, item, user_members, sizeof user_members / sizeof *user_members);
}

/* An account the database refused: the name taken, or a constraint
** (store_user_refused); else the driver's error as it stands. */
static int user_refused(tg_store *s, const tg_user *u, bool add, int rc, tg_error *err)
{
	enum db_failure f = db_failure(s->db);
	if (add && f == DB_FAIL_UNIQUE)
		return tg_error_set(err, TG_ECONFLICT, "duplicate_user", "username",
				    "用户名“%s”已存在", u->username);
	if (f == DB_FAIL_FOREIGN_KEY || f == DB_FAIL_CHECK)
		return store_user_refused(u, f == DB_FAIL_FOREIGN_KEY, err);
	return rc;
}

/* What an account's INSERT and UPDATE both write, as ?2 .. ?7. */
static void bind_account(tg_stmt *st, const tg_user *u)
{
	db_bind_text_or_null(st, 2, u->display_name);
	db_bind_text(st, 3, u->role);
	db_bind_text_or_null(st, 4, u->unit);
	db_bind_text_or_null(st, 5, u->association);
	db_bind_text_or_null(st, 6, u->department);
	db_bind_text(st, 7, u->password_hash);
}

int store_user_add(tg_store *s, const tg_user *u, tg_error *err)
{
	int rc = store_user_check(s, u, err);
	if (rc == TG_OK)
		rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO users (\"username\", \"display_name\", \"role\", \"unit\", "
				 "\"association\", \"department\", \"password_hash\", "
				 "\"must_change_password\", \"jurisdiction\") VALUES (?, ?, ?, ?, ?, ?, ?, "
				 "CAST(? AS BOOLEAN), ?)",
				 err);
	db_bind_text(st, 1, u->username);
	bind_account(st, u);
	db_bind_int64(st, 8, u->must_change);
	db_bind_text_or_null(st, 9, u->jurisdiction);
	rc = db_run(st, err);
	if (rc) {
		rc = user_refused(s, u, true, rc, err);
	} else {
		char object[96], *after = store_user_json(u);
		snprintf(object, sizeof object, "users/%s", u->username);
		rc = store_audit_append(s, "user_add", object, "ok", NULL, after, err);
		free(after);
	}
	return db_write_end(s->db, rc, err);
}

int store_user_get(tg_store *s, const char *username, int64_t id, tg_user *u, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 username ? "SELECT " USER_COLUMNS " FROM users WHERE \"username\" = ?"
					  : "SELECT " USER_COLUMNS " FROM users WHERE \"id\" = ?",
				 err);
	if (username)
		db_bind_text(st, 1, username);
	else
		db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = (memset(u, 0, sizeof *u), read_user(st, u), TG_OK);
	else if (rc == DB_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "no_user", "username", "用户不存在");
	db_reset(st);
	return rc;
}

int store_user_list(tg_store *s, tg_user **users, size_t *n, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT " USER_COLUMNS " FROM users ORDER BY \"username\"",
				 err);
	return db_collect(st, sizeof **users, read_user, (void **)users, n, err);
}

/* The counters after a password check (store.h: store_user_login_result). */
static int login_counters(tg_store *s, int64_t id, bool ok, int64_t now, int max_failures,
			  int64_t lock_seconds, tg_error *err)
{
	tg_stmt *st;
	if (ok) {
		st = db_prepare(s->db,
				"UPDATE users SET \"failed_count\" = 0, \"locked_until\" = 0, "
				"\"last_login_at\" = CAST(?2 AS BIGINT) WHERE \"id\" = ?1",
				err);
		db_bind_int64(st, 2, now);
	} else if (max_failures <= 0) { /* the administrators' growing delay */
		st = db_prepare(s->db,
				"UPDATE users SET \"failed_count\" = \"failed_count\" + 1, "
				"\"locked_until\" = CASE WHEN CAST(?3 AS BIGINT) > 0 THEN "
				"CAST(?2 AS BIGINT) + CAST(?3 AS BIGINT) ELSE \"locked_until\" END "
				"WHERE \"id\" = ?1",
				err);
		db_bind_int64(st, 2, now);
		db_bind_int64(st, 3, lock_seconds);
	} else {
		st = db_prepare(s->db,
				"UPDATE users SET \"locked_until\" = CASE WHEN \"failed_count\" + 1 "
				">= CAST(?2 AS BIGINT) THEN CAST(?3 AS BIGINT) + CAST(?4 AS BIGINT) "
				"ELSE \"locked_until\" END, \"failed_count\" = CASE WHEN "
				"\"failed_count\" + 1 >= CAST(?2 AS BIGINT) THEN 0 ELSE "
				"\"failed_count\" + 1 END WHERE \"id\" = ?1",
				err);
		db_bind_int64(st, 2, max_failures);
		db_bind_int64(st, 3, now);
		db_bind_int64(st, 4, lock_seconds);
	}
	db_bind_int64(st, 1, id);
	return db_run(st, err);
}

int store_user_login_result(tg_store *s, int64_t id, bool ok, int64_t now, int max_failures,
			    int64_t lock_seconds, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = login_counters(s, id, ok, now, max_failures, lock_seconds, err);
	/* The login and its outcome, and the lock-out it may have caused. */
	tg_user u;
	if (rc == TG_OK)
		rc = store_user_get(s, NULL, id, &u, err);
	if (rc == TG_OK) {
		char object[96];
		snprintf(object, sizeof object, "users/%s", u.username);
		rc = store_audit_append(s, ok ? "login" : "login_failed", object,
					ok ? "ok" : "failed", NULL, NULL, err);
		if (rc == TG_OK && !ok && lock_seconds > 0 && u.locked_until == now + lock_seconds)
			rc = store_audit_append(s, "lockout", object, "ok", NULL, NULL, err);
	}
	return db_write_end(s->db, rc, err);
}

/* The audit records of a change from old to u (store.h: store_user_update),
** and the end of its sessions when its role, scope, lock or password changed. */
static int user_changed(tg_store *s, const tg_user *old, const tg_user *u, tg_error *err)
{
	char object[96];
	snprintf(object, sizeof object, "users/%s", old->username);
	char *before = store_user_json(old);
	tg_user now = *u;
	str_copy(now.username, sizeof now.username, old->username);
	char *after = store_user_json(&now);
	bool scope = !store_same_scope(old, u), lock = old->locked != u->locked,
	     password = strcmp(old->password_hash, u->password_hash) != 0,
	     name = strcmp(old->display_name, u->display_name) != 0;
	int rc = TG_OK;
	if (scope)
		rc = store_audit_append(s, "role_change", object, "ok", before, after, err);
	if (rc == TG_OK && lock)
		rc = store_audit_append(s, u->locked ? "user_lock" : "user_unlock", object, "ok",
					NULL, NULL, err);
	if (rc == TG_OK && password)
		rc = store_audit_append(s, "password_reset", object, "ok", NULL, NULL, err);
	if (rc == TG_OK && name)
		rc = store_audit_append(s, "user_update", object, "ok", before, after, err);
	if (rc == TG_OK && (scope || lock || password)) {
		tg_stmt *end = db_prepare(s->db, "DELETE FROM sessions WHERE \"user\" = ?", err);
		db_bind_int64(end, 1, u->id);
		rc = db_run(end, err);
	}
	free(before);
	free(after);
	return rc;
}

int store_user_update(tg_store *s, const tg_user *u, tg_error *err)
{
	tg_user old;
	int rc = store_user_check(s, u, err);
	if (rc == TG_OK)
		rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = store_user_get(s, NULL, u->id, &old, err);
	tg_stmt *st = rc ? NULL
			 : db_prepare(s->db,
				      "UPDATE users SET \"display_name\" = ?2, \"role\" = ?3, "
				      "\"unit\" = ?4, \"association\" = ?5, \"department\" = ?6, "
				      "\"password_hash\" = ?7, \"locked\" = CAST(?8 AS BOOLEAN), "
				      "\"locked_until\" = CASE WHEN CAST(?8 AS BOOLEAN) THEN "
				      "\"locked_until\" ELSE 0 END, \"failed_count\" = CASE WHEN "
				      "CAST(?8 AS BOOLEAN) THEN \"failed_count\" ELSE 0 END, "
				      "\"must_change_password\" = CAST(?9 AS BOOLEAN), "
				      "\"jurisdiction\" = ?10 WHERE \"id\" = ?1",
				      err);
	if (st) {
		db_bind_int64(st, 1, u->id);
		bind_account(st, u);
		db_bind_int64(st, 8, u->locked);
		db_bind_int64(st, 9, u->must_change);
		db_bind_text_or_null(st, 10, u->jurisdiction);
		rc = db_run(st, err);
		rc = rc ? user_refused(s, u, false, rc, err) : user_changed(s, &old, u, err);
	} else if (rc == TG_OK) {
		rc = TG_EIO;
	}
	return db_write_end(s->db, rc, err);
}

/* ---- TOTP secrets, sealed under the data key ---- */

int store_user_totp_set(tg_store *s, int64_t id, const char *secret, tg_error *err)
{
	char ad[64], object[96];
	char *sealed = NULL;
	tg_user u;
	int rc = secret ? store_need_key(s, err) : TG_OK;
	snprintf(ad, sizeof ad, "users/%lld/totp", (long long)id);
	if (rc == TG_OK && secret)
		rc = secret_seal(&s->key, secret, ad, &sealed, err);
	if (rc == TG_OK)
		rc = db_write_begin(s->db, err);
	if (rc) {
		free(sealed);
		return rc;
	}
	rc = store_user_get(s, NULL, id, &u, err);
	if (rc == TG_OK) {
		tg_stmt *st = db_prepare(s->db,
					 "UPDATE users SET \"totp_secret\" = ?, \"totp_last_step\" = 0 "
					 "WHERE \"id\" = ?",
					 err);
		db_bind_text_or_null(st, 1, sealed);
		db_bind_int64(st, 2, id);
		rc = db_run(st, err);
	}
	if (rc == TG_OK) {
		snprintf(object, sizeof object, "users/%s", u.username);
		rc = store_audit_append(s, secret ? "totp_set" : "totp_clear", object, "ok", NULL,
					NULL, err);
	}
	free(sealed);
	return db_write_end(s->db, rc, err);
}

int store_user_totp_get(tg_store *s, int64_t id, char *secret, size_t size, tg_error *err)
{
	char ad[64];
	char *plain = NULL;
	tg_stmt *st = db_prepare(s->db, "SELECT \"totp_secret\" FROM users WHERE \"id\" = ?", err);
	db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW && !db_column_null(st, 0)) {
		snprintf(ad, sizeof ad, "users/%lld/totp", (long long)id);
		rc = store_need_key(s, err);
		if (rc == TG_OK)
			rc = secret_open(&s->key, db_column_text(st, 0), ad, &plain, err);
	} else if (rc == DB_ROW || rc == DB_DONE) {
		rc = tg_error_set(err, TG_ENOTFOUND, "no_totp", "", "该账户没有动态口令");
	}
	db_reset(st);
	if (rc == TG_OK) {
		str_copy(secret, size, plain);
		sodium_memzero(plain, strlen(plain));
	}
	free(plain);
	return rc;
}

int store_user_totp_used(tg_store *s, int64_t id, int64_t step, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "UPDATE users SET \"totp_last_step\" = CAST(?2 AS BIGINT) WHERE "
				 "\"id\" = ?1 AND \"totp_last_step\" < CAST(?2 AS BIGINT) "
				 "RETURNING \"id\"",
				 err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, step);
	bool changed;
	int rc = db_run_returning(st, NULL, NULL, 0, &changed, err);
	if (rc == TG_OK && !changed)
		rc = tg_error_set(err, TG_ECONFLICT, "totp_reused", "totp",
				  "该动态口令已使用过，请等待下一个口令");
	return rc;
}

/* ---- sessions ---- */

int store_session_create(tg_store *s, const char *token_hash, int64_t user, const char *csrf,
			 int64_t now, int64_t idle, int64_t absolute, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *prune = db_prepare(s->db,
				    "DELETE FROM sessions WHERE \"last_seen\" < CAST(?1 AS BIGINT) - "
				    "CAST(?2 AS BIGINT) OR \"created_at\" < CAST(?1 AS BIGINT) - "
				    "CAST(?3 AS BIGINT)",
				    err);
	db_bind_int64(prune, 1, now);
	db_bind_int64(prune, 2, idle);
	db_bind_int64(prune, 3, absolute);
	rc = db_run(prune, err);
	if (rc == TG_OK) {
		tg_stmt *add = db_prepare(s->db,
					  "INSERT INTO sessions (\"token_hash\", \"user\", "
					  "\"csrf_token\", \"created_at\", \"last_seen\") "
					  "VALUES (?, ?, ?, ?, ?)",
					  err);
		db_bind_text(add, 1, token_hash);
		db_bind_int64(add, 2, user);
		db_bind_text(add, 3, csrf);
		db_bind_int64(add, 4, now);
		db_bind_int64(add, 5, now);
		rc = db_run(add, err);
	}
	return db_write_end(s->db, rc, err);
}

int store_session_get(tg_store *s, const char *token_hash, tg_session *out, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"user\", \"csrf_token\", \"created_at\", \"last_seen\" "
				 "FROM sessions WHERE \"token_hash\" = ?",
				 err);
	db_bind_text(st, 1, token_hash);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->user_id = db_column_int64(st, 0);
		str_copy(out->csrf_token, sizeof out->csrf_token, db_column_text(st, 1));
		out->created_at = db_column_int64(st, 2);
		out->last_seen = db_column_int64(st, 3);
		rc = TG_OK;
	} else if (rc == DB_DONE) {
		rc = tg_error_set(err, TG_ENOTFOUND, "no_session", "", "会话不存在");
	}
	db_reset(st);
	return rc;
}

int store_session_touch(tg_store *s, const char *token_hash, int64_t now, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "UPDATE sessions SET \"last_seen\" = ? WHERE \"token_hash\" = ?", err);
	db_bind_int64(st, 1, now);
	db_bind_text(st, 2, token_hash);
	return db_run(st, err);
}

int store_session_delete(tg_store *s, const char *token_hash, tg_error *err)
{
	return db_run_texts(s->db, "DELETE FROM sessions WHERE \"token_hash\" = ?",
			    (const char *[]){token_hash}, 1, err);
}

/* ---- requests for a second administrator's approval (issue 14) ---- */

int store_request_add(tg_store *s, tg_account_request *r, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	str_copy(r->proposer, sizeof r->proposer, s->actor.user);
	str_copy(r->proposer_role, sizeof r->proposer_role, s->actor.role);
	str_copy(r->status, sizeof r->status, "pending");
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO account_requests (\"kind\", \"username\", \"detail\", "
				 "\"proposer\", \"proposer_role\", \"created_at\") "
				 "VALUES (?, ?, ?, ?, ?, ?) RETURNING \"id\"",
				 err);
	db_bind_texts(st, 1,
		      (const char *const[]){r->kind, r->username, r->detail, r->proposer,
					    r->proposer_role},
		      5);
	db_bind_int64(st, 6, r->created_at);
	static const db_member returned[] = {DB_INT(tg_account_request, id)};
	bool got;
	rc = db_run_returning(st, r, returned, 1, &got, err);
	if (rc == TG_OK && !got)
		rc = TG_EIO;
	if (rc == TG_OK) {
		char object[96], *after = store_request_json(r);
		snprintf(object, sizeof object, "users/%s", r->username);
		rc = after ? store_audit_append(s, "user_request", object, "ok", NULL, after, err)
			   : TG_ENOMEM;
		free(after);
	}
	return db_write_end(s->db, rc, err);
}

#define R(kind, m) DB_##kind(tg_account_request, m)
static const db_member request_members[] = {
	R(INT, id), R(TEXT, kind), R(TEXT, username), R(TEXT, detail), R(TEXT, proposer),
	R(TEXT, proposer_role), R(INT, created_at), R(TEXT, status), R(TEXT, decided_by),
	R(INT, decided_at)
};
#undef R

static void read_request(tg_stmt *st, void *item)
{
	db_read_members(st, item, request_members, sizeof request_members / sizeof *request_members);
}

int store_request_list(tg_store *s, int64_t since, tg_account_request **items, size_t *n,
		       tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"id\", \"kind\", \"username\", \"detail\", \"proposer\", "
				 "\"proposer_role\", \"created_at\", \"status\", \"decided_by\", "
				 "\"decided_at\" FROM account_requests WHERE \"status\" = 'pending' "
				 "AND \"created_at\" >= ? ORDER BY \"id\"",
				 err);
	db_bind_int64(st, 1, since);
	return db_collect(st, sizeof **items, read_request, (void **)items, n, err);
}

/* The audit record of a decision: status from -> to, by the actor. */
static int request_decided(tg_store *s, int64_t id, const char *from, const char *to,
			   tg_error *err)
{
	char object[96], before[96];
	snprintf(object, sizeof object, "user-requests/%lld", (long long)id);
	snprintf(before, sizeof before, "{\"status\": \"%s\"}", from);
	strbuf a;
	sb_init(&a);
	sb_addf(&a, "{\"status\": \"%s\", \"decided_by\": ", to);
	sb_add_json_str(&a, s->actor.user);
	sb_addc(&a, '}');
	int rc = store_audit_append(s, store_request_event(to), object, "ok", before, a.buf, err);
	sb_release(&a);
	return rc;
}

int store_request_decide(tg_store *s, int64_t id, const char *from, const char *to, int64_t now,
			 int64_t since, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(s->db,
				 "UPDATE account_requests SET \"status\" = ?, \"decided_by\" = ?, "
				 "\"decided_at\" = ? WHERE \"id\" = ? AND \"status\" = ? AND "
				 "\"created_at\" >= ? RETURNING \"id\"",
				 err);
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, s->actor.user);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, id);
	db_bind_text(st, 5, from);
	db_bind_int64(st, 6, since);
	bool decided;
	rc = db_run_returning(st, NULL, NULL, 0, &decided, err);
	if (rc == TG_OK && !decided)
		rc = tg_error_set(err, TG_ENOTFOUND, "no_request", "id",
				  "没有待审批的申请 %lld（可能已处理或已过期）", (long long)id);
	if (rc == TG_OK)
		rc = request_decided(s, id, from, to, err);
	return db_write_end(s->db, rc, err);
}

/* ---- failed logins per address (several servers on one database) ---- */

/* ?1 ip, ?2 now, ?3 window: a window has expired once ?2 - start > ?3.
** One statement, so that servers adding at once all count. */
static const char sql_login_ip_add[] =
	"INSERT INTO login_failures (\"ip\", \"window_start\", \"failures\") "
	"VALUES (?1, CAST(?2 AS BIGINT), 1) ON CONFLICT (\"ip\") DO UPDATE SET "
	"\"window_start\" = CASE WHEN CAST(?2 AS BIGINT) - login_failures.\"window_start\" > "
	"CAST(?3 AS BIGINT) THEN CAST(?2 AS BIGINT) ELSE login_failures.\"window_start\" END, "
	"\"failures\" = CASE WHEN CAST(?2 AS BIGINT) - login_failures.\"window_start\" > "
	"CAST(?3 AS BIGINT) THEN 1 ELSE login_failures.\"failures\" + 1 END RETURNING \"failures\"";
static const char sql_login_ip_get[] =
	"SELECT CASE WHEN CAST(?2 AS BIGINT) - \"window_start\" > CAST(?3 AS BIGINT) THEN 0 "
	"ELSE \"failures\" END FROM login_failures WHERE \"ip\" = ?1";

/* The windows that have expired are of no more use; rows another server is
** writing are left for the next time (no waiting, no deadlock between two
** servers pruning). */
static int login_ip_prune(tg_store *s, int64_t now, int64_t window, tg_error *err)
{
	strbuf sql;
	sb_init(&sql);
	sb_addf(&sql, "DELETE FROM login_failures WHERE \"ip\" IN (SELECT \"ip\" FROM "
		      "login_failures WHERE \"window_start\" < CAST(?1 AS BIGINT) - "
		      "CAST(?2 AS BIGINT)%s)",
		db_sql_skip_locked(s->db));
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	sb_release(&sql);
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, window);
	return db_run(st, err);
}

int store_login_ip_failure(tg_store *s, const char *ip, int64_t now, int64_t window, bool add,
			   int64_t *failures, tg_error *err)
{
	*failures = 0;
	int rc = add ? db_write_begin(s->db, err) : TG_OK;
	if (rc)
		return rc;
	tg_stmt *st = db_prepare(s->db, add ? sql_login_ip_add : sql_login_ip_get, err);
	db_bind_text(st, 1, ip);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, window);
	int step = db_step(st, err);
	if (step == DB_ROW) /* the one row: RETURNING's, or the read's */
		*failures = db_column_int64(st, 0);
	rc = step < 0 ? (db_reset(st), step) : db_run(st, err);
	if (!add)
		return rc;
	if (rc == TG_OK)
		rc = login_ip_prune(s, now, window, err);
	return db_write_end(s->db, rc, err);
}
