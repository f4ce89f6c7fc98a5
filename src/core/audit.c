/*
** audit.c: sealing and verifying the audit chain (see audit.h).
**
** The MAC input is every field, each preceded by its length (or a marker
** for NULL), so that no two different records can produce the same input.
** Plain SHA-256 ("sha256", the records written before the audit key) comes
** from libsodium; HMAC-SM3 and HMAC-SHA256 from OpenSSL 3's EVP_MAC.  A
** keyed record's input starts "tuogou-audit/2" and includes its algorithm,
** so a record cannot be passed off under another algorithm.
*/
#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

#define ALG_LEGACY "sha256"
#define ALG_SM3 "hmac-sm3"
#define ALG_SHA256 "hmac-sha256"

/* Where the MAC input goes: a SHA-256 state or an OpenSSL MAC context. */
typedef struct feed {
	crypto_hash_sha256_state sha;
	EVP_MAC_CTX *mac;
	int failed;
} feed;

static void feed_bytes(feed *f, const void *p, size_t n)
{
	if (f->mac) {
		if (!EVP_MAC_update(f->mac, p, n))
			f->failed = 1;
	} else {
		crypto_hash_sha256_update(&f->sha, p, n);
	}
}

static void add_field(feed *f, const char *s)
{
	unsigned char len[9];
	if (!s) {
		memset(len, 0xFF, sizeof len);
		feed_bytes(f, len, sizeof len);
		return;
	}
	size_t n = strlen(s);
	len[0] = 'L';
	for (int i = 0; i < 8; i++)
		len[1 + i] = (unsigned char)(n >> (8 * (7 - i)));
	feed_bytes(f, len, sizeof len);
	feed_bytes(f, s, n);
}

static void add_fields(feed *f, const tg_audit_record *r)
{
	char seq[32];
	snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
	add_field(f, seq);
	add_field(f, r->at);
	add_field(f, r->user);
	add_field(f, r->role);
	add_field(f, r->ip);
	add_field(f, r->event);
	add_field(f, r->object);
	add_field(f, r->outcome);
	add_field(f, r->before);
	add_field(f, r->after);
}

void audit_seal(tg_audit_record *r)
{
	feed f = {.mac = NULL};
	crypto_hash_sha256_init(&f.sha);
	feed_bytes(&f, "tuogou-audit/1", 14);
	feed_bytes(&f, r->prev, sizeof r->prev);
	add_fields(&f, r);
	crypto_hash_sha256_final(&f.sha, r->hash);
}

static int have_sm3;

static void probe_sm3(void)
{
	EVP_MD *md = EVP_MD_fetch(NULL, "SM3", NULL);
	have_sm3 = md != NULL;
	EVP_MD_free(md);
}

const char *audit_keyed_alg(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, probe_sm3);
	return have_sm3 ? ALG_SM3 : ALG_SHA256;
}

int audit_alg_keyed(const char *alg)
{
	return alg && (!strcmp(alg, ALG_SM3) || !strcmp(alg, ALG_SHA256));
}

/* HMAC with OpenSSL's digest `digest` ("SM3", "SHA256") over the record. */
static int seal_hmac(tg_audit_record *r, const tg_audit_key *key, const char *digest)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	feed f = {.mac = mac ? EVP_MAC_CTX_new(mac) : NULL};
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
		OSSL_PARAM_construct_end()};
	size_t len = 0;
	int rc = TG_EINVAL;
	if (f.mac && EVP_MAC_init(f.mac, key->k, sizeof key->k, params)) {
		feed_bytes(&f, "tuogou-audit/2", 14);
		feed_bytes(&f, r->prev, sizeof r->prev);
		add_field(&f, r->alg);
		add_fields(&f, r);
		if (!f.failed && EVP_MAC_final(f.mac, r->hash, &len, sizeof r->hash) &&
		    len == sizeof r->hash)
			rc = TG_OK;
	}
	EVP_MAC_CTX_free(f.mac);
	EVP_MAC_free(mac);
	return rc;
}

int audit_seal_alg(tg_audit_record *r, const tg_audit_key *key)
{
	if (!r->alg || !strcmp(r->alg, ALG_LEGACY)) {
		audit_seal(r);
		return TG_OK;
	}
	if (!key)
		return TG_EINVAL;
	if (!strcmp(r->alg, ALG_SM3))
		return seal_hmac(r, key, "SM3");
	if (!strcmp(r->alg, ALG_SHA256))
		return seal_hmac(r, key, "SHA256");
	return TG_EINVAL;
}

void audit_hex(const unsigned char h[TG_AUDIT_HASH_BYTES], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < TG_AUDIT_HASH_BYTES; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int audit_unhex(const char *hex, unsigned char h[TG_AUDIT_HASH_BYTES])
{
	if (!hex || strlen(hex) != 64)
		return TG_EINVAL;
	for (int i = 0; i < TG_AUDIT_HASH_BYTES; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return TG_EINVAL;
		h[i] = (unsigned char)(hi << 4 | lo);
	}
	return TG_OK;
}

/* The checkpoints older than the first record: each must be the anchor,
** or of a record old enough to have been purged. */
static int check_purged(const tg_audit_chain *c, size_t *ci, int64_t *bad_seq, tg_error *err)
{
	for (; *ci < c->n_checkpoints && c->checkpoints[*ci].seq <= c->anchor_seq; (*ci)++) {
		const tg_audit_checkpoint *cp = &c->checkpoints[*ci];
		if (cp->seq == c->anchor_seq && c->anchor_hash) {
			if (memcmp(cp->mac, c->anchor_hash, sizeof cp->mac)) {
				*bad_seq = cp->seq;
				return tg_error_set(err, TG_EINVAL, "audit_checkpoint", "",
						    "审计记录第 %lld 条与检查点（第 %ld 行）不符：检查点之前的记录被改写",
						    (long long)cp->seq, cp->line);
			}
			continue;
		}
		if (!cp->at[0] || !c->purgeable_before || strcmp(cp->at, c->purgeable_before) >= 0) {
			*bad_seq = cp->seq;
			return tg_error_set(err, TG_EINVAL, "audit_checkpoint_cut", "",
					    "检查点（第 %ld 行）记有的第 %lld 条审计记录不足 180 天，却已不在审计记录中：记录被删除",
					    cp->line, (long long)cp->seq);
		}
	}
	return TG_OK;
}

int audit_verify_chain(audit_next_fn next, void *ctx, const tg_audit_chain *c,
		       tg_audit_checkpoint *head, int64_t *bad_seq, int64_t *count, tg_error *err)
{
	unsigned char last[TG_AUDIT_HASH_BYTES] = {0};
	int64_t expect = c->anchor_seq + 1, first_keyed = 0;
	size_t ci = 0;
	if (c->anchor_hash)
		memcpy(last, c->anchor_hash, sizeof last);
	*bad_seq = 0;
	*count = 0;
	if (head)
		memset(head, 0, sizeof *head);
	if (!c->key)
		return tg_error_set(err, TG_ENOTFOUND, "audit_key_missing", "",
				    "无法验证审计记录：没有审计密钥，不能判断审计记录是否完整");
	int rc = check_purged(c, &ci, bad_seq, err);
	if (rc)
		return rc;
	tg_audit_record r;
	int got;
	while ((got = next(ctx, &r)) > 0) {
		unsigned char stored[TG_AUDIT_HASH_BYTES];
		memcpy(stored, r.hash, sizeof stored);
		if (r.seq != expect) {
			*bad_seq = expect;
			return tg_error_set(err, TG_EINVAL, "audit_gap", "", r.seq > expect
					    ? "审计记录第 %lld 条缺失（之后是第 %lld 条）"
					    : "审计记录顺序被打乱：第 %lld 条之后出现第 %lld 条",
					    (long long)expect, (long long)r.seq);
		}
		if (memcmp(r.prev, last, sizeof last)) {
			*bad_seq = r.seq;
			return tg_error_set(err, TG_EINVAL, "audit_chain", "",
					    "审计记录第 %lld 条与前一条的链接被破坏", (long long)r.seq);
		}
		int keyed = audit_alg_keyed(r.alg);
		if (!keyed && first_keyed) {
			*bad_seq = r.seq;
			return tg_error_set(err, TG_EINVAL, "audit_unkeyed", "",
					    "审计记录第 %lld 条没有用审计密钥签名，却在已签名的第 %lld 条之后：散列链被改写",
					    (long long)r.seq, (long long)first_keyed);
		}
		if (audit_seal_alg(&r, c->key) || memcmp(r.hash, stored, sizeof stored)) {
			*bad_seq = r.seq;
			return tg_error_set(err, TG_EINVAL, "audit_tampered", "",
					    "审计记录第 %lld 条的内容被修改", (long long)r.seq);
		}
		if (keyed && !first_keyed)
			first_keyed = r.seq;
		for (; ci < c->n_checkpoints && c->checkpoints[ci].seq <= r.seq; ci++)
			if (c->checkpoints[ci].seq < r.seq ||
			    memcmp(c->checkpoints[ci].mac, stored, sizeof stored)) {
				*bad_seq = c->checkpoints[ci].seq;
				return tg_error_set(err, TG_EINVAL, "audit_checkpoint", "",
						    "审计记录第 %lld 条与检查点（第 %ld 行）不符：检查点之前的记录被改写",
						    (long long)c->checkpoints[ci].seq,
						    c->checkpoints[ci].line);
			}
		if (head) {
			head->seq = r.seq;
			memcpy(head->mac, stored, sizeof head->mac);
			snprintf(head->alg, sizeof head->alg, "%s", r.alg ? r.alg : ALG_LEGACY);
			snprintf(head->at, sizeof head->at, "%s", r.at ? r.at : "");
		}
		memcpy(last, stored, sizeof last);
		expect++;
		(*count)++;
	}
	if (got < 0)
		return tg_error_set(err, TG_EIO, "audit_read", "", "无法读取审计记录");
	int64_t last_seq = c->anchor_seq + *count;
	/* also at 0 records: then the anchor must be the head */
	if (last_seq != c->head_seq || (c->head_hash && memcmp(c->head_hash, last, sizeof last)) ||
	    (!c->head_hash && last_seq)) {
		*bad_seq = last_seq + 1 <= c->head_seq ? last_seq + 1 : c->head_seq;
		return tg_error_set(err, TG_EINVAL, "audit_truncated", "",
				    "审计记录到第 %lld 条为止，与登记的链尾（第 %lld 条）不符：末尾记录被删除或替换",
				    (long long)last_seq, (long long)c->head_seq);
	}
	if (ci < c->n_checkpoints) {
		*bad_seq = last_seq + 1;
		return tg_error_set(err, TG_EINVAL, "audit_checkpoint_cut", "",
				    "检查点（第 %ld 行）记有第 %lld 条，而审计记录只到第 %lld 条：末尾记录被删除",
				    c->checkpoints[ci].line, (long long)c->checkpoints[ci].seq,
				    (long long)last_seq);
	}
	if (!first_keyed) {
		*bad_seq = last_seq ? c->anchor_seq + 1 : c->head_seq;
		return tg_error_set(err, TG_EINVAL, "audit_unkeyed", "",
				    "审计记录中没有一条用审计密钥签名：整条散列链被删除或改写");
	}
	return TG_OK;
}

/* ---- checkpoint files ---- */

#define CHECKPOINT_TAG "tuogou-audit-checkpoint"

void audit_checkpoint_line(const tg_audit_checkpoint *h, const char *at, char *out, size_t size)
{
	char hex[65];
	audit_hex(h->mac, hex);
	snprintf(out, size, CHECKPOINT_TAG " at=%s seq=%lld alg=%s mac=%s record_at=%s", at,
		 (long long)h->seq, h->alg, hex, h->at);
}

/* The value of " name=" in line, up to the next space, into out. */
static int field_of(const char *line, const char *name, char *out, size_t size)
{
	char key[24];
	snprintf(key, sizeof key, " %s=", name);
	const char *p = strstr(line, key);
	if (!p)
		return -1;
	p += strlen(key);
	size_t n = strcspn(p, " \t\r\n");
	if (n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	const tg_audit_checkpoint *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int audit_checkpoints_read(const char *path, tg_audit_checkpoint **out, size_t *n,
			   tg_error *err)
{
	*out = NULL;
	*n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return tg_error_set(err, TG_EIO, "checkpoint_file", "--checkpoint",
				    "无法读取检查点文件“%s”：%s", path, strerror(errno));
	char line[1024], seq[24], mac[80];
	size_t alloc = 0;
	long no = 0;
	int rc = TG_OK;
	while (rc == TG_OK && fgets(line, sizeof line, f)) {
		no++;
		if (!strstr(line, CHECKPOINT_TAG))
			continue;
		tg_audit_checkpoint cp = {.line = no};
		char *end = NULL;
		if (field_of(line, "seq", seq, sizeof seq) || field_of(line, "mac", mac, sizeof mac) ||
		    field_of(line, "alg", cp.alg, sizeof cp.alg) ||
		    (cp.seq = strtoll(seq, &end, 10)) <= 0 || *end || audit_unhex(mac, cp.mac)) {
			rc = tg_error_set(err, TG_EINVAL, "bad_checkpoint", "--checkpoint",
					  "检查点文件“%s”第 %ld 行格式不对（应有 seq=、alg=、mac=）", path, no);
			break;
		}
		if (field_of(line, "record_at", cp.at, sizeof cp.at))
			cp.at[0] = '\0';
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			tg_audit_checkpoint *p = realloc(*out, alloc * sizeof *p);
			if (!p) {
				rc = TG_ENOMEM;
				break;
			}
			*out = p;
		}
		(*out)[(*n)++] = cp;
	}
	fclose(f);
	if (rc == TG_OK && !*n)
		rc = tg_error_set(err, TG_EINVAL, "bad_checkpoint", "--checkpoint",
				  "检查点文件“%s”中没有检查点（tuogou audit checkpoint 写入的行）", path);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	qsort(*out, *n, sizeof **out, by_seq);
	return TG_OK;
}
