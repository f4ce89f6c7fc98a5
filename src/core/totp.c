/*
** totp.c: RFC 6238 TOTP over RFC 4226 HOTP with HMAC-SHA1 (see totp.h).
**
** libcrypto's one-shot HMAC() computes the MAC; codes are compared in
** constant time.  OpenSSL also offers SM3 (EVP_sm3), the national hash, for
** when an assessor asks for it in the audit chain.
*/
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <string.h>

#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int totp_hotp(const unsigned char *key, size_t key_len, uint64_t counter,
	      char out[TOTP_DIGITS + 1])
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xFF);
		counter >>= 8;
	}
	if (!HMAC(EVP_sha1(), key, (int)key_len, msg, sizeof msg, mac, &mac_len) || mac_len < 20)
		return TG_EIO;
	unsigned off = mac[mac_len - 1] & 0x0F;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7F) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < TOTP_DIGITS; i++)
		mod *= 10;
	uint32_t v = bin % mod;
	for (int i = TOTP_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[TOTP_DIGITS] = '\0';
	OPENSSL_cleanse(mac, sizeof mac);
	return TG_OK;
}

int totp_code(const unsigned char *key, size_t key_len, int64_t t, char out[TOTP_DIGITS + 1])
{
	if (t < 0)
		return TG_EINVAL;
	return totp_hotp(key, key_len, (uint64_t)(t / TOTP_STEP_SECONDS), out);
}

void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t out_size)
{
	size_t o = 0;
	uint32_t buf = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			if (o + 1 < out_size)
				out[o++] = b32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < out_size)
		out[o++] = b32[(buf << (5 - bits)) & 31];
	if (out_size)
		out[o] = '\0';
}

int totp_base32_decode(const char *in, unsigned char *out, size_t out_size)
{
	uint32_t buf = 0;
	int bits = 0;
	size_t o = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-' || c == '=')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		const char *at = strchr(b32, c);
		if (!at || !c)
			return TG_EINVAL;
		buf = (buf << 5) | (uint32_t)(at - b32);
		bits += 5;
		if (bits >= 8) {
			if (o == out_size)
				return TG_EINVAL;
			out[o++] = (unsigned char)((buf >> (bits - 8)) & 0xFF);
			bits -= 8;
		}
	}
	return (int)o;
}

void totp_new_secret(char out[TOTP_SECRET_CHARS + 1])
{
	unsigned char raw[TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	totp_base32_encode(raw, sizeof raw, out, TOTP_SECRET_CHARS + 1);
	sodium_memzero(raw, sizeof raw);
}

int totp_check(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
	       int64_t *step)
{
	unsigned char key[64];
	int n = secret_b32 ? totp_base32_decode(secret_b32, key, sizeof key) : TG_EINVAL;
	int rc = TG_EINVAL;
	if (n < 10 || !code || strlen(code) != TOTP_DIGITS || now < 0)
		goto out;
	int64_t here = now / TOTP_STEP_SECONDS;
	for (int64_t d = -TOTP_DRIFT_STEPS; d <= TOTP_DRIFT_STEPS; d++) {
		int64_t s = here + d;
		char want[TOTP_DIGITS + 1];
		if (s < 0 || s <= last_step)
			continue;
		if (totp_hotp(key, (size_t)n, (uint64_t)s, want) == TG_OK &&
		    CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0 && rc != TG_OK) {
			rc = TG_OK;
			if (step)
				*step = s;
		}
	}
out:
	sodium_memzero(key, sizeof key);
	return rc;
}
