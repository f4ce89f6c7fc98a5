/* cmd_import.c: placeholder until the command lands. */
#include "cli.h"
int cmd_import(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tuogou: 命令尚未实现\n");
	return EXIT_INTERNAL;
}
