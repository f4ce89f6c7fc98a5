/*
** respond.h: a handler's answer: a status, a content type, a body (JSON in
** rq->out, or a file in rq->fd) and extra headers (Content-Disposition,
** Set-Cookie, Retry-After ...); the error shape of docs/api.md; and the
** headers every response carries, which the front end adds.
*/
#ifndef TG_HTTP_RESPOND_H
#define TG_HTTP_RESPOND_H

#include "http_status.h"
#include "request.h"

int reply(http_request *rq, unsigned status, const char *content_type);
int reply_json(http_request *rq, unsigned status); /* rq->out holds the JSON */
/* 200 with rq->out, an object opened up to its list ("...\"items\": ["),
** closed by the comma-separated members in items. */
int reply_json_list(http_request *rq, const strbuf *items);
int reply_error(http_request *rq, unsigned status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The response for a handler's failure code (rq->err, rq->errs): 400,
** 404, 409 or 500 by the code, 403 and 415 for a refusal of src/app
** (err.code "field_forbidden", "unsupported_type"). */
int reply_failure(http_request *rq, int rc);
void reply_header(http_request *rq, const char *name, const char *value);
/* 503 server_busy with Retry-After: the budget of bodies in flight is spent. */
void reply_busy(http_request *rq);
unsigned status_of(int rc);
void json_add_error(strbuf *out, const char *code, const char *message, const char *field);

/* Security headers and the cache policy, on every response: name/value
** pairs, in the order they are sent. */
#define COMMON_HEADERS 5
void common_headers(const char *path, const char *out[COMMON_HEADERS][2]);

#endif
