/*
** cli.h: what every subcommand of the tuogou command line shares.
**
** One file per subcommand (cmd_<name>.c), each exporting one cmd_<name>
** function listed in the command table of main.c.  A command receives its
** own argv (argv[0] is the command's name) and returns the process exit
** status:
**   0  it ran (for validate: the identifier is valid)
**   1  validate: the identifier is invalid; audit verify: the log is broken
**   2  bad input or usage, with a message on stderr naming the problem
**   3  an internal or I/O failure (database, disk)
*/
#ifndef TG_CLI_H
#define TG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "plan.h"
#include "register.h"
#include "store.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_BADINPUT = 2, EXIT_INTERNAL = 3 };

typedef int (*cli_cmd_fn)(int argc, char **argv);

int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_validate(int argc, char **argv);

/* Print "tuogou: <message>" to stderr, with the path and code when set. */
void cli_print_error(const tg_error *err);
/* Print a usage line for the command and return EXIT_BADINPUT. */
int cli_usage(const char *usage);

/* A command's options as a table (cli_options.c): --NAME VALUE into a
** const char *, --NAME into a bool, or --NAME VALUE repeated into a list of
** at most max values (*count of them given).  letter: the short form (-o),
** or 0.  The table ends with CLI_OPTIONS_END. */
typedef struct cli_option {
	const char *name;
	char letter;
	enum { CLI_STRING, CLI_FLAG, CLI_LIST } kind;
	void *value;
	size_t max, *count;
} cli_option;
#define OPT_STRING(name, ptr) {(name), 0, CLI_STRING, (ptr), 0, NULL}
#define OPT_FLAG(name, ptr) {(name), 0, CLI_FLAG, (ptr), 0, NULL}
#define OPT_OUTPUT(ptr) {"output", 'o', CLI_STRING, (ptr), 0, NULL}
#define OPT_LIST(name, array, count) \
	{(name), 0, CLI_LIST, (array), sizeof(array) / sizeof *(array), (count)}
#define CLI_OPTIONS_END {NULL, 0, CLI_STRING, NULL, 0, NULL}
/* Parse argv's options by the table (argv is permuted: the operands come
** last); *operands: the index of the first operand, or operands NULL for a
** command that takes none (one given is a usage error).  Returns 0, or
** prints the usage line or what is wrong and returns EXIT_BADINPUT. */
int cli_options(int argc, char **argv, const cli_option *opts, const char *usage, int *operands);

/* Open the store; with must_exist a missing SQLite file is an error (a
** read-only command must not create an empty register).  Returns an exit
** status, messages printed. */
int cli_open_store(const char *db, bool must_exist, tg_store **out);
/* Whether there is a register at db: a SQLite file that exists, or any
** PostgreSQL database (whose existence only opening it tells). */
bool cli_db_exists(const char *db);
/* The plan of a run: --plan FILE, else the one stored with the register,
** else the built-in Luoyang plan.  Validated, rules checked. */
int cli_load_plan(const char *plan_file, tg_store *store, tg_plan **out);
/* Read, validate and resolve a bundle file; every error printed with the
** file name and JSON path.  fallback: the register it will merge into. */
int cli_read_bundle(const char *path, const tg_plan *plan, const tg_register *fallback,
		    tg_register *r);
void cli_print_errors(const tg_errors *errs, const char *file);
/* Open the register at db (it must exist), load its plan (or plan_file's,
** cli_load_plan) and its records into r (initialised by the caller).
** Returns an exit status, messages printed; the caller releases what was
** opened (store_close, plan_free, register_release) in any case. */
int cli_open_run(const char *db, const char *plan_file, tg_store **store, tg_plan **plan,
		 tg_register *r);
/* Whether the register's stored steps fit plan (obligation_check_steps,
** each record under its jurisdiction's plan): a --plan that does not fit
** is refused the same way by every command with --db, saying what was not
** done ("未检查", "未导出", "未启动服务").  Returns an exit status. */
int cli_steps_fit(const tg_register *r, const tg_plan *plan, const char *not_done);
int cli_parse_date(const char *s, const char *what, tg_date *out);

/* The database a command works on: --db PATH, else $TUOGOU_DB, else
** var/tuogou.db. */
const char *cli_default_db(void);
/* The mail settings file (docs/mail.md): given (--mail-config), else
** $TUOGOU_MAIL_CONFIG, else mail.conf beside a SQLite database file; NULL
** for a PostgreSQL one.  malloc'd. */
char *cli_mail_config_path(const char *given, const char *db);

#endif
