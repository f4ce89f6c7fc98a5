#!/usr/bin/env bash
# http_findings.sh: the findings API agrees with `tuogou check` (byte for
# byte for the office), is limited to a unit's scope, and follows writes;
# checklists (and marking an item done), the dashboard, the plan.  The list
# pages (page, per_page, sort): its pages put together are check's findings.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
two_units
add_user boss office
add_user u1 unit --unit "$U1"
add_user aud auditor
serve_start
login boss >/dev/null
as boss

# every page of GET /api/v1/findings?$1 (per_page $2) put together equals the
# findings of check's JSON document $3 (as_of, plan, notes too); "ok" or why not
pages_equal() {
	local n=1 dir="$T/pages.$RANDOM"
	mkdir -p "$dir"
	while :; do
		[ "$(req GET "/api/v1/findings?$1&per_page=$2&page=$n")" = 200 ] || { echo "page $n: not 200"; return; }
		cp "$T/body" "$dir/$n.json"
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["page"]*d["per_page"] < d["total"] else 1)' "$dir/$n.json" || break
		n=$((n + 1))
	done
	python3 - "$3" "$2" "$dir"/*.json <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
per = int(sys.argv[2])
pages = sorted((json.load(open(p)) for p in sys.argv[3:]), key=lambda d: d["page"])
got = [f for d in pages for f in d["findings"]]
overdue = sum(f["state"] == "overdue" for f in want["findings"])
bad = [d["page"] for d in pages if len(d["findings"]) > per or d["per_page"] != per or d["total"] != len(want["findings"])
       or d["overdue"] != overdue]
head = [(d["as_of"], d["plan"], d["notes"]) for d in pages]
if bad:
    print("pages %s: wrong size, total or overdue" % bad)
elif any(h != (want["as_of"], want["plan"], want["notes"]) for h in head):
    print("as_of, plan or notes differ")
elif got != want["findings"]:
    print("%d findings in the pages, %d in check; first difference at %s" % (len(got), len(want["findings"]),
          next((i for i, (a, b) in enumerate(zip(got, want["findings"])) if a != b), min(len(got), len(want["findings"])))))
else:
    print("ok")
PY
}

# --- the same findings as tuogou check, for several dates, page by page as tuogou check, for several dates
for d in 2017-06-30 2017-12-31 2019-06-30; do
	expect_eq "findings for $d: 200" 200 "$(req GET "/api/v1/findings?as_of=$d")"
	tg check --db "$DB" --as-of "$d" --format json >"$T/cli.json" 2>"$T/err"
	expect_eq "findings API pages (per_page=500) = tuogou check --format json ($d)" ok \
		"$(pages_equal "as_of=$d" 500 "$T/cli.json")"
done
tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/all.json"
n_all=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$T/all.json")
[ "$n_all" -gt 40 ] && pass "enough findings to page ($n_all)" || fail "only $n_all findings on 2017-12-31"
expect_eq "per_page=20: pages of 20 put together = tuogou check" ok "$(pages_equal "as_of=2017-12-31" 20 "$T/all.json")"
expect_eq "per_page=20: 200" 200 "$(req GET "/api/v1/findings?as_of=2017-12-31&per_page=20")"
expect_eq "... at most 20 findings" 20 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$T/body")"
expect_grep "... and the total of all" "\"total\": $n_all, " "$T/body"
expect_grep "... page and per_page" '"page": 1, "per_page": 20,' "$T/body"
size=$(wc -c <"$T/body")
[ "$size" -lt 65536 ] && pass "a page of 20 is well under 256 KiB ($size bytes)" || fail "a page of 20 is $size bytes"
expect_eq "no page or per_page: the first 50" "1 50 50" \
	"$(req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null; python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["page"], d["per_page"], len(d["findings"]))' "$T/body")"
expect_eq "a page past the last: 200, empty, the total" "0 $n_all" \
	"$(req GET "/api/v1/findings?as_of=2017-12-31&page=100000" >/dev/null; python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), d["total"])' "$T/body")"
for bad in "page=0" "page=x" "page=-1" "per_page=0" "per_page=501" "per_page=2x" "sort=size"; do
	k=${bad%%=*}
	expect_eq "$bad: 400" 400 "$(req GET "/api/v1/findings?as_of=2017-12-31&$bad")"
	expect_grep "... names $k" "\"field\": \"$k\"" "$T/body"
done
expect_grep "per_page over 500: refused in Chinese" '每页条数应为 1 至 500 的整数' <(req GET "/api/v1/findings?per_page=501" >/dev/null; cat "$T/body")
# the sorts: the same findings, in their order
python3 - "$T/all.json" >"$T/sorts" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
ix = {json.dumps(f, sort_keys=True): i for i, f in enumerate(fs)}
def due(f): return f["due"] or ("%d-12-31" % f["due_year"] if f.get("due_year") else None)
json.dump({
  "due": sorted(fs, key=lambda f: (due(f) is None, due(f) or "")),
  "-due": sorted(fs, key=lambda f: (due(f) is None, tuple(-ord(c) for c in (due(f) or "")))),
  "association": sorted(fs, key=lambda f: (f["association"] is not None, (f["association"] or "").encode())),
}, open(sys.argv[1] + ".sorts", "w"))
PY
for s in due -due association; do
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump({"as_of": d["as_of"], "plan": d["plan"], "notes": d["notes"], "findings": json.load(open(sys.argv[1] + ".sorts"))[sys.argv[2]]}, open(sys.argv[3], "w"))' \
		"$T/all.json" "$s" "$T/want.$s.json"
	expect_eq "sort=$s: pages of 50 in that order (ties in check's)" ok "$(pages_equal "as_of=2017-12-31&sort=$s" 50 "$T/want.$s.json")"
done
expect_eq "a bad as_of: 400" 400 "$(req GET '/api/v1/findings?as_of=2017-13-01')"
expect_grep "the bad date names as_of" '"field": "as_of"' "$T/body"

# --- filters
req GET "/api/v1/findings?as_of=2017-12-31&rule=decoupling.incomplete" >/dev/null
others=$(grep -o '"rule": "[^"]*"' "$T/body" | grep -vc '"decoupling.incomplete"')
expect_eq "rule filter keeps one rule" 0 "$others"
req GET "/api/v1/findings?as_of=2017-12-31&state=overdue" >/dev/null
expect_eq "state filter keeps overdue ones" 0 "$(grep -o '"state": "[^"]*"' "$T/body" | grep -vc overdue)"
# filters combine with paging: the filtered pages are check's findings filtered
SEP=$(python3 -c 'import json,sys; fs=json.load(open(sys.argv[1]))["findings"]; print(fs[-1]["clause"])' "$T/all.json")
SEP=$(req GET /api/v1/plan >/dev/null; python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next((s["id"] for s in d["separations"] if sys.argv[2] in s["clauses"]), d["separations"][0]["id"]))' "$T/body" "$SEP")
for filt in "state=overdue" "state=open&unit=$U1" "rule=decoupling.incomplete&state=overdue" "separation=$SEP"; do
	req GET /api/v1/plan >/dev/null
	python3 - "$T/all.json" "$filt" "$T/body" >"$T/want.json" <<'PY'
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
q = dict(urllib.parse.parse_qsl(sys.argv[2]))
plan = json.load(open(sys.argv[3]))
import subprocess
def keep(f):
    if "state" in q and f["state"] != q["state"]: return False
    if "rule" in q and f["rule"] != q["rule"]: return False
    if "separation" in q:
        s = next(s for s in plan["separations"] if s["id"] == q["separation"])
        if f["clause"] not in s["clauses"]: return False
    return True
d["findings"] = [f for f in d["findings"] if keep(f)]
json.dump(d, sys.stdout)
PY
	if [[ $filt == *unit=* ]]; then # the unit's associations, from the database
		python3 - "$T/want.json" "$(q "SELECT uscc FROM associations WHERE unit = '$U1'" | tr '\n' ' ')" >"$T/want2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); mine = set(sys.argv[2].split())
d["findings"] = [f for f in d["findings"] if f["association"] in mine]
json.dump(d, sys.stdout)
PY
		mv "$T/want2.json" "$T/want.json"
	fi
	expect_eq "$filt, 20 a page: the filtered findings, all of them" ok "$(pages_equal "as_of=2017-12-31&$filt" 20 "$T/want.json")"
done
expect_eq "an unknown separation: 400" 400 "$(req GET "/api/v1/findings?separation=no-such")"
expect_grep "... names separation" '"field": "separation"' "$T/body"
expect_eq "association findings" 200 "$(req GET "/api/v1/associations/$A1/findings?as_of=2017-12-31")"
expect_eq "only that association" 0 "$(grep -o '"association": "[^"]*"' "$T/body" | grep -vc "$A1")"

# --- a unit user sees its unit's findings only
login u1 >/dev/null
as u1
req GET "/api/v1/findings?as_of=2017-12-31&per_page=500" >/dev/null
grep -o '"association": "[^"]*"' "$T/body" | cut -d'"' -f4 | sort -u >"$T/seen"
bad=0
while read -r a; do
	[ "$(q "SELECT unit FROM associations WHERE uscc = '$a'")" = "$U1" ] || bad=$((bad + 1))
done <"$T/seen"
expect_eq "a unit user's findings are its associations'" 0 "$bad"
n_unit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$T/body")
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
	tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/cli.json"
	expect_eq "after the write the API's pages still equal tuogou check" ok "$(pages_equal "as_of=2017-12-31" 50 "$T/cli.json")"
fi

# --- a write by another process is seen too
req GET "/api/v1/findings?as_of=2017-12-31" >/dev/null
cp "$T/body" "$T/before.json"
tg import --db "$DB" "$BUNDLE" >/dev/null
tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/cli.json"
expect_eq "after tuogou import the API's pages equal tuogou check" ok "$(pages_equal "as_of=2017-12-31" 500 "$T/cli.json")"

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
# the dashboard names the 20 units with the most associations in scope and
# how many there are; /dashboard/units gives every one, the same numbers
expect_eq "dashboard/units: 200" 200 "$(req GET "/api/v1/dashboard/units?as_of=2017-12-31")"
expect_eq "dashboard/units: every unit, the numbers the dashboard gives its own" ok \
	"$(python3 - "$T/dash-late.json" "$T/body" <<'PY'
import json, sys
d, u = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert u["total"] == d["units_total"] == len(u["by_unit"]) > 0, (u["total"], d["units_total"])
assert len(d["by_unit"]) == min(20, u["total"])
top = sorted(range(len(u["by_unit"])), key=lambda i: (-u["by_unit"][i]["in_scope"], i))[:20]
assert d["by_unit"] == [u["by_unit"][i] for i in top], "not the units with the most in scope"
print("ok")
PY
)"
req GET "/api/v1/dashboard?as_of=2017-04-01" >/dev/null
cmp -s "$T/body" "$T/dash-late.json" && fail "dashboard does not change with as_of" ||
	pass "an earlier as_of gives another dashboard"
expect_eq "plan: 200" 200 "$(req GET /api/v1/plan)"
expect_grep "plan id" '"id": "luoyang-2017"' "$T/body"
expect_grep "clauses carry their rules" '"rules": \[{"id": "' "$T/body"
expect_grep "parameters" '"name": "decoupling_due", "value": "2017-12-31"' "$T/body"

serve_stop
finish
