/*
** cmd_routes.c: tuogou routes
**
** Prints the server's route table (src/http/routes.c) as JSON: every
** method and path, the roles allowed, whether a session is needed and the
** scope of its object.  The security tests are generated from this.
*/
#include <stdio.h>

#include "cli.h"
#include "http.h"

int cmd_routes(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage("tuogou routes");
	strbuf sb;
	sb_init_sink(&sb, stdout);
	http_routes_json(&sb);
	int rc = sb_flush(&sb) || fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
	sb_release(&sb);
	return rc;
}
