/*
** rights.h: what each role may see and write, whatever the way in
** (rights.c): the scope of a user's records, the fields a user may
** change, whose full ID number a user may see.
*/
#ifndef TG_APP_RIGHTS_H
#define TG_APP_RIGHTS_H

#include <stdbool.h>

#include "store.h"

/* The records u sees: a unit's associations, an association itself, or
** all (an empty filter); an account scoped to a jurisdiction sees only
** that jurisdiction's and those below it (the filter's jurisdiction). */
tg_record_filter policy_scope(const tg_user *u);
/* Whether u sees every record (no scope). */
bool policy_sees_all(const tg_user *u);
/* May u create records of array a / change field key of a? */
bool policy_can_create(const tg_user *u, int a);
bool policy_can_write_field(const tg_user *u, int a, const char *key);
/* Compare two rows of a; the first field that differs and u may not write,
** or NULL. */
const char *policy_forbidden_change(const tg_user *u, int a, const void *before, const void *after);
/* The first field of a new record u may not set (NULL: none). */
const char *policy_forbidden_create(const tg_user *u, int a, const void *row);
/* Whether rows x and y of one array hold the same value of field f (each
** sub-field of an object field). */
bool policy_field_same(const tg_field *f, const void *x, const void *y);
/* May u see p's full ID number: the office, or a unit for its own staff
** (persons.unit, which no unit writes). */
bool policy_may_reveal(const tg_user *u, const tg_person *p);

#endif
