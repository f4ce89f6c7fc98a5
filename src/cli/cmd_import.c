/*
** cmd_import.c: tuogou import [--db PATH] FILE...
**
** FILE is a bundle (.json), one array as CSV (.csv, the file's name says the
** array: posts.csv or 任职.csv) or a workbook (.xlsx, one sheet per array).
** Every file is read and validated first; references may point into the
** other files or into the register already stored.  Only when nothing is
** wrong anywhere is the lot merged by key in one transaction.  With any
** error: every problem printed with its file and path (for sheets: sheet,
** row and column), exit 2, nothing stored.  All of it is app_import's
** (app.h); this file parses the options and prints.
**
** --dry-run stores nothing and prints what the import would do: new,
** changed (field by field, old and new value), unchanged.  An import that
** would overwrite a newer edit (a record last written by a person, not by
** an import) is refused, exit 2, unless --overwrite-edits.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "cli.h"

static const char usage[] = "tuogou import [--db PATH] [--plan FILE] [--dry-run] [--overwrite-edits] "
			    "FILE.json|FILE.csv|FILE.xlsx...";

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	return n > k && !strcasecmp(path + n - k, ext);
}

static void print_summary(const tg_register *r, bool dry_run)
{
	printf(dry_run ? "试导入（未写入）：" : "已导入：");
	int first = 1;
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!r->t[a].count)
			continue;
		printf("%s%s %zu 条", first ? "" : "，", tg_schema[a].zh, r->t[a].count);
		first = 0;
	}
	printf(first ? "（数据包为空）\n" : "\n");
}

/* The preview of --dry-run: the counts, then one line a changed field
** (数据表, 记录, 字段, 原值, 新值), a new record on one line. */
static void print_diff(const app_import_diff *d)
{
	printf("新增 %zu 条，变更 %zu 条，未变 %zu 条，其中 %zu 条将覆盖他人较新的修改\n", d->n_new,
	       d->n_changed, d->n_unchanged, d->n_newer);
	if (!d->n)
		return;
	printf("数据表\t记录\t状态\t字段\t原值\t新值\t最后修改\n");
	for (size_t k = 0; k < d->n; k++) {
		const app_diff_record *r = &d->records[k];
		char edit[120] = "";
		if (r->edited_by[0])
			snprintf(edit, sizeof edit, "%s %s%s", r->edited_by, r->edited_at,
				 r->newer_edit ? "（较新的修改）" : "");
		if (r->is_new) {
			printf("%s\t%s\t新增\t\t\t\t\n", tg_schema[r->array].zh, r->label);
			continue;
		}
		for (size_t f = 0; f < r->n_fields; f++)
			printf("%s\t%s\t变更\t%s\t%s\t%s\t%s\n", tg_schema[r->array].zh, r->label,
			       r->fields[f].label, r->fields[f].before ? r->fields[f].before : "（空）",
			       r->fields[f].after ? r->fields[f].after : "（空）", edit);
	}
}

int cmd_import(int argc, char **argv)
{
	const char *db = cli_default_db(), *plan_file = NULL;
	bool dry_run = false, overwrite = false;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("plan", &plan_file),
				   OPT_FLAG("dry-run", &dry_run),
				   OPT_FLAG("overwrite-edits", &overwrite), CLI_OPTIONS_END};
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
	size_t n = (size_t)(argc - rest);
	app_import_file *files = calloc(n, sizeof *files);
	app_import_result res;
	memset(&res, 0, sizeof res);
	tg_error err = {0};
	if (!files)
		abort();
	for (size_t i = 0; i < n; i++) {
		files[i].name = files[i].path = argv[rest + (int)i];
		tg_errors_init(&files[i].errs);
	}
	int rc = cli_open_store(db, false, &store);
	if (rc)
		goto out;
	/* --plan: validate against FILE for this run; the register's own plan
	** is left as it is (holding plans is `plan use`, issue 12). */
	if ((rc = cli_load_plan(plan_file, store, &plan)))
		goto out;
	const app_import_opts o = {.plan = plan, .dry_run = dry_run,
				   .confirm_overwrite = overwrite, .store_plan = !plan_file};
	int app_rc = app_import(store, NULL, files, n, &o, &res, &err);
	if (app_rc == TG_EINVAL && !strcmp(err.code, "import_invalid")) {
		for (size_t i = 0; i < n; i++) {
			if (!files[i].errs.total)
				continue;
			cli_print_errors(&files[i].errs, files[i].name);
			fprintf(stderr, "tuogou: %s 共有 %zu 处错误，未写入任何数据\n", files[i].name,
				files[i].errs.total);
		}
		rc = EXIT_BADINPUT;
	} else if (app_rc == TG_EINVAL) { /* newer_edit */
		cli_print_error(&err);
		fprintf(stderr, "tuogou: 未写入任何数据；确认覆盖请加 --overwrite-edits，"
				"先查看变更请加 --dry-run\n");
		rc = EXIT_BADINPUT;
	} else if (app_rc) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	} else {
		print_summary(&res.incoming, dry_run);
		if (dry_run)
			print_diff(&res.diff);
	}
out:
	for (size_t i = 0; i < n; i++)
		tg_errors_free(&files[i].errs);
	free(files);
	app_import_done(&res);
	plan_free(plan);
	store_close(store);
	return rc;
}
