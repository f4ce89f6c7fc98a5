/*
** users.c: accounts (app.h), made by `tuogou user add` on the server and by
** an approved request of the web's 三员分立 (src/http/api_security.c): the
** account and, when it needs one, its TOTP secret in one transaction.  The
** password is the caller's (the command reads it, an approval makes one):
** its rules and its hash are the server's (password.h), the hash comes
** here ready.
*/
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "rights.h"
#include "roles.h"

int app_user_totp(tg_store *s, const tg_user *u, char secret[TOTP_SECRET_CHARS + 1],
		  tg_error *err)
{
	totp_new_secret(secret);
	int rc = store_user_totp_set(s, u->id, secret, err);
	if (rc)
		sodium_memzero(secret, TOTP_SECRET_CHARS + 1);
	return rc;
}

int app_user_add(tg_store *s, tg_user *u, bool want_totp, char secret[TOTP_SECRET_CHARS + 1],
		 tg_error *err)
{
	secret[0] = '\0';
	bool totp = want_totp || (role_bit(u->role) & R_ADMINS) ||
		    store_setting_on(s, "require_totp");
	int rc = store_tx_begin(s, err);
	if (rc)
		return rc;
	rc = store_user_add(s, u, err);
	if (rc == TG_OK)
		rc = store_user_get(s, u->username, 0, u, err);
	if (rc == TG_OK && totp)
		rc = app_user_totp(s, u, secret, err);
	int end = store_tx_end(s, rc == TG_OK, err);
	return rc ? rc : end;
}
