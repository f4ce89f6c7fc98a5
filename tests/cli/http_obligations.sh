#!/usr/bin/env bash
# http_obligations.sh: an obligation of the plan is a checklist item like a
# rule's, and marking it done works as the plan says it is done (issue 12,
# item 5): by a step (a record of steps[], with its evidence), or by a field
# of its subject record.  Who may: a step is the office's or civil
# affairs' to write (rights.c); a field is the field's writers'.  Refused
# requests write nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

# Luoyang's plan, a newer version with two duties of its own: a step duty
# (a work summary reviewed within 30 days of decoupling) and a field duty
# (the charter filed within 60 days).
python3 - "$TOP/plans/luoyang-2017.json" "$T/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["obligations"] += [
    {"id": "t.review", "clause": "6.3", "title": "复核脱钩工作总结", "subject": "associations",
     "in_scope": True, "anchor": {"field": "decoupled_on"}, "offset": {"days": 30}},
    {"id": "t.charter", "clause": "5.2", "title": "脱钩后备案章程", "subject": "associations",
     "in_scope": True, "anchor": {"field": "decoupled_on"}, "offset": {"days": 60},
     "done": {"field": "charter_filed_on"}}]
json.dump(p, open(sys.argv[2], "w"), ensure_ascii=False)
PY
tg plan use "$T/plan.json" --db "$DB" >/dev/null 2>&1 || fail "plan use"
http_setup
DAY=2017-12-31
A=$(tg check --db "$DB" --as-of $DAY --format json | python3 -c '
import json, sys
fs = json.load(sys.stdin)["findings"]
r = {f["association"] for f in fs if f["rule"] == "t.review"}
c = {f["association"] for f in fs if f["rule"] == "t.charter"}
print(sorted(r & c)[0] if r & c else "")')
[ -n "$A" ] && pass "an association owes both duties on $DAY" || fail "an association owes both duties"
add_user boss office
add_user civ civil_affairs
add_user fin department --department finance
serve_start
printf '%%PDF-1.4\n%% 复核意见\n%%%%EOF\n' >"$T/复核.pdf"
up() { # up RULE: upload the PDF for the item of RULE of A
	req POST "/api/v1/associations/$A/evidence" -H "X-CSRF-Token: $CSRF" -F "file=@$T/复核.pdf" -F "rule=$1"
}
files() { find "$T/evidence" -type f 2>/dev/null | wc -l; }
steps() { q "SELECT count(*) FROM steps WHERE obligation = 't.review'"; }

login civ >/dev/null
as civ
expect_eq "the checklist: 200" 200 "$(req GET "/api/v1/associations/$A/checklist?as_of=$DAY")"
python3 - "$T/body" >"$T/items" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["separations"]:
    for i in s["items"]:
        if i["rule"].startswith("t."):
            print(s["id"], i["rule"], i["title"], i["cite"], i["done_by"], i["field"], i["status"])
PY
expect_grep "the step duty is an item of 脱钩进程, done by a step" "^progress t.review 复核脱钩工作总结 六(三) step None overdue" "$T/items"
expect_grep "the field duty is an item, done by its field" "^supervision t.charter 脱钩后备案章程 五(二) field associations.charter_filed_on \(open\|overdue\)$" "$T/items"

# The plan route lists each obligation under its clause beside the rules,
# with its title, so a page names a finding of either (dashboard, filters).
expect_eq "the plan: 200" 200 "$(req GET /api/v1/plan)"
python3 - "$T/body" >"$T/plan-items" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["clauses"]:
    for r in c["rules"]:
        print(c["id"], r["kind"], r["id"], r["title"])
PY
expect_grep "the plan names the step duty under 6.3" "^6.3 obligation t.review 复核脱钩工作总结$" "$T/plan-items"
expect_grep "the plan names the field duty under 5.2" "^5.2 obligation t.charter 脱钩后备案章程$" "$T/plan-items"
expect_grep "the rules keep their kind" "^6.3 rule report.summary-missing " "$T/plan-items"

login fin >/dev/null
as fin
expect_eq "finance: evidence for the step duty: 403" 403 "$(up t.review)"
expect_eq "refused: steps are not its to write" field_forbidden "$(json_field code)"
expect_eq "finance: marking it done: 403" 403 "$(send POST "/api/v1/associations/$A/checklist" \
	'{"rule": "t.review", "subject": null, "on": "2017-12-20", "evidence": []}')"
expect_eq "nothing written: no file, no step" "0 0" "$(files) $(steps)"

as civ
expect_eq "civil affairs: evidence for the step duty: 201" 201 "$(up t.review)"
id=$(json_number id)
expect_eq "an unknown duty: 400 unknown_rule" 400 "$(up t.nothing)"
expect_eq "marking the step duty done with it: 200" 200 "$(send POST "/api/v1/associations/$A/checklist?as_of=$DAY" \
	"{\"rule\": \"t.review\", \"subject\": null, \"on\": \"2017-12-20\", \"evidence\": [$id]}")"
expect_eq "one step written, for the association, on that day" "1|$A|2017-12-20" \
	"$(q "SELECT count(*) || '|' || max(subject) || '|' || max(done_on) FROM steps WHERE obligation = 't.review'")"
expect_eq "the evidence is attached to the duty" "t.review" "$(q "SELECT rule FROM evidence WHERE id = $id")"
tg check --db "$DB" --as-of $DAY --format json >"$T/after.json"
if grep -q "\"rule\": \"t.review\", \"association\": \"$A\"" "$T/after.json"; then
	fail "the duty's finding is gone from tuogou check"; else pass "the duty's finding is gone from tuogou check"; fi
expect_eq "civil affairs may not set the charter date? it may (charter_filed_on is its field): 200" 200 \
	"$(send POST "/api/v1/associations/$A/checklist?as_of=$DAY" '{"rule": "t.charter", "subject": null, "on": "2017-12-21", "evidence": []}')"
expect_eq "the field duty set the field" 2017-12-21 "$(q "SELECT charter_filed_on FROM associations WHERE uscc = '$A'")"
expect_eq "a duty done by a record cannot be marked: 400" 400 "$(send POST "/api/v1/associations/$A/checklist" \
	'{"rule": "commitment.missing", "subject": null, "on": "2017-12-20", "evidence": []}')"
expect_eq "... not_markable" not_markable "$(json_field code)"
# a done item stays on the checklist with its due date, its done date and
# its evidence (issue 17, item 5): the association's step duty above, and
# a record's (an exit case's notice, 五(二))
item() { # item RULE SUBJECT: "status|due|done_on|evidence ids" of the item in $T/body
	python3 - "$T/body" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["separations"]:
    for i in s["items"]:
        if i["rule"] == sys.argv[2] and (i["subject"] or "") == sys.argv[3]:
            print("%s|%s|%s|%s" % (i["status"], i["due"], i["done_on"], ",".join(str(e["id"]) for e in i["evidence"])))
PY
}
expect_eq "the checklist after: 200" 200 "$(req GET "/api/v1/associations/$A/checklist?as_of=$DAY")"
due=$(q "SELECT decoupled_on FROM associations WHERE uscc = '$A'" | python3 -c 'import sys, datetime; print(datetime.date.fromisoformat(sys.stdin.read().strip()) + datetime.timedelta(days=30))')
expect_eq "the done step duty is still listed: done, its due, its date, its evidence" "done|$due|2017-12-20|$id" "$(item t.review "")"
expect_eq "the done field duty too" "done|$(q "SELECT decoupled_on FROM associations WHERE uscc = '$A'" | python3 -c 'import sys, datetime; print(datetime.date.fromisoformat(sys.stdin.read().strip()) + datetime.timedelta(days=60))')|2017-12-21|" "$(item t.charter "")"

DAY2=2026-12-01
X=$(q "SELECT association FROM exit_cases WHERE id = 'XC02'")
expect_eq "an exit case's notice item: 200" 200 "$(req GET "/api/v1/associations/$X/checklist?as_of=$DAY2")"
expect_eq "... open and overdue, due 30 days after opening, no evidence" "overdue|2026-08-31|None|" "$(item exit.notice-missing XC02)"
expect_eq "evidence for it: 201" 201 "$(req POST "/api/v1/associations/$X/evidence" -H "X-CSRF-Token: $CSRF" \
	-F "file=@$T/复核.pdf" -F "rule=exit.notice-missing" -F "subject=XC02")"
xid=$(json_number id)
expect_eq "marking the notice done with it: 200" 200 "$(send POST "/api/v1/associations/$X/checklist?as_of=$DAY2" \
	"{\"rule\": \"exit.notice-missing\", \"subject\": \"XC02\", \"on\": \"2026-09-10\", \"evidence\": [$xid]}")"
expect_eq "the answer lists it done, with its due, its date and its evidence" "done|2026-08-31|2026-09-10|$xid" "$(item exit.notice-missing XC02)"
expect_eq "so does the checklist read again" 200 "$(req GET "/api/v1/associations/$X/checklist?as_of=$DAY2")"
expect_eq "... done|2026-08-31|2026-09-10|evidence" "done|2026-08-31|2026-09-10|$xid" "$(item exit.notice-missing XC02)"
expect_eq "the next step (the decision) counts from the notice: 60 days" "overdue|2026-11-09|None|" "$(item exit.decision-missing XC02)"
expect_eq "on the day before the notice it is open again, with the same due" 200 "$(req GET "/api/v1/associations/$X/checklist?as_of=2026-09-09")"
expect_eq "... overdue|2026-08-31" "overdue|2026-08-31|None|$xid" "$(item exit.notice-missing XC02)"

serve_stop
finish
