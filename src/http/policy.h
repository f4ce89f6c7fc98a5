/*
** policy.h: the scope of a request (policy.c): whether its route's object,
** a record it writes and the records that one refers to are the user's;
** the rights themselves are src/app's (rights.h).
*/
#ifndef TG_HTTP_POLICY_H
#define TG_HTTP_POLICY_H

#include "request.h"
#include "rights.h"

/* Every reference of row (one changed from before, when not NULL) lies in
** the user's scope; else *field names the first that does not. */
int policy_refs_in_scope(http_request *rq, int a, const void *row, const void *before,
			 const char **field);
/* Whether a record (about to be written) lies in u's scope. */
int policy_row_in_scope(http_request *rq, int a, const void *row, bool *in);
/* The scope check of a route's object. */
int policy_check_scope(http_request *rq, bool *in);

#endif
