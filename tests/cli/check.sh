#!/usr/bin/env bash
# The joint office checks the register at the deadlines of the plan; the
# same input always gives the same answer, from a file or from the database.
# valgrind: yes
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
DEMO=$TOP/data/demo-bundle.json
tg import --db "$DB" "$DEMO" >/dev/null

for d in 2017-06-30 2017-12-31 2018-06-30; do
	tg check --db "$DB" --as-of $d --format json >"$T/db.json"
	tg check --bundle "$DEMO" --as-of $d --format json >"$T/bundle.json"
	expect_eq "check --db and --bundle agree at $d" "$(sha256sum <"$T/db.json")" "$(sha256sum <"$T/bundle.json")"
	tg check --db "$DB" --as-of $d --format json >"$T/again.json"
	expect_eq "check is byte-identical when run again at $d" "$(sha256sum <"$T/db.json")" "$(sha256sum <"$T/again.json")"
	n=$(grep -c '"rule": ' "$T/db.json")
	if [ "$n" -gt 10 ]; then pass "check at $d finds $n items"; else fail "check at $d finds only $n items"; fi
done

tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/base.json"
expect_grep "output names the as-of date" '"as_of": "2017-12-31"' "$T/base.json"
expect_grep "output names the plan" '"plan": "luoyang-2017"' "$T/base.json"
expect_grep "a finding cites its clause as officials do" '（四(二)' "$T/base.json"

# What-if: a later deadline changes the findings as rules.md says.
tg check --db "$DB" --as-of 2018-01-15 --format json >"$T/jan.json"
tg check --db "$DB" --as-of 2018-01-15 --set decoupling_due=2018-06-30 --format json >"$T/whatif.json" 2>"$T/whatif.err"
expect_grep "--set warns that it is a what-if" "假设分析" "$T/whatif.err"
a=$(grep -c '"rule": "decoupling.incomplete".*"overdue"' "$T/jan.json")
b=$(grep -c '"rule": "decoupling.incomplete".*"overdue"' "$T/whatif.json")
if [ "$b" -lt "$a" ]; then pass "--set decoupling_due leaves fewer overdue ($a -> $b)"; else fail "--set decoupling_due: $a -> $b"; fi
tg check --db "$DB" --as-of 2017-12-31 --set report_workdays=40 --format json >"$T/rw.json" 2>/dev/null
a=$(grep -c '"rule": "report.summary-missing".*"overdue"' "$T/base.json")
b=$(grep -c '"rule": "report.summary-missing".*"overdue"' "$T/rw.json")
if [ "$b" -le "$a" ]; then pass "--set report_workdays=40: overdue summaries $a -> $b"; else fail "report_workdays: $a -> $b"; fi
expect_exit "--set of an unknown parameter is refused" 2 tg check --db "$DB" --as-of 2017-12-31 --set nothing=1
expect_exit "--set with a bad value is refused" 2 tg check --db "$DB" --as-of 2017-12-31 --set report_workdays=ten
expect_exit "a bad as-of date is refused" 2 tg check --db "$DB" --as-of 2017-13-01
expect_exit "--as-of is required" 2 tg check --db "$DB"
expect_exit "--db and --bundle together are refused" 2 tg check --db "$DB" --bundle "$DEMO" --as-of 2017-12-31
expect_exit "a missing database is refused" 2 tg check --db "$T/none.db" --as-of 2017-12-31

# Another plan file.
python3 - "$TOP/plans/luoyang-2017.json" "$T/other.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["id"] = "other-city"
for x in p["parameters"]:
    if x["name"] == "decoupling_due":
        x["value"] = "2019-12-31"
json.dump(p, open(sys.argv[2], "w"), ensure_ascii=False)
PY
sed 's/"plan": "luoyang-2017"/"plan": "other-city"/' "$DEMO" >"$T/other-bundle.json"
expect_exit "check with another plan file runs" 0 tg check --bundle "$T/other-bundle.json" --plan "$T/other.json" --as-of 2018-06-30
expect_grep "and reports that plan" '"plan": "other-city"' "$T/out"
python3 -c "import json,sys; p=json.load(open('$T/other.json')); p['parameters'][0]['value']='2017-02-30'; json.dump(p, open('$T/badplan.json','w'))"
expect_exit "a plan with a bad date is refused" 2 tg check --bundle "$T/other-bundle.json" --plan "$T/badplan.json" --as-of 2018-06-30
expect_grep "naming the key" "parameters\[0\].value" "$T/err"
expect_exit "a bundle of another plan is refused under this plan" 2 tg check --bundle "$T/other-bundle.json" --as-of 2018-06-30

# People read the table; programs read CSV.
expect_exit "table format" 0 tg check --db "$DB" --as-of 2017-12-31 --format table
expect_grep "table has Chinese headings" "截止日期" "$T/out"
expect_grep "table shows overdue items" "逾期" "$T/out"
expect_exit "csv format" 0 tg check --db "$DB" --as-of 2017-12-31 --format csv
expect_eq "csv has one line per finding plus a header" "$(($(grep -c '"rule": ' "$T/base.json") + 1))" "$(grep -c $'\r$' "$T/out")"

# Traceability.
expect_exit "plan show" 0 tg plan show --db "$DB"
expect_grep "plan show lists clause 四(二) with its rules" "personnel.official-holds-post" "$T/out"
expect_exit "explain a rule" 0 tg explain report.summary-missing
expect_grep "explain prints the clause text" "工作总结" "$T/out"
expect_grep "explain prints the parameter value" "report_workdays = 10" "$T/out"
expect_exit "explain an unknown rule" 2 tg explain no.such-rule
finish
