/*
** dispatch.c: one request handled in-process, without a socket, through the
** same dispatch, route table, sessions, handlers and responses as a request
** that came over a connection (server.c).  The fuzz harness of the server
** (fuzz/fuzz_http.c) and tests use it on a server started with in_process.
**
** What libmicrohttpd does before the handler is done here the same way: the
** path is percent-decoded (an invalid escape stays as it is), the query is
** split at & and =, '+' is a space and each part percent-decoded, cookies
** are the name=value pairs of the Cookie header, header names match
** case-insensitively, and a body above the route's cap is refused (413).
** The peer is 127.0.0.1 (X-Forwarded-For counts as for a connection from
** there: rq_client_address).
**
** Its lookup hook (request.h) reads the synthetic request's headers, query
** and cookies; handlers cannot tell it from a connection's.
**
** Owns: the synthetic request (http_synthetic) and the copies of the answer.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client_addr.h"
#include "http.h"
#include "http_status.h"
#include "request.h"
#include "router.h"
#include "routes.h"

#define SYNTH_MAX_PAIRS 64

typedef struct pair {
	char *name, *value;
} pair;

struct http_synthetic {
	const tg_http_header *headers;
	size_t n_headers;
	pair args[SYNTH_MAX_PAIRS], cookies[SYNTH_MAX_PAIRS];
	size_t n_args, n_cookies;
};

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode n bytes of s (and '+' as a space when plus): a new string,
** cut at a decoded NUL as libmicrohttpd's would be. */
static char *unescape(const char *s, size_t n, bool plus)
{
	char *out = malloc(n + 1);
	if (!out)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int h1, h2;
		if (s[i] == '%' && i + 2 < n && (h1 = hex((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h1 * 16 + h2);
			i += 2;
		} else if (plus && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static void add_pair(pair *list, size_t *n, char *name, char *value)
{
	if (*n == SYNTH_MAX_PAIRS) {
		free(name);
		free(value);
		return;
	}
	list[*n].name = name;
	list[*n].value = value;
	(*n)++;
}

static void parse_query(struct http_synthetic *sy, const char *q)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		size_t nl = eq ? (size_t)(eq - q) : n;
		char *name = unescape(q, nl, true);
		char *value = eq ? unescape(eq + 1, n - nl - 1, true) : NULL;
		add_pair(sy->args, &sy->n_args, name, value);
		q += n;
		if (*q == '&')
			q++;
	}
}

static void parse_cookies(struct http_synthetic *sy, const char *c)
{
	while (*c) {
		while (*c == ' ' || *c == '\t' || *c == ';')
			c++;
		size_t n = strcspn(c, ";");
		const char *eq = memchr(c, '=', n);
		if (eq && eq > c) {
			size_t nl = (size_t)(eq - c);
			while (nl && (c[nl - 1] == ' ' || c[nl - 1] == '\t'))
				nl--;
			const char *v = eq + 1;
			size_t vl = n - (size_t)(v - c);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			add_pair(sy->cookies, &sy->n_cookies, strndup(c, nl), strndup(v, vl));
		}
		c += n;
	}
}

static const char *header_of(const struct http_synthetic *sy, const char *name)
{
	for (size_t i = 0; i < sy->n_headers; i++)
		if (sy->headers[i].name && !strcasecmp(sy->headers[i].name, name))
			return sy->headers[i].value ? sy->headers[i].value : "";
	return NULL;
}

static const char *pair_of(const pair *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return list[i].value;
	return NULL;
}

/* The lookup hook of an in-process request (request.h). */
static size_t synth_lookup(void *source, enum rq_kind kind, const char *name, const char **out,
			   size_t max)
{
	const struct http_synthetic *sy = source;
	if (!name)
		return 0;
	if (kind == RQ_HEADER) {
		size_t n = 0;
		for (size_t i = 0; i < sy->n_headers; i++)
			if (sy->headers[i].name && !strcasecmp(sy->headers[i].name, name)) {
				if (n < max)
					out[n] = sy->headers[i].value ? sy->headers[i].value : "";
				n++;
			}
		return n;
	}
	const char *v = kind == RQ_QUERY ? pair_of(sy->args, sy->n_args, name)
					 : pair_of(sy->cookies, sy->n_cookies, name);
	if (max)
		out[0] = v;
	return v != NULL;
}

static void synthetic_free(struct http_synthetic *sy)
{
	for (size_t i = 0; i < sy->n_args; i++) {
		free(sy->args[i].name);
		free(sy->args[i].value);
	}
	for (size_t i = 0; i < sy->n_cookies; i++) {
		free(sy->cookies[i].name);
		free(sy->cookies[i].value);
	}
}

/* The Content-Length a request declares above the cap: refused unread. */
static bool declared_too_big(const struct http_synthetic *sy, size_t cap)
{
	const char *cl = header_of(sy, HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return false;
	char *end;
	unsigned long long n = strtoull(cl, &end, 10);
	return *end || n > cap;
}

/* A file answer (static files, evidence): read it, up to 64 MiB. */
static void read_fd(http_request *rq, tg_http_answer *out)
{
	size_t cap = rq->fd_size < (64u << 20) ? (size_t)rq->fd_size : (64u << 20);
	char *buf = malloc(cap + 1);
	size_t got = 0;
	if (!buf)
		abort();
	while (got < cap) {
		ssize_t n = read(rq->fd, buf + got, cap - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(rq->fd);
	rq->fd = -1;
	out->body = buf;
	out->body_len = got;
}

void http_handle(tg_http_server *srv, const char *method, const char *url,
		 const tg_http_header *headers, size_t n_headers, const char *body, size_t body_len,
		 tg_http_answer *out)
{
	memset(out, 0, sizeof *out);
	struct http_synthetic sy = {0};
	sy.headers = headers;
	sy.n_headers = n_headers;
	const char *qmark = strchr(url, '?');
	size_t path_len = qmark ? (size_t)(qmark - url) : strlen(url);
	if (qmark)
		parse_query(&sy, qmark + 1);
	const char *cookie = header_of(&sy, HTTP_HEADER_COOKIE);
	if (cookie)
		parse_cookies(&sy, cookie);

	http_request *rq = request_new(srv, method, unescape(url, path_len, false), synth_lookup,
				       &sy, "127.0.0.1", true);
	if (!rq)
		abort();
	rq_client_address(rq);
	rq->body_cap = route_body_cap(method, rq->path);
	if (declared_too_big(&sy, rq->body_cap) || body_len > rq->body_cap) {
		rq->body_too_big = true;
	} else if (body_len) {
		rq->body = malloc(body_len + 1);
		if (!rq->body)
			abort();
		memcpy(rq->body, body, body_len);
		rq->body[body_len] = '\0';
		rq->body_len = body_len;
		rq->body_alloc = body_len + 1;
	}
	router_dispatch(rq);

	out->status = rq->status;
	out->content_type = rq->content_type ? strdup(rq->content_type) : NULL;
	if (rq->fd >= 0) {
		read_fd(rq, out);
	} else {
		out->body_len = rq->out.len;
		out->body = malloc(rq->out.len + 1);
		if (!out->body)
			abort();
		if (rq->out.len)
			memcpy(out->body, rq->out.buf, rq->out.len);
		out->body[rq->out.len] = '\0';
	}
	for (int i = 0; i < rq->n_headers && i < 8; i++) {
		out->headers[i].name = strdup(rq->headers[i][0]);
		out->headers[i].value = strdup(rq->headers[i][1]);
		out->n_headers++;
	}
	request_free(rq);
	synthetic_free(&sy);
}

void http_answer_free(tg_http_answer *a)
{
	free(a->content_type);
	free(a->body);
	for (int i = 0; i < a->n_headers; i++) {
		free((char *)a->headers[i].name);
		free((char *)a->headers[i].value);
	}
	memset(a, 0, sizeof *a);
}
