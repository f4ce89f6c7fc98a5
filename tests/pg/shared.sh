#!/usr/bin/env bash
# Several `tuogou serve` processes on one PostgreSQL database (tests/run's
# PostgreSQL pass only): processes opening a fresh database at once migrate
# it once; imports running at once all land, each in one transaction, and
# bump the generation once each; a session made through one server works on
# the other, a logout on one ends it on both; a write through one is seen
# by the other, and a stale version is refused across them; the audit chain
# stays whole; failed logins from one address add up across the servers, and
# once they pass the limit both answer 429.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cli/http_lib.bash"
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	echo "# shared.sh: PostgreSQL only (set TUOGOU_TEST_DB_URL)"
	exit 0
fi

# --- eight processes open one fresh database at once
for i in 1 2 3 4 5 6 7 8; do
	tg user list --db "$DB" >"$T/open.$i" 2>&1 &
done
ok=1
for i in 1 2 3 4 5 6 7 8; do wait %$i || ok=0; done
[ $ok = 1 ] && pass "eight processes open a fresh database at once" ||
	fail "an opening failed: $(cat "$T"/open.* | head -c 400)"
latest=$(grep -o '^-- migration: [0-9]*' "$TOP/src/store/schema_pg.sql" | tail -1 | grep -o '[0-9]*$')
expect_eq "each migration ran once" "$latest $latest" "$(q 'SELECT count(*), max(version) FROM schema_migrations' | tr '|' ' ')"

# --- imports at once
for i in 1 2 3 4; do
	tg import --db "$DB" "$BUNDLE" >/dev/null 2>"$T/import.$i" &
done
ok=1
for i in 1 2 3 4; do wait %$i || ok=0; done
[ $ok = 1 ] && pass "four imports at once all succeed" || fail "an import failed: $(cat "$T"/import.* | head -c 400)"
expect_eq "four import rows in the history" 4 "$(q "SELECT count(*) FROM changes WHERE \"array\" = 'import'")"
gen=$(q "SELECT value FROM meta WHERE key = 'generation'")
[ "$gen" -ge 4 ] && pass "the generation moved with every import" || fail "generation $gen after four imports"
expect_exit "the audit chain is whole after concurrent writes" 0 tg audit verify --db "$DB"

# --- two servers on one database
http_setup
add_user boss office
A1=$(q "SELECT uscc FROM associations ORDER BY uscc LIMIT 1")
serve_start
FIRST_PID=$SERVER_PID FIRST=$BASE
mv "$T/serve.log" "$T/serve1.log"
serve_start
SECOND_PID=$SERVER_PID SECOND=$BASE
BASE=$FIRST
expect_eq "login on the first server" 200 "$(login boss)"
as boss
BASE=$SECOND
expect_eq "the session works on the second server" 200 "$(req GET /api/v1/session)"
expect_eq "the second server reads the association" 200 "$(req GET "/api/v1/associations/$A1")"
version=$(json_number version)
name=$(json_field name)
expect_eq "a write through the second server" 200 \
	"$(send PUT "/api/v1/associations/$A1" "$(sed 's/"version": [0-9]*/"version": '"$version"'/; s/"staffing_quota": [0-9]*/"staffing_quota": 42/' "$T/body")")"
BASE=$FIRST
req GET "/api/v1/associations/$A1" >/dev/null
expect_eq "the first server sees it" 42 "$(json_number staffing_quota)"
expect_eq "the old version is refused on the first server: 409" 409 \
	"$(send PUT "/api/v1/associations/$A1" "$(sed 's/"version": [0-9]*/"version": '"$version"'/' "$T/body")")"
expect_eq "logout on the first server" 204 "$(send DELETE /api/v1/session '')"
BASE=$SECOND
expect_eq "the session is dead on the second server too" 401 "$(req GET /api/v1/session)"
[ "$name" != "" ] || fail "no name read"

# --- failed logins from one address, spread over the two servers
fail_login() { # fail_login BASE N
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		--data-binary "{\"username\": \"nobody$2\", \"password\": \"Wrong-Pass-2017\"}" \
		"$1/api/v1/session"
}
for i in $(seq 1 20); do
	if [ $((i % 2)) = 1 ]; then fail_login "$FIRST" "$i"; else fail_login "$SECOND" "$i"; fi
done >"$T/codes"
expect_eq "twenty failed logins, ten through each server: 401" 20 "$(grep -c '^401$' "$T/codes")"
# (names no account has are counted too, under "name:" and a hash: issue 14)
expect_eq "the database counts them together" "127.0.0.1|20" "$(q "SELECT ip, failures FROM login_failures WHERE ip NOT LIKE 'name:%'")"
BASE=$FIRST
expect_eq "twenty are not yet too many" 200 "$(login boss)"
expect_eq "the 21st, through the second server" 401 "$(fail_login "$SECOND" 21)"
expect_eq "the first server answers 429" 429 "$(login boss)"
expect_grep "too_many_failures" '"code": "too_many_failures"' "$T/body"
BASE=$SECOND
expect_eq "so does the second" 429 "$(login boss)"
serve_stop
SERVER_PID=$FIRST_PID
serve_stop
finish
