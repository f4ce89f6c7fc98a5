/*
** store_keys.c: the store's keys, written once over the driver interface
** (db.h): the data key that seals ID numbers, birth dates and TOTP secrets
** (secret.h) and the audit chain's HMAC key (audit.h), both held in
** tg_store; what needs a key and finds none says which file is missing.
** The only opening of a sealed ID number: person_reveal (audited) and
** reveal_id_numbers (the operator's export).
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"

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
