/*
** store_impl.h: what the storage backends share and nothing else uses.
**
** The helpers below do not depend on the database: the masked JSON of a
** record for the history and the audit log, the order of list queries,
** the birth date kept beside a sealed ID number.  store_sqlite.c and
** store_pg.c both call them, so the two backends cannot drift apart.
*/
#ifndef TG_STORE_IMPL_H
#define TG_STORE_IMPL_H

#include <stdbool.h>

#include "secret.h"
#include "store.h"
#include "strbuf.h"

/* An ID number as it is written: sealed, plus what is kept in clear. */
struct person_seal {
	char *sealed; /* malloc'd, or NULL: no number */
	char birth[11], masked[19];
};
void store_person_seal_free(struct person_seal *ps);
/* Seal p's full ID number for its record ("persons/<id>") and fill what is
** kept in clear beside it: the birth date and the masked number. */
int store_seal_number(const tg_secret_key *key, const tg_person *p, struct person_seal *ps,
		      tg_error *err);

/* Birth date from characters 7-14 of a validated ID number. */
tg_date store_id_birth(const char *id);
/* The key columns of an array's table, quoted: "\"uscc\"" ... */
const char *store_key_columns(int a);
/* " ORDER BY ..." of a list query. */
void store_order_by(int a, const tg_list_query *q, strbuf *sql);
/* A record's JSON for the history and the audit log: ID numbers masked. */
char *store_record_json_masked(const tg_register *r, int a, const void *row);
/* The association a record belongs to, for the history. */
const char *store_row_association(int a, const void *row);
/* Whether two accounts have the same role and scope. */
bool store_same_scope(const tg_user *x, const tg_user *y);
/* The error for an account the database refused by a constraint (another
** connection removed its unit, or a check store_user_check would have
** caught): a missing unit or association (foreign_key), else a role that
** does not fit its scope; fields as store_user_check names them. */
int store_user_refused(const tg_user *u, bool foreign_key, tg_error *err);
/* An account as the audit log shows it (never the password hash). */
char *store_user_json(const tg_user *u);
/* The time of an audit record: now (or store_set_clock's), UTC,
** "2026-11-27T08:43:11Z". */
void store_audit_now(const tg_store *s, char out[24]);
/* The audit filter's Beijing dates as UTC times, the form of the log's
** "at": records with from <= at < to are those of the days from..to in
** Beijing time (00:00 Beijing time is 16:00 UTC of the day before).  An
** empty string for a date not given; TG_EINVAL (field "from" or "to") for
** one that is not a date. */
int store_audit_bounds(const tg_audit_filter *f, char from[24], char to[24], tg_error *err);

/* Requests for a second administrator's approval (issue 14): the SQL of
** both backends, and the audit event of a decision ("approved" ->
** "user_approve" ...). */
extern const char store_sql_request_add[], store_sql_request_list[],
	store_sql_request_decide[];
const char *store_request_event(const char *to);

#endif
