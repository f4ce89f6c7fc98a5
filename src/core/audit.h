/*
** audit.h: the tamper-evident audit trail (等保 2.0 安全审计).
**
** Every audit record carries its predecessor's MAC and a MAC of its own
** fields, so the records form a chain: changing, removing or reordering any
** record breaks the chain from that record on.  The head of the chain (last
** sequence number and MAC) is also kept apart from the records, so that
** cutting records off the end is caught too.
**
** The MAC is keyed (issue 14): HMAC-SM3 (GB/T 32905, GM/T 0054 for level 3
** systems) where OpenSSL offers SM3, else HMAC-SHA256, under the audit key,
** a file outside the database (tuogou-audit.key beside tuogou.key, or
** $TUOGOU_AUDIT_KEY).  Whoever can write the database but lacks the key
** cannot recompute the chain.  Each record names its algorithm: "sha256"
** (the plain hash of records written before the key existed; they still
** verify), "hmac-sm3" or "hmac-sha256".  Once a keyed record appears, every
** later record must be keyed, and a chain with no keyed record at all does
** not verify: the store's migration appends a keyed record at once, so a
** chain rewritten (or emptied) as plain SHA-256 is caught.  Checkpoints
** (sequence and MAC of the head, written outside the database by `tuogou
** audit checkpoint`) catch a rewrite of everything up to them even by a
** holder of the key file who does not hold the checkpoint file.
**
** This module only computes and checks; the store appends records (in the
** same transaction as the write they describe) and reads them back in order.
*/
#ifndef TG_AUDIT_H
#define TG_AUDIT_H

#include <stdint.h>

#include "error.h"

#define TG_AUDIT_HASH_BYTES 32
#define TG_AUDIT_KEY_BYTES 32

/* The audit key (32 random bytes from the audit key file). */
typedef struct tg_audit_key {
	unsigned char k[TG_AUDIT_KEY_BYTES];
} tg_audit_key;

typedef struct tg_audit_record {
	int64_t seq;          /* 1, 2, 3 ... without gaps */
	const char *at;       /* UTC time, "2026-11-27T08:43:11Z" */
	const char *user, *role, *ip;
	const char *event;    /* "login", "login_failed", "logout", "lockout", "write",
				 "import", "export", "reveal_id", "role_change" ... */
	const char *object;   /* "associations/51410300MJ07000149", or NULL */
	const char *outcome;  /* "ok", "denied", "failed" */
	const char *before, *after; /* JSON of the record before and after a write */
	const char *alg;      /* "sha256" (unkeyed, older records), "hmac-sm3" or
				 "hmac-sha256"; NULL reads as "sha256" */
	unsigned char prev[TG_AUDIT_HASH_BYTES]; /* hash of the record before (zeros for seq 1) */
	unsigned char hash[TG_AUDIT_HASH_BYTES]; /* this record's hash */
} tg_audit_record;

/* Compute r->hash as a plain SHA-256 of r's fields and r->prev, the
** algorithm "sha256" of the records written before the audit key. */
void audit_seal(tg_audit_record *r);

/* The keyed algorithm new records use: "hmac-sm3" when this OpenSSL offers
** SM3 (checked once, at run time), else "hmac-sha256". */
const char *audit_keyed_alg(void);
/* Whether alg is one of the keyed algorithms. */
int audit_alg_keyed(const char *alg);

/* Compute r->hash by r->alg: "sha256" (key unused) or a keyed one (key
** needed).  TG_EINVAL for an unknown algorithm or a keyed one without key. */
int audit_seal_alg(tg_audit_record *r, const tg_audit_key *key);

/* Hex of a hash (65 bytes with NUL) and back (0 or TG_EINVAL). */
void audit_hex(const unsigned char h[TG_AUDIT_HASH_BYTES], char out[65]);
int audit_unhex(const char *hex, unsigned char h[TG_AUDIT_HASH_BYTES]);

/* Feed records in sequence order; returns 1 with *out filled, 0 at the
** end, negative on error. */
typedef int (*audit_next_fn)(void *ctx, tg_audit_record *out);

/* A position of the chain written outside the database (tuogou audit
** checkpoint): the record's sequence number, MAC, algorithm and time, and
** the line of the checkpoint file it was read from. */
typedef struct tg_audit_checkpoint {
	int64_t seq;
	unsigned char mac[TG_AUDIT_HASH_BYTES];
	char alg[16];
	char at[24];  /* the record's time, "2026-11-27T08:43:11Z" ("" unknown) */
	long line;
} tg_audit_checkpoint;

/* What a chain is checked against.  key NULL: the chain cannot be checked
** (TG_ENOTFOUND "audit_key_missing").  The first record must be anchor_seq
** + 1 and link to anchor_hash (the last purged record; 0 and NULL when
** nothing was purged); the last must be head_seq with head_hash (NULL when
** nothing was ever audited).  checkpoints (sorted by seq) must each match
** the record of its seq; one older than the anchor passes only when its
** record's time is before purgeable_before (UTC time, the oldest a purge
** may have removed). */
typedef struct tg_audit_chain {
	const tg_audit_key *key;
	int64_t anchor_seq;
	const unsigned char *anchor_hash;
	int64_t head_seq;
	const unsigned char *head_hash;
	const tg_audit_checkpoint *checkpoints;
	size_t n_checkpoints;
	const char *purgeable_before;
} tg_audit_chain;

/* Walk the chain.  It is intact when sequence numbers run anchor_seq + 1,
** + 2 ... without gaps, every record's prev equals its predecessor's MAC,
** every MAC matches its fields under its algorithm, no unkeyed record
** follows a keyed one, at least one record is keyed, the last record is
** the head (also when there are no records: the anchor must then be the
** head) and every checkpoint matches.  On a break returns TG_EINVAL with
** *bad_seq the first broken record (or the missing one) and err saying
** what is wrong in Chinese; head (may be NULL) receives the last record. */
int audit_verify_chain(audit_next_fn next, void *ctx, const tg_audit_chain *c,
		       tg_audit_checkpoint *head, int64_t *bad_seq, int64_t *count, tg_error *err);

/* Read a checkpoint file: every line holding "tuogou-audit-checkpoint"
** (other lines, such as the rest of a syslog, are skipped), sorted by seq
** into *out (malloc'd).  TG_EINVAL "bad_checkpoint" naming the line of a
** malformed one, or when the file holds none; TG_EIO when unreadable. */
int audit_checkpoints_read(const char *path, tg_audit_checkpoint **out, size_t *n,
			   tg_error *err);
/* The checkpoint line of a head (no newline), at: the time it is written. */
void audit_checkpoint_line(const tg_audit_checkpoint *head, const char *at, char *out,
			   size_t size);

#endif
