/*
** totp.h: one-time passwords of RFC 6238 (TOTP) as the second factor of a
** login (等保 2.0 双因素认证): HMAC-SHA1 (RFC 4226), 30-second steps, six
** digits, one step of clock drift either way.  Secrets are 20 random bytes,
** shown to people and authenticator apps in RFC 4648 base32.
**
** HMAC-SHA1 comes from OpenSSL's libcrypto (libsodium offers no SHA-1).
*/
#ifndef TG_TOTP_H
#define TG_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
#define TOTP_DRIFT_STEPS 1
#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_CHARS 32 /* base32 of 20 bytes, no padding */

/* HOTP value of counter under key, as TOTP_DIGITS digits with NUL. */
int totp_hotp(const unsigned char *key, size_t key_len, uint64_t counter,
	      char out[TOTP_DIGITS + 1]);
/* The code of Unix time t (step = t / 30). */
int totp_code(const unsigned char *key, size_t key_len, int64_t t, char out[TOTP_DIGITS + 1]);

/* RFC 4648 base32 without padding (out: 8 characters per 5 bytes, + NUL). */
void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t out_size);
/* Decoding ignores spaces, '-' and padding and accepts lower case; the
** number of bytes or TG_EINVAL. */
int totp_base32_decode(const char *in, unsigned char *out, size_t out_size);

/* A new random secret in base32 (TOTP_SECRET_CHARS + 1 bytes). */
void totp_new_secret(char out[TOTP_SECRET_CHARS + 1]);

/* Check code against the base32 secret at time now: TG_OK with *step the
** step it matched, or TG_EINVAL.  A step at or before last_step (already
** used) never matches, so a code cannot be replayed. */
int totp_check(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
	       int64_t *step);

#endif
