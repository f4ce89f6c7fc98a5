/*
** test_obligation.c: obligations as plan data (obligations.md), one small
** plan and register per test, judged the day before, on and after each
** due date.  Covers every source kind (field, association.F, param, date,
** step), every offset kind (days with a negative one, workdays with 0,
** months, years, null), every done kind (field, record, step), yearly
** duties (from_year an int and a parameter, opens, a 02-29 due date), the
** when and in_scope filters, and the plan and step checks.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "calendar.h"
#include "obligation.h"
#include "progress.h"
#include "rules.h"

#define A1 "51410300MJ000000XK" /* in scope: 协会, supervisor of an organ */
#define A2 "51410300MJ28509647" /* out of scope: member basis other */

/* A plan of one clause, the parameters given, no rule, these obligations. */
static tg_plan *make_plan(const char *params, const char *obligations, tg_errors *errs)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	fprintf(f,
		"{\"format\": \"tuogou-plan/1\", \"id\": \"t\", \"title\": \"测试方案\","
		" \"clauses\": [{\"id\": \"5.2\", \"cite\": \"五(二)\", \"heading\": \"h\","
		" \"text\": \"t\", \"uncertain\": null}],"
		" \"parameters\": [{\"name\": \"name_suffixes\", \"type\": \"strings\","
		" \"value\": [\"协会\"]}%s%s],"
		" \"rules\": [], \"obligations\": [%s]}",
		*params ? ", " : "", params, obligations);
	fclose(f);
	tg_plan *plan = NULL;
	if (plan_load_buffer(doc, len, &plan, errs) == TG_OK && rules_check_plan(plan, errs)) {
		plan_free(plan);
		plan = NULL;
	}
	free(doc);
	return plan;
}

static const char base_register[] =
	"\"units\": [{\"id\": \"U01\", \"name\": \"某局\", \"kind\": \"organ\"}],"
	" \"associations\": ["
	"  {\"uscc\": \"" A1 "\", \"name\": \"甲协会\", \"level\": \"city\","
	"   \"member_basis\": \"industry_units\", \"registered_on\": \"2010-01-01\","
	"   \"unit\": \"U01\", \"link\": \"supervisor\", \"decoupled_on\": \"2017-06-15\","
	"   \"charter_filed_on\": \"2017-08-01\"},"
	"  {\"uscc\": \"" A2 "\", \"name\": \"乙协会\", \"level\": \"county\","
	"   \"member_basis\": \"other\", \"registered_on\": \"2018-03-01\","
	"   \"unit\": \"U01\", \"link\": \"host\", \"decoupled_on\": null}],"
	" \"staff\": [{\"id\": \"S1\", \"association\": \"" A1 "\", \"from\": \"2015-01-01\","
	"   \"labor_contract_on\": \"2017-09-01\"}],"
	" \"credit_listings\": [{\"id\": \"L1\", \"association\": \"" A1 "\", \"list\": \"abnormal\","
	"   \"on\": \"2017-05-01\"}, {\"id\": \"L2\", \"association\": \"" A1 "\","
	"   \"list\": \"serious\", \"on\": \"2017-07-10\"}]";

/* Judge the plan's obligations as of day over base_register plus extra
** (more bundle members, may be ""); the findings as
** "rule|association|subject|due|state" lines. */
static char *judge(const char *params, const char *obligations, const char *extra,
		   const char *day)
{
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = make_plan(params, obligations, &errs);
	for (size_t i = 0; i < errs.count; i++)
		print_error("plan: %s: %s\n", errs.items[i].path, errs.items[i].message);
	assert_non_null(plan);
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	fprintf(f, "{\"format\": \"tuogou-bundle/1\", %s%s%s}", base_register, *extra ? ", " : "",
		extra);
	fclose(f);
	tg_register r;
	register_init(&r);
	bundle_read_buffer(doc, len, &r, &errs);
	register_resolve(&r, NULL, 0, NULL, &errs);
	obligation_check_steps(&r, plan, NULL, &errs);
	for (size_t i = 0; i < errs.count; i++)
		print_error("bundle: %s: %s\n", errs.items[i].path, errs.items[i].message);
	assert_int_equal(errs.total, 0);
	free(doc);
	tg_date d;
	assert_int_equal(date_parse(day, &d), 0);
	tg_findings fs;
	rules_evaluate(&r, plan, calendar_default(), d, &fs);
	char *out = NULL;
	len = 0;
	f = open_memstream(&out, &len);
	for (size_t i = 0; i < fs.count; i++) {
		const tg_finding *x = &fs.items[i];
		char due[11] = "null";
		if (x->due != TG_DATE_NONE)
			date_format(x->due, due);
		fprintf(f, "%s|%s|%s|%s|%s\n", x->rule, x->association ? x->association : "null",
			x->subject ? x->subject : "null", due,
			finding_overdue(&fs, x) ? "overdue" : "open");
	}
	fclose(f);
	findings_release(&fs);
	register_release(&r);
	plan_free(plan);
	tg_errors_free(&errs);
	return out;
}

static void expect(const char *params, const char *obligations, const char *extra,
		   const char *day, const char *want)
{
	char *got = judge(params, obligations, extra, day);
	if (strcmp(got, want))
		fail_msg("as of %s:\n got: %s\nwant: %s", day, got, want);
	free(got);
}

/* The obligation JSON of a duty on associations in scope. */
#define DUTY(rest) "{\"id\": \"t.duty\", \"clause\": \"5.2\", \"title\": \"测试\", " rest "}"

static void field_days(void **state)
{
	const char *o = DUTY("\"subject\": \"associations\", \"in_scope\": true,"
			     " \"anchor\": {\"field\": \"decoupled_on\"}, \"offset\": {\"days\": 30},"
			     " \"done\": {\"field\": \"audit_report_on\"}");
	expect("", o, "", "2017-06-14", ""); /* opens (the anchor) not yet */
	expect("", o, "", "2017-07-14", "t.duty|" A1 "|null|2017-07-15|open\n");
	expect("", o, "", "2017-07-15", "t.duty|" A1 "|null|2017-07-15|open\n");
	expect("", o, "", "2017-07-16", "t.duty|" A1 "|null|2017-07-15|overdue\n");
}

static void negative_days_and_default_offset(void **state)
{
	const char *o = DUTY("\"subject\": \"associations\", \"in_scope\": true,"
			     " \"anchor\": {\"field\": \"decoupled_on\"}, \"offset\": {\"days\": -10}");
	expect("", o, "", "2017-06-14", "");
	expect("", o, "", "2017-06-15", "t.duty|" A1 "|null|2017-06-05|overdue\n");
	o = DUTY("\"subject\": \"associations\", \"in_scope\": true,"
		 " \"anchor\": {\"field\": \"decoupled_on\"}");
	expect("", o, "", "2017-06-15", "t.duty|" A1 "|null|2017-06-15|open\n");
	expect("", o, "", "2017-06-16", "t.duty|" A1 "|null|2017-06-15|overdue\n");
}

static void workdays(void **state)
{
	/* 2017-09-29 is a Friday; 09-30 a 调休 working Saturday; 10-01..10-08
	** the National Day holiday. */
	const char *p = "{\"name\": \"start\", \"type\": \"date\", \"value\": \"2017-09-29\"}";
	const char *o2 = DUTY("\"subject\": \"units\", \"anchor\": {\"param\": \"start\"},"
			      " \"offset\": {\"workdays\": 2}");
	expect(p, o2, "", "2017-10-08", "t.duty|null|U01|2017-10-09|open\n");
	expect(p, o2, "", "2017-10-09", "t.duty|null|U01|2017-10-09|open\n");
	expect(p, o2, "", "2017-10-10", "t.duty|null|U01|2017-10-09|overdue\n");
	const char *o1 = DUTY("\"subject\": \"units\", \"anchor\": {\"param\": \"start\"},"
			      " \"offset\": {\"workdays\": 1}");
	expect(p, o1, "", "2017-09-30", "t.duty|null|U01|2017-09-30|open\n");
	expect(p, o1, "", "2017-10-01", "t.duty|null|U01|2017-09-30|overdue\n");
	const char *o0 = DUTY("\"subject\": \"units\", \"anchor\": {\"param\": \"start\"},"
			      " \"offset\": {\"workdays\": 0}");
	expect(p, o0, "", "2017-09-28", ""); /* opens is the anchor */
	expect(p, o0, "", "2017-09-29", "t.duty|null|U01|2017-09-29|open\n");
	expect(p, o0, "", "2017-09-30", "t.duty|null|U01|2017-09-29|overdue\n");
}

static void months_years_null(void **state)
{
	const char *om = DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2017-01-31\"},"
			      " \"offset\": {\"months\": 1}");
	expect("", om, "", "2017-02-27", "t.duty|null|U01|2017-02-28|open\n");
	expect("", om, "", "2017-02-28", "t.duty|null|U01|2017-02-28|open\n");
	expect("", om, "", "2017-03-01", "t.duty|null|U01|2017-02-28|overdue\n");
	const char *oy = DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2016-02-29\"},"
			      " \"offset\": {\"years\": 1}");
	expect("", oy, "", "2017-02-27", "t.duty|null|U01|2017-02-28|open\n");
	expect("", oy, "", "2017-03-01", "t.duty|null|U01|2017-02-28|overdue\n");
	const char *on = DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2016-02-29\"},"
			      " \"offset\": null");
	expect("", on, "", "2016-02-28", "");
	expect("", on, "", "2030-01-01", "t.duty|null|U01|null|open\n");
}

static void association_field_source(void **state)
{
	/* Staff of an association: anchor its decoupling, done its contract. */
	const char *o = DUTY("\"subject\": \"staff\", \"anchor\": {\"field\": \"association.decoupled_on\"},"
			     " \"offset\": {\"days\": 60}, \"done\": {\"field\": \"labor_contract_on\"}");
	expect("", o, "", "2017-08-13", "t.duty|" A1 "|S1|2017-08-14|open\n");
	expect("", o, "", "2017-08-14", "t.duty|" A1 "|S1|2017-08-14|open\n");
	expect("", o, "", "2017-08-15", "t.duty|" A1 "|S1|2017-08-14|overdue\n");
	expect("", o, "", "2017-09-01", ""); /* done on its date */
}

static void anchor_after_d_and_opens(void **state)
{
	/* An anchor after D still gives the due date; only opens holds back. */
	const char *o = DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2018-01-10\"},"
			     " \"opens\": {\"date\": \"2017-12-01\"}, \"offset\": {\"days\": 5}");
	expect("", o, "", "2017-11-30", "");
	expect("", o, "", "2017-12-01", "t.duty|null|U01|2018-01-15|open\n");
	expect("", o, "", "2018-01-16", "t.duty|null|U01|2018-01-15|overdue\n");
}

static void done_record(void **state)
{
	/* A listing of the association on or after the anchor counts; L1
	** (2017-05-01) is before the decoupling, L2 (2017-07-10) after. */
	const char *o = DUTY("\"subject\": \"associations\", \"in_scope\": true,"
			     " \"anchor\": {\"field\": \"decoupled_on\"}, \"offset\": {\"days\": 20},"
			     " \"done\": {\"record\": \"credit_listings\", \"field\": \"on\"}");
	expect("", o, "", "2017-07-04", "t.duty|" A1 "|null|2017-07-05|open\n");
	expect("", o, "", "2017-07-05", "t.duty|" A1 "|null|2017-07-05|open\n");
	expect("", o, "", "2017-07-06", "t.duty|" A1 "|null|2017-07-05|overdue\n");
	expect("", o, "", "2017-07-10", "");
}

static void done_step_and_step_source(void **state)
{
	const char *o = DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2017-03-01\"},"
			     " \"offset\": {\"days\": 10}"),
		   *o2 = "{\"id\": \"t.follow\", \"clause\": \"5.2\", \"subject\": \"units\","
			 " \"anchor\": {\"step\": \"t.duty\"}, \"offset\": {\"months\": 1}}";
	char obs[1024];
	snprintf(obs, sizeof obs, "%s, %s", o, o2);
	/* Two steps of t.duty: the earliest done_on anchors t.follow; a step
	** dated before the anchor still counts as done. */
	const char *steps = "\"steps\": [{\"id\": \"ST2\", \"obligation\": \"t.duty\", \"subject\": \"U01\","
			    " \"period\": null, \"done_on\": \"2017-04-20\", \"note\": null},"
			    " {\"id\": \"ST1\", \"obligation\": \"t.duty\", \"subject\": \"U01\","
			    " \"period\": null, \"done_on\": \"2017-03-20\", \"note\": null}]";
	expect("", obs, steps, "2017-03-11", "t.duty|null|U01|2017-03-11|open\n");
	expect("", obs, steps, "2017-03-19", "t.duty|null|U01|2017-03-11|overdue\n");
	expect("", obs, steps, "2017-03-20", "t.follow|null|U01|2017-04-20|open\n");
	expect("", obs, steps, "2017-04-21", "t.follow|null|U01|2017-04-20|overdue\n");
	const char *early = "\"steps\": [{\"id\": \"ST1\", \"obligation\": \"t.duty\", \"subject\": \"U01\","
			    " \"period\": null, \"done_on\": \"2016-01-01\", \"note\": null}]";
	expect("", o, early, "2017-03-20", "");
}

/* An obligation's finding is a checklist item like a rule's (issue 12,
** item 5): under its clause's section (here the plan's group), with the
** plan's title, its subject array and how it is marked done. */
static void checklist_items(void **state)
{
	(void)state;
	static const char plan_doc[] =
		"{\"format\": \"tuogou-plan/1\", \"id\": \"t\", \"title\": \"测试方案\","
		" \"clauses\": [{\"id\": \"5.2\", \"cite\": \"五(二)\", \"heading\": \"h\","
		" \"text\": \"t\", \"uncertain\": null}],"
		" \"parameters\": [{\"name\": \"name_suffixes\", \"type\": \"strings\","
		" \"value\": [\"协会\"]}],"
		" \"groups\": [{\"id\": \"after\", \"name\": \"脱钩后监管\", \"clauses\": [\"5.2\"]}],"
		" \"rules\": [], \"obligations\": ["
		" {\"id\": \"t.field\", \"clause\": \"5.2\", \"title\": \"组织验收\","
		"  \"subject\": \"associations\", \"anchor\": {\"field\": \"decoupled_on\"},"
		"  \"offset\": {\"days\": 30}, \"done\": {\"field\": \"accepted_on\"}},"
		" {\"id\": \"t.step\", \"clause\": \"5.2\", \"title\": \"报送信用承诺\","
		"  \"subject\": \"associations\", \"anchor\": {\"field\": \"decoupled_on\"},"
		"  \"offset\": {\"days\": 10}}]}";
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = NULL;
	assert_int_equal(plan_load_buffer(plan_doc, sizeof plan_doc - 1, &plan, &errs), TG_OK);
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	fprintf(f, "{\"format\": \"tuogou-bundle/1\", %s}", base_register);
	fclose(f);
	tg_register r;
	register_init(&r);
	bundle_read_buffer(doc, len, &r, &errs);
	register_resolve(&r, NULL, 0, NULL, &errs);
	assert_int_equal(errs.total, 0);
	free(doc);
	tg_date d;
	assert_int_equal(date_parse("2017-12-31", &d), 0);
	tg_findings fs;
	rules_evaluate(&r, plan, calendar_default(), d, &fs);
	tg_checklist cl;
	checklist_build(&r, plan, calendar_default(), &fs, register_find(&r, ARR_ASSOCIATIONS, A1),
			&cl);
	const tg_checklist_section *after = NULL;
	for (size_t s = 0; s < cl.n_sections; s++)
		if (!strcmp(cl.sections[s].id, "after"))
			after = &cl.sections[s];
	assert_non_null(after);
	assert_string_equal(after->name, "脱钩后监管");
	assert_int_equal(after->n_items, 2);
	for (size_t k = 0; k < after->n_items; k++) {
		const tg_check_item *it = &after->items[k];
		assert_string_equal(it->clause, "5.2");
		assert_string_equal(it->cite, "五(二)");
		assert_int_equal(it->array, ARR_ASSOCIATIONS);
		assert_string_equal(it->status, "overdue");
		if (!strcmp(it->rule, "t.field")) {
			assert_string_equal(it->title, "组织验收");
			assert_string_equal(it->done_by, "field");
			assert_string_equal(it->field, "accepted_on");
		} else {
			assert_string_equal(it->rule, "t.step");
			assert_string_equal(it->title, "报送信用承诺");
			assert_string_equal(it->done_by, "step");
			assert_null(it->field);
		}
	}
	checklist_release(&cl);
	findings_release(&fs);
	register_release(&r);
	plan_free(plan);
	tg_errors_free(&errs);
}

static void yearly(void **state)
{
	const char *p = "{\"name\": \"first\", \"type\": \"int\", \"value\": 2018}";
	const char *o = DUTY("\"subject\": \"associations\", \"yearly\": {\"from_year\": 2017, \"due\": \"02-29\"}");
	/* Every year from 2017 whatever the record's dates, once it is
	** registered on D (A2 from 2018-03-01). */
	expect("", o, "", "2017-12-31", "");
	expect("", o, "", "2018-01-01", "t.duty|" A1 "|2017|2018-02-28|open\n");
	expect("", o, "", "2018-03-01",
	       "t.duty|" A1 "|2017|2018-02-28|overdue\nt.duty|" A2 "|2017|2018-02-28|overdue\n");
	expect("", o, "", "2020-02-29",
	       "t.duty|" A1 "|2017|2018-02-28|overdue\nt.duty|" A1 "|2018|2019-02-28|overdue\n"
	       "t.duty|" A1 "|2019|2020-02-29|open\nt.duty|" A2 "|2017|2018-02-28|overdue\n"
	       "t.duty|" A2 "|2018|2019-02-28|overdue\nt.duty|" A2 "|2019|2020-02-29|open\n");
	/* from_year a parameter, opens at registration (A2: 2018-03-01), a step. */
	const char *op = DUTY("\"subject\": \"associations\", \"opens\": {\"field\": \"registered_on\"},"
			      " \"yearly\": {\"from_year\": {\"param\": \"first\"}, \"due\": \"03-31\"}");
	const char *steps = "\"steps\": [{\"id\": \"ST1\", \"obligation\": \"t.duty\", \"subject\": \"" A1 "\","
			    " \"period\": 2018, \"done_on\": \"2019-04-02\", \"note\": null}]";
	expect(p, op, steps, "2019-03-31",
	       "t.duty|" A1 "|2018|2019-03-31|open\nt.duty|" A2 "|2018|2019-03-31|open\n");
	expect(p, op, steps, "2019-04-01",
	       "t.duty|" A1 "|2018|2019-03-31|overdue\nt.duty|" A2 "|2018|2019-03-31|overdue\n");
	expect(p, op, steps, "2019-04-02", "t.duty|" A2 "|2018|2019-03-31|overdue\n");
	/* A yearly duty of records: the subject is "key/Y". */
	const char *os = DUTY("\"subject\": \"staff\", \"yearly\": {\"from_year\": 2020, \"due\": \"01-15\"}");
	expect("", os, "", "2021-01-16", "t.duty|" A1 "|S1/2020|2021-01-15|overdue\n");
}

static void filters(void **state)
{
	/* when: enums and booleans as JSON values, empty string as null. */
	const char *o = DUTY("\"subject\": \"associations\", \"when\": {\"level\": [\"county\"]},"
			     " \"anchor\": {\"field\": \"registered_on\"}");
	expect("", o, "", "2018-03-01", "t.duty|" A2 "|null|2018-03-01|open\n");
	o = DUTY("\"subject\": \"associations\", \"when\": {\"party_org\": [false], \"decoupled_on\": [null]},"
		 " \"anchor\": {\"field\": \"registered_on\"}");
	expect("", o, "", "2018-03-02", "t.duty|" A2 "|null|2018-03-01|overdue\n");
	o = DUTY("\"subject\": \"credit_listings\", \"when\": {\"reason\": [\"\"]},"
		 " \"anchor\": {\"field\": \"on\"}");
	expect("", o, "", "2017-07-10",
	       "t.duty|" A1 "|L1|2017-05-01|overdue\nt.duty|" A1 "|L2|2017-07-10|open\n");
	/* in_scope: A2 is registered but out of scope. */
	o = DUTY("\"subject\": \"associations\", \"in_scope\": true, \"anchor\": {\"date\": \"2018-06-01\"}");
	expect("", o, "", "2018-06-01", "t.duty|" A1 "|null|2018-06-01|open\n");
	o = DUTY("\"subject\": \"associations\", \"anchor\": {\"date\": \"2018-06-01\"}");
	expect("", o, "", "2018-06-01",
	       "t.duty|" A1 "|null|2018-06-01|open\nt.duty|" A2 "|null|2018-06-01|open\n");
	/* Not registered on D (A2 from 2018-03-01): skipped. */
	o = DUTY("\"subject\": \"associations\", \"anchor\": {\"date\": \"2017-06-01\"}");
	expect("", o, "", "2018-02-28", "t.duty|" A1 "|null|2017-06-01|overdue\n");
}

/* A plan check: the plan is refused, naming path. */
static void refused(const char *params, const char *obligations, const char *path)
{
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = make_plan(params, obligations, &errs);
	assert_null(plan);
	bool named = false;
	for (size_t i = 0; i < errs.count; i++)
		named |= !strcmp(errs.items[i].path, path);
	if (!named)
		fail_msg("no error at %s (first: %s %s)", path, errs.count ? errs.items[0].path : "-",
			 errs.count ? errs.items[0].message : "-");
	tg_errors_free(&errs);
}

static void plan_checks(void **state)
{
	refused("", DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2017-01-01\"}, \"x\": 1"),
		"obligations[0].x");
	refused("", "{\"id\": \"scope.name-unlisted\", \"clause\": \"5.2\", \"subject\": \"units\","
		    " \"anchor\": {\"date\": \"2017-01-01\"}}", "obligations[0].id");
	refused("", DUTY("\"subject\": \"units\", \"anchor\": {\"field\": \"function_list_on\"}, \"offset\": {\"workdays\": -1}"),
		"obligations[0].offset.workdays");
	refused("", DUTY("\"subject\": \"units\", \"anchor\": {\"field\": \"name\"}"), "obligations[0].anchor.field");
	refused("", DUTY("\"subject\": \"persons\", \"in_scope\": true, \"anchor\": {\"field\": \"retired_on\"}"),
		"obligations[0].in_scope");
	refused("", DUTY("\"subject\": \"units\", \"yearly\": {\"from_year\": 2017, \"due\": \"13-01\"}"),
		"obligations[0].yearly.due");
	refused("{\"name\": \"d\", \"type\": \"date\", \"value\": null}",
		DUTY("\"subject\": \"units\", \"anchor\": {\"param\": \"d\"}"), "obligations[0].anchor.param");
	/* A parameter nothing reads may be null. */
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = make_plan("{\"name\": \"unread\", \"type\": \"date\", \"value\": null}",
				  DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2017-01-01\"}"), &errs);
	assert_non_null(plan);
	tg_error err;
	assert_int_equal(plan_set(plan, "unread=2018-01-01", &err), TG_OK);
	char v[32];
	plan_param_value(plan, "unread", v, sizeof v);
	assert_string_equal(v, "2018-01-01");
	assert_int_not_equal(plan_set(plan, "unread=2018-13-01", &err), TG_OK);
	plan_free(plan);
	tg_errors_free(&errs);
	refused("", "", "rules"); /* no rule and no obligation */
}

static void step_checks(void **state)
{
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = make_plan("", DUTY("\"subject\": \"units\", \"anchor\": {\"date\": \"2017-01-01\"}"),
				  &errs);
	assert_non_null(plan);
	const char *doc = "{\"format\": \"tuogou-bundle/1\", \"units\": [{\"id\": \"U01\", \"name\": \"n\", \"kind\": \"organ\"}],"
			  " \"steps\": [{\"id\": \"ST1\", \"obligation\": \"t.duty\", \"subject\": \"U01\"},"
			  " {\"id\": \"ST2\", \"obligation\": \"t.none\", \"subject\": \"U01\"},"
			  " {\"id\": \"ST3\", \"obligation\": \"t.duty\", \"subject\": \"U99\"},"
			  " {\"id\": \"ST4\", \"obligation\": \"t.duty\", \"subject\": \"U01\", \"period\": 2017}]}";
	tg_register r;
	register_init(&r);
	assert_int_equal(bundle_read_buffer(doc, strlen(doc), &r, &errs), TG_OK);
	register_resolve(&r, NULL, 0, NULL, &errs);
	assert_int_equal(errs.total, 0);
	assert_int_not_equal(obligation_check_steps(&r, plan, NULL, &errs), TG_OK);
	assert_int_equal(errs.count, 3);
	assert_string_equal(errs.items[0].path, "steps[1].obligation");
	assert_string_equal(errs.items[1].path, "steps[2].subject");
	assert_string_equal(errs.items[2].path, "steps[3].period");
	register_release(&r);
	plan_free(plan);
	tg_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_days),
		cmocka_unit_test(negative_days_and_default_offset),
		cmocka_unit_test(workdays),
		cmocka_unit_test(months_years_null),
		cmocka_unit_test(association_field_source),
		cmocka_unit_test(anchor_after_d_and_opens),
		cmocka_unit_test(done_record),
		cmocka_unit_test(done_step_and_step_source),
		cmocka_unit_test(yearly),
		cmocka_unit_test(checklist_items),
		cmocka_unit_test(filters),
		cmocka_unit_test(plan_checks),
		cmocka_unit_test(step_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
