/*
** main.c: the tuogou command line, a table of subcommands.
**
** Adding a command is one line in the table below and one cmd_<name>.c file.
** Each command parses its own options; main only dispatches.
*/
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <sys/stat.h>

#include "cli.h"

struct cli_cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *summary; /* Chinese, shown by `tuogou help` */
};

static const struct cli_cmd commands[] = {
	{"audit", cmd_audit, "audit verify [--checkpoint 文件]：校验审计记录散列链 | audit checkpoint [--to 文件 | --syslog]：把链尾写到数据库之外 | audit purge --before 日期：清除 180 天以前的记录"},
	{"backup", cmd_backup, "备份登记簿（服务运行中亦可）：backup [--db 路径] 备份文件"},
	{"calendar", cmd_calendar, "工作日计算：add-workdays 日期 N | is-workday 日期 | workdays 起 止"},
	{"check", cmd_check, "按截至日期检查登记簿，列出问题清单"},
	{"explain", cmd_explain, "说明一条规则或义务：条款原文、参数及取值、期限的算法"},
	{"export", cmd_export, "导出登记簿（JSON 数据包或 xlsx 工作簿）；--template 导出导入模板"},
	{"import", cmd_import, "导入 JSON 数据包、CSV 或 xlsx 表格（全部校验通过才写入）"},
	{"key", cmd_key, "key rotate [--db 路径]：轮换数据密钥（须先停止全部网页服务；旧密钥留作 .old）"},
	{"plan", cmd_plan, "plan show|use：列出方案条款及对应规则；采用方案"},
	{"remind", cmd_remind, "按主管单位列出临近到期（默认5个工作日内）和逾期的事项"},
	{"report", cmd_report, "生成 PDF 报告：progress 工作进展报告 | summary 统一社会信用代码 工作总结"},
	{"restore", cmd_restore, "从备份恢复登记簿：restore 备份文件 [--db 路径] [--force]"},
	{"routes", cmd_routes, "以 JSON 列出网页服务的全部接口及其授权"},
	{"settings", cmd_settings, "settings show | settings set require_totp=1：系统设置"},
	{"serve", cmd_serve, "启动网页服务与 JSON 接口（默认 127.0.0.1:8080）"},
	{"user", cmd_user, "user add 用户名 --role 角色（密码从标准输入读取）| user list"},
	{"validate", cmd_validate, "校验统一社会信用代码（uscc）或公民身份号码（id）"},
};

static void print_help(FILE *out)
{
	fprintf(out, "用法: tuogou <命令> [参数]\n\n命令:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

void cli_print_error(const tg_error *err)
{
	if (err->path[0])
		fprintf(stderr, "tuogou: %s: %s [%s]\n", err->path, err->message, err->code);
	else
		fprintf(stderr, "tuogou: %s [%s]\n", err->message, err->code);
}

int cli_usage(const char *usage)
{
	fprintf(stderr, "用法: %s\n", usage);
	return EXIT_BADINPUT;
}

const char *cli_default_db(void)
{
	const char *env = getenv("TUOGOU_DB");
	return env && *env ? env : "var/tuogou.db";
}

/* --key PATH (or --key=PATH) anywhere on the line: the key file that seals
** ID numbers, for every command (the store reads $TUOGOU_KEY). */
static int take_key_option(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		const char *path = NULL;
		int n = 0;
		if (!strcmp(argv[i], "--key") && i + 1 < *argc) {
			path = argv[i + 1];
			n = 2;
		} else if (!strncmp(argv[i], "--key=", 6)) {
			path = argv[i] + 6;
			n = 1;
		}
		if (!n)
			continue;
		if (!*path || setenv("TUOGOU_KEY", path, 1)) {
			fprintf(stderr, "tuogou: --key 须指定密钥文件\n");
			return -1;
		}
		memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) * sizeof *argv);
		*argc -= n;
		i--;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* Everything tuogou creates (database and its -wal/-shm, backups,
	** exports, PDF and xlsx, the key, folders, temporary files) is its
	** owner's alone: 0600 files, 0700 folders (issue 14). */
	umask(077);
	setlocale(LC_CTYPE, "C.UTF-8");
	if (take_key_option(&argc, argv))
		return EXIT_BADINPUT;
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		print_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_BADINPUT : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tuogou: 未知命令 \"%s\"（运行 tuogou help 查看命令列表）\n", argv[1]);
	return EXIT_BADINPUT;
}
