/*
** api_history.c: the change history of an association.
**
** History rows carry the records before and after as bundle JSON; ID
** numbers in them are masked on the way out like everywhere else.  (The
** import of a bundle over HTTP is api_import_sheets.c's.)
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
	sb_add_json_member(o, ", \"user\": ", c->user);
	sb_add_json_member(o, ", \"array\": ", c->array);
	sb_add_json_member(o, ", \"key\": ", c->key);
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
