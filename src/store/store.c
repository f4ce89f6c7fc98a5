/*
** store.c: backend selection and the thin dispatch of store.h, plus what
** every backend shares (record pages, the pinyin sort key of a name).
*/
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collate.h"
#include "db.h"
#include "store.h"
#include "strbuf.h"

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
	int rc = is_postgres_url(url) ? store_pg_open(url, out, err)
				      : store_sqlite_open(url, out, err);
	if (rc == TG_OK) {
		/* The command line acts as the operating-system user. */
		const struct passwd *pw = getpwuid(geteuid());
		const char *who = pw && pw->pw_name ? pw->pw_name : getenv("USER");
		store_set_actor(*out, who ? who : "?", "operator", "cli");
	}
	return rc;
}

int store_tx_begin(tg_store *s, tg_error *err)
{
	return db_write_begin(s->db, err);
}

/* !ok: everything since store_tx_begin is rolled back, and TG_EIO returned
** with err left as the failed step set it. */
int store_tx_end(tg_store *s, bool ok, tg_error *err)
{
	return db_write_end(s->db, ok ? TG_OK : TG_EIO, err);
}

void store_close(tg_store *s)
{
	if (s)
		s->ops->close(s);
}

int store_import(tg_store *s, const tg_register *bundle, tg_error *err)
{
	return s->ops->import(s, bundle, err);
}

/* ---- for the server ---- */

void record_page_init(tg_record_page *p)
{
	memset(p, 0, sizeof *p);
	register_init(&p->reg);
}

void record_page_release(tg_record_page *p)
{
	register_release(&p->reg);
	free(p->versions);
	memset(p, 0, sizeof *p);
}

int store_read_begin(tg_store *s, tg_error *err)
{
	return s->ops->read_begin ? s->ops->read_begin(s, err) : TG_OK;
}

void store_read_end(tg_store *s)
{
	if (s->ops->read_end)
		s->ops->read_end(s);
}

int store_import_as(tg_store *s, const tg_register *bundle, const char *user, tg_error *err)
{
	return s->ops->import_as(s, bundle, user, err);
}

unsigned char *store_name_sort_key(const char *name, size_t *len)
{
	return collate_name_key(name, len);
}

/* ---- security ---- */

void store_set_clock(tg_store *s, int64_t now)
{
	s->clock = now;
}

void store_set_actor(tg_store *s, const char *user, const char *role, const char *ip)
{
	str_copy(s->actor.user, sizeof s->actor.user, user && *user ? user : "-");
	str_copy(s->actor.role, sizeof s->actor.role, role && *role ? role : "-");
	str_copy(s->actor.ip, sizeof s->actor.ip, ip && *ip ? ip : "-");
}

/* ---- several servers on one database ---- */

void store_key_path(const char *url, char *out, size_t size)
{
	const char *env = getenv("TUOGOU_KEY");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return;
	}
	if (url && !is_postgres_url(url)) {
		const char *slash = strrchr(url, '/');
		if (slash) {
			snprintf(out, size, "%.*s/tuogou.key", (int)(slash - url), url);
			return;
		}
		snprintf(out, size, "tuogou.key");
		return;
	}
	snprintf(out, size, "var/tuogou.key");
}

void store_audit_key_path(const char *url, char *out, size_t size)
{
	const char *env = getenv("TUOGOU_AUDIT_KEY");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return;
	}
	char key[4096];
	store_key_path(url, key, sizeof key);
	const char *slash = strrchr(key, '/');
	if (slash)
		snprintf(out, size, "%.*s/tuogou-audit.key", (int)(slash - key), key);
	else
		snprintf(out, size, "tuogou-audit.key");
}
