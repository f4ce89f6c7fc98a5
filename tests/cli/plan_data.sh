#!/usr/bin/env bash
# A county adopts its own plan (issue 12, item 4): nothing of Luoyang is in
# the C.  The office's name, the place word (全市/全县), the plan's level,
# the sections of the dashboard and the report, and the clauses a report
# cites all come from the plan; "city level" (市直) in rules.md reads "the
# association's level equals the plan's".  `plan use` makes a plan the
# register's, refused when the register's records do not fit it.
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
DAY=2026-11-27
tg import --db "$DB" "$TOP/data/demo-bundle.json" >/dev/null

# The county's plan: Luoyang's rules and clauses, its own title, number,
# level and office, no groups (6.x clauses fall to 综合监管).
python3 - "$TOP/plans/luoyang-2017.json" "$T" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p.update(id="mengjin-2018", title="孟津县行业协会商会与行政机关脱钩实施方案",
         number="孟办〔2018〕3号", level="county",
         office="孟津县行业协会商会脱钩工作领导小组办公室")
del p["groups"]
json.dump(p, open(sys.argv[2] + "/county.json", "w"), ensure_ascii=False)
q = dict(p); q["level"] = "prefecture"
json.dump(q, open(sys.argv[2] + "/bad-level.json", "w"), ensure_ascii=False)
q = dict(p); q["groups"] = [{"id": "personnel", "name": "人员", "clauses": ["6.1"]}]
json.dump(q, open(sys.argv[2] + "/bad-group.json", "w"), ensure_ascii=False)
q = {k: v for k, v in p.items() if k not in ("level", "office")}
json.dump(q, open(sys.argv[2] + "/plain.json", "w"), ensure_ascii=False)
q = dict(p); q["id"] = "mengjin-2019"
q["obligations"] = [{"id": "county.charter-check", "clause": "5.2", "title": "章程核查",
                     "subject": "associations", "in_scope": True,
                     "anchor": {"field": "decoupled_on"}, "offset": {"days": 30}}]
json.dump(q, open(sys.argv[2] + "/with-duty.json", "w"), ensure_ascii=False)
b = json.load(open(sys.argv[1].replace("plans/luoyang-2017.json", "data/demo-bundle.json")))
b["plan"] = "mengjin-2019"
b["steps"] = [{"id": "ST1", "obligation": "county.charter-check",
               "subject": b["associations"][0]["uscc"], "period": None,
               "done_on": "2018-01-05", "note": None}]
json.dump(b, open(sys.argv[2] + "/steps.json", "w"), ensure_ascii=False)
PY

# plan show says the level and the office.
tg plan show --plan "$T/county.json" >"$T/show" 2>&1
expect_grep "plan show: the county's level" "层级：全县" "$T/show"
expect_grep "plan show: the county's office" "工作机构：孟津县行业协会商会脱钩工作领导小组办公室" "$T/show"
tg plan show --db "$DB" >"$T/show" 2>&1
expect_grep "the register's plan is Luoyang's, a city plan" "方案编号：luoyang-2017；层级：全市" "$T/show"
tg plan show --plan "$T/plain.json" >"$T/show" 2>&1
expect_grep "without level and office: a city plan of 联合工作组办公室" "层级：全市；工作机构：联合工作组办公室" "$T/show"

# Refused plan keys name their path.
expect_exit "an unknown level is refused" 2 tg plan show --plan "$T/bad-level.json"
expect_grep "... naming the key level" "json: level: " "$T/err"
expect_exit "a group with a separation's id is refused" 2 tg plan show --plan "$T/bad-group.json"
expect_grep "... naming groups[0].id" "groups\[0\].id" "$T/err"

# 市直 follows the plan's level: under the city plan the summary duty is
# the city-level associations', under the county plan the county-level
# ones'.  Read independently from the bundle's levels.
tg check --db "$DB" --as-of $DAY --format json >"$T/city.json"
tg check --db "$DB" --plan "$T/county.json" --as-of $DAY --format json >"$T/county-findings.json"
python3 - "$TOP/data/demo-bundle.json" "$T/city.json" "$T/county-findings.json" >"$T/levels" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
level = {a["uscc"]: a["level"] for a in b["associations"]}
for path, want in ((sys.argv[2], "city"), (sys.argv[3], "county")):
    fs = json.load(open(path))
    for rule in ("report.summary-missing", "acceptance.pending"):
        got = {level[f["association"]] for f in fs["findings"] if f["rule"] == rule}
        n = sum(f["rule"] == rule for f in fs["findings"])
        print(f"{want} {rule} {n} {'ok' if got <= {want} else 'WRONG ' + str(got)}")
    print(f"{want} plan {fs['plan']} {','.join(sorted({f['plan'] for f in fs['findings']}))}")
PY
expect_grep "city plan: summaries missing only of city-level associations" "^city report.summary-missing [1-9][0-9]* ok" "$T/levels"
expect_grep "county plan: summaries missing only of county-level associations" "^county report.summary-missing [1-9][0-9]* ok" "$T/levels"
expect_grep "county plan: acceptance pending only of county-level ones" "^county acceptance.pending [0-9]* ok" "$T/levels"
expect_grep "each finding names the county plan" "^county plan mengjin-2018 mengjin-2018$" "$T/levels"
# The office a finding names (报送 to, 组织验收 by) is the plan's.
expect_grep "county summaries are reported to the county's office" "向孟津县行业协会商会脱钩工作领导小组办公室报送" "$T/county-findings.json"
expect_grep "... which organises their acceptance" "孟津县行业协会商会脱钩工作领导小组办公室适时组织验收" "$T/county-findings.json"
if grep -q "洛阳市行业协会商会与行政机关脱钩联合工作组办公室" "$T/county-findings.json"; then
	fail "no county finding names Luoyang's office"
else pass "no county finding names Luoyang's office"; fi
expect_grep "city summaries are reported to Luoyang's office" "向洛阳市行业协会商会与行政机关脱钩联合工作组办公室报送" "$T/city.json"

# The progress report: the county's words from its plan, none of Luoyang's.
if command -v pdftotext >/dev/null; then
	expect_exit "report progress --plan writes the county's report" 0 \
		tg report progress --db "$DB" --plan "$T/county.json" --as-of $DAY -o "$T/county.pdf"
	pdftotext "$T/county.pdf" - | tr -d '\n ' >"$T/county.txt"
	expect_grep "the title says 全县" "关于全县行业协会商会与行政机关脱钩" "$T/county.txt"
	expect_grep "the office is the plan's" "孟津县行业协会商会脱钩工作领导小组办公室依据全县" "$T/county.txt"
	if grep -q "全市\|联合工作组办公室依据\|报联合工作组办公室。" "$T/county.txt"; then
		fail "no 全市 or Luoyang's office in the county's report: $(grep -o '.\{20\}\(全市\|洛阳\|联合工作组办公室\).\{10\}' "$T/county.txt" | head -3)"
	else pass "no 全市 or Luoyang's office in the county's report"; fi
	expect_grep "without groups, the sections are the separations and 综合监管" "按方案“五分离”及综合监管分类" "$T/county.txt"
	tg report progress --db "$DB" --as-of $DAY -o "$T/city.pdf" >/dev/null 2>&1
	pdftotext "$T/city.pdf" - | tr -d '\n ' >"$T/city.txt"
	expect_grep "Luoyang's report keeps its group 脱钩进程" "按方案“五分离”及脱钩进程、综合监管分类" "$T/city.txt"
	expect_grep "... and cites the clause of the summary duty from the plan" "按照方案六(三)的要求" "$T/city.txt"
else
	fail "poppler-utils (pdftotext) are installed (scripts/packages.txt)"
fi

# plan use: the county's plan becomes the register's; every command uses it.
DB2=$(db_url steps)
tg import --db "$DB2" "$TOP/data/demo-bundle.json" >/dev/null
expect_exit "plan use stores a plan with an obligation" 0 tg plan use "$T/with-duty.json" --db "$DB2"
expect_exit "import takes a step of the stored plan's obligation" 0 tg import --db "$DB2" "$T/steps.json"
expect_exit "plan use refuses a plan the register's steps do not fit" 2 \
	tg plan use "$T/county.json" --db "$DB2"
expect_grep "... naming the step's obligation" "steps\[0\].obligation" "$T/err"
tg plan show --db "$DB2" >"$T/show" 2>&1
expect_grep "... and the register keeps its plan" "方案编号：mengjin-2019" "$T/show"
expect_exit "plan use stores the county's plan" 0 tg plan use "$T/county.json" --db "$DB"
tg plan show --db "$DB" >"$T/show" 2>&1
expect_grep "plan show --db: the stored plan" "方案编号：mengjin-2018；层级：全县" "$T/show"
tg check --db "$DB" --as-of $DAY --format json >"$T/after.json"
expect_eq "check --db now judges under the stored county plan" \
	"$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["plan"])' "$T/after.json")" "mengjin-2018"
expect_eq "... finding for finding as --plan did" "$(python3 -c '
import json,sys
a=json.load(open(sys.argv[1]));b=json.load(open(sys.argv[2]))
print(a["findings"]==b["findings"])' "$T/after.json" "$T/county-findings.json")" "True"
expect_exit "plan use of an invalid plan is refused" 2 tg plan use "$T/bad-level.json" --db "$DB"

# remind takes the register's plan, or --plan for one run: under the county
# plan the county-level associations' missing summaries are reminded.
tg remind --db "$DB" --as-of $DAY >"$T/remind-county" 2>&1
tg remind --db "$DB" --plan "$TOP/plans/luoyang-2017.json" --as-of $DAY >"$T/remind-city" 2>&1
if cmp -s "$T/remind-county" "$T/remind-city"; then fail "remind --plan overrides the stored plan for one run"
else pass "remind --plan overrides the stored plan for one run"; fi
finish
