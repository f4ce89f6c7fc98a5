#!/usr/bin/env bash
# A stuck query cannot hold tuogou forever, and a national import is not cut
# short (tests/run's PostgreSQL pass only).  Another session holds a table
# locked: a check waits at most statement_timeout and says so with the code
# db_timeout; an import runs under its own, longer TUOGOU_PG_IMPORT_TIMEOUT,
# so the same short statement_timeout does not end it: it waits for the lock,
# then lands whole.  An import timeout that does run out leaves nothing
# half-written.
. "$(dirname "$0")/../lib.sh"
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	echo "# timeout.sh: PostgreSQL only (set TUOGOU_TEST_DB_URL)"
	exit 0
fi
DB=$(db_url reg)
DEMO=$TOP/data/demo-bundle.json
tg import --db "$DB" "$DEMO" >/dev/null || fail "the demo register imports"
q() { psql "$DB" -X -q -A -t -c "$1"; }
count() { q "SELECT (SELECT count(*) FROM associations) + (SELECT count(*) FROM persons)"; }
before=$(count)

# hold WHAT SECONDS: another session holds a lock for that long (its pid in
# $HOLDER); returns once it has it.  WHAT is "table": the associations table,
# which every read waits for; or "row": one association's row, which
# readers pass (MVCC) and only the import's merge waits for.
hold() {
	local lock="LOCK TABLE associations IN ACCESS EXCLUSIVE MODE"
	[ "$1" = row ] && lock="SELECT 1 FROM associations ORDER BY uscc LIMIT 1 FOR UPDATE"
	psql "$DB" -X -q -c "BEGIN; $lock; SELECT pg_sleep($2) AS holding; COMMIT;" >/dev/null 2>&1 &
	HOLDER=$!
	for _ in $(seq 1 100); do
		[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'
			AND query LIKE '%AS holding%' AND pid <> pg_backend_pid()")" = 1 ] && return 0
		sleep 0.05
	done
	fail "the lock was not taken"
}

# --- a check behind the lock stops at statement_timeout
hold table 6
t0=$(date +%s%N)
TUOGOU_PG_STATEMENT_TIMEOUT=1s tg check --db "$DB" --as-of 2017-12-31 >"$T/out" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc != 0 ] && pass "a check behind a lock fails (exit $rc)" || fail "a check behind a lock succeeded"
expect_grep "it names the cause with the code db_timeout" "db_timeout" "$T/err"
[ $ms -lt 5000 ] && pass "it gave up after ${ms} ms, not when the lock went" ||
	fail "it waited ${ms} ms for a 1 s timeout"
wait $HOLDER

# renamed WHAT: the demo register with the first association (the row
# "hold row" locks) renamed, so that an import must write that row (an
# import leaves unchanged records alone since issue 14)
renamed() {
	python3 - "$DEMO" "$T/renamed-$1.json" "$1" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
first = min(b["associations"], key=lambda a: a["uscc"].encode())
first["name"] = first["name"] + sys.argv[3]
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
	echo "$T/renamed-$1.json"
}

# --- an import behind the lock waits for it under its own timeout
hold row 3
TUOGOU_PG_STATEMENT_TIMEOUT=1s tg import --db "$DB" "$(renamed 甲)" >"$T/out" 2>"$T/err"
expect_eq "an import outlives a 1 s statement_timeout (it waits for the lock)" "0 " "$? $(head -c 300 "$T/err")"
wait $HOLDER
expect_eq "the import landed: the register holds the same records" "$before" "$(count)"

# --- an import whose own timeout runs out leaves nothing behind
imports=$(q "SELECT count(*) FROM changes WHERE \"array\" = 'import'")
hold row 4
TUOGOU_PG_IMPORT_TIMEOUT=1s tg import --db "$DB" "$(renamed 乙)" >"$T/out" 2>"$T/err"
rc=$?
wait $HOLDER
[ $rc != 0 ] && pass "an import past TUOGOU_PG_IMPORT_TIMEOUT fails (exit $rc)" ||
	fail "an import past its timeout succeeded"
expect_grep "it names the cause with the code db_timeout" "db_timeout" "$T/err"
expect_eq "no import was recorded" "$imports" "$(q "SELECT count(*) FROM changes WHERE \"array\" = 'import'")"
expect_exit "the audit chain is whole" 0 tg audit verify --db "$DB"
finish
