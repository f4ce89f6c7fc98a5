#!/usr/bin/env bash
# A power cut under load: `tuogou serve` is killed with SIGKILL while several
# clients write through the API with their sessions (at least 10 kills).
# Each writer creates persons (POST) and renames its own association (PUT
# with version), noting every write that got a 2xx; two readers ask for
# findings meanwhile (the cache rebuilt after every write).  After each kill:
#   - PRAGMA integrity_check is ok;
#   - every acknowledged person is there, whole (each field as sent) and
#     with its history row; no person of the test is half there;
#   - each association's name is the last acknowledged one or the one in
#     flight when the server died, never older;
#   - `tuogou audit verify` (when the command exists) finds the chain whole;
# then the server restarts on the same database and the sessions still work.
. "$(dirname "$0")/../lib.sh"
sqlite_only "SQLite files, PRAGMA integrity_check and the sqlite3 shell"
. "$(dirname "$0")/http_lib.bash"
need sqlite3 curl
KILLS=${KILLS:-10}
WRITERS=${WRITERS:-4}

http_setup
add_user office office
has_audit=0
tg audit verify --db "$DB" >/dev/null 2>&1
case $? in 0 | 1) has_audit=1 ;; esac
[ $has_audit = 1 ] || echo "# tuogou audit verify is missing: the audit chain is not checked"

mapfile -t USCCS < <(q "SELECT uscc FROM associations ORDER BY uscc LIMIT $WRITERS")
: >"$T/acked"

# writer W ROUND: until $T/stop exists or the server is gone
writer() {
	local w=$1 round=$2 i=0 code id uscc=${USCCS[$1]} v name
	local csrf
	csrf=$(cat "$T/csrf.office")
	local auth=(-b "$T/jar.office" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf")
	# the association as it is now: its record with a placeholder name
	code=$(curl -s -m 10 -o "$T/a.$w.json" -w '%{http_code}' -b "$T/jar.office" "$BASE/api/v1/associations/$uscc")
	[ "$code" = 200 ] || return
	v=$(sed -n 's/.*"version": \([0-9]*\).*/\1/p' "$T/a.$w.json" | tail -1)
	sed 's/"name": "[^"]*"/"name": "__NAME__"/; s/"version": [0-9]*/"version": __V__/' "$T/a.$w.json" >"$T/a.$w.tpl"
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		id="K$round-W$w-$i"
		code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "${auth[@]}" --data-binary \
			"{\"id\": \"$id\", \"name\": \"写入者$id\", \"civil_servant\": true, \"retired_on\": \"2016-0$((i % 9 + 1))-15\"}" \
			"$BASE/api/v1/persons")
		case $code in
		201) echo "$id" >>"$T/acked" ;;
		000) return ;; # the server is gone
		*) echo "# writer $w: POST $id got $code" ;;
		esac
		name="协会K$round-W$w-$i"
		echo "$name" >"$T/inflight.$w"
		sed "s/__NAME__/$name/; s/__V__/$v/" "$T/a.$w.tpl" >"$T/put.$w.json"
		code=$(curl -s -m 10 -o "$T/put.$w.out" -w '%{http_code}' -X PUT "${auth[@]}" \
			--data-binary @"$T/put.$w.json" "$BASE/api/v1/associations/$uscc")
		case $code in
		200)
			echo "$name" >"$T/acked.$w"
			v=$(sed -n 's/.*"version": \([0-9]*\).*/\1/p' "$T/put.$w.out" | tail -1)
			;;
		000) return ;;
		*) echo "# writer $w: PUT $uscc got $code: $(head -c 200 "$T/put.$w.out")" ;;
		esac
	done
}

# reader N: findings of changing dates while the writers invalidate them
reader() {
	local n=$1 d=0
	while [ ! -e "$T/stop" ]; do
		d=$(((d + 1) % 28 + 1))
		curl -s -m 10 -o /dev/null -b "$T/jar.office" \
			"$BASE/api/v1/findings?as_of=2017-$(printf '%02d-%02d' $((n + 11)) "$d")" || return
	done
}

check_after_kill() { # check_after_kill ROUND DELAY_MS
	local k=$1 ms=$2 bad=0 n
	local ic
	ic=ok # PostgreSQL (TUOGOU_TEST_DB_URL) has no integrity_check: its WAL replays
	[ -z "${TUOGOU_TEST_DB_URL:-}" ] && ic=$(q 'PRAGMA integrity_check;')
	if [ "$ic" != ok ]; then
		fail "kill $k after ${ms} ms: integrity_check says $ic"
		return
	fi
	# every acknowledged person, whole, with its history
	if [ -s "$T/acked" ]; then
		local values
		values=$(sed "s/.*/('&')/" "$T/acked" | paste -sd,)
		n=$(q "WITH a(id) AS (VALUES $values) SELECT count(*) FROM a LEFT JOIN persons p ON p.id = a.id
			WHERE p.id IS NULL OR coalesce(p.name, '') <> '写入者' || a.id
			OR coalesce(CAST(p.civil_servant AS integer), 0) <> 1 OR p.retired_on IS NULL;")
		[ "$n" = 0 ] || { fail "kill $k: $n acknowledged persons missing or changed"; bad=1; }
	fi
	n=$(q "SELECT count(*) FROM persons p WHERE p.id LIKE 'K%' AND (coalesce(p.name, '') <> '写入者' || p.id
		OR coalesce(CAST(p.civil_servant AS integer), 0) <> 1 OR p.retired_on IS NULL
		OR NOT EXISTS (SELECT 1 FROM changes c WHERE c.\"array\" = 'persons' AND c.key = p.id));")
	[ "$n" = 0 ] || { fail "kill $k: $n persons half written (a field or the history row missing)"; bad=1; }
	local w stored
	for w in $(seq 0 $((WRITERS - 1))); do
		[ -f "$T/inflight.$w" ] || continue
		stored=$(q "SELECT name FROM associations WHERE uscc = '${USCCS[$w]}';")
		if [ -f "$T/acked.$w" ] && [ "$stored" != "$(cat "$T/acked.$w")" ] &&
			[ "$stored" != "$(cat "$T/inflight.$w")" ]; then
			fail "kill $k: association ${USCCS[$w]} is [$stored], acknowledged [$(cat "$T/acked.$w")]"
			bad=1
		fi
	done
	if [ $has_audit = 1 ] && ! tg audit verify --db "$DB" >"$T/audit.out" 2>&1; then
		fail "kill $k: audit verify: $(head -c 300 "$T/audit.out")"
		bad=1
	fi
	[ $bad = 1 ] || pass "kill $k after ${ms} ms under $WRITERS writers: intact; all $(wc -l <"$T/acked") acknowledged creates whole, each rename the last acknowledged or the one in flight"
}

logged_in=0
for k in $(seq 1 "$KILLS"); do
	serve_start --quiet
	if [ $logged_in = 0 ]; then
		[ "$(login office)" = 200 ] || { fail "login"; finish; exit 1; }
		logged_in=1
	fi
	rm -f "$T/stop" "$T"/inflight.* "$T"/acked.[0-9]*
	pids=()
	for w in $(seq 0 $((WRITERS - 1))); do
		writer "$w" "$k" &
		pids+=($!)
	done
	for r in 0 1; do
		reader "$r" &
		pids+=($!)
	done
	ms=$((300 + RANDOM % 1200))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		fail "kill $k: the server died by itself under load: $(tail -c 600 "$T/serve.log")"
	fi
	kill -9 "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
	touch "$T/stop"
	for p in "${pids[@]}"; do wait "$p"; done
	check_after_kill "$k" "$ms"
done

# After the last kill the server comes back with the same sessions.
serve_start --quiet
as office
last=$(tail -1 "$T/acked")
expect_eq "after the kills, the server serves an acknowledged record with the old session" 200 \
	"$(req GET "/api/v1/persons/$last")"
expect_eq "…and still takes writes" 201 "$(send POST /api/v1/persons '{"id": "K-after", "name": "恢复后"}')"
serve_stop
echo "# $(wc -l <"$T/acked") acknowledged creates over $KILLS kills"
finish
