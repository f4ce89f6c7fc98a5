/*
** api_history.c: the change history of an association, and import of a
** bundle over HTTP (with a dry run that stores nothing).
**
** History rows carry the records before and after as bundle JSON; ID
** numbers in them are masked on the way out like everywhere else.  An
** import is validated exactly as `tuogou import` validates a file: every
** error with its JSON path, references resolved against the bundle itself,
** the stored register and the plan's batches, and nothing stored unless
** everything passes.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "api.h"
#include "app.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "obligation.h"

struct history_ctx {
	strbuf *out;
	size_t n;
};

static void write_json_masked(strbuf *o, const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (!v) {
		sb_adds(o, "null");
		return;
	}
	if (json_is_object(v))
		api_mask_json(v);
	char *s = json_dumps(v, JSON_COMPACT);
	sb_adds(o, s ? s : "null");
	free(s);
	json_decref(v);
}

static void history_row(void *vctx, const tg_change *c)
{
	struct history_ctx *ctx = vctx;
	strbuf *o = ctx->out;
	sb_adds(o, ctx->n++ ? ",\n  " : "\n  ");
	sb_addf(o, "{\"id\": %lld, \"at\": ", (long long)c->id);
	sb_add_json_str(o, c->at);
	sb_adds(o, ", \"user\": ");
	sb_add_json_str(o, c->user);
	sb_adds(o, ", \"array\": ");
	sb_add_json_str(o, c->array);
	sb_adds(o, ", \"key\": ");
	sb_add_json_str(o, c->key);
	sb_adds(o, ", \"before\": ");
	write_json_masked(o, c->before);
	sb_adds(o, ", \"after\": ");
	write_json_masked(o, c->after);
	sb_addc(o, '}');
}

int api_history(http_request *rq)
{
	size_t page, per_page, total = 0;
	int rc = rq_paging(rq, &page, &per_page);
	if (rc)
		return rc;
	struct history_ctx ctx = {&rq->out, 0};
	sb_adds(&rq->out, "{\"items\": [");
	rc = store_history(rq_store(rq), rq->params.value[0], (page - 1) * per_page, per_page,
			   history_row, &ctx, &total, &rq->err);
	if (rc)
		return rc;
	sb_addf(&rq->out, "], \"total\": %zu, \"page\": %zu, \"per_page\": %zu}\n", total, page,
		per_page);
	return reply_json(rq, HTTP_OK);
}

/* ---- import ---- */

static void write_counts(strbuf *o, const tg_register *r)
{
	size_t n = 0;
	sb_adds(o, "{");
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!r->t[a].count)
			continue;
		sb_addf(o, "%s\"%s\": %zu", n++ ? ", " : "", tg_schema[a].key, r->t[a].count);
	}
	sb_adds(o, "}");
}

int api_import(http_request *rq)
{
	const char *dry = rq_query(rq, "dry_run");
	bool dry_run = dry && strcmp(dry, "0") && strcmp(dry, "false");
	const char *ct = rq_header(rq, HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncasecmp(ct, "application/json", 16))
		return reply_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
				   NULL, "数据包应为 JSON（Content-Type: application/json）");
	tg_register incoming, stored;
	register_init(&incoming);
	register_init(&stored);
	tg_errors *errs = calloc(1, sizeof *errs);
	if (!errs)
		abort();
	tg_errors_init(errs);
	rq->errs = errs;
	/* References may point into what is stored already. */
	int rc = store_load_register(rq_store(rq), &stored, &rq->err);
	if (rc)
		goto out;
	bundle_read_buffer(rq->body ? rq->body : "", rq->body_len, &incoming, errs);
	register_resolve(&incoming, rq->srv->plan_batches, rq->srv->plan->n_batches, &stored, errs);
	obligation_check_steps(&incoming, rq->srv->plan, &stored, errs);
	if (incoming.plan && strcmp(incoming.plan, rq->srv->plan->id))
		tg_errors_add(errs, "plan_mismatch", "plan", "数据包所属方案“%s”与所用方案“%s”不一致",
			      incoming.plan, rq->srv->plan->id);
	if (!errs->total) /* an acceptance the bundle newly records must be ready */
		app_workflow_check(&stored, &incoming, rq->srv->plan, false, errs, NULL);
	if (errs->total) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, errs->items[0].code, errs->items[0].path,
				 "数据包共有 %zu 处错误，未写入任何数据；第一处：%s", errs->total,
				 errs->items[0].message);
		goto out;
	}
	if (!dry_run && (rc = store_import_as(rq_store(rq), &incoming, rq->user.username,
					      &rq->err)))
		goto out;
	sb_addf(&rq->out, "{\"ok\": true, \"dry_run\": %s, \"counts\": ", dry_run ? "true" : "false");
	write_counts(&rq->out, &incoming);
	sb_adds(&rq->out, "}\n");
	rc = reply_json(rq, HTTP_OK);
out:
	register_release(&stored);
	register_release(&incoming);
	return rc;
}
