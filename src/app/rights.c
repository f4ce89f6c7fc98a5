/*
** rights.c: what each role may see and write (rights.h): the table of
** rights by role, department kind, array and field, and the scope of the
** scoped roles.  The route table (src/http/routes.c) says which roles may
** call a route at all; this says, for the roles that may, which fields they
** may change and whose ID numbers they may see; src/http/policy.c applies
** the scope to a request.
*/
#include <stdlib.h>
#include <string.h>

#include "rights.h"
#include "roles.h"

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
	/* 五 after decoupling: civil affairs keeps every array of
	** supervision.md, and the 行政区划 it administers */
	{R_CIVIL_AFFAIRS, NULL, ARR_ASSOCIATIONS, "jurisdiction"},
	{R_CIVIL_AFFAIRS, NULL, ARR_JURISDICTIONS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_SERVICE_PURCHASES, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_FEES, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_AWARDS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_TAX_EXEMPTIONS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_RATINGS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_CREDIT_COMMITMENTS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_EVALUATIONS, NULL},
	{R_CIVIL_AFFAIRS, NULL, ARR_EXIT_CASES, NULL},
	/* the records of a plan's duties done (steps[]), mostly those of 五 */
	{R_CIVIL_AFFAIRS, NULL, ARR_STEPS, NULL},

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
	/* 四(四): the unit issues its function list (清单目录); its own unit
	** record only (policy.c's scope), that date and nothing else of it */
	{R_UNIT, NULL, ARR_UNITS, "function_list_on"},

	/* 财政局: appropriations and state assets, the association's account. */
	{R_DEPARTMENT, "finance", ARR_APPROPRIATIONS, NULL},
	{R_DEPARTMENT, "finance", ARR_ASSETS, NULL},
	{R_DEPARTMENT, "finance", ARR_ASSOCIATIONS, "independent_account_on"},
	{R_DEPARTMENT, "finance", ARR_ASSOCIATIONS, "asset_inventory_on"},
	/* 五(一): purchase of services (contract, evaluation, publication),
	** and the non-profit tax exemption, which finance and tax recognise
	** jointly (财税〔2014〕13号; there is no tax department kind). */
	{R_DEPARTMENT, "finance", ARR_SERVICE_PURCHASES, NULL},
	{R_DEPARTMENT, "finance", ARR_TAX_EXEMPTIONS, NULL},
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
	/* 价格: fees, and award activities (评比达标表彰) under price supervision. */
	{R_DEPARTMENT, "price", ARR_FEES, NULL},
	{R_DEPARTMENT, "price", ARR_AWARDS, NULL},

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

bool policy_field_same(const tg_field *f, const void *x, const void *y)
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
			if (!policy_field_same(s, x, y))
				return false;
		return true;
	}
	return true;
}

const char *policy_forbidden_change(const tg_user *u, int a, const void *before, const void *after)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (!policy_field_same(f, before, after) && !policy_can_write_field(u, a, f->key))
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
		if (f && !policy_field_same(f, empty, row) && !policy_can_write_field(u, a, f->key))
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
	if (u->jurisdiction[0]) /* a county's account (六(一)) */
		f.jurisdiction = u->jurisdiction;
	return f;
}

bool policy_sees_all(const tg_user *u)
{
	return strcmp(u->role, "unit") && strcmp(u->role, "association") && !u->jurisdiction[0];
}

