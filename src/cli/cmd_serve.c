/*
** cmd_serve.c: tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR]
**              [--evidence DIR] [--trusted-proxy ADDR[,ADDR...]] [--plan FILE]
**              [--mail-config FILE] [--quiet]
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
**
** --plan FILE runs this server under FILE instead of the register's plan
** (the jurisdictions' plans still hold), refused before it starts when the
** register's steps do not fit it (cli_steps_fit), as check and export
** refuse it.  Without it the server follows `plan use` as it happens.
**
** --mail-config FILE: the mail settings a 催办 sent from the web is mailed
** by (docs/mail.md), read at each 催办; without it those of `tuogou remind
** --mail` ($TUOGOU_MAIL_CONFIG, else mail.conf beside the database).
*/
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http.h"

static const char usage[] = "tuogou serve [--db PATH] [--listen 127.0.0.1:8080] [--web DIR] "
			    "[--evidence DIR] [--trusted-proxy ADDR[,ADDR...]] [--plan FILE] "
			    "[--mail-config FILE] [--quiet]";

/* --plan FILE loads (with the jurisdictions' plans) and fits the stored
** register, or the server does not start. */
static int plan_fits(const char *db, const char *plan_file)
{
	if (!plan_file)
		return EXIT_OK;
	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	/* a register not made yet has no steps: the plan need only load */
	int rc = cli_db_exists(db) ? cli_open_run(db, plan_file, &store, &plan, &r)
				   : cli_load_plan(plan_file, NULL, &plan);
	if (rc == EXIT_OK)
		rc = cli_steps_fit(&r, plan, "未启动服务");
	register_release(&r);
	plan_free(plan);
	store_close(store);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	tg_http_config cfg = {.db = cli_default_db(), .listen = "127.0.0.1:8080", .web = "web", .log = true};
	const char *proxy[32]; /* every --trusted-proxy */
	size_t n_proxies = 0;
	bool quiet = false;
	const char *mail_config = NULL;
	const cli_option opts[] = {OPT_STRING("db", &cfg.db), OPT_STRING("listen", &cfg.listen),
				   OPT_STRING("web", &cfg.web), OPT_STRING("evidence", &cfg.evidence),
				   OPT_LIST("trusted-proxy", proxy, &n_proxies),
				   OPT_STRING("plan", &cfg.plan_file), OPT_FLAG("quiet", &quiet),
				   OPT_STRING("mail-config", &mail_config), CLI_OPTIONS_END};
	if (cli_options(argc, argv, opts, usage, NULL))
		return EXIT_BADINPUT;
	cfg.log = !quiet;
	int fit = plan_fits(cfg.db, cfg.plan_file);
	if (fit)
		return fit;
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
	/* a 催办 is mailed by the settings of `tuogou remind --mail` */
	char *mail_path = cli_mail_config_path(mail_config, cfg.db);
	cfg.mail_config = mail_path;
	cfg.mail_config_given = mail_config != NULL;
	int rc = http_start(&cfg, &srv, &port, &err);
	free(trusted);
	free(mail_path);
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
