/*
** secret.h: personal data at rest (个人信息保护法, 等保 2.0 数据保密性).
**
** ID numbers are stored encrypted with XChaCha20-Poly1305 (libsodium) under
** a 256-bit key kept in a file outside the database (mode 0600, made at
** setup).  Each ciphertext is bound to the record it belongs to (the
** associated data is "persons/<id>"), so a ciphertext copied onto another
** person does not decrypt.  The sealed text is "v1:" and the base64 of the
** nonce and the ciphertext, so it sits in a TEXT column and a future key or
** algorithm change can be told apart.
*/
#ifndef TG_SECRET_H
#define TG_SECRET_H

#include <stddef.h>

#include "error.h"

#define TG_SECRET_KEY_BYTES 32

typedef struct tg_secret_key {
	unsigned char k[TG_SECRET_KEY_BYTES];
} tg_secret_key;

/* Read the key file; with create, make it (random, mode 0600) when it does
** not exist.  A key file readable by others is refused. */
int secret_key_load(const char *path, int create, tg_secret_key *key, tg_error *err);

/* Seal plaintext for the record named by ad; the result (malloc'd) is
** "v1:base64". */
int secret_seal(const tg_secret_key *key, const char *plaintext, const char *ad, char **sealed,
		tg_error *err);
/* Open a sealed text; the plaintext (malloc'd) or TG_EINVAL when it was
** tampered with, sealed for another record, or under another key. */
int secret_open(const tg_secret_key *key, const char *sealed, const char *ad, char **plaintext,
		tg_error *err);

/* Whether a stored text is sealed ("v1:"). */
int secret_is_sealed(const char *text);

#endif
