/*
** input.c: what a handler reads of its request besides headers (input.h):
** the as-of date, paging, a JSON body.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "respond.h"

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
	const char *ct = rq_header(rq, HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);
	return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int rq_json_body(http_request *rq, json_t **out)
{
	*out = NULL;
	if (!content_type_is(rq, "application/json")) {
		reply_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", NULL,
			    "请求体应为 JSON（Content-Type: application/json）");
		return TG_EINVAL;
	}
	json_error_t je;
	json_t *v = json_loadb(rq->body ? rq->body : "", rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		reply_error(rq, HTTP_BAD_REQUEST, "bad_json", NULL,
			    "JSON 格式错误（第%d行第%d列）：%s", je.line, je.column, je.text);
		return TG_EINVAL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		reply_error(rq, HTTP_BAD_REQUEST, "bad_json", NULL, "请求体应为 JSON 对象");
		return TG_EINVAL;
	}
	*out = v;
	return TG_OK;
}
