/*
** audit.h: the tamper-evident audit trail (等保 2.0 安全审计).
**
** Every audit record carries the SHA-256 of its predecessor's hash and of
** its own fields, so the records form a chain: changing, removing or
** reordering any record breaks the chain from that record on.  The head of
** the chain (last sequence number and hash) is also kept apart from the
** records, so that cutting records off the end is caught too.
**
** This module only computes and checks; the store appends records (in the
** same transaction as the write they describe) and reads them back in order.
*/
#ifndef TG_AUDIT_H
#define TG_AUDIT_H

#include <stdint.h>

#include "error.h"

#define TG_AUDIT_HASH_BYTES 32

typedef struct tg_audit_record {
	int64_t seq;          /* 1, 2, 3 ... without gaps */
	const char *at;       /* UTC time, "2026-11-27T08:43:11Z" */
	const char *user, *role, *ip;
	const char *event;    /* "login", "login_failed", "logout", "lockout", "write",
				 "import", "export", "reveal_id", "role_change" ... */
	const char *object;   /* "associations/51410300MJ07000149", or NULL */
	const char *outcome;  /* "ok", "denied", "failed" */
	const char *before, *after; /* JSON of the record before and after a write */
	unsigned char prev[TG_AUDIT_HASH_BYTES]; /* hash of the record before (zeros for seq 1) */
	unsigned char hash[TG_AUDIT_HASH_BYTES]; /* this record's hash */
} tg_audit_record;

/* Compute r->hash from r's fields and r->prev. */
void audit_seal(tg_audit_record *r);

/* Hex of a hash (65 bytes with NUL) and back (0 or TG_EINVAL). */
void audit_hex(const unsigned char h[TG_AUDIT_HASH_BYTES], char out[65]);
int audit_unhex(const char *hex, unsigned char h[TG_AUDIT_HASH_BYTES]);

/* Feed records in sequence order; returns 1 with *out filled, 0 at the
** end, negative on error. */
typedef int (*audit_next_fn)(void *ctx, tg_audit_record *out);

/* Walk the chain.  The chain is intact when every record's prev equals its
** predecessor's hash, every hash matches its fields, sequence numbers run
** 1, 2, 3 ... and the last record is the recorded head (head_seq, head_hash;
** head_hash may be NULL when nothing was ever audited).  On a break,
** returns TG_EINVAL with *bad_seq the first broken record (or the missing
** one) and err saying what is wrong in Chinese. */
int audit_verify(audit_next_fn next, void *ctx, int64_t head_seq,
		 const unsigned char *head_hash, int64_t *bad_seq, int64_t *count, tg_error *err);

/* The same walk for a log whose oldest records were purged: the first
** record must be anchor_seq + 1 and link to anchor_hash, the hash of the
** last purged record (kept apart, like the head).  anchor_seq 0 with
** anchor_hash NULL is audit_verify. */
int audit_verify_from(audit_next_fn next, void *ctx, int64_t anchor_seq,
		      const unsigned char *anchor_hash, int64_t head_seq,
		      const unsigned char *head_hash, int64_t *bad_seq, int64_t *count,
		      tg_error *err);

#endif
