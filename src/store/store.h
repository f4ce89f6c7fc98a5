/*
** store.h: the narrow interface between tuogou and its database.
**
** The domain never sees SQL: it hands the store a register to merge and gets
** a register back.  A backend (store_sqlite.c today, store_pg.c for
** PostgreSQL) fills in a tg_store_ops table; store_open picks the backend
** from the URL ("postgresql://..." or a libpq string for PostgreSQL, a file
** path for SQLite).
**
** Every write runs in one transaction: it is all in or all out.
*/
#ifndef TG_STORE_H
#define TG_STORE_H

#include <stddef.h>

#include "error.h"
#include "register.h"

typedef struct tg_store tg_store;

typedef struct tg_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(tg_store *s);
	int (*load_register)(tg_store *s, tg_register *r, tg_error *err);
	int (*import)(tg_store *s, const tg_register *bundle, tg_error *err);
	int (*get_plan)(tg_store *s, char **json, size_t *len, tg_error *err);
	int (*set_plan)(tg_store *s, const char *plan_id, const char *json, size_t len,
			tg_error *err);
	int (*count)(tg_store *s, int array, size_t *n, tg_error *err);
} tg_store_ops;

struct tg_store {
	const tg_store_ops *ops;
	char *url;
};

/* Open (creating and migrating when needed) the database at url. */
int store_open(const char *url, tg_store **out, tg_error *err);
void store_close(tg_store *s);

/* The whole register, resolved (references indexed). */
int store_load_register(tg_store *s, tg_register *r, tg_error *err);
/* Merge a validated bundle by key in one transaction. */
int store_import(tg_store *s, const tg_register *bundle, tg_error *err);
/* The stored plan document (malloc'd, NUL-terminated), or *json = NULL. */
int store_get_plan(tg_store *s, char **json, size_t *len, tg_error *err);
int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len,
		   tg_error *err);
int store_count(tg_store *s, int array, size_t *n, tg_error *err);

/* Backends. */
int store_sqlite_open(const char *path, tg_store **out, tg_error *err);

#endif
