/*
** test_store_accounts.c: the rules of an account (store_user_fill,
** store_user_check), which the API, `tuogou user add` and both backends
** share: every mistake names the API's field (username, role, unit,
** association, department) with a Chinese message, never an option of the
** command line; a value too long for its field is refused, not cut; and
** through the store, a unit or association that does not exist is refused
** on add and on a role change.  Requests for a second administrator's
** approval (issue 14): the temporary password's flag kept; stored pending with the proposer, listed until they
** expire, decided once, each step audited; an administrator's failures
** grow a delay without locking.  On PostgreSQL when TUOGOU_TEST_PG_URL is
** set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "gen.h"
#include "scratch.h"
#include "store.h"

/* err names field with code, and speaks no command line. */
static void expect_refused(int rc, const tg_error *err, const char *code, const char *field)
{
	assert_int_equal(rc, TG_EINVAL);
	assert_string_equal(err->code, code);
	assert_string_equal(err->path, field);
	assert_true(strlen(err->message) > 0);
	assert_null(strstr(err->message, "--"));
	assert_null(strstr(err->path, "--"));
}

static int fill(tg_user *u, const char *name, const char *role, const char *unit,
		const char *assoc, const char *dept, tg_error *err)
{
	memset(u, 0, sizeof *u);
	memset(err, 0, sizeof *err);
	return store_user_fill(u, name, role, unit, assoc, dept, NULL, err);
}

static void test_fill_names_the_fields(void **state)
{
	(void)state;
	tg_user u;
	tg_error e;
	char longer[200];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';

	assert_int_equal(fill(&u, "office1", "office", NULL, NULL, NULL, &e), TG_OK);
	assert_string_equal(u.role, "office");
	assert_string_equal(u.unit, "");
	expect_refused(fill(&u, "a", "office", NULL, NULL, NULL, &e), &e, "bad_username", "username");
	expect_refused(fill(&u, "王丽", "office", NULL, NULL, NULL, &e), &e, "bad_username",
		       "username");
	/* 199 characters are not cut to a valid 64 */
	expect_refused(fill(&u, longer, "office", NULL, NULL, NULL, &e), &e, "bad_username",
		       "username");
	expect_refused(fill(&u, "boss1", "boss", NULL, NULL, NULL, &e), &e, "bad_role", "role");
	expect_refused(fill(&u, "boss1", NULL, NULL, NULL, NULL, &e), &e, "bad_role", "role");
	expect_refused(fill(&u, "boss1", "office_and_more_than_sixteen", NULL, NULL, NULL, &e), &e,
		       "bad_role", "role");

	/* the scope the role needs, and no other */
	expect_refused(fill(&u, "gxw", "unit", NULL, NULL, NULL, &e), &e, "bad_scope", "unit");
	assert_non_null(strstr(e.message, "主管单位"));
	expect_refused(fill(&u, "gxw", "office", "U01", NULL, NULL, &e), &e, "bad_scope", "unit");
	expect_refused(fill(&u, "gxw", "unit", longer, NULL, NULL, &e), &e, "dangling_ref", "unit");
	assert_int_equal(fill(&u, "gxw", "unit", "U01", "", "", &e), TG_OK);
	assert_string_equal(u.unit, "U01");

	char uscc[19], lower[24];
	gen_uscc(3, uscc);
	snprintf(lower, sizeof lower, " %s ", uscc);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	expect_refused(fill(&u, "xh", "association", NULL, NULL, NULL, &e), &e, "bad_scope",
		       "association");
	expect_refused(fill(&u, "xh", "unit", "U01", uscc, NULL, &e), &e, "bad_scope",
		       "association");
	expect_refused(fill(&u, "xh", "association", NULL, "91410300MA44X0Y0X3", NULL, &e), &e,
		       "bad_uscc", "association");
	assert_int_equal(fill(&u, "xh", "association", NULL, lower, NULL, &e), TG_OK);
	assert_string_equal(u.association, uscc); /* normalised */

	expect_refused(fill(&u, "cz", "department", NULL, NULL, NULL, &e), &e, "bad_scope",
		       "department");
	expect_refused(fill(&u, "cz", "department", NULL, NULL, "police", &e), &e,
		       "bad_department", "department");
	expect_refused(fill(&u, "cz", "department", NULL, NULL, longer, &e), &e, "bad_department",
		       "department");
	expect_refused(fill(&u, "cz", "auditor", NULL, NULL, "finance", &e), &e, "bad_scope",
		       "department");
	assert_int_equal(fill(&u, "cz", "department", NULL, NULL, "finance", &e), TG_OK);

	/* a role change keeps the name (NULL) */
	snprintf(u.username, sizeof u.username, "kept");
	assert_int_equal(store_user_fill(&u, NULL, "office", NULL, NULL, NULL, NULL, &e), TG_OK);
	assert_string_equal(u.username, "kept");
	assert_string_equal(u.department, "");

	/* a county (六(一)): the office, civil affairs, a department or a unit
	** may be scoped to a jurisdiction; an administrator may not, and a code too long for the field is refused, not cut */
	memset(&e, 0, sizeof e);
	assert_int_equal(store_user_fill(&u, "xq", "office", NULL, NULL, NULL, "410322", &e), TG_OK);
	assert_string_equal(u.jurisdiction, "410322");
	assert_int_equal(store_user_fill(&u, "xq", "unit", "U01", NULL, NULL, "410322", &e), TG_OK);
	expect_refused(store_user_fill(&u, "xq", "auditor", NULL, NULL, NULL, "410322", &e), &e,
		       "bad_scope", "jurisdiction");
	expect_refused(store_user_fill(&u, "xq", "office", NULL, NULL, NULL,
				       "4103224103224103224103", &e),
		       &e, "dangling_ref", "jurisdiction");
}

/* Through the store: the unit or association must exist, on add and on a
** role change; the accounts that pass are stored. */
static void test_store_refuses_what_does_not_exist(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *s = fx->s;
	tg_error e = {0};
	/* one unit and its association, no person: a PostgreSQL test database
	** already holds numbers sealed with another run's key */
	char uscc[19], unit[32];
	assert_int_equal(scratch_association(s, uscc, unit), 0);

	/* names of this run only: a PostgreSQL test database is shared */
	char name[64], other[64];
	snprintf(name, sizeof name, "acct-%ld-%d", (long)time(NULL), (int)getpid());
	snprintf(other, sizeof other, "assoc-%ld-%d", (long)time(NULL), (int)getpid());
	tg_user u, back;
	assert_int_equal(fill(&u, name, "unit", "U-none", NULL, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	expect_refused(store_user_add(s, &u, &e), &e, "dangling_ref", "unit");
	assert_string_equal(e.message, "主管单位“U-none”不存在");
	assert_int_equal(store_user_get(s, name, 0, &back, &e), TG_ENOTFOUND);

	assert_int_equal(fill(&u, name, "unit", unit, NULL, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	assert_int_equal(store_user_add(s, &u, &e), 0);
	assert_int_equal(store_user_get(s, name, 0, &back, &e), 0);
	assert_string_equal(back.unit, unit);

	char missing[19];
	gen_uscc(999983, missing);
	assert_int_equal(fill(&u, other, "association", NULL, missing, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	expect_refused(store_user_add(s, &u, &e), &e, "dangling_ref", "association");
	assert_non_null(strstr(e.message, missing));
	assert_int_equal(fill(&u, other, "association", NULL, uscc, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	assert_int_equal(store_user_add(s, &u, &e), 0);

	/* a role change to a unit that does not exist, and to one that does */
	assert_int_equal(store_user_fill(&back, NULL, "unit", "U-none", NULL, NULL, NULL, &e), TG_OK);
	expect_refused(store_user_update(s, &back, &e), &e, "dangling_ref", "unit");
	assert_int_equal(store_user_fill(&back, NULL, "office", NULL, NULL, NULL, NULL, &e), TG_OK);
	assert_int_equal(store_user_update(s, &back, &e), 0);
	assert_int_equal(store_user_get(s, name, 0, &back, &e), 0);
	assert_string_equal(back.role, "office");
	assert_string_equal(back.unit, "");
	/* a struct that store_user_fill did not make is checked all the same */
	snprintf(back.department, sizeof back.department, "finance");
	expect_refused(store_user_update(s, &back, &e), &e, "bad_scope", "department");
	/* a taken name */
	assert_int_equal(fill(&u, name, "office", NULL, NULL, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	assert_int_equal(store_user_add(s, &u, &e), TG_ECONFLICT);
	assert_string_equal(e.path, "username");

}

/* The audit records of event on object. */
static size_t audit_count_fn_n;
static const char *audit_count_object;
static void audit_count_fn(void *ctx, const tg_audit_record *r)
{
	(void)ctx;
	if (r->object && !strcmp(r->object, audit_count_object))
		audit_count_fn_n++;
}
static size_t audit_count(tg_store *s, const char *event, const char *object)
{
	tg_audit_filter f = {.event = event};
	size_t total = 0;
	audit_count_fn_n = 0;
	audit_count_object = object;
	assert_int_equal(store_audit_list(s, &f, 0, 100000, audit_count_fn, NULL, &total, NULL), 0);
	return audit_count_fn_n;
}

static void test_requests_and_delay(void **state)
{
	scratch_fixture *fx = *state;
	tg_store *s = fx->s;
	tg_error e = {0};
	char name[64], object[96];
	snprintf(name, sizeof name, "req-%ld-%d", (long)time(NULL), (int)getpid());
	snprintf(object, sizeof object, "users/%s", name);
	int64_t now = (int64_t)time(NULL);

	store_set_actor(s, "sec1", "secadmin", "127.0.0.1");
	tg_account_request r;
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "create");
	snprintf(r.username, sizeof r.username, "%s", name);
	snprintf(r.detail, sizeof r.detail, "{\"role\": \"office\"}");
	r.created_at = now;
	assert_int_equal(store_request_add(s, &r, &e), 0);
	assert_true(r.id > 0);
	assert_int_equal(audit_count(s, "user_request", object), 1);

	/* listed, with the proposer; not once expired (made before since) */
	tg_account_request *items = NULL;
	size_t n = 0, found = 0;
	assert_int_equal(store_request_list(s, now - 60, &items, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		if (items[i].id == r.id) {
			found++;
			assert_string_equal(items[i].proposer, "sec1");
			assert_string_equal(items[i].proposer_role, "secadmin");
			assert_string_equal(items[i].status, "pending");
			assert_string_equal(items[i].username, name);
			assert_string_equal(items[i].detail, "{\"role\": \"office\"}");
			assert_string_equal(items[i].decided_by, "");
		}
	free(items);
	assert_int_equal(found, 1);
	assert_int_equal(store_request_list(s, now + 1, &items, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(items[i].id != r.id);
	free(items);

	/* an expired request cannot be decided; a pending one once */
	store_set_actor(s, "sys1", "sysadmin", "127.0.0.1");
	assert_int_equal(store_request_decide(s, r.id, "pending", "approved", now, now + 1, &e),
			 TG_ENOTFOUND);
	assert_int_equal(store_request_decide(s, r.id, "pending", "approved", now, now - 60, &e), 0);
	assert_int_equal(store_request_decide(s, r.id, "pending", "rejected", now, now - 60, &e),
			 TG_ENOTFOUND);
	assert_string_equal(e.code, "no_request");
	char req_object[96];
	snprintf(req_object, sizeof req_object, "user-requests/%lld", (long long)r.id);
	assert_int_equal(audit_count(s, "user_approve", req_object), 1);
	assert_int_equal(audit_count(s, "user_reject", req_object), 0);
	assert_int_equal(store_request_list(s, now - 60, &items, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(items[i].id != r.id);
	free(items);

	/* the administrators' delay: the count grows, the wait is the caller's */
	tg_user u, back;
	assert_int_equal(fill(&u, name, "sysadmin", NULL, NULL, NULL, &e), TG_OK);
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$not-a-real-hash");
	u.must_change = true; /* a temporary password (issue 14) */
	assert_int_equal(store_user_add(s, &u, &e), 0);
	assert_int_equal(store_user_get(s, name, 0, &u, &e), 0);
	assert_true(u.must_change);
	u.must_change = false;
	assert_int_equal(store_user_update(s, &u, &e), 0);
	assert_int_equal(store_user_get(s, name, 0, &u, &e), 0);
	assert_false(u.must_change);
	for (int i = 1; i <= 7; i++) {
		assert_int_equal(store_user_login_result(s, u.id, false, now, 0, i >= 5 ? 4 : 0, &e),
				 0);
		assert_int_equal(store_user_get(s, name, 0, &back, &e), 0);
		assert_int_equal(back.failed_count, i);
		assert_int_equal(back.locked_until, i >= 5 ? now + 4 : 0);
	}
	assert_int_equal(audit_count(s, "lockout", object), 3);
	assert_int_equal(store_user_login_result(s, u.id, true, now, 5, 900, &e), 0);
	assert_int_equal(store_user_get(s, name, 0, &back, &e), 0);
	assert_int_equal(back.failed_count, 0);
	assert_int_equal(back.locked_until, 0);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_names_the_fields),
		cmocka_unit_test_setup_teardown(test_store_refuses_what_does_not_exist,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_requests_and_delay, scratch_setup,
						scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
