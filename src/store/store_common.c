/*
** store_common.c: the backend-independent helpers of store_impl.h.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "ident.h"
#include "secret.h"
#include "store_impl.h"

/* Birth date from characters 7-14 of a validated ID number. */
tg_date store_id_birth(const char *id)
{
	if (!id || strlen(id) != 18)
		return TG_DATE_NONE;
	int y = 0, m = 0, d = 0;
	for (int i = 6; i < 10; i++)
		y = y * 10 + (id[i] - '0');
	m = (id[10] - '0') * 10 + (id[11] - '0');
	d = (id[12] - '0') * 10 + (id[13] - '0');
	return date_ymd_valid(y, m, d) ? date_from_ymd(y, m, d) : TG_DATE_NONE;
}

const char *store_key_columns(int a)
{
	if (a == ARR_ANNUAL_REPORTS)
		return "\"association\", \"year\"";
	if (a == ARR_ASSOCIATIONS)
		return "\"uscc\"";
	return "\"id\"";
}

void store_order_by(int a, const tg_list_query *q, strbuf *sql)
{
	const char *dir = q->desc ? " DESC" : "";
	if (a == ARR_ASSOCIATIONS && q->sort && !strcmp(q->sort, "name"))
		sb_addf(sql, " ORDER BY \"name_pinyin\"%s, \"uscc\"%s", dir, dir);
	else if (a == ARR_ASSOCIATIONS && q->sort && !strcmp(q->sort, "registered_on"))
		sb_addf(sql, " ORDER BY \"registered_on\"%s, \"uscc\"%s", dir, dir);
	else if (a == ARR_ANNUAL_REPORTS)
		sb_addf(sql, " ORDER BY \"association\"%s, \"year\"%s", dir, dir);
	else
		sb_addf(sql, " ORDER BY %s%s", store_key_columns(a), dir);
}

void store_person_seal_free(struct person_seal *ps)
{
	free(ps->sealed);
	memset(ps, 0, sizeof *ps);
}

/* A record's JSON for the history and the audit log: ID numbers masked. */
char *store_record_json_masked(const tg_register *r, int a, const void *row)
{
	strbuf sb;
	sb_init(&sb);
	if (a == ARR_PERSONS) {
		tg_person p = *(const tg_person *)row;
		char masked[19];
		if (p.id_number) {
			ident_id_mask(p.id_number, masked);
			p.id_number = masked;
		}
		bundle_write_record(r, a, &p, &sb);
	} else {
		bundle_write_record(r, a, row, &sb);
	}
	return sb_detach(&sb, NULL);
}

/* The association a record belongs to, for the history. */
const char *store_row_association(int a, const void *row)
{
	if (a == ARR_ASSOCIATIONS)
		return ((const tg_association *)row)->uscc;
	const tg_field *f = schema_field(a, "association");
	return f ? *(const char *const *)((const char *)row + f->off) : NULL;
}

bool store_same_scope(const tg_user *x, const tg_user *y)
{
	return !strcmp(x->role, y->role) && !strcmp(x->unit, y->unit) &&
	       !strcmp(x->association, y->association) && !strcmp(x->department, y->department);
}

/* An account as the audit log shows it (never the password hash). */
char *store_user_json(const tg_user *u)
{
	strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "{\"username\": ");
	sb_add_json_str(&sb, u->username);
	sb_adds(&sb, ", \"display_name\": ");
	sb_add_json_str(&sb, u->display_name[0] ? u->display_name : NULL);
	sb_adds(&sb, ", \"role\": ");
	sb_add_json_str(&sb, u->role);
	sb_adds(&sb, ", \"unit\": ");
	sb_add_json_str(&sb, u->unit[0] ? u->unit : NULL);
	sb_adds(&sb, ", \"association\": ");
	sb_add_json_str(&sb, u->association[0] ? u->association : NULL);
	sb_adds(&sb, ", \"department\": ");
	sb_add_json_str(&sb, u->department[0] ? u->department : NULL);
	sb_addf(&sb, ", \"locked\": %s}", u->locked ? "true" : "false");
	return sb_detach(&sb, NULL);
}

void store_utc_now(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int store_seal_number(const tg_secret_key *key, const tg_person *p, struct person_seal *ps,
		      tg_error *err)
{
	char ad[96];
	snprintf(ad, sizeof ad, "persons/%s", p->id);
	int rc = secret_seal(key, p->id_number, ad, &ps->sealed, err);
	if (rc)
		return rc;
	tg_date b = p->birth != TG_DATE_NONE ? p->birth : store_id_birth(p->id_number);
	if (b != TG_DATE_NONE)
		date_format(b, ps->birth);
	ident_id_mask(p->id_number, ps->masked);
	return TG_OK;
}
