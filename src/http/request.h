/*
** request.h: one HTTP request as the handlers see it, whatever brought it
** (a socket through libmicrohttpd, server.c; or an in-process caller, the
** fuzzer and tests, dispatch.c), the server state requests share, and the
** limits of both.
**
** A request lives in one worker thread from its first byte to its
** response; it holds that thread's store connection (SQLite allows one
** connection per thread, so each worker opens its own on first use) and,
** once the session is checked, the user.  Its headers, cookies and query
** arguments are read through one lookup hook that the front end sets
** (request_init): the handlers never know which front end it was.  Handlers
** return 0 after setting a response (respond.h: a status, a content type,
** a body in rq->out or a file in rq->fd, extra headers), or a negative TG_E*
** with rq->err filled: the dispatcher then answers with the status that
** code means (400, 404, 409, 500).
**
** Owns: the request's memory (request_free), its thread's store (rq_store).
*/
#ifndef TG_HTTP_REQUEST_H
#define TG_HTTP_REQUEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "plan.h"
#include "store.h"
#include "strbuf.h"

/* ---- limits ---- */
#define HTTP_JSON_CAP (1u << 20)            /* request bodies of JSON routes */
#define HTTP_UPLOAD_CAP (12u << 20)         /* multipart evidence uploads */
#define HTTP_IMPORT_CAP (64u << 20)         /* POST /api/v1/import */
#define HTTP_EVIDENCE_MAX (10u << 20)       /* one evidence file */
/* Bodies in flight (issue 14): a body above HTTP_BODY_MEMORY is spooled
** to a private temporary file instead of memory, and all bodies being
** received, in memory or spooled, share HTTP_BODY_BUDGET (over it: 503
** server_busy with Retry-After). */
#define HTTP_BODY_MEMORY (64u << 10)
#define HTTP_BODY_BUDGET (256u << 20)
#define HTTP_BUSY_RETRY_SECONDS 5

/* What the object of a route is, for the scope check done before the
** handler runs (an object outside the user's scope answers 404). */
enum scope_kind {
	SCOPE_NONE,        /* no object, or the handler filters (findings, dashboard) */
	SCOPE_LIST,        /* a list: filtered to the user's scope */
	SCOPE_RECORD,      /* {key} of the route's array */
	SCOPE_ASSOCIATION, /* {uscc} */
	SCOPE_EVIDENCE,    /* {id} of an evidence file: its association */
	SCOPE_BODY         /* a new record: checked on the body by the handler */
};

typedef struct http_request http_request;
typedef int (*route_fn)(http_request *rq);

/* One route of the table (routes.h). */
typedef struct tg_route {
	const char *method;
	const char *pattern;  /* "/api/v1/posts/{id}" */
	route_fn fn;
	unsigned roles;       /* R_* bits allowed (roles.h) */
	enum scope_kind scope;
	int array;            /* record routes: enum tg_array, else -1 */
	size_t body_cap;      /* 0: HTTP_JSON_CAP */
} tg_route;

#define ROUTE_MAX_PARAMS 4
typedef struct route_params {
	char *value[ROUTE_MAX_PARAMS];
	int n;
} route_params;
void route_params_free(route_params *p);

/* ---- the server's state that requests share ---- */

typedef struct findings_cache findings_cache; /* cache.h */
typedef struct public_cache public_cache;     /* api_public.c */
struct front_end;                             /* the socket front end's own (server.c) */

typedef struct tg_http_server tg_http_server;
#define HTTP_PLANS_DIGEST 32
struct tg_http_server {
	struct front_end *front; /* the socket front end's state (server.c) */
	char *db;
	char *web_root;     /* realpath of the UI folder, or NULL */
	char *evidence_dir; /* absolute, created 0700 */
	char *mail_config;  /* the mail settings a 催办 is mailed by, or NULL */
	bool mail_config_given;
	bool log;
	/* The plans (plans.c): swapped whole when a stored plan changes; one
	** swapped out is kept in retired until the server stops. */
	char *plan_file; /* serve --plan: the register's plan for this run */
	tg_plan *_Atomic plan;
	const char **_Atomic plan_batches;
	_Atomic int64_t plans_generation; /* the store's, when they were read */
	unsigned char plans_digest[HTTP_PLANS_DIGEST];
	pthread_mutex_t plans_lock;
	bool plans_lock_made;
	struct http_retired {
		tg_plan *plan;
		const char **batches;
		struct http_retired *next;
	} *retired;
	findings_cache *cache;
	public_cache *public_cache;

	pthread_mutex_t lock; /* the stores list */
	tg_store **stores;
	size_t n_stores, alloc_stores;

	/* bodies in flight (server.c) */
	char *body_dir;              /* private temporary folder (0700), or NULL */
	_Atomic size_t body_bytes;   /* reserved of HTTP_BODY_BUDGET */
};

/* ---- the lookup hook ---- */

enum rq_kind { RQ_HEADER, RQ_COOKIE, RQ_QUERY };
/* The values called name of that kind the request carries, in order: up to
** max of them in out (a value may be NULL: a query argument without '=');
** returns how many there are.  Header names match case-insensitively. */
typedef size_t (*rq_lookup_fn)(void *source, enum rq_kind kind, const char *name,
			       const char **out, size_t max);

/* ---- the request ---- */

#define RESPONSE_MAX_HEADERS 6
struct http_request {
	tg_http_server *srv;
	rq_lookup_fn lookup; /* set by the front end */
	void *source;        /* the front end's: its connection, or the in-process request */
	const char *method;
	char *path;           /* decoded path, no query */
	char ip[64];
	bool loopback;
	struct timespec started;

	/* body, capped; above HTTP_BODY_MEMORY spooled to body_fd and mapped
	** when complete (body_mapped) */
	char *body;
	size_t body_len, body_alloc, body_cap;
	bool body_too_big;
	bool admitted;     /* the route's checks passed (from the headers alone) */
	bool body_busy;    /* over HTTP_BODY_BUDGET: answered 503 */
	bool body_failed;  /* the spool could not be written */
	bool body_mapped;
	int body_fd;       /* the spool, or -1 */
	size_t body_held;  /* bytes reserved of the server's budget */

	const tg_route *route;
	/* the table route was matched in (router_admit), for a handler that
	** answers from it (api_rights.c) without including routes.h */
	const tg_route *routes;
	size_t n_routes;
	route_params params;

	/* session */
	bool logged_in;
	tg_user user;
	tg_session session;
	char token_hash[65];

	tg_store *store; /* this thread's connection */
	tg_error err;    /* the error a handler returns */
	tg_errors *errs; /* validation errors, when a handler collected several */
	char *extra_json; /* raw JSON added to an error body ("current": ...) */

	/* response */
	unsigned status;
	strbuf out;
	const char *content_type;
	int fd;          /* >= 0: send this file */
	uint64_t fd_size;
	char *headers[RESPONSE_MAX_HEADERS][2];
	int n_headers;
	bool responded;
};

/* A new request of srv for method and path (taken: freed with the
** request), read through lookup on source; ip is the peer as text and
** loopback whether it is on loopback.  NULL when memory runs out (path is
** freed then).  The front end then sets body_cap and the client address
** (client_addr.h). */
http_request *request_new(tg_http_server *srv, const char *method, char *path,
			  rq_lookup_fn lookup, void *source, const char *ip, bool loopback);
void request_free(http_request *rq);
/* Drop what is held of the body (memory, spool, mapping), and give back
** what it reserved of the server's budget. */
void request_body_drop(http_request *rq);
void request_budget_release(http_request *rq);

/* The first value, or NULL. */
const char *rq_header(http_request *rq, const char *name);
const char *rq_query(http_request *rq, const char *name); /* NULL when empty */
const char *rq_cookie(http_request *rq, const char *name);
/* Every header called name: up to max in out; returns how many there are. */
size_t rq_header_all(http_request *rq, const char *name, const char **out, size_t max);
tg_store *rq_store(http_request *rq); /* this thread's store, opened on first use */
/* The record key of the route's parameters ("uscc/year" for two). */
void rq_key(http_request *rq, char *out, size_t size);

#endif
