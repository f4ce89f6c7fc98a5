#!/usr/bin/env bash
# key_rotate.sh: issue 14, rotation of the data key (`tuogou key rotate`).
# The demo register's ID numbers are exported before and after a rotation:
# the same numbers under the new key, none under the old one (kept as
# <key>.old, 0600), one audit record with counts and no number.  Then the
# crash windows: after the commit but before the rename (the next command
# finishes the rotation) and before the commit (<key>.new left, data under
# the old key: the next command undoes it).
. "$(dirname "$0")/../lib.sh"

umask 022
BUNDLE=$TOP/data/demo-bundle.json
DB=$(db_url keys)
KEY=${TUOGOU_KEY:-$T/tuogou.key}
mode() { stat -c %a "$1"; }
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	SQL() { sqlite3 "$DB" "$1"; }
else
	SQL() { psql "$DB" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }
fi
# numbers EXPORT.json: "id number" of every person with a number, sorted
numbers() {
	python3 -c 'import json, sys
for p in sorted(json.load(open(sys.argv[1]))["persons"], key=lambda p: p["id"]):
    if p.get("id_number"):
        print(p["id"], p["id_number"])' "$1"
}

tg import --db "$DB" "$BUNDLE" >/dev/null 2>"$T/err" && pass "the demo register is imported" ||
	fail "import: $(head -c 300 "$T/err")"
printf 'pw-Key-rotate-1\n' | tg user add keyadmin --role office --totp --db "$DB" >/dev/null 2>"$T/err" ||
	fail "user add --totp: $(head -c 300 "$T/err")"
tg export --db "$DB" --format json -o "$T/before.json" >/dev/null 2>"$T/err" ||
	fail "export before: $(head -c 300 "$T/err")"
numbers "$T/before.json" >"$T/before.txt"
expect_eq "the export holds the 266 full numbers" 266 "$(grep -vc '\*' "$T/before.txt")"
totp_before=$(SQL "SELECT totp_secret FROM users WHERE username = 'keyadmin'")
cp "$KEY" "$T/key.1"

# --- PostgreSQL: refused while another tuogou connection (a server) is on the database
if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
	PGAPPNAME=tuogou psql "$DB" -X -q -c 'SELECT pg_sleep(4)' >/dev/null 2>&1 &
	sleeper=$!
	sleep 1
	expect_exit "refused while a server is connected" 2 tg key rotate --db "$DB"
	expect_grep "... saying why" "servers_running" "$T/err"
	cmp -s "$T/key.1" "$KEY" && [ ! -e "$KEY.new" ] && [ ! -e "$KEY.old" ] &&
		pass "... leaving the key files as they were" || fail "... leaving the key files as they were"
	wait "$sleeper"
fi

# --- the rotation
expect_grep "help: servers must be stopped first" "停止所有使用该数据库" <(tg key --help)
expect_exit "tuogou key rotate" 0 tg key rotate --db "$DB"
expect_grep "it says what it re-sealed" "公民身份号码 266 个、出生日期 266 个、动态口令 1 个" "$T/out"
expect_grep "it says to delete the old key once its backups are gone" "全部销毁后请删除" "$T/out"
cmp -s "$T/key.1" "$KEY" && fail "the key file changed" || pass "the key file changed"
cmp -s "$T/key.1" "$KEY.old" && pass "the old key is kept as .old" || fail "the old key is kept as .old"
expect_eq "the new key file is 0600" 600 "$(mode "$KEY")"
expect_eq "the old key file is 0600" 600 "$(mode "$KEY.old")"
[ ! -e "$KEY.new" ] && pass "no .new left" || fail "no .new left"
tg export --db "$DB" --format json -o "$T/after.json" >/dev/null 2>"$T/err" ||
	fail "export after: $(head -c 300 "$T/err")"
numbers "$T/after.json" >"$T/after.txt"
cmp -s "$T/before.txt" "$T/after.txt" && pass "the same 266 numbers under the new key" ||
	fail "the numbers differ after the rotation"
expect_exit "the old key no longer opens them (export with TUOGOU_KEY=.old fails)" 3 \
	env TUOGOU_KEY="$KEY.old" "$TUOGOU" export --db "$DB" --format json -o "$T/old.json"
expect_grep "... as a key that does not open the data" "bad_sealed" "$T/err"
totp_after=$(SQL "SELECT totp_secret FROM users WHERE username = 'keyadmin'")
[ -n "$totp_after" ] && [ "$totp_after" != "$totp_before" ] && pass "the TOTP secret is re-sealed" ||
	fail "the TOTP secret is re-sealed"

# --- the audit record: one, counts only
expect_eq "one key_rotate audit record" 1 "$(SQL "SELECT count(*) FROM audit_log WHERE event = 'key_rotate'")"
SQL "SELECT after FROM audit_log WHERE event = 'key_rotate'" >"$T/audit.txt"
expect_grep "it counts the numbers" '"id_numbers": 266' "$T/audit.txt"
grep -q '[0-9]\{17\}[0-9Xx]' "$T/audit.txt" && fail "no number in the audit record" ||
	pass "no number in the audit record"
expect_exit "the audit chain verifies" 0 tg audit verify --db "$DB"

# --- a second rotation while .old is there is refused
expect_exit "refused while the previous .old is there" 2 tg key rotate --db "$DB"
expect_grep "... saying why" "key_old_exists" "$T/err"
mv "$KEY.old" "$T/key.1.kept"

# opens_after_crash NAME: the next command opens the data, with the numbers
# as before (the export kept as $T/NAME.json).
opens_after_crash() {
	tg export --db "$DB" --format json -o "$T/$1.json" >/dev/null 2>"$T/err" &&
		pass "the next command opens the data" || fail "export after the crash: $(head -c 300 "$T/err")"
	numbers "$T/$1.json" >"$T/$1.txt"
	cmp -s "$T/before.txt" "$T/$1.txt" && pass "... with the same numbers" || fail "... with the same numbers"
}

# --- a crash after the commit, before the rename: the next command finishes it
cp "$KEY" "$T/key.2"
expect_exit "crash right after the commit (test hook)" 3 \
	env TUOGOU_TEST_CRASH_AFTER=key_commit "$TUOGOU" key rotate --db "$DB"
[ -e "$KEY.new" ] && pass "the crash left .new" || fail "the crash left .new"
cmp -s "$T/key.2" "$KEY" && pass "... and the key file as it was" || fail "... and the key file as it was"
opens_after_crash crash1
[ ! -e "$KEY.new" ] && pass "the rotation was finished (.new installed)" || fail "the rotation was finished"
cmp -s "$T/key.2" "$KEY" && fail "the key file is the new key" || pass "the key file is the new key"
cmp -s "$T/key.2" "$KEY.old" && pass "the key before is kept as .old" || fail "the key before is kept as .old"
expect_eq "the installed key is 0600" 600 "$(mode "$KEY")"
expect_eq "two key_rotate audit records" 2 "$(SQL "SELECT count(*) FROM audit_log WHERE event = 'key_rotate'")"
mv "$KEY.old" "$T/key.2.kept"

# --- a crash before the commit: .new left, data under the old key; undone
cp "$KEY" "$T/key.3"
expect_exit "crash after writing .new, before the transaction (test hook)" 3 \
	env TUOGOU_TEST_CRASH_AFTER=key_new "$TUOGOU" key rotate --db "$DB"
[ -e "$KEY.new" ] && pass "the crash left .new" || fail "the crash left .new"
expect_eq ".new is 0600" 600 "$(mode "$KEY.new")"
opens_after_crash crash2
[ ! -e "$KEY.new" ] && pass "the rotation was undone (.new deleted)" || fail "the rotation was undone"
cmp -s "$T/key.3" "$KEY" && pass "the key file is unchanged" || fail "the key file is unchanged"
[ ! -e "$KEY.old" ] && pass "no .old made" || fail "no .old made"
expect_eq "still two key_rotate audit records" 2 "$(SQL "SELECT count(*) FROM audit_log WHERE event = 'key_rotate'")"

# --- several processes opening the database at once after such a crash
# (servers starting together): each one opens the data, one finishes
cp "$KEY" "$T/key.4"
expect_exit "crash right after the commit, again" 3 \
	env TUOGOU_TEST_CRASH_AFTER=key_commit "$TUOGOU" key rotate --db "$DB"
pids=
for i in 1 2 3 4; do
	tg export --db "$DB" --format json -o "$T/race$i.json" >/dev/null 2>"$T/race$i.err" &
	pids="$pids $!"
done
ok=0
for p in $pids; do wait "$p" && ok=$((ok + 1)); done
expect_eq "four exports at once after the crash all open the data" 4 "$ok"
[ "$ok" = 4 ] || fail "race: $(cat "$T"/race*.err | head -c 400)"
numbers "$T/race4.json" >"$T/race4.txt"
cmp -s "$T/before.txt" "$T/race4.txt" && pass "... with the same numbers" || fail "... with the same numbers"
[ ! -e "$KEY.new" ] && cmp -s "$T/key.4" "$KEY.old" && ! cmp -s "$T/key.4" "$KEY" &&
	pass "... and the rotation finished once" || fail "... and the rotation finished once"
mv "$KEY.old" "$T/key.4.kept"

# --- a .new when neither key opens the data is refused, not guessed
cp "$T/key.1.kept" "$T/wrong.key"
head -c 32 /dev/urandom >"$T/wrong.key.new" && chmod 600 "$T/wrong.key.new"
expect_exit "neither key opens the data: refused" 3 \
	env TUOGOU_KEY="$T/wrong.key" "$TUOGOU" export --db "$DB" --format json -o "$T/x.json"
expect_grep "... saying so" "key_rotate_unknown" "$T/err"
[ -e "$T/wrong.key.new" ] && pass "... and touching no key file" || fail "... and touching no key file"
expect_exit "the audit chain still verifies" 0 tg audit verify --db "$DB"

finish
