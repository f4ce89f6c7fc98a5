/*
** cmd_validate.c: `tuogou validate`, one identifier checked by hand.
**
**   tuogou validate uscc CODE    统一社会信用代码
**   tuogou validate id NUMBER    公民身份号码
**
** The verdict goes to stdout, "valid" (exit 0) or "invalid: <原因>" (exit 1),
** with the same Chinese reason the import and the web forms give, since all
** of them call ident.c.  Only a malformed command line goes to stderr (exit 2).
*/
#include <string.h>

#include "cli.h"
#include "ident.h"

#define USAGE "tuogou validate uscc CODE | tuogou validate id NUMBER"

int cmd_validate(int argc, char **argv)
{
	tg_error err;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("用法: %s\n", USAGE);
		return EXIT_OK;
	}
	if (argc != 3)
		return cli_usage(USAGE);
	if (!strcmp(argv[1], "uscc")) {
		rc = ident_uscc_check(argv[2], NULL, &err);
	} else if (!strcmp(argv[1], "id")) {
		rc = ident_id_check(argv[2], NULL, NULL, &err);
	} else {
		fprintf(stderr, "tuogou: 未知的校验类型 \"%s\"（应为 uscc 或 id）\n", argv[1]);
		return cli_usage(USAGE);
	}
	if (rc == TG_OK) {
		printf("valid\n");
		return EXIT_OK;
	}
	printf("invalid: %s\n", err.message);
	return EXIT_INVALID;
}
