/*
** respond.c: building responses: JSON bodies, the error shape of
** docs/api.md, extra headers, and the headers every response carries.
**
** Every response, API or static, error or not, gets the same security
** headers (Content-Security-Policy without inline script, nosniff,
** same-origin referrers, no framing); API answers are never cached, except
** the public page's (/api/v1/public/: public, max-age=60).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respond.h"

#define CSP                                                                                \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "   \
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

void common_headers(const char *path, const char *out[COMMON_HEADERS][2])
{
	static const char *const fixed[COMMON_HEADERS - 1][2] = {
		{"Content-Security-Policy", CSP},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "same-origin"},
		{"X-Frame-Options", "DENY"},
	};
	for (int i = 0; i < COMMON_HEADERS - 1; i++) {
		out[i][0] = fixed[i][0];
		out[i][1] = fixed[i][1];
	}
	out[COMMON_HEADERS - 1][0] = "Cache-Control";
	if (!strncmp(path, "/api/v1/public/", 15)) /* no personal data: caches may keep it */
		out[COMMON_HEADERS - 1][1] = "public, max-age=60";
	else if (!strncmp(path, "/api", 4) || !strcmp(path, "/healthz"))
		out[COMMON_HEADERS - 1][1] = "no-store";
	else
		out[COMMON_HEADERS - 1][1] = "no-cache";
}

void reply_header(http_request *rq, const char *name, const char *value)
{
	if (rq->n_headers == RESPONSE_MAX_HEADERS)
		return;
	rq->headers[rq->n_headers][0] = strdup(name);
	rq->headers[rq->n_headers][1] = strdup(value);
	rq->n_headers++;
}

int reply(http_request *rq, unsigned status, const char *content_type)
{
	rq->status = status;
	rq->content_type = content_type;
	rq->responded = true;
	return TG_OK;
}

int reply_json(http_request *rq, unsigned status)
{
	return reply(rq, status, "application/json; charset=utf-8");
}

int reply_json_list(http_request *rq, const strbuf *items)
{
	if (items->len)
		sb_add(&rq->out, items->buf, items->len);
	sb_adds(&rq->out, "]}\n");
	return reply_json(rq, HTTP_OK);
}

void reply_busy(http_request *rq)
{
	char secs[16];
	snprintf(secs, sizeof secs, "%d", HTTP_BUSY_RETRY_SECONDS);
	reply_header(rq, "Retry-After", secs);
	reply_error(rq, HTTP_SERVICE_UNAVAILABLE, "server_busy", NULL,
		    "服务器正在接收的上传过多，请 %d 秒后重试", HTTP_BUSY_RETRY_SECONDS);
}

/* Messages and paths echo what the client sent (a method, a date, a key),
** cut to fit by %.20s or a fixed buffer, maybe in the middle of a
** character: whatever their bytes, the JSON stays valid UTF-8 ('?' for
** what is not; the fuzz harness of the server checks it). */
static void utf8_scrub(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (len <= n - i && utf8_valid(s + i, len)) {
			i += len;
		} else {
			s[i++] = '?';
		}
	}
}

static void add_json_scrubbed(strbuf *out, const char *s)
{
	char *copy = s ? strdup(s) : NULL;
	if (copy)
		utf8_scrub(copy);
	sb_add_json_str(out, copy ? copy : s);
	free(copy);
}

void json_add_error(strbuf *out, const char *code, const char *message, const char *field)
{
	sb_adds(out, "{\"code\": ");
	add_json_scrubbed(out, code);
	sb_adds(out, ", \"message\": ");
	add_json_scrubbed(out, message);
	sb_adds(out, ", \"field\": ");
	add_json_scrubbed(out, field && *field ? field : NULL);
	sb_addc(out, '}');
}

static void error_body(http_request *rq, const char *code, const char *message, const char *field)
{
	rq->out.len = 0;
	sb_adds(&rq->out, "{\"error\": ");
	json_add_error(&rq->out, code, message, field);
	if (rq->errs && rq->errs->count) {
		sb_adds(&rq->out, ", \"errors\": [");
		for (size_t i = 0; i < rq->errs->count; i++) {
			const tg_error *e = &rq->errs->items[i];
			if (i)
				sb_adds(&rq->out, ", ");
			json_add_error(&rq->out, e->code, e->message, e->path);
		}
		sb_addc(&rq->out, ']');
	}
	if (rq->extra_json)
		sb_adds(&rq->out, rq->extra_json);
	sb_adds(&rq->out, "}\n");
}

int reply_error(http_request *rq, unsigned status, const char *code, const char *field,
		const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	error_body(rq, code, message, field);
	return reply_json(rq, status);
}

/* The errors of src/app whose code says more than the failure code. */
static const struct {
	const char *code;
	unsigned status;
} app_statuses[] = {
	{"field_forbidden", HTTP_FORBIDDEN},
	{"acceptance_unready", HTTP_CONFLICT},
	{"not_submitted", HTTP_CONFLICT},
	{"already_accepted", HTTP_CONFLICT},
	{"newer_edit", HTTP_CONFLICT},
	{"nothing_overdue", HTTP_CONFLICT},
	{"unsupported_type", HTTP_UNSUPPORTED_MEDIA_TYPE},
};

static unsigned status_of_error(const tg_error *e, int rc)
{
	if (rc == TG_EINVAL)
		for (size_t i = 0; i < sizeof app_statuses / sizeof app_statuses[0]; i++)
			if (!strcmp(e->code, app_statuses[i].code))
				return app_statuses[i].status;
	return status_of(rc);
}

unsigned status_of(int rc)
{
	switch (rc) {
	case TG_EINVAL: return HTTP_BAD_REQUEST;
	case TG_ENOTFOUND: return HTTP_NOT_FOUND;
	case TG_ECONFLICT: return HTTP_CONFLICT;
	default: return HTTP_INTERNAL_SERVER_ERROR;
	}
}

int reply_failure(http_request *rq, int rc)
{
	if (rq->responded)
		return TG_OK;
	const tg_error *e = &rq->err;
	if (!e->code[0] && rq->errs && rq->errs->count)
		e = &rq->errs->items[0];
	unsigned status = status_of_error(e, rc);
	if (status == HTTP_INTERNAL_SERVER_ERROR) {
		/* The detail goes to the log, not to the client. */
		fprintf(stderr, "tuogou: 内部错误：%s [%s]\n", e->message, e->code);
		error_body(rq, "internal", "服务器内部错误，请稍后重试或联系系统管理员", NULL);
	} else if (e->code[0]) {
		error_body(rq, e->code, e->message, e->path);
	} else if (rc == TG_ENOTFOUND) {
		error_body(rq, "not_found", "没有找到该记录", NULL);
	} else {
		error_body(rq, "bad_request", "请求无效", NULL);
	}
	return reply_json(rq, status);
}
