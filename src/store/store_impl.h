/*
** store_impl.h: what the store's files share and nothing else uses.
**
** The helpers below do not depend on the database: the masked JSON of a
** record for the history and the audit log, the order of list queries,
** the birth date sealed beside an ID number; and the parts of the store's
** logic (store_*.c) that its other files call (import, opening).
*/
#ifndef TG_STORE_IMPL_H
#define TG_STORE_IMPL_H

#include <stdbool.h>

#include "db.h"
#include "secret.h"
#include "store.h"
#include "strbuf.h"

/* An ID number as it is written: sealed, the birth date (characters 7-14,
** which the masked number hides) sealed on its own, and the masked number,
** the one part kept in clear (first 6 and last 4 characters: alone it
** cannot give the number back). */
struct person_seal {
	char *sealed; /* malloc'd, or NULL: no number */
	char *birth;  /* malloc'd sealed "YYYY-MM-DD", or NULL: none */
	char masked[19];
};
void store_person_seal_free(struct person_seal *ps);
/* Seal p's full ID number for its record ("persons/<id>") and fill what is
** kept beside it: the sealed birth date and the masked number. */
int store_seal_number(const tg_secret_key *key, const tg_person *p, struct person_seal *ps,
		      tg_error *err);
/* A person's birth date, sealed for the record and the column (associated
** data "persons/<id>/birth"): the rules read it, the database file and its
** backups never show it. */
int store_seal_birth(const tg_secret_key *key, const char *id, tg_date birth, char **sealed,
		     tg_error *err);
/* The birth date a stored value holds: TG_DATE_NONE for NULL; TG_EINVAL
** ("bad_sealed") for a value not sealed for this record under this key. */
int store_open_birth(const tg_secret_key *key, const char *id, const char *sealed,
		     tg_date *birth, tg_error *err);

/* The number, birth date and masked number stored for person id (ps
** zeroed and *found false: none, or no number). */
int store_person_sealed(tg_store *s, const char *id, struct person_seal *ps, bool *found,
			tg_error *err);
/* What a person's row stores for p's ID number: sealed under the data key;
** a masked number (the web form sent back what it was shown) keeps the
** stored one when the masks agree, else TG_EINVAL "bad_id_number". */
int store_person_seal(tg_store *s, const tg_person *p, struct person_seal *ps, tg_error *err);
/* In the caller's write transaction: the history row and the audit record
** ("write") of row i of array a, as a single write records them and an
** import records each record it creates or changes (store_write.c). */
int store_record_changed(tg_store *s, const char *user, const tg_register *r, int a, size_t i,
			 const char *before, const char *after, tg_error *err);

/* Bulk load of array a (db_bulk_begin): every row merged by its key,
** with what the store derives (pinyin key; a person's sealed number,
** birth date and masked number from ps); end it with db_bulk_end
** (store_write.c). */
tg_stmt *store_bulk_begin(tg_store *s, int a, tg_error *err);
int store_bulk_row(tg_stmt *bulk, int a, const void *row, const struct person_seal *ps,
		   tg_error *err);

/* In the caller's write transaction: seal every number left in clear in
** persons (migration 3, rows written by other tools); seal the birth
** dates migration 6 moved aside (column birth_clear) and drop that column
** (store_keys.c). */
int store_seal_plain_ids(tg_store *s, tg_error *err);
int store_seal_clear_births(tg_store *s, tg_error *err);
/* At open: numbers written in clear by other tools since, sealed in one
** write. */
int store_seal_left_plain(tg_store *s, tg_error *err);
/* A number not sealed, not masked: in clear.  The condition of migration
** 15's partial index, term for term, so that the look of every
** store_open is one probe of an index that is normally empty. */
#define STORE_PLAIN_NUMBER                                                       \
	"\"id_number\" IS NOT NULL AND \"id_number\" NOT LIKE 'v1:%' AND " \
	"\"id_number\" NOT LIKE '%*%'"
/* An association's pinyin sort key (collate.h), in the caller's write;
** at open, in one write, the keys of rows written before migration 2 or
** by other tools (store_write.c). */
int store_set_pinyin(tg_store *s, const char *uscc, const char *name, tg_error *err);
int store_fill_missing_pinyin(tg_store *s, tg_error *err);

/* What an import does to row i of array a of bundle, against the record as
** stored (row 0 of cur, or cur NULL: there is none): *changed, and then the
** record's masked JSON before (NULL for a new record) and after, for its
** history row and its audit record, as a single write records them
** (malloc'd; nothing is allocated when unchanged).  A person whose masked
** JSON is the same is compared on the whole number by the caller
** (store_number_same), who calls again with force when the number changed
** where the mask hides it. */
int store_import_diff(const tg_register *cur, const tg_register *bundle, int a, size_t i,
		      bool force, char **before, char **after, bool *changed);
/* store_import_diff of row i of array a of bundle against the record as
** stored, a person's whole number compared where the mask hides it. */
int store_import_row_diff(tg_store *s, const tg_register *bundle, int a, size_t i, char **before,
			  char **after, bool *changed, tg_error *err);
/* Whether the sealed number stored for person id is number (a masked
** number, as an export gives it back, is the stored one when the masks
** agree: the caller compared them). */
int store_number_same(const tg_secret_key *key, const char *id, const char *sealed,
		      const char *number, bool *same, tg_error *err);
/* Birth date from characters 7-14 of a validated ID number. */
tg_date store_id_birth(const char *id);
/* The key columns of an array's table, quoted: "\"uscc\"" ... */
const char *store_key_columns(int a);
/* " ORDER BY ..." of a list query. */
void store_order_by(int a, const tg_list_query *q, strbuf *sql);
/* A record's JSON for the history and the audit log: ID numbers masked. */
char *store_record_json_masked(const tg_register *r, int a, const void *row);
/* The association a record belongs to, for the history. */
const char *store_row_association(int a, const void *row);
/* Whether two accounts have the same role and scope. */
bool store_same_scope(const tg_user *x, const tg_user *y);
/* The error for an account the database refused by a constraint (another
** connection removed its unit, or a check store_user_check would have
** caught): a missing unit or association (foreign_key), else a role that
** does not fit its scope; fields as store_user_check names them. */
int store_user_refused(const tg_user *u, bool foreign_key, tg_error *err);
/* An account as the audit log shows it (never the password hash). */
char *store_user_json(const tg_user *u);
/* The time of an audit record: now (or store_set_clock's), UTC,
** "2026-11-27T08:43:11Z". */
void store_audit_now(const tg_store *s, char out[24]);
/* The audit key (audit.h) of a store at path (store_audit_key_path): loaded
** when the file exists (refused when others may read it); when it does not,
** made (random, 0600) if `create` (the chain has no keyed record yet), else
** *have false: what needs the key says so.  The rules of secret_key_load. */
int store_audit_key_load(const char *path, bool create, tg_audit_key *key, bool *have,
			 tg_error *err);
/* The error of an audited write without the audit key. */
int store_audit_key_missing(const char *path, tg_error *err);
/* The oldest time (UTC) a purge may have reached: now less 180 days. */
void store_audit_purgeable_before(const tg_store *s, char out[24]);
/* The audit filter's Beijing dates as UTC times, the form of the log's
** "at": records with from <= at < to are those of the days from..to in
** Beijing time (00:00 Beijing time is 16:00 UTC of the day before).  An
** empty string for a date not given; TG_EINVAL (field "from" or "to") for
** one that is not a date. */
int store_audit_bounds(const tg_audit_filter *f, char from[24], char to[24], tg_error *err);

/* The columns of array a in schema order (an object's fields inline). */
typedef void (*store_column_fn)(const tg_field *f, const char *column, void *ctx);
void store_for_each_column(int a, store_column_fn fn, void *ctx);

/* The columns of array a written into sb, the first with the format first,
** the others with next (each format takes the column's name twice:
** "\"%s\" = excluded.\"%s\""); returns their number. */
int store_columns_sql(int a, strbuf *sb, const char *first, const char *next);

/* Set field f of a row (at p) from its text as a database gives it back
** (v NULL: null; a boolean "t"/"1"; numbers in decimal), strings in arena. */
void store_field_from_text(const tg_field *f, void *p, const char *v, tg_arena *arena);

/* An annual report's key "uscc/year": the association (copied to copy) and
** the year, -1 when the key holds none. */
int64_t store_key_year(const char *key, char *copy, size_t size);
/* A row read back gets its derived key (an annual report's "uscc/year"). */
void store_row_keyed(tg_register *r, int a, void *row);

/* At open, before the migrations: the data key and the audit key, each
** made when missing and nothing is sealed (keyed) under it yet
** (store_keys.c). */
int store_keys_load(tg_store *s, tg_error *err);
/* TG_OK when the data key is loaded, else the error naming its file. */
int store_need_key(tg_store *s, tg_error *err);
/* In the caller's write transaction: append one audit record for s->actor
** to the keyed chain (store_audit.c). */
int store_audit_append(tg_store *s, const char *event, const char *object, const char *outcome,
		       const char *before, const char *after, tg_error *err);
/* In the caller's write transaction: bump the generation; add a row to the
** change history (empty key, association, before or after: null). */
int store_generation_bump(tg_store *s, tg_error *err);
int store_change_add(tg_store *s, const char *user, const char *array, const char *key,
		     const char *association, const char *before, const char *after,
		     tg_error *err);

/* The audit event of a decision on a request for a second administrator's
** approval (issue 14): "approved" -> "user_approve" ... */
const char *store_request_event(const char *to);

/* One sealed value and its associated data (secret_key_recover): which
** key the data is under after a rotation that did not finish. */
extern const char store_sql_key_sample[];
/* A value sealed for ad under from, sealed again under to (malloc'd), and
** (*count)++; NULL for NULL; a value not sealed (a masked number) copied. */
int store_key_reseal(const tg_secret_key *from, const tg_secret_key *to, const char *ad,
		     const char *sealed, char **out, size_t *count, tg_error *err);
/* The "after" of the key_rotate audit record: the counts only. */
char *store_key_rotate_json(const tg_key_counts *n);

#endif
