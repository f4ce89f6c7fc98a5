#!/usr/bin/env bash
# http_findings.sh: the findings API agrees with `tuogou check` (byte for
# byte for the office), is limited to a unit's scope, and follows writes;
# checklists (and marking an item done), the dashboard, the plan.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
A1=$(q "SELECT uscc FROM associations WHERE unit IS NOT NULL ORDER BY uscc LIMIT 1")
U1=$(q "SELECT unit FROM associations WHERE uscc = '$A1'")
add_user boss office
add_user u1 unit --unit "$U1"
add_user aud auditor
serve_start
login boss >/dev/null
as boss

# --- the same JSON as tuogou check, for several dates
for d in 2017-06-30 2017-12-31 2019-06-30; do
	expect_eq "findings for $d: 200" 200 "$(req GET "/api/v1/findings?as_of=$d")"
	tg check --db "$DB" --as-of "$d" --format json >"$T/cli.json" 2>"$T/err"
	cmp -s "$T/body" "$T/cli.json" && pass "findings API = tuogou check --format json ($d)" ||
		fail "findings differ on $d: $(diff <(head -c 2000 "$T/body") <(head -c 2000 "$T/cli.json") | head -5)"
done
req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
cp "$T/body" "$T/all.json"
expect_eq "a bad as_of: 400" 400 "$(req GET '/api/v1/findings?as_of=2017-13-01')"
expect_grep "the bad date names as_of" '"field": "as_of"' "$T/body"

# --- filters
req GET "/api/v1/findings?as_of=2017-12-31&rule=decoupling.incomplete" >/dev/null
others=$(grep -o '"rule": "[^"]*"' "$T/body" | grep -vc '"decoupling.incomplete"')
expect_eq "rule filter keeps one rule" 0 "$others"
req GET "/api/v1/findings?as_of=2017-12-31&state=overdue" >/dev/null
expect_eq "state filter keeps overdue ones" 0 "$(grep -o '"state": "[^"]*"' "$T/body" | grep -vc overdue)"
expect_eq "association findings" 200 "$(req GET "/api/v1/associations/$A1/findings?as_of=2017-12-31")"
expect_eq "only that association" 0 "$(grep -o '"association": "[^"]*"' "$T/body" | grep -vc "$A1")"

# --- a unit user sees its unit's findings only
login u1 >/dev/null
as u1
req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
grep -o '"association": "[^"]*"' "$T/body" | cut -d'"' -f4 | sort -u >"$T/seen"
bad=0
while read -r a; do
	[ "$(q "SELECT unit FROM associations WHERE uscc = '$a'")" = "$U1" ] || bad=$((bad + 1))
done <"$T/seen"
expect_eq "a unit user's findings are its associations'" 0 "$bad"
n_unit=$(grep -c '"rule": ' "$T/body")
n_all=$(grep -c '"rule": ' "$T/all.json")
[ "$n_unit" -lt "$n_all" ] && pass "unit sees fewer findings ($n_unit < $n_all)" || fail "unit sees $n_unit of $n_all"
expect_eq "unit dashboard" 200 "$(req GET "/api/v1/dashboard?as_of=2017-12-31")"
expect_grep "unit dashboard lists only its unit" "\"unit\": \"$U1\"" "$T/body"
expect_eq "auditor: findings refused" 403 "$(login aud >/dev/null; as aud; req GET /api/v1/findings)"
as boss

# --- checklist, and marking an item done
A3=$(grep -o '"rule": "decoupling.incomplete", "clause": "[^"]*", "association": "[^"]*"' "$T/all.json" |
	head -1 | sed 's/.*"association": "\([^"]*\)"/\1/')
if [ -z "$A3" ]; then
	fail "no decoupling.incomplete finding on 2017-12-31 to work with"
else
	expect_eq "checklist: 200" 200 "$(req GET "/api/v1/associations/$A3/checklist?as_of=2017-12-31")"
	expect_grep "checklist has the stage" '"stage": "' "$T/body"
	expect_grep "checklist has separations" '"separations": \[' "$T/body"
	expect_grep "the open item names its field" '"field": "associations.decoupled_on"' "$T/body"
	expect_eq "mark without CSRF: 403" 403 "$(req POST "/api/v1/associations/$A3/checklist" \
		-H 'Content-Type: application/json' --data-binary '{"rule": "decoupling.incomplete", "on": "2017-11-30"}')"
	expect_eq "mark an unmarkable rule: 400" 400 "$(send POST "/api/v1/associations/$A3/checklist?as_of=2017-12-31" \
		'{"rule": "no.such-rule", "subject": null, "on": "2017-11-30"}')"
	expect_eq "mark decoupling done: 200" 200 "$(send POST "/api/v1/associations/$A3/checklist?as_of=2017-12-31" \
		'{"rule": "decoupling.incomplete", "subject": null, "on": "2017-11-30", "evidence": []}')"
	expect_grep "the item is done" '"rule": "decoupling.incomplete", [^}]*"done_on": "2017-11-30", "status": "done"' "$T/body"
	expect_eq "the field was set" 2017-11-30 "$(q "SELECT decoupled_on FROM associations WHERE uscc = '$A3'")"
	req GET "/api/v1/findings?as_of=2017-12-31&association=$A3" >/dev/null
	grep -q '"rule": "decoupling.incomplete"' "$T/body" && fail "finding still there after the write" ||
		pass "its finding is gone at once (cache follows writes)"
	req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
	tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/cli.json"
	cmp -s "$T/body" "$T/cli.json" && pass "after the write the API still equals tuogou check" ||
		fail "API and check differ after the write"
fi

# --- a write by another process is seen too
req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
cp "$T/body" "$T/before.json"
tg import --db "$DB" "$BUNDLE" >/dev/null
req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/cli.json"
cmp -s "$T/body" "$T/cli.json" && pass "after tuogou import the API equals tuogou check" ||
	fail "stale findings after an import by the CLI"

# --- many requests at once, on every worker thread, while the register changes
pids=()
for i in $(seq 1 12); do
	d=2017-0$((i % 6 + 1))-15
	curl -s -o /dev/null -w '%{http_code}\n' -b "$T/jar.boss" "$BASE/api/v1/findings?as_of=$d" >>"$T/par" &
	pids+=($!)
	curl -s -o /dev/null -w '%{http_code}\n' -b "$T/jar.boss" "$BASE/api/v1/dashboard?as_of=$d" >>"$T/par" &
	pids+=($!)
	if [ "$i" = 6 ]; then
		tg import --db "$DB" "$BUNDLE" >/dev/null &
		pids+=($!)
	fi
done
wait "${pids[@]}"
expect_eq "24 concurrent requests all answered 200" 24 "$(grep -c '^200$' "$T/par")"

# --- dashboard and plan
expect_eq "dashboard: 200" 200 "$(req GET "/api/v1/dashboard?as_of=2017-12-31")"
for k in in_scope decoupled not_decoupled overdue_findings open_findings awaiting_acceptance summaries_missing; do
	expect_grep "dashboard total $k" "\"$k\": [0-9]" "$T/body"
done
for k in by_batch by_unit by_separation upcoming timeline; do
	expect_grep "dashboard has $k" "\"$k\": \[" "$T/body"
done
cp "$T/body" "$T/dash-late.json"
req GET "/api/v1/dashboard?as_of=2017-04-01" >/dev/null
cmp -s "$T/body" "$T/dash-late.json" && fail "dashboard does not change with as_of" ||
	pass "an earlier as_of gives another dashboard"
expect_eq "plan: 200" 200 "$(req GET /api/v1/plan)"
expect_grep "plan id" '"id": "luoyang-2017"' "$T/body"
expect_grep "clauses carry their rules" '"rules": \[{"id": "' "$T/body"
expect_grep "parameters" '"name": "decoupling_due", "value": "2017-12-31"' "$T/body"

serve_stop
finish
