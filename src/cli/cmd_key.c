/*
** cmd_key.c: tuogou key rotate [--db PATH]
**
** Rotates the data key (the key file that seals ID numbers, birth dates and
** TOTP secrets, store_key_path): a new random key, every sealed value
** re-sealed under it in one transaction with its audit record
** ("key_rotate", counts only), the key file replaced.  The order (secret.h)
** is such that no crash leaves the data under a key that is not on disk:
** "<key>.new" is written and made durable before the transaction, renamed
** over the key file after the commit; the old key stays as "<key>.old".
** A store opened with "<key>.new" present finishes or undoes the rotation.
**
** Every server on the database must be stopped first: a running server
** keeps the old key in memory and would seal new numbers under it.  On
** PostgreSQL the rotation is refused while another tuogou connection is on
** the database (pg_stat_activity); a SQLite file's servers cannot be seen
** from here: the help and README say to stop them.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "secret.h"

static const char usage[] = "tuogou key rotate [--db PATH]（须先停止所有使用该数据库的 tuogou serve）";

static void print_help(void)
{
	printf("用法: tuogou key rotate [--db 路径] [--key 密钥文件]\n\n"
	       "轮换数据密钥（加密公民身份号码、出生日期和动态口令的密钥文件）：\n"
	       "生成新的随机密钥，在一个事务中用新密钥重新加密全部数据并记入审计日志\n"
	       "（事件 key_rotate，只记数量），然后替换密钥文件。\n\n"
	       "注意：\n"
	       "  * 运行前须停止所有使用该数据库的网页服务（tuogou serve，含其他主机上的），\n"
	       "    完成后再启动：运行中的服务仍持有旧密钥，会用旧密钥加密新数据。\n"
	       "  * 旧密钥保留为“<密钥文件>.old”（0600）：用它做的备份仍需要它；\n"
	       "    这些备份全部过期销毁后，请删除 .old 文件。已有 .old 文件时拒绝运行。\n"
	       "  * 中途崩溃不会丢失数据：下次打开数据库时自动完成或撤销这次轮换。\n");
}

int cmd_key(int argc, char **argv)
{
	const char *db = cli_default_db();
	bool help = false;
	/* test hook (tests/cli/key_rotate.sh): exit as a crash would, right
	** after writing the new key ("key_new") or after the commit
	** ("key_commit"); read here only */
	const char *crash = getenv("TUOGOU_TEST_CRASH_AFTER");
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		print_help();
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "rotate"))
		return cli_usage(usage);
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_FLAG("help", &help), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc - 1, argv + 1, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (help) {
		print_help();
		return EXIT_OK;
	}
	if (rest != argc - 1)
		return cli_usage(usage);

	char key_path[PATH_MAX], old[PATH_MAX];
	struct stat st;
	store_key_path(db, key_path, sizeof key_path);
	secret_key_old_path(key_path, old, sizeof old);
	tg_store *store = NULL;
	int rc = cli_open_store(db, true, &store); /* finishes an earlier rotation */
	if (rc)
		return rc;
	if (stat(key_path, &st) != 0) {
		fprintf(stderr, "tuogou: %s: 没有密钥文件，无从轮换 [key_missing]\n", key_path);
		store_close(store);
		return EXIT_BADINPUT;
	}
	if (stat(old, &st) == 0) {
		fprintf(stderr,
			"tuogou: %s: 上次轮换留下的旧密钥仍在；用它做的备份都已销毁后删除它"
			"（或移到别处保存），再轮换 [key_old_exists]\n",
			old);
		store_close(store);
		return EXIT_BADINPUT;
	}

	tg_secret_key key;
	tg_key_counts n;
	tg_error err = {0};
	rc = secret_key_write_new(key_path, &key, &err);
	if (rc == TG_OK && crash && !strcmp(crash, "key_new"))
		_exit(EXIT_INTERNAL);
	bool written = rc == TG_OK;
	if (rc == TG_OK)
		rc = store_key_rotate(store, &key, &n, &err);
	sodium_memzero(&key, sizeof key);
	if (rc == TG_OK && crash && !strcmp(crash, "key_commit"))
		_exit(EXIT_INTERNAL);
	if (rc == TG_OK)
		rc = secret_key_install(key_path, &err);
	store_close(store);
	if (rc) {
		cli_print_error(&err);
		/* Failed with "<key>.new" written: the commit may or may not have
		** happened (a connection lost during COMMIT); opening the store
		** again looks at the data and keeps or deletes .new. */
		if (written && !cli_open_store(db, true, &store))
			store_close(store);
		return !strcmp(err.code, "servers_running") ? EXIT_BADINPUT : EXIT_INTERNAL;
	}
	printf("已轮换数据密钥“%s”：重新加密公民身份号码 %zu 个、出生日期 %zu 个、动态口令 %zu 个。\n"
	       "旧密钥保留在“%s”（0600）：用它做的备份仍需要它，这些备份全部销毁后请删除该文件。\n"
	       "现在可以重新启动网页服务。\n",
	       key_path, n.id_numbers, n.births, n.totp_secrets, old);
	return EXIT_OK;
}
