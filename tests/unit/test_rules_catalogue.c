/*
** test_rules_catalogue.c: the rule catalogue TG_RULES (rules_impl.h) keeps
** its conventions, so that a rule id leads to its code: ids unique and
** "group.name"; the function named rule_<group>_<name> ('.' and '-' as
** '_'), defined in src/core/rules_<group>.c, whose head comment names the
** group; every rules_<group>.c holds a group of the catalogue; every rule
** has its case file tests/cases/<id>.json; tg_rules[] is the list, in its
** order, and rules_find finds each entry; and the reach column decides
** whether a plan listing the rule must declare P.name_suffixes.  Also that
** the engine's asserts are compiled in (CMakeLists.txt takes NDEBUG out):
** a register never resolved stops rules_evaluate.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calendar.h"

#include "rules_impl.h"

/* The list as written: id and the function's name. */
#define NAMED(id, clause, function, reach, params, summary) {id, #function},
static const struct {
	const char *id, *function;
} listed[] = {TG_RULES(NAMED)};
#undef NAMED
enum { N_LISTED = sizeof listed / sizeof listed[0] };

/* "annual-report.missing" -> group "annual_report", function
** "rule_annual_report_missing". */
static void group_of(const char *id, char *out, size_t n)
{
	size_t k = strcspn(id, ".");
	assert_true(k < n);
	for (size_t i = 0; i < k; i++)
		out[i] = id[i] == '-' ? '_' : id[i];
	out[k] = '\0';
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(m);
	fclose(f);
	return buf;
}

static void test_ids_and_functions(void **state)
{
	(void)state;
	assert_int_equal(N_LISTED, tg_rules_count);
	for (size_t i = 0; i < N_LISTED; i++) {
		const char *id = listed[i].id;
		/* group.name, lower case, digits and '-' */
		const char *dot = strchr(id, '.');
		assert_non_null(dot);
		assert_null(strchr(dot + 1, '.'));
		assert_int_equal(strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-."), strlen(id));
		char fn[128] = "rule_";
		for (size_t k = 0; id[k]; k++)
			fn[5 + k] = id[k] == '.' || id[k] == '-' ? '_' : id[k];
		fn[5 + strlen(id)] = '\0';
		if (strcmp(fn, listed[i].function))
			fail_msg("%s: the function is %s, not %s", id, listed[i].function, fn);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(listed[j].id, id))
				fail_msg("%s listed twice", id);
		/* tg_rules[] is the list, in its order */
		assert_string_equal(tg_rules[i].id, id);
		assert_ptr_equal(rules_find(id), &tg_rules[i]);
		assert_non_null(tg_rules[i].fn);
		assert_true(tg_rules[i].clause[0] && tg_rules[i].summary[0]);
	}
	assert_null(rules_find("office.excess"));
	assert_null(rules_find("rule_office_excess_area"));
}

/* The function of each rule is defined in rules_<group>.c, which says so. */
static void test_files_follow_groups(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_LISTED; i++) {
		char group[64], path[512], definition[160], head[160];
		group_of(listed[i].id, group, sizeof group);
		snprintf(path, sizeof path, "%s/src/core/rules_%s.c", TG_SOURCE_DIR, group);
		char *src = slurp(path);
		if (!src)
			fail_msg("%s: no file %s", listed[i].id, path);
		snprintf(definition, sizeof definition, "\nvoid %s(tg_eval *ev)\n{", listed[i].function);
		snprintf(head, sizeof head, "/*\n** rules_%s.c: the rules %.*s.*, ", group,
			 (int)strcspn(listed[i].id, "."), listed[i].id);
		if (!strstr(src, definition))
			fail_msg("%s: %s is not defined in %s", listed[i].id, listed[i].function, path);
		if (strncmp(src, head, strlen(head)))
			fail_msg("%s does not open with \"%s\"", path, head);
		free(src);
	}
}

/* Every rules_<group>.c holds a group of the catalogue (no file left over
** from another way of cutting them), and every rule has its case file. */
static void test_no_stray_file_and_cases(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof dir, "%s/src/core", TG_SOURCE_DIR);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	size_t files = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "rules_", 6) || n < 9 || strcmp(e->d_name + n - 2, ".c"))
			continue;
		files++;
		bool found = false;
		for (size_t i = 0; i < N_LISTED && !found; i++) {
			char group[64];
			group_of(listed[i].id, group, sizeof group);
			found = strlen(group) == n - 8 && !strncmp(e->d_name + 6, group, n - 8);
		}
		if (!found)
			fail_msg("src/core/%s holds no group of TG_RULES", e->d_name);
	}
	closedir(d);
	assert_true(files > 0);
	for (size_t i = 0; i < N_LISTED; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/tests/cases/%s.json", TG_SOURCE_DIR, listed[i].id);
		FILE *f = fopen(path, "rb");
		if (!f)
			fail_msg("%s has no case file %s", listed[i].id, path);
		fclose(f);
	}
}

/* A plan listing one rule with issued and decoupling_due declared, and
** name_suffixes when with_suffixes: the errors of rules_check_plan. */
static size_t plan_errors(const char *rule, bool with_suffixes)
{
	char doc[1024];
	snprintf(doc, sizeof doc,
		 "{\"format\": \"tuogou-plan/1\", \"id\": \"t\", \"title\": \"测试方案\","
		 " \"clauses\": [{\"id\": \"6.3\", \"cite\": \"六(三)\", \"heading\": \"h\","
		 " \"text\": \"t\", \"uncertain\": null}],"
		 " \"parameters\": [{\"name\": \"issued\", \"type\": \"date\", \"value\": \"2017-03-28\"},"
		 " {\"name\": \"decoupling_due\", \"type\": \"date\", \"value\": \"2017-12-31\"}%s],"
		 " \"rules\": [{\"id\": \"%s\", \"clause\": \"6.3\"}]}",
		 with_suffixes ? ", {\"name\": \"name_suffixes\", \"type\": \"strings\", \"value\": [\"协会\"]}"
			       : "",
		 rule);
	tg_errors errs;
	tg_errors_init(&errs);
	tg_plan *plan = NULL;
	if (plan_load_buffer(doc, strlen(doc), &plan, &errs) != TG_OK)
		fail_msg("plan for %s: %s", rule, errs.count ? errs.items[0].message : "?");
	rules_check_plan(plan, &errs);
	size_t total = errs.total;
	if (total)
		assert_string_equal(errs.items[0].code, "required");
	plan_free(plan);
	tg_errors_free(&errs);
	return total;
}

/* reach A: the rule reads the scope, so P.name_suffixes is required;
** reach ANY: it is not. */
static void test_reach(void **state)
{
	(void)state;
	assert_true(rules_find("decoupling.incomplete")->reads_scope);
	assert_int_equal(plan_errors("decoupling.incomplete", true), 0);
	assert_int_equal(plan_errors("decoupling.incomplete", false), 1);
	assert_false(rules_find("governance.term-expired")->reads_scope);
	assert_int_equal(plan_errors("governance.term-expired", false), 0);
}

/* register.h's invariants hold once register_resolve has run; the engine
** asserts them on entry.  A register with an association but no index:
** rules_evaluate aborts (in a child process). */
static void test_asserts_on(void **state)
{
	(void)state;
	tg_plan *plan = NULL;
	tg_errors errs;
	tg_errors_init(&errs);
	assert_int_equal(plan_load_default(&plan, &errs), TG_OK);
	tg_register r;
	register_init(&r);
	tg_association *a = register_append(&r, ARR_ASSOCIATIONS);
	a->uscc = "51410300MJ000000XK";
	a->name = "甲协会";
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr); /* the assert's message */
		tg_findings fs;
		rules_evaluate(&r, plan, calendar_default(), date_from_ymd(2018, 1, 1), &fs);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	/* resolved, the same register is evaluated */
	assert_int_equal(register_resolve(&r, NULL, 0, NULL, NULL), TG_OK);
	tg_findings fs;
	assert_int_equal(rules_evaluate(&r, plan, calendar_default(), date_from_ymd(2018, 1, 1), &fs),
			 TG_OK);
	findings_release(&fs);
	register_release(&r);
	plan_free(plan);
	tg_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_and_functions),
		cmocka_unit_test(test_files_follow_groups),
		cmocka_unit_test(test_no_stray_file_and_cases),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_asserts_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
