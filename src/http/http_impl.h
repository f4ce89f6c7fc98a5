/*
** http_impl.h: what the files of src/http share: the server, one request,
** the route table, roles and scope, the findings cache, responses.
**
** A request lives in one worker thread from its first byte to its
** response; it holds that thread's store connection (SQLite allows one
** connection per thread, so each worker opens its own on first use) and,
** once the session is checked, the user.  Handlers return 0 after setting
** a response, or a negative TG_E* with rq->err filled: the dispatcher then
** answers with the status that code means (400, 404, 409, 500).
*/
#ifndef TG_HTTP_IMPL_H
#define TG_HTTP_IMPL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http.h"
#include "plan.h"
#include "rules.h"
#include "store.h"

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
#define HTTP_THREADS 4
/* libmicrohttpd's per-IP connection limit counts TCP peers (it cannot see
** X-Forwarded-For): behind nginx every connection comes from 127.0.0.1, so
** it is the proxy's limit, and 256 concurrent clients (bench/load) must fit
** in it.  Three addresses at the limit still leave room in the total for
** others (/healthz) (issue 14).  The total is shared out among the
** HTTP_THREADS workers. */
#define HTTP_CONNECTIONS 1024
#define HTTP_PER_IP_CONNECTIONS 300
#define HTTP_TIMEOUT_SECONDS 30
/* A request must finish its headers within this many seconds of its
** connection opening (or of the previous answer on a kept-alive one),
** however slowly it trickles: libmicrohttpd's timeout counts idle time. */
#define HTTP_HEADER_SECONDS 10
/* libmicrohttpd's pool per connection: the request's headers and the
** response's.  It zeroes the whole pool for every request on a kept-alive
** connection (MHD_pool_reset), so a bigger pool is paid on every GET: at
** 128 KiB that memset was 15% of the server's CPU under wrk.  32 KiB
** (libmicrohttpd's default) still takes any header a browser sends;
** bigger ones are refused with 431. */
#define HTTP_CONNECTION_MEMORY (32u * 1024)
#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCK_SECONDS (15 * 60)
#define REQUEST_TTL_SECONDS (72 * 3600) /* a request for approval expires */
#define LOGIN_ADMIN_DELAY_MAX 60 /* seconds: an administrator is delayed, never locked */
#define LOGIN_IP_MAX_FAILURES 20
#define LOGIN_IP_WINDOW_SECONDS (10 * 60)
#define CACHE_MAX_DATES 8

/* ---- roles: one bit each ---- */
enum {
	R_OFFICE = 1u << 0,
	R_CIVIL_AFFAIRS = 1u << 1,
	R_UNIT = 1u << 2,
	R_DEPARTMENT = 1u << 3,
	R_ASSOCIATION = 1u << 4,
	R_SYSADMIN = 1u << 5,
	R_SECADMIN = 1u << 6,
	R_AUDITOR = 1u << 7,
	R_PUBLIC = 1u << 8 /* no session needed */
};
#define R_BUSINESS (R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT | R_ASSOCIATION)
#define R_ADMINS (R_SYSADMIN | R_SECADMIN | R_AUDITOR)
#define R_USERS (R_BUSINESS | R_ADMINS)

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

typedef struct tg_route {
	const char *method;
	const char *pattern;  /* "/api/v1/posts/{id}" */
	route_fn fn;
	unsigned roles;       /* R_* bits allowed */
	enum scope_kind scope;
	int array;            /* record routes: enum tg_array, else -1 */
	size_t body_cap;      /* 0: HTTP_JSON_CAP */
} tg_route;

extern const tg_route tg_routes[];
extern const size_t tg_routes_count;

#define ROUTE_MAX_PARAMS 4
typedef struct route_params {
	char *value[ROUTE_MAX_PARAMS];
	int n;
} route_params;

/* Match method and path.  Returns the route, or NULL with *path_known set
** when another method would match (405). */
const tg_route *route_match(const char *method, const char *path, route_params *params,
			    bool *path_known);
void route_params_free(route_params *p);
/* The body cap of whatever route a path would reach (before the method
** is known to be allowed). */
size_t route_body_cap(const char *method, const char *path);
const char *role_name_of_bit(unsigned bit);
unsigned role_bit(const char *role);

/* ---- the findings cache ---- */

/* A register and the findings of one as-of date, shared read-only by the
** requests holding it; computed once per (generation, date). */
typedef struct cache_view {
	const tg_register *reg;
	const tg_findings *fs;
	int64_t generation;
	void *entry;
	tg_findings *own; /* cache_get_viewer: fs when it is the viewer's own */
} cache_view;

typedef struct findings_cache findings_cache;
findings_cache *cache_new(void);
void cache_free(findings_cache *c);
int cache_get(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
	      cache_view *out, tg_error *err);
void cache_put(findings_cache *c, cache_view *v);
/* cache_get for the request's user: the findings whose timing derives from
** a birth date are given by the year (rules_evaluate_with_years) where the
** user may not see that person's full ID number (policy_may_reveal), so
** that no answer, download or report rebuilds the number (issue 14).  Every
** handler that shows findings to a user reads them through this. */
int cache_get_viewer(http_request *rq, tg_date as_of, cache_view *out);

/* ---- the public page's list (api_public.c) ---- */

/* The rendered list of GET /api/v1/public/associations, per (generation,
** day); created with the server. */
typedef struct public_cache public_cache;
public_cache *public_cache_new(void);
void public_cache_free(public_cache *c);

/* ---- the server ---- */

struct tg_http_server {
	struct MHD_Daemon *daemon;
	char *db;
	char *web_root;     /* realpath of the UI folder, or NULL */
	char *evidence_dir; /* absolute, created 0700 */
	bool log;
	tg_plan *plan;
	const char **plan_batches;
	findings_cache *cache;
	public_cache *public_cache;

	pthread_mutex_t lock; /* the stores list */
	tg_store **stores;
	size_t n_stores, alloc_stores;

	/* bodies in flight (server.c) */
	char *body_dir;              /* private temporary folder (0700), or NULL */
	_Atomic size_t body_bytes;   /* reserved of HTTP_BODY_BUDGET */
	/* the header deadline: open connections, swept every second */
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;
	struct conn_watch *watched;
	pthread_t sweeper;
	bool sweeping, stopping;
};

#define RESPONSE_MAX_HEADERS 6
struct http_request {
	tg_http_server *srv;
	struct MHD_Connection *conn;
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
	route_params params;

	/* session */
	bool logged_in;
	tg_user user;
	tg_session session;
	char token_hash[65];

	tg_store *store; /* this thread's connection */
	const struct http_synthetic *synth; /* conn NULL: an in-process request (dispatch.c) */
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

/* Responses (respond.c). */
int reply(http_request *rq, unsigned status, const char *content_type);
int reply_json(http_request *rq, unsigned status); /* rq->out holds the JSON */
int reply_error(http_request *rq, unsigned status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The response for a handler's failure code (rq->err, rq->errs). */
int reply_failure(http_request *rq, int rc);
void reply_header(http_request *rq, const char *name, const char *value);
unsigned status_of(int rc);
/* Security headers and the cache policy, on every response. */
void add_common_headers(struct MHD_Response *r, const char *path);
void json_add_error(strbuf *out, const char *code, const char *message, const char *field);

/* In-process requests (dispatch.c): headers, query and cookies of a
** request that has no connection. */
struct http_synthetic;
const char *synth_lookup(const struct http_synthetic *s, enum MHD_ValueKind kind,
			 const char *name);
/* server.c: route a request whose body is read (sets the response), and
** release it: what a connection's request goes through. */
void http_dispatch(http_request *rq);
void http_request_free(http_request *rq);

/* Request helpers (server.c). */
const char *rq_header(http_request *rq, const char *name);
const char *rq_query(http_request *rq, const char *name);
const char *rq_cookie(http_request *rq, const char *name);
tg_store *rq_store(http_request *rq); /* this thread's store, opened on first use */
/* The as-of date of ?as_of= (default today); 400 on a bad date. */
int rq_as_of(http_request *rq, tg_date *out);
/* ?page & ?per_page (1..500, default 50). */
int rq_paging(http_request *rq, size_t *page, size_t *per_page);
/* Parse the body as a JSON object (415 unless application/json). */
int rq_json_body(http_request *rq, json_t **out);
/* The record key of the route's parameters ("uscc/year" for two). */
void rq_key(http_request *rq, char *out, size_t size);

/* Static files (static.c). */
int static_serve(http_request *rq);

/* Sessions, passwords, CSRF (auth.c). */
int auth_session(http_request *rq);   /* sets rq->logged_in when the cookie is good */
int auth_check_csrf(http_request *rq);
int auth_check_origin(http_request *rq);
/* Audit a refused request ("access_denied", outcome "denied"). */
void auth_audit_denied(http_request *rq, const char *why);
/* The logged-in user's password again (Argon2id; the reveal): TG_OK when
** right (nothing is reset).  Otherwise TG_EINVAL with the response set as a
** login would answer: 400 required, 429 too_many_failures, 423
** account_locked, 403 bad_password (counted as a failed login for the
** account and the address), 503 login_limit_unavailable. */
int auth_password_again(http_request *rq, const char *password);

/* Roles, rights and scope (policy.c). */
tg_record_filter policy_scope(const tg_user *u);
/* The unit whose findings a unit user sees, else NULL. */
bool policy_sees_all(const tg_user *u);
/* May u create records of array a / change field key of a? */
bool policy_can_create(const tg_user *u, int a);
bool policy_can_write_field(const tg_user *u, int a, const char *key);
/* Compare two rows of a; the first field that differs and u may not write,
** or NULL. */
const char *policy_forbidden_change(const tg_user *u, int a, const void *before, const void *after);
/* The first field of a new record u may not set (NULL: none). */
const char *policy_forbidden_create(const tg_user *u, int a, const void *row);
/* Every reference of row (one changed from before, when not NULL) lies in
** the user's scope; else *field names the first that does not. */
int policy_refs_in_scope(http_request *rq, int a, const void *row, const void *before,
			 const char **field);
/* May u see p's full ID number: the office, or a unit for its own staff
** (persons.unit, which no unit writes). */
bool policy_may_reveal(const tg_user *u, const tg_person *p);
/* Whether a record (about to be written) lies in u's scope. */
int policy_row_in_scope(http_request *rq, int a, const void *row, bool *in);
/* The scope check of a route's object. */
int policy_check_scope(http_request *rq, bool *in);

/* Multipart bodies (multipart.c). */
typedef struct mp_part {
	const char *name, *filename, *content_type; /* NUL-terminated copies, or NULL */
	const char *data;
	size_t len;
} mp_part;
#define MP_MAX_PARTS 16
typedef struct mp_form {
	mp_part parts[MP_MAX_PARTS];
	size_t n;
	char *strings; /* storage of the copies */
} mp_form;
/* The boundary of a multipart/form-data Content-Type (1-70 characters). */
int multipart_boundary(const char *content_type, char *out, size_t size);
int multipart_parse(const char *body, size_t len, const char *boundary, mp_form *form);
void multipart_free(mp_form *form);
const mp_part *multipart_get(const mp_form *form, const char *name);
/* What a file is, by its first bytes: "application/pdf", ... or NULL. */
const char *sniff_content_type(const char *data, size_t len);

/* Record JSON with the version; person ID numbers masked. */
void api_write_record(const tg_register *r, int a, const void *row, int64_t version, strbuf *out);
/* Mask the id_number of a JSON object (history rows). */
void api_mask_json(json_t *obj);

/* Handlers. */
int api_session_create(http_request *rq);
int api_session_get(http_request *rq);
int api_session_delete(http_request *rq);
int api_record_list(http_request *rq);
int api_record_get(http_request *rq);
int api_record_create(http_request *rq);
int api_record_update(http_request *rq);
int api_findings(http_request *rq);
int api_association_findings(http_request *rq);
int api_checklist_get(http_request *rq);
int api_checklist_post(http_request *rq);
int api_dashboard(http_request *rq);
int api_plan(http_request *rq);
int api_evidence_upload(http_request *rq);
int api_evidence_get(http_request *rq);
int api_history(http_request *rq);
int api_import(http_request *rq);
int api_healthz(http_request *rq);
/* Security (api_security.c): reveal, audit log, users, settings. */
int api_person_reveal(http_request *rq);
int api_audit_list(http_request *rq);
int api_audit_export(http_request *rq);
int api_audit_verify(http_request *rq);
int api_users_list(http_request *rq);
int api_user_create(http_request *rq);
int api_user_update(http_request *rq);
int api_user_password(http_request *rq);
int api_user_totp(http_request *rq);
int api_requests_list(http_request *rq);
int api_request_approve(http_request *rq);
int api_request_reject(http_request *rq);
int api_settings_get(http_request *rq);
int api_settings_put(http_request *rq);
/* The public page, downloads, reports and reminders (api_public.c,
** api_export.c, api_import_sheets.c, api_reports.c, api_reminders.c). */
int api_public_associations(http_request *rq);
int api_export_xlsx(http_request *rq);
int api_import_sheets(http_request *rq);
int api_report_progress(http_request *rq);
int api_report_summary(http_request *rq);
int api_reminders(http_request *rq);
int api_calendar_workdays(http_request *rq);
/* Send the file at path (a download the handler wrote) as the body with
** Content-Disposition: attachment; filename (UTF-8); the file is removed. */
int reply_download(http_request *rq, const char *path, const char *content_type,
		   const char *filename);
/* A private temporary file for a download (malloc'd path, created 0600). */
char *download_tmp_path(const char *suffix, tg_error *err);
/* The filters of a record list (?unit, ?association, ?q, ?batch, ?state,
** ?sort) and the user's scope, as api_record_list applies them
** (api_records.c); *stage_json is the caller's to free. */
int api_list_query(http_request *rq, int a, tg_list_query *q, char **stage_json);

#endif
