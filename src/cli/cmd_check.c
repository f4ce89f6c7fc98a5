/*
** cmd_check.c: tuogou check [--db PATH | --bundle FILE] [--plan FILE]
**              [--set NAME=VALUE]... --as-of YYYY-MM-DD [--format json|table|csv]
**              [--format xlsx -o FILE]
**
** Reads the register (from the database, or from a bundle file without any
** database), runs every rule of the plan as of the date, prints the findings
** (bundle.md).  The same input always gives byte-identical output.  With
** --format xlsx the findings go to a workbook (问题清单) in FILE.
**
** Each record is judged under the plan of its jurisdiction (六(一)): with
** --db the plans the register holds (plan use --jurisdiction), with
** --bundle those given as --jurisdiction-plan CODE=FILE (a bundle carries
** no plan documents; docs/plan-format.md).
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "cli.h"
#include "obligation.h"
#include "rules.h"
#include "xlsx.h"

static const char usage[] =
	"tuogou check [--db PATH | --bundle FILE [--jurisdiction-plan CODE=FILE]...] [--plan FILE] "
	"[--set NAME=VALUE]... "
	"--as-of YYYY-MM-DD [--format json|table|csv | --format xlsx -o FILE]";

/* The findings as a workbook, written beside FILE and renamed into place. */
static int write_findings_xlsx(const tg_findings *fs, const tg_plan *plan, const tg_register *r,
			       const char *output)
{
	tg_error err = {0};
	size_t n = strlen(output) + 24;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.tmp%d", output, (int)getpid());
	int rc = xlsx_write_findings(fs, plan, r, tmp, &err);
	if (rc == TG_OK && rename(tmp, output) != 0)
		rc = tg_error_set(&err, TG_EIO, "io", output, "无法写入文件");
	if (rc) {
		remove(tmp);
		cli_print_error(&err);
	}
	free(tmp);
	return rc ? EXIT_INTERNAL : EXIT_OK;
}

#define MAX_SETS 64

int cmd_check(int argc, char **argv)
{
	const char *db = NULL, *bundle = NULL, *plan_file = NULL, *as_of = NULL,
		   *format = "json", *output = NULL;
	const char *sets[MAX_SETS], *places[MAX_SETS];
	size_t n_sets = 0, n_places = 0;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("bundle", &bundle),
				   OPT_STRING("plan", &plan_file), OPT_LIST("set", sets, &n_sets),
				   OPT_STRING("as-of", &as_of), OPT_STRING("format", &format),
				   OPT_OUTPUT(&output),
				   OPT_LIST("jurisdiction-plan", places, &n_places),
				   CLI_OPTIONS_END};
	int rest, rc = cli_options(argc, argv, opts, usage, &rest);
	if (rc)
		return rc;
	for (size_t i = 0; i < n_places; i++)
		if (!strchr(places[i], '=')) {
			fprintf(stderr, "tuogou: --jurisdiction-plan 应为 代码=方案文件（最多 %d 个）\n",
				MAX_SETS);
			return EXIT_BADINPUT;
		}
	if (rest != argc || !as_of)
		return cli_usage(usage);
	if (db && bundle) {
		fprintf(stderr, "tuogou: --db 与 --bundle 只能选一个\n");
		return EXIT_BADINPUT;
	}
	if (n_places && !bundle) {
		fprintf(stderr, "tuogou: --jurisdiction-plan 只用于 --bundle；登记簿中的行政区划方案请用 "
				"tuogou plan use FILE --jurisdiction CODE 存入\n");
		return EXIT_BADINPUT;
	}
	if (strcmp(format, "json") && strcmp(format, "table") && strcmp(format, "csv") &&
	    strcmp(format, "xlsx")) {
		fprintf(stderr, "tuogou: 不支持的输出格式“%s”（可选：json、table、csv、xlsx）\n", format);
		return EXIT_BADINPUT;
	}
	if (!strcmp(format, "xlsx") != !!output) {
		fprintf(stderr, "tuogou: --format xlsx 须用 -o 指定文件（其他格式输出到标准输出）\n");
		return EXIT_BADINPUT;
	}
	tg_date day;
	if (cli_parse_date(as_of, "--as-of", &day))
		return EXIT_BADINPUT;

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	tg_error err = {0};
	if (!bundle && (rc = cli_open_store(db ? db : cli_default_db(), true, &store)))
		goto out;
	if ((rc = cli_load_plan(plan_file, store, &plan)))
		goto out;
	for (size_t i = 0; i < n_sets; i++)
		if (plan_set(plan, sets[i], &err)) {
			cli_print_error(&err);
			rc = EXIT_BADINPUT;
			goto out;
		}
	for (size_t i = 0; i < n_places; i++) {
		char code[16];
		const char *eq = strchr(places[i], '=');
		tg_plan *sub = NULL;
		snprintf(code, sizeof code, "%.*s", (int)(eq - places[i] < 15 ? eq - places[i] : 15),
			 places[i]);
		if ((rc = cli_load_plan(eq + 1, NULL, &sub)))
			goto out;
		plan_add_place(plan, code, sub);
	}
	if (bundle) {
		if ((rc = cli_read_bundle(bundle, plan, NULL, &r)))
			goto out;
		for (size_t i = 0; i < plan->n_places; i++)
			if (register_find(&r, ARR_JURISDICTIONS, plan->places[i].jurisdiction) ==
			    TG_IX_NONE) {
				fprintf(stderr, "tuogou: --jurisdiction-plan: 数据包中没有行政区划“%s”\n",
					plan->places[i].jurisdiction);
				rc = EXIT_BADINPUT;
				goto out;
			}
	} else if (store_load_register(store, &r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	} else {
		/* The stored steps are checked against the plan in force, as a
		** bundle's are (cli_read_bundle). */
		if ((rc = cli_steps_fit(&r, plan, "未检查")))
			goto out;
	}
	if (n_sets)
		fprintf(stderr, "注意：本次检查按 --set 调整了方案参数（假设分析），结果不代表方案原定要求\n");

	tg_findings fs;
	rules_evaluate(&r, plan, calendar_default(), day, &fs);
	if (output) {
		rc = write_findings_xlsx(&fs, plan, &r, output);
		findings_release(&fs);
		goto out;
	}
	strbuf sb;
	sb_init_sink(&sb, stdout);
	if (!strcmp(format, "json"))
		findings_write_json(&fs, &sb);
	else if (!strcmp(format, "csv"))
		findings_write_csv(&fs, &sb);
	else
		findings_write_table(&fs, plan, &sb);
	if (sb_flush(&sb) || fflush(stdout))
		rc = EXIT_INTERNAL;
	sb_release(&sb);
	findings_release(&fs);
out:
	register_release(&r);
	plan_free(plan);
	store_close(store);
	return rc;
}
