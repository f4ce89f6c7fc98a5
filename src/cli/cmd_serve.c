/*
** cmd_serve.c: tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR]
**              [--evidence DIR] [--trusted-proxy ADDR[,ADDR...]] [--quiet]
**
** Runs the web server (src/http) until SIGINT or SIGTERM, then stops it
** cleanly: connections finish, worker threads end, stores close.  The
** signals are blocked before the server's threads start, so that only this
** thread receives them (sigwait).  One line per request goes to stderr
** (without cookies, query strings or ID numbers) unless --quiet.
**
** --trusted-proxy names the proxies (nginx) whose X-Forwarded-For says who
** the client is (src/http/client_addr.h); it may be given more than once.
** Without it the client is the TCP peer and the header is ignored.
*/
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http.h"

static const char usage[] = "tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR] "
			    "[--evidence DIR] [--trusted-proxy ADDR[,ADDR...]] [--quiet]";

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					      {"listen", required_argument, NULL, 'l'},
					      {"web", required_argument, NULL, 'w'},
					      {"evidence", required_argument, NULL, 'e'},
					      {"trusted-proxy", required_argument, NULL, 't'},
					      {"quiet", no_argument, NULL, 'q'},
					      {NULL, 0, NULL, 0}};
	tg_http_config cfg = {cli_default_db(), "127.0.0.1:8080", "web", NULL, true, false, NULL};
	strbuf proxies; /* every --trusted-proxy, joined with ',' */
	bool any_proxy = false;
	int c;
	sb_init(&proxies);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'w': cfg.web = optarg; break;
		case 'e': cfg.evidence = optarg; break;
		case 'q': cfg.log = false; break;
		case 't':
			if (any_proxy)
				sb_addc(&proxies, ',');
			sb_adds(&proxies, optarg);
			any_proxy = true;
			break;
		default: sb_release(&proxies); return cli_usage(usage);
		}
	}
	char *trusted = sb_detach(&proxies, NULL);
	if (optind != argc) {
		free(trusted);
		return cli_usage(usage);
	}
	if (any_proxy && !trusted)
		return EXIT_INTERNAL;
	cfg.trusted_proxies = any_proxy ? trusted : NULL;

	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	tg_http_server *srv = NULL;
	tg_error err = {0};
	unsigned port = 0;
	int rc = http_start(&cfg, &srv, &port, &err);
	free(trusted);
	if (rc) {
		cli_print_error(&err);
		return !strcmp(err.code, "bad_listen") || !strcmp(err.code, "listen_failed") ||
				       !strcmp(err.code, "bad_trusted_proxy")
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
