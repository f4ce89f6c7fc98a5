/*
** cmd_settings.c: tuogou settings show [--db PATH]
**                 tuogou settings set NAME=VALUE [--db PATH]
**
** The system administrator's settings, also on the page 系统设置与备份:
**   require_totp=1   every account logs in with a TOTP code (the three
**                    administrators always do)
** A change is audited ("setting", the operating-system user, ip "cli").
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] = "tuogou settings show [--db PATH] | settings set NAME=VALUE [--db PATH]";

static const struct {
	const char *name, *zh;
} known[] = {
	{"require_totp", "所有账户登录须使用动态口令（0 或 1）"},
};

int cmd_settings(int argc, char **argv)
{
	const char *db = cli_default_db();
	if (argc < 2)
		return cli_usage(usage);
	const char *sub = argv[1];
	const cli_option opts[] = {OPT_STRING("db", &db), CLI_OPTIONS_END};
	int first;
	if (cli_options(argc - 1, argv + 1, opts, usage, &first))
		return EXIT_BADINPUT;
	int rest = argc - 1 - first;
	char **args = argv + 1 + first;
	bool show = !strcmp(sub, "show") && rest == 0, set = !strcmp(sub, "set") && rest == 1;
	if (!show && !set)
		return cli_usage(usage);
	char name[64] = "", value[16] = "";
	size_t k = sizeof known / sizeof known[0];
	if (set) {
		const char *eq = strchr(args[0], '=');
		if (eq && (size_t)(eq - args[0]) < sizeof name)
			snprintf(name, sizeof name, "%.*s", (int)(eq - args[0]), args[0]);
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (!strcmp(known[k].name, name))
				break;
		if (k == sizeof known / sizeof known[0]) {
			fprintf(stderr, "tuogou: 没有设置项“%s”（可设置：require_totp）\n", name);
			return EXIT_BADINPUT;
		}
		if (strcmp(eq + 1, "0") && strcmp(eq + 1, "1")) {
			fprintf(stderr, "tuogou: %s 的值应为 0 或 1\n", name);
			return EXIT_BADINPUT;
		}
		snprintf(value, sizeof value, "%s", eq + 1);
	}
	tg_store *store = NULL;
	tg_error err = {0};
	int rc = cli_open_store(db, !set, &store);
	if (rc)
		return rc;
	if (set && store_setting_set(store, name, value, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	} else if (set) {
		printf("%s=%s\n", name, value);
	}
	for (size_t i = 0; show && i < sizeof known / sizeof known[0]; i++) {
		char v[64] = "0";
		store_setting_get(store, known[i].name, v, sizeof v, NULL);
		printf("%s=%s\t# %s\n", known[i].name, v, known[i].zh);
	}
	store_close(store);
	return rc;
}
