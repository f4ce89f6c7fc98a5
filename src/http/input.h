/*
** input.h: what a handler reads of its request besides headers: the as-of
** date, paging, a JSON body; each refuses a bad value with the error a
** client sees (400 bad_date, 415 unsupported_media_type, 400 bad_json).
*/
#ifndef TG_HTTP_INPUT_H
#define TG_HTTP_INPUT_H

#include <jansson.h>

#include "date.h"
#include "request.h"

/* The as-of date of ?as_of= (default today); 400 on a bad date. */
int rq_as_of(http_request *rq, tg_date *out);
/* ?page & ?per_page (1..500, default 50). */
int rq_paging(http_request *rq, size_t *page, size_t *per_page);
/* Parse the body as a JSON object (415 unless application/json). */
int rq_json_body(http_request *rq, json_t **out);

#endif
