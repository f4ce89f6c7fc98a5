#!/usr/bin/env bash
# http_workflow.sh: the plan's order 方案已报 -> 脱钩完成 -> 总结已报 -> 已验收
# (issue 17, item 2).  An association is accepted only with its work summary
# reported, its 主管/挂靠 link cancelled and no overdue item of its own on
# the acceptance day, unless the office writes why (the audit log keeps the
# reason); the API, the checklist and import all obey.  A summary returned
# (退回) with a reason goes back to not reported, the reason in the history
# and the audit log.  Refused requests write nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user boss office
add_user civ civil_affairs
add_user aud auditor
serve_start

# The demo's accepted associations, with their overdue items (the
# acceptance's own apart) on the day they were accepted: READY have none,
# LATE at least one.  NOSUM: in scope, summary not reported.
rows=$(q "SELECT uscc || '|' || accepted_on FROM associations WHERE accepted_on IS NOT NULL AND link_cancelled_on IS NOT NULL AND link_cancelled_on <= accepted_on AND report_submitted_on <= accepted_on ORDER BY uscc")
READY=() LATE=()
for row in $rows; do
	u=${row%|*} d=${row#*|}
	n=$(tg check --db "$DB" --as-of "$d" --format json | python3 -c '
import json, sys
u = sys.argv[1]
print(sum(1 for f in json.load(sys.stdin)["findings"] if f["association"] == u
          and f["state"] == "overdue" and not f["rule"].startswith("acceptance.")))' "$u")
	if [ "$n" = 0 ]; then READY+=("$u|$d"); else LATE+=("$u|$d"); fi
	[ ${#READY[@]} -ge 2 ] && [ ${#LATE[@]} -ge 3 ] && break
done
[ ${#READY[@]} -ge 2 ] && [ ${#LATE[@]} -ge 3 ] && pass "the demo has ready and late acceptances" ||
	fail "the demo has ready and late acceptances (${#READY[@]}, ${#LATE[@]})"
NOSUM=$(q "SELECT uscc FROM associations WHERE report_submitted_on IS NULL AND decoupled_on IS NOT NULL AND deregistered_on IS NULL ORDER BY uscc LIMIT 1")
[ -n "$NOSUM" ] && pass "an association decoupled, summary not reported" || fail "no association without a summary"

# edit USCC PYTHON: GET the association, apply PYTHON to d (its JSON), PUT it
# back; the status on stdout, the answer in $T/body.
edit() {
	req GET "/api/v1/associations/$1" >/dev/null
	python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $2; print(json.dumps(d, ensure_ascii=False))" \
		"$T/body" >"$T/put.json"
	send PUT "/api/v1/associations/$1" "$(cat "$T/put.json")"
}
accepted() { q "SELECT coalesce(CAST(accepted_on AS TEXT), '-') FROM associations WHERE uscc = '$1'"; }
audits() { q "SELECT count(*) FROM audit_log WHERE event = '$1' AND object = 'associations/$2'"; }

login boss >/dev/null
as boss

# --- an association ready on its day: refused with its link active, then accepted
A=${READY[0]%|*} AD=${READY[0]#*|}
expect_eq "un-accepting is not judged: 200" 200 "$(edit "$A" 'd["accepted_on"] = None')"
expect_eq "link active: acceptance refused, 409" 409 \
	"$(edit "$A" "d['accepted_on'] = '$AD'; d['link_cancelled_on'] = None")"
expect_eq "the refusal's code" acceptance_unready "$(json_field code)"
expect_grep "it says the link is not cancelled" "关系尚未取消" "$T/body"
expect_grep "the day in Chinese" "不能于$(date -d "$AD" +%Y年%-m月%-d日)验收" "$T/body"
expect_eq "nothing written" - "$(accepted "$A")"
expect_eq "ready: accepted, 200" 200 "$(edit "$A" "d['accepted_on'] = '$AD'")"
expect_eq "the acceptance is stored" "$AD" "$(accepted "$A")"
expect_eq "no override recorded for it" 0 "$(audits acceptance_override "$A")"

# --- an overdue item: refused, then accepted with a reason the audit log keeps
L=${LATE[0]%|*} LD=${LATE[0]#*|}
edit "$L" 'd["accepted_on"] = None' >/dev/null
expect_eq "an overdue item: refused, 409" 409 "$(edit "$L" "d['accepted_on'] = '$LD'")"
expect_grep "it counts the overdue items" "项事项已逾期未办结" "$T/body"
expect_eq "nothing written" - "$(accepted "$L")"
expect_eq "an empty reason is no reason: 409" 409 \
	"$(edit "$L" "d['accepted_on'] = '$LD'; d['override_reason'] = ''")"
expect_eq "with a reason: 200" 200 \
	"$(edit "$L" "d['accepted_on'] = '$LD'; d['override_reason'] = '经联席会议研究，逾期事项限期整改'")"
expect_eq "the acceptance is stored" "$LD" "$(accepted "$L")"
expect_eq "one audit record of the override" 1 "$(audits acceptance_override "$L")"
q "SELECT after FROM audit_log WHERE event = 'acceptance_override' AND object = 'associations/$L'" >"$T/ov"
expect_grep "it keeps the reason" "经联席会议研究，逾期事项限期整改" "$T/ov"
expect_grep "and what was not met" "已逾期未办结" "$T/ov"

# --- no summary reported
expect_eq "no summary: refused, 409" 409 "$(edit "$NOSUM" "d['accepted_on'] = '2019-06-28'")"
expect_grep "it says the summary is missing" "脱钩工作总结尚未报送" "$T/body"
expect_eq "nothing written" - "$(accepted "$NOSUM")"

# --- the checklist's 标记完成 of acceptance.pending obeys too
C=${LATE[1]%|*} CD=${LATE[1]#*|}
edit "$C" 'd["accepted_on"] = None' >/dev/null
expect_eq "the checklist: acceptance with an overdue item refused, 409" 409 \
	"$(send POST "/api/v1/associations/$C/checklist" "{\"rule\": \"acceptance.pending\", \"subject\": null, \"on\": \"$CD\", \"evidence\": []}")"
expect_eq "its code" acceptance_unready "$(json_field code)"
expect_eq "nothing written" - "$(accepted "$C")"

# --- 退回: the office returns a summary with a reason
R=${READY[1]%|*}
RS=$(q "SELECT report_submitted_on FROM associations WHERE uscc = '$R'")
edit "$R" 'd["accepted_on"] = None' >/dev/null
as civ
login civ >/dev/null
expect_eq "civil affairs may not return a summary: 403" 403 \
	"$(send POST "/api/v1/associations/$R/summary/return" '{"reason": "材料不全"}')"
as boss
expect_eq "a return needs a reason: 400" 400 \
	"$(send POST "/api/v1/associations/$R/summary/return" '{"reason": ""}')"
expect_eq "its field" reason "$(json_field field)"
expect_eq "an accepted summary is not returned: 409" 409 \
	"$(send POST "/api/v1/associations/$A/summary/return" '{"reason": "材料不全"}')"
expect_eq "its code" already_accepted "$(json_field code)"
expect_eq "nothing written" "$RS" "$(q "SELECT report_submitted_on FROM associations WHERE uscc = '$R'")"
expect_eq "returned with a reason: 200" 200 \
	"$(send POST "/api/v1/associations/$R/summary/return" '{"reason": "总结未附资产清查报告，请补充后重报"}')"
expect_eq "the summary is no longer reported" "" "$(json_field report_submitted_on)"
expect_eq "stored" "-" "$(q "SELECT coalesce(CAST(report_submitted_on AS TEXT), '-') FROM associations WHERE uscc = '$R'")"
expect_eq "returned twice: 409 not_submitted" "409 not_submitted" \
	"$(send POST "/api/v1/associations/$R/summary/return" '{"reason": "再退"}') $(json_field code)"
expect_eq "one audit record of the return" 1 "$(audits summary_return "$R")"
q "SELECT before || after FROM audit_log WHERE event = 'summary_return' AND object = 'associations/$R'" >"$T/ret"
expect_grep "the audit record keeps the reason" "总结未附资产清查报告" "$T/ret"
expect_grep "and the date returned" "$RS" "$T/ret"
expect_eq "the history: 200" 200 "$(req GET "/api/v1/associations/$R/history")"
expect_grep "the history shows the reason" "总结未附资产清查报告，请补充后重报" "$T/body"
expect_eq "now not accepted: no summary" 409 "$(edit "$R" "d['accepted_on'] = '2019-06-28'")"

# --- import: an acceptance a file newly records for a stored association is
# judged like a person's; one recorded already stands.
I=${LATE[2]%|*} ID=${LATE[2]#*|}
edit "$I" 'd["accepted_on"] = None' >/dev/null
req GET "/api/v1/associations/$I" >/dev/null
python3 - "$T/body" "$ID" >"$T/bundle.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["version"]
d["accepted_on"] = sys.argv[2]
print(json.dumps({"format": "tuogou-bundle/1", "associations": [d]}, ensure_ascii=False))
PY
expect_exit "tuogou import of an unready acceptance: exit 2" 2 tg import --db "$DB" "$T/bundle.json"
expect_grep "the error names the record and the field" "associations\[0\].accepted_on" "$T/err"
expect_grep "and says why" "已逾期未办结" "$T/err"
expect_eq "nothing written" - "$(accepted "$I")"
# the same row as a sheet: the error names its row and column
python3 - "$T/bundle.json" "$T/associations.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))["associations"][0]
keys = [k for k, v in d.items() if v is not None and not isinstance(v, (dict, list))]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(keys)
    w.writerow(["true" if d[k] is True else "false" if d[k] is False else d[k] for k in keys])
PY
expect_exit "a sheet with an unready acceptance: exit 2" 2 tg import --db "$DB" "$T/associations.csv"
expect_grep "the error names the row and the column" "第2行[A-Z]*列（accepted_on）" "$T/err"
expect_eq "nothing written" - "$(accepted "$I")"
expect_eq "the API's import: 400" 400 "$(send POST /api/v1/import "$(cat "$T/bundle.json")")"
expect_eq "its code" acceptance_unready "$(json_field code)"
expect_eq "nothing written" - "$(accepted "$I")"
python3 - "$T/bundle.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["associations"][0]["uscc"] = "51410300MJ000000XK"
b["associations"][0]["name"] = "洛阳市测试历史协会"
json.dump(b, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_exit "an association new to the register loads its history as it was: exit 0" 0 \
	tg import --db "$DB" "$T/bundle.json"

# --- the auditor's CSV in the words a person reads (issue 17, item 5)
login boss 'Wrong-Pass-2017' >/dev/null
login aud >/dev/null
as aud
expect_eq "the auditor exports the log: 200" 200 "$(req GET /api/v1/audit/export)"
cp "$T/body" "$T/audit.csv"
python3 - "$T/audit.csv" "$R" "$L" >"$T/audit.txt" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
print("header", ",".join(rows[0]))
events = {r[5] for r in rows[1:]}
print("events", " ".join(sorted(events)))
codes = [e for e in events if e.isascii()]
print("codes", len(codes), " ".join(codes))
print("roles", " ".join(sorted({r[3] for r in rows[1:] if r[3]})))
print("outcomes", " ".join(sorted({r[7] for r in rows[1:]})))
for r in rows[1:]:
    if r[5] == "退回工作总结" and r[6].endswith(sys.argv[2]):
        print("return", r[6], "|", r[8], "|", r[9])
    if r[5] == "例外验收" and r[6].endswith(sys.argv[3]):
        print("override", r[6], "|", r[9])
    if r[5] == "修改记录" and r[6].endswith(sys.argv[3]) and "验收日期" in r[9]:
        print("write", r[6], "|", r[9])
PY
expect_grep "the same columns" "^header 序号,时间,用户,角色,来源地址,事件,对象,结果,变更前,变更后,散列$" "$T/audit.txt"
expect_grep "no event is a code" "^codes 0 $" "$T/audit.txt"
expect_grep "a failed login in words" "^events.*登录失败" "$T/audit.txt"
expect_grep "roles in words" "^roles.*联合工作组办公室" "$T/audit.txt"
expect_grep "outcomes in words" "^outcomes.*失败.*成功\|^outcomes.*成功.*失败" "$T/audit.txt"
expect_grep "the return: its object, the date before in Chinese, the reason" \
	"^return 行业协会商会/$R | 工作总结报送日期：[0-9]*年[0-9]*月[0-9]*日 | 工作总结报送日期：空；退回理由：总结未附资产清查报告" "$T/audit.txt"
expect_grep "the override: the day, what was unmet and why" \
	"^override 行业协会商会/$L | 验收日期：[0-9]*年.*；未满足的验收条件：.*已逾期未办结.*；原因：经联席会议研究" "$T/audit.txt"
expect_grep "a record's write in the glossary's words" "^write 行业协会商会/$L | .*名称：.*验收日期：[0-9]*年[0-9]*月[0-9]*日" "$T/audit.txt"

serve_stop
finish
