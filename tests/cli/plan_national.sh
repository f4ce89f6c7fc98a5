#!/usr/bin/env bash
# A second real plan end to end (issue 12): the 2019 national opinions
# (发改体改〔2019〕1063号, plans/national-2019.json: its own clauses, level
# national, office, parameters, 39 of the rules and Luoyang's obligations of
# 五 under its own clauses).  check --plan with --bundle and check --db after
# `plan use` agree finding for finding; the report speaks of 全国 and the
# national office; explain cites the national clauses.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"
P="$TOP/plans/national-2019.json"
DAY=2021-06-30

expect_exit "the national plan loads" 0 tg plan show --plan "$P"
expect_grep "its level and office" "层级：全国；工作机构：全国行业协会商会与行政机关脱钩联合工作组办公室" "$T/out"
expect_grep "its clauses, not Luoyang's" "三(四)  人员管理分离，规范用人关系" "$T/out"
if grep -q "洛阳\|洛办" "$P"; then fail "nothing of Luoyang in the national plan"; else pass "nothing of Luoyang in the national plan"; fi

# The demo register under the national plan, from the bundle and from a
# register that adopted it.
python3 - "$TOP/data/demo-bundle.json" "$T/bundle.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["plan"] = "national-2019"
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit "plan use national-2019 on an empty register" 0 tg plan use "$P" --db "$DB"
BUNDLE=$T/bundle.json
http_setup # imports the demo register under the stored plan
pass "the demo register imports under it"
for D in 2019-12-31 $DAY 2022-12-31; do
	tg check --bundle "$T/bundle.json" --plan "$P" --as-of $D --format json >"$T/b.json" 2>"$T/err"
	tg check --db "$DB" --as-of $D --format json >"$T/d.json" 2>>"$T/err"
	expect_eq "as of $D: --bundle --plan and --db after plan use agree" \
		"$(sha256sum <"$T/b.json")" "$(sha256sum <"$T/d.json")"
done
python3 - "$T/d.json" "$P" >"$T/sum" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
clauses = {c["id"] for c in p["clauses"]}
print("plan", fs["plan"], "findings", len(fs["findings"]))
print("plans", sorted({f["plan"] for f in fs["findings"]}))
print("foreign-clauses", sorted({f["clause"] for f in fs["findings"]} - clauses))
print("rules-not-listed", sorted({f["rule"] for f in fs["findings"]} - {r["id"] for r in p["rules"]} - {o["id"] for o in p["obligations"]}))
PY
expect_grep "findings under the national plan" "^plan national-2019 findings [1-9]" "$T/sum"
expect_grep "every finding names it" "^plans \['national-2019'\]$" "$T/sum"
expect_grep "every finding cites a national clause" "^foreign-clauses \[\]$" "$T/sum"
expect_grep "no finding of a rule the plan does not list" "^rules-not-listed \[\]$" "$T/sum"
# The decoupling deadline is the national one: 2020-12-31.
expect_grep "decoupling due at the national deadline" '"rule": "decoupling.incomplete", [^}]*"due": "2020-12-31"' "$T/d.json"

expect_exit "explain a rule under the stored plan" 0 tg explain decoupling.incomplete --db "$DB"
expect_grep "... citing the national clause" "五(三)" "$T/out"
expect_exit "explain an obligation" 0 tg explain services.evaluation-missing --db "$DB"
expect_grep "... citing 四(一)" "四(一)" "$T/out"

if command -v pdftotext >/dev/null; then
	expect_exit "the progress report under the stored national plan" 0 \
		tg report progress --db "$DB" --as-of $DAY -o "$T/national.pdf"
	pdftotext "$T/national.pdf" - | tr -d '\n ' >"$T/national.txt"
	expect_grep "the title says 全国" "关于全国行业协会商会与行政机关脱钩" "$T/national.txt"
	expect_grep "the national office reports" "全国行业协会商会与行政机关脱钩联合工作组办公室依据全国" "$T/national.txt"
	expect_grep "the plan's title and number" "关于全面推开行业协会商会与行政机关脱钩改革的实施意见》（发改体改〔2019〕1063号）" "$T/national.txt"
	expect_grep "the follow-up cites the national clause" "按照方案五(三)的要求" "$T/national.txt"
	if grep -q "全市\|洛办" "$T/national.txt"; then fail "no 全市 or 洛办 in the national report"
	else pass "no 全市 or 洛办 in the national report"; fi
else
	fail "poppler-utils (pdftotext) are installed (scripts/packages.txt)"
fi

# The web application under the stored national plan.
add_user boss office
serve_start
login boss >/dev/null
as boss
expect_eq "GET /api/v1/plan: 200" 200 "$(req GET /api/v1/plan)"
expect_grep "... the national plan" '"id": "national-2019"' "$T/body"
expect_eq "GET /api/v1/findings: 200" 200 "$(req GET "/api/v1/findings?as_of=$DAY&per_page=5")"
expect_grep "... judged under it" '"plan": "national-2019"' "$T/body"
expect_eq "GET /api/v1/dashboard: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$DAY")"
expect_grep "... its sections are the national plan's" '人员管理分离' "$T/body"
expect_grep "... with its group 脱钩进程" '脱钩进程' "$T/body"
as ""
expect_eq "GET /api/v1/public/plan without a login: 200" 200 "$(req GET /api/v1/public/plan)"
expect_grep "... names the national office for the login page" '"office": "全国行业协会商会与行政机关脱钩联合工作组办公室"' "$T/body"
expect_grep "... and the place word 全国" '"place": "全国"' "$T/body"
serve_stop

finish
