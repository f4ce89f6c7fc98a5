#!/usr/bin/env bash
# http_batches.sh: batches and their deadlines (批次, issue 17), as the web
# page pages/batches.js writes them through the batches' record routes: the
# office defines a batch and edits its deadline; the deadline is the due date
# of its associations' decoupling (rules_due), moved at once; a stale edit is
# 409 with the current record, a bad date 400 naming `due`, any other role
# 403; every write leaves a row of history (changes) and of the audit log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
DAY=2017-10-31
tg check --db "$DB" --as-of $DAY --format json >"$T/check.json"
# an association whose decoupling is still open that day, and its unit
A=$(python3 -c '
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
print(next(f["association"] for f in fs if f["rule"] == "decoupling.incomplete" and f["state"] == "open"))' "$T/check.json" 2>/dev/null)
[ -n "$A" ] && pass "an association not yet decoupled on $DAY" || fail "no association with an open decoupling on $DAY"
U=$(q "SELECT unit FROM associations WHERE uscc = '$A'")
add_user boss office
add_user u1 unit --unit "$U"
add_user ca civil_affairs
serve_start

B=third
due() { # due: the due date of the association's decoupling item on DAY
	req GET "/api/v1/associations/$A/checklist?as_of=$DAY" >/dev/null
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(next((i.get("due") or "-") for s in d["separations"] for i in s["items"] if i["rule"] == "decoupling.incomplete"))' "$T/body"
}
edit_assoc() {
	req GET "/api/v1/associations/$A" >/dev/null
	python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $1; print(json.dumps(d, ensure_ascii=False))" "$T/body" >"$T/put.json"
	send PUT "/api/v1/associations/$A" "$(cat "$T/put.json")"
}

login boss >/dev/null
as boss
expect_eq "the office defines a batch: 201" 201 \
	"$(send POST /api/v1/batches "{\"id\": \"$B\", \"name\": \"第三批\", \"due\": \"2017-11-30\"}")"
expect_eq "it is listed" 200 "$(req GET /api/v1/batches)"
expect_grep "with its name and deadline" "\"id\": \"$B\", \"name\": \"第三批\", \"due\": \"2017-11-30\"" "$T/body"
expect_eq "the same id again: 409" 409 \
	"$(send POST /api/v1/batches "{\"id\": \"$B\", \"name\": \"第三批\"}")"
expect_eq "a date that does not exist: 400" 400 \
	"$(send POST /api/v1/batches '{"id": "fourth", "name": "第四批", "due": "2017-02-30"}')"
expect_eq "naming the field" due "$(json_field field)"
expect_eq "nothing stored" 0 "$(q "SELECT count(*) FROM batches WHERE id = 'fourth'")"

expect_eq "the association joins the batch: 200" 200 "$(edit_assoc "d['batch'] = '$B'")"
expect_eq "its decoupling is due by the batch's deadline" 2017-11-30 "$(due)"

req GET "/api/v1/batches/$B" >/dev/null
V=$(json_number version)
expect_eq "the office moves the deadline: 200" 200 \
	"$(send PUT "/api/v1/batches/$B" "{\"id\": \"$B\", \"name\": \"第三批\", \"due\": \"2017-12-15\", \"version\": $V}")"
expect_eq "the association's due follows at once" 2017-12-15 "$(due)"
expect_eq "an edit on the version read before: 409" 409 \
	"$(send PUT "/api/v1/batches/$B" "{\"id\": \"$B\", \"name\": \"第三批\", \"due\": \"2018-01-15\", \"version\": $V}")"
expect_grep "with the current record" '"current": {[^}]*"due": "2017-12-15"' "$T/body"
expect_eq "the deadline kept" 2017-12-15 "$(q "SELECT due FROM batches WHERE id = '$B'")"
expect_eq "no deadline: the plan's overall one" 200 \
	"$(send PUT "/api/v1/batches/$B" "{\"id\": \"$B\", \"name\": \"第三批\", \"due\": null, \"version\": $((V + 1))}")"
expect_eq "the association's due is the plan's decoupling_due" \
	"$(python3 -c 'import json; print(next(p["value"] for p in json.load(open("'"$TOP"'/plans/luoyang-2017.json"))["parameters"] if p["name"] == "decoupling_due"))')" "$(due)"

expect_eq "three writes of the batch in its history" 3 \
	"$(q "SELECT count(*) FROM changes WHERE \"array\" = 'batches' AND \"key\" = '$B'")"
expect_eq "the first is its creation (no before)" 1 \
	"$(q "SELECT count(*) FROM changes WHERE \"array\" = 'batches' AND \"key\" = '$B' AND \"before\" IS NULL")"
expect_eq "three audit records of the office's writes" 3 \
	"$(q "SELECT count(*) FROM audit_log WHERE object = 'batches/$B' AND \"user\" = 'boss' AND outcome = 'ok'")"
q "SELECT \"after\" FROM audit_log WHERE object = 'batches/$B' ORDER BY seq" >"$T/audit"
expect_grep "the audit keeps the deadline written" '2017-12-15' "$T/audit"

for who in u1 ca; do
	login $who >/dev/null
	as $who
	expect_eq "$who may read the batches" 200 "$(req GET /api/v1/batches)"
	expect_eq "$who may not define one: 403" 403 \
		"$(send POST /api/v1/batches '{"id": "fifth", "name": "第五批"}')"
	expect_eq "$who may not edit one: 403" 403 \
		"$(send PUT "/api/v1/batches/$B" "{\"id\": \"$B\", \"name\": \"改名\", \"version\": $((V + 2))}")"
done
expect_eq "nothing of theirs stored" "0 第三批" \
	"$(q "SELECT count(*) FROM batches WHERE id = 'fifth'") $(q "SELECT name FROM batches WHERE id = '$B'")"

serve_stop
finish
