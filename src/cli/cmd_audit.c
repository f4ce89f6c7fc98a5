/*
** cmd_audit.c: tuogou audit verify [--db PATH]
**              tuogou audit purge --before YYYY-MM-DD [--db PATH]
**
** verify walks the audit log's hash chain from the purge anchor to the head
** kept in meta: exit 0 and the number of records when it is intact, exit 1
** naming the first broken record (changed, removed, reordered, cut off).
** purge removes the records dated before a day that lies at least 180
** days back (younger is refused, exit 2; the database's triggers refuse it
** too); the last removed record's hash becomes the anchor the chain starts
** from, and the purge is itself an audit record.
*/
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] = "tuogou audit verify [--db PATH] | audit purge --before YYYY-MM-DD "
			    "[--db PATH]";

static int audit_verify_cmd(const char *db)
{
	tg_store *store = NULL;
	tg_error err = {0};
	int64_t bad = 0, count = 0;
	int rc = cli_open_store(db, true, &store);
	if (rc)
		return rc;
	int vrc = store_audit_verify(store, &bad, &count, &err);
	if (vrc == TG_OK) {
		printf("审计记录完整：共 %lld 条，散列链未被篡改\n", (long long)count);
	} else if (vrc == TG_EINVAL) {
		printf("审计记录被篡改：第 %lld 条起散列链断裂（%s）\n", (long long)bad, err.message);
		rc = EXIT_INVALID;
	} else {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	store_close(store);
	return rc;
}

static int audit_purge_cmd(const char *db, const char *before)
{
	tg_store *store = NULL;
	tg_error err = {0};
	int64_t purged = 0;
	int rc = cli_open_store(db, true, &store);
	if (rc)
		return rc;
	int prc = store_audit_purge(store, before, &purged, &err);
	if (prc == TG_OK) {
		printf("已清除 %s 以前的审计记录 %lld 条\n", before, (long long)purged);
	} else {
		cli_print_error(&err);
		rc = prc == TG_EINVAL ? EXIT_BADINPUT : EXIT_INTERNAL;
	}
	store_close(store);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {"before", required_argument, NULL, 'b'},
					      {NULL, 0, NULL, 0}};
	const char *db = cli_default_db(), *before = NULL;
	if (argc < 2)
		return cli_usage(usage);
	const char *sub = argv[1];
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b': before = optarg; break;
		default: return cli_usage(usage);
		}
	}
	if (optind != argc - 1)
		return cli_usage(usage);
	if (!strcmp(sub, "verify") && !before)
		return audit_verify_cmd(db);
	if (!strcmp(sub, "purge") && before)
		return audit_purge_cmd(db, before);
	return cli_usage(usage);
}
