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

/* Key rotation (`tuogou key rotate`), in this order so that no crash can
** leave the data sealed under a key that is not on disk:
**   1. secret_key_write_new: a new random key in "<path>.new" (0600,
**      fsync, folder fsync), before the database transaction;
**   2. the transaction re-seals everything under it and commits;
**   3. secret_key_install: "<path>" is linked to "<path>.old" (the old key,
**      kept for backups made under it), then "<path>.new" renamed over it.
** A crash between 1 and 3 leaves "<path>.new": the store finds at open
** which key the data is under (secret_key_recover) and finishes or undoes
** the rotation. */
void secret_key_new_path(const char *path, char *out, size_t size);
void secret_key_old_path(const char *path, char *out, size_t size);
int secret_key_write_new(const char *path, tg_secret_key *key, tg_error *err);
int secret_key_install(const char *path, tg_error *err);
/* With "<path>.new" present: install it when sealed (a value sealed for
** ad, or NULL: nothing is sealed) opens under it; delete it when sealed
** opens under the key at path, or nothing is sealed.  Neither key opening
** it is an error; without "<path>.new" nothing is done. */
int secret_key_recover(const char *path, const char *ad, const char *sealed, tg_error *err);

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
