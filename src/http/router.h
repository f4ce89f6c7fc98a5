/*
** router.h: what every front end does with a request: the checks its
** headers decide (route, session, role, Origin and CSRF, scope) and the
** dispatch to its handler or to the static files (router.c).
*/
#ifndef TG_HTTP_ROUTER_H
#define TG_HTTP_ROUTER_H

#include <stdbool.h>

#include "request.h"

/* Every check of an API request that its headers decide: the route (404,
** 405), the session (401), the role (403), Origin and the CSRF token of a
** state-changing request (403), the scope of the route's object (404).
** Sets rq->admitted when the handler may run; otherwise the response is set
** (or a failure code returned).  A front end runs it before a byte of the
** body is read; router_dispatch runs it for a request not admitted yet. */
int router_admit(http_request *rq);
/* Route a request whose body is read: sets the response. */
void router_dispatch(http_request *rq);
/* Under /api or /healthz (else a static file). */
bool router_is_api(const char *path);
/* Not GET, HEAD or OPTIONS. */
bool method_changes_state(const char *method);

#endif
