#!/usr/bin/env bash
# http_incremental.sh: two `tuogou serve` processes on one database (issue
# 15): each makes the register of a new generation from its last one and
# the records written since (src/http/cache.c), whichever server or the CLI
# wrote them.  After every step of a random sequence of writes (PUTs of
# associations, posts and staff through either server, a new post, an
# import through the CLI) the findings both servers give, page by page, are
# byte for byte those of `tuogou check`, for today's register at two dates,
# and both servers' dashboards (kept with the findings and updated by
# difference after each write: docs/performance.md), whole and of each
# county, are byte for byte those of a third server started afresh on the
# database (its first dashboard is made from the whole findings).  The register has two counties, one with a
# plan of its own (六(一)), so each evaluation runs two plans and a move
# between associations can cross them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

# the demo register in 孟津 and 新安 (the supervision bundle's
# jurisdictions); 孟津's plan: the city's with an earlier decoupling due
python3 - "$BUNDLE" "$TOP/tests/data/supervision-bundle.json" "$TOP/plans/luoyang-2017.json" \
	"$T/counties.json" "$T/county-plan.json" <<'PY'
import json, sys
reg, sup, plan = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:4])
reg["jurisdictions"] = sup["jurisdictions"]
for k, a in enumerate(reg["associations"]):
    a["jurisdiction"] = ("410322", "410323", None)[k % 3]
plan.update(id="county-inc", level="county")
plan["parameters"] = [dict(p, value="2018-03-31") if p["name"] == "decoupling_due" else p
                      for p in plan["parameters"]]
json.dump(reg, open(sys.argv[4], "w", encoding="utf-8"), ensure_ascii=False)
json.dump(plan, open(sys.argv[5], "w", encoding="utf-8"), ensure_ascii=False)
PY
BUNDLE=$T/counties.json
http_setup
expect_exit "孟津 adopts a plan of its own" 0 tg plan use "$T/county-plan.json" --jurisdiction 410322 --db "$DB"
tg check --db "$DB" --as-of 2019-06-30 --format json >"$T/county-check.json" 2>"$T/err"
expect_grep "... and findings are judged under it" '"plan": "county-inc"' "$T/county-check.json"
add_user boss office
serve_start
BASE_A=$BASE
# the second server, as serve_start starts the first
"$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" --evidence "$T/evidence" 2>"$T/serve_b.log" &
PID_B=$!
trap 'kill -TERM "$PID_B" 2>/dev/null; wait "$PID_B" 2>/dev/null; serve_kill; tg_cleanup' EXIT
for _ in $(seq 1 100); do
	PORT_B=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve_b.log" | head -1)
	[ -n "$PORT_B" ] && break
	sleep 0.1
done
[ -n "$PORT_B" ] || { fail "second server did not start: $(head -c 300 "$T/serve_b.log")"; finish; exit 1; }
BASE_B=http://127.0.0.1:$PORT_B
expect_eq "login (sessions are in the database: one for both servers)" 200 "$(login boss)"
as boss

# findings_equal SERVER DATE: every page of the server's findings as of DATE
# put together = tuogou check's; "ok" or why not
findings_equal() {
	local n=1 dir="$T/pages.$RANDOM"
	BASE=$1
	mkdir -p "$dir"
	while :; do
		[ "$(req GET "/api/v1/findings?as_of=$2&per_page=500&page=$n")" = 200 ] || { echo "page $n: not 200"; return; }
		cp "$T/body" "$dir/$n.json"
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["page"]*d["per_page"] < d["total"] else 1)' "$dir/$n.json" || break
		n=$((n + 1))
	done
	tg check --db "$DB" --as-of "$2" --format json >"$dir/cli.json" 2>"$T/err"
	python3 - "$dir/cli.json" "$dir"/[0-9]*.json <<-'PY'
	import json, sys
	want = json.load(open(sys.argv[1]))
	pages = sorted((json.load(open(p)) for p in sys.argv[2:]), key=lambda d: d["page"])
	got = [f for d in pages for f in d["findings"]]
	if got != want["findings"]:
	    print("%d findings in the pages, %d in check" % (len(got), len(want["findings"])))
	else:
	    print("ok")
	PY
}

# write SERVER ARRAY KEY [MOVE_TO]: GET the record through SERVER, change one
# of its dates or flags at random (python), or move it to association
# MOVE_TO, PUT it back; prints the status
write() {
	BASE=$1
	[ "$(req GET "/api/v1/$2/$3")" = 200 ] || { echo "GET $2/$3 failed"; return; }
	python3 - "$T/body" "$RANDOM" "${4:-}" >"$T/put.json" <<-'PY'
	import json, random, re, sys
	r = json.load(open(sys.argv[1]))
	random.seed(int(sys.argv[2]))
	if sys.argv[3]:
	    r["association"] = sys.argv[3]
	    print(json.dumps(r, ensure_ascii=False))
	    sys.exit(0)
	keys = [k for k, v in r.items() if k not in ("registered_on", "version") and
	        (isinstance(v, bool) or v is None or (isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v)))]
	k = random.choice(keys)
	v = r[k]
	if isinstance(v, bool):
	    r[k] = not v
	elif v is not None and random.random() < 0.4:
	    r[k] = None
	else:
	    r[k] = "%d-%02d-%02d" % (random.randint(2016, 2021), random.randint(1, 12), random.randint(1, 28))
	print(json.dumps(r, ensure_ascii=False))
	PY
	send PUT "/api/v1/$2/$3" "$(cat "$T/put.json")"
}

# mark_done SERVER USCC: mark the association's first open checklist item
# done (the field its rule reads, as the 工作台 does); prints the status
mark_done() {
	BASE=$1
	[ "$(req GET "/api/v1/associations/$2/checklist?as_of=$D1")" = 200 ] || { echo "GET checklist failed"; return; }
	local item
	item=$(python3 -c '
import json, sys
items = [it for sec in json.load(open(sys.argv[1]))["separations"] for it in sec["items"]
         if it.get("status") != "done" and it.get("field")]
if items:
    it = items[0]
    print(json.dumps({"rule": it["rule"], "subject": it.get("subject"), "on": "2017-11-30", "evidence": []}, ensure_ascii=False))' "$T/body")
	[ -n "$item" ] || { echo "nothing open"; return; }
	send POST "/api/v1/associations/$2/checklist?as_of=$D1" "$item"
}

# dashboards_equal DATE: the office's dashboards as of DATE (whole, and of
# each county) of both servers against those of a server started now: "ok"
# or what differs.  The servers keep them, updated by difference.
DASH_QUERIES=("" "&jurisdiction=410322" "&jurisdiction=410323")
dashboards_equal() {
	local d=$1 port_c pid_c qs k=0 out=ok
	"$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" --evidence "$T/evidence" 2>"$T/serve_c.log" &
	pid_c=$!
	for _ in $(seq 1 100); do
		port_c=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve_c.log" | head -1)
		[ -n "$port_c" ] && break
		sleep 0.1
	done
	for qs in "${DASH_QUERIES[@]}"; do
		k=$((k + 1))
		BASE=http://127.0.0.1:$port_c
		[ "$(req GET "/api/v1/dashboard?as_of=$d$qs")" = 200 ] || { out="fresh server: not 200"; break; }
		cp "$T/body" "$T/dash_fresh"
		for s in "$BASE_A" "$BASE_B"; do
			BASE=$s
			[ "$(req GET "/api/v1/dashboard?as_of=$d$qs")" = 200 ] || { out="$s: not 200"; break 2; }
			cmp -s "$T/body" "$T/dash_fresh" ||
				{ out="$s dashboard$qs differs: $(diff "$T/body" "$T/dash_fresh" | head -6 | tr '\n' ' ')"; break 2; }
		done
	done
	kill -TERM "$pid_c" 2>/dev/null
	wait "$pid_c" 2>/dev/null
	echo "$out"
}

D1=2017-12-31 D2=2019-06-30
expect_eq "dashboards before any write = a fresh server's ($D1)" ok "$(dashboards_equal $D1)"
expect_eq "... ($D2)" ok "$(dashboards_equal $D2)"
expect_eq "server A: findings = tuogou check ($D1)" ok "$(findings_equal "$BASE_A" $D1)"
expect_eq "server B: findings = tuogou check ($D2)" ok "$(findings_equal "$BASE_B" $D2)"
mapfile -t ASSOCS < <(q "SELECT uscc FROM associations ORDER BY uscc")
mapfile -t POSTS < <(q "SELECT id FROM posts ORDER BY id")
mapfile -t STAFF < <(q "SELECT id FROM staff ORDER BY id")
mapfile -t PERSONS < <(q "SELECT id FROM persons ORDER BY id")
mapfile -t PREMISES < <(q "SELECT id FROM premises ORDER BY id")
mapfile -t ELECTIONS < <(q "SELECT id FROM elections ORDER BY id")

# random_steps N LABEL: N random writes through either server (PUTs of
# associations, posts, staff, persons, premises and elections, a post or a
# premises moved to another association, an item marked done), each
# followed by both servers' findings against tuogou check at one of two
# dates (the servers evaluate them incrementally: docs/performance.md)
random_steps() {
	local n=$1 label=$2 written=0 bad=0 dbad=0 step server other code d r s
	for step in $(seq 1 "$n"); do
		server=$BASE_A other=$BASE_B
		[ $((RANDOM % 2)) = 0 ] && server=$BASE_B other=$BASE_A
		local to=${ASSOCS[RANDOM % ${#ASSOCS[@]}]}
		case $((RANDOM % 9)) in
		0) code=$(write "$server" associations "${ASSOCS[RANDOM % ${#ASSOCS[@]}]}") ;;
		1) code=$(write "$server" posts "${POSTS[RANDOM % ${#POSTS[@]}]}") ;;
		2) code=$(write "$server" staff "${STAFF[RANDOM % ${#STAFF[@]}]}") ;;
		3) code=$(write "$server" persons "${PERSONS[RANDOM % ${#PERSONS[@]}]}") ;;
		4) code=$(write "$server" premises "${PREMISES[RANDOM % ${#PREMISES[@]}]}") ;;
		5) code=$(write "$server" elections "${ELECTIONS[RANDOM % ${#ELECTIONS[@]}]}") ;;
		6) code=$(write "$server" posts "${POSTS[RANDOM % ${#POSTS[@]}]}" "$to") ;;
		7) code=$(write "$server" premises "${PREMISES[RANDOM % ${#PREMISES[@]}]}" "$to") ;;
		*) code=$(mark_done "$server" "${ASSOCS[RANDOM % ${#ASSOCS[@]}]}") ;;
		esac
		[ "$code" = 200 ] && written=$((written + 1))
		d=$D1; [ $((step % 2)) = 0 ] && d=$D2
		for s in "$other" "$server"; do
			r=$(findings_equal "$s" $d)
			[ "$r" = ok ] || { bad=$((bad + 1)); fail "$label step $step ($code), $s, $d: $r"; }
		done
		# every third step (a server started each time): a difference
		# taken wrongly stays in the kept numbers, so it still shows
		if [ $((step % 3)) = 0 ] || [ "$step" = "$n" ]; then
			r=$(dashboards_equal $d)
			[ "$r" = ok ] || { dbad=$((dbad + 1)); fail "$label step $step ($code), $d: $r"; }
		fi
	done
	[ "$written" -ge $((n / 2)) ] && pass "$label: random writes taken ($written of $n)" ||
		fail "$label: only $written of $n writes taken"
	[ "$bad" = 0 ] && pass "$label: after each write both servers' findings = tuogou check ($n steps, two dates)"
	[ "$dbad" = 0 ] && pass "$label: after every third write both servers' dashboards (whole and per county) = a fresh server's"
}
random_steps 24 "writes"

# a new post through B: A sees it
BASE=$BASE_B
[ "$(req GET "/api/v1/posts/${POSTS[0]}")" = 200 ] || fail "GET a post"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["id"]="inc-new-1"; r.pop("version",None); print(json.dumps(r, ensure_ascii=False))' "$T/body" >"$T/new.json"
expect_eq "a new post through server B: 201" 201 "$(send POST /api/v1/posts "$(cat "$T/new.json")")"
expect_eq "... server A's findings = tuogou check" ok "$(findings_equal "$BASE_A" $D1)"

# an import through the CLI (a whole load for both)
tg export --db "$DB" --format json -o "$T/export.json" 2>"$T/err" || fail "export: $(cat "$T/err")"
python3 - "$T/export.json" >"$T/changed.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for a in b["associations"][::3]:
    a["plan_submitted_on"] = None if a.get("plan_submitted_on") else "2017-09-30"
print(json.dumps(b, ensure_ascii=False))
PY
# the random writes were a person's, so the import overwrites them knowingly
tg import --db "$DB" --overwrite-edits "$T/changed.json" >/dev/null 2>"$T/err" || fail "import: $(head -c 300 "$T/err")"
expect_eq "after a CLI import: server A's findings = tuogou check" ok "$(findings_equal "$BASE_A" $D1)"
expect_eq "... and server B's" ok "$(findings_equal "$BASE_B" $D1)"
# after the whole load, writes are evaluated incrementally again
random_steps 8 "writes after the import"
BASE=$BASE_A
expect_eq "dashboard A: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$D1")"
BASE=$BASE_B
expect_eq "dashboard B: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$D1")"

kill -TERM "$PID_B"
wait "$PID_B" && pass "server B stops cleanly" || fail "server B exit $?"
serve_stop
finish
