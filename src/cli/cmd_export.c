/*
** cmd_export.c: tuogou export [--db PATH] --format json|xlsx [-o FILE]
**               tuogou export --template -o FILE.xlsx
**
** The whole register as a bundle, on standard output or into FILE; or as a
** workbook (one sheet per array, Chinese headers, ID numbers in full: this
** is the operator's export) into FILE; or the empty import template.  A
** file is written beside its target and renamed into place, so a reader
** never sees half an export.
**
** The ID numbers are sealed in the store: this export, run by the operator
** on the server that holds the key file, is the one place that writes them
** in full (so that a register can move to another system), and it is
** audited ("export", the operating-system user, ip "cli").
**
** The bundle names the plan it was kept under: the register's, or --plan's
** for this run, refused (exit 2, nothing written) when the register's
** steps do not fit it, as check --db --plan refuses it.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "xlsx.h"

static const char usage[] =
	"tuogou export [--db PATH] [--plan FILE] --format json|xlsx [-o FILE] | "
	"export --template -o FILE.xlsx";

/* A temporary name beside path (malloc'd). */
static char *tmp_name(const char *path)
{
	size_t n = strlen(path) + 24;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.tmp%d", path, (int)getpid());
	return tmp;
}

/* Write a workbook with fn into a temporary file, then rename it to path. */
static int write_xlsx(const char *path, const tg_register *r, bool template_only)
{
	tg_error err = {0};
	char *tmp = tmp_name(path);
	int rc = template_only ? xlsx_write_template(tmp, &err)
			       : xlsx_write_register(r, tmp, NULL, &err);
	if (rc == TG_OK && rename(tmp, path) != 0)
		rc = tg_error_set(&err, TG_EIO, "io", path, "无法写入文件");
	if (rc) {
		remove(tmp);
		snprintf(err.path, sizeof err.path, "%s", path);
		cli_print_error(&err);
	}
	free(tmp);
	return rc ? EXIT_INTERNAL : EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	const char *db = cli_default_db(), *format = "json", *output = NULL, *plan_file = NULL;
	bool template_only = false;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("format", &format),
				   OPT_STRING("plan", &plan_file),
				   OPT_OUTPUT(&output), OPT_FLAG("template", &template_only),
				   CLI_OPTIONS_END};
	if (cli_options(argc, argv, opts, usage, NULL))
		return EXIT_BADINPUT;
	if (strcmp(format, "json") && strcmp(format, "xlsx")) {
		fprintf(stderr, "tuogou: 不支持的导出格式“%s”（可选：json、xlsx）\n", format);
		return EXIT_BADINPUT;
	}
	if ((template_only || !strcmp(format, "xlsx")) && !output) {
		fprintf(stderr, "tuogou: 导出 xlsx 须用 -o 指定文件\n");
		return EXIT_BADINPUT;
	}
	if (template_only)
		return write_xlsx(output, NULL, true);

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	tg_error err = {0};
	char *tmp = NULL;
	FILE *f = stdout;
	int rc = cli_open_run(db, plan_file, &store, &plan, &r);
	if (rc)
		goto out;
	if (plan_file && (rc = cli_steps_fit(&r, plan, "未导出")))
		goto out;
	if (store_reveal_id_numbers(store, &r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	strbuf after;
	sb_init(&after);
	sb_add_json_member(&after, "{\"format\": ", format);
	sb_add_json_member(&after, ", \"file\": ", output);
	sb_addf(&after, ", \"persons\": %zu, \"id_numbers\": \"full\"}", r.t[ARR_PERSONS].count);
	int arc = store_audit_add(store, "export", "register", "ok", NULL, after.buf, &err);
	sb_release(&after);
	if (arc) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (!strcmp(format, "xlsx")) {
		rc = write_xlsx(output, &r, false);
		goto out;
	}
	if (output) {
		tmp = tmp_name(output);
		if (!(f = fopen(tmp, "wb"))) {
			fprintf(stderr, "tuogou: 无法写入“%s”\n", output);
			rc = EXIT_BADINPUT;
			goto out;
		}
	}
	strbuf sb;
	sb_init_sink(&sb, f);
	bundle_write(&r, plan->id, &sb);
	int wrc = sb_flush(&sb);
	sb_release(&sb);
	if (output) {
		wrc |= fflush(f) | fsync(fileno(f));
		wrc |= fclose(f);
		if (wrc == 0 && rename(tmp, output) == 0)
			goto out;
		remove(tmp);
	}
	if (wrc) {
		fprintf(stderr, "tuogou: 写入导出文件失败\n");
		rc = EXIT_INTERNAL;
	}
out:
	free(tmp);
	register_release(&r);
	plan_free(plan);
	store_close(store);
	return rc;
}
