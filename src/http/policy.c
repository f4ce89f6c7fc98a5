/*
** policy.c: what each role may see and write, below the route table.
**
** The route table (routes.c) says which roles may call a route at all; this
** file says, for the roles that may, which records are theirs (scope) and
** which fields they may change (rights):
**   - office writes everything;
**   - civil_affairs keeps registration data, annual reports, credit lists
**     and elections, and registers new associations;
**   - unit is scoped to its own associations and writes their decoupling
**     records, but never a person's employing unit (persons.unit): that
**     fact says whose staff a person is, and so whose full ID number the
**     unit may reveal (policy_may_reveal); the office and 组织部 write it;
**   - department reads everything and writes only its kind's fields (the
**     table below, product.md);
**   - association is scoped to itself and keeps its own records;
**   - sysadmin, secadmin, auditor read no business data (routes.c).
** Every reference a scoped role's write makes (a post's person and
** association, a function's unit, ...) must lie in its scope too
** (policy_refs_in_scope), or the write answers 404 as for a record out of
** scope.  A record outside the scope answers 404, a field outside the
** rights 403.
*/
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "ident.h"

/* One right: roles (and department kind) that may write array's field; a
** NULL field means every field, and creating records. */
static const struct right {
	unsigned roles;
	const char *department;
	int array; /* -1: every array */
	const char *field;
} rights[] = {
	{R_OFFICE, NULL, -1, NULL},

	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "name"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "level"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "member_basis"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "registered_on"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "deregistered_on"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "unit"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "link"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "link_cancelled_on"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "charter_filed_on"},
	{R_CIVIL_AFFAIRS, NULL, ARR_ANNUAL_REPORTS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_CREDIT_LISTINGS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_ELECTIONS, NULL},

	{R_UNIT, NULL, ARR_ASSOCIATIONS, "plan_submitted_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "decoupled_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "report_submitted_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "link_cancelled_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "independent_account_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "asset_inventory_on"},
	{R_UNIT, NULL, ARR_ASSOCIATIONS, "party_transferred_on"},
	{R_UNIT, NULL, ARR_PERSONS, NULL},
	{R_UNIT, NULL, ARR_POSTS, NULL},
	{R_UNIT, NULL, ARR_STAFF, NULL},
	{R_UNIT, NULL, ARR_PREMISES, NULL},
	{R_UNIT, NULL, ARR_ASSETS, NULL},
	{R_UNIT, NULL, ARR_FUNCTIONS, NULL},
	{R_UNIT, NULL, ARR_UNIT_TASKS, NULL},
	{R_UNIT, NULL, ARR_FOREIGN_APPROVALS, NULL},

	/* 财政局: appropriations and state assets, the association's account. */
	{R_DEPARTMENT, "finance", ARR_APPROPRIATIONS, NULL},
	{R_DEPARTMENT, "finance", ARR_ASSETS, NULL},
	{R_DEPARTMENT, "finance", ARR_ASSOCIATIONS, "independent_account_on"},
	{R_DEPARTMENT, "finance", ARR_ASSOCIATIONS, "asset_inventory_on"},
	/* 机关事务管理局: office space, registration of state assets in use. */
	{R_DEPARTMENT, "offices", ARR_PREMISES, NULL},
	{R_DEPARTMENT, "offices", ARR_ASSETS, "registered_on"},
	/* 组织部: officials' posts and party building. */
	{R_DEPARTMENT, "organization", ARR_PERSONS, NULL},
	{R_DEPARTMENT, "organization", ARR_POSTS, NULL},
	{R_DEPARTMENT, "organization", ARR_ASSOCIATIONS, "party_org"},
	{R_DEPARTMENT, "organization", ARR_ASSOCIATIONS, "party_transferred_on"},
	/* 编办: staffing quotas. */
	{R_DEPARTMENT, "staffing", ARR_ASSOCIATIONS, "staffing_quota"},
	{R_DEPARTMENT, "staffing", ARR_ASSOCIATIONS, "staffing_quota_cancelled_on"},
	/* 审计局: audit reports, departure audits. */
	{R_DEPARTMENT, "audit", ARR_ASSOCIATIONS, "audit_report_on"},
	{R_DEPARTMENT, "audit", ARR_POSTS, "departure_audit_on"},
	/* 价格 (fees): the bundle has no fee data yet, so nothing to write. */

	{R_ASSOCIATION, NULL, ARR_ASSOCIATIONS, "independent_account_on"},
	{R_ASSOCIATION, NULL, ARR_STAFF, NULL},
	{R_ASSOCIATION, NULL, ARR_PREMISES, NULL},
	{R_ASSOCIATION, NULL, ARR_ANNUAL_REPORTS, NULL},
	{R_ASSOCIATION, NULL, ARR_ELECTIONS, NULL},
};

/* Fields a role may not write although a right above gives it the whole
** array: a unit may not say whose staff a person is (on create or after). */
static const struct right withheld[] = {
	{R_UNIT, NULL, ARR_PERSONS, "unit"},
};

/* Creating an association is registering it: civil affairs and the office. */
static bool creates_association(const tg_user *u)
{
	return role_bit(u->role) & (R_OFFICE | R_CIVIL_AFFAIRS);
}

static bool right_applies(const struct right *r, const tg_user *u, int a)
{
	return (r->roles & role_bit(u->role)) &&
	       (!r->department || !strcmp(r->department, u->department)) &&
	       (r->array < 0 || r->array == a);
}

bool policy_can_create(const tg_user *u, int a)
{
	if (a == ARR_ASSOCIATIONS)
		return creates_association(u);
	for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++)
		if (right_applies(&rights[i], u, a) && !rights[i].field)
			return true;
	return false;
}

bool policy_can_write_field(const tg_user *u, int a, const char *key)
{
	for (size_t i = 0; i < sizeof withheld / sizeof withheld[0]; i++)
		if (right_applies(&withheld[i], u, a) && !strcmp(withheld[i].field, key))
			return false;
	for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++)
		if (right_applies(&rights[i], u, a) &&
		    (!rights[i].field || !strcmp(rights[i].field, key)))
			return true;
	return false;
}

static bool str_same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

static bool field_same(const tg_field *f, const void *x, const void *y)
{
	const char *p = (const char *)x + f->off, *q = (const char *)y + f->off;
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		return str_same(*(const char *const *)p, *(const char *const *)q);
	case FT_DATE:
		return *(const tg_date *)p == *(const tg_date *)q;
	case FT_BOOL:
	case FT_ENUM:
		return *(const int8_t *)p == *(const int8_t *)q;
	case FT_INT:
	case FT_MONEY:
		return *(const int64_t *)p == *(const int64_t *)q;
	case FT_AREA:
		return *(const double *)p == *(const double *)q;
	case FT_OBJECT:
		for (const tg_field *s = f->sub; s->key; s++)
			if (!field_same(s, x, y))
				return false;
		return true;
	}
	return true;
}

const char *policy_forbidden_change(const tg_user *u, int a, const void *before, const void *after)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (!field_same(f, before, after) && !policy_can_write_field(u, a, f->key))
			return f->key;
	return NULL;
}

const char *policy_forbidden_create(const tg_user *u, int a, const void *row)
{
	if (a == ARR_ASSOCIATIONS && creates_association(u))
		return NULL;
	/* A new record against an empty one: every field given must be the
	** writer's (the withheld ones are the only ones that can fail). */
	void *empty = calloc(1, tg_schema[a].size);
	if (!empty)
		abort();
	const char *field = NULL;
	for (size_t i = 0; !field && i < sizeof withheld / sizeof withheld[0]; i++) {
		const tg_field *f = withheld[i].array == a ? schema_field(a, withheld[i].field) : NULL;
		if (f && !field_same(f, empty, row) && !policy_can_write_field(u, a, f->key))
			field = f->key;
	}
	free(empty);
	return field;
}

bool policy_may_reveal(const tg_user *u, const tg_person *p)
{
	if (!strcmp(u->role, "office"))
		return true;
	return !strcmp(u->role, "unit") && p->unit && u->unit[0] && !strcmp(p->unit, u->unit);
}

tg_record_filter policy_scope(const tg_user *u)
{
	tg_record_filter f = {0};
	if (!strcmp(u->role, "unit"))
		f.unit = u->unit;
	else if (!strcmp(u->role, "association"))
		f.association = u->association;
	return f;
}

bool policy_sees_all(const tg_user *u)
{
	return strcmp(u->role, "unit") && strcmp(u->role, "association");
}

static const char *row_str(int a, const void *row, const char *key)
{
	const tg_field *f = schema_field(a, key);
	return f ? *(const char *const *)((const char *)row + f->off) : NULL;
}

int policy_row_in_scope(http_request *rq, int a, const void *row, bool *in)
{
	const tg_user *u = &rq->user;
	tg_record_filter scope = policy_scope(u);
	*in = true;
	if (policy_sees_all(u))
		return TG_OK;
	*in = false;
	if (a == ARR_BATCHES || a == ARR_UNITS)
		return TG_OK;
	if (a == ARR_ASSOCIATIONS) {
		const tg_association *as = row;
		*in = scope.unit ? str_same(as->unit, scope.unit) : str_same(as->uscc, scope.association);
		return TG_OK;
	}
	if (a == ARR_UNIT_TASKS) {
		*in = scope.unit && str_same(row_str(a, row, "unit"), scope.unit);
		return TG_OK;
	}
	if (a == ARR_PERSONS) {
		const tg_person *p = row;
		if (!scope.unit)
			return TG_OK;
		if (!p->unit || !strcmp(p->unit, scope.unit)) {
			*in = true;
			return TG_OK;
		}
		return store_record_in_scope(rq_store(rq), a, p->id, &scope, in, &rq->err);
	}
	const char *assoc = row_str(a, row, "association");
	if (!assoc)
		return TG_OK;
	return store_record_in_scope(rq_store(rq), ARR_ASSOCIATIONS, assoc, &scope, in, &rq->err);
}

/* A person no record attaches to anyone (no employing unit, no post): one
** a unit has just created may be referred to by its post. */
static int person_unattached(tg_store *s, const char *id, bool *unattached, tg_error *err)
{
	tg_register r;
	register_init(&r);
	*unattached = false;
	int rc = store_record_get(s, ARR_PERSONS, id, &r, NULL, err);
	if (rc == TG_ENOTFOUND) {
		register_release(&r);
		return TG_OK;
	}
	if (rc == TG_OK && !((const tg_person *)register_row(&r, ARR_PERSONS, 0))->unit) {
		tg_list_query q = {0};
		tg_record_page page;
		record_page_init(&page);
		q.filter.person = id;
		q.limit = 1;
		rc = store_record_list(s, ARR_POSTS, &q, &page, err);
		*unattached = rc == TG_OK && page.total == 0;
		record_page_release(&page);
	}
	register_release(&r);
	return rc;
}

int policy_refs_in_scope(http_request *rq, int a, const void *row, const void *before,
			 const char **field)
{
	tg_record_filter scope = policy_scope(&rq->user);
	tg_store *s = rq_store(rq);
	*field = NULL;
	if (policy_sees_all(&rq->user))
		return TG_OK;
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type != FT_REF || f->target == ARR_BATCHES)
			continue;
		const char *ref = *(const char *const *)((const char *)row + f->off);
		if (!ref || (before && field_same(f, before, row)))
			continue; /* a reference kept as it was is no new reach */
		bool in = false;
		int rc = store_record_in_scope(s, f->target, ref, &scope, &in, &rq->err);
		if (rc == TG_OK && !in && f->target == ARR_PERSONS && scope.unit)
			rc = person_unattached(s, ref, &in, &rq->err);
		if (rc)
			return rc;
		if (!in) {
			*field = f->key;
			return TG_OK;
		}
	}
	return TG_OK;
}

/* Normalise a USCC parameter in place (lower case, spaces). */
static void normalise_uscc(char *param)
{
	char norm[19];
	if (ident_uscc_check(param, norm, NULL) == TG_OK && strlen(param) >= 18)
		memcpy(param, norm, 19);
}

int policy_check_scope(http_request *rq, bool *in)
{
	const tg_route *r = rq->route;
	tg_record_filter scope = policy_scope(&rq->user);
	tg_store *s = rq_store(rq);
	char key[160];
	*in = true;
	switch (r->scope) {
	case SCOPE_NONE:
	case SCOPE_LIST:
	case SCOPE_BODY:
		return TG_OK;
	case SCOPE_RECORD:
		if (r->array == ARR_ASSOCIATIONS)
			normalise_uscc(rq->params.value[0]);
		if (policy_sees_all(&rq->user))
			return TG_OK; /* the handler says 404 when it does not exist */
		rq_key(rq, key, sizeof key);
		return store_record_in_scope(s, r->array, key, &scope, in, &rq->err);
	case SCOPE_ASSOCIATION:
		normalise_uscc(rq->params.value[0]);
		return store_record_in_scope(s, ARR_ASSOCIATIONS, rq->params.value[0], &scope, in,
					     &rq->err);
	case SCOPE_EVIDENCE: {
		tg_evidence e;
		char *end;
		long long id = strtoll(rq->params.value[0], &end, 10);
		*in = false;
		if (*end || id <= 0)
			return TG_OK;
		int rc = store_evidence_get(s, id, &e, &rq->err);
		if (rc == TG_ENOTFOUND)
			return TG_OK;
		if (rc)
			return rc;
		return store_record_in_scope(s, ARR_ASSOCIATIONS, e.association, &scope, in,
					     &rq->err);
	}
	}
	return TG_OK;
}
