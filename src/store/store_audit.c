/*
** store_audit.c: the store's logic for the audit log, written once over
** the driver interface (db.h): appending a record to the keyed hash chain
** (audit.c) in the caller's write, the chain's head and purge anchor in
** meta, listing, verifying (against checkpoints too) and purging.
**
** Appends take turns on the chain's head: on SQLite every write already
** runs alone (BEGIN IMMEDIATE); on PostgreSQL db_write_lock takes an
** advisory lock, so that several servers on one database append in order.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "db.h"
#include "store.h"
#include "store_impl.h"
#include "strbuf.h"

/* The chain head's lock ("tuogou" in ASCII, + 1: the migrations have + 0). */
#define AUDIT_LOCK 127970165749110LL
#define AUDIT_KEEP_DAYS 180
#define AUDIT_PAGE 10000 /* records read at once by verify */

#define AUDIT_COLUMNS                                                                      \
	"\"seq\", \"at\", \"user\", \"role\", \"ip\", \"event\", \"object\", \"outcome\", "        \
	"\"before\", \"after\", \"prev\", \"hash\", \"alg\""

/* ---- the chain's positions in meta ---- */

static int meta_get(tg_store *s, const char *key, char *out, size_t size, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db, "SELECT \"value\" FROM meta WHERE \"key\" = ?", err);
	db_bind_text(st, 1, key);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = (str_copy(out, size, db_column_text(st, 0)), TG_OK);
	else if (rc == DB_DONE)
		rc = TG_ENOTFOUND;
	db_reset(st);
	return rc;
}

static int meta_set(tg_store *s, const char *key, const char *value, tg_error *err)
{
	return db_run_texts(s->db,
			    "INSERT INTO meta (\"key\", \"value\") VALUES (?, ?) ON CONFLICT "
			    "(\"key\") DO UPDATE SET \"value\" = excluded.\"value\"",
			    (const char *[]){key, value}, 2, err);
}

/* A chain position kept in meta: (seq, hash); seq 0 and zeros when unset. */
static int meta_position(tg_store *s, const char *seq_key, const char *hash_key, int64_t *seq,
			 unsigned char hash[TG_AUDIT_HASH_BYTES], bool *set, tg_error *err)
{
	char v[80];
	*seq = 0;
	memset(hash, 0, TG_AUDIT_HASH_BYTES);
	if (set)
		*set = false;
	int rc = meta_get(s, seq_key, v, sizeof v, err);
	if (rc == TG_ENOTFOUND)
		return TG_OK;
	if (rc)
		return rc;
	*seq = strtoll(v, NULL, 10);
	rc = meta_get(s, hash_key, v, sizeof v, err);
	if (rc == TG_OK && audit_unhex(v, hash) == TG_OK && set)
		*set = true;
	return rc == TG_ENOTFOUND ? TG_OK : rc;
}

/* ---- appending ---- */

/* Record r (seq, prev and the actor's fields set) sealed and written,
** and the head moved to it. */
static int audit_write(tg_store *s, tg_audit_record *r, tg_error *err)
{
	char prev_hex[65], hash_hex[65], seq_text[32];
	r->alg = audit_keyed_alg();
	if (!s->have_audit_key)
		return store_audit_key_missing(s->audit_key_path, err);
	if (audit_seal_alg(r, &s->audit_key))
		return tg_error_set(err, TG_EIO, "audit_seal", "", "无法计算审计记录的 %s", r->alg);
	audit_hex(r->prev, prev_hex);
	audit_hex(r->hash, hash_hex);
	tg_stmt *st = db_prepare(s->db,
				 "INSERT INTO audit_log (" AUDIT_COLUMNS ") "
				 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				 err);
	db_bind_int64(st, 1, r->seq);
	db_bind_texts(st, 2, (const char *const[]){r->at, r->user, r->role, r->ip, r->event}, 5);
	db_bind_text_or_null(st, 7, r->object);
	db_bind_text(st, 8, r->outcome);
	db_bind_text_or_null(st, 9, r->before);
	db_bind_text_or_null(st, 10, r->after);
	db_bind_texts(st, 11, (const char *const[]){prev_hex, hash_hex, r->alg}, 3);
	int rc = db_run(st, err);
	snprintf(seq_text, sizeof seq_text, "%lld", (long long)r->seq);
	if (rc == TG_OK)
		rc = meta_set(s, "audit_head_seq", seq_text, err);
	if (rc == TG_OK)
		rc = meta_set(s, "audit_head_hash", hash_hex, err);
	return rc;
}

int store_audit_append(tg_store *s, const char *event, const char *object, const char *outcome,
		       const char *before, const char *after, tg_error *err)
{
	const tg_actor *who = &s->actor;
	tg_audit_record r;
	char at[24];
	int64_t head = 0, anchor = 0;
	unsigned char anchor_hash[TG_AUDIT_HASH_BYTES];
	memset(&r, 0, sizeof r);
	int rc = db_write_lock(s->db, AUDIT_LOCK, err);
	if (rc == TG_OK)
		rc = meta_position(s, "audit_head_seq", "audit_head_hash", &head, r.prev, NULL, err);
	if (rc == TG_OK && !head)
		rc = meta_position(s, "audit_anchor_seq", "audit_anchor_hash", &anchor, anchor_hash,
				   NULL, err);
	if (rc)
		return rc;
	if (!head && anchor) {
		head = anchor;
		memcpy(r.prev, anchor_hash, sizeof r.prev);
	}
	store_audit_now(s, at);
	r.seq = head + 1;
	r.at = at;
	r.user = who->user[0] ? who->user : "-";
	r.role = who->role[0] ? who->role : "-";
	r.ip = who->ip[0] ? who->ip : "-";
	r.event = event;
	r.object = object;
	r.outcome = outcome ? outcome : "ok";
	r.before = before;
	r.after = after;
	return audit_write(s, &r, err);
}

int store_audit_add(tg_store *s, const char *event, const char *object, const char *outcome,
		    const char *before, const char *after, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = store_audit_append(s, event, object, outcome, before, after, err);
	return db_write_end(s->db, rc, err);
}

/* ---- reading ---- */

/* The current row of a statement of AUDIT_COLUMNS as a record; the strings
** live until the statement steps again. */
static void read_audit(tg_stmt *st, tg_audit_record *r)
{
	memset(r, 0, sizeof *r);
	r->seq = db_column_int64(st, 0);
	r->at = db_column_text(st, 1);
	r->user = db_column_text(st, 2);
	r->role = db_column_text(st, 3);
	r->ip = db_column_text(st, 4);
	r->event = db_column_text(st, 5);
	r->object = db_column_text(st, 6);
	r->outcome = db_column_text(st, 7);
	r->before = db_column_text(st, 8);
	r->after = db_column_text(st, 9);
	if (audit_unhex(db_column_text(st, 10), r->prev))
		memset(r->prev, 0xEE, sizeof r->prev); /* cannot link */
	if (audit_unhex(db_column_text(st, 11), r->hash))
		memset(r->hash, 0xEE, sizeof r->hash);
	r->alg = db_column_text(st, 12);
}

int store_audit_list(tg_store *s, const tg_audit_filter *f, size_t offset, size_t limit,
		     tg_audit_fn fn, void *ctx, size_t *total, tg_error *err)
{
	strbuf where, sql;
	const char *v[4];
	char from[24], to[24];
	int n = 0, rc = store_audit_bounds(f, from, to, err), step;
	if (rc)
		return rc;
	sb_init(&where);
	sb_init(&sql);
	sb_adds(&where, " FROM audit_log WHERE 1 = 1");
	if (f && f->user) {
		sb_adds(&where, " AND \"user\" = ?");
		v[n++] = f->user;
	}
	if (f && f->event) {
		sb_adds(&where, " AND \"event\" = ?");
		v[n++] = f->event;
	}
	if (from[0]) { /* Beijing days as UTC times (store_audit_bounds) */
		sb_adds(&where, " AND \"at\" >= ?");
		v[n++] = from;
	}
	if (to[0]) {
		sb_adds(&where, " AND \"at\" < ?");
		v[n++] = to;
	}
	sb_addf(&sql, "SELECT count(*)%s", where.buf);
	tg_stmt *st = db_prepare(s->db, sql.buf, err);
	for (int i = 0; i < n; i++)
		db_bind_text(st, i + 1, v[i]);
	step = db_step(st, err);
	*total = step == DB_ROW ? (size_t)db_column_int64(st, 0) : 0;
	db_reset(st);
	if (step < 0) {
		rc = step;
		goto out;
	}
	sql.len = 0;
	sb_addf(&sql, "SELECT " AUDIT_COLUMNS "%s ORDER BY \"seq\" DESC LIMIT ? OFFSET ?",
		where.buf);
	st = db_prepare(s->db, sql.buf, err);
	for (int i = 0; i < n; i++)
		db_bind_text(st, i + 1, v[i]);
	db_bind_size(st, n + 1, limit);
	db_bind_size(st, n + 2, offset);
	while ((step = db_step(st, err)) == DB_ROW) {
		tg_audit_record r;
		read_audit(st, &r);
		fn(ctx, &r);
	}
	db_reset(st);
	rc = step < 0 ? step : TG_OK;
out:
	sb_release(&where);
	sb_release(&sql);
	return rc;
}

/* The chain read in pages by seq (a national log does not fit one result). */
struct audit_walk {
	tg_store *s;
	tg_stmt *st;
	int rows; /* of the current page */
	int64_t last;
	bool done, failed;
	tg_error *err;
};

static int next_audit(void *vctx, tg_audit_record *out)
{
	struct audit_walk *w = vctx;
	for (;;) {
		if (w->done)
			return 0;
		if (!w->st) {
			w->st = db_prepare(w->s->db,
					   "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE \"seq\" > ? "
					   "ORDER BY \"seq\" LIMIT ?",
					   w->err);
			db_bind_int64(w->st, 1, w->last);
			db_bind_int64(w->st, 2, AUDIT_PAGE);
			w->rows = 0;
		}
		int step = db_step(w->st, w->err);
		if (step == DB_ROW) {
			w->rows++;
			read_audit(w->st, out);
			w->last = out->seq;
			return 1;
		}
		db_reset(w->st);
		w->st = NULL;
		if (step < 0) {
			w->failed = true;
			return -1;
		}
		w->done = w->rows < AUDIT_PAGE;
	}
}

int store_audit_verify_checkpoints(tg_store *s, const tg_audit_checkpoint *cps, size_t n_cps,
				   tg_audit_checkpoint *last, int64_t *bad_seq, int64_t *count,
				   tg_error *err)
{
	int64_t head, anchor;
	unsigned char head_hash[TG_AUDIT_HASH_BYTES], anchor_hash[TG_AUDIT_HASH_BYTES];
	bool head_set, anchor_set;
	*bad_seq = 0;
	*count = 0;
	int rc = db_read_begin(s->db, err); /* one snapshot */
	if (rc)
		return rc;
	rc = meta_position(s, "audit_head_seq", "audit_head_hash", &head, head_hash, &head_set,
			   err);
	if (rc == TG_OK)
		rc = meta_position(s, "audit_anchor_seq", "audit_anchor_hash", &anchor, anchor_hash,
				   &anchor_set, err);
	struct audit_walk w = {s, NULL, 0, INT64_MIN, false, false, err};
	char purgeable[24];
	store_audit_purgeable_before(s, purgeable);
	tg_audit_chain c = {s->have_audit_key ? &s->audit_key : NULL, anchor,
			    anchor_set ? anchor_hash : NULL, head, head_set ? head_hash : NULL,
			    cps, n_cps, purgeable};
	if (rc == TG_OK && !c.key)
		rc = tg_error_set(err, TG_ENOTFOUND, "audit_key_missing", s->audit_key_path,
				  "无法验证审计记录：缺少审计密钥文件“%s”（或用 TUOGOU_AUDIT_KEY 指定），"
				  "不能判断审计记录是否完整",
				  s->audit_key_path);
	if (rc == TG_OK)
		rc = audit_verify_chain(next_audit, &w, &c, last, bad_seq, count, err);
	if (w.st)
		db_reset(w.st);
	if (w.failed && rc == TG_OK)
		rc = TG_EIO;
	db_read_end(s->db);
	return rc;
}

int store_audit_verify(tg_store *s, int64_t *bad_seq, int64_t *count, tg_error *err)
{
	return store_audit_verify_checkpoints(s, NULL, 0, NULL, bad_seq, count, err);
}

/* ---- purging ---- */

/* The last record dated before cut: its seq (0: none), hash and how many
** records go with it. */
static int purge_point(tg_store *s, const char *cut, int64_t *last, char hash_hex[65],
		       int64_t *purged, tg_error *err)
{
	tg_stmt *st = db_prepare(s->db,
				 "SELECT \"seq\", \"hash\", (SELECT count(*) FROM audit_log WHERE "
				 "\"seq\" <= m.\"seq\") FROM audit_log m WHERE \"seq\" = (SELECT "
				 "max(\"seq\") FROM audit_log WHERE \"at\" < ?)",
				 err);
	db_bind_text(st, 1, cut);
	int step = db_step(st, err);
	if (step == DB_ROW) {
		*last = db_column_int64(st, 0);
		str_copy(hash_hex, 65, db_column_text(st, 1));
		*purged = db_column_int64(st, 2);
	}
	db_reset(st);
	return step < 0 ? step : TG_OK;
}

int store_audit_purge(tg_store *s, const char *before, int64_t *purged, tg_error *err)
{
	tg_date d, latest = date_today() - AUDIT_KEEP_DAYS;
	char latest_text[11], cut[32], seq_text[32], hash_hex[65] = "";
	int64_t last = 0;
	*purged = 0;
	if (!before || date_parse(before, &d))
		return tg_error_set(err, TG_EINVAL, "bad_date", "--before",
				    "日期“%s”无效（应为 YYYY-MM-DD）", before ? before : "");
	date_format(latest, latest_text);
	if (d > latest)
		return tg_error_set(err, TG_EINVAL, "audit_too_young", "--before",
				    "审计记录须保存至少 %d 天：只能清除 %s 以前的记录", AUDIT_KEEP_DAYS,
				    latest_text);
	snprintf(cut, sizeof cut, "%sT00:00:00Z", before);
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	/* no append may slip in between */
	rc = db_write_lock(s->db, AUDIT_LOCK, err);
	/* The oldest records only: everything up to the last one before the cut. */
	if (rc == TG_OK)
		rc = purge_point(s, cut, &last, hash_hex, purged, err);
	if (rc == TG_OK && last) {
		tg_stmt *st = db_prepare(s->db, "DELETE FROM audit_log WHERE \"seq\" <= ?", err);
		db_bind_int64(st, 1, last);
		rc = db_run(st, err);
		snprintf(seq_text, sizeof seq_text, "%lld", (long long)last);
		if (rc == TG_OK)
			rc = meta_set(s, "audit_anchor_seq", seq_text, err);
		if (rc == TG_OK)
			rc = meta_set(s, "audit_anchor_hash", hash_hex, err);
	}
	if (rc == TG_OK) {
		char after[256];
		snprintf(after, sizeof after,
			 "{\"before\": \"%s\", \"purged\": %lld, \"anchor_seq\": %lld, "
			 "\"anchor_hash\": \"%s\"}",
			 before, (long long)*purged, (long long)last, hash_hex);
		rc = store_audit_append(s, "audit_purge", NULL, "ok", NULL, after, err);
	}
	return db_write_end(s->db, rc, err);
}
