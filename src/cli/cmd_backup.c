/*
** cmd_backup.c: tuogou backup [--db PATH] FILE
**               tuogou restore FILE [--db PATH] [--force]
**
** backup copies a live SQLite register with the online backup API, a few
** pages at a time, so that it works while `tuogou serve` writes: in WAL
** mode the copy reads one snapshot and never blocks the writers.  A write
** committed by another process in the middle restarts the copy (SQLite's
** rule); each restart doubles the step, and past a few the rest is copied
** in one step, so a busy server cannot starve it.  The copy goes to
** FILE.tmp, is switched out of WAL mode (one self-contained file), checked
** (PRAGMA integrity_check), fsynced, and renamed onto FILE; the folder is
** fsynced too.  FILE is either the old backup or the new one, never half.
**
** restore checks that FILE is a tuogou register (integrity_check ok, the
** tables of the schema, a schema version this build knows) and refuses to
** replace a database another process has open (a server: its WAL index is
** locked) unless --force.  The copy goes to PATH.restore-tmp, is fsynced,
** the old database is checkpointed so its WAL cannot outlive it, and the
** copy is renamed onto PATH.
**
** The key file that seals ID numbers (store_key_path) is not copied: it
** is kept apart from the data on purpose; both commands say where it is.
**
** PostgreSQL registers are backed up with pg_dump / pg_restore (README):
** with a postgresql:// URL both commands print the command to use and exit 2.
**
** Exit codes: 0 done, 2 bad input (not a register, in use, usage), 3 I/O.
*/
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

extern const unsigned char tg_schema_sqlite[];
extern const unsigned long tg_schema_sqlite_len;

static const char usage_backup[] = "tuogou backup [--db PATH] FILE";
static const char usage_restore[] = "tuogou restore FILE [--db PATH] [--force]";

#define STEP_PAGES 64    /* pages per backup step at first */
#define MAX_RESTARTS 6   /* then the rest in one step */

static bool is_postgres(const char *db)
{
	return !strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11) ||
	       strstr(db, "host=") || strstr(db, "dbname=");
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* fsync a file, and the folder holding it (so a rename is durable). */
static int sync_path(const char *path, bool dir)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	const char *target = dir ? dirname(buf) : path;
	int fd = open(target, dir ? O_RDONLY | O_DIRECTORY : O_RDWR);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* The newest schema version this build knows: the last "-- migration: N". */
static int known_schema_version(void)
{
	const char *s = (const char *)tg_schema_sqlite, *end = s + tg_schema_sqlite_len;
	const char *marker = "-- migration: ";
	size_t ml = strlen(marker);
	int v = 0;
	for (const char *p = s; p + ml < end; p++)
		if (!memcmp(p, marker, ml)) {
			int n = atoi(p + ml);
			if (n > v)
				v = n;
		}
	return v;
}

static int one_value(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Is db a sound tuogou register?  Prints why not; returns an exit code. */
static int check_register(sqlite3 *db, const char *what)
{
	char v[256];
	if (one_value(db, "PRAGMA integrity_check", v, sizeof v) || strcmp(v, "ok")) {
		fprintf(stderr, "tuogou: %s 未通过完整性检查（PRAGMA integrity_check：%s）[bad_backup]\n",
			what, v[0] ? v : sqlite3_errmsg(db));
		return EXIT_BADINPUT;
	}
	static const char *tables[] = {"meta", "plan", "associations", "units", "persons", "posts"};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[160];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
			 tables[i]);
		if (one_value(db, sql, v, sizeof v) || strcmp(v, "1")) {
			fprintf(stderr, "tuogou: %s 不是 tuogou 登记簿（缺少表 %s）[not_a_register]\n", what,
				tables[i]);
			return EXIT_BADINPUT;
		}
	}
	if (one_value(db, "PRAGMA user_version", v, sizeof v))
		return EXIT_BADINPUT;
	int version = atoi(v), known = known_schema_version();
	if (version < 1 || version > known) {
		fprintf(stderr,
			"tuogou: %s 的数据库结构版本为 %d，本程序支持 1 至 %d（请使用相应版本的 tuogou）[schema_version]\n",
			what, version, known);
		return EXIT_BADINPUT;
	}
	return EXIT_OK;
}

/* Another process has the WAL index of path open (SQLite's unix VFS holds
** a read lock on byte 128 of the -shm file while a connection is open):
** its pid, else 0. */
static pid_t holder_of(const char *path)
{
	char shm[4096];
	snprintf(shm, sizeof shm, "%s-shm", path);
	int fd = open(shm, O_RDWR);
	if (fd < 0)
		return 0;
	struct flock fl = {0};
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 128;
	fl.l_len = 1;
	pid_t pid = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid ? fl.l_pid : -1;
	close(fd);
	return pid;
}

/* Copy src into dst with the online backup API, in growing steps. */
static int copy_online(sqlite3 *src, sqlite3 *dst, int *restarts, int *pages)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return SQLITE_ERROR;
	int step = STEP_PAGES, rc, last_remaining = -1;
	*restarts = 0;
	for (;;) {
		rc = sqlite3_backup_step(b, *restarts >= MAX_RESTARTS ? -1 : step);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			sleep_ms(20);
			continue;
		}
		if (rc != SQLITE_OK)
			break;
		int remaining = sqlite3_backup_remaining(b);
		if (last_remaining >= 0 && remaining > last_remaining) { /* restarted */
			(*restarts)++;
			step *= 2;
		}
		last_remaining = remaining;
	}
	*pages = sqlite3_backup_pagecount(b);
	int fin = sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? fin : rc;
}

/* A read-only, lock-free URI for a file: "file:PATH?immutable=1", with
** the characters a URI gives meaning to escaped. */
static void uri_of(const char *path, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "file:");
	for (const char *p = path; *p && n + 4 < size; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
		else
			out[n++] = *p;
	}
	snprintf(out + n, size - n, "?immutable=1");
}

/* The key that seals ID numbers is a file of its own, on purpose not in
** the database nor in its backups: say where it is. */
static void key_note(const char *db_path)
{
	char key[4096];
	struct stat st;
	store_key_path(db_path, key, sizeof key);
	if (stat(key, &st) == 0)
		fprintf(stderr, "tuogou: 注意：身份号码加密密钥“%s”不在备份之内，请另行备份（与数据库备份分开保存；恢复时放回数据库旁或用 --key、TUOGOU_KEY 指定）\n", key);
	else
		fprintf(stderr, "tuogou: 注意：未找到身份号码加密密钥“%s”；如备份中有加密的身份号码，须放回原密钥文件\n", key);
	/* the audit key (issue 14): without it the restored chain cannot be
	** verified nor extended */
	store_audit_key_path(db_path, key, sizeof key);
	if (stat(key, &st) == 0)
		fprintf(stderr, "tuogou: 注意：审计密钥“%s”不在备份之内，请另行备份（恢复时放回原处或用 TUOGOU_AUDIT_KEY 指定）\n", key);
}

static int open_db(const char *path, int flags, sqlite3 **db)
{
	*db = NULL;
	int rc = sqlite3_open_v2(path, db, flags, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(*db, 10000);
	return rc;
}

/* The end of a copy (backup, restore): both databases closed, the
** temporary file removed unless the copy succeeded (rc). */
static int copy_done(int rc, sqlite3 *src, sqlite3 *dst, const char *tmp)
{
	sqlite3_close(dst);
	sqlite3_close(src);
	if (rc != EXIT_OK)
		unlink(tmp);
	return rc;
}

/* The options of backup and restore: --db, --force (restore: force not
** NULL), and one FILE. */
static int file_args(int argc, char **argv, const char *usage, const char **db, bool *force,
		     const char **file)
{
	cli_option opts[] = {OPT_STRING("db", db), OPT_FLAG("force", force), CLI_OPTIONS_END};
	if (!force)
		opts[1] = (cli_option)CLI_OPTIONS_END;
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest != argc - 1)
		return cli_usage(usage);
	*file = argv[rest];
	return EXIT_OK;
}

int cmd_backup(int argc, char **argv)
{
	const char *db_path = cli_default_db(), *file = NULL;
	int rc = file_args(argc, argv, usage_backup, &db_path, NULL, &file);
	if (rc)
		return rc;
	if (is_postgres(db_path)) {
		fprintf(stderr,
			"tuogou: PostgreSQL 登记簿请用 pg_dump 备份（服务运行中亦可，见 README）：\n"
			"  pg_dump --format=custom --file='%s' '%s'\n"
			"恢复到新建的空库：pg_restore --no-owner --dbname=新库 '%s' [postgres_backup]\n",
			file, db_path, file);
		return EXIT_BADINPUT;
	}
	struct stat st;
	if (stat(db_path, &st) != 0) {
		fprintf(stderr, "tuogou: 数据库“%s”不存在 [db_missing]\n", db_path);
		return EXIT_BADINPUT;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp)
		return cli_usage(usage_backup);
	unlink(tmp);

	sqlite3 *src = NULL, *dst = NULL;
	int restarts = 0, pages = 0;
	rc = EXIT_INTERNAL;
	if (open_db(db_path, SQLITE_OPEN_READWRITE, &src) != SQLITE_OK) {
		fprintf(stderr, "tuogou: 无法打开数据库“%s”：%s [db_open]\n", db_path,
			src ? sqlite3_errmsg(src) : "内存不足");
		goto out;
	}
	if (open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst) != SQLITE_OK) {
		fprintf(stderr, "tuogou: 无法建立备份文件“%s”：%s [io]\n", tmp,
			dst ? sqlite3_errmsg(dst) : "内存不足");
		goto out;
	}
	int brc = copy_online(src, dst, &restarts, &pages);
	if (brc != SQLITE_OK) {
		fprintf(stderr, "tuogou: 备份失败：%s [backup_failed]\n", sqlite3_errstr(brc));
		goto out;
	}
	/* one self-contained file: no -wal beside it */
	char mode[32];
	if (one_value(dst, "PRAGMA journal_mode = DELETE", mode, sizeof mode) || strcmp(mode, "delete")) {
		fprintf(stderr, "tuogou: 备份失败：无法设置日志模式 [backup_failed]\n");
		goto out;
	}
	if ((rc = check_register(dst, tmp)) != EXIT_OK) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	rc = EXIT_INTERNAL;
	if (sqlite3_close(dst) != SQLITE_OK) {
		fprintf(stderr, "tuogou: 关闭备份文件失败 [io]\n");
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, false) || rename(tmp, file) || sync_path(file, true)) {
		fprintf(stderr, "tuogou: 写入备份文件“%s”失败：%s [io]\n", file, strerror(errno));
		goto out;
	}
	printf("已备份：%s → %s（%d 页%s）\n", db_path, file, pages,
	       restarts ? "，期间有写入，已重新读取" : "");
	key_note(db_path);
	rc = EXIT_OK;
out:
	return copy_done(rc, src, dst, tmp);
}

int cmd_restore(int argc, char **argv)
{
	const char *db_path = cli_default_db(), *file = NULL;
	bool force = false;
	int rc = file_args(argc, argv, usage_restore, &db_path, &force, &file);
	if (rc)
		return rc;
	if (is_postgres(db_path)) {
		fprintf(stderr,
			"tuogou: PostgreSQL 登记簿请用 pg_restore 恢复到新建的空库（见 README），例如：\n"
			"  createdb -E UTF8 -l C.UTF-8 tuogou_restored\n"
			"  pg_restore --no-owner --dbname=postgresql:///tuogou_restored '%s' [postgres_backup]\n",
			file);
		return EXIT_BADINPUT;
	}
	struct stat st;
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "tuogou: 备份文件“%s”不存在 [backup_missing]\n", file);
		return EXIT_BADINPUT;
	}
	char tmp[4096], what[4200];
	if (snprintf(tmp, sizeof tmp, "%s.restore-tmp", db_path) >= (int)sizeof tmp)
		return cli_usage(usage_restore);
	snprintf(what, sizeof what, "备份文件“%s”", file);

	/* the backup, read-only and without touching anything beside it */
	char uri[13000];
	uri_of(file, uri, sizeof uri);
	sqlite3 *src = NULL, *dst = NULL, *old = NULL;
	rc = EXIT_BADINPUT;
	if (open_db(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &src) != SQLITE_OK) {
		fprintf(stderr, "tuogou: %s无法打开：%s [bad_backup]\n", what,
			src ? sqlite3_errmsg(src) : "内存不足");
		goto out;
	}
	if ((rc = check_register(src, what)) != EXIT_OK)
		goto out;
	pid_t holder = holder_of(db_path);
	if (holder && !force) {
		fprintf(stderr,
			"tuogou: 数据库“%s”正被其他进程（进程号 %d，如 tuogou serve）使用；请先停止服务，或加 --force [db_in_use]\n",
			db_path, (int)holder);
		rc = EXIT_BADINPUT;
		goto out;
	}

	rc = EXIT_INTERNAL;
	unlink(tmp);
	int restarts, pages;
	if (open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst) != SQLITE_OK ||
	    copy_online(src, dst, &restarts, &pages) != SQLITE_OK) {
		fprintf(stderr, "tuogou: 无法写入“%s”：%s [io]\n", tmp,
			dst ? sqlite3_errmsg(dst) : "内存不足");
		goto out;
	}
	char mode[32];
	if (one_value(dst, "PRAGMA journal_mode = DELETE", mode, sizeof mode) ||
	    sqlite3_close(dst) != SQLITE_OK) {
		fprintf(stderr, "tuogou: 无法写入“%s” [io]\n", tmp);
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, false)) {
		fprintf(stderr, "tuogou: 无法写入“%s”：%s [io]\n", tmp, strerror(errno));
		goto out;
	}
	/* The old database's WAL must not outlive it: checkpoint it into the
	** old file (closing the last connection removes it), then replace. */
	if (stat(db_path, &st) == 0 && !force) {
		if (open_db(db_path, SQLITE_OPEN_READWRITE, &old) == SQLITE_OK)
			sqlite3_exec(old, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(old);
		old = NULL;
	}
	char side[4200];
	snprintf(side, sizeof side, "%s-wal", db_path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", db_path);
	unlink(side);
	if (rename(tmp, db_path) || sync_path(db_path, true)) {
		fprintf(stderr, "tuogou: 无法替换数据库“%s”：%s [io]\n", db_path, strerror(errno));
		goto out;
	}
	printf("已恢复：%s → %s（%d 页）\n", file, db_path, pages);
	key_note(db_path);
	rc = EXIT_OK;
out:
	return copy_done(rc, src, dst, tmp);
}
