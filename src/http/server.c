/*
** server.c: the libmicrohttpd daemon of `tuogou serve`, the life of one
** request, and the dispatch through the route table.
**
** Threading: MHD_USE_INTERNAL_POLLING_THREAD with a pool of HTTP_THREADS
** workers (MHD_OPTION_THREAD_POOL_SIZE).  A connection stays on one worker
** for its whole life, so a request never changes thread; each worker opens
** its own store connection on first use (thread-local: SQLite's rule of one
** connection per thread), and the server closes them all after the pool has
** stopped.  The limits are set explicitly: connections, per-IP connections,
** idle timeout, per-connection memory.
**
** A request body is copied into the request's own buffer, capped by route
** (JSON 1 MiB, evidence 12 MiB, import 64 MiB): a Content-Length above the
** cap is refused before reading (413), a chunked body is read and dropped
** past the cap and then refused.
**
** Nothing of a body is read before it is known to be wanted (issue 14): at
** libmicrohttpd's first call of a request, with its headers only, a
** state-changing API request goes through every check of its route (the
** route itself, the session cookie, the role, Origin and the CSRF token,
** the scope of its object: api_admit), and one for a static path (which
** takes no body) is answered 405; a refusal is answered there and then,
** and libmicrohttpd closes the connection without reading the body.
** An admitted body reserves its declared length (as it arrives, when
** chunked) of the server's budget for bodies in flight, HTTP_BODY_BUDGET;
** over it the answer is 503 server_busy with Retry-After.  Past
** HTTP_BODY_MEMORY a body goes to a file of the server's private
** temporary folder (0700; the file 0600 and unlinked at once, so it
** vanishes with its descriptor) and is mapped read-only when complete.
**
** Slow clients: a request must finish its headers within HTTP_HEADER_
** SECONDS of its connection opening (or of the previous answer on that
** connection), however slowly it trickles.  Each connection is watched
** from libmicrohttpd's connection notifications; every second a sweeper
** thread shuts down the socket of one past its deadline, and
** libmicrohttpd then closes it as a connection the client closed.  Only
** the client's slowness counts: a connection with bytes its worker has
** not read yet (the worker busy with another request) is spared, and one
** is shut down only when found past its deadline with nothing unread at
** two sweeps in a row (from reading its last bytes to calling on_request,
** a worker never waits).
**
** Owns: the daemon, the per-thread stores, the plan loaded once at start,
** the findings cache.  Never logs cookies, query strings or bodies.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client_addr.h"
#include "http_impl.h"

static _Thread_local tg_store *thread_store;
static _Thread_local tg_http_server *thread_store_owner;

/* ---- request helpers ---- */

/* A request without a connection is an in-process one (dispatch.c). */
static const char *lookup(http_request *rq, enum MHD_ValueKind kind, const char *name)
{
	if (!rq->conn)
		return synth_lookup(rq->synth, kind, name);
	return MHD_lookup_connection_value(rq->conn, kind, name);
}

const char *rq_header(http_request *rq, const char *name)
{
	return lookup(rq, MHD_HEADER_KIND, name);
}

const char *rq_query(http_request *rq, const char *name)
{
	const char *v = lookup(rq, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

const char *rq_cookie(http_request *rq, const char *name)
{
	return lookup(rq, MHD_COOKIE_KIND, name);
}

tg_store *rq_store(http_request *rq)
{
	if (rq->store)
		return rq->store;
	tg_http_server *srv = rq->srv;
	if (thread_store && thread_store_owner == srv)
		return rq->store = thread_store;
	tg_store *s = NULL;
	if (store_open(srv->db, &s, &rq->err))
		return NULL;
	pthread_mutex_lock(&srv->lock);
	if (srv->n_stores == srv->alloc_stores) {
		size_t n = srv->alloc_stores ? srv->alloc_stores * 2 : 8;
		tg_store **p = realloc(srv->stores, n * sizeof *p);
		if (!p) {
			pthread_mutex_unlock(&srv->lock);
			store_close(s);
			tg_error_set(&rq->err, TG_ENOMEM, "no_memory", "", "内存不足");
			return NULL;
		}
		srv->stores = p;
		srv->alloc_stores = n;
	}
	srv->stores[srv->n_stores++] = s;
	pthread_mutex_unlock(&srv->lock);
	thread_store = s;
	thread_store_owner = srv;
	return rq->store = s;
}

int rq_as_of(http_request *rq, tg_date *out)
{
	const char *v = rq_query(rq, "as_of");
	if (!v) {
		*out = date_today();
		return TG_OK;
	}
	if (date_parse(v, out))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_date", "as_of",
				    "截至日期“%.20s”无效（应为 YYYY-MM-DD）", v);
	return TG_OK;
}

static int parse_size(const char *v, size_t min, size_t max, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || end == v || v[0] == '-' || n < min || n > max)
		return TG_EINVAL;
	*out = (size_t)n;
	return TG_OK;
}

int rq_paging(http_request *rq, size_t *page, size_t *per_page)
{
	const char *p = rq_query(rq, "page"), *pp = rq_query(rq, "per_page");
	*page = 1;
	*per_page = 50;
	if (p && parse_size(p, 1, 10000000, page))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_page", "page", "页码应为正整数");
	if (pp && parse_size(pp, 1, 500, per_page))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_per_page", "per_page",
				    "每页条数应为 1 至 500 的整数");
	return TG_OK;
}

static bool content_type_is(http_request *rq, const char *want)
{
	const char *ct = rq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);
	return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int rq_json_body(http_request *rq, json_t **out)
{
	*out = NULL;
	if (!content_type_is(rq, "application/json")) {
		reply_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", NULL,
			    "请求体应为 JSON（Content-Type: application/json）");
		return TG_EINVAL;
	}
	json_error_t je;
	json_t *v = json_loadb(rq->body ? rq->body : "", rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		reply_error(rq, MHD_HTTP_BAD_REQUEST, "bad_json", NULL,
			    "JSON 格式错误（第%d行第%d列）：%s", je.line, je.column, je.text);
		return TG_EINVAL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		reply_error(rq, MHD_HTTP_BAD_REQUEST, "bad_json", NULL, "请求体应为 JSON 对象");
		return TG_EINVAL;
	}
	*out = v;
	return TG_OK;
}

void rq_key(http_request *rq, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < rq->params.n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "/" : "",
					 rq->params.value[i]);
}

int api_healthz(http_request *rq)
{
	sb_adds(&rq->out, "ok");
	return reply(rq, MHD_HTTP_OK, "text/plain; charset=utf-8");
}

/* ---- dispatch ---- */

static bool is_api(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strcmp(path, "/healthz");
}

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

static void allow_header(http_request *rq)
{
	char allow[64] = "";
	size_t used = 0;
	for (size_t i = 0; i < tg_routes_count; i++) {
		const tg_route *r = &tg_routes[i];
		route_params p = {{0}, 0};
		bool known;
		if (route_match(r->method, rq->path, &p, &known) == r && !strstr(allow, r->method))
			used += (size_t)snprintf(allow + used, sizeof allow - used, "%s%s",
						 used ? ", " : "", r->method);
		route_params_free(&p);
	}
	reply_header(rq, "Allow", allow);
}

/* Every check of an API request that its headers decide: the route (404,
** 405), the session (401), the role (403), Origin and the CSRF token of a
** state-changing request (403), the scope of the route's object (404).
** Sets rq->admitted when the handler may run; otherwise the response is set
** (or a failure code returned).  Runs before a byte of the body is read
** (on_request) or, for a request whose body is read already (dispatch.c)
** and every GET, from dispatch_api. */
static int api_admit(http_request *rq)
{
	bool path_known = false;
	rq->route = route_match(rq->method, rq->path, &rq->params, &path_known);
	if (!rq->route) {
		if (path_known) {
			allow_header(rq);
			return reply_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
					   "不支持的请求方法 %s", rq->method);
		}
		return reply_error(rq, MHD_HTTP_NOT_FOUND, "not_found", NULL, "没有这个接口");
	}
	const tg_route *r = rq->route;
	/* The thread's store acts for whoever asks: nobody until the session
	** says who (the audit log records it with every write). */
	tg_store *store = rq_store(rq);
	if (store)
		store_set_actor(store, "-", "-", rq->ip);
	if (r->roles & R_PUBLIC) {
		if (state_changing(rq->method) && auth_check_origin(rq))
			return reply_failure(rq, TG_EINVAL);
		rq->admitted = true;
		return TG_OK;
	}
	if (!store)
		return reply_failure(rq, TG_EIO);
	int rc = auth_session(rq);
	if (rc)
		return reply_failure(rq, rc);
	if (!rq->logged_in)
		return reply_error(rq, MHD_HTTP_UNAUTHORIZED, "unauthenticated", NULL,
				   "未登录或会话已过期，请重新登录");
	store_set_actor(store, rq->user.username, rq->user.role, rq->ip);
	if (!(r->roles & role_bit(rq->user.role))) {
		auth_audit_denied(rq, "forbidden");
		return reply_error(rq, MHD_HTTP_FORBIDDEN, "forbidden", NULL,
				   "当前角色无权进行此操作");
	}
	if (state_changing(rq->method) && (auth_check_origin(rq) || auth_check_csrf(rq))) {
		auth_audit_denied(rq, "csrf");
		return rq->responded ? 0 : reply_failure(rq, TG_EINVAL);
	}
	bool in = false;
	if ((rc = policy_check_scope(rq, &in)))
		return reply_failure(rq, rc);
	if (!in)
		return reply_error(rq, MHD_HTTP_NOT_FOUND, "not_found", NULL, "没有找到该记录");
	rq->admitted = true;
	return TG_OK;
}

static int dispatch_api(http_request *rq)
{
	if (!rq->admitted) {
		int rc = api_admit(rq);
		if (!rq->admitted)
			return rc;
	} else if (rq_store(rq)) {
		/* Admitted from the headers: other requests of this worker
		** thread have set the store's actor since. */
		if (rq->logged_in)
			store_set_actor(rq->store, rq->user.username, rq->user.role, rq->ip);
		else
			store_set_actor(rq->store, "-", "-", rq->ip);
	}
	return rq->route->fn(rq);
}

static void reply_busy(http_request *rq)
{
	char secs[16];
	snprintf(secs, sizeof secs, "%d", HTTP_BUSY_RETRY_SECONDS);
	reply_header(rq, "Retry-After", secs);
	reply_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "server_busy", NULL,
		    "服务器正在接收的上传过多，请 %d 秒后重试", HTTP_BUSY_RETRY_SECONDS);
}

static void dispatch(http_request *rq)
{
	int rc;
	if (rq->body_too_big) {
		reply_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", NULL,
			    "请求体过大（上限 %zu 字节）", rq->body_cap);
		return;
	}
	if (rq->body_busy) {
		reply_busy(rq);
		return;
	}
	if (rq->body_failed) {
		reply_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "io", NULL,
			    "无法暂存请求体，请稍后重试");
		return;
	}
	if (is_api(rq->path)) {
		/* A request that changes nothing reads one snapshot (store.h). */
		tg_store *store = state_changing(rq->method) ? NULL : rq_store(rq);
		if (store && store_read_begin(store, NULL) != TG_OK)
			store = NULL; /* each read then takes its own */
		rc = dispatch_api(rq);
		if (store)
			store_read_end(store);
	} else
		rc = static_serve(rq);
	if (!rq->responded)
		reply_failure(rq, rc ? rc : TG_EIO);
}

/* ---- the response ---- */

static enum MHD_Result send_response(http_request *rq)
{
	struct MHD_Response *resp;
	if (rq->fd >= 0) {
		resp = MHD_create_response_from_fd((uint64_t)rq->fd_size, rq->fd);
		rq->fd = -1; /* MHD closes it */
	} else {
		size_t len = rq->out.len;
		char *body = sb_detach(&rq->out, NULL);
		resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
	}
	if (!resp)
		return MHD_NO;
	add_common_headers(resp, rq->path);
	if (rq->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rq->content_type);
	for (int i = 0; i < rq->n_headers; i++)
		MHD_add_response_header(resp, rq->headers[i][0], rq->headers[i][1]);
	enum MHD_Result ok = MHD_queue_response(rq->conn, rq->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* ---- request life ---- */

/* rq->ip: the TCP peer (then rq_client_address); rq->loopback: the peer is
** on loopback (X-Forwarded-Proto is believed from there, auth.c). */
static void peer_address(http_request *rq)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(rq->ip, sizeof rq->ip, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		ipv4_text((const unsigned char *)&in->sin_addr.s_addr, rq->ip);
		rq->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, rq->ip, sizeof rq->ip);
		rq->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
}

static http_request *request_new(tg_http_server *srv, struct MHD_Connection *conn,
				 const char *url, const char *method)
{
	http_request *rq = calloc(1, sizeof *rq);
	if (!rq)
		return NULL;
	rq->srv = srv;
	rq->conn = conn;
	rq->method = method;
	rq->path = strdup(url);
	rq->fd = -1;
	rq->body_fd = -1;
	sb_init(&rq->out);
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	if (!rq->path) {
		free(rq);
		return NULL;
	}
	peer_address(rq);
	rq_client_address(rq);
	rq->body_cap = route_body_cap(method, url);
	return rq;
}

static void budget_release(http_request *rq)
{
	if (rq->body_held)
		atomic_fetch_sub(&rq->srv->body_bytes, rq->body_held);
	rq->body_held = 0;
}

/* Reserve n more bytes of the server's budget for rq's body. */
static bool budget_take(http_request *rq, size_t n)
{
	_Atomic size_t *used = &rq->srv->body_bytes;
	size_t cur = atomic_load(used);
	do {
		if (n > HTTP_BODY_BUDGET - cur)
			return false;
	} while (!atomic_compare_exchange_weak(used, &cur, cur + n));
	rq->body_held += n;
	return true;
}

/* Drop what is held of the body (memory, spool, mapping). */
static void body_drop(http_request *rq)
{
	if (rq->body_mapped)
		munmap(rq->body, rq->body_len);
	else
		free(rq->body);
	rq->body = NULL;
	rq->body_mapped = false;
	rq->body_len = rq->body_alloc = 0;
	if (rq->body_fd >= 0)
		close(rq->body_fd);
	rq->body_fd = -1;
}

static void request_free(http_request *rq)
{
	free(rq->path);
	body_drop(rq);
	if (rq->srv)
		budget_release(rq);
	free(rq->extra_json);
	route_params_free(&rq->params);
	sb_release(&rq->out);
	if (rq->fd >= 0)
		close(rq->fd);
	for (int i = 0; i < rq->n_headers; i++) {
		free(rq->headers[i][0]);
		free(rq->headers[i][1]);
	}
	if (rq->errs) {
		tg_errors_free(rq->errs);
		free(rq->errs);
	}
	free(rq);
}

/* In-process requests (dispatch.c) go through the same two steps. */
void http_dispatch(http_request *rq)
{
	dispatch(rq);
}

void http_request_free(http_request *rq)
{
	request_free(rq);
}

static void log_request(http_request *rq)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (long)((now.tv_sec - rq->started.tv_sec) * 1000 +
			 (now.tv_nsec - rq->started.tv_nsec) / 1000000);
	time_t t = time(NULL);
	struct tm tm;
	char at[32];
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The path only: no query string (it may carry search text), no
	** cookie, no body; a person's id is a register id, not an ID number. */
	fprintf(stderr, "%s %s %s %s %u %ldms %s\n", at, rq->ip, rq->method, rq->path, rq->status,
		ms, rq->logged_in ? rq->user.username : "-");
}

static void watch_arm(struct MHD_Connection *conn, bool arm);

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	tg_http_server *srv = cls;
	http_request *rq = *con_cls;
	(void)toe;
	/* The next request on this connection has its headers due from now. */
	if (conn)
		watch_arm(conn, true);
	if (!rq)
		return;
	if (srv->log)
		log_request(rq);
	request_free(rq);
	*con_cls = NULL;
}

static bool write_all(int fd, const char *data, size_t n)
{
	while (n) {
		ssize_t w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		data += w;
		n -= (size_t)w;
	}
	return true;
}

/* Move the body from memory to a new file of the private folder: created
** 0600 (mkstemp) and unlinked at once, so nothing is left behind. */
static bool body_spool(http_request *rq)
{
	const char *dir = rq->srv->body_dir;
	char path[PATH_MAX];
	if (!dir || snprintf(path, sizeof path, "%s/body-XXXXXX", dir) >= (int)sizeof path)
		return false;
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	unlink(path);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (rq->body_len && !write_all(fd, rq->body, rq->body_len)) {
		close(fd);
		return false;
	}
	free(rq->body);
	rq->body = NULL;
	rq->body_alloc = 0;
	rq->body_fd = fd;
	return true;
}

static void body_append(http_request *rq, const char *data, size_t n)
{
	if (rq->body_too_big || rq->body_busy || rq->body_failed)
		return;
	if (rq->body_len + n > rq->body_cap) {
		rq->body_too_big = true;
		body_drop(rq);
		budget_release(rq);
		return;
	}
	if (rq->body_len + n > rq->body_held && !budget_take(rq, rq->body_len + n - rq->body_held)) {
		rq->body_busy = true;
		body_drop(rq);
		budget_release(rq);
		return;
	}
	if (rq->body_fd < 0 && rq->body_len + n > HTTP_BODY_MEMORY && !body_spool(rq)) {
		rq->body_failed = true;
		body_drop(rq);
		return;
	}
	if (rq->body_fd >= 0) {
		if (!write_all(rq->body_fd, data, n)) {
			rq->body_failed = true;
			body_drop(rq);
			return;
		}
		rq->body_len += n;
		return;
	}
	if (rq->body_len + n + 1 > rq->body_alloc) {
		size_t want = rq->body_alloc ? rq->body_alloc : 4096;
		while (want < rq->body_len + n + 1)
			want *= 2;
		if (want > rq->body_cap + 1)
			want = rq->body_cap + 1;
		char *p = realloc(rq->body, want);
		if (!p) {
			rq->body_too_big = true;
			return;
		}
		rq->body = p;
		rq->body_alloc = want;
	}
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
	rq->body[rq->body_len] = '\0';
}

/* The whole body has come: a spooled one is mapped read-only in its place
** (handlers read rq->body and rq->body_len; none relies on a NUL after). */
static void body_complete(http_request *rq)
{
	if (rq->body_fd < 0 || rq->body_failed)
		return;
	void *p = rq->body_len ? mmap(NULL, rq->body_len, PROT_READ, MAP_PRIVATE, rq->body_fd, 0)
			       : MAP_FAILED;
	if (p == MAP_FAILED) {
		rq->body_failed = true;
		body_drop(rq);
		return;
	}
	close(rq->body_fd);
	rq->body_fd = -1;
	rq->body = p;
	rq->body_mapped = true;
}

/* The declared Content-Length: 0 when none; false when it is unreadable. */
static bool declared_length(http_request *rq, unsigned long long *n)
{
	const char *cl = rq_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	*n = 0;
	if (!cl)
		return true;
	char *end;
	errno = 0;
	*n = strtoull(cl, &end, 10);
	return !errno && !*end;
}

/* ---- slow clients: the header deadline ---- */

typedef struct conn_watch {
	struct conn_watch *prev, *next;
	MHD_socket fd;
	_Atomic int64_t deadline_ms; /* monotonic; 0: headers done, no deadline */
	int64_t idle_due; /* the sweeper's: the deadline it last found passed */
} conn_watch;

static int64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The next request's headers are due HTTP_HEADER_SECONDS from now (0: they
** have come). */
static void watch_arm(struct MHD_Connection *conn, bool arm)
{
	conn_watch *w = watch_of(conn);
	if (w)
		atomic_store(&w->deadline_ms, arm ? monotonic_ms() + HTTP_HEADER_SECONDS * 1000 : 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	tg_http_server *srv = cls;
	conn_watch *w = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(w = calloc(1, sizeof *w)))
			return; /* unwatched: libmicrohttpd's idle timeout still holds */
		w->fd = ci->connect_fd;
		atomic_store(&w->deadline_ms, monotonic_ms() + HTTP_HEADER_SECONDS * 1000);
		pthread_mutex_lock(&srv->watch_lock);
		w->next = srv->watched;
		if (w->next)
			w->next->prev = w;
		srv->watched = w;
		pthread_mutex_unlock(&srv->watch_lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	/* Before libmicrohttpd closes the socket: once out of the list under
	** the lock, the sweeper never touches its descriptor again. */
	pthread_mutex_lock(&srv->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->watch_lock);
	free(w);
	*socket_context = NULL;
}

static void *sweeper(void *arg)
{
	tg_http_server *srv = arg;
	pthread_mutex_lock(&srv->watch_lock);
	while (!srv->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&srv->watch_wake, &srv->watch_lock, &until);
		int64_t now = monotonic_ms();
		for (conn_watch *w = srv->watched; w; w = w->next) {
			int64_t due = atomic_load(&w->deadline_ms);
			int unread = 0;
			if (!due || now <= due ||
			    (ioctl(w->fd, FIONREAD, &unread) == 0 && unread > 0)) {
				w->idle_due = 0; /* in time, or its worker is behind, not the client */
				continue;
			}
			if (w->idle_due != due) {
				/* Seen once with all it sent read: its worker may be
				** parsing those very bytes now; again next second. */
				w->idle_due = due;
				continue;
			}
			atomic_store(&w->deadline_ms, 0);
			shutdown(w->fd, SHUT_RDWR);
		}
	}
	pthread_mutex_unlock(&srv->watch_lock);
	return NULL;
}

static void sweeper_stop(tg_http_server *srv)
{
	if (!srv->sweeping)
		return;
	pthread_mutex_lock(&srv->watch_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->watch_wake);
	pthread_mutex_unlock(&srv->watch_lock);
	pthread_join(srv->sweeper, NULL);
	srv->sweeping = false;
}

/* Answer now, from the headers alone: libmicrohttpd then reads none of the
** body and closes the connection after the answer. */
static enum MHD_Result answer_early(http_request *rq, int rc)
{
	if (!rq->responded)
		reply_failure(rq, rc ? rc : TG_EIO);
	return send_response(rq);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	tg_http_server *srv = cls;
	http_request *rq = *con_cls;
	(void)version;
	if (!rq) {
		watch_arm(conn, false);
		rq = request_new(srv, conn, url, method);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		unsigned long long declared;
		if (!declared_length(rq, &declared) || declared > rq->body_cap) {
			rq->body_too_big = true;
			dispatch(rq);
			return send_response(rq);
		}
		if (state_changing(method)) {
			if (!is_api(rq->path)) { /* static files take no body: 405 */
				dispatch(rq);
				return send_response(rq);
			}
			int rc = api_admit(rq);
			if (!rq->admitted)
				return answer_early(rq, rc);
		}
		if (declared && !budget_take(rq, (size_t)declared)) {
			reply_busy(rq);
			return send_response(rq);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!rq->responded)
			body_append(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->responded)
		return MHD_YES;
	body_complete(rq);
	dispatch(rq);
	return send_response(rq);
}

/* The private folder of spooled bodies: $TMPDIR/tuogou-body-XXXXXX, 0700. */
static char *body_dir_make(tg_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/tuogou-body-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(path)) {
		tg_error_set(err, TG_EIO, "tmp_dir", "TMPDIR", "无法建立临时目录“%s”：%s", path,
			     strerror(errno));
		return NULL;
	}
	char *dir = strdup(path);
	if (!dir)
		rmdir(path);
	return dir;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, tg_error *err)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return tg_error_set(err, TG_EINVAL, "bad_listen", "--listen",
				    "监听地址“%s”无效（应为 主机:端口，如 127.0.0.1:8080）", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return tg_error_set(err, TG_EINVAL, "bad_listen", "--listen", "端口“%s”无效",
				    colon + 1);
	memset(ss, 0, sizeof *ss);
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			return tg_error_set(err, TG_EINVAL, "bad_listen", "--listen",
					    "IPv6 地址“%s”无效", host + 1);
		return TG_OK;
	}
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return tg_error_set(err, TG_EINVAL, "bad_listen", "--listen",
				    "IPv4 地址“%s”无效（请写数字地址，如 127.0.0.1）", host);
	return TG_OK;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The UI folder: DIR/dist when it exists, else DIR; NULL when neither. */
static char *web_root(const char *dir)
{
	char dist[PATH_MAX];
	if (!dir)
		dir = "web";
	snprintf(dist, sizeof dist, "%s/dist", dir);
	const char *use = is_dir(dist) ? dist : is_dir(dir) ? dir : NULL;
	return use ? realpath(use, NULL) : NULL;
}

/* "evidence" beside a SQLite database file; var/evidence for PostgreSQL. */
static char *evidence_dir(const char *db, const char *given, tg_error *err)
{
	char path[PATH_MAX];
	if (given) {
		snprintf(path, sizeof path, "%s", given);
	} else if (!strncmp(db, "postgres", 8) || strstr(db, "dbname=") || strstr(db, "host=")) {
		snprintf(path, sizeof path, "var/evidence");
	} else {
		const char *slash = strrchr(db, '/');
		if (slash)
			snprintf(path, sizeof path, "%.*s/evidence", (int)(slash - db), db);
		else
			snprintf(path, sizeof path, "evidence");
	}
	if (mkdir(path, 0700) && errno != EEXIST) {
		tg_error_set(err, TG_EIO, "evidence_dir", "--evidence",
			     "无法建立佐证材料目录“%s”：%s", path, strerror(errno));
		return NULL;
	}
	char *real = realpath(path, NULL);
	if (!real)
		tg_error_set(err, TG_EIO, "evidence_dir", "--evidence", "佐证材料目录“%s”不可用",
			     path);
	return real;
}

static bool path_inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}

static int load_plan(tg_http_server *srv, tg_error *err)
{
	tg_store *s = NULL;
	tg_errors errs;
	tg_errors_init(&errs);
	char *json = NULL;
	size_t len = 0;
	int rc = store_open(srv->db, &s, err);
	if (rc == TG_OK)
		rc = store_get_plan(s, &json, &len, err);
	if (rc == TG_OK) {
		rc = json ? plan_load_buffer(json, len, &srv->plan, &errs)
			  : plan_load_default(&srv->plan, &errs);
		if (rc == TG_OK && rules_check_plan(srv->plan, &errs))
			rc = TG_EINVAL;
		if (rc)
			tg_error_set(err, rc, "bad_plan", errs.count ? errs.items[0].path : "",
				     "登记簿中保存的方案有误：%s",
				     errs.count ? errs.items[0].message : "");
	}
	if (rc == TG_OK) {
		srv->plan_batches = calloc(srv->plan->n_batches + 1, sizeof *srv->plan_batches);
		if (!srv->plan_batches)
			rc = TG_ENOMEM;
		for (size_t i = 0; rc == TG_OK && i < srv->plan->n_batches; i++)
			srv->plan_batches[i] = srv->plan->batches[i].id;
	}
	free(json);
	tg_errors_free(&errs);
	store_close(s);
	return rc;
}

void http_stop(tg_http_server *srv)
{
	if (!srv)
		return;
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	sweeper_stop(srv);
	pthread_cond_destroy(&srv->watch_wake);
	pthread_mutex_destroy(&srv->watch_lock);
	if (srv->body_dir)
		rmdir(srv->body_dir); /* empty: every spool was unlinked when made */
	free(srv->body_dir);
	for (size_t i = 0; i < srv->n_stores; i++)
		store_close(srv->stores[i]);
	free(srv->stores);
	cache_free(srv->cache);
	public_cache_free(srv->public_cache);
	plan_free(srv->plan);
	free(srv->plan_batches);
	pthread_mutex_destroy(&srv->lock);
	free(srv->db);
	free(srv->web_root);
	free(srv->evidence_dir);
	free(srv);
	proxies_install(NULL);
}

int http_start(const tg_http_config *cfg, tg_http_server **out, unsigned *port, tg_error *err)
{
	struct sockaddr_storage addr;
	*out = NULL;
	http_proxies *proxies = NULL;
	int rc = parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:8080", &addr, err);
	if (rc == TG_OK && cfg->trusted_proxies)
		rc = proxies_parse(cfg->trusted_proxies, &proxies, err);
	if (rc)
		return rc;
	tg_http_server *srv = calloc(1, sizeof *srv);
	if (!srv) {
		proxies_free(proxies);
		return TG_ENOMEM;
	}
	proxies_install(proxies); /* before the daemon's threads start */
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->watch_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->watch_wake, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&srv->body_bytes, 0);
	srv->db = strdup(cfg->db);
	srv->log = cfg->log;
	srv->web_root = web_root(cfg->web);
	srv->cache = cache_new();
	srv->public_cache = public_cache_new();
	if (!srv->db || !srv->cache || !srv->public_cache) {
		rc = TG_ENOMEM;
		goto fail;
	}
	if ((rc = load_plan(srv, err)))
		goto fail;
	if (!(srv->evidence_dir = evidence_dir(cfg->db, cfg->evidence, err))) {
		rc = TG_EIO;
		goto fail;
	}
	if (srv->web_root && path_inside(srv->evidence_dir, srv->web_root)) {
		rc = tg_error_set(err, TG_EINVAL, "evidence_in_web_root", "--evidence",
				  "佐证材料目录不能位于网页目录之内");
		goto fail;
	}
	if (cfg->in_process) { /* no daemon: http_handle (dispatch.c) */
		if (port)
			*port = 0;
		*out = srv;
		return TG_OK;
	}
	if (!(srv->body_dir = body_dir_make(err))) {
		rc = TG_EIO;
		goto fail;
	}
	if (pthread_create(&srv->sweeper, NULL, sweeper, srv)) {
		rc = tg_error_set(err, TG_EIO, "thread", "", "无法启动连接超时线程");
		goto fail;
	}
	srv->sweeping = true;
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		on_request, srv, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS,
		/* by TCP peer: libmicrohttpd counts connections before any header
		** is read, so behind nginx (--trusted-proxy) this is the proxy's
		** limit, not a client's; the client address is rq_client_address */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_SECONDS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
	if (!srv->daemon) {
		rc = tg_error_set(err, TG_EIO, "listen_failed", "--listen",
				  "无法在“%s”上监听（端口被占用或地址无效）",
				  cfg->listen ? cfg->listen : "127.0.0.1:8080");
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (port)
		*port = di ? di->port : 0;
	*out = srv;
	return TG_OK;
fail:
	http_stop(srv);
	return rc;
}
