/*
** policy.h: roles, rights and scope (policy.c): what a user may see,
** create, change and reveal.
*/
#ifndef TG_HTTP_POLICY_H
#define TG_HTTP_POLICY_H

#include "request.h"

tg_record_filter policy_scope(const tg_user *u);
/* The unit whose findings a unit user sees, else NULL. */
bool policy_sees_all(const tg_user *u);
/* May u create records of array a / change field key of a? */
bool policy_can_create(const tg_user *u, int a);
bool policy_can_write_field(const tg_user *u, int a, const char *key);
/* Compare two rows of a; the first field that differs and u may not write,
** or NULL. */
const char *policy_forbidden_change(const tg_user *u, int a, const void *before, const void *after);
/* The first field of a new record u may not set (NULL: none). */
const char *policy_forbidden_create(const tg_user *u, int a, const void *row);
/* Every reference of row (one changed from before, when not NULL) lies in
** the user's scope; else *field names the first that does not. */
int policy_refs_in_scope(http_request *rq, int a, const void *row, const void *before,
			 const char **field);
/* May u see p's full ID number: the office, or a unit for its own staff
** (persons.unit, which no unit writes). */
bool policy_may_reveal(const tg_user *u, const tg_person *p);
/* Whether a record (about to be written) lies in u's scope. */
int policy_row_in_scope(http_request *rq, int a, const void *row, bool *in);
/* The scope check of a route's object. */
int policy_check_scope(http_request *rq, bool *in);

#endif
