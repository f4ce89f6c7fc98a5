/*
** cmd_user.c: tuogou user add NAME --role ROLE [--unit ID | --association USCC |
**             --department KIND] [--jurisdiction CODE] [--display-name TEXT]
**             [--db PATH]
**             tuogou user list [--db PATH]
**
** Accounts are made here, on the server, never with a default password:
** `user add` reads the password from the first line of stdin, checks it
** against the password rules (src/http/auth.c) and stores only its Argon2id
** hash.  A unit account names an existing unit, an association account an
** existing association (USCC), a department account its kind: the store's
** rules (store_user_check), whose errors name the API's fields; they are
** printed with this command's options (--unit ...).
**
** An account that needs a second factor (the three administrators, any
** account when the setting require_totp is on, or with --totp) gets a TOTP
** secret, printed once as "totp-secret: BASE32" for the authenticator app;
** `user totp NAME` issues a new one.  Both are audited.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "cli.h"
#include "http.h"

static const char usage[] =
	"tuogou user add NAME --role ROLE [--unit ID | --association USCC | --department KIND] "
	"[--jurisdiction CODE] [--display-name TEXT] [--totp] [--db PATH] < 密码\n       tuogou user list [--db PATH]\n"
	"       tuogou user totp NAME [--db PATH]";

/* Print a TOTP secret for the authenticator app, and forget it. */
static void print_totp(const tg_user *u, char secret[TOTP_SECRET_CHARS + 1])
{
	printf("totp-secret: %s\n", secret);
	printf("otpauth://totp/tuogou:%s?secret=%s&issuer=tuogou\n", u->username, secret);
	sodium_memzero(secret, TOTP_SECRET_CHARS + 1);
}

static const char *role_zh(const char *role)
{
	static const char *const names[][2] = {
		{"office", "联合工作组办公室"}, {"civil_affairs", "民政局"}, {"unit", "主管单位"},
		{"department", "职能部门"},      {"association", "协会"},    {"sysadmin", "系统管理员"},
		{"secadmin", "安全管理员"},     {"auditor", "安全审计员"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i][0], role))
			return names[i][1];
	return role;
}

/* The first line of stdin, without its line end. */
static char *read_password(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* The store's errors name the API's fields (store_user_check); here they
** are the command's options. */
static void print_user_error(tg_error *err)
{
	static const char *const options[][2] = {
		{"username", "NAME"},	      {"role", "--role"},
		{"unit", "--unit"},	      {"association", "--association"},
		{"department", "--department"}, {"display_name", "--display-name"},
		{"jurisdiction", "--jurisdiction"},
		{"password", "密码（标准输入）"}};
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (!strcmp(err->path, options[i][0])) {
			snprintf(err->path, sizeof err->path, "%s", options[i][1]);
			break;
		}
	cli_print_error(err);
}

static int user_add(int argc, char **argv)
{
	const char *db = cli_default_db(), *role = NULL, *unit = NULL, *assoc = NULL, *dept = NULL,
		   *display = NULL, *jurisdiction = NULL;
	bool want_totp = false;
	const cli_option opts[] = {OPT_STRING("db", &db),
				   OPT_STRING("role", &role),
				   OPT_STRING("unit", &unit),
				   OPT_STRING("association", &assoc),
				   OPT_STRING("department", &dept),
				   OPT_STRING("display-name", &display),
				   OPT_STRING("jurisdiction", &jurisdiction),
				   OPT_FLAG("totp", &want_totp),
				   CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest != argc - 1 || !role)
		return cli_usage(usage);
	tg_user u;
	tg_error err = {0};
	int rc;
	memset(&u, 0, sizeof u);
	const char *name = argv[rest];
	/* the store's rules, before the password is read */
	if (store_user_fill(&u, name, role, unit, assoc, dept, jurisdiction, &err)) {
		print_user_error(&err);
		return EXIT_BADINPUT;
	}
	snprintf(u.display_name, sizeof u.display_name, "%s", display ? display : "");

	char *password = read_password();
	if (!password) {
		fprintf(stderr, "tuogou: 请从标准输入提供密码（第一行）\n");
		return EXIT_BADINPUT;
	}
	if (http_password_check(name, password, &err) ||
	    http_password_hash(password, u.password_hash, &err)) {
		sodium_memzero(password, strlen(password));
		free(password);
		print_user_error(&err);
		return err.code[0] && !strcmp(err.code, "weak_password") ? EXIT_BADINPUT
									  : EXIT_INTERNAL;
	}
	sodium_memzero(password, strlen(password));
	free(password);

	tg_store *store = NULL;
	char secret[TOTP_SECRET_CHARS + 1];
	if ((rc = cli_open_store(db, false, &store)))
		return rc;
	if (app_user_add(store, &u, want_totp, secret, &err)) {
		print_user_error(&err);
		rc = err.code[0] && strcmp(err.code, "db_error") ? EXIT_BADINPUT : EXIT_INTERNAL;
	} else {
		printf("已建立用户 %s（%s）\n", u.username, role_zh(u.role));
		if (secret[0])
			print_totp(&u, secret);
	}
	store_close(store);
	return rc;
}

/* list and totp: their options (--db only) and operands operands, then the
** store opened (an exit status, messages printed). */
static int open_for(int argc, char **argv, int operands, tg_store **store)
{
	const char *db = cli_default_db();
	const cli_option opts[] = {OPT_STRING("db", &db), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (argc - rest != operands)
		return cli_usage(usage);
	return cli_open_store(db, true, store);
}

static int user_totp(int argc, char **argv)
{
	tg_store *store = NULL;
	tg_user u;
	tg_error err = {0};
	char secret[TOTP_SECRET_CHARS + 1];
	int rc = open_for(argc, argv, 1, &store);
	if (rc)
		return rc;
	if (store_user_get(store, argv[argc - 1], 0, &u, &err)) {
		cli_print_error(&err);
		rc = EXIT_BADINPUT;
	} else if (app_user_totp(store, &u, secret, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	} else {
		print_totp(&u, secret);
	}
	store_close(store);
	return rc;
}

static int user_list(int argc, char **argv)
{
	tg_store *store = NULL;
	tg_user *users = NULL;
	size_t n = 0;
	tg_error err = {0};
	int rc = open_for(argc, argv, 0, &store);
	if (rc)
		return rc;
	if (store_user_list(store, &users, &n, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		const tg_user *u = &users[i];
		const char *scope = u->unit[0] ? u->unit : u->association[0] ? u->association
									     : u->department;
		/* a county account's scope ends in @CODE (its jurisdiction) */
		char where[96];
		snprintf(where, sizeof where, "%s%s%s", scope, u->jurisdiction[0] ? "@" : "",
			 u->jurisdiction);
		printf("%s\t%s\t%s\t%s\t%s\n", u->username, u->role, where[0] ? where : "-",
		       u->display_name[0] ? u->display_name : "-", u->created_at);
	}
	free(users);
	store_close(store);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return user_add(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return user_list(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "totp"))
		return user_totp(argc - 1, argv + 1);
	return cli_usage(usage);
}
