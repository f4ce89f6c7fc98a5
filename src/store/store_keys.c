/*
** store_keys.c: the store's keys, written once over the driver interface
** (db.h): the data key that seals ID numbers, birth dates and TOTP secrets
** (secret.h) and the audit chain's HMAC key (audit.h), both held in
** tg_store; what needs a key and finds none says which file is missing.
** The only opening of a sealed ID number: person_reveal (audited) and
** reveal_id_numbers (the operator's export).  Also what seals values found
** in clear (migrations 3 and 6, rows written by other tools) and the
** rotation of the data key, which re-seals every value in one write.
*/
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"

/* ---- loading the keys at open ---- */

/* Whether sql (guarded: table has column) returns a row. */
static int any_row(tg_store *s, const char *table, const char *column, const char *sql,
		   bool *any, tg_error *err)
{
	bool has = false;
	*any = false;
	int rc = db_has_column(s->db, table, column, &has, err);
	if (rc || !has)
		return rc;
	tg_stmt *st = db_prepare(s->db, sql, err);
	int step = db_step(st, err);
	*any = step == DB_ROW;
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

/* A rotation that did not finish (the new key's file is there): which key
** is the data under? */
static int key_recover(tg_store *s, tg_error *err)
{
	struct stat st;
	char next[PATH_MAX];
	secret_key_new_path(s->key_path, next, sizeof next);
	if (stat(next, &st) != 0)
		return TG_OK;
	tg_stmt *q = db_prepare(s->db, store_sql_key_sample, err);
	int step = db_step(q, err);
	int rc = step < 0 ? step
	       : secret_key_recover(s->key_path, step == DB_ROW ? db_column_text(q, 0) : NULL,
				    step == DB_ROW ? db_column_text(q, 1) : NULL, err);
	db_reset(q);
	return rc;
}

/* The data key: loaded when its file exists; made (0600) when missing and
** no number is sealed yet; missing with sealed numbers: no key, and what
** needs one says so.  The audit key likewise, made when the chain has no
** keyed record yet (a new database, or one from before migration 9). */
int store_keys_load(tg_store *s, tg_error *err)
{
	struct stat st;
	bool sealed = false, keyed = false;
	store_key_path(s->url, s->key_path, sizeof s->key_path);
	int rc = key_recover(s, err);
	bool exists = rc == TG_OK && (stat(s->key_path, &st) == 0 || errno != ENOENT);
	if (rc == TG_OK && !exists)
		rc = any_row(s, "persons", "id_number",
			     "SELECT 1 FROM persons WHERE \"id_number\" LIKE 'v1:%' LIMIT 1", &sealed,
			     err);
	if (rc == TG_OK && (exists || !sealed)) {
		rc = secret_key_load(s->key_path, !exists, &s->key, err);
		s->have_key = rc == TG_OK;
	}
	store_audit_key_path(s->url, s->audit_key_path, sizeof s->audit_key_path);
	if (rc == TG_OK)
		rc = any_row(s, "audit_log", "alg",
			     "SELECT 1 FROM audit_log WHERE \"alg\" <> 'sha256' LIMIT 1", &keyed, err);
	if (rc == TG_OK)
		rc = store_audit_key_load(s->audit_key_path, !keyed, &s->audit_key,
					  &s->have_audit_key, err);
	return rc;
}

int store_need_key(tg_store *s, tg_error *err)
{
	if (s->have_key)
		return TG_OK;
	return tg_error_set(err, TG_EIO, "key_missing", s->key_path,
			    "缺少加密密钥文件“%s”：数据库中已有加密的公民身份号码，"
			    "请恢复原密钥文件（或用 --key、TUOGOU_KEY 指定）",
			    s->key_path);
}

/* The ID number sealed for person id (malloc'd). */
static int open_number(tg_store *s, const char *id, const char *sealed, char **number,
		       tg_error *err)
{
	char ad[96];
	snprintf(ad, sizeof ad, "persons/%s", id);
	int rc = store_need_key(s, err);
	return rc ? rc : secret_open(&s->key, sealed, ad, number, err);
}

/* The full number of person id, or why there is none. */
static int sealed_number(tg_store *s, const char *id, char **number, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT \"id_number\" FROM persons WHERE \"id\" = ?", err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW && !db_column_null(st, 0))
		rc = open_number(s, id, db_column_text(st, 0), number, err);
	else if (rc == DB_ROW)
		rc = tg_error_set(err, TG_ENOTFOUND, "no_id_number", "id_number",
				  "该人员没有登记公民身份号码");
	else if (rc == DB_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该人员记录");
	db_reset(st);
	return rc;
}

int store_person_reveal(tg_store *s, const char *id, char **number, tg_error *err)
{
	char object[96];
	*number = NULL;
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = sealed_number(s, id, number, err);
	snprintf(object, sizeof object, "persons/%s", id);
	if (rc == TG_OK)
		rc = store_audit_append(s, "reveal_id", object, "ok", NULL, NULL, err);
	if (rc != TG_OK && *number) {
		free(*number);
		*number = NULL;
	}
	return db_write_end(s->db, rc, err);
}

int store_reveal_id_numbers(tg_store *s, tg_register *r, tg_error *err)
{
	size_t n = r->t[ARR_PERSONS].count, j = 0;
	int rc = TG_OK, step = DB_DONE;
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"id\", \"id_number\" FROM persons WHERE \"id_number\" IS NOT "
				 "NULL ORDER BY \"id\"",
				 err);
	/* Both in id order (the register as loaded): one merge. */
	while (rc == TG_OK && (step = db_step(st, err)) == DB_ROW) {
		const char *id = db_column_text(st, 0);
		while (j < n && strcmp(((tg_person *)register_row(r, ARR_PERSONS, j))->id, id) < 0)
			j++;
		if (j == n)
			break;
		tg_person *p = register_row(r, ARR_PERSONS, j);
		if (strcmp(p->id, id))
			continue;
		char *plain = NULL;
		rc = open_number(s, id, db_column_text(st, 1), &plain, err);
		if (rc == TG_OK) {
			p->id_number = arena_strdup(&r->arena, plain);
			sodium_memzero(plain, strlen(plain));
			free(plain);
		}
	}
	db_reset(st);
	return rc == TG_OK && step < 0 ? step : rc;
}

/* ---- sealing what was written in clear ---- */

/* Rows collected before they are updated (the updates would run under a
** reading statement's feet): id and up to two values, in tmp's arena. */
typedef struct key_rows {
	tg_register tmp; /* its arena holds the texts */
	struct key_row {
		const char *id, *a, *b;
	} *rows;
	size_t n;
} key_rows;

static const char *arena_or_null(tg_arena *arena, const char *v)
{
	return v ? arena_strdup(arena, v) : NULL;
}

/* The rows of sql: id, then one or two values. */
static int key_rows_read(tg_store *s, const char *sql, key_rows *k, tg_error *err)
{
	size_t alloc = 0;
	int step;
	memset(k, 0, sizeof *k);
	register_init(&k->tmp);
	tg_stmt *st = db_prepare(s->db, sql, err);
	while ((step = db_step(st, err)) == DB_ROW) {
		if (k->n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			struct key_row *p = realloc(k->rows, alloc * sizeof *p);
			if (!p) {
				step = TG_ENOMEM;
				break;
			}
			k->rows = p;
		}
		struct key_row *r = &k->rows[k->n++];
		r->id = arena_strdup(&k->tmp.arena, db_column_text(st, 0));
		r->a = arena_or_null(&k->tmp.arena, db_column_text(st, 1));
		r->b = arena_or_null(&k->tmp.arena, db_column_text(st, 2));
	}
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

static void key_rows_free(key_rows *k)
{
	free(k->rows);
	register_release(&k->tmp);
}

int store_seal_plain_ids(tg_store *s, tg_error *err)
{
	key_rows k;
	int rc = key_rows_read(s, "SELECT \"id\", \"id_number\", NULL FROM persons WHERE "
			       STORE_PLAIN_NUMBER, &k, err);
	tg_stmt *upd = rc ? NULL
			  : db_prepare(s->db, "UPDATE persons SET \"id_number\" = ?, \"birth\" = ?, "
					      "\"id_masked\" = ? WHERE \"id\" = ?",
				       err);
	for (size_t i = 0; rc == TG_OK && i < k.n; i++) {
		tg_person p = {.id = k.rows[i].id, .id_number = k.rows[i].a, .birth = TG_DATE_NONE};
		struct person_seal ps;
		if ((rc = store_person_seal(s, &p, &ps, err)))
			break;
		db_bind_text(upd, 1, ps.sealed);
		db_bind_text(upd, 2, ps.birth);
		db_bind_text_or_null(upd, 3, ps.masked);
		db_bind_text(upd, 4, p.id);
		rc = db_run(upd, err);
		store_person_seal_free(&ps);
	}
	key_rows_free(&k);
	return rc;
}

int store_seal_clear_births(tg_store *s, tg_error *err)
{
	key_rows k;
	int rc = key_rows_read(s, "SELECT \"id\", CAST(\"birth_clear\" AS TEXT), NULL FROM persons "
				  "WHERE \"birth_clear\" IS NOT NULL",
			       &k, err);
	if (rc == TG_OK && k.n)
		rc = store_need_key(s, err);
	tg_stmt *upd = rc ? NULL
			  : db_prepare(s->db, "UPDATE persons SET \"birth\" = ?, \"birth_clear\" = NULL "
					      "WHERE \"id\" = ?",
				       err);
	for (size_t i = 0; rc == TG_OK && i < k.n; i++) {
		tg_date birth;
		char *sealed = NULL;
		if (date_parse(k.rows[i].a, &birth) == TG_OK &&
		    (rc = store_seal_birth(&s->key, k.rows[i].id, birth, &sealed, err)))
			break;
		db_bind_text(upd, 1, sealed);
		db_bind_text(upd, 2, k.rows[i].id);
		rc = db_run(upd, err);
		free(sealed);
	}
	key_rows_free(&k);
	return rc ? rc : db_exec(s->db, "ALTER TABLE persons DROP COLUMN \"birth_clear\"", err);
}

int store_seal_left_plain(tg_store *s, tg_error *err)
{
	tg_stmt *st =
		db_prepare(s->db, "SELECT 1 FROM persons WHERE " STORE_PLAIN_NUMBER " LIMIT 1", err);
	int step = db_step(st, err);
	db_reset(st);
	if (step != DB_ROW)
		return step < 0 ? step : TG_OK;
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	return db_write_end(s->db, store_seal_plain_ids(s, err), err);
}

/* ---- rotation of the data key ---- */

/* Re-seal one table's values under key; the caller holds the write. */
static int reseal_table(tg_store *s, const tg_secret_key *key, bool persons, tg_key_counts *n,
			tg_error *err)
{
	key_rows k;
	int rc = key_rows_read(s, persons ? "SELECT \"id\", \"id_number\", \"birth\" FROM persons "
					    "WHERE \"id_number\" LIKE 'v1:%' OR \"birth\" IS NOT NULL"
					  : "SELECT \"id\", \"totp_secret\", NULL FROM users "
					    "WHERE \"totp_secret\" IS NOT NULL",
			       &k, err);
	tg_stmt *upd = rc ? NULL
		       : db_prepare(s->db,
				    persons ? "UPDATE persons SET \"id_number\" = ?, \"birth\" = ? "
					      "WHERE \"id\" = ?"
					    : "UPDATE users SET \"totp_secret\" = ? WHERE \"id\" = ?",
				    err);
	for (size_t i = 0; rc == TG_OK && i < k.n; i++) {
		char ad[96], *a = NULL, *b = NULL;
		snprintf(ad, sizeof ad, persons ? "persons/%s" : "users/%s/totp", k.rows[i].id);
		rc = store_key_reseal(&s->key, key, ad, k.rows[i].a, &a,
				      persons ? &n->id_numbers : &n->totp_secrets, err);
		snprintf(ad, sizeof ad, "persons/%s/birth", k.rows[i].id);
		if (rc == TG_OK && persons)
			rc = store_key_reseal(&s->key, key, ad, k.rows[i].b, &b, &n->births, err);
		int p = 1;
		db_bind_text(upd, p++, a);
		if (persons)
			db_bind_text(upd, p++, b);
		db_bind_text(upd, p, k.rows[i].id);
		if (rc == TG_OK)
			rc = db_run(upd, err);
		else
			db_reset(upd);
		free(a);
		free(b);
	}
	key_rows_free(&k);
	return rc;
}

int store_key_rotate(tg_store *s, const tg_secret_key *key, tg_key_counts *n, tg_error *err)
{
	memset(n, 0, sizeof *n);
	int rc = store_need_key(s, err);
	if (rc == TG_OK)
		rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	/* one rotation at a time, and no sealed row written meanwhile: a
	** server still running would go on sealing under the old key */
	int64_t others = 0;
	rc = db_sole_writer(s->db, "persons, users", &others, err);
	if (rc == TG_OK && others > 0)
		rc = tg_error_set(err, TG_ECONFLICT, "servers_running", "",
				  "还有 %lld 个 tuogou 连接在使用该数据库：请先停止全部网页服务，"
				  "再轮换密钥",
				  (long long)others);
	if (rc == TG_OK)
		rc = reseal_table(s, key, true, n, err);
	if (rc == TG_OK)
		rc = reseal_table(s, key, false, n, err);
	if (rc == TG_OK) {
		char *after = store_key_rotate_json(n);
		rc = after ? store_audit_append(s, "key_rotate", NULL, "ok", NULL, after, err)
			   : TG_ENOMEM;
		free(after);
	}
	rc = db_write_end(s->db, rc, err);
	if (rc == TG_OK)
		s->key = *key;
	return rc;
}
