/*
** cmd_import.c: tuogou import [--db PATH] FILE...
**
** FILE is a bundle (.json), one array as CSV (.csv, the file's name says the
** array: posts.csv or 任职.csv) or a workbook (.xlsx, one sheet per array).
** Every file is read and validated first; references may point into the
** other files or into the register already stored.  Only when nothing is
** wrong anywhere is the lot merged by key in one transaction.  With any
** error: every problem printed with its file and path (for sheets: sheet,
** row and column), exit 2, nothing stored.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "app.h"
#include "cli.h"
#include "obligation.h"
#include "sheet.h"

static const char usage[] = "tuogou import [--db PATH] [--plan FILE] FILE.json|FILE.csv|FILE.xlsx...";

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	return n > k && !strcasecmp(path + n - k, ext);
}

static void print_summary(const tg_register *r)
{
	printf("已导入：");
	int first = 1;
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!r->t[a].count)
			continue;
		printf("%s%s %zu 条", first ? "" : "，", tg_schema[a].zh, r->t[a].count);
		first = 0;
	}
	printf(first ? "（数据包为空）\n" : "\n");
}

/* One file of the import, read but not yet resolved. */
typedef struct input {
	const char *path;
	tg_register reg;
	tg_sheet_origin *origin; /* sheets only */
	tg_errors errs;
	bool io_failed;
} input;

static void read_input(input *in, const tg_plan *plan)
{
	register_init(&in->reg);
	tg_errors_init(&in->errs);
	if (has_ext(in->path, ".json")) {
		in->io_failed = bundle_read_file(in->path, &in->reg, &in->errs) == TG_EIO;
		if (in->reg.plan && strcmp(in->reg.plan, plan->id))
			tg_errors_add(&in->errs, "plan_mismatch", "plan",
				      "数据包所属方案“%s”与所用方案“%s”不一致", in->reg.plan,
				      plan->id);
	} else {
		sheet_read_file(in->path, &in->reg, &in->origin, &in->errs);
	}
}

/* Resolve a file's references against the bundle of all files and the
** stored register (pool). */
static void resolve_input(input *in, const tg_plan *plan, const tg_register *pool,
			  const tg_register *stored)
{
	if (in->io_failed)
		return;
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	if (!ids)
		abort();
	for (size_t i = 0; i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	size_t mark = in->errs.count;
	register_resolve(&in->reg, ids, plan->n_batches, pool, &in->errs);
	free(ids);
	obligation_check_steps(&in->reg, plan, pool, &in->errs);
	if (!in->errs.total) /* an acceptance the file newly records must be ready */
		app_workflow_check(stored, &in->reg, plan, false, &in->errs, NULL);
	sheet_translate_errors(in->origin, &in->errs, mark);
}

int cmd_import(int argc, char **argv)
{
	const char *db = cli_default_db(), *plan_file = NULL;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("plan", &plan_file),
				   CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest >= argc)
		return cli_usage(usage);
	for (int i = rest; i < argc; i++)
		if (!has_ext(argv[i], ".json") && !has_ext(argv[i], ".csv") &&
		    !has_ext(argv[i], ".xlsx")) {
			fprintf(stderr, "tuogou: %s: 不支持的文件类型（支持 .json 数据包、.csv 和 .xlsx 表格）\n",
				argv[i]);
			return EXIT_BADINPUT;
		}

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register existing, incoming, pool;
	register_init(&existing);
	register_init(&incoming);
	register_init(&pool);
	size_t n_in = (size_t)(argc - rest);
	input *ins = calloc(n_in, sizeof *ins);
	tg_error err = {0};
	if (!ins)
		abort();
	int rc = cli_open_store(db, false, &store);
	if (rc)
		goto out;
	/* --plan: validate against FILE for this run; the register's own plan
	** is left as it is (holding plans is `plan use`, issue 12). */
	if ((rc = cli_load_plan(plan_file, store, &plan)))
		goto out;
	if (store_load_register(store, &existing, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	/* All files form one bundle: each is validated with the others and
	** the stored register as the places references may point to. */
	for (size_t i = 0; i < n_in; i++) {
		ins[i].path = argv[rest + (int)i];
		read_input(&ins[i], plan);
	}
	register_merge(&pool, &existing);
	for (size_t i = 0; i < n_in; i++)
		register_merge(&pool, &ins[i].reg);
	for (size_t i = 0; i < n_in; i++) {
		resolve_input(&ins[i], plan, &pool, &existing);
		if (ins[i].errs.total) {
			cli_print_errors(&ins[i].errs, ins[i].path);
			fprintf(stderr, "tuogou: %s 共有 %zu 处错误，未写入任何数据\n", ins[i].path,
				ins[i].errs.total);
			rc = EXIT_BADINPUT;
		}
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < n_in; i++)
		register_merge(&incoming, &ins[i].reg);
	if (store_import(store, &incoming, &err) ||
	    (!plan_file && store_set_plan(store, plan->id, plan->json, plan->json_len, &err))) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	print_summary(&incoming);
out:
	for (size_t i = 0; i < n_in; i++) {
		if (!ins[i].path)
			continue;
		register_release(&ins[i].reg);
		tg_errors_free(&ins[i].errs);
		sheet_origin_free(ins[i].origin);
	}
	free(ins);
	register_release(&pool);
	register_release(&incoming);
	register_release(&existing);
	plan_free(plan);
	store_close(store);
	return rc;
}
