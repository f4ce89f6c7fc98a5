/*
** cmd_audit.c: tuogou audit verify [--checkpoint FILE] [--db PATH]
**              tuogou audit checkpoint [--to FILE | --syslog] [--db PATH]
**              tuogou audit purge --before YYYY-MM-DD [--db PATH]
**
** verify walks the audit log's keyed chain (audit.h) from the purge anchor
** to the head kept in meta, under the audit key file: exit 0 and the
** number of records when it is intact, exit 1 naming the first broken
** record (changed, removed, reordered, cut off, rewritten without the key),
** exit 3 with "audit_key_missing" when there is no audit key (it cannot
** tell; never "intact").  With --checkpoint it also checks every line of a
** checkpoint file against the chain.
** checkpoint verifies the chain, then writes its head (sequence number,
** algorithm, MAC, the record's time and the time now) as one line outside
** the database: appended to FILE (made 0600), or to syslog (ident
** tuogou-audit, facility authpriv), or to stdout.  A later rewrite of
** anything up to that record, even by someone holding the audit key,
** then fails verify --checkpoint unless they can also rewrite that file.
** purge removes the records dated before a day that lies at least 180
** days back (younger is refused, exit 2; the database's triggers refuse it
** too); the last removed record's hash becomes the anchor the chain starts
** from, and the purge is itself an audit record.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] = "tuogou audit verify [--checkpoint FILE] [--db PATH] | audit checkpoint "
			    "[--to FILE | --syslog] [--db PATH] | audit purge --before YYYY-MM-DD "
			    "[--db PATH]";

/* Verify (against the checkpoints of cp_file, when given); exit status as
** the command's, with *head the last record when intact. */
static int verify_store(tg_store *store, const char *cp_file, tg_audit_checkpoint *head,
			int64_t *count, bool quiet)
{
	tg_error err = {0};
	tg_audit_checkpoint *cps = NULL;
	size_t n = 0;
	int64_t bad = 0;
	if (cp_file) {
		int rc = audit_checkpoints_read(cp_file, &cps, &n, &err);
		if (rc) {
			cli_print_error(&err);
			return rc == TG_EINVAL ? EXIT_BADINPUT : EXIT_INTERNAL;
		}
	}
	int vrc = store_audit_verify_checkpoints(store, cps, n, head, &bad, count, &err);
	free(cps);
	if (vrc == TG_OK) {
		if (!quiet && cp_file)
			printf("审计记录完整：共 %lld 条，散列链未被篡改，与 %zu 个检查点一致\n",
			       (long long)*count, n);
		else if (!quiet)
			printf("审计记录完整：共 %lld 条，散列链未被篡改\n", (long long)*count);
		return EXIT_OK;
	}
	if (vrc == TG_EINVAL) {
		printf("审计记录被篡改：第 %lld 条起散列链断裂（%s）[%s]\n", (long long)bad, err.message,
		       err.code);
		return EXIT_INVALID;
	}
	cli_print_error(&err);
	return EXIT_INTERNAL;
}

static int audit_verify_cmd(const char *db, const char *cp_file)
{
	tg_store *store = NULL;
	int64_t count = 0;
	int rc = cli_open_store(db, true, &store);
	if (rc)
		return rc;
	rc = verify_store(store, cp_file, NULL, &count, false);
	store_close(store);
	return rc;
}

static int audit_checkpoint_cmd(const char *db, const char *to, bool use_syslog)
{
	tg_store *store = NULL;
	tg_audit_checkpoint head;
	int64_t count = 0;
	char now[24], line[512];
	int rc = cli_open_store(db, true, &store);
	if (rc)
		return rc;
	/* only an intact chain is worth a checkpoint */
	rc = verify_store(store, NULL, &head, &count, true);
	store_close(store);
	if (rc)
		return rc;
	time_t t = time(NULL);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	audit_checkpoint_line(&head, now, line, sizeof line);
	if (use_syslog) {
		openlog("tuogou-audit", LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_NOTICE, "%s", line);
		closelog();
	} else if (to) {
		int fd = open(to, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
		if (!f || fprintf(f, "%s\n", line) < 0 || fflush(f) || fsync(fd)) {
			fprintf(stderr, "tuogou: --to: 无法写入检查点文件“%s” [checkpoint_file]\n", to);
			if (f)
				fclose(f);
			else if (fd >= 0)
				close(fd);
			return EXIT_INTERNAL;
		}
		fclose(f);
	} else {
		printf("%s\n", line);
		return EXIT_OK;
	}
	printf("已写入检查点：第 %lld 条（%s）\n", (long long)head.seq, head.alg);
	return EXIT_OK;
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
	const char *db = cli_default_db(), *before = NULL, *cp_file = NULL, *to = NULL;
	bool use_syslog = false;
	if (argc < 2)
		return cli_usage(usage);
	const char *sub = argv[1];
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("before", &before),
				   OPT_STRING("checkpoint", &cp_file), OPT_STRING("to", &to),
				   OPT_FLAG("syslog", &use_syslog), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc - 1, argv + 1, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest != argc - 1)
		return cli_usage(usage);
	if (!strcmp(sub, "verify") && !before && !to && !use_syslog)
		return audit_verify_cmd(db, cp_file);
	if (!strcmp(sub, "checkpoint") && !before && !cp_file && !(to && use_syslog))
		return audit_checkpoint_cmd(db, to, use_syslog);
	if (!strcmp(sub, "purge") && before && !cp_file && !to && !use_syslog)
		return audit_purge_cmd(db, before);
	return cli_usage(usage);
}
