#!/usr/bin/env bash
# http_supervision.sh: the arrays of support and supervision after
# decoupling (五, supervision.md; issue 13 items 1, 4, 5) over the API, on
# the demo register: each role writes exactly its arrays (civil affairs all
# nine, finance purchases and tax exemption, price fees and award
# activities), the others are refused in the glossary's words; a unit and an
# association see only their associations' records; every write leaves its
# history and audit rows; a credit listing's objection and an exit case's
# notice and decision are marked done with evidence, and their findings go;
# the public API shows ratings, fees, purchases, commitments, evaluations
# and exit decisions, filters by jurisdiction, and names no person.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
DAY=2026-11-27
uscc() { python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
print([a["uscc"] for a in b["associations"] if a["name"] == sys.argv[2]][0])' "$BUNDLE" "$1"; }
SW=$(uscc 洛阳市软件行业协会)        # unit U06 (工信委)
RE=$(uscc 洛阳市房地产业协会)        # another unit's
TOUR=$(uscc 洛阳市旅游协会)
HELE=$(uscc 洛阳市河洛文化研究会)
TAXI=$(uscc 洛阳市出租汽车协会)
add_user boss office
add_user civ civil_affairs
add_user fin department --department finance
add_user price department --department price
add_user org department --department organization
add_user gxw unit --unit U06
add_user swa association --association "$SW"
serve_start
for u in boss civ fin price org gxw swa; do
	[ "$(login $u)" = 200 ] || fail "login $u"
done

# ---- reading: every array is listed; the demo holds records of each
as boss
for a in jurisdictions service_purchases fees awards tax_exemptions ratings credit_commitments \
	evaluations exit_cases; do
	st=$(req GET "/api/v1/$a?per_page=500")
	n=$(json_number total)
	[ "$st" = 200 ] && [ "${n:-0}" -gt 0 ] && pass "office lists $a ($n)" || fail "office lists $a: $st $(body | head -c 200)"
done

# ---- writing: who may create which array
body_of() { # body_of ARRAY ID: a valid new record of ARRAY for the software association
	case $1 in
	jurisdictions) echo "{\"id\": \"$2\", \"name\": \"测试区\", \"level\": \"county\", \"parent\": \"410300\"}" ;;
	service_purchases) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"unit\": \"U06\", \"item\": \"软件产业统计\", \"amount\": 50000, \"signed_on\": \"2026-01-05\", \"starts_on\": \"2026-02-01\", \"ends_on\": \"2026-08-31\"}" ;;
	fees) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"name\": \"培训费\", \"standard\": \"每人次200元\", \"approved_ref\": \"洛软协〔2026〕1号\", \"from\": \"2026-03-01\", \"published_on\": \"2026-02-20\"}" ;;
	awards) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"name\": \"优秀企业评选\", \"approved_ref\": \"洛评达表〔2026〕9号\", \"approved_on\": \"2026-03-01\", \"held_on\": \"2026-04-01\"}" ;;
	tax_exemptions) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"ref\": \"洛财税〔2027〕1号\", \"valid_from\": \"2027-01-01\", \"valid_to\": \"2031-12-31\"}" ;;
	ratings) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"grade\": \"5A\", \"rated_on\": \"2026-10-01\", \"valid_to\": \"2031-09-30\", \"published_on\": \"2026-10-15\"}" ;;
	credit_commitments) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"signed_on\": \"2026-01-10\", \"published_on\": \"2026-01-20\"}" ;;
	evaluations) echo "{\"id\": \"$2\", \"association\": \"$SW\", \"kind\": \"third_party\", \"evaluator\": \"洛阳市社会组织评估中心\", \"on\": \"2026-09-01\", \"result\": \"优秀\", \"published_on\": \"2026-09-10\"}" ;;
	exit_cases) echo "{\"id\": \"$2\", \"association\": \"$RE\", \"reason\": \"other\", \"opened_on\": \"2026-11-01\"}" ;;
	esac
}
declare -A ZH=([jurisdictions]=行政区划 [service_purchases]=政府购买服务 [fees]=收费项目
	[awards]=评比达标表彰活动 [tax_exemptions]=非营利组织免税资格 [ratings]=社会组织评估等级
	[credit_commitments]=信用承诺 [evaluations]=社会评价与第三方评估 [exit_cases]=退出案件)
# who may create what (rights.c); every other business role is refused
declare -A MAY=([civ]="jurisdictions service_purchases fees awards tax_exemptions ratings credit_commitments evaluations exit_cases"
	[fin]="service_purchases tax_exemptions" [price]="fees awards" [org]="" [gxw]="" [swa]="")
n=0
for u in civ fin price org gxw swa; do
	as $u
	for a in "${!ZH[@]}"; do
		n=$((n + 1))
		id=T$n
		[ $a = jurisdictions ] && id=$((419000 + n))
		st=$(send POST "/api/v1/$a" "$(body_of $a $id)")
		if [[ " ${MAY[$u]} " == *" $a "* ]]; then
			expect_eq "$u creates $a: 201" 201 "$st"
		else
			msg=$(json_field message)
			if [ "$st" = 403 ] && { [ "$msg" = "当前角色无权新增${ZH[$a]}记录" ] || [ "$(json_field code)" = forbidden ]; }; then
				pass "$u may not create $a: 403 ($msg)"
			else
				fail "$u may not create $a: $st $(body | head -c 200)"
			fi
			expect_eq "... nothing written" 0 "$(q "SELECT count(*) FROM $a WHERE id = '$id'")"
		fi
	done
done
as fin
expect_eq "finance's refusal names the array in Chinese" "当前角色无权新增收费项目记录" \
	"$(send POST /api/v1/fees "$(body_of fees F-fin)" >/dev/null; json_field message)"

# ---- finance records a purchase's evaluation; the price office may not
as fin
req GET /api/v1/service_purchases/SP02 >/dev/null
v=$(json_number version)
put=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["evaluated_on"]="2026-11-25"; d["grade"]="qualified"; print(json.dumps(d, ensure_ascii=False))' "$T/body")
expect_eq "finance records SP02's evaluation: 200" 200 "$(send PUT /api/v1/service_purchases/SP02 "$put")"
expect_eq "... stored" "2026-11-25|qualified" "$(q "SELECT evaluated_on || '|' || grade FROM service_purchases WHERE id = 'SP02'")"
expect_eq "... its history row, by finance" 1 "$(q "SELECT count(*) FROM changes WHERE \"array\" = 'service_purchases' AND \"key\" = 'SP02' AND \"user\" = 'fin'")"
expect_eq "... its audit record" 1 "$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'service_purchases/SP02' AND \"user\" = 'fin'")"
as boss
req GET "/api/v1/associations/$(q "SELECT association FROM service_purchases WHERE id = 'SP02'")/history" >/dev/null
expect_grep "the association's history shows it" '"service_purchases"' "$T/body"
as price
req GET /api/v1/service_purchases/SP02 >/dev/null
put=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["grade"]="excellent"; print(json.dumps(d, ensure_ascii=False))' "$T/body")
expect_eq "the price office may not change a purchase's grade: 403" 403 "$(send PUT /api/v1/service_purchases/SP02 "$put")"
expect_eq "... field_forbidden, naming the field" "field_forbidden grade" "$(json_field code) $(json_field field)"

# ---- scope: a unit sees its associations' records, an association its own
as gxw
req GET "/api/v1/service_purchases?per_page=500" >/dev/null
want=$(q "SELECT count(*) FROM service_purchases WHERE association IN (SELECT uscc FROM associations WHERE unit = 'U06')")
expect_eq "the unit lists exactly its associations' purchases" "$want" "$(json_number total)"
other=$(q "SELECT id FROM ratings WHERE association = '$RE' LIMIT 1")
expect_eq "another unit's association's rating: 404" 404 "$(req GET "/api/v1/ratings/$other")"
expect_eq "every role sees the jurisdictions" 200 "$(req GET /api/v1/jurisdictions/410300)"
as swa
req GET "/api/v1/ratings?per_page=500" >/dev/null
expect_eq "the association lists only its own ratings" "$(q "SELECT count(*) FROM ratings WHERE association = '$SW'")" "$(json_number total)"
if grep -q "$RE" "$T/body"; then fail "the association sees another's rating"; else pass "no other association's rating"; fi

# ---- workflows: a listing's objection decided, an exit case notified and decided, with evidence
tg check --db "$DB" --as-of $DAY --format json >"$T/before.json"
has() { python3 -c '
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
print(sum(1 for f in fs if f["rule"] == sys.argv[2] and f["subject"] == sys.argv[3]))' "$@"; }
expect_eq "before: L08's objection is undecided (open)" 1 "$(has "$T/before.json" credit.objection-undecided L08)"
expect_eq "before: XC01 has no notice" 1 "$(has "$T/before.json" exit.notice-missing XC01)"
expect_eq "before: XC04 awaits its decision" 1 "$(has "$T/before.json" exit.decision-missing XC04)"
as boss
req GET "/api/v1/associations/$TOUR/findings?as_of=$DAY" >/dev/null
expect_grep "the objection's due date comes from the plan (30 days)" '"due": "2026-12-10"' "$T/body"
printf '%%PDF-1.4\n%% 异议处理决定\n%%%%EOF\n' >"$T/决定.pdf"
mark() { # mark USCC RULE SUBJECT ON: evidence, then the item done with it; prints both statuses
	local s1 s2 id
	s1=$(req POST "/api/v1/associations/$1/evidence" -H "X-CSRF-Token: $CSRF" -F "file=@$T/决定.pdf" -F "rule=$2" -F "subject=$3")
	id=$(json_number id)
	s2=$(send POST "/api/v1/associations/$1/checklist?as_of=$DAY" \
		"{\"rule\": \"$2\", \"subject\": \"$3\", \"on\": \"$4\", \"evidence\": [${id:-0}]}")
	echo "$s1 $s2"
}
as fin
expect_eq "finance may not decide an objection: 403, nothing stored" "403 0" \
	"$(send POST "/api/v1/associations/$TOUR/checklist" '{"rule": "credit.objection-undecided", "subject": "L08", "on": "2026-11-20", "evidence": []}'; echo " $(q "SELECT count(*) FROM credit_listings WHERE id = 'L08' AND objection_decided_on IS NOT NULL")")"
as civ
expect_eq "civil affairs decides L08's objection with evidence: 201 200" "201 200" "$(mark "$TOUR" credit.objection-undecided L08 2026-11-20)"
expect_eq "... the listing's objection_decided_on" 2026-11-20 "$(q "SELECT objection_decided_on FROM credit_listings WHERE id = 'L08'")"
expect_eq "... the evidence is attached to the duty and its listing" "credit.objection-undecided|L08" \
	"$(q "SELECT rule || '|' || subject FROM evidence WHERE association = '$TOUR' ORDER BY id DESC LIMIT 1")"
expect_eq "... audited" 1 "$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'credit_listings/L08' AND \"user\" = 'civ'")"
expect_eq "XC01 notified: 201 200" "201 200" "$(mark "$TAXI" exit.notice-missing XC01 2026-11-24)"
expect_eq "XC04 decided: 201 200" "201 200" "$(mark "$HELE" exit.decision-missing XC04 2026-11-26)"
req GET /api/v1/exit_cases/XC04 >/dev/null
put=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["outcome"]="revoked"; print(json.dumps(d, ensure_ascii=False))' "$T/body")
expect_eq "... its outcome recorded: 200" 200 "$(send PUT /api/v1/exit_cases/XC04 "$put")"
expect_eq "an exit case marked under another association: 404" 404 \
	"$(send POST "/api/v1/associations/$TAXI/checklist?as_of=$DAY" '{"rule": "exit.decision-missing", "subject": "XC04", "on": "2026-11-26", "evidence": []}')"
tg check --db "$DB" --as-of $DAY --format json >"$T/after.json"
expect_eq "after: the three findings are gone" "0 0 0" \
	"$(has "$T/after.json" credit.objection-undecided L08) $(has "$T/after.json" exit.notice-missing XC01) $(has "$T/after.json" exit.decision-missing XC04)"
expect_eq "after: XC01 now awaits its decision, due 60 days after the notice" 1 \
	"$(python3 -c '
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
print(sum(1 for f in fs if f["rule"] == "exit.decision-missing" and f["subject"] == "XC01" and f["due"] == "2027-01-23"))' "$T/after.json")"

# ---- the public page's data (no login)
USER_JAR=
expect_eq "public: the software association: 200" 200 "$(req GET "/api/v1/public/associations?q=软件行业")"
python3 - "$T/body" >"$T/pub" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
a = d["items"][0]
print("rating", a["rating"]["grade"], a["rating"]["grade_name"], a["rating"]["valid"])
print("fees", len(a["fees"]), "purchases", len(a["service_purchases"]), "commitments", len(a["credit_commitments"]), "evaluations", len(a["evaluations"]))
print("juris", len(d["jurisdictions"]), "rated", d["summary"]["rated"] > 0)
PY
expect_grep "the latest published rating (5A, valid)" "^rating 5A 5A级 True$" "$T/pub"
expect_grep "published fees, purchases, commitments and evaluations" "^fees 3 purchases 1 commitments 2 evaluations 2$" "$T/pub"
expect_grep "the jurisdictions for the filter; the summary counts rated associations" "^juris [0-9]* rated True$" "$T/pub"
expect_eq "public: exit decisions (烹饪协会 kept)" 200 "$(req GET "/api/v1/public/associations?q=烹饪")"
expect_grep "... its outcome 保留" '"outcome_name": "保留"' "$T/body"
# Who the public filter lists in a county: "total uscc uscc ..." (the demo
# places associations in 孟津 and 新安 of its own)
in_county() {
	req GET "/api/v1/public/associations?jurisdiction=$1&per_page=500" >/dev/null
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["total"], *sorted(a["uscc"] for a in d["items"]))' "$T/body"
}
mengjin_before=$(in_county 410322)
xinan_before=$(in_county 410323)
case " $mengjin_before $xinan_before " in *" $SW "*) fail "the software association starts in no county" ;; *) pass "the software association starts in no county" ;; esac
as civ
req GET "/api/v1/associations/$SW" >/dev/null
put=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["jurisdiction"]="410322"; print(json.dumps(d, ensure_ascii=False))' "$T/body")
expect_eq "civil affairs places the association in 孟津县: 200" 200 "$(send PUT "/api/v1/associations/$SW" "$put")"
USER_JAR=
expect_eq "the county filter keeps its own and now it" \
	"$(python3 -c 'import sys; w = sys.argv[1].split(); print(int(w[0]) + 1, *sorted(w[1:] + [sys.argv[2]]))' "$mengjin_before" "$SW")" \
	"$(in_county 410322)"
req GET "/api/v1/public/associations" >/dev/null
all=$(json_number total)
req GET "/api/v1/public/associations?jurisdiction=410300" >/dev/null
expect_eq "the city filter keeps it and the city's own (all of them)" "$all" "$(json_number total)"
expect_eq "another county: unchanged, without it" "$xinan_before" "$(in_county 410323)"
expect_eq "a bad code: 400" 400 "$(req GET "/api/v1/public/associations?jurisdiction=41x")"
# never a person: no name of a person, no ID number, on any page
for p in 1 2 3; do req GET "/api/v1/public/associations?per_page=50&page=$p" >/dev/null; cat "$T/body"; done >"$T/public.all"
q "SELECT name FROM persons" | sort -u | awk 'length($0) >= 2' >"$T/names"
hits=$(grep -F -o -f "$T/names" "$T/public.all" | sort -u | head -5 | tr '\n' ' ')
expect_eq "the public answer names no person" "" "$hits"
if grep -Eq '[0-9]{17}[0-9X]' "$T/public.all"; then fail "an ID number in the public answer"; else pass "no ID number in the public answer"; fi
serve_stop
finish
