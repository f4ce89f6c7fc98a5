#!/usr/bin/env bash
# http_birth.sh: issue 14, high item 3.  personnel.retired-cadre-over-age is
# due on the 70th birthday, and with the masked number (first 6 and last 4
# digits) the birth date is the whole ID number.  A viewer who may not reveal
# a person's number (every role but the office, and a unit for its own
# staff) gets that finding by the year: present as of D when its due falls
# in D's year or before, "due": null with "due_year" and "due_withheld":
# "birth", no day and no count of days anywhere: findings (all, and an
# association's), checklist, dashboard, reminders, the findings xlsx and the
# PDF reports.  The passive attack (a department reads findings as of
# 2099-12-31) and the active one (a role that writes persons makes a person
# a retired cadre, reads the due, sets him back) both get the year only; the
# office, and a unit for its own staff, still get the exact day.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user boss office
add_user fin department --department finance
add_user org department --department organization
serve_start

# an ID number born on the given day (GB 11643 check character)
id_of() { python3 -c '
import sys
b = "110105" + sys.argv[1].replace("-", "") + "001"
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(b + "10X98765432"[sum(int(c) * k for c, k in zip(b, w)) % 11])' "$1"; }
# the finding of rule over-age for post $1 in the last body, as "due|due_year|state|message"
over_age() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d.get("findings", []):
    if f["rule"] == "personnel.retired-cadre-over-age" and f["subject"] == sys.argv[2]:
        print("%s|%s|%s|%s|%s" % (f["due"], f.get("due_year"), f.get("due_withheld"), f["state"], f["message"]))' "$T/body" "$1"; }

login boss >/dev/null
as boss
# A1: an association in the reform (in scope) with a supervising unit U1
req GET "/api/v1/associations?state=in_scope%2B&per_page=500" >/dev/null
A1=$(python3 -c 'import json,sys; print(next(a["uscc"] for a in json.load(open(sys.argv[1]))["items"] if a.get("unit")))' "$T/body")
U1=$(q "SELECT \"unit\" FROM associations WHERE uscc = '$A1'")
add_user u1 unit --unit "$U1"
# P-B: retired leading cadre, born 1950-06-15 (70 on 2020-06-15), employed by
# nobody, a post in A1 since 2012; P-O: the same, U1's own staff; P-A: not a
# cadre yet (the active attack makes him one)
ok_all=true
for p in "P-B|$(id_of 1950-06-15)|true|null" "P-O|$(id_of 1950-08-20)|true|\"$U1\"" "P-A|$(id_of 1951-03-07)|false|null"; do
	IFS='|' read -r id num cadre unit <<<"$p"
	retired=null
	$cadre && retired='"2010-01-01"'
	[ "$(send POST /api/v1/persons "{\"id\": \"$id\", \"name\": \"测试$id\", \"id_number\": \"$num\", \"civil_servant\": true, \"leading_cadre\": $cadre, \"retired_on\": $retired, \"unit\": $unit}")" = 201 ] || ok_all=false
	[ "$(send POST /api/v1/posts "{\"id\": \"T$id\", \"person\": \"$id\", \"association\": \"$A1\", \"role\": \"director\", \"from\": \"2012-01-01\", \"approval\": {\"kind\": \"approval\", \"ref\": \"洛组干〔2012〕1号\", \"on\": \"2011-12-01\"}}")" = 201 ] || ok_all=false
done
$ok_all && pass "the office registers three persons and their posts in $A1" || fail "setup: $(body)"

# --- the office sees the exact day
req GET "/api/v1/findings?per_page=500&as_of=2099-12-31&rule=personnel.retired-cadre-over-age" >/dev/null
expect_eq "the office: the exact due of the 70th birthday" "2020-06-15|None|None|overdue" "$(over_age TP-B | cut -d'|' -f1-4)"

# --- the passive attack: a department reads the findings as of 2099-12-31
login fin >/dev/null
as fin
# every page of them (the list is paged), put together in $T/body
n=1
: >"$T/allpages"
while req GET "/api/v1/findings?per_page=500&as_of=2099-12-31&page=$n" >/dev/null; do
	cat "$T/body" >>"$T/allpages"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["page"]*d["per_page"] < d["total"] else 1)' "$T/body" || break
	n=$((n + 1))
done
python3 -c '
import json, sys
dec, s, i, fs = json.JSONDecoder(), open(sys.argv[1]).read(), 0, []
while i < len(s):
    d, i = dec.raw_decode(s, i)
    fs += d["findings"]
    while i < len(s) and s[i].isspace(): i += 1
json.dump({"findings": fs}, open(sys.argv[2], "w"), ensure_ascii=False)' "$T/allpages" "$T/body"
got=$(over_age TP-B)
expect_eq "a department as of 2099-12-31: the year only" "None|2020|birth|overdue" "$(cut -d'|' -f1-4 <<<"$got")"
expect_eq "... the message names the year, no day, no count of days" "" \
	"$(grep -o '2020-06-15\|2020年6月15\|[0-9]天' <<<"$got")"
expect_grep "... and says so" "至2020年底已年满70周岁" <<<"$got" /dev/stdin
[ -n "$(grep -o '"2020-06-15"\|2020年6月15\|2020-06-1[0-9]' "$T/body")" ] &&
	fail "the exact due is somewhere in the department's findings" || pass "the exact due is nowhere in the department's findings"
# present by the year: already on 2020-01-02 (the true finding is not), not on 2019-12-31
req GET "/api/v1/findings?per_page=500&as_of=2020-01-02&rule=personnel.retired-cadre-over-age" >/dev/null
expect_eq "a department as of 2020-01-02: present, due within the year (年内)" "None|2020|birth|open" "$(over_age TP-B | cut -d'|' -f1-4)"
req GET "/api/v1/findings?per_page=500&as_of=2020-07-01&rule=personnel.retired-cadre-over-age" >/dev/null
expect_eq "... and still open in the same year after the day" "None|2020|birth|open" "$(over_age TP-B | cut -d'|' -f1-4)"
req GET "/api/v1/findings?per_page=500&as_of=2019-12-31&rule=personnel.retired-cadre-over-age" >/dev/null
expect_eq "... absent the year before" "" "$(over_age TP-B)"

# every other answer the department can get, day by day around the birthday
leaks=
for d in 2020-06-10 2020-06-16 2020-12-31 2099-12-31; do
	for path in "/api/v1/findings?per_page=500&as_of=$d" "/api/v1/findings?per_page=500&as_of=$d&page=2" \
		"/api/v1/findings?per_page=500&as_of=$d&page=3" "/api/v1/findings?per_page=500&as_of=$d&sort=due" \
		"/api/v1/associations/$A1/findings?as_of=$d" \
		"/api/v1/associations/$A1/checklist?as_of=$d" "/api/v1/dashboard?as_of=$d" \
		"/api/v1/reminders?as_of=$d&within=250"; do
		st=$(req GET "$path")
		[ "$st" = 200 ] || leaks="$leaks $path:$st"
		grep -q '2020-06-15\|2020年6月15' "$T/body" && leaks="$leaks $path"
	done
	req GET "/api/v1/export/findings.xlsx?as_of=$d" >/dev/null
	cp "$T/body" "$T/f.xlsx"
	unzip -p "$T/f.xlsx" 'xl/*.xml' | grep -q '43997\|2020-06-15' && leaks="$leaks findings.xlsx@$d"
	unzip -p "$T/f.xlsx" 'xl/*.xml' | grep -q '2020年内' || leaks="$leaks findings.xlsx@$d:no-year"
	if command -v pdftotext >/dev/null; then
		req GET "/api/v1/associations/$A1/summary.pdf?as_of=$d" >/dev/null
		cp "$T/body" "$T/s.pdf"
		req GET "/api/v1/reports/progress.pdf?as_of=$d" >/dev/null
		cp "$T/body" "$T/p.pdf"
		for f in s p; do
			pdftotext "$T/$f.pdf" - 2>/dev/null | tr -d ' \n' >"$T/$f.txt"
			[ -s "$T/$f.txt" ] || leaks="$leaks $f.pdf@$d:empty"
			grep -q '2020-06-15\|2020年6月15' "$T/$f.txt" && leaks="$leaks $f.pdf@$d"
		done
	fi
done
expect_eq "no answer, download or report gives the department the day" "" "$leaks"
# the same downloads as the office do carry the day: the checks above can see it
as boss
req GET "/api/v1/export/findings.xlsx?as_of=2020-06-16" >/dev/null
unzip -p "$T/body" 'xl/*.xml' | grep -q '43997' && pass "the office's findings.xlsx has the day" ||
	fail "the office's findings.xlsx has no 2020-06-15"
if command -v pdftotext >/dev/null; then
	req GET "/api/v1/associations/$A1/summary.pdf?as_of=2020-06-16" >/dev/null
	pdftotext "$T/body" - 2>/dev/null | tr -d ' \n' | grep -q '2020-06-15\|2020年6月15' &&
		pass "the office's summary.pdf has the day" || fail "the office's summary.pdf has no 2020-06-15"
fi
as fin
req GET "/api/v1/reminders?as_of=2020-12-28&within=5" >/dev/null
expect_grep "reminders: the year, no days" '"due": null, "due_year": 2020, "due_withheld": "birth", "state": "near", "light": "[a-z]*", "days_overdue": null' "$T/body"

# --- the active attack: a role that writes persons makes P-A a retired
# cadre, reads the due, sets him back
attack() { # attack USER: prints what the user learns of P-A's due
	as "$1"
	req GET /api/v1/persons/P-A >/dev/null
	cp "$T/body" "$T/pa.json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["leading_cadre"]=True; d["retired_on"]="2010-01-01"; print(json.dumps(d))' "$T/pa.json" >"$T/pa2.json"
	local st1 st2
	st1=$(send PUT /api/v1/persons/P-A "$(cat "$T/pa2.json")")
	req GET "/api/v1/findings?per_page=500&as_of=2099-12-31&rule=personnel.retired-cadre-over-age" >/dev/null
	over_age TP-A | cut -d'|' -f1-3
	req GET /api/v1/persons/P-A >/dev/null
	st2=$(send PUT /api/v1/persons/P-A "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["leading_cadre"]=False; d["retired_on"]=None; print(json.dumps(d))' "$T/body")")
	echo "$st1 $st2"
}
login org >/dev/null
expect_eq "组织部 makes P-A a retired cadre and back: the year only" "None|2021|birth
200 200" "$(attack org)"
login u1 >/dev/null
expect_eq "the unit of P-A's association does the same: the year only" "None|2021|birth
200 200" "$(attack u1)"
as boss
expect_eq "the office doing it: the exact day" "2021-03-07|None|None
200 200" "$(attack boss)"

# --- a unit gets its own staff's day (it may reveal the number), not others'
login u1 >/dev/null
as u1
req GET "/api/v1/findings?per_page=500&as_of=2099-12-31&rule=personnel.retired-cadre-over-age" >/dev/null
expect_eq "a unit: its own staff's exact day" "2020-08-20|None|None|overdue" "$(over_age TP-O | cut -d'|' -f1-4)"
expect_eq "a unit: the year of a person who is not its staff" "None|2020|birth|overdue" "$(over_age TP-B | cut -d'|' -f1-4)"

# --- the command line has no viewer: tuogou check stays exact
tg check --db "$DB" --as-of 2099-12-31 --format json >"$T/body" 2>"$T/err"
expect_eq "tuogou check: the exact day, the contract unchanged" "2020-06-15|None|None|overdue" "$(over_age TP-B | cut -d'|' -f1-4)"

serve_stop
finish
