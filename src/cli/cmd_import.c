/*
** cmd_import.c: tuogou import [--db PATH] FILE...
**
** Every file is read and validated first; references may point into the
** other files or into the register already stored.  Only when nothing is
** wrong anywhere is the lot merged by key in one transaction.  With any
** error: every problem printed with its file and path, exit 2, nothing
** stored.
*/
#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "bundle.h"

static const char usage[] = "tuogou import [--db PATH] FILE.json...";

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

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {NULL, 0, NULL, 0}};
	const char *db = cli_default_db();
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else
			return cli_usage(usage);
	}
	if (optind >= argc)
		return cli_usage(usage);
	for (int i = optind; i < argc; i++)
		if (!has_ext(argv[i], ".json")) {
			fprintf(stderr, "tuogou: %s: 不支持的文件类型（支持 .json 数据包）\n", argv[i]);
			return EXIT_BADINPUT;
		}

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register existing, incoming;
	register_init(&existing);
	register_init(&incoming);
	tg_error err = {0};
	int rc = cli_open_store(db, false, &store);
	if (rc)
		goto out;
	if ((rc = cli_load_plan(NULL, store, &plan)))
		goto out;
	if (store_load_register(store, &existing, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	/* All files form one bundle: each is validated with the others and
	** the stored register as the places references may point to. */
	for (int i = optind; i < argc; i++) {
		tg_register one;
		register_init(&one);
		int frc = cli_read_bundle(argv[i], plan, &existing, &one);
		if (frc == EXIT_OK)
			register_merge(&incoming, &one);
		register_release(&one);
		if (frc)
			rc = frc;
	}
	if (rc)
		goto out;
	if (store_import(store, &incoming, &err) ||
	    store_set_plan(store, plan->id, plan->json, plan->json_len, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	print_summary(&incoming);
out:
	register_release(&incoming);
	register_release(&existing);
	plan_free(plan);
	store_close(store);
	return rc;
}
