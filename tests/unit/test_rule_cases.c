/*
** test_rule_cases.c: runs every rule case of tests/cases (format in
** tests/cases/README.md) through the engine, one cmocka test per check.
**
** A case is a bundle, an optional plan file, and checks: a date, optional
** --set overrides, and the exact list of findings expected from the rules
** the case names.  The cases were written from rules.md alone, so they are
** an oracle independent of the engine's code.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "calendar.h"
#include "rules.h"

typedef struct case_check {
	char name[256];
	char file[1024];
	size_t index;      /* which check of the case */
} case_check;

static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		fail_msg("%s: %s (line %d)", path, je.text, je.line);
	return root;
}

static const char *str_or_null(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int rule_listed(json_t *rules, const char *rule)
{
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
		if (!strcmp(json_string_value(r), rule))
			return 1;
	return 0;
}

static void run_check(void **state)
{
	const case_check *cc = *state;
	json_t *root = load_json(cc->file);
	json_t *check = json_array_get(json_object_get(root, "checks"), cc->index);
	assert_non_null(check);

	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = NULL;
	const char *plan_file = str_or_null(json_object_get(root, "plan"));
	if (plan_file) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", TG_SOURCE_DIR, plan_file);
		assert_int_equal(plan_load_file(path, &plan, &errs), 0);
	} else {
		assert_int_equal(plan_load_default(&plan, &errs), 0);
	}
	assert_int_equal(rules_check_plan(plan, &errs), 0);
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(check, "set"), key, v) {
		char assignment[512];
		tg_error err;
		snprintf(assignment, sizeof assignment, "%s=%s", key, json_string_value(v));
		if (plan_set(plan, assignment, &err))
			fail_msg("--set %s: %s", assignment, err.message);
	}

	char *text = json_dumps(json_object_get(root, "bundle"), 0);
	tg_register r;
	register_init(&r);
	bundle_read_buffer(text, strlen(text), &r, &errs);
	const char **batches = calloc(plan->n_batches + 1, sizeof *batches);
	for (size_t i = 0; i < plan->n_batches; i++)
		batches[i] = plan->batches[i].id;
	register_resolve(&r, batches, plan->n_batches, NULL, &errs);
	free(batches);
	free(text);
	for (size_t i = 0; i < errs.count; i++)
		print_error("bundle error: %s: %s\n", errs.items[i].path, errs.items[i].message);
	assert_int_equal(errs.total, 0);

	tg_date day;
	assert_int_equal(date_parse(json_string_value(json_object_get(check, "as_of")), &day), 0);
	tg_findings fs;
	rules_evaluate(&r, plan, calendar_default(), day, &fs);

	json_t *rules = json_object_get(root, "rules");
	json_t *expect = json_object_get(check, "expect");
	size_t got = 0, want = json_array_size(expect);
	int bad = 0;
	for (size_t i = 0; i < fs.count; i++) {
		const tg_finding *f = &fs.items[i];
		if (!rule_listed(rules, f->rule))
			continue;
		char due[11] = "";
		if (f->due != TG_DATE_NONE)
			date_format(f->due, due);
		const char *fstate = finding_overdue(&fs, f) ? "overdue" : "open";
		json_t *e = json_array_get(expect, got);
		if (!e || !same(f->rule, str_or_null(json_object_get(e, "rule"))) ||
		    !same(f->clause, str_or_null(json_object_get(e, "clause"))) ||
		    !same(f->association, str_or_null(json_object_get(e, "association"))) ||
		    !same(f->subject, str_or_null(json_object_get(e, "subject"))) ||
		    !same(f->due == TG_DATE_NONE ? NULL : due, str_or_null(json_object_get(e, "due"))) ||
		    !same(fstate, str_or_null(json_object_get(e, "state"))) ||
		    !same(f->basis, str_or_null(json_object_get(e, "basis")))) {
			print_error("finding %zu: got %s %s %s %s due=%s %s basis=%s\n", got, f->rule,
				    f->clause, f->association ? f->association : "null",
				    f->subject ? f->subject : "null", f->due == TG_DATE_NONE ? "null" : due,
				    fstate, f->basis ? f->basis : "null");
			if (e) {
				char *s = json_dumps(e, JSON_COMPACT);
				print_error("            want %s\n", s);
				free(s);
			}
			bad = 1;
		}
		got++;
	}
	for (size_t i = got; i < want; i++) {
		char *s = json_dumps(json_array_get(expect, i), JSON_COMPACT);
		print_error("missing finding %zu: %s\n", i, s);
		free(s);
		bad = 1;
	}
	json_t *notes = json_object_get(check, "notes");
	if (json_is_boolean(notes) && json_is_true(notes) != (fs.n_notes > 0)) {
		print_error("notes: expected %s, got %zu\n", json_is_true(notes) ? "some" : "none",
			    fs.n_notes);
		bad = 1;
	}
	findings_release(&fs);
	register_release(&r);
	tg_errors_free(&errs);
	plan_free(plan);
	json_decref(root);
	assert_int_equal(bad, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/tests/cases", TG_SOURCE_DIR);
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "no %s\n", dir);
		return 1;
	}
	char *files[512];
	size_t nf = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nf < 512) {
		size_t n = strlen(de->d_name);
		if (n > 5 && !strcmp(de->d_name + n - 5, ".json"))
			files[nf++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(files, nf, sizeof *files, cmp_str);

	size_t cap = 4096, n = 0;
	struct CMUnitTest *tests = calloc(cap, sizeof *tests);
	case_check *checks = calloc(cap, sizeof *checks);
	for (size_t i = 0; i < nf; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		json_t *root = load_json(path);
		size_t k;
		json_t *check;
		json_array_foreach(json_object_get(root, "checks"), k, check) {
			if (n == cap)
				break;
			case_check *cc = &checks[n];
			snprintf(cc->file, sizeof cc->file, "%s", path);
			snprintf(cc->name, sizeof cc->name, "%s #%zu %s", files[i], k,
				 json_string_value(json_object_get(check, "as_of")));
			cc->index = k;
			tests[n].name = cc->name;
			tests[n].test_func = run_check;
			tests[n].initial_state = cc;
			n++;
		}
		json_decref(root);
		free(files[i]);
	}
	int failed = _cmocka_run_group_tests("rule_cases", tests, n, NULL, NULL);
	free(tests);
	free(checks);
	return failed;
}
