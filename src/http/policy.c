/*
** policy.c: a request's scope: whether the object of a route, a record
** about to be written and every record it refers to lie in the user's
** scope (rights.h says what the scope and the rights of each role are).
**
** The route table (routes.c) says which roles may call a route at all;
** rights.c says, for the roles that may, which records are theirs (scope)
** and which fields they may change (rights):
**   - office writes everything;
**   - civil_affairs keeps registration data, annual reports, credit lists
**     and elections, and registers new associations; after decoupling it
**     keeps every array of supervision.md (五) and the jurisdictions;
**   - unit is scoped to its own associations and writes their decoupling
**     records, and on its own unit record the date its function list was
**     issued (function_list_on, 四(四)), but never a person's employing unit (persons.unit): that
**     fact says whose staff a person is, and so whose full ID number the
**     unit may reveal (policy_may_reveal); the office and 组织部 write it;
**   - department reads everything and writes only its kind's fields (the
**     table of rights.c, product.md): finance also purchases of services
**     and tax exemption, price fees and award activities;
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

#include "ident.h"
#include "policy.h"
#include "respond.h"
#include "rights.h"
#include "roles.h"

static bool str_same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

static const char *row_str(int a, const void *row, const char *key)
{
	const tg_field *f = schema_field(a, key);
	return f ? *(const char *const *)((const char *)row + f->off) : NULL;
}

/* Whether a record about to be written lies in the jurisdiction of a
** county's account (六(一)) or below it: an association's or a unit's own
** jurisdiction (null: the register's, outside every county), a unit task's
** its unit's, a person's its employing unit's (none: anyone's), every other
** record's its association's. */
static int row_in_jurisdiction(http_request *rq, int a, const void *row, const char *code,
			       bool *in)
{
	tg_record_filter within = {.jurisdiction = code};
	tg_store *s = rq_store(rq);
	int target = ARR_ASSOCIATIONS;
	const char *key = NULL;
	*in = true;
	if (a == ARR_BATCHES)
		return TG_OK;
	if (a == ARR_JURISDICTIONS || a == ARR_ASSOCIATIONS || a == ARR_UNITS) {
		target = ARR_JURISDICTIONS;
		key = row_str(a, row, a == ARR_JURISDICTIONS ? "id" : "jurisdiction");
		if (!key)
			return (*in = false), TG_OK;
	} else if (a == ARR_UNIT_TASKS || a == ARR_PERSONS) {
		target = ARR_UNITS;
		key = row_str(a, row, "unit");
	} else {
		key = row_str(a, row, "association");
	}
	return key ? store_record_in_scope(s, target, key, &within, in, &rq->err) : TG_OK;
}

int policy_row_in_scope(http_request *rq, int a, const void *row, bool *in)
{
	const tg_user *u = &rq->user;
	tg_record_filter scope = policy_scope(u);
	*in = true;
	if (policy_sees_all(u))
		return TG_OK;
	if (scope.jurisdiction) {
		int rc = row_in_jurisdiction(rq, a, row, scope.jurisdiction, in);
		if (rc || !*in || (!scope.unit && !scope.association))
			return rc;
	}
	*in = false;
	if (a == ARR_BATCHES || a == ARR_JURISDICTIONS)
		return TG_OK;
	if (a == ARR_UNITS) { /* a unit's own record: its function list (四(四)) */
		*in = scope.unit && str_same(row_str(a, row, "id"), scope.unit);
		return TG_OK;
	}
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
		if (!ref || (before && policy_field_same(f, before, row)))
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
