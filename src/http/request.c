/*
** request.c: the request as handlers see it (request.h): its values read
** through the front end's lookup hook, its thread's store, its memory.
**
** Owns: each worker thread's store connection (thread-local, opened on
** first use and listed in the server, which closes them all when it stops:
** SQLite's rule of one connection per thread), and everything a request
** holds until request_free.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "request.h"

static _Thread_local tg_store *thread_store;
static _Thread_local tg_http_server *thread_store_owner;

static const char *first(http_request *rq, enum rq_kind kind, const char *name)
{
	const char *v = NULL;
	return rq->lookup(rq->source, kind, name, &v, 1) ? v : NULL;
}

const char *rq_header(http_request *rq, const char *name)
{
	return first(rq, RQ_HEADER, name);
}

const char *rq_query(http_request *rq, const char *name)
{
	const char *v = first(rq, RQ_QUERY, name);
	return v && *v ? v : NULL;
}

const char *rq_cookie(http_request *rq, const char *name)
{
	return first(rq, RQ_COOKIE, name);
}

size_t rq_header_all(http_request *rq, const char *name, const char **out, size_t max)
{
	return rq->lookup(rq->source, RQ_HEADER, name, out, max);
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

void rq_key(http_request *rq, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < rq->params.n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "/" : "",
					 rq->params.value[i]);
}

void route_params_free(route_params *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->value[i]);
	p->n = 0;
}

/* ---- life ---- */

http_request *request_new(tg_http_server *srv, const char *method, char *path,
			  rq_lookup_fn lookup, void *source, const char *ip, bool loopback)
{
	http_request *rq = path ? calloc(1, sizeof *rq) : NULL;
	if (!rq) {
		free(path);
		return NULL;
	}
	rq->srv = srv;
	rq->lookup = lookup;
	rq->source = source;
	rq->method = method;
	rq->path = path;
	rq->fd = -1;
	rq->body_fd = -1;
	sb_init(&rq->out);
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	snprintf(rq->ip, sizeof rq->ip, "%s", ip);
	rq->loopback = loopback;
	return rq;
}

void request_budget_release(http_request *rq)
{
	if (rq->body_held)
		atomic_fetch_sub(&rq->srv->body_bytes, rq->body_held);
	rq->body_held = 0;
}

void request_body_drop(http_request *rq)
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

void request_free(http_request *rq)
{
	free(rq->path);
	request_body_drop(rq);
	if (rq->srv)
		request_budget_release(rq);
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
