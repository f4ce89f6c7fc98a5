/*
** store.c: opening and closing a store, once for both databases: the
** driver chosen by the URL (db.h), the keys loaded, the migrations run,
** what other tools left behind repaired; and what the store's users share
** (transactions, record pages, the actor, the key files' places).
**
** Migrations: the driver's script (schema_sqlite.sql, schema_pg.sql: the
** SQL stays per dialect) is split at lines "-- migration: N"; each part
** newer than the version the database records runs in its own write
** transaction, under the driver's migration lock (the version read again
** there, so that servers starting at once migrate once), with what the
** store does in the same transaction (3 seals the ID numbers, 6 the birth
** dates, 9 starts the keyed audit chain), and the version recorded.
*/
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collate.h"
#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

static int is_postgres_url(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
	       strstr(url, "dbname=") != NULL || strstr(url, "host=") != NULL;
}

/* ---- migrations ---- */

/* What the store does in the transaction of migration `version`. */
static int migration_step(tg_store *s, int version, tg_error *err)
{
	if (version == 3)
		return store_seal_plain_ids(s, err);
	if (version == 6)
		return store_seal_clear_births(s, err);
	if (version == 9) {
		/* the first keyed record, naming its algorithm: from here on an
		** unkeyed record does not verify (audit.h) */
		char after[64];
		snprintf(after, sizeof after, "{\"alg\": \"%s\"}", audit_keyed_alg());
		return store_audit_append(s, "audit_keyed", NULL, "ok", NULL, after, err);
	}
	return TG_OK;
}

/* Migration `version` (its script sql) in one write, unless another
** connection applied it meanwhile. */
static int migrate_one(tg_store *s, int version, const char *sql, tg_error *err)
{
	int now = 0;
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = db_migrate_lock(s->db, err);
	if (rc == TG_OK)
		rc = db_schema_version(s->db, &now, err);
	if (rc == TG_OK && now < version) {
		rc = db_exec(s->db, sql, err);
		if (rc == TG_OK)
			rc = migration_step(s, version, err);
		if (rc == TG_OK)
			rc = db_schema_version_set(s->db, version, err);
	}
	return db_write_end(s->db, rc, err);
}

static int migrate(tg_store *s, tg_error *err)
{
	int current = 0;
	int rc = db_schema_version(s->db, &current, err);
	size_t len;
	const char *script = db_schema(s->db, &len);
	char *sql = rc ? NULL : strndup(script, len);
	if (!sql)
		return rc ? rc : TG_ENOMEM;
	const char *marker = "-- migration: ";
	char *p = strstr(sql, marker);
	while (p && rc == TG_OK) {
		int version = atoi(p + strlen(marker));
		char *next = strstr(p + 1, marker);
		if (next)
			*next = '\0';
		if (version > current)
			rc = migrate_one(s, version, p, err);
		if (next)
			*next = marker[0];
		p = next;
	}
	free(sql);
	return rc;
}

/* ---- opening and closing ---- */

int store_open(const char *url, tg_store **out, tg_error *err)
{
	*out = NULL;
	if (!url || !*url)
		return tg_error_set(err, TG_EINVAL, "bad_db", "--db", "未指定数据库");
	tg_store *s = calloc(1, sizeof *s);
	if (!s || !(s->url = strdup(url))) {
		free(s);
		return TG_ENOMEM;
	}
	int rc = is_postgres_url(url) ? db_pg_open(url, &s->db, err)
				      : db_sqlite_open(url, &s->db, err);
	/* the keys first: migrations 3 and 6 seal with the data key, 9
	** starts the chain keyed */
	if (rc == TG_OK)
		rc = store_keys_load(s, err);
	if (rc == TG_OK)
		rc = migrate(s, err);
	if (rc == TG_OK)
		rc = store_fill_missing_pinyin(s, err);
	if (rc == TG_OK)
		rc = store_seal_left_plain(s, err);
	if (rc) {
		store_close(s);
		return rc;
	}
	/* The command line acts as the operating-system user. */
	const struct passwd *pw = getpwuid(geteuid());
	const char *who = pw && pw->pw_name ? pw->pw_name : getenv("USER");
	store_set_actor(s, who ? who : "?", "operator", "cli");
	*out = s;
	return TG_OK;
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
	if (!s)
		return;
	db_close(s->db);
	sodium_memzero(&s->key, sizeof s->key);
	sodium_memzero(&s->audit_key, sizeof s->audit_key);
	free(s->url);
	free(s);
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
	return db_request_snapshot(s->db) ? db_read_begin(s->db, err) : TG_OK;
}

/* The request's snapshot is the outermost: it ends whatever is open. */
void store_read_end(tg_store *s)
{
	if (db_request_snapshot(s->db))
		db_read_end_all(s->db);
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
