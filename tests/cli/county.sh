#!/usr/bin/env bash
# The county tier (issue 13 item 3, issue 12 item 3; 六(一)): the demo
# register with two counties (孟津县 410322, 新安县 410323) under the city
# (洛阳市 410300); 孟津 adopts its own plan (a copy of Luoyang's with another
# id, a later decoupling deadline and a longer period for the credit
# commitment).  check --db judges each record under its jurisdiction's plan
# and agrees finding for finding with the independent reading
# (tests/support/oblig_ref.py, evaluate_places), each finding naming its
# plan; plan show says where each plan applies; a county office's account
# sees exactly its county's associations and findings through the API,
# and its writes outside the county answer 404; the city's dashboard
# compares the counties and opens each; check --bundle takes the county's
# plan as --jurisdiction-plan CODE=FILE and agrees with check --db.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"
PLAN=$TOP/plans/luoyang-2017.json
MJ=410322
XA=410323

python3 - "$TOP/data/demo-bundle.json" "$TOP/tests/data/supervision-bundle.json" "$PLAN" \
	"$T/bundle.json" "$T/mengjin.json" <<'PY'
import json, sys
demo, sup, plan = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:4])
demo["jurisdictions"] = sup["jurisdictions"] # 河南省 > 洛阳市 > 孟津县, 新安县
for i, a in enumerate(demo["associations"]):
    a["jurisdiction"] = ["410323", "410322", "410300", None][i % 4]
for i, u in enumerate(demo["units"]):
    u["jurisdiction"] = ["410322", "410323", None][i % 3]
json.dump(demo, open(sys.argv[4], "w", encoding="utf-8"), ensure_ascii=False)
plan["id"] = "mengjin-2018"
plan["title"] = "孟津县推进行业协会商会与行政机关脱钩工作实施方案"
plan["level"] = "county"
plan["office"] = "孟津县行业协会商会与行政机关脱钩联合工作组办公室"
for p in plan["parameters"]:
    if p["name"] == "decoupling_due":
        p["value"] = "2018-06-30"
for o in plan["obligations"]:
    if o["id"] == "commitment.missing":
        o["offset"] = {"months": 6}
json.dump(plan, open(sys.argv[5], "w", encoding="utf-8"), ensure_ascii=False)
PY
BUNDLE=$T/bundle.json
http_setup
pass "the register with two counties imports"

# --- plans per jurisdiction
expect_exit "plan use for an unknown jurisdiction is refused" 2 \
	tg plan use "$T/mengjin.json" --jurisdiction 419999 --db "$DB"
expect_grep "... naming it" "419999" "$T/err"
expect_exit "孟津 adopts its own plan" 0 tg plan use "$T/mengjin.json" --jurisdiction $MJ --db "$DB"
expect_grep "... said so" "行政区划410322已采用方案" "$T/out"
expect_eq "... audited" 1 "$(q "SELECT count(*) FROM audit_log WHERE event = 'plan_set' AND object = 'plan/mengjin-2018@410322'")"
expect_exit "plan show" 0 tg plan show --db "$DB"
expect_grep "plan show: the register's plan and where it applies" "luoyang-2017（.*）：登记簿方案" "$T/out"
expect_grep "plan show: 孟津's plan and where it applies" "mengjin-2018（.*）：410322孟津县及其下级行政区划" "$T/out"

# --- each record under its jurisdiction's plan, against the reference
for D in 2018-09-30 2019-06-30 2020-12-31; do
	tg check --db "$DB" --as-of $D --format json >"$T/d.json" 2>"$T/err"
	python3 - "$PLAN" "$T/mengjin.json" "$BUNDLE" $D "$T/d.json" "$TOP" >"$T/cmp" <<'PY'
import datetime as dt, json, sys
sys.path.insert(0, sys.argv[6] + "/tests/support")
import oblig_ref
plan, mj, bundle, = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:4])
D = dt.date.fromisoformat(sys.argv[4])
doc = json.load(open(sys.argv[5], encoding="utf-8"))
hol = oblig_ref.load_holidays(sys.argv[6] + "/data/holidays-cn.csv")
ids = {o["id"] for o in plan["obligations"]}
keys = ("rule", "association", "subject", "due", "state", "plan")
got = [{k: f[k] for k in keys} for f in doc["findings"] if f["rule"] in ids]
want = oblig_ref.evaluate_places(plan, {"410322": mj}, bundle, D, hol)
print("same" if got == want else "differ", len(want),
      "+".join(sorted({f["plan"] for f in want})))
for x in want:
    if x not in got: print("# only in the reference:", json.dumps(x, ensure_ascii=False))
for x in got:
    if x not in want: print("# only in tuogou:", json.dumps(x, ensure_ascii=False))
# every finding (rules too) names the plan of its association's jurisdiction
j = {a["uscc"]: a.get("jurisdiction") for a in bundle["associations"]}
bad = [f for f in doc["findings"] if f["association"]
       and f["plan"] != ("mengjin-2018" if j[f["association"]] == "410322" else "luoyang-2017")]
print("plans-wrong", len(bad))
PY
	if head -1 "$T/cmp" | grep -q '^same [1-9][0-9]* luoyang-2017+mengjin-2018$'; then
		pass "as of $D: obligations agree with the reference under both plans ($(head -1 "$T/cmp"))"
	else
		fail "as of $D: $(head -1 "$T/cmp")"
		sed -n '2,10p' "$T/cmp"
	fi
	expect_grep "as of $D: each finding names its jurisdiction's plan" "^plans-wrong 0$" "$T/cmp"
	tg check --bundle "$BUNDLE" --jurisdiction-plan "$MJ=$T/mengjin.json" --as-of $D \
		--format json >"$T/b.json" 2>"$T/err"
	expect_eq "as of $D: --bundle with --jurisdiction-plan = --db after plan use" \
		"$(sha256sum <"$T/d.json")" "$(sha256sum <"$T/b.json")"
done
expect_exit "--jurisdiction-plan for a code the bundle lacks is refused" 2 \
	tg check --bundle "$BUNDLE" --jurisdiction-plan "419999=$T/mengjin.json" --as-of 2019-06-30
expect_grep "... naming it" "419999" "$T/err"
expect_exit "--jurisdiction-plan with --db is refused (plan use stores it)" 2 \
	tg check --db "$DB" --jurisdiction-plan "$MJ=$T/mengjin.json" --as-of 2019-06-30
# The decoupling deadline is 孟津's own in 孟津, the city's elsewhere.
python3 - "$T/d.json" "$BUNDLE" >"$T/dues" <<'PY'
import json, sys
doc, bundle = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
j = {a["uscc"]: a.get("jurisdiction") for a in bundle["associations"]}
for where in ("410322", None):
    print(where, sorted({f["due"] for f in doc["findings"]
                         if f["rule"] == "decoupling.incomplete" and j[f["association"]] == where}))
PY
expect_grep "孟津's decoupling is due at its own deadline" "^410322 \['2018-06-30'\]$" "$T/dues"
expect_grep "the city's own at the city's" "^None \[.*'2017-12-31'" "$T/dues"

# --- the progress report of one county
expect_exit "report for an unknown jurisdiction is refused" 2 \
	tg report progress --jurisdiction 419999 --db "$DB" --as-of 2018-09-30 -o "$T/none.pdf"
expect_exit "the progress report of 孟津" 0 \
	tg report progress --jurisdiction $MJ --db "$DB" --as-of 2018-09-30 -o "$T/mj.pdf"
expect_exit "the progress report of 新安" 0 \
	tg report progress --jurisdiction $XA --db "$DB" --as-of 2018-09-30 -o "$T/xa.pdf"
if command -v pdftotext >/dev/null; then
	pdftotext "$T/mj.pdf" - | tr -d '\n ' >"$T/mj.txt"
	pdftotext "$T/xa.pdf" - | tr -d '\n ' >"$T/xa.txt"
	expect_grep "孟津's report is titled for 孟津县" "关于孟津县行业协会商会与行政机关脱钩工作进展情况的报告" "$T/mj.txt"
	expect_grep "... from the office of its own plan" "孟津县行业协会商会与行政机关脱钩联合工作组办公室" "$T/mj.txt"
	expect_grep "新安's report is titled for 新安县" "关于新安县行业协会商会与行政机关脱钩工作进展情况的报告" "$T/xa.txt"
	expect_grep "... from the city's office (no plan of its own)" "洛阳市行业协会商会与行政机关脱钩联合工作组办公室" "$T/xa.txt"
	if grep -q "全市\|全县" "$T/mj.txt"; then fail "孟津's report says neither 全市 nor 全县"; else pass "孟津's report says neither 全市 nor 全县"; fi
else
	fail "poppler-utils (pdftotext) are installed (scripts/packages.txt)"
fi

# --- accounts scoped to a county
printf '%s\n' "$PW" | tg user add xa-assoc --role association --association \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["associations"][0]["uscc"])' "$BUNDLE")" \
	--jurisdiction $XA --db "$DB" >"$T/out" 2>"$T/err"
expect_eq "an association account cannot be scoped to a jurisdiction" 2 $?
expect_grep "... naming --jurisdiction" "\-\-jurisdiction" "$T/err"
printf '%s\n' "$PW" | tg user add nowhere --role office --jurisdiction 419999 --db "$DB" >"$T/out" 2>"$T/err"
expect_eq "nor any account to an unknown jurisdiction" 2 $?
add_user mj office --jurisdiction $MJ
add_user city office
tg user list --db "$DB" >"$T/users"
expect_grep "user list shows the county" "^mj	office	@410322" "$T/users"
serve_start
login mj >/dev/null
as mj
DAY=2018-09-30
expect_eq "a county office lists associations: 200" 200 "$(req GET '/api/v1/associations?per_page=500')"
cp "$T/body" "$T/assocs.json"
expect_eq "a county office lists findings: 200" 200 "$(req GET "/api/v1/findings?as_of=$DAY&per_page=500")"
cp "$T/body" "$T/findings.json"
tg check --db "$DB" --as-of $DAY --format json >"$T/d.json"
python3 - "$BUNDLE" "$T/assocs.json" "$T/findings.json" "$T/d.json" >"$T/scope" <<'PY'
import json, sys
bundle, assocs, page, doc = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:5])
mine = sorted(a["uscc"] for a in bundle["associations"] if a.get("jurisdiction") == "410322")
seen = sorted(a["uscc"] for a in assocs["items"])
print("associations", "same" if seen == mine else "differ", len(mine))
unit_j = {u["id"]: u.get("jurisdiction") for u in bundle["units"]}
pers_j = {p["id"]: unit_j.get(p.get("unit")) for p in bundle["persons"]}
a_j = {a["uscc"]: a.get("jurisdiction") for a in bundle["associations"]}
def where(f):
    if f["association"]:
        return a_j[f["association"]]
    task_j = {t["id"]: unit_j.get(t["unit"]) for t in bundle.get("unit_tasks", [])}
    s = f["subject"]
    return pers_j[s] if s in pers_j else task_j[s] if s in task_j else unit_j.get(s)
key = lambda f: (f["rule"], f["association"] or "", f["subject"] or "")
want = sorted((key(f) for f in doc["findings"] if where(f) == "410322"))
got = sorted(key(f) for f in page["findings"])
print("findings", "same" if want == got else "differ", len(want), page["total"])
for x in set(want) ^ set(got): print("#", x, "only in the check" if x in want else "only in the API")
PY
expect_grep "a county office sees exactly its county's associations" "^associations same [1-9]" "$T/scope"
expect_grep "... and exactly its county's findings" "^findings same [1-9][0-9]* [1-9]" "$T/scope"
grep "^#" "$T/scope"
XA_ASSOC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["associations"][0]["uscc"])' "$BUNDLE")
MJ_ASSOC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["associations"][1]["uscc"])' "$BUNDLE")
jset() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2]); print(json.dumps(d, ensure_ascii=False))' "$T/body" "$1"; }
expect_eq "another county's association: 404" 404 "$(req GET "/api/v1/associations/$XA_ASSOC")"
expect_eq "another county's checklist: 404" 404 "$(req GET "/api/v1/associations/$XA_ASSOC/checklist?as_of=$DAY")"
expect_eq "its own county's association: 200" 200 "$(req GET "/api/v1/associations/$MJ_ASSOC")"
req GET "/api/v1/associations/$MJ_ASSOC" >/dev/null
st=$(send PUT "/api/v1/associations/$MJ_ASSOC" "$(jset "d['jurisdiction'] = '$XA'")")
expect_eq "moving its association to another county: 404" 404 "$st"
login city >/dev/null
as city
req GET "/api/v1/associations/$XA_ASSOC" >/dev/null
as mj
st=$(send PUT "/api/v1/associations/$XA_ASSOC" "$(jset "d['name'] = d['name'] + '（改）'")")
expect_eq "writing another county's association: 404" 404 "$st"
req GET "/api/v1/associations/$MJ_ASSOC" >/dev/null
st=$(send PUT "/api/v1/associations/$MJ_ASSOC" "$(jset "d['plan_submitted_on'] = '2018-01-05'")")
expect_eq "writing its own county's association: 200" 200 "$st"

# --- the dashboard: a county's, and the city's counties side by side
expect_eq "a county office's dashboard: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$DAY")"
expect_grep "... of its county" '"jurisdiction": "410322"' "$T/body"
expect_eq "a county office asking for another county: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$DAY&jurisdiction=$XA")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("empty" if d["totals"]["in_scope"] == 0 and d["upcoming"] == [] and d["overdue"] == [] else "leaks")' "$T/body" >"$T/leak"
expect_grep "... sees nothing of it" "^empty$" "$T/leak"
as city
expect_eq "the city's dashboard: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$DAY")"
cp "$T/body" "$T/city.json"
expect_eq "the city opens 孟津: 200" 200 "$(req GET "/api/v1/dashboard?as_of=$DAY&jurisdiction=$MJ")"
cp "$T/body" "$T/mj.json"
python3 - "$T/city.json" "$T/mj.json" >"$T/cmp" <<'PY'
import json, sys
city, mj = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
rows = {r["jurisdiction"]: r for r in city["by_jurisdiction"]}
print("counties", sorted(rows), " ".join(rows[k]["name"] for k in sorted(rows)))
r = rows.get("410322", {})
t = mj["totals"]
print("opened", "same" if (r.get("in_scope"), r.get("decoupled"), r.get("open"), r.get("overdue")) ==
      (t["in_scope"], t["decoupled"], t["open_findings"], t["overdue_findings"]) else "differ")
print("city-more", city["totals"]["in_scope"] > t["in_scope"])
PY
expect_grep "the city compares its two counties" "^counties \['410322', '410323'\] 孟津县 新安县$" "$T/cmp"
expect_grep "opening a county gives its row's numbers" "^opened same$" "$T/cmp"
expect_grep "the city counts more than one county" "^city-more True$" "$T/cmp"

# --- the progress report as a download: the city's with a page per county,
# a county office's of its county only
as city
expect_eq "the city downloads the report by county: 200" 200 \
	"$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY&by=jurisdiction")"
cp "$T/body" "$T/web-by.pdf"
expect_eq "... an unknown grouping: 400" 400 "$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY&by=unit")"
as mj
expect_eq "a county office downloads the report: 200" 200 \
	"$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY")"
cp "$T/body" "$T/web-mj.pdf"
expect_eq "... asking for another county's: 404" 404 \
	"$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY&jurisdiction=$XA")"
if command -v pdftotext >/dev/null; then
	pdftotext "$T/web-mj.pdf" - | tr -d '\n ' >"$T/web-mj.txt"
	expect_grep "... it is its county's report" "关于孟津县行业协会商会与行政机关脱钩工作进展情况的报告" "$T/web-mj.txt"
	pdftotext "$T/web-by.pdf" - | tr -d '\n ' >"$T/web-by.txt"
	expect_grep "the city's download has the counties' table" "各县（市、区）脱钩工作进展对比" "$T/web-by.txt"
	expect_grep "... and 新安's own section" "关于新安县行业协会商会与行政机关脱钩工作进展情况的报告" "$T/web-by.txt"
fi

# --- a duty of 孟津's own plan (issue 12 "Left"): 孟津 adopts a newer
# version of its plan, with an obligation the city's plan does not have,
# while the server runs (plan use in another process); the next requests
# judge, list and mark it under 孟津's plan, and nowhere else.
python3 - "$T/mengjin.json" "$T/mengjin2.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1], encoding="utf-8"))
plan["obligations"].append({
    "id": "county.self-inspection", "clause": "6.1", "basis": None,
    "title": "未按县方案开展脱钩工作自查", "subject": "associations",
    "anchor": {"param": "decoupling_due"}, "offset": {"days": 30}})
json.dump(plan, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
items() { # items RULE: the checklist items of RULE in $T/body, "rule status"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(i["rule"] + ":" + i["status"] for s in d["separations"] for i in s["items"] if i["rule"] == sys.argv[2]) or "none")' "$T/body" "$1"
}
as mj
req GET "/api/v1/associations/$MJ_ASSOC/checklist?as_of=$DAY" >/dev/null
expect_eq "before: 孟津's association has no such item" none "$(items county.self-inspection)"
expect_exit "孟津 adopts the newer version while the server runs" 0 \
	tg plan use "$T/mengjin2.json" --jurisdiction $MJ --db "$DB"
expect_eq "the next checklist: 200" 200 "$(req GET "/api/v1/associations/$MJ_ASSOC/checklist?as_of=$DAY")"
expect_eq "... lists the county's duty, overdue (due 30 days after 孟津's deadline)" \
	"county.self-inspection:overdue" "$(items county.self-inspection)"
expect_eq "the next findings: 200" 200 "$(req GET "/api/v1/findings?as_of=$DAY&per_page=500")"
python3 -c 'import json,sys; fs=json.load(open(sys.argv[1]))["findings"]; print(sorted({f["plan"] for f in fs if f["rule"] == "county.self-inspection"}), any(f["rule"] == "county.self-inspection" and f["association"] == sys.argv[2] for f in fs))' "$T/body" "$MJ_ASSOC" >"$T/own"
expect_eq "... carry the duty, judged under 孟津's plan" "['mengjin-2018'] True" "$(cat "$T/own")"
printf '%%PDF-1.4\n%% 自查报告\n%%%%EOF\n' >"$T/自查.pdf"
expect_eq "evidence for the county's duty: 201" 201 "$(req POST "/api/v1/associations/$MJ_ASSOC/evidence" \
	-H "X-CSRF-Token: $CSRF" -F "file=@$T/自查.pdf" -F "rule=county.self-inspection")"
EV=$(json_number id)
expect_eq "marking the county's duty done with it: 200" 200 "$(send POST "/api/v1/associations/$MJ_ASSOC/checklist?as_of=$DAY" \
	"{\"rule\": \"county.self-inspection\", \"subject\": null, \"on\": \"2018-08-01\", \"evidence\": [$EV]}")"
expect_eq "... the duty stays on the checklist, done (issue 17: a done item keeps its evidence)" \
	"county.self-inspection:done" "$(items county.self-inspection)"
expect_eq "... one step written for it" "1|$MJ_ASSOC" \
	"$(q "SELECT count(*) || '|' || max(subject) FROM steps WHERE obligation = 'county.self-inspection'")"
expect_eq "... the evidence attached to it" "county.self-inspection" "$(q "SELECT rule FROM evidence WHERE id = $EV")"
as city
req GET "/api/v1/associations/$XA_ASSOC/checklist?as_of=$DAY" >/dev/null
expect_eq "新安's checklist (the city's plan) has no such item" none "$(items county.self-inspection)"
expect_eq "... nor can it be marked there: 400" 400 "$(send POST "/api/v1/associations/$XA_ASSOC/checklist?as_of=$DAY" \
	'{"rule": "county.self-inspection", "subject": null, "on": "2018-08-01", "evidence": []}')"
expect_eq "... refused as not markable" not_markable "$(json_field code)"
# import checks a step under the plan of its record's jurisdiction
printf '{"format": "tuogou-bundle/1", "steps": [{"id": "ST-MJ2", "obligation": "county.self-inspection", "subject": "%s", "period": null, "done_on": "2018-08-02", "note": null}]}\n' "$MJ_ASSOC" >"$T/step-mj.json"
printf '{"format": "tuogou-bundle/1", "steps": [{"id": "ST-XA1", "obligation": "county.self-inspection", "subject": "%s", "period": null, "done_on": "2018-08-02", "note": null}]}\n' "$XA_ASSOC" >"$T/step-xa.json"
expect_exit "import: a step of 孟津's duty for 孟津's association" 0 tg import --db "$DB" "$T/step-mj.json"
expect_exit "import: the same duty for 新安's association is refused" 2 tg import --db "$DB" "$T/step-xa.json"
expect_grep "... naming the step's obligation and the plan it is judged under" "steps\[0\]\.obligation.*luoyang-2017" "$T/err"
tg check --db "$DB" --as-of $DAY --format json >"$T/d.json"
if grep -q "\"rule\": \"county.self-inspection\", \"association\": \"$MJ_ASSOC\"" "$T/d.json"; then
	fail "check --db: the county duty marked done has no finding"
else pass "check --db: the county duty marked done has no finding"; fi

serve_stop

# --- --plan as a one-run override on serve and export, refused when the
# register's steps do not fit it (the steps of 孟津's duty do not fit a
# plan that drops it for 孟津)
python3 - "$T/mengjin.json" "$T/luoyang-other.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1], encoding="utf-8"))
plan["id"] = "luoyang-other"
json.dump(plan, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit "export --plan of a plan the steps fit" 0 tg export --db "$DB" --plan "$PLAN" -o "$T/exp.json"
expect_eq "... the bundle names it" luoyang-2017 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"])' "$T/exp.json")"
expect_exit "export --plan another plan: exit 0" 0 tg export --db "$DB" --plan "$T/luoyang-other.json" -o "$T/exp2.json"
expect_eq "... the bundle names the plan of the run" luoyang-other "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"])' "$T/exp2.json")"
q "INSERT INTO steps (id, obligation, subject, period, done_on, note) VALUES ('ST-X', 'no.such-duty', '$XA_ASSOC', 0, '2018-08-02', NULL)" 2>"$T/qerr" ||
	fail "a stray step could not be stored: $(cat "$T/qerr")"
expect_exit "export --plan refuses a plan the register's steps do not fit" 2 \
	tg export --db "$DB" --plan "$PLAN" -o "$T/exp3.json"
expect_grep "... saying so, and that nothing was exported" "不符.*未导出" "$T/err"
if [ -e "$T/exp3.json" ]; then fail "... no file written"; else pass "... no file written"; fi
expect_exit "check --db --plan refuses it the same way" 2 tg check --db "$DB" --plan "$PLAN" --as-of $DAY
expect_grep "... saying nothing was checked" "不符.*未检查" "$T/err"
timeout 60 $TUOGOU_WRAP "$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" \
	--evidence "$T/evidence" --plan "$PLAN" >"$T/out" 2>"$T/err"
expect_eq "serve --plan refuses it too, before starting" 2 $?
expect_grep "... saying the server did not start" "不符.*未启动服务" "$T/err"
q "DELETE FROM steps WHERE id = 'ST-X'"
serve_start --plan "$T/luoyang-other.json"
as city
expect_eq "serve --plan FILE: the plan route" 200 "$(req GET /api/v1/plan)"
expect_grep "... names the plan of the run" '"id": "luoyang-other"' "$T/body"
expect_eq "... findings: 200" 200 "$(req GET "/api/v1/findings?as_of=$DAY&per_page=500")"
python3 -c 'import json,sys; fs=json.load(open(sys.argv[1]))["findings"]; print(" ".join(sorted({f["plan"] for f in fs})))' "$T/body" >"$T/plans"
expect_eq "... judged under it, and 孟津's own plan in 孟津" "luoyang-other mengjin-2018" "$(cat "$T/plans")"
serve_stop
tg plan show --db "$DB" >"$T/show"
expect_grep "... and the register's plan is unchanged" "luoyang-2017（.*）：登记簿方案" "$T/show"

# --- the city's progress report with a section per county (六(一)): each
# county's numbers are its records' findings in check --db, and with the
# city's own records (本级) they add up to the city's
expect_exit "report progress --by-jurisdiction" 0 \
	tg report progress --by-jurisdiction --db "$DB" --as-of $DAY -o "$T/by.pdf"
expect_exit "... not with --jurisdiction too" 2 \
	tg report progress --by-jurisdiction --jurisdiction $MJ --db "$DB" --as-of $DAY -o "$T/x.pdf"
tg check --db "$DB" --as-of $DAY --format json >"$T/d.json"
if command -v pdftotext >/dev/null; then
	pdftotext "$T/by.pdf" - | tr -d '\n ' >"$T/by.txt"
	pdftotext -layout "$T/by.pdf" "$T/by-layout.txt"
	python3 - "$BUNDLE" "$T/d.json" "$T/by.txt" "$T/by-layout.txt" >"$T/sum" <<'PY'
import json, re, sys
bundle, doc = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
text = open(sys.argv[3], encoding="utf-8").read()
layout = open(sys.argv[4], encoding="utf-8").read()
unit_j = {u["id"]: u.get("jurisdiction") for u in bundle["units"]}
pers_j = {p["id"]: unit_j.get(p.get("unit")) for p in bundle["persons"]}
task_j = {t["id"]: unit_j.get(t["unit"]) for t in bundle.get("unit_tasks", [])}
a_j = {a["uscc"]: a.get("jurisdiction") for a in bundle["associations"]}
def where(f):
    if f["association"]:
        return a_j[f["association"]]
    s = f["subject"]
    return pers_j[s] if s in pers_j else task_j[s] if s in task_j else unit_j.get(s)
def count(fs):
    return (sum(f["state"] == "overdue" for f in fs), sum(f["state"] == "open" for f in fs))
fs = doc["findings"]
want = {"city": count(fs), "410322": count([f for f in fs if where(f) == "410322"]),
        "410323": count([f for f in fs if where(f) == "410323"]),
        "rest": count([f for f in fs if where(f) not in ("410322", "410323")])}
pages = re.findall(r"共发现问题(\d+)项，其中逾期(\d+)项、待办(\d+)项", text)
got = [(int(o), int(p)) for _, o, p in pages]
print("pages", len(got))
print("city", "same" if got and got[0] == want["city"] else "differ", got[:1], want["city"])
# the county sections follow in the table's order (孟津县, 新安县)
print("counties", "same" if got[1:] == [want["410322"], want["410323"]] else "differ", got[1:])
rows = {m.group(1): tuple(int(x) for x in m.groups()[1:])
        for m in re.finditer(r"^\s*(孟津县|新安县|本级|合计)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", layout, re.M)}
print("rows", sorted(rows))
print("rest", "same" if rows.get("本级", (0,) * 5)[3:] == want["rest"] else "differ", rows.get("本级"), want["rest"])
adds = all(sum(rows[k][i] for k in ("孟津县", "新安县", "本级")) == rows["合计"][i] for i in range(5)) if len(rows) == 4 else False
print("adds", adds, rows.get("合计", (0,) * 5)[3:] == want["city"])
PY
	expect_grep "the city's report, then one section per county" "^pages 3$" "$T/sum"
	expect_grep "... the city's numbers are check --db's" "^city same" "$T/sum"
	expect_grep "... each county's are its records' in check --db" "^counties same" "$T/sum"
	expect_grep "... the table has both counties, 本级 and the total" "^rows \['合计', '孟津县', '新安县', '本级'\]$" "$T/sum"
	expect_grep "... 本级 is the records of no county" "^rest same" "$T/sum"
	expect_grep "... the rows add up to the city's total, which is check --db's" "^adds True True$" "$T/sum"
	grep -v "same\|True\|^pages\|^rows" "$T/sum" | sed 's/^/# /'
fi
finish
