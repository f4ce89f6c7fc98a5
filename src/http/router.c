/*
** router.c: the life of a request between its front end and its handler,
** the same for a request from a socket (server.c) and one in-process
** (dispatch.c): the checks its headers decide, then the handler of its
** route, or a static file.
**
** Authorization comes first (router_admit): the route (404, 405), the
** session (401), the role (403), Origin and the CSRF token (403), the
** scope of the route's object (404); the handler runs only when all
** passed.  A request that changes nothing reads one snapshot of the store.
*/
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "policy.h"
#include "respond.h"
#include "plans.h"
#include "router.h"
#include "routes.h"

bool router_is_api(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strcmp(path, "/healthz");
}

bool method_changes_state(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

static void allow_header(http_request *rq)
{
	char allow[64] = "";
	size_t used = 0;
	for (size_t i = 0; i < tg_routes_count; i++) {
		const tg_route *r = &tg_routes[i];
		route_params p = {{0}, 0};
		bool known;
		if (route_match(r->method, rq->path, &p, &known) == r && !strstr(allow, r->method))
			used += (size_t)snprintf(allow + used, sizeof allow - used, "%s%s",
						 used ? ", " : "", r->method);
		route_params_free(&p);
	}
	reply_header(rq, "Allow", allow);
}

/* Runs before a byte of the body is read (server.c) or, for a request
** whose body is read already (dispatch.c) and every GET, from
** dispatch_api. */
int router_admit(http_request *rq)
{
	bool path_known = false;
	rq->route = route_match(rq->method, rq->path, &rq->params, &path_known);
	rq->routes = tg_routes;
	rq->n_routes = tg_routes_count;
	if (!rq->route) {
		if (path_known) {
			allow_header(rq);
			return reply_error(rq, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
					   "不支持的请求方法 %s", rq->method);
		}
		return reply_error(rq, HTTP_NOT_FOUND, "not_found", NULL, "没有这个接口");
	}
	const tg_route *r = rq->route;
	/* The thread's store acts for whoever asks: nobody until the session
	** says who (the audit log records it with every write). */
	tg_store *store = rq_store(rq);
	if (store)
		store_set_actor(store, "-", "-", rq->ip);
	if (r->roles & R_PUBLIC) {
		if (method_changes_state(rq->method) && auth_check_origin(rq))
			return reply_failure(rq, TG_EINVAL);
		rq->admitted = true;
		return TG_OK;
	}
	if (!store)
		return reply_failure(rq, TG_EIO);
	int rc = auth_session(rq);
	if (rc)
		return reply_failure(rq, rc);
	if (!rq->logged_in)
		return reply_error(rq, HTTP_UNAUTHORIZED, "unauthenticated", NULL,
				   "未登录或会话已过期，请重新登录");
	store_set_actor(store, rq->user.username, rq->user.role, rq->ip);
	if (!(r->roles & role_bit(rq->user.role))) {
		auth_audit_denied(rq, "forbidden");
		return reply_error(rq, HTTP_FORBIDDEN, "forbidden", NULL,
				   "当前角色无权进行此操作");
	}
	if (method_changes_state(rq->method) && (auth_check_origin(rq) || auth_check_csrf(rq))) {
		auth_audit_denied(rq, "csrf");
		return rq->responded ? 0 : reply_failure(rq, TG_EINVAL);
	}
	bool in = false;
	if ((rc = policy_check_scope(rq, &in)))
		return reply_failure(rq, rc);
	if (!in)
		return reply_error(rq, HTTP_NOT_FOUND, "not_found", NULL, "没有找到该记录");
	rq->admitted = true;
	return TG_OK;
}

static int dispatch_api(http_request *rq)
{
	if (!rq->admitted) {
		int rc = router_admit(rq);
		if (!rq->admitted)
			return rc;
	} else if (rq_store(rq)) {
		/* Admitted from the headers: other requests of this worker
		** thread have set the store's actor since. */
		if (rq->logged_in)
			store_set_actor(rq->store, rq->user.username, rq->user.role, rq->ip);
		else
			store_set_actor(rq->store, "-", "-", rq->ip);
	}
	return rq->route->fn(rq);
}

void router_dispatch(http_request *rq)
{
	int rc;
	if (rq->body_too_big) {
		reply_error(rq, HTTP_CONTENT_TOO_LARGE, "too_large", NULL,
			    "请求体过大（上限 %zu 字节）", rq->body_cap);
		return;
	}
	if (rq->body_busy) {
		reply_busy(rq);
		return;
	}
	if (rq->body_failed) {
		reply_error(rq, HTTP_INTERNAL_SERVER_ERROR, "io", NULL,
			    "无法暂存请求体，请稍后重试");
		return;
	}
	if (router_is_api(rq->path)) {
		/* A request that changes nothing reads one snapshot (store.h). */
		tg_store *store = method_changes_state(rq->method) ? NULL : rq_store(rq);
		if (store && store_read_begin(store, NULL) != TG_OK)
			store = NULL; /* each read then takes its own */
		/* a plan stored since (plan use, any process) holds from now on;
		** read in the snapshot the handler's findings come from */
		http_plans_refresh(rq, store ? store : rq_store(rq));
		rc = dispatch_api(rq);
		if (store)
			store_read_end(store);
	} else
		rc = static_serve(rq);
	if (!rq->responded)
		reply_failure(rq, rc ? rc : TG_EIO);
}

