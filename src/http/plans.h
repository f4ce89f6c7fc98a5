/*
** plans.h: the plans a server holds (the register's, or --plan's, and
** every jurisdiction's), loaded at start and again when `plan use` in any
** process changes a stored plan (plans.c).
*/
#ifndef TG_HTTP_PLANS_H
#define TG_HTTP_PLANS_H
#include "request.h"

/* Load the plans into srv->plan and srv->plan_batches from s (at start). */
int http_plans_load(tg_http_server *srv, tg_store *s, tg_error *err);
/* Before a request's handler: when the store's generation (read on s, in
** the request's snapshot) moved and the stored plans changed, load them
** again and swap them in.  Never fails a request: a plan that no longer
** loads keeps the one held. */
void http_plans_refresh(http_request *rq, tg_store *s);
/* Free the plans held and those swapped out (at stop). */
void http_plans_free(tg_http_server *srv);

#endif
