#!/usr/bin/env bash
# valgrind: yes
# Backup and restore drill: `tuogou backup` while the server is writing,
# `tuogou restore` into a fresh database, and the restored register checked
# against the backup: row counts of every table, the findings of `tuogou
# check`, `tuogou audit verify` (when the command exists); every write
# acknowledged before the backup began is in it.  Then the refusals: a file
# that is no register, a newer schema, a database a server holds open.
. "$(dirname "$0")/../lib.sh"
sqlite_only "the SQLite online backup; PostgreSQL backs up with pg_dump"
. "$(dirname "$0")/http_lib.bash"
need sqlite3
AS_OF=2017-12-31

http_setup
add_user office office
serve_start --quiet
[ "$(login office)" = 200 ] || { fail "login"; finish; exit 1; }

# writers: create persons until told to stop, noting each acknowledged one
writer() {
	local w=$1 i=0 code csrf
	csrf=$(cat "$T/csrf.office")
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -b "$T/jar.office" \
			-H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
			--data-binary "{\"id\": \"B-$w-$i\", \"name\": \"备份演练$w-$i\"}" "$BASE/api/v1/persons")
		[ "$code" = 201 ] && echo "B-$w-$i" >>"$T/acked.$w"
		[ "$code" = 000 ] && return
	done
}
pids=()
for w in 1 2 3; do
	writer $w &
	pids+=($!)
done
sleep 1
cat "$T"/acked.* 2>/dev/null | sort >"$T/acked-before"
expect_exit "backup while three clients write" 0 tg backup --db "$DB" "$T/backup.db"
sleep 0.5
touch "$T/stop"
for p in "${pids[@]}"; do wait "$p"; done
grep -q '已备份' "$T/out" && pass "backup says what it did: $(head -1 "$T/out")" || fail "backup output: $(cat "$T/out" "$T/err")"
[ ! -e "$T/backup.db.tmp" ] && pass "no temporary file is left" || fail "backup.db.tmp left behind"
[ ! -e "$T/backup.db-wal" ] && pass "the backup is one file (no WAL beside it)" || fail "backup.db-wal exists"
expect_eq "the backup passes integrity_check" ok "$(sqlite3 "$T/backup.db" 'PRAGMA integrity_check;')"
n_before=$(wc -l <"$T/acked-before")
missing=$(sqlite3 "$T/backup.db" "SELECT id FROM persons WHERE id LIKE 'B-%';" | sort | comm -23 "$T/acked-before" -)
[ "$n_before" -gt 0 ] && [ -z "$missing" ] &&
	pass "every write acknowledged before the backup began is in it ($n_before)" ||
	fail "acknowledged before the backup, missing from it: ${missing:-none acknowledged} ($n_before)"
echo "# $(cat "$T"/acked.* | wc -l) writes acknowledged in all; the backup holds $(sqlite3 "$T/backup.db" "SELECT count(*) FROM persons WHERE id LIKE 'B-%';")"

# restoring over the served database is refused while the server holds it
expect_exit "restore over a database a server has open is refused" 2 tg restore "$T/backup.db" --db "$DB"
expect_grep "…with db_in_use" 'db_in_use' "$T/err"
serve_stop

# restore into a fresh database; the sealing key and the audit key go
# beside it, as an operator restores them from where they are kept apart
mkdir -p "$T/fresh"
key=$(dirname "$DB")/tuogou.key
[ -f "$key" ] && cp -p "$key" "$T/fresh/tuogou.key"
[ -f "$(dirname "$DB")/tuogou-audit.key" ] && cp -p "$(dirname "$DB")/tuogou-audit.key" "$T/fresh/"
cp "$T/backup.db" "$T/pristine.db"
expect_exit "restore into a fresh database" 0 tg restore "$T/backup.db" --db "$T/fresh/tuogou.db"
cmp -s "$T/backup.db" "$T/pristine.db" && pass "restore leaves the backup file untouched" || fail "restore changed the backup file"
counts() { # every table's row count
	local db=$1 t
	for t in $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'association_names%' ORDER BY name;"); do
		echo "$t $(sqlite3 "$db" "SELECT count(*) FROM \"$t\";")"
	done
}
counts "$T/pristine.db" >"$T/counts.backup"
counts "$T/fresh/tuogou.db" >"$T/counts.restored"
if cmp -s "$T/counts.backup" "$T/counts.restored"; then
	pass "row counts of all $(wc -l <"$T/counts.backup") tables agree"
else
	fail "row counts differ: $(diff "$T/counts.backup" "$T/counts.restored" | head -5 | tr '\n' ' ')"
fi
cp "$T/pristine.db" "$T/probe.db"
[ -f "$key" ] && cp -p "$key" "$T/tuogou.key" 2>/dev/null
tg check --db "$T/probe.db" --as-of $AS_OF --format json >"$T/check.backup" 2>"$T/err"
tg check --db "$T/fresh/tuogou.db" --as-of $AS_OF --format json >"$T/check.restored" 2>>"$T/err"
if [ -s "$T/check.backup" ] && cmp -s "$T/check.backup" "$T/check.restored"; then
	pass "tuogou check finds the same $(grep -c '"rule"' "$T/check.restored") findings in the restored database"
else
	fail "findings differ after restore: $(head -c 300 "$T/err")"
fi
expect_eq "the restored database passes integrity_check" ok "$(sqlite3 "$T/fresh/tuogou.db" 'PRAGMA integrity_check;')"
if tg help 2>/dev/null | grep -q '^  audit '; then
	expect_exit "tuogou audit verify: the restored audit chain is whole" 0 tg audit verify --db "$T/fresh/tuogou.db"
else
	echo "# skipped: tuogou audit verify does not exist in this build"
fi
expect_exit "the restored register exports" 0 tg export --db "$T/fresh/tuogou.db" --format json -o "$T/restored.json"

# a quiet backup (no writers) restores to exactly the register it was taken of
tg export --db "$DB" --format json -o "$T/orig.json"
expect_exit "backup of a quiet database" 0 tg backup --db "$DB" "$T/quiet.db"
expect_exit "restore it over an existing database (no server)" 0 tg restore "$T/quiet.db" --db "$T/fresh/tuogou.db"
tg export --db "$T/fresh/tuogou.db" --format json -o "$T/back.json"
cmp -s "$T/orig.json" "$T/back.json" && pass "the restored register is the original, byte for byte in export" ||
	fail "export differs after restore"
[ ! -e "$T/fresh/tuogou.db-wal" ] || [ ! -s "$T/fresh/tuogou.db-wal" ] &&
	pass "no old WAL is left beside the restored database" || fail "a WAL outlived the restore"

# refusals
echo "not a database" >"$T/junk.db"
expect_exit "restore refuses a file that is no database" 2 tg restore "$T/junk.db" --db "$T/x.db"
expect_grep "…with bad_backup" 'bad_backup' "$T/err"
sqlite3 "$T/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
expect_exit "restore refuses a SQLite file that is no register" 2 tg restore "$T/other.db" --db "$T/x.db"
expect_grep "…with not_a_register" 'not_a_register' "$T/err"
cp "$T/quiet.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 999;'
expect_exit "restore refuses a register of a newer schema" 2 tg restore "$T/newer.db" --db "$T/x.db"
expect_grep "…with schema_version" 'schema_version' "$T/err"
[ ! -e "$T/x.db" ] && pass "a refused restore creates nothing" || fail "x.db was created"
head -c 20000 "$T/quiet.db" >"$T/cut.db"
expect_exit "restore refuses a cut-off backup" 2 tg restore "$T/cut.db" --db "$T/x.db"
expect_exit "backup of a missing database is refused" 2 tg backup --db "$T/none.db" "$T/y.db"
expect_exit "backup of a PostgreSQL register points to pg_dump" 2 tg backup --db postgresql://tuogou@localhost/tuogou "$T/y.dump"
expect_grep "…naming pg_dump" 'pg_dump' "$T/err"
finish
