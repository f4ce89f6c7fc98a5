#!/usr/bin/env bash
# http_shared.sh: two `tuogou serve` processes on one database (a SQLite
# file, or PostgreSQL in tests/run's PostgreSQL pass; tests/pg/shared.sh has
# more for PostgreSQL): the per-IP limit on failed logins is kept in the
# database, so failures made through either server add up, also when they
# arrive at once; past 20 both answer 429; the window expires for both; only
# the address and the count are stored; and when the count cannot be read
# the login is refused (503), not let through.  Then the address itself:
# without --trusted-proxy a forged X-Forwarded-For changes nothing (counted
# and audited as 127.0.0.1); behind a trusted proxy (--trusted-proxy
# 127.0.0.1, two servers as behind nginx) each forwarded client is counted
# and audited by its own address, one client's 429 does not stop another,
# and a malformed header counts for the proxy itself.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user boss office
serve_start
FIRST_PID=$SERVER_PID FIRST=$BASE
mv "$T/serve.log" "$T/serve1.log"
serve_start
SECOND_PID=$SERVER_PID SECOND=$BASE

fail_login() { # fail_login BASE N: a failed login (unknown account) through that server
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		--data-binary "{\"username\": \"nobody$2\", \"password\": \"Wrong-Pass-2017\"}" \
		"$1/api/v1/session"
}
failures() { q "SELECT failures FROM login_failures WHERE ip = '127.0.0.1'"; }

# --- six failures through each server at once: all twelve are counted
pids=()
for i in 1 2 3 4 5 6; do
	fail_login "$FIRST" "a$i" >"$T/code.a$i" &
	pids+=($!)
	fail_login "$SECOND" "b$i" >"$T/code.b$i" &
	pids+=($!)
done
wait "${pids[@]}"
expect_eq "twelve failed logins at once, through both servers: all 401" "12 401" \
	"$(cat "$T"/code.* | sort | uniq -c | awk '{print $1, $2}')"
expect_eq "the database counts all twelve" 12 "$(failures)"

# --- then one by one, alternately, up to the limit
for i in $(seq 13 20); do
	if [ $((i % 2)) = 1 ]; then fail_login "$FIRST" "$i"; else fail_login "$SECOND" "$i"; fi
done >"$T/codes2"
expect_eq "eight more through alternate servers: 401" 8 "$(grep -c '^401$' "$T/codes2")"
expect_eq "twenty failures counted" 20 "$(failures)"
BASE=$SECOND
expect_eq "20 failures in 10 minutes are not yet too many: login on the second server" 200 "$(login boss)"
expect_eq "the 21st failure, on the first server: 401" 401 "$(fail_login "$FIRST" 21)"
expect_eq "the second server now answers 429" 429 "$(login boss)"
expect_grep "with the code too_many_failures" '"code": "too_many_failures"' "$T/body"
expect_grep "and the message of a single server" '登录失败次数过多，请 10 分钟后再试' "$T/body"
BASE=$FIRST
expect_eq "and so does the first" 429 "$(login boss)"
expect_eq "a refused login is not a failure: the count stays" 21 "$(failures)"

# --- only the address and the count
# (the names no account has are counted too, under "name:" and a hash: issue 14)
expect_eq "one row: the address and its count" "127.0.0.1|21" "$(q "SELECT ip, failures FROM login_failures WHERE ip NOT LIKE 'name:%'")"
expect_eq "the names no account has only as hashes" 0 "$(q "SELECT count(*) FROM login_failures WHERE ip <> '127.0.0.1' AND ip NOT LIKE 'name:________________________________________________________________'")"
expect_eq "no account name in the table" 0 "$(q "SELECT count(*) FROM login_failures WHERE ip LIKE '%nobody%' OR ip LIKE '%boss%'")"

# --- the window: ten minutes from the first failure, for both servers
q "UPDATE login_failures SET window_start = window_start - 601" >/dev/null
BASE=$SECOND
expect_eq "after 10 minutes the second server lets the right password in" 200 "$(login boss)"
expect_eq "the next failure opens a new window" 401 "$(fail_login "$FIRST" 22)"
expect_eq "counted from one" 1 "$(failures)"
q "UPDATE login_failures SET window_start = window_start - 3600" >/dev/null
q "INSERT INTO login_failures (ip, window_start, failures) VALUES ('192.0.2.9', 0, 5)" >/dev/null
fail_login "$SECOND" 23 >/dev/null
expect_eq "a failure deletes the expired rows" "127.0.0.1|1" "$(q "SELECT ip, failures FROM login_failures WHERE ip NOT LIKE 'name:%'")"

# --- the count cannot be read or written: refused, not let through
q "ALTER TABLE login_failures RENAME TO login_failures_gone" >/dev/null
BASE=$FIRST
expect_eq "the count cannot be read: even the right password gets 503" 503 "$(login boss)"
expect_grep "with the code login_limit_unavailable" '"code": "login_limit_unavailable"' "$T/body"
q "ALTER TABLE login_failures_gone RENAME TO login_failures" >/dev/null
if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
	q 'CREATE FUNCTION stuck() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION $e$stuck$e$; END $$;
	   CREATE TRIGGER login_failures_stuck BEFORE INSERT OR UPDATE ON login_failures
	   FOR EACH ROW EXECUTE FUNCTION stuck()' >/dev/null
else
	q "CREATE TRIGGER login_failures_stuck BEFORE UPDATE ON login_failures BEGIN SELECT RAISE(ABORT, 'stuck'); END;
	   CREATE TRIGGER login_failures_stuck2 BEFORE INSERT ON login_failures BEGIN SELECT RAISE(ABORT, 'stuck'); END;" >/dev/null
fi
expect_eq "a failure that cannot be counted: 503" 503 "$(fail_login "$SECOND" 24)"
expect_eq "(it was not counted)" 1 "$(failures)"
q "DROP TRIGGER login_failures_stuck$([ -n "${TUOGOU_TEST_DB_URL:-}" ] && echo ' ON login_failures')" >/dev/null
[ -z "${TUOGOU_TEST_DB_URL:-}" ] && q "DROP TRIGGER login_failures_stuck2" >/dev/null
expect_eq "with the table whole again, logins work" 200 "$(login boss)"
expect_eq "and failures count again" 401 "$(fail_login "$SECOND" 25)"
expect_eq "from where they were" 2 "$(failures)"

# --- without --trusted-proxy: X-Forwarded-For is not believed
fail_from() { # fail_from BASE NAME X-FORWARDED-FOR: a failed login (unknown account) with that header
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		-H "X-Forwarded-For: $3" \
		--data-binary "{\"username\": \"$2\", \"password\": \"Wrong-Pass-2017\"}" "$1/api/v1/session"
}
login_from() { # login_from BASE X-FORWARDED-FOR: boss logs in with that header; the status
	BASE=$1 USER_JAR= req POST /api/v1/session -H 'Content-Type: application/json' \
		-H "X-Forwarded-For: $2" --data-binary "{\"username\": \"boss\", \"password\": \"$PW\"}"
}
counts() { q "SELECT ip || '=' || failures FROM login_failures WHERE ip NOT LIKE 'name:%' ORDER BY ip" | tr '\n' ' '; }
audited_ips() { # audited_ips NAME-PREFIX: the addresses the failures of those names were audited with
	q "SELECT DISTINCT ip FROM audit_log WHERE event = 'login_failed' AND object LIKE 'users/$1%' ORDER BY ip" |
		tr '\n' ' '
}
q "DELETE FROM login_failures" >/dev/null
{
	fail_from "$FIRST" forged1 203.0.113.1
	fail_from "$SECOND" forged2 203.0.113.2
	fail_from "$FIRST" forged3 "198.51.100.9, 203.0.113.3"
} >"$T/codes3"
expect_eq "three failures with three forged X-Forwarded-For: 401" 3 "$(grep -c '^401$' "$T/codes3")"
expect_eq "counted together under the peer, 127.0.0.1" "127.0.0.1=3 " "$(counts)"
q "UPDATE login_failures SET failures = 20" >/dev/null
expect_eq "the 21st failure, with yet another forged address: 401" 401 "$(fail_from "$SECOND" forged4 203.0.113.4)"
expect_eq "and the right password with a fresh forged address is 429" 429 "$(login_from "$FIRST" 203.0.113.5)"
expect_eq "the failures are audited from 127.0.0.1, not from the forged addresses" "127.0.0.1 " \
	"$(audited_ips forged)"
grep -q '203\.0\.113' "$T/serve1.log" "$T/serve.log" && fail "a request log shows a forged address" ||
	pass "the request logs show 127.0.0.1, not the forged addresses"

cat "$T/serve1.log" "$T/serve.log" >"$T/logs"
grep -q 'nobody\|login_failures' "$T/logs" && fail "a server log names an account or the table" ||
	pass "the logs name no account and no table"
serve_stop
SERVER_PID=$FIRST_PID
serve_stop

# --- --trusted-proxy: a bad value stops the server before it starts
timeout 20 "$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" --evidence "$T/evidence" \
	--trusted-proxy 127.0.0.1,nginx.local >/dev/null 2>"$T/err"
expect_eq "--trusted-proxy nginx.local: exit 2" 2 "$?"
expect_grep "the error names the option and the value" \
	'tuogou: --trusted-proxy: “nginx.local”不是 IP 地址或网段' "$T/err"
timeout 20 "$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" --evidence "$T/evidence" \
	--trusted-proxy 10.0.0.1/8 >/dev/null 2>"$T/err"
expect_eq "--trusted-proxy 10.0.0.1/8 (host bits): exit 2" 2 "$?"
expect_grep "with the reason" '主机位不为零' "$T/err"

# --- behind a trusted proxy: two servers, as behind nginx's upstream
q "DELETE FROM login_failures" >/dev/null
serve_start --trusted-proxy 127.0.0.1
FIRST_PID=$SERVER_PID FIRST=$BASE
mv "$T/serve.log" "$T/serve1.log"
serve_start --trusted-proxy 127.0.0.1 --trusted-proxy ::1
SECOND_PID=$SERVER_PID SECOND=$BASE
# nginx's $proxy_add_x_forwarded_for: what the client sent, then the address nginx saw
A=203.0.113.10 B=198.51.100.20
{
	fail_from "$FIRST" clientA1 "6.6.6.6, $A"
	fail_from "$SECOND" clientA2 "$A"
	fail_from "$FIRST" clientA3 "$A"
	fail_from "$SECOND" clientB1 "$B"
} >"$T/codes4"
expect_eq "three failures from client A and one from client B: 401" 4 "$(grep -c '^401$' "$T/codes4")"
expect_eq "each client counted by its own address, the proxy not at all" "$B=1 $A=3 " "$(counts)"
expect_eq "client A's failures audited from A" "$A " "$(audited_ips clientA)"
expect_eq "client B's from B" "$B " "$(audited_ips clientB)"
q "UPDATE login_failures SET failures = 20 WHERE ip = '$A'" >/dev/null
expect_eq "client A's 21st failure: 401" 401 "$(fail_from "$SECOND" clientA4 "$A")"
expect_eq "client A is now refused on the first server" 429 "$(login_from "$FIRST" "$A")"
expect_eq "and on the second" 429 "$(login_from "$SECOND" "$A")"
expect_eq "an address A puts in front does not help it" 429 "$(login_from "$FIRST" "198.51.100.77, $A")"
expect_eq "client B still logs in" 200 "$(login_from "$FIRST" "$B")"
expect_eq "its login is audited from B" "$B" \
	"$(q "SELECT ip FROM audit_log WHERE event = 'login' AND \"user\" = 'boss' ORDER BY seq DESC LIMIT 1")"
expect_grep "the request log shows the client, not the proxy" " $A POST /api/v1/session 429 " "$T/serve1.log"
expect_eq "a request without the header: the proxy's own address, not limited" 200 "$(BASE=$SECOND login boss)"
expect_eq "audited from 127.0.0.1" 127.0.0.1 \
	"$(q "SELECT ip FROM audit_log WHERE event = 'login' AND \"user\" = 'boss' ORDER BY seq DESC LIMIT 1")"
{
	fail_from "$FIRST" malformed1 "unknown"
	fail_from "$SECOND" malformed2 "$A, bogus"
	fail_from "$FIRST" malformed3 "$A:4711"
} >"$T/codes5"
expect_eq "three failures with malformed headers: 401, not 429 (not A's)" 3 "$(grep -c '^401$' "$T/codes5")"
expect_eq "a malformed header counts for the peer" "127.0.0.1=3 $B=1 $A=21 " "$(counts)"
expect_eq "and is audited from the peer" "127.0.0.1 " "$(audited_ips malformed)"
serve_stop
SERVER_PID=$FIRST_PID
serve_stop
finish
