/*
** cli_common.c: what several commands need: opening the database, loading
** the plan a run uses, reading a register from --db or --bundle, printing
** validation errors.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "cli.h"
#include "obligation.h"
#include "rules.h"

static int is_sqlite_path(const char *db)
{
	return strncmp(db, "postgres", 8) && !strstr(db, "dbname=") && !strstr(db, "host=");
}

bool cli_db_exists(const char *db)
{
	struct stat st;
	return !is_sqlite_path(db) || stat(db, &st) == 0;
}

int cli_open_store(const char *db, bool must_exist, tg_store **out)
{
	tg_error err = {0};
	if (must_exist && !cli_db_exists(db)) {
		fprintf(stderr, "tuogou: 数据库“%s”不存在（先运行 tuogou import 建立登记簿）\n", db);
		return EXIT_BADINPUT;
	}
	if (store_open(db, out, &err)) {
		cli_print_error(&err);
		return err.code[0] && !strcmp(err.code, "db_open") ? EXIT_BADINPUT : EXIT_INTERNAL;
	}
	return EXIT_OK;
}

void cli_print_errors(const tg_errors *errs, const char *file)
{
	for (size_t i = 0; i < errs->count; i++) {
		const tg_error *e = &errs->items[i];
		fprintf(stderr, "%s%s%s%s%s [%s]\n", file ? file : "", file ? ": " : "", e->path,
			e->path[0] ? ": " : "", e->message, e->code);
	}
	if (errs->total > errs->count)
		fprintf(stderr, "……另有 %zu 处错误未列出\n", errs->total - errs->count);
}

int cli_load_plan(const char *plan_file, tg_store *store, tg_plan **out)
{
	tg_errors errs;
	tg_errors_init(&errs);
	tg_error err = {0};
	int rc = TG_OK;
	*out = NULL;
	if (plan_file) {
		rc = plan_load_file(plan_file, out, &errs);
	} else if (store) {
		char *json = NULL;
		size_t len = 0;
		rc = store_get_plan(store, &json, &len, &err);
		if (rc) {
			cli_print_error(&err);
			tg_errors_free(&errs);
			return EXIT_INTERNAL;
		}
		rc = json ? plan_load_buffer(json, len, out, &errs) : plan_load_default(out, &errs);
		free(json);
	} else {
		rc = plan_load_default(out, &errs);
	}
	/* the jurisdictions' own plans hold under --plan too: it overrides
	** only the register's plan */
	if (rc == TG_OK && store && store_attach_jurisdiction_plans(store, *out, &errs, &err) &&
	    !errs.count) {
		cli_print_error(&err);
		tg_errors_free(&errs);
		plan_free(*out);
		*out = NULL;
		return EXIT_INTERNAL;
	}
	if (rc == TG_OK && (errs.count || rules_check_plan(*out, &errs))) {
		plan_free(*out);
		*out = NULL;
		rc = TG_EINVAL;
	}
	if (rc) {
		fprintf(stderr, "tuogou: 方案文件有误：\n");
		cli_print_errors(&errs, plan_file);
	}
	tg_errors_free(&errs);
	return rc ? EXIT_BADINPUT : EXIT_OK;
}

/* The batch ids a plan defines, for reference resolution. */
static const char **plan_batch_ids(const tg_plan *plan)
{
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	if (!ids)
		abort();
	for (size_t i = 0; i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	return ids;
}

int cli_read_bundle(const char *path, const tg_plan *plan, const tg_register *fallback,
		    tg_register *r)
{
	tg_errors errs;
	tg_errors_init(&errs);
	int rc = bundle_read_file(path, r, &errs);
	if (rc != TG_EIO) {
		const char **ids = plan_batch_ids(plan);
		register_resolve(r, ids, plan->n_batches, fallback, &errs);
		free(ids);
		obligation_check_steps(r, plan, fallback, &errs);
	}
	if (r->plan && strcmp(r->plan, plan->id))
		tg_errors_add(&errs, "plan_mismatch", "plan",
			      "数据包所属方案“%s”与所用方案“%s”不一致", r->plan, plan->id);
	if (errs.total) {
		cli_print_errors(&errs, path);
		fprintf(stderr, "tuogou: %s 共有 %zu 处错误，未写入任何数据\n", path, errs.total);
	}
	rc = errs.total ? EXIT_BADINPUT : EXIT_OK;
	tg_errors_free(&errs);
	return rc;
}

int cli_open_run(const char *db, const char *plan_file, tg_store **store, tg_plan **plan,
		 tg_register *r)
{
	tg_error err = {0};
	int rc = cli_open_store(db, true, store);
	if (rc == EXIT_OK)
		rc = cli_load_plan(plan_file, *store, plan);
	if (rc == EXIT_OK && store_load_register(*store, r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	return rc;
}

int cli_steps_fit(const tg_register *r, const tg_plan *plan, const char *not_done)
{
	tg_errors errs;
	tg_errors_init(&errs);
	int rc = EXIT_OK;
	if (obligation_check_steps(r, plan, NULL, &errs)) {
		cli_print_errors(&errs, NULL);
		fprintf(stderr, "tuogou: 登记簿中的办结记录与所用方案“%s”不符，共 %zu 处错误，%s\n",
			plan->id, errs.total, not_done);
		rc = EXIT_BADINPUT;
	}
	tg_errors_free(&errs);
	return rc;
}

int cli_parse_date(const char *s, const char *what, tg_date *out)
{
	if (!s || date_parse(s, out)) {
		fprintf(stderr, "tuogou: %s“%s”不是有效日期（应为 YYYY-MM-DD）\n", what, s ? s : "");
		return EXIT_BADINPUT;
	}
	return EXIT_OK;
}

/* The mail settings: --mail-config, else $TUOGOU_MAIL_CONFIG, else mail.conf
** beside a database file. */
char *cli_mail_config_path(const char *given, const char *db)
{
	const char *env = getenv("TUOGOU_MAIL_CONFIG");
	if (given || (env && *env))
		return strdup(given ? given : env);
	if (!strncmp(db, "postgres", 8))
		return NULL;
	const char *slash = strrchr(db, '/');
	size_t n = slash ? (size_t)(slash - db) + 1 : 0;
	char *p = malloc(n + sizeof "mail.conf");
	if (p)
		snprintf(p, n + sizeof "mail.conf", "%.*smail.conf", (int)n, db);
	return p;
}
