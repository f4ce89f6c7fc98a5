#!/usr/bin/env bash
# After decoupling (supervision.md, 五 and 六(一)): the nine arrays and the
# added fields round-trip through the register (JSON, XLSX, CSV in UTF-8
# and GB18030) byte for byte, bad records are refused naming their path,
# and the plan's duties of 五 agree finding for finding with the
# independent reading of obligations.md (tests/support/oblig_ref.py), on
# tests/data/supervision-bundle.json (every duty done, open, overdue and not
# yet opened somewhere in 2017-2020) and on the demo register.
. "$(dirname "$0")/../lib.sh"
SUP=$TOP/tests/data/supervision-bundle.json
DEMO=$TOP/data/demo-bundle.json
PLAN=$TOP/plans/luoyang-2017.json
ARRAYS="jurisdictions service_purchases fees awards tax_exemptions ratings credit_commitments evaluations exit_cases"

# --- round trip: bundle -> register -> bundle, the same facts
DB=$(db_url sup)
expect_exit "the supervision bundle imports" 0 tg import --db "$DB" "$SUP"
expect_grep "import counts the jurisdictions" "行政区划 4 条" "$T/out"
tg export --db "$DB" --format json -o "$T/e1.json"
same_facts() { # same_facts A B: B holds every record of A with the same values
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
def key(arr, r):
    return r.get("uscc") or r.get("id")
bad = 0
for arr, recs in a.items():
    if not isinstance(recs, list):
        continue
    have = {key(arr, r): r for r in b.get(arr, [])}
    for r in recs:
        got = have.get(key(arr, r))
        for k, v in r.items():
            if got is None or got.get(k) != v:
                print("%s %s.%s: %r != %r" % (arr, key(arr, r), k, v, got and got.get(k)))
                bad += 1
                break
sys.exit(1 if bad else 0)
PY
}
if same_facts "$SUP" "$T/e1.json" >"$T/diff" 2>&1; then pass "every field of the bundle comes back from the register"
else fail "the register lost or changed fields: $(head -5 "$T/diff")"; fi
for a in $ARRAYS; do
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$T/e1.json" "$a")
	[ "$n" -gt 0 ] && pass "$a: $n records exported" || fail "$a: nothing exported"
done
FRESH=$(db_url sup2)
tg import --db "$FRESH" "$T/e1.json" >/dev/null
tg export --db "$FRESH" --format json -o "$T/e2.json"
expect_eq "export, import, export: the same bytes" "$(sha256sum <"$T/e1.json")" "$(sha256sum <"$T/e2.json")"
tg import --db "$DB" "$SUP" >/dev/null
tg export --db "$DB" --format json -o "$T/e3.json"
expect_eq "a second import of the same bundle changes nothing" "$(sha256sum <"$T/e1.json")" "$(sha256sum <"$T/e3.json")"

# --- XLSX: a sheet per array, named with its Chinese label
expect_exit "export --format xlsx" 0 tg export --db "$DB" --format xlsx -o "$T/sup.xlsx"
for s in 行政区划 政府购买服务 收费项目 评比达标表彰活动 非营利组织免税资格 社会组织评估等级 信用承诺 社会评价与第三方评估 退出案件; do
	unzip -p "$T/sup.xlsx" xl/workbook.xml | grep -q "name=\"$s\"" && pass "the workbook has the sheet $s" ||
		fail "the workbook has no sheet $s"
done
XDB=$(db_url xlsx)
expect_exit "the workbook imports into a fresh register" 0 tg import --db "$XDB" "$T/sup.xlsx"
tg export --db "$XDB" --format json -o "$T/x.json"
expect_eq "bundle -> XLSX -> register: the same bytes" "$(sha256sum <"$T/e1.json")" "$(sha256sum <"$T/x.json")"

# --- CSV with the Chinese labels, UTF-8 and GB18030
U=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["associations"][0]["uscc"])' "$SUP")
printf '编号,协会统一社会信用代码,评估等级,评估日期,有效期终止日期,公开日期\nRT-CSV,%s,4A级,2020-01-10,2025-01-10,2020-01-20\n' "$U" >"$T/社会组织评估等级.csv"
iconv -f UTF-8 -t GB18030 "$T/社会组织评估等级.csv" >"$T/gb.csv" && mv "$T/gb.csv" "$T/社会组织评估等级.csv"
expect_exit "a GB18030 CSV of ratings with Chinese headers and values imports" 0 tg import --db "$DB" "$T/社会组织评估等级.csv"
printf 'id,association,reason,opened_on,notified_on,decided_on,outcome\nEX-CSV,%s,连续未报年度工作报告,2020-02-01,2020-02-10,2020-04-01,注销\n' "$U" >"$T/exit_cases.csv"
expect_exit "a UTF-8 CSV of exit cases imports" 0 tg import --db "$DB" "$T/exit_cases.csv"
printf 'id,name,level,parent\n410324,栾川县,县级,410300\n' >"$T/jurisdictions.csv"
expect_exit "a CSV of jurisdictions imports" 0 tg import --db "$DB" "$T/jurisdictions.csv"
tg export --db "$DB" --format json -o "$T/csv.json"
python3 - "$T/csv.json" >"$T/csvcheck" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
r = {x["id"]: x for x in b["ratings"]}["RT-CSV"]
e = {x["id"]: x for x in b["exit_cases"]}["EX-CSV"]
j = {x["id"]: x for x in b["jurisdictions"]}["410324"]
print(r["grade"], r["valid_to"], e["reason"], e["outcome"], j["level"], j["parent"])
PY
expect_eq "the CSV records are stored with their English keys" \
	"4A 2025-01-10 missing_reports deregistered county 410300" "$(cat "$T/csvcheck")"

# --- bad records: exit 2, the path named, nothing stored
before=$(tg export --db "$DB" --format json | sha256sum)
bad() { # bad DESCRIPTION PATH PYTHON-MUTATION
	python3 - "$SUP" "$T/bad.json" "$3" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(b, ensure_ascii=False))
PY
	expect_exit "$1: refused" 2 tg import --db "$DB" "$T/bad.json"
	expect_grep "$1: names $2" "$2" "$T/err"
	expect_eq "$1: nothing stored" "$before" "$(tg export --db "$DB" --format json | sha256sum)"
}
bad "a code that is not 6 digits" 'jurisdictions\[2\].id' 'b["jurisdictions"][2]["id"] = "41032"; b["associations"] = [a for a in b["associations"] if a.get("jurisdiction") != "410322"]; b["credit_listings"] = []; b["service_purchases"] = []; b["fees"] = []; b["awards"] = []; b["tax_exemptions"] = []; b["ratings"] = []; b["credit_commitments"] = []; b["evaluations"] = []; b["exit_cases"] = []; b["posts"] = []; b["steps"] = []'
bad "a jurisdiction its own parent" 'jurisdictions\[1\].parent' 'b["jurisdictions"][1]["parent"] = "410300"'
bad "a parent not in the bundle" 'jurisdictions\[2\].parent' 'b["jurisdictions"][2]["parent"] = "419999"'
bad "an association in an unknown jurisdiction" 'associations\[0\].jurisdiction' 'b["associations"][0]["jurisdiction"] = "410399"'
bad "a unit in an unknown jurisdiction" 'units\[0\].jurisdiction' 'b["units"][0]["jurisdiction"] = "410399"'
bad "an unknown level" 'jurisdictions\[0\].level' 'b["jurisdictions"][0]["level"] = "town"'
bad "money with 3 decimals" 'service_purchases\[0\].amount' 'b["service_purchases"][0]["amount"] = 1.005'
bad "negative money" 'service_purchases\[1\].amount' 'b["service_purchases"][1]["amount"] = -1'
bad "an unknown grade" 'service_purchases\[0\].grade' 'b["service_purchases"][0]["grade"] = "good"'
bad "a service ending before it starts" 'service_purchases\[0\].ends_on' 'b["service_purchases"][0]["ends_on"] = "2018-01-15"'
bad "a fee ending before it starts" 'fees\[3\].to' 'b["fees"][3]["to"] = "2018-02-01"'
bad "an exemption ending before it starts" 'tax_exemptions\[0\].valid_to' 'b["tax_exemptions"][0]["valid_to"] = "2014-12-31"'
bad "a rating valid to before it was rated" 'ratings\[0\].valid_to' 'b["ratings"][0]["valid_to"] = "2014-06-01"'
bad "a rating grade 6A" 'ratings\[0\].grade' 'b["ratings"][0]["grade"] = "6A"'
bad "a rating without a grade" 'ratings\[1\].grade' 'b["ratings"][1]["grade"] = None'
bad "an unknown evaluation kind" 'evaluations\[0\].kind' 'b["evaluations"][0]["kind"] = "peer"'
bad "an unknown exit reason" 'exit_cases\[0\].reason' 'b["exit_cases"][0]["reason"] = "bankrupt"'
bad "an unknown outcome" 'exit_cases\[0\].outcome' 'b["exit_cases"][0]["outcome"] = "merged"'
bad "a commitment of an unknown association" 'credit_commitments\[0\].association' 'b["credit_commitments"][0]["association"] = "51410300MJ000000XK"'
bad "an unknown key" 'awards\[0\].prize' 'b["awards"][0]["prize"] = 1'
bad "February 30" 'posts\[0\].public_notice_on' 'b["posts"][0]["public_notice_on"] = "2019-02-30"'
bad "a bad objection date" 'credit_listings\[0\].rectified_on' 'b["credit_listings"][0]["rectified_on"] = "2018-13-01"'

# --- the duties of 五 against the independent reading
agree() { # agree LABEL BUNDLE-FILE SOURCE-ARGS... : at four dates, tuogou = oblig_ref
	local label=$1 bundle=$2
	shift 2
	for D in 2017-12-31 2018-06-30 2019-06-30 2020-12-31; do
		tg check "$@" --as-of "$D" --format json >"$T/out"
		python3 - "$PLAN" "$bundle" "$D" "$T/out" "$TOP" >"$T/cmp" <<'PY'
import datetime as dt, json, sys
sys.path.insert(0, sys.argv[5] + "/tests/support")
import oblig_ref
plan = json.load(open(sys.argv[1], encoding="utf-8"))
bundle = json.load(open(sys.argv[2], encoding="utf-8"))
D = dt.date.fromisoformat(sys.argv[3])
hol = oblig_ref.load_holidays(sys.argv[5] + "/data/holidays-cn.csv")
ids = {o["id"] for o in plan["obligations"]}
doc = json.load(open(sys.argv[4], encoding="utf-8"))
got = [{k: f[k] for k in ("rule", "association", "subject", "due", "state")}
       for f in doc["findings"] if f["rule"] in ids]
want = oblig_ref.evaluate(plan, bundle, D, hol)
states = sorted({f["state"] for f in want})
print("same" if got == want else "differ", len(want), ",".join(states))
if got != want:
    for x in want:
        if x not in got: print("# only in the reference:", json.dumps(x, ensure_ascii=False))
    for x in got:
        if x not in want: print("# only in tuogou:", json.dumps(x, ensure_ascii=False))
PY
		if head -1 "$T/cmp" | grep -q '^same'; then
			pass "$label as of $D: tuogou agrees with the reference ($(head -1 "$T/cmp" | cut -d' ' -f2-))"
		else
			fail "$label as of $D: $(head -1 "$T/cmp")"
			sed -n '2,12p' "$T/cmp"
		fi
	done
}
agree "supervision bundle (--bundle)" "$SUP" --bundle "$SUP"
agree "supervision bundle (--db)" "$SUP" --db "$FRESH"
agree "demo register" "$DEMO" --bundle "$DEMO"

# Each duty of 五 in each state it can take, as of 2019-06-30 (done: the
# record is in the bundle with no finding); 2017-12-31: none opened yet.
tg check --bundle "$SUP" --as-of 2019-06-30 --format json >"$T/out"
python3 - "$PLAN" "$SUP" "$T/out" >"$T/states" <<'PY'
import json, sys
plan, bundle, doc = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:4])
for o in plan["obligations"]:
    states = sorted({f["state"] for f in doc["findings"] if f["rule"] == o["id"]})
    plans = sorted({f["plan"] for f in doc["findings"] if f["rule"] == o["id"]})
    print(o["id"], "+".join(states) or "-", "+".join(plans) or "-")
PY
while read -r id states plans; do
	case $id in
	fees.unpublished | awards.unapproved) want=overdue ;; # due the day before it opens
	posts.notice-missing) want=overdue ;; # due the day the post starts: open on that day only
	*) want=open+overdue ;;
	esac
	expect_eq "$id: $want as of 2019-06-30, under luoyang-2017" "$want luoyang-2017" "$states $plans"
done <"$T/states"
# Done (evaluated, published, approved, renewed by a step, removed,
# decided) and not yet opened (the anchor or opens after the day): no
# finding about those records of the new arrays.
python3 - "$PLAN" "$T/out" >"$T/quiet" <<'PY'
import json, sys
plan, doc = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
ids = {o["id"] for o in plan["obligations"]}
quiet = {"SP1", "FE1", "AW1", "TX4", "RT5", "CC1", "EV1", "CL1", "EX1",   # done
         "FE3", "AW3", "TX3", "RT4", "CC5", "EV4", "CL5", "EX6"}        # not yet opened
print(" ".join(sorted(f["subject"] for f in doc["findings"]
                      if f["rule"] in ids and f["subject"] in quiet)) or "none")
PY
expect_eq "as of 2019-06-30 no duty of 五 on a done or not yet opened record" none "$(cat "$T/quiet")"
tg check --bundle "$DEMO" --as-of 2017-12-31 --format json >"$T/out"
n=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); ids={o["id"] for o in p["obligations"]}; print(sum(f["rule"] in ids for f in json.load(open(sys.argv[2]))["findings"]))' "$PLAN" "$T/out")
expect_eq "the demo's 2017 campaign has no duty of 五 (the commitments open in 2018)" 0 "$n"
finish
