/*
** cmd_export.c: tuogou export [--db PATH] --format json [-o FILE]
**
** The whole register as a bundle, on standard output or into FILE.  A file
** is written beside its target and renamed into place, so a reader never
** sees half an export.
*/
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"

static const char usage[] = "tuogou export [--db PATH] --format json [-o FILE]";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {"format", required_argument, NULL, 'f'},
					      {"output", required_argument, NULL, 'o'},
					      {NULL, 0, NULL, 0}};
	const char *db = cli_default_db(), *format = "json", *output = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		default: return cli_usage(usage);
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (strcmp(format, "json")) {
		fprintf(stderr, "tuogou: 不支持的导出格式“%s”（可选：json）\n", format);
		return EXIT_BADINPUT;
	}

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	tg_error err = {0};
	char *tmp = NULL;
	FILE *f = stdout;
	int rc = cli_open_store(db, true, &store);
	if (rc)
		goto out;
	if ((rc = cli_load_plan(NULL, store, &plan)))
		goto out;
	if (store_load_register(store, &r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (output) {
		size_t n = strlen(output) + 16;
		tmp = malloc(n);
		snprintf(tmp, n, "%s.tmp%d", output, (int)getpid());
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
