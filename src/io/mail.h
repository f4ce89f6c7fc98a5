/*
** mail.h: mail through SMTP with libcurl, for `tuogou remind --mail` (the
** per-unit digests of 临近提醒 and 催办).  Off unless configured.
**
** The settings are a small text file (docs/mail.md), one "key = value" per
** line, # starts a comment:
**
**   smtp_url      = smtps://mail.example.gov.cn:465   (or smtp://host:587;
**                   STARTTLS is used when the server offers it)
**   smtp_from     = tuogou@example.gov.cn
**   smtp_user     = ...            (optional)
**   smtp_password = ...            (optional; the file must then be 0600)
**   tls           = try | require | none   (smtp://: default try)
**   to.U01        = a@example.gov.cn, b@example.gov.cn   (unit U01's digest)
**   to.office     = office@example.gov.cn   (the whole digest, every unit)
**
** The environment overrides the file: TUOGOU_SMTP_URL, TUOGOU_SMTP_FROM.
** Messages are UTF-8 plain text, base64-encoded, with an RFC 2047 subject;
** addresses and subjects with line breaks are refused (no header
** injection).
*/
#ifndef TG_MAIL_H
#define TG_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct tg_mail_route {
	char *key; /* "U01", "office" */
	char *to;  /* "a@x.cn, b@x.cn" */
} tg_mail_route;

typedef struct tg_mail_config {
	char *url, *from, *user, *password, *tls;
	tg_mail_route *routes;
	size_t n_routes;
} tg_mail_config;

/* Read path (when it exists; must_exist: a missing file is an error), then
** apply the environment.  Errors name the file and line.  Afterwards
** url and from must be set, else err "mail_not_configured". */
int mail_config_load(const char *path, bool must_exist, tg_mail_config *out, tg_error *err);
void mail_config_free(tg_mail_config *c);
/* The recipients of a key ("U01", "office"), or NULL. */
const char *mail_config_recipients(const tg_mail_config *c, const char *key);

/* Send one message to the comma-separated addresses of to.  Connect and
** transfer are bounded (10 s, 60 s).  err "mail_failed" with curl's reason. */
int mail_send(const tg_mail_config *c, const char *to, const char *subject, const char *body,
	      tg_error *err);

#endif
