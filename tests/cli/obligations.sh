#!/usr/bin/env bash
# A plan declares its own duties as data (obligations.md): every malformed
# obligation is refused naming its JSON path, steps are checked against the
# plan in force the same way from --bundle and --db, parameters are open,
# and tuogou agrees finding for finding with an independent reading of the
# spec (tests/support/oblig_ref.py) on random plans and registers.
. "$(dirname "$0")/../lib.sh"
DEMO=$TOP/data/demo-bundle.json

# The Luoyang plan with one duty of section 五: a charter filed after
# decoupling, within 30 days of it, for the associations in scope.
python3 - "$TOP/plans/luoyang-2017.json" "$T/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
p["parameters"].append({"name": "services_evaluation_from", "type": "date",
                        "value": "2017-03-28", "clause": "5.1", "label": "评价起算",
                        "note": None})
p["obligations"] = [
    {"id": "charter.filed-late", "clause": "5.2", "basis": None,
     "title": "脱钩后未及时办理章程核准", "subject": "associations", "in_scope": True,
     "anchor": {"field": "decoupled_on"}, "offset": {"days": 30},
     "done": {"field": "charter_filed_on"}},
    {"id": "listing.review", "clause": "5.2", "basis": None, "title": "信用名录未复核",
     "subject": "credit_listings", "anchor": {"param": "services_evaluation_from"},
     "offset": {"workdays": 10}},
    {"id": "report.yearly-summary", "clause": "5.2", "basis": None, "title": "年度总结",
     "subject": "associations", "yearly": {"from_year": 2017, "due": "02-29"},
     "opens": {"field": "registered_on"}}]
json.dump(p, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit "a plan with obligations runs" 0 tg check --bundle "$DEMO" --plan "$T/plan.json" --as-of 2018-03-01
expect_grep "its findings are in the one list" '"rule": "charter.filed-late"' "$T/out"
expect_grep "each finding carries the plan it was judged under" '"plan": "luoyang-2017", "message"' "$T/out"
expect_grep "a yearly duty due 02-29 falls on the last day of February" '"rule": "report.yearly-summary".*"subject": "2017", "due": "2018-02-28"' "$T/out"
expect_grep "a workdays offset counts the holiday calendar (2017-03-28 + 10 working days)" '"rule": "listing.review".*"due": "2017-04-12"' "$T/out"

# --set works on a parameter no rule of rules.md knows.
expect_exit "--set on a declared open parameter" 0 tg check --bundle "$DEMO" --plan "$T/plan.json" --as-of 2018-03-01 --set services_evaluation_from=2018-01-02
expect_grep "and moves the due date it anchors (2018-01-02 + 10 working days)" '"rule": "listing.review".*"due": "2018-01-16"' "$T/out"
expect_exit "--set on an undeclared name is still refused" 2 tg check --bundle "$DEMO" --plan "$T/plan.json" --as-of 2018-03-01 --set nothing_here=2018-01-02

# explain ID and plan show know the plan's obligations (issue 12)
expect_exit "explain an obligation" 0 tg explain charter.filed-late --plan "$T/plan.json"
expect_grep "its title" '义务：charter.filed-late（脱钩后未及时办理章程核准）' "$T/out"
expect_grep "its clause" '条款：五(二)' "$T/out"
expect_grep "its subject" '对象：行业协会商会（associations）' "$T/out"
expect_grep "only associations in scope" '仅限纳入脱钩范围' "$T/out"
expect_grep "where its due date counts from" '起算：行业协会商会的“脱钩完成日期”' "$T/out"
expect_grep "how its due date is computed" '期限：起算日后30日' "$T/out"
expect_grep "what makes it done" '办结：行业协会商会的“章程核准备案日期”已填' "$T/out"
expect_grep "the clause's text" '条款原文' "$T/out"
expect_exit "explain a duty anchored on a parameter" 0 tg explain listing.review --plan "$T/plan.json" --set services_evaluation_from=2018-01-02
expect_grep "the parameter with its value for this run" '起算：参数 services_evaluation_from（2018-01-02）' "$T/out"
expect_grep "working days" '期限：起算日后10个工作日' "$T/out"
expect_grep "done by a step" '办结：办结记录（steps）' "$T/out"
expect_exit "explain a yearly duty" 0 tg explain report.yearly-summary --plan "$T/plan.json"
expect_grep "every year, due the next year" '每年一次：自2017年起，每一年度的事项于次年2月29日前办结' "$T/out"
expect_exit "explain a duty filtered by an enum" 0 tg explain posts.notice-missing
expect_grep "the enum's values in the glossary's words" '适用：“职务”为会长（理事长）或秘书长' "$T/out"
expect_exit "explain an id that is neither" 2 tg explain no.such-duty --plan "$T/plan.json"
expect_grep "says so" '没有规则或义务“no.such-duty”' "$T/err"
expect_exit "plan show" 0 tg plan show --plan "$T/plan.json"
expect_grep "counts the obligations" '43 条规则、3 项义务' "$T/out"
expect_grep "lists each under its clause" 'charter.filed-late .*脱钩后未及时办理章程核准（义务）' "$T/out"

# Each malformed obligation: exit 2, the path named.
n=0
refuse() { # refuse WHAT EXPECTED_PATH PYTHON (o: the obligation, p: the plan)
	n=$((n + 1))
	python3 - "$T/plan.json" "$T/bad$n.json" "$3" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
o = p["obligations"][1]
exec(sys.argv[3])
json.dump(p, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
	expect_exit "$1 is refused" 2 tg check --bundle "$DEMO" --plan "$T/bad$n.json" --as-of 2018-03-01
	if grep -qF -- "$2:" "$T/err"; then pass "naming $2"; else fail "naming $2: $(head -c 400 "$T/err")"; fi
}
refuse "an unknown key" "obligations[1].deadline" 'o["deadline"] = "2018-01-01"'
refuse "an id that is a rule id" "obligations[1].id" 'o["id"] = "charter.not-filed"'
refuse "an id used twice" "obligations[1].id" 'o["id"] = "charter.filed-late"'
refuse "a clause not in the plan" "obligations[1].clause" 'o["clause"] = "9.9"'
refuse "an unknown subject array" "obligations[1].subject" 'o["subject"] = "service_purchase"'
refuse "steps as a subject" "obligations[1].subject" 'o["subject"] = "steps"'
refuse "an unknown field of an anchor" "obligations[1].anchor.field" 'o["anchor"] = {"field": "evaluated_on"}'
refuse "a field that is not a date" "obligations[1].anchor.field" 'o["anchor"] = {"field": "reason"}'
refuse "an unknown association field" "obligations[1].anchor.field" 'o["anchor"] = {"field": "association.nothing_on"}'
refuse "an unknown field of when" "obligations[1].when.grade" 'o["when"] = {"grade": [None]}'
refuse "an unknown field of done" "obligations[1].done.field" 'o["done"] = {"field": "evaluated_on"}'
refuse "done.record on a subject that is not associations" "obligations[1].done.record" 'o["done"] = {"record": "elections", "field": "on"}'
refuse "an unknown parameter" "obligations[1].anchor.param" 'o["anchor"] = {"param": "no_such_day"}'
refuse "a parameter that is not a date" "obligations[1].anchor.param" 'o["anchor"] = {"param": "report_workdays"}'
refuse "a parameter that is null" "obligations[1].anchor.param" 'p["parameters"][-1]["value"] = None'
refuse "negative workdays" "obligations[1].offset.workdays" 'o["offset"] = {"workdays": -1}'
refuse "two offset kinds" "obligations[1].offset" 'o["offset"] = {"days": 1, "months": 1}'
refuse "a yearly duty with an anchor" "obligations[1].yearly" 'o["yearly"] = {"from_year": 2017, "due": "05-31"}'
refuse "a yearly duty with done other than a step" "obligations[1].yearly" 'del o["anchor"]; del o["offset"]; o["yearly"] = {"from_year": 2017, "due": "05-31"}; o["done"] = {"field": "on"}'
refuse "from_year not an int" "obligations[1].yearly.from_year.param" 'del o["anchor"]; del o["offset"]; o["yearly"] = {"from_year": {"param": "services_evaluation_from"}, "due": "05-31"}'
refuse "in_scope on a subject without association" "obligations[1].in_scope" 'o["subject"] = "unit_tasks"; o["in_scope"] = True'
refuse "in_scope: false on a subject without association" "obligations[1].in_scope" 'o["subject"] = "units"; o["in_scope"] = False'
refuse "a step source naming an unknown obligation" "obligations[1].anchor.step" 'o["anchor"] = {"step": "no.such"}'
refuse "a step source naming a yearly obligation" "obligations[1].anchor.step" 'o["anchor"] = {"step": "report.yearly-summary"}'
refuse "a step source of another subject array" "obligations[1].anchor.step" 'o["anchor"] = {"step": "charter.filed-late"}'
refuse "a plan listing no rule and no obligation" "rules" 'p["rules"] = []; p["obligations"] = []'

# A plan of obligations only: no rules, no parameters.
python3 - "$T/plan.json" "$T/only.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
del p["rules"], p["parameters"]
p["obligations"] = [{"id": "units.list-late", "clause": "4.4", "subject": "units",
                     "anchor": {"date": "2017-03-28"}, "offset": {"months": 3},
                     "done": {"field": "function_list_on"}}]
json.dump(p, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit "a plan of obligations only, without rules or parameters, runs" 0 tg check --bundle "$DEMO" --plan "$T/only.json" --as-of 2017-07-01
expect_grep "and reports its duty (2017-03-28 + 3 months)" '"rule": "units.list-late".*"due": "2017-06-28", "state": "overdue"' "$T/out"
if grep -q '"rule": "[a-z-]*\.[a-z-]*", "clause"' "$T/out" && ! grep -q '"rule": "decoupling.incomplete"' "$T/out"; then
	pass "and nothing but its obligations"
else fail "a plan of obligations only ran rules"; fi

# Open parameters: a plan without the rule that reads one may leave it null;
# a listed rule whose parameter is null is refused naming the rule.
python3 - "$T/plan.json" "$T/open.json" "$T/needs.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
p["rules"] = [r for r in p["rules"] if r["id"] != "report.summary-missing"]
for x in p["parameters"]:
    if x["name"] == "report_workdays":
        x["value"] = None
json.dump(p, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
p["rules"].append({"id": "report.summary-missing", "clause": "6.3", "basis": None, "title": "t"})
json.dump(p, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit "a parameter no listed rule reads may be null" 0 tg check --bundle "$DEMO" --plan "$T/open.json" --as-of 2018-03-01
expect_exit "a listed rule whose parameter is null is refused" 2 tg check --bundle "$DEMO" --plan "$T/needs.json" --as-of 2018-03-01
expect_grep "naming the rule and the parameter" 'rules\[.*report_workdays' "$T/err"

# Steps: checked against the plan in force, from --bundle and from --db.
USCC=$(python3 -c "import json; print(json.load(open('$DEMO'))['associations'][0]['uscc'])")
step_bundle() { # step_bundle FILE STEP_JSON
	python3 - "$DEMO" "$1" "$2" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["steps"] = [json.loads(sys.argv[3])]
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
}
step_bundle "$T/s-ok.json" '{"id": "ST1", "obligation": "report.yearly-summary", "subject": "'"$USCC"'", "period": 2017, "done_on": "2018-01-05", "note": null}'
step_bundle "$T/s-unknown.json" '{"id": "ST1", "obligation": "no.such-duty", "subject": "'"$USCC"'", "period": null, "done_on": "2018-01-05", "note": null}'
step_bundle "$T/s-subject.json" '{"id": "ST1", "obligation": "charter.filed-late", "subject": "NOPE", "period": null, "done_on": "2018-01-05", "note": null}'
step_bundle "$T/s-noperiod.json" '{"id": "ST1", "obligation": "report.yearly-summary", "subject": "'"$USCC"'", "period": null, "done_on": "2018-01-05", "note": null}'
step_bundle "$T/s-period.json" '{"id": "ST1", "obligation": "charter.filed-late", "subject": "'"$USCC"'", "period": 2017, "done_on": "2018-01-05", "note": null}'
expect_exit "a step naming an unknown obligation is refused (--bundle)" 2 tg check --bundle "$T/s-unknown.json" --plan "$T/plan.json" --as-of 2018-03-01
expect_grep "naming steps[0]" 'steps\[0\]\.obligation' "$T/err"
expect_exit "a step whose subject does not resolve is refused" 2 tg check --bundle "$T/s-subject.json" --plan "$T/plan.json" --as-of 2018-03-01
expect_grep "naming steps[0].subject" 'steps\[0\]\.subject' "$T/err"
expect_exit "a yearly step without a period is refused" 2 tg check --bundle "$T/s-noperiod.json" --plan "$T/plan.json" --as-of 2018-03-01
expect_grep "naming steps[0].period" 'steps\[0\]\.period' "$T/err"
expect_exit "a period on a duty that is not yearly is refused" 2 tg check --bundle "$T/s-period.json" --plan "$T/plan.json" --as-of 2018-03-01
expect_grep "naming steps[0].period" 'steps\[0\]\.period' "$T/err"
expect_exit "a step marks a yearly duty done" 0 tg check --bundle "$T/s-ok.json" --plan "$T/plan.json" --as-of 2018-03-01
if grep -q "\"rule\": \"report.yearly-summary\", \"clause\": \"5.2\", \"association\": \"$USCC\", \"subject\": \"2017\"" "$T/out"; then
	fail "the step did not mark 2017 done"
else pass "the 2017 summary of that association is done"; fi

DB=$(db_url steps)
expect_exit "import refuses a step naming an unknown obligation" 2 tg import --db "$DB" --plan "$T/plan.json" "$T/s-unknown.json"
expect_grep "naming steps[0] (import)" 'steps\[0\]\.obligation' "$T/err"
expect_exit "import --plan takes steps checked against that plan" 0 tg import --db "$DB" --plan "$T/plan.json" "$T/s-ok.json"
expect_exit "check --db under that plan" 0 tg check --db "$DB" --plan "$T/plan.json" --as-of 2018-03-01
cp "$T/out" "$T/db.json"
tg check --bundle "$T/s-ok.json" --plan "$T/plan.json" --as-of 2018-03-01 >"$T/bundle.json"
expect_eq "--db and --bundle agree with steps" "$(sha256sum <"$T/db.json")" "$(sha256sum <"$T/bundle.json")"
expect_exit "check --db refuses stored steps the plan in force does not know" 2 tg check --db "$DB" --as-of 2018-03-01
expect_grep "naming steps[0] (--db)" 'steps\[0\]\.obligation' "$T/err"
tg export --db "$DB" --format json -o "$T/export.json" >/dev/null 2>&1
expect_grep "steps round-trip through the register" '"period": 2017' "$T/export.json"

# The independent reading: random plans and registers, 2017-2022.
SEED=${OBLIG_SEED:-20261205}
CASES=${OBLIG_CASES:-12}
for i in $(seq 0 $((CASES - 1))); do
	RDB=$(db_url "rand$i")
	python3 "$TOP/tests/support/oblig_random.py" --tuogou "$TUOGOU" --top "$TOP" --tmp "$T" \
		--seed "$SEED" --case "$i" --dates 6 --db "$RDB" >"$T/rand.out" 2>&1
	if grep -q '^not ok' "$T/rand.out" || ! grep -q '^ok' "$T/rand.out"; then
		fail "random case $i of seed $SEED disagrees with the reference"
		grep -v '^ok' "$T/rand.out" | head -20 | sed 's/^/# /'
	else
		pass "random case $i of seed $SEED: $(grep -c '^ok' "$T/rand.out") checks agree ($(grep -o '([0-9]* findings)' "$T/rand.out" | tr -dc '0-9\n' | awk '{s+=$1} END {print s+0}') findings)"
	fi
done
finish
