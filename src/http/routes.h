/*
** routes.h: the route table (routes.c) and matching a request to it.
*/
#ifndef TG_HTTP_ROUTES_H
#define TG_HTTP_ROUTES_H

#include <stdbool.h>

#include "request.h"
#include "roles.h"

extern const tg_route tg_routes[];
extern const size_t tg_routes_count;

/* Match method and path.  Returns the route, or NULL with *path_known set
** when another method would match (405). */
const tg_route *route_match(const char *method, const char *path, route_params *params,
			    bool *path_known);
/* The body cap of whatever route a path would reach (before the method
** is known to be allowed). */
size_t route_body_cap(const char *method, const char *path);

#endif
