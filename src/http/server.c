/*
** server.c: the socket front end of `tuogou serve`: the libmicrohttpd
** daemon, reading a request's values (the lookup hook of request.h) and its
** body, and sending the response a handler set (respond.h).  It is the
** only file that names libmicrohttpd; the checks and the dispatch through
** the route table are router.c's, the same for in-process requests.
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
** the scope of its object: router_admit), and one for a static path (which
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
** Owns: the daemon, the server's state (request.h): the plan loaded once
** at start, the findings cache, the list of per-thread stores.  Never logs cookies, query strings or bodies.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
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

#include <microhttpd.h>

#include "api.h"
#include "cache.h"
#include "client_addr.h"
#include "http.h"
#include "plans.h"
#include "respond.h"
#include "router.h"
#include "routes.h"
#include "rules.h"

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

/* The daemon and the header deadline's watch of open connections, swept
** every second. */
struct front_end {
	struct MHD_Daemon *daemon;
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;
	struct conn_watch *watched;
	pthread_t sweeper;
	bool sweeping, stopping;
};

/* ---- the request's values ---- */

typedef struct lookup_all {
	const char *name;
	const char **out;
	size_t max, n;
} lookup_all;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	lookup_all *x = cls;
	(void)kind;
	if (key && !strcasecmp(key, x->name)) {
		if (x->n < x->max)
			x->out[x->n] = value ? value : "";
		x->n++;
	}
	return MHD_YES;
}

static size_t connection_lookup(void *source, enum rq_kind kind, const char *name,
				const char **out, size_t max)
{
	static const enum MHD_ValueKind kinds[] = {
		[RQ_HEADER] = MHD_HEADER_KIND,
		[RQ_COOKIE] = MHD_COOKIE_KIND,
		[RQ_QUERY] = MHD_GET_ARGUMENT_KIND,
	};
	struct MHD_Connection *conn = source;
	if (max == 1) { /* the first value: what almost every lookup wants */
		const char *v = MHD_lookup_connection_value(conn, kinds[kind], name);
		out[0] = v;
		return v != NULL;
	}
	lookup_all x = {name, out, max, 0};
	MHD_get_connection_values(conn, kinds[kind], collect, &x);
	return x.n;
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
	const char *common[COMMON_HEADERS][2];
	common_headers(rq->path, common);
	for (int i = 0; i < COMMON_HEADERS; i++)
		MHD_add_response_header(resp, common[i][0], common[i][1]);
	if (rq->content_type)
		MHD_add_response_header(resp, HTTP_HEADER_CONTENT_TYPE, rq->content_type);
	for (int i = 0; i < rq->n_headers; i++)
		MHD_add_response_header(resp, rq->headers[i][0], rq->headers[i][1]);
	enum MHD_Result ok = MHD_queue_response(rq->source, rq->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* ---- request life ---- */

/* ip: the TCP peer as text (then rq_client_address); *loopback: the peer is
** on loopback (X-Forwarded-Proto is believed from there, auth.c). */
static void peer_address(struct MHD_Connection *conn, char ip[CLIENT_ADDR_MAX], bool *loopback)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(ip, CLIENT_ADDR_MAX, "?");
	*loopback = false;
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		ipv4_text((const unsigned char *)&in->sin_addr.s_addr, ip);
		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, CLIENT_ADDR_MAX);
		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
}

static http_request *request_start(tg_http_server *srv, struct MHD_Connection *conn,
				   const char *url, const char *method)
{
	char ip[CLIENT_ADDR_MAX];
	bool loopback;
	peer_address(conn, ip, &loopback);
	http_request *rq =
		request_new(srv, method, strdup(url), connection_lookup, conn, ip, loopback);
	if (!rq)
		return NULL;
	rq_client_address(rq);
	rq->body_cap = route_body_cap(method, url);
	return rq;
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
		request_body_drop(rq);
		request_budget_release(rq);
		return;
	}
	if (rq->body_len + n > rq->body_held && !budget_take(rq, rq->body_len + n - rq->body_held)) {
		rq->body_busy = true;
		request_body_drop(rq);
		request_budget_release(rq);
		return;
	}
	if (rq->body_fd < 0 && rq->body_len + n > HTTP_BODY_MEMORY && !body_spool(rq)) {
		rq->body_failed = true;
		request_body_drop(rq);
		return;
	}
	if (rq->body_fd >= 0) {
		if (!write_all(rq->body_fd, data, n)) {
			rq->body_failed = true;
			request_body_drop(rq);
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
		request_body_drop(rq);
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
	const char *cl = rq_header(rq, HTTP_HEADER_CONTENT_LENGTH);
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
		pthread_mutex_lock(&srv->front->watch_lock);
		w->next = srv->front->watched;
		if (w->next)
			w->next->prev = w;
		srv->front->watched = w;
		pthread_mutex_unlock(&srv->front->watch_lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	/* Before libmicrohttpd closes the socket: once out of the list under
	** the lock, the sweeper never touches its descriptor again. */
	pthread_mutex_lock(&srv->front->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->front->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->front->watch_lock);
	free(w);
	*socket_context = NULL;
}

static void *sweeper(void *arg)
{
	tg_http_server *srv = arg;
	pthread_mutex_lock(&srv->front->watch_lock);
	while (!srv->front->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&srv->front->watch_wake, &srv->front->watch_lock, &until);
		int64_t now = monotonic_ms();
		for (conn_watch *w = srv->front->watched; w; w = w->next) {
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
	pthread_mutex_unlock(&srv->front->watch_lock);
	return NULL;
}

static void sweeper_stop(tg_http_server *srv)
{
	if (!srv->front->sweeping)
		return;
	pthread_mutex_lock(&srv->front->watch_lock);
	srv->front->stopping = true;
	pthread_cond_signal(&srv->front->watch_wake);
	pthread_mutex_unlock(&srv->front->watch_lock);
	pthread_join(srv->front->sweeper, NULL);
	srv->front->sweeping = false;
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
		rq = request_start(srv, conn, url, method);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		unsigned long long declared;
		if (!declared_length(rq, &declared) || declared > rq->body_cap) {
			rq->body_too_big = true;
			router_dispatch(rq);
			return send_response(rq);
		}
		if (method_changes_state(method)) {
			if (!router_is_api(rq->path)) { /* static files take no body: 405 */
				router_dispatch(rq);
				return send_response(rq);
			}
			int rc = router_admit(rq);
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
	router_dispatch(rq);
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
	int rc = store_open(srv->db, &s, err);
	if (rc == TG_OK)
		rc = http_plans_load(srv, s, err);
	store_close(s);
	return rc;
}

void http_stop(tg_http_server *srv)
{
	if (!srv)
		return;
	if (srv->front->daemon)
		MHD_stop_daemon(srv->front->daemon);
	sweeper_stop(srv);
	pthread_cond_destroy(&srv->front->watch_wake);
	pthread_mutex_destroy(&srv->front->watch_lock);
	if (srv->body_dir)
		rmdir(srv->body_dir); /* empty: every spool was unlinked when made */
	free(srv->body_dir);
	for (size_t i = 0; i < srv->n_stores; i++)
		store_close(srv->stores[i]);
	free(srv->stores);
	cache_free(srv->cache);
	public_cache_free(srv->public_cache);
	http_plans_free(srv);
	free(srv->plan_file);
	pthread_mutex_destroy(&srv->lock);
	free(srv->db);
	free(srv->web_root);
	free(srv->evidence_dir);
	free(srv->mail_config);
	free(srv->front);
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
	struct front_end *front = calloc(1, sizeof *front);
	if (!srv || !front) {
		free(srv);
		free(front);
		proxies_free(proxies);
		return TG_ENOMEM;
	}
	srv->front = front;
	proxies_install(proxies); /* before the daemon's threads start */
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->front->watch_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->front->watch_wake, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&srv->body_bytes, 0);
	srv->db = strdup(cfg->db);
	srv->plan_file = cfg->plan_file ? strdup(cfg->plan_file) : NULL;
	srv->mail_config = cfg->mail_config ? strdup(cfg->mail_config) : NULL;
	srv->mail_config_given = cfg->mail_config_given;
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
#ifdef __GLIBC__
	/* Two malloc arenas for the four workers (before they start).  glibc
	** gives each thread its own, and the megabytes an evaluation after a
	** write frees go back to the arena that gave them: the first writes
	** after a start each found a cold arena and faulted fresh pages in
	** (the national dashboard after each of the first five writes took
	** 41-48 ms, then 8-11 ms).  One arena warmed after two writes but
	** cost the reads 20-40 % more CPU (38-50 against 28-32 us a request,
	** wrk on GET /api/v1/associations/{uscc}: the workers queue on its
	** lock); two cost the reads nothing measurable (31 us) and warm after
	** three writes (docs/performance.md, "The list made when asked"). */
	mallopt(M_ARENA_MAX, 2);
#endif
	if (pthread_create(&srv->front->sweeper, NULL, sweeper, srv)) {
		rc = tg_error_set(err, TG_EIO, "thread", "", "无法启动连接超时线程");
		goto fail;
	}
	srv->front->sweeping = true;
	srv->front->daemon = MHD_start_daemon(
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
	if (!srv->front->daemon) {
		rc = tg_error_set(err, TG_EIO, "listen_failed", "--listen",
				  "无法在“%s”上监听（端口被占用或地址无效）",
				  cfg->listen ? cfg->listen : "127.0.0.1:8080");
		goto fail;
	}
	const union MHD_DaemonInfo *di = 
		MHD_get_daemon_info(srv->front->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (port)
		*port = di ? di->port : 0;
	*out = srv;
	return TG_OK;
fail:
	http_stop(srv);
	return rc;
}
