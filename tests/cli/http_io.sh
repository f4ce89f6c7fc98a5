#!/usr/bin/env bash
# http_io.sh: what offices exchange, over HTTP: the public page and its API
# (no login, no person's name or ID number, cached with an ETag), lists as
# xlsx with ID numbers masked and scoped to the user, the import template,
# spreadsheets imported through the web with every error by sheet, row and
# column, the PDF reports as downloads, and the reminders in the user's
# scope (the same digest as `tuogou remind`).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
printf '<!doctype html><html lang="zh-CN"><title>公示</title></html>\n' >"$WEB/public.html"
DAY=2017-12-31
U06_A=$(q "SELECT uscc FROM associations WHERE unit = 'U06' ORDER BY uscc LIMIT 1")
OTHER_A=$(q "SELECT uscc FROM associations WHERE unit <> 'U06' ORDER BY uscc LIMIT 1")
add_user boss office
add_user u06 unit --unit U06
add_user ca civil_affairs
serve_start

# ---- the public page
expect_eq "GET /public/ without login: 200" 200 "$(req GET /public/)"
expect_grep "it is the public document" "<title>公示</title>" "$T/body"
expect_eq "GET /public/associations without login: 200" 200 "$(req GET '/api/v1/public/associations?per_page=500')"
cp "$T/body" "$T/public.json"
expect_eq "cacheable by anyone for a minute" "public, max-age=60" "$(header Cache-Control)"
etag=$(header ETag)
[ -n "$etag" ] && pass "it has an ETag" || fail "no ETag"
[ -n "$(header Last-Modified)" ] && pass "and a Last-Modified" || fail "no Last-Modified"
expect_eq "If-None-Match with that ETag: 304" 304 "$(req GET '/api/v1/public/associations?per_page=500' -H "If-None-Match: $etag")"
python3 - "$BUNDLE" "$T/public.json" >"$T/pubcheck" <<'PY'
import json, re, sys
b = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], encoding="utf-8").read()
pub = json.loads(raw)
names = {p["name"] for p in b.get("persons", []) if p.get("name")} | {s["name"] for s in b.get("staff", []) if s.get("name")}
ids = {p["id_number"] for p in b.get("persons", []) if p.get("id_number")}
print("names", len(names), "hits", sorted(n for n in names if n in raw)[:5])
print("ids", len(ids), "hits", sorted(i for i in ids if i in raw or (i[:6] + "*") in raw)[:5])
print("masked", bool(re.search(r"\d{6}\*{4,}\d{3}[\dX]", raw)))
keys = set()
coded_reasons = []  # an exit decision's reason is a coded value (退出原因), not free text
def walk(v, under=None):
    if isinstance(v, dict):
        own = set(v)
        if under == "exit_decisions" and "reason" in v:
            coded_reasons.append(v["reason"]); own.discard("reason")
        keys.update(own); [walk(x, k) for k, x in v.items()]
    elif isinstance(v, list):
        [walk(x, under) for x in v]
walk(pub)
print("exit reasons coded", all(re.fullmatch(r"[a-z_]+", r or "") for r in coded_reasons), len(coded_reasons))
print("personal keys", sorted(keys & {"person", "persons", "posts", "staff", "id_number", "reason", "legal_representative"}))
regd = [a for a in b["associations"] if a["registered_on"] <= pub["as_of"]]
print("total", pub["total"] == len(regd), pub["total"], len(regd))
it = pub["items"]
print("decoupled", sum(1 for a in it if a["decoupled_on"]) == pub["summary"]["decoupled"])
buys = [x for x in b.get("appropriations", []) if x["kind"] == "purchase" and x.get("on", "") <= pub["as_of"]]
print("purchases", sum(len(a["purchases"]) for a in it) == len(buys), len(buys))
listed = {c["association"] for c in b.get("credit_listings", []) if c["on"] <= pub["as_of"] and not (c.get("removed_on") and c["removed_on"] <= pub["as_of"])}
print("listed", {a["uscc"] for a in it if a["credit_lists"]} == listed, len(listed))
print("fields", all(k in it[0] for k in ("uscc", "name", "level", "unit_name", "link", "stage", "decoupled_on", "accepted_on", "credit_lists", "purchases")))
PY
expect_grep "no person's name in the public API" "^names [0-9]* hits \[\]" "$T/pubcheck"
expect_grep "no ID number, whole or masked" "^ids [0-9]* hits \[\]" "$T/pubcheck"
expect_grep "no masked ID number either" "^masked False" "$T/pubcheck"
expect_grep "no personal field at all" "^personal keys \[\]" "$T/pubcheck"
expect_grep "an exit decision's reason is a coded value, never free text" "^exit reasons coded True" "$T/pubcheck"
for k in total decoupled purchases listed fields; do expect_grep "public list: $k as in the register" "^$k True" "$T/pubcheck"; done
expect_eq "search by name" 200 "$(req GET '/api/v1/public/associations?q=%E8%BD%AF%E4%BB%B6')"
expect_grep "finds 软件" '"name": "洛阳市软件行业协会"' "$T/body"
expect_eq "one match" 1 "$(json_number total)"
expect_eq "a write is refused on the public route (405)" 405 "$(req POST /api/v1/public/associations)"

# ---- exports
login boss >/dev/null
as boss
expect_eq "associations.xlsx: 200" 200 "$(req GET "/api/v1/export/associations.xlsx?as_of=$DAY")"
expect_eq "an xlsx content type" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "$(header Content-Type)"
expect_grep "an attachment with its Chinese name" "filename\*=UTF-8''%E8%A1%8C%E4%B8%9A" "$T/hdr"
cp "$T/body" "$T/assoc.xlsx"
unzip -p "$T/assoc.xlsx" xl/workbook.xml | grep -q '行业协会商会' && pass "the sheet is named in Chinese" || fail "sheet name"
unzip -p "$T/assoc.xlsx" xl/worksheets/sheet1.xml | grep -q '<pane .*state="frozen"' && pass "the header row is frozen" || fail "no frozen pane"
unzip -p "$T/assoc.xlsx" xl/worksheets/sheet1.xml | grep -q '<autoFilter' && pass "with an auto-filter" || fail "no auto-filter"
expect_eq "persons.xlsx: 200" 200 "$(req GET /api/v1/export/persons.xlsx)"
cp "$T/body" "$T/persons.xlsx"
unzip -p "$T/persons.xlsx" xl/sharedStrings.xml >"$T/persons.txt"
expect_grep "ID numbers are masked in web downloads" "[0-9]\{6\}\*\{8\}[0-9]\{3\}[0-9X]" "$T/persons.txt"
if grep -qE '[0-9]{17}[0-9X]' "$T/persons.txt"; then fail "a full ID number in a web download"; else pass "no full ID number"; fi
expect_eq "findings.xlsx with filters: 200" 200 "$(req GET "/api/v1/export/findings.xlsx?as_of=$DAY&state=overdue")"
cp "$T/body" "$T/findings.xlsx"
tg check --db "$DB" --as-of $DAY --format json >"$T/check.json"
n_over=$(python3 -c "import json;print(sum(1 for f in json.load(open('$T/check.json'))['findings'] if f['state']=='overdue'))")
expect_eq "one row per overdue finding (and the header)" $((n_over + 1)) "$(unzip -p "$T/findings.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)"
expect_eq "the import template: 200" 200 "$(req GET /api/v1/export/template.xlsx)"
cp "$T/body" "$T/tpl.xlsx"
# every array of bundle.md, steps[] (obligations.md) and the nine of supervision.md
expect_eq "it has every sheet" 25 "$(unzip -p "$T/tpl.xlsx" xl/workbook.xml | grep -o '<sheet ' | wc -l)"
expect_eq "an unknown list: 404" 404 "$(req GET /api/v1/export/secrets.xlsx)"
expect_eq "stage groups filter the export (decoupled+)" 200 "$(req GET "/api/v1/export/associations.xlsx?as_of=$DAY&state=decoupled%2B")"
cp "$T/body" "$T/dec.xlsx"
expect_eq "decoupled+ in the list API too" 200 "$(req GET "/api/v1/associations?as_of=$DAY&state=decoupled%2B&per_page=1")"
n_dec=$(json_number total)
expect_eq "the export has as many rows as the list" $((n_dec + 1)) "$(unzip -p "$T/dec.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)"

login u06 >/dev/null
as u06
expect_eq "a unit exports its associations: 200" 200 "$(req GET /api/v1/export/associations.xlsx)"
n_u06=$(q "SELECT count(*) FROM associations WHERE unit = 'U06'")
expect_eq "only its own" $((n_u06 + 1)) "$(unzip -p "$T/body" xl/worksheets/sheet1.xml 2>/dev/null | grep -o '<row ' | wc -l)"
expect_eq "not another unit's (unit= is narrowed to the scope)" 200 "$(req GET /api/v1/export/associations.xlsx?unit=U01)"
expect_eq "nothing of U01" 1 "$(unzip -p "$T/body" xl/worksheets/sheet1.xml 2>/dev/null | grep -o '<row ' | wc -l)"

# ---- reports
expect_eq "a unit may not fetch the office's progress report: 403" 403 "$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY")"
expect_eq "its own association's work summary: 200" 200 "$(req GET "/api/v1/associations/$U06_A/summary.pdf?as_of=$DAY")"
cp "$T/body" "$T/summary.pdf"
expect_eq "as PDF" application/pdf "$(header Content-Type)"
pdftotext "$T/summary.pdf" - 2>/dev/null | tr -d '\n ' >"$T/summary.txt"
expect_grep "a work summary" "脱钩工作总结" "$T/summary.txt"
expect_eq "another unit's association: 404" 404 "$(req GET "/api/v1/associations/$OTHER_A/summary.pdf?as_of=$DAY")"
login ca >/dev/null
as ca
expect_eq "civil affairs fetches the progress report: 200" 200 "$(req GET "/api/v1/reports/progress.pdf?as_of=$DAY")"
cp "$T/body" "$T/progress.pdf"
expect_exit "it opens" 0 pdfinfo "$T/progress.pdf"
tg report progress --db "$DB" --as-of $DAY -o "$T/cli.pdf" >/dev/null
# the office's: civil affairs gets the findings dated by a birth date by the
# year only (issue 14, http_birth.sh), the command line has no viewer
login boss >/dev/null
as boss
req GET "/api/v1/reports/progress.pdf?as_of=$DAY" >/dev/null
cp "$T/body" "$T/progress.pdf"
cmp -s <(pdftotext "$T/progress.pdf" -) <(pdftotext "$T/cli.pdf" -) && pass "the office's: the same text as tuogou report progress" ||
	fail "the web and CLI reports differ"
as ca
expect_eq "a bad date: 400" 400 "$(req GET '/api/v1/reports/progress.pdf?as_of=2017-02-30')"

# ---- reminders
as boss
expect_eq "reminders: 200" 200 "$(req GET '/api/v1/reminders?as_of=2017-06-28')"
cp "$T/body" "$T/rem.json"
tg remind --db "$DB" --as-of 2017-06-28 >"$T/remind.txt"
total_line=$(tail -1 "$T/remind.txt")
python3 - "$T/rem.json" "$total_line" >"$T/remcheck" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
m = re.search(r"(\d+) 个主管单位，逾期 (\d+) 项，临近 (\d+) 项", sys.argv[2])
print("same", (len(r["units"]), r["overdue"], r["near"]) == tuple(map(int, m.groups())))
print("lights", all(i["light"] == ("red" if i["state"] == "overdue" else "yellow") for u in r["units"] for i in u["items"]))
print("horizon", r["horizon"])
PY
expect_grep "the same digest as tuogou remind" "^same True" "$T/remcheck"
expect_grep "overdue red, near yellow" "^lights True" "$T/remcheck"
expect_grep "the horizon is the 5th working day" "^horizon 2017-07-05" "$T/remcheck"
as u06
expect_eq "a unit's reminders: 200" 200 "$(req GET '/api/v1/reminders?as_of=2017-06-28&summary=1')"
units=$(grep -o '"unit": "[^"]*"' "$T/body" | sort -u | tr '\n' ' ')
expect_eq "only its own unit" '"unit": "U06" ' "$units"
expect_eq "a bad within: 400" 400 "$(req GET '/api/v1/reminders?within=999')"
expect_eq "the calendar: 200" 200 "$(req GET '/api/v1/calendar/workdays?from=2017-09-28&n=10')"
expect_eq "across the National Day holiday" 2017-10-18 "$(json_field date)"

# ---- spreadsheets through the web import
as boss
cat >"$T/任职.csv" <<CSV
编号,人员编号,协会统一社会信用代码,职务,起始日期
PX1,$(q "SELECT id FROM persons ORDER BY id LIMIT 1"),$U06_A,理事,2017-02-30
PX2,NOPE,$U06_A,理事,2017-01-01
CSV
iconv -f UTF-8 -t GB18030 "$T/任职.csv" >"$T/gb.csv"
cp "$T/gb.csv" "$T/posts.csv"
up() { req POST "$1" -H "X-CSRF-Token: $CSRF" "${@:2}"; }
expect_eq "a GB18030 CSV with errors: 400" 400 "$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/posts.csv")"
expect_grep "the bad date by sheet, row and column" '"field": "工作表“任职”第2行E列（起始日期）"' "$T/body"
expect_grep "the unknown person by sheet, row and column" '"field": "工作表“任职”第3行B列（人员编号）"' "$T/body"
expect_eq "a clean workbook (the template): dry run 200" 200 "$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/tpl.xlsx")"
sed -i 's/2017-02-30/2017-02-28/; /NOPE/d' "$T/任职.csv"
expect_eq "the corrected CSV passes the dry run" 200 "$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/任职.csv")"
expect_eq "nothing stored by a dry run" 0 "$(q "SELECT count(*) FROM posts WHERE id = 'PX1'")"
expect_eq "imported" 200 "$(up '/api/v1/import/sheets' -F "file=@$T/任职.csv")"
expect_grep "counts" '"posts": 1' "$T/body"
expect_eq "stored" 1 "$(q "SELECT count(*) FROM posts WHERE id = 'PX1'")"
expect_eq "a file of another kind: 400" 400 "$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/summary.pdf")"
expect_eq "a unit may not import: 403" 403 "$(login u06 >/dev/null; as u06; up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/任职.csv")"
# the write changed the generation: the public list is rendered again
as boss
expect_eq "after a write the old ETag no longer matches" 200 "$(req GET '/api/v1/public/associations?per_page=500' -H "If-None-Match: $etag")"
[ "$(header ETag)" != "$etag" ] && pass "a new ETag" || fail "the ETag did not change after a write"

# ---- a step naming an obligation the plan in force does not hold is refused
# by the web's imports as by `tuogou import` (obligations.md: "refused the
# same way"), naming the path, and nothing is written
login boss >/dev/null
as boss
steps_json='{"format": "tuogou-bundle/1", "steps": [{"id": "ST9", "obligation": "no.such-duty", "subject": "'"$U06_A"'", "period": null, "done_on": "2018-01-05", "note": null}]}'
expect_eq "POST /api/v1/import with a step of no obligation: 400" 400 "$(send POST /api/v1/import "$steps_json")"
expect_grep "naming steps[0].obligation" 'steps\[0\]\.obligation' "$T/body"
expect_eq "no step was written" 0 "$(q "SELECT count(*) FROM steps")"

serve_stop
finish
