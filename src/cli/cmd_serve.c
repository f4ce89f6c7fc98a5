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
	tg_http_config cfg = {cli_default_db(), "127.0.0.1:8080", "web", NULL, true, false, NULL};
	const char *proxy[32]; /* every --trusted-proxy */
	size_t n_proxies = 0;
	bool quiet = false;
	const cli_option opts[] = {OPT_STRING("db", &cfg.db), OPT_STRING("listen", &cfg.listen),
				   OPT_STRING("web", &cfg.web), OPT_STRING("evidence", &cfg.evidence),
				   OPT_LIST("trusted-proxy", proxy, &n_proxies),
				   OPT_FLAG("quiet", &quiet), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest != argc)
		return cli_usage(usage);
	cfg.log = !quiet;
	strbuf proxies; /* joined with ',' */
	sb_init(&proxies);
	for (size_t i = 0; i < n_proxies; i++) {
		if (i)
			sb_addc(&proxies, ',');
		sb_adds(&proxies, proxy[i]);
	}
	char *trusted = sb_detach(&proxies, NULL);
	bool any_proxy = n_proxies > 0;
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
