/*
** auth.h: sessions, the login's limits, CSRF and Origin (auth.c).
*/
#ifndef TG_HTTP_AUTH_H
#define TG_HTTP_AUTH_H

#include "request.h"

#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCK_SECONDS (15 * 60)
#define REQUEST_TTL_SECONDS (72 * 3600) /* a request for approval expires */
#define LOGIN_ADMIN_DELAY_MAX 60 /* seconds: an administrator is delayed, never locked */
#define LOGIN_IP_MAX_FAILURES 20
#define LOGIN_IP_WINDOW_SECONDS (10 * 60)

int auth_session(http_request *rq);   /* sets rq->logged_in when the cookie is good */
int auth_check_csrf(http_request *rq);
int auth_check_origin(http_request *rq);
/* Audit a refused request ("access_denied", outcome "denied"). */
void auth_audit_denied(http_request *rq, const char *why);
/* The logged-in user's password again (Argon2id; the reveal): TG_OK when
** right (nothing is reset).  Otherwise TG_EINVAL with the response set as a
** login would answer: 400 required, 429 too_many_failures, 423
** account_locked, 403 bad_password (counted as a failed login for the
** account and the address), 503 login_limit_unavailable. */
int auth_password_again(http_request *rq, const char *password);
/* An account's scope as JSON members: , "unit": ..., "association": ...,
** "department": ..., "jurisdiction": ... (null for none). */
void auth_scope_json(strbuf *o, const tg_user *u);

#endif
