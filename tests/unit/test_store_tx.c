/*
** test_store_tx.c: the store's nesting transaction (store_tx_begin /
** store_tx_end): the writes between them are one transaction, committed
** together or rolled back together with their audit records and the
** generation; a failed part rolls back the whole even when the outer end
** says ok.  Marking a checklist item done (app_mark_done) is one: when
** attaching its evidence fails after the record was written (a trigger
** refuses the update of that evidence row), the record, the evidence, the
** audit log and the generation are as they were; so is returning a work
** summary (app_summary_return) when its note fails.  On PostgreSQL when
** TUOGOU_TEST_PG_URL is set.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "db.h"
#include "scratch.h"
#include "store.h"

static scratch_store sc;
static tg_store *st;
static char key_a[64], key_b[64]; /* settings of this run (PostgreSQL is shared) */
static char uscc[19];                /* an association of this run */

static int setup(void **state)
{
	(void)state;
	st = scratch_open(&sc);
	if (!st || scratch_association(st, uscc, NULL))
		return -1;
	snprintf(key_a, sizeof key_a, "tx_test_a_%ld", (long)getpid());
	snprintf(key_b, sizeof key_b, "tx_test_b_%ld", (long)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	scratch_end(&sc);
	return 0;
}

static void ignore(void *ctx, const tg_audit_record *r)
{
	(void)ctx;
	(void)r;
}

static size_t audit_total(void)
{
	tg_audit_filter f = {0};
	size_t total = 0;
	tg_error e;
	assert_int_equal(store_audit_list(st, &f, 0, 1, ignore, NULL, &total, &e), TG_OK);
	return total;
}

static int64_t generation(void)
{
	int64_t gen = -1;
	tg_error e;
	assert_int_equal(store_generation(st, &gen, &e), TG_OK);
	return gen;
}

static bool setting_is(const char *key, const char *want)
{
	char v[64];
	tg_error e;
	int rc = store_setting_get(st, key, v, sizeof v, &e);
	return want ? rc == TG_OK && !strcmp(v, want) : rc == TG_ENOTFOUND;
}

static void set(const char *key, const char *value)
{
	tg_error e;
	assert_int_equal(store_setting_set(st, key, value, &e), TG_OK);
}

static void test_rolled_back_together(void **state)
{
	(void)state;
	tg_error e;
	char *plan = NULL;
	size_t len = 0;
	assert_int_equal(store_get_plan(st, &plan, &len, &e), TG_OK);
	size_t audits = audit_total();
	int64_t gen = generation();

	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "1");
	assert_int_equal(store_set_plan(st, "tx-test", "{\"tx\": 1}", 9, &e), TG_OK);
	assert_true(setting_is(key_a, "1")); /* the transaction reads its own writes */
	assert_int_equal(store_tx_end(st, false, &e), TG_EIO);

	assert_true(setting_is(key_a, NULL));
	char *after = NULL;
	assert_int_equal(store_get_plan(st, &after, &len, &e), TG_OK);
	if (plan)
		assert_string_equal(after, plan);
	else
		assert_null(after);
	assert_int_equal(audit_total(), audits);
	assert_int_equal(generation(), gen);
	free(plan);
	free(after);
}

static void test_committed_together(void **state)
{
	(void)state;
	tg_error e;
	size_t audits = audit_total();
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "1");
	set(key_b, "2");
	assert_int_equal(store_tx_end(st, true, &e), TG_OK);
	assert_true(setting_is(key_a, "1"));
	assert_true(setting_is(key_b, "2"));
	assert_int_equal(audit_total(), audits + 2);
}

/* A part that failed (an inner transaction ended not ok) takes the whole
** with it, though the outer end says ok. */
static void test_failed_part_rolls_back_all(void **state)
{
	(void)state;
	tg_error e;
	size_t audits = audit_total();
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_a, "outer");
	assert_int_equal(store_tx_begin(st, &e), TG_OK);
	set(key_b, "inner");
	assert_int_equal(store_tx_end(st, false, &e), TG_EIO);
	memset(&e, 0, sizeof e);
	assert_int_not_equal(store_tx_end(st, true, &e), TG_OK);
	assert_string_equal(e.code, "tx_failed");
	assert_true(setting_is(key_a, "1"));
	assert_true(setting_is(key_b, "2"));
	assert_int_equal(audit_total(), audits);
	/* and the store works on afterwards, outside any transaction */
	set(key_a, "3");
	assert_true(setting_is(key_a, "3"));
}

/* A date field (at offset off) of the association, and its version. */
static tg_date association_date(size_t off, int64_t *version)
{
	tg_register r;
	tg_error e;
	register_init(&r);
	assert_int_equal(store_record_get(st, ARR_ASSOCIATIONS, uscc, &r, version, &e), TG_OK);
	tg_date d = *(const tg_date *)((const char *)register_row(&r, ARR_ASSOCIATIONS, 0) + off);
	register_release(&r);
	return d;
}

static tg_date charter_filed(int64_t *version)
{
	return association_date(offsetof(tg_association, charter_filed_on), version);
}

/* A trigger that refuses any insert or update (event) of table's rows
** matching the condition (in terms of row, NEW or OLD), or drops it. */
static void refuse(const char *table, const char *event, const char *row, const char *cond,
		   bool on)
{
	char sql[768];
	tg_error e;
	bool pg = !strcmp(db_name(st->db), "postgresql");
	if (!on)
		snprintf(sql, sizeof sql, "DROP TRIGGER tg_refuse_%d%s%s", (int)getpid(),
			 pg ? " ON " : "", pg ? table : "");
	else if (pg)
		snprintf(sql, sizeof sql,
			 "CREATE OR REPLACE FUNCTION tg_refuse() RETURNS trigger LANGUAGE plpgsql "
			 "AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$; "
			 "CREATE TRIGGER tg_refuse_%d BEFORE %s ON %s FOR EACH ROW "
			 "WHEN (%s.%s) EXECUTE FUNCTION tg_refuse()",
			 (int)getpid(), event, table, row, cond);
	else
		snprintf(sql, sizeof sql,
			 "CREATE TEMP TRIGGER tg_refuse_%d BEFORE %s ON %s "
			 "WHEN %s.%s BEGIN SELECT RAISE(ABORT, 'refused'); END",
			 (int)getpid(), event, table, row, cond);
	assert_int_equal(db_exec(st->db, sql, &e), TG_OK);
}

static void refuse_evidence(int64_t id, bool on)
{
	char cond[64];
	snprintf(cond, sizeof cond, "\"id\" = %lld", (long long)id);
	refuse("evidence", "UPDATE", "OLD", cond, on);
}

static void test_evidence_failure_writes_nothing(void **state)
{
	(void)state;
	tg_error e = {0};
	tg_evidence ev = {0};
	snprintf(ev.association, sizeof ev.association, "%s", uscc);
	snprintf(ev.name, sizeof ev.name, "章程核准书.pdf");
	snprintf(ev.content_type, sizeof ev.content_type, "application/pdf");
	ev.size = 4;
	snprintf(ev.sha256, sizeof ev.sha256, "%064d", 0);
	snprintf(ev.path, sizeof ev.path, "test-%d.pdf", (int)getpid());
	snprintf(ev.uploaded_by, sizeof ev.uploaded_by, "tester");
	assert_int_equal(store_evidence_add(st, &ev, &e), TG_OK);

	tg_user actor = {0};
	snprintf(actor.username, sizeof actor.username, "civil-%d", (int)getpid());
	snprintf(actor.role, sizeof actor.role, "civil_affairs");
	tg_date on;
	assert_int_equal(date_parse("2026-03-02", &on), TG_OK);
	app_done in = {uscc, "charter.not-filed", NULL, on, &ev.id, 1, NULL};
	tg_errors errs;
	tg_errors_init(&errs);

	int64_t version = 0;
	assert_int_equal(charter_filed(&version), TG_DATE_NONE);
	size_t audits = audit_total();
	int64_t gen = generation();

	refuse_evidence(ev.id, true);
	assert_int_not_equal(app_mark_done(st, &actor, &in, &errs, &e), TG_OK);
	refuse_evidence(ev.id, false);
	int64_t after = 0;
	assert_int_equal(charter_filed(&after), TG_DATE_NONE); /* the record as it was */
	assert_int_equal(after, version);
	assert_int_equal(audit_total(), audits);
	assert_int_equal(generation(), gen);
	tg_evidence back;
	assert_int_equal(store_evidence_get(st, ev.id, &back, &e), TG_OK);
	assert_string_equal(back.rule, "");

	/* the same, with nothing refused: all of it written */
	assert_int_equal(app_mark_done(st, &actor, &in, &errs, &e), TG_OK);
	assert_int_equal(charter_filed(&after), on);
	assert_int_equal(after, version + 1);
	assert_int_equal(audit_total(), audits + 2); /* the write, the attachment */
	assert_int_equal(store_evidence_get(st, ev.id, &back, &e), TG_OK);
	assert_string_equal(back.rule, "charter.not-filed");
	tg_errors_free(&errs);
}

/* A summary returned (退回): the record's write and the note with the
** reason are one transaction.  When the note is refused (a trigger on the
** history row that carries the reason), the report date, the version, the
** audit log and the generation are as they were. */
static void test_summary_return_failure_writes_nothing(void **state)
{
	(void)state;
	tg_error e = {0};
	tg_register r;
	register_init(&r);
	int64_t version = 0;
	assert_int_equal(store_record_get(st, ARR_ASSOCIATIONS, uscc, &r, &version, &e), TG_OK);
	tg_association *a = register_row(&r, ARR_ASSOCIATIONS, 0);
	assert_int_equal(date_parse("2026-04-01", &a->report_submitted_on), TG_OK);
	a->accepted_on = TG_DATE_NONE;
	assert_int_equal(store_record_write(st, ARR_ASSOCIATIONS, &r, 0, false, version, "tester",
					    NULL, &version, &e),
			 TG_OK);
	tg_date reported = a->report_submitted_on;
	register_release(&r);

	tg_user office = {0};
	snprintf(office.username, sizeof office.username, "office-%d", (int)getpid());
	snprintf(office.role, sizeof office.role, "office");
	size_t off = offsetof(tg_association, report_submitted_on);
	size_t audits = audit_total();
	int64_t gen = generation(), after = 0;

	refuse("changes", "INSERT", "NEW", "\"after\" LIKE '%return_reason%'", true);
	assert_int_not_equal(app_summary_return(st, &office, uscc, "材料不全", &e), TG_OK);
	refuse("changes", "INSERT", "NEW", "", false);
	assert_int_equal(association_date(off, &after), reported); /* as it was */
	assert_int_equal(after, version);
	assert_int_equal(audit_total(), audits);
	assert_int_equal(generation(), gen);

	/* nothing refused: the date cleared, the write and the note audited */
	assert_int_equal(app_summary_return(st, &office, uscc, "材料不全", &e), TG_OK);
	assert_int_equal(association_date(off, &after), TG_DATE_NONE);
	assert_int_equal(after, version + 1);
	assert_int_equal(audit_total(), audits + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_rolled_back_together),
					   cmocka_unit_test(test_committed_together),
					   cmocka_unit_test(test_failed_part_rolls_back_all),
					   cmocka_unit_test(test_evidence_failure_writes_nothing),
					   cmocka_unit_test(test_summary_return_failure_writes_nothing)};
	return cmocka_run_group_tests(tests, setup, teardown);
}
