/*
** http.h: the web server of tuogou (`tuogou serve`) as seen from outside.
**
** The server is libmicrohttpd used directly, with the JSON API of
** docs/api.md and the static files of the web UI.  This header is what the
** command line needs: start and stop a server, print the route table
** (`tuogou routes`), and the password rules and hashing that `tuogou user
** add` shares with the login (password.h).  Inside, request.h is the
** request, respond.h the answer, router.h the dispatch, api.h the handlers.
*/
#ifndef TG_HTTP_H
#define TG_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "password.h"
#include "strbuf.h"

typedef struct tg_http_config {
	const char *db;         /* store URL, as for --db */
	const char *listen;     /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	const char *web;        /* UI folder: DIR/dist when it exists, else DIR */
	const char *evidence;   /* evidence folder; NULL: "evidence" beside the database */
	bool log;               /* one line per request on stderr */
	bool in_process;        /* no socket: requests come through http_handle */
	const char *trusted_proxies; /* --trusted-proxy "ADDR[,ADDR...]" or NULL (client_addr.h) */
	const char *plan_file;  /* --plan FILE: the register's plan for this run, or NULL */
	const char *mail_config; /* the mail settings file a 催办 is mailed by (docs/mail.md), or NULL */
	bool mail_config_given;  /* --mail-config: it must exist */
} tg_http_config;

typedef struct tg_http_server tg_http_server;

/* Open the store (migrating it), load the plan, bind and start serving on
** the internal threads.  *port gets the port actually bound. */
int http_start(const tg_http_config *cfg, tg_http_server **out, unsigned *port, tg_error *err);
/* Stop accepting, finish the threads, release everything. */
void http_stop(tg_http_server *srv);

/* One request handled in-process, without sockets (dispatch.c): for fuzzing
** and tests, on a server started with in_process.  url is the request
** target as sent (path and query, percent-encoded); headers are name/value
** pairs.  The answer is malloc'd in *out (http_answer_free). */
typedef struct tg_http_header {
	const char *name, *value;
} tg_http_header;
typedef struct tg_http_answer {
	unsigned status;
	char *content_type;        /* or NULL */
	char *body;                /* NUL-terminated */
	size_t body_len;
	tg_http_header headers[8]; /* the handler's extra headers (Set-Cookie, Allow...) */
	int n_headers;
} tg_http_answer;
void http_handle(tg_http_server *srv, const char *method, const char *url,
		 const tg_http_header *headers, size_t n_headers, const char *body, size_t body_len,
		 tg_http_answer *out);
void http_answer_free(tg_http_answer *a);

/* The route table as JSON: [{"method","pattern","roles":[...],"scope","array"}]. */
void http_routes_json(strbuf *out);

#endif
