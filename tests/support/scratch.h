/*
** scratch.h: a scratch store for the unit tests that need a database.
**
** A fresh SQLite file under /tmp, or, when TUOGOU_TEST_PG_URL is set
** (tests/run's PostgreSQL pass), that PostgreSQL database; either way a
** scratch key file that seals ID numbers, given to the store through
** TUOGOU_KEY, and an audit key file (TUOGOU_AUDIT_KEY) beside it.
** scratch_end removes the file, its -wal and -shm, and the keys.  On
** PostgreSQL the unit tests share one database, so they share one audit
** key too: in the cluster's folder ($TUOGOU_TEST_PG_DIR, removed with it).
*/
#ifndef TG_TEST_SCRATCH_H
#define TG_TEST_SCRATCH_H

typedef struct scratch_store {
	char path[32]; /* the SQLite file (unused on PostgreSQL but for the key's name) */
	char key[64];
	char audit_key[512];
	const char *url; /* what store_open takes */
} scratch_store;

struct tg_store;

/* Import into s one unit and its association, named after this process (a
** PostgreSQL test database is shared), with no person: uscc gets the
** association's USCC, unit (may be NULL) the unit's id.  0, or the
** store's error. */
int scratch_association(struct tg_store *s, char uscc[19], char unit[32]);

/* Returns sc->url, or NULL when no scratch name could be made. */
const char *scratch_begin(scratch_store *sc);

/* scratch_begin, then store_open on sc->url: the open store, or NULL (the
** store's message and code printed on stderr) for the test to assert on.
** The caller closes the store and calls scratch_end. */
struct tg_store *scratch_open(scratch_store *sc);

/* A cmocka fixture for a test of one store:
** cmocka_unit_test_setup_teardown(test, scratch_setup, scratch_teardown).
** scratch_setup makes *state a scratch_fixture whose s is open (scratch_open);
** scratch_teardown closes s unless the test set it NULL, ends the scratch
** and frees the fixture.  A test that reopens the store keeps f->s current. */
typedef struct scratch_fixture {
	scratch_store sc;
	struct tg_store *s;
} scratch_fixture;
int scratch_setup(void **state);
int scratch_teardown(void **state);
void scratch_end(scratch_store *sc);

#endif
