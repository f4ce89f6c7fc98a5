/* cmd_check.c: placeholder until the command lands. */
#include "cli.h"
int cmd_check(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tuogou: 命令尚未实现\n");
	return EXIT_INTERNAL;
}
