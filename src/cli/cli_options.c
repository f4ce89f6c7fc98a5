/*
** cli_options.c: a command's options, read from a table (git's
** parse-options): each entry names a long option (and its short letter,
** if any), what it takes and where the value goes.  The parsing itself,
** getopt_long with its permutation (options and operands in any order,
** "--" ends the options, unambiguous prefixes accepted), is written once
** here; a command declares its table and reads its operands.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTIONS 24

int cli_options(int argc, char **argv, const cli_option *opts, const char *usage, int *operands)
{
	struct option longopts[MAX_OPTIONS + 1];
	char letters[2 * MAX_OPTIONS + 1];
	size_t n = 0, nl = 0;
	for (; opts[n].name; n++) {
		/* a command's table is code: too many entries is a bug */
		if (n == MAX_OPTIONS)
			abort();
		int takes = opts[n].kind == CLI_FLAG ? no_argument : required_argument;
		longopts[n] = (struct option){opts[n].name, takes, NULL, 256 + (int)n};
		if (opts[n].letter) {
			letters[nl++] = opts[n].letter;
			if (takes == required_argument)
				letters[nl++] = ':';
		}
	}
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	letters[nl] = '\0';

	int c;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, letters, longopts, NULL)) != -1) {
		size_t i = 0;
		if (c >= 256)
			i = (size_t)(c - 256);
		else
			while (i < n && opts[i].letter != c)
				i++;
		if (i == n)
			return cli_usage(usage);
		const cli_option *o = &opts[i];
		switch (o->kind) {
		case CLI_STRING: *(const char **)o->value = optarg; break;
		case CLI_FLAG: *(bool *)o->value = true; break;
		case CLI_LIST:
			if (*o->count == o->max) {
				fprintf(stderr, "tuogou: --%s 过多（最多 %zu 个）\n", o->name, o->max);
				return EXIT_BADINPUT;
			}
			((const char **)o->value)[(*o->count)++] = optarg;
			break;
		}
	}
	if (!operands) /* a command that takes none */
		return optind == argc ? EXIT_OK : cli_usage(usage);
	*operands = optind;
	return EXIT_OK;
}
