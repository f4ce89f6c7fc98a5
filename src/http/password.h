/*
** password.h: the password rules and hashing of accounts (auth.c), shared
** by the login, the API's account routes and `tuogou user add`.
*/
#ifndef TG_HTTP_PASSWORD_H
#define TG_HTTP_PASSWORD_H

#include "error.h"

/* Password rules: at least 10 characters, three of the four classes
** (lower case, upper case, digits, others), not containing the user name
** (case-insensitive).  err->code "weak_password" with the reason. */
int http_password_check(const char *username, const char *password, tg_error *err);
/* Argon2id (libsodium crypto_pwhash_str, interactive limits). */
int http_password_hash(const char *password, char out[128], tg_error *err);

#endif
