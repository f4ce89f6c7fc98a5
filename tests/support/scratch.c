/*
** scratch.c: a scratch store for the unit tests (see scratch.h).
*/
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"

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
