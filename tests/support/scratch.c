/*
** scratch.c: a scratch store for the unit tests (see scratch.h).
*/
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "gen.h"
#include "scratch.h"
#include "store.h"

const char *scratch_begin(scratch_store *sc)
{
	snprintf(sc->path, sizeof sc->path, "/tmp/tuogou-test-XXXXXX");
	int fd = mkstemp(sc->path);
	if (fd < 0)
		return NULL;
	close(fd);
	unlink(sc->path); /* the store creates it */
	snprintf(sc->key, sizeof sc->key, "%s.key", sc->path);
	setenv("TUOGOU_KEY", sc->key, 1);
	const char *pg = getenv("TUOGOU_TEST_PG_URL"), *pg_dir = getenv("TUOGOU_TEST_PG_DIR");
	if (pg && *pg && pg_dir && *pg_dir)
		snprintf(sc->audit_key, sizeof sc->audit_key, "%s/tuogou-audit.key", pg_dir);
	else if (pg && *pg)
		snprintf(sc->audit_key, sizeof sc->audit_key, "/tmp/tuogou-test-pg-%d-audit.key",
			 (int)getuid());
	else
		snprintf(sc->audit_key, sizeof sc->audit_key, "%s-audit.key", sc->path);
	setenv("TUOGOU_AUDIT_KEY", sc->audit_key, 1);
	sc->url = pg && *pg ? pg : sc->path;
	if (sc->url == pg) {
		/* Each test its own empty database, as a SQLite scratch file is:
		** what an earlier test sealed under its own key (removed since)
		** cannot be read (the birth dates are sealed too, issue 14). */
		PGconn *c = PQconnectdb(pg);
		PGresult *res = PQstatus(c) == CONNECTION_OK
					? PQexec(c, "SET client_min_messages = warning; "
						    "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
					: NULL;
		bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		PQfinish(c);
		if (!ok)
			return NULL;
	}
	return sc->url;
}

struct tg_store *scratch_open(scratch_store *sc)
{
	tg_error e = {0};
	tg_store *s = NULL;
	if (!scratch_begin(sc))
		return NULL;
	if (store_open(sc->url, &s, &e)) {
		fprintf(stderr, "store_open: %s [%s]\n", e.message, e.code);
		return NULL;
	}
	return s;
}

int scratch_setup(void **state)
{
	scratch_fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	f->s = scratch_open(&f->sc);
	return f->s ? 0 : -1;
}

int scratch_teardown(void **state)
{
	scratch_fixture *f = *state;
	if (f->s)
		store_close(f->s);
	scratch_end(&f->sc);
	free(f);
	return 0;
}

void scratch_end(scratch_store *sc)
{
	char side[48];
	unlink(sc->path);
	snprintf(side, sizeof side, "%s-wal", sc->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", sc->path);
	unlink(side);
	unlink(sc->key);
	unsetenv("TUOGOU_KEY");
	if (!getenv("TUOGOU_TEST_PG_URL") || !*getenv("TUOGOU_TEST_PG_URL"))
		unlink(sc->audit_key); /* PostgreSQL's is shared by the tests */
	unsetenv("TUOGOU_AUDIT_KEY");
}

int scratch_association(struct tg_store *s, char uscc[19], char unit[32])
{
	char bundle[1024], id[32];
	tg_register r;
	tg_errors errs;
	tg_error e;
	snprintf(id, sizeof id, "UA%d", (int)getpid());
	gen_uscc(1000 + (uint64_t)getpid() % 100000, uscc);
	if (unit)
		snprintf(unit, 32, "%s", id);
	snprintf(bundle, sizeof bundle,
		 "{\"format\": \"tuogou-bundle/1\", \"plan\": \"luoyang-2017\","
		 " \"units\": [{\"id\": \"%s\", \"name\": \"洛阳市测试局\", \"kind\": \"organ\"}],"
		 " \"associations\": [{\"uscc\": \"%s\", \"name\": \"洛阳市测试协会\", \"level\": "
		 "\"city\", \"registered_on\": \"2005-03-01\", \"unit\": \"%s\", \"link\": "
		 "\"supervisor\"}]}",
		 id, uscc, id);
	register_init(&r);
	tg_errors_init(&errs);
	int rc = bundle_read_buffer(bundle, strlen(bundle), &r, &errs) ||
		 register_resolve(&r, NULL, 0, NULL, &errs) || store_import(s, &r, &e);
	tg_errors_free(&errs);
	register_release(&r);
	return rc;
}
