/*
** cmd_serve.c: tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR]
**              [--evidence DIR] [--quiet]
**
** Runs the web server (src/http) until SIGINT or SIGTERM, then stops it
** cleanly: connections finish, worker threads end, stores close.  The
** signals are blocked before the server's threads start, so that only this
** thread receives them (sigwait).  One line per request goes to stderr
** (without cookies, query strings or ID numbers) unless --quiet.
*/
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

static const char usage[] =
	"tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR] [--evidence DIR] [--quiet]";

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {"listen", required_argument, NULL, 'l'},
					      {"web", required_argument, NULL, 'w'},
					      {"evidence", required_argument, NULL, 'e'},
					      {"quiet", no_argument, NULL, 'q'},
					      {NULL, 0, NULL, 0}};
	tg_http_config cfg = {cli_default_db(), "127.0.0.1:8080", "web", NULL, true, false};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'w': cfg.web = optarg; break;
		case 'e': cfg.evidence = optarg; break;
		case 'q': cfg.log = false; break;
		default: return cli_usage(usage);
		}
	}
	if (optind != argc)
		return cli_usage(usage);

	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	tg_http_server *srv = NULL;
	tg_error err = {0};
	unsigned port = 0;
	if (http_start(&cfg, &srv, &port, &err)) {
		cli_print_error(&err);
		return !strcmp(err.code, "bad_listen") || !strcmp(err.code, "listen_failed")
			       ? EXIT_BADINPUT
			       : EXIT_INTERNAL;
	}
	char host[128];
	snprintf(host, sizeof host, "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	fprintf(stderr, "tuogou: 正在服务 http://%s:%u/（数据库 %s；按 Ctrl-C 停止）\n", host, port,
		cfg.db);
	fflush(stderr);
	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "tuogou: 收到停止信号，正在关闭服务\n");
	http_stop(srv);
	return EXIT_OK;
}
