#!/usr/bin/env bash
# audit_chain.sh: issue 14, item 4: the audit chain is a keyed MAC
# (HMAC-SM3) under an audit key file that is not in the database.  The
# attacks of the penetration test, done the way the holder of the database
# file would do them (sqlite3 or psql): drop the triggers, delete a record
# and recompute the chain with plain SHA-256; delete every record and set
# the anchor to the head.  Neither may verify.  Without the key, verify
# says it cannot verify (exit 3), never "intact".  `audit checkpoint`
# writes the head outside the database and `verify --checkpoint` catches a
# cut end or a rewrite even by the key's holder.  Records written by the
# code before the key (tests/data/audit-legacy.sql, made at 3bd5d5b) still
# verify after migration 9.  On SQLite and on PostgreSQL.
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C.UTF-8
PW='Zz-test-Pass-2017'
PG=${TUOGOU_TEST_DB_URL:+1}

# q DB SQL: run SQL on a story database
q() {
	if [ -n "$PG" ]; then
		psql "$1" -X -q -t -A -v ON_ERROR_STOP=1 -c "$2"
	else
		sqlite3 -batch -noheader "$1" "$2"
	fi
}
rows_json() { # the log as JSON, in seq order
	if [ -n "$PG" ]; then
		q "$1" "SELECT coalesce(json_agg(json_build_object('seq', \"seq\", 'at', \"at\", 'user', \"user\",
			'role', \"role\", 'ip', \"ip\", 'event', \"event\", 'object', \"object\", 'outcome', \"outcome\",
			'before', \"before\", 'after', \"after\") ORDER BY \"seq\"), '[]') FROM audit_log"
	else
		q "$1" "SELECT json_group_array(json_object('seq', \"seq\", 'at', \"at\", 'user', \"user\",
			'role', \"role\", 'ip', \"ip\", 'event', \"event\", 'object', \"object\", 'outcome', \"outcome\",
			'before', \"before\", 'after', \"after\")) FROM (SELECT * FROM audit_log ORDER BY \"seq\")"
	fi
}
drop_triggers() {
	if [ -n "$PG" ]; then
		q "$1" 'ALTER TABLE audit_log DISABLE TRIGGER USER'
	else
		q "$1" 'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete'
	fi
}
has_alg() {
	if [ -n "$PG" ]; then
		q "$1" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'audit_log' AND column_name = 'alg'"
	else
		q "$1" "SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'alg'"
	fi
}
# forge DB ARGS...: replace the log by audit_forge.py's recomputed one
forge() {
	local db=$1
	shift
	rows_json "$db" >"$T/rows.json"
	local extra=
	[ "$(has_alg "$db")" = 1 ] && extra=--alg-column
	python3 "$TOP/tests/cli/audit_forge.py" "$T/rows.json" "$@" $extra >"$T/forge.sql" &&
		drop_triggers "$db" && q "$db" "$(cat "$T/forge.sql")"
}
# a database with a few audited writes
make_db() {
	local db
	db=$(db_url "$1")
	for u in alice bob carol; do
		printf '%s\n' "$PW" | tg user add "$u" --role office --db "$db" >/dev/null 2>"$T/err" ||
			fail "user add $u: $(cat "$T/err")"
	done
	tg settings set require_totp=0 --db "$db" >/dev/null
	echo "$db"
}
AKEY=$T/tuogou-audit.key # beside tuogou.key, beside the SQLite file or $TUOGOU_KEY

# --- the audit key file and an intact chain
DB=$(make_db main)
expect_eq "the audit key file is made beside the key file, mode 0600" 600 "$(stat -c %a "$AKEY" 2>&1)"
expect_eq "it is 32 bytes" 32 "$(stat -c %s "$AKEY" 2>&1)"
expect_exit "verify: intact" 0 tg audit verify --db "$DB"
expect_grep "says intact" '审计记录完整' "$T/out"
expect_eq "new records are HMAC-SM3" 0 "$(q "$DB" "SELECT count(*) FROM audit_log WHERE \"alg\" <> 'hmac-sm3'" 2>&1)"

# --- without the key: cannot verify, never intact
TUOGOU_AUDIT_KEY=$T/nowhere.key expect_exit "verify without the audit key: exit 3" 3 tg audit verify --db "$DB"
expect_grep "it says it cannot verify" '无法验证审计记录' "$T/err"
expect_grep "with a stable code" 'audit_key_missing' "$T/err"
grep -q '完整' "$T/out" && fail "verify without the key said intact" || pass "verify without the key does not say intact"
[ -e "$T/nowhere.key" ] && fail "a new audit key was made for a keyed chain" ||
	pass "no new audit key is made for a chain already keyed"
TUOGOU_AUDIT_KEY=$T/nowhere.key expect_exit "an audited write without the audit key is refused" 3 \
	tg settings set require_totp=0 --db "$DB"
expect_grep "naming the missing key" 'audit_key_missing' "$T/err"
cp "$AKEY" "$T/other.key" && chmod 644 "$T/other.key"
TUOGOU_AUDIT_KEY=$T/other.key expect_exit "an audit key readable by others is refused" 3 tg audit verify --db "$DB"

# --- checkpoints
expect_exit "checkpoint --to FILE" 0 tg audit checkpoint --db "$DB" --to "$T/cp.log"
expect_eq "the checkpoint file is 0600" 600 "$(stat -c %a "$T/cp.log" 2>&1)"
head_seq=$(q "$DB" "SELECT \"value\" FROM meta WHERE \"key\" = 'audit_head_seq'")
head_hash=$(q "$DB" "SELECT \"value\" FROM meta WHERE \"key\" = 'audit_head_hash'")
expect_grep "it holds the head's sequence number and MAC" "seq=$head_seq alg=hmac-sm3 mac=$head_hash" "$T/cp.log"
tg settings set require_totp=0 --db "$DB" >/dev/null
tg audit checkpoint --db "$DB" --to "$T/cp.log" >/dev/null
expect_eq "a second checkpoint is appended" 2 "$(grep -c tuogou-audit-checkpoint "$T/cp.log" 2>&1)"
expect_exit "verify --checkpoint: intact" 0 tg audit verify --db "$DB" --checkpoint "$T/cp.log"
expect_grep "against both checkpoints" '与 2 个检查点一致' "$T/out"
printf 'tuogou-audit-checkpoint seq=abc\n' >"$T/bad-cp.log"
expect_exit "a malformed checkpoint file: exit 2" 2 tg audit verify --db "$DB" --checkpoint "$T/bad-cp.log"
expect_grep "named" 'bad_checkpoint' "$T/err"
expect_exit "checkpoint to stdout" 0 tg audit checkpoint --db "$DB"
expect_grep "prints the line" '^tuogou-audit-checkpoint at=.* seq=[0-9]* alg=hmac-sm3 mac=[0-9a-f]\{64\} record_at=' "$T/out"

# truncate: the last two records deleted, the head set back to the third
# from the end (a valid keyed prefix: only the checkpoint can tell)
last=$(q "$DB" "SELECT max(\"seq\") FROM audit_log")
keep=$((last - 2))
keep_hash=$(q "$DB" "SELECT \"hash\" FROM audit_log WHERE \"seq\" = $keep")
drop_triggers "$DB"
q "$DB" "DELETE FROM audit_log WHERE \"seq\" > $keep;
	UPDATE meta SET \"value\" = '$keep' WHERE \"key\" = 'audit_head_seq';
	UPDATE meta SET \"value\" = '$keep_hash' WHERE \"key\" = 'audit_head_hash'"
expect_exit "the truncated chain alone still verifies (a keyed prefix)" 0 tg audit verify --db "$DB"
expect_exit "verify --checkpoint catches the cut end" 1 tg audit verify --db "$DB" --checkpoint "$T/cp.log"
expect_grep "as cut" 'audit_checkpoint_cut' "$T/out"

# rewrite by the key's holder: record 2 changed, the chain recomputed with the key
DB2=$(make_db rewrite)
tg audit checkpoint --db "$DB2" --to "$T/cp2.log" >/dev/null
forge "$DB2" "$AKEY" --change 2 || fail "forging with the key failed"
expect_exit "rewritten with the key: verify alone cannot tell" 0 tg audit verify --db "$DB2"
expect_exit "verify --checkpoint catches the rewrite" 1 tg audit verify --db "$DB2" --checkpoint "$T/cp2.log"
expect_grep "before the checkpoint" 'audit_checkpoint' "$T/out"

# --- the attack of the issue: triggers dropped, a record deleted, the
# chain recomputed with plain SHA-256 and the head set to its end
DB3=$(make_db attack)
before=$(q "$DB3" "SELECT count(*) FROM audit_log")
forge "$DB3" sha256 --drop 2 || fail "forging with SHA-256 failed"
expect_eq "(the forged log has one record fewer)" $((before - 1)) "$(q "$DB3" "SELECT count(*) FROM audit_log")"
expect_exit "the chain recomputed with plain SHA-256 does not verify" 1 tg audit verify --db "$DB3"
grep -q '完整' "$T/out" && fail "the SHA-256 forgery was called intact: $(cat "$T/out")" ||
	pass "the SHA-256 forgery is not called intact"

# --- every record deleted and the anchor set to the head
DB4=$(make_db empty)
drop_triggers "$DB4"
q "$DB4" "DELETE FROM audit_log;
	INSERT INTO meta (\"key\", \"value\") SELECT 'audit_anchor_seq', \"value\" FROM meta WHERE \"key\" = 'audit_head_seq';
	INSERT INTO meta (\"key\", \"value\") SELECT 'audit_anchor_hash', \"value\" FROM meta WHERE \"key\" = 'audit_head_hash'"
expect_exit "an emptied log with the anchor at the head does not verify" 1 tg audit verify --db "$DB4"
grep -q '完整' "$T/out" && fail "the emptied log was called intact: $(cat "$T/out")" ||
	pass "the emptied log is not called intact"

# --- records of the code before the key still verify after migration 9
DB5=$(make_db legacy)
drop_triggers "$DB5"
# A database of that code has none of the migrations after 9 either: undo
# migration 14 (催办 sent), 13 (accounts' last login), 12 (the county tier: accounts'
# jurisdiction, jurisdictions' plans) and 11 (issue 13's supervision
# arrays), which run again after 9 (migration 10, the names' pinyin keys
# dropped, runs again as it is).
q "$DB5" 'DROP TABLE urges'
q "$DB5" 'ALTER TABLE users DROP COLUMN "last_login_at"'
q "$DB5" 'DROP TABLE jurisdiction_plans; ALTER TABLE users DROP COLUMN "jurisdiction"'
q "$DB5" 'DROP INDEX associations_jurisdiction; DROP INDEX units_jurisdiction;
	ALTER TABLE associations DROP COLUMN "jurisdiction"; ALTER TABLE units DROP COLUMN "jurisdiction";
	ALTER TABLE posts DROP COLUMN "public_notice_on"; ALTER TABLE credit_listings DROP COLUMN "objection_on";
	ALTER TABLE credit_listings DROP COLUMN "objection_decided_on"; ALTER TABLE credit_listings DROP COLUMN "rectified_on";
	DROP TABLE service_purchases; DROP TABLE fees; DROP TABLE awards; DROP TABLE tax_exemptions;
	DROP TABLE ratings; DROP TABLE credit_commitments; DROP TABLE evaluations; DROP TABLE exit_cases;
	DROP TABLE jurisdictions'
if [ -n "$PG" ]; then
	q "$DB5" 'DELETE FROM audit_log; ALTER TABLE audit_log DROP COLUMN "alg";
		DELETE FROM schema_migrations WHERE "version" >= 9'
else
	q "$DB5" 'DELETE FROM audit_log; ALTER TABLE audit_log DROP COLUMN "alg"; PRAGMA user_version = 8'
fi
q "$DB5" "$(grep -v '^--' "$TOP/tests/data/audit-legacy.sql")"
mv "$AKEY" "$T/saved-audit.key" # an upgrade: no audit key yet
expect_exit "legacy records and migration 9: intact" 0 tg audit verify --db "$DB5"
expect_grep "the four old records and the first keyed one" '共 5 条' "$T/out"
expect_eq "the audit key is made at the upgrade" 600 "$(stat -c %a "$AKEY" 2>&1)"
expect_eq "the old records keep sha256, the new one is keyed" "sha256 4,hmac-sm3 1" \
	"$(q "$DB5" "SELECT \"alg\" || ' ' || count(*) FROM audit_log GROUP BY \"alg\" ORDER BY \"alg\" DESC" | paste -sd,)"
rm -f "$AKEY"
mv "$T/saved-audit.key" "$AKEY"

finish
