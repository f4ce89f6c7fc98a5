/*
** store.c: backend selection and the thin dispatch of store.h.
*/
#include <string.h>

#include "store.h"

static int is_postgres_url(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
	       strstr(url, "dbname=") != NULL || strstr(url, "host=") != NULL;
}

int store_open(const char *url, tg_store **out, tg_error *err)
{
	*out = NULL;
	if (!url || !*url)
		return tg_error_set(err, TG_EINVAL, "bad_db", "--db", "未指定数据库");
	if (is_postgres_url(url))
		return tg_error_set(err, TG_EINVAL, "backend_unavailable", "--db",
				    "此版本尚未提供 PostgreSQL 存储");
	return store_sqlite_open(url, out, err);
}

void store_close(tg_store *s)
{
	if (s)
		s->ops->close(s);
}

int store_load_register(tg_store *s, tg_register *r, tg_error *err)
{
	return s->ops->load_register(s, r, err);
}

int store_import(tg_store *s, const tg_register *bundle, tg_error *err)
{
	return s->ops->import(s, bundle, err);
}

int store_get_plan(tg_store *s, char **json, size_t *len, tg_error *err)
{
	return s->ops->get_plan(s, json, len, err);
}

int store_set_plan(tg_store *s, const char *plan_id, const char *json, size_t len, tg_error *err)
{
	return s->ops->set_plan(s, plan_id, json, len, err);
}

int store_count(tg_store *s, int array, size_t *n, tg_error *err)
{
	return s->ops->count(s, array, n, err);
}
