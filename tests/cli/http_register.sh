#!/usr/bin/env bash
# http_register.sh: the register over the API: search (two Chinese
# characters, trigram for longer), pinyin sort, GET/PUT with versions and a
# stale write, validation errors naming the field, creation, roles and
# scope (a unit user and another unit's association), ID numbers masked,
# the history of changes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
two_units
NAME1=$(q "SELECT name FROM associations WHERE uscc = '$A1'")
add_user boss office
add_user u1 unit --unit "$U1"
add_user a1 association --association "$A1"
add_user fin department --department finance
serve_start
login boss >/dev/null
as boss

# --- search
two=${NAME1:3:2}
expect_eq "two characters: 200" 200 "$(req GET /api/v1/associations --get --data-urlencode "q=$two" -d per_page=500)"
expect_grep "two-character search ($two) finds $A1" "\"uscc\": \"$A1\"" "$T/body"
want=$(q "SELECT count(*) FROM associations WHERE instr(name, '$two') > 0")
expect_eq "two-character search total" "$want" "$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"
three=${NAME1:2:3}
req GET /api/v1/associations --get --data-urlencode "q=$three" -d per_page=500 >/dev/null
want=$(q "SELECT count(*) FROM associations WHERE instr(name, '$three') > 0")
expect_eq "three-character (trigram) search total" "$want" "$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"
expect_grep "trigram search finds $A1" "\"uscc\": \"$A1\"" "$T/body"
one=${NAME1:4:1}
req GET /api/v1/associations --get --data-urlencode "q=$one" -d per_page=500 >/dev/null
want=$(q "SELECT count(*) FROM associations WHERE instr(name, '$one') > 0")
expect_eq "one-character search total" "$want" "$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"
lower=$(printf '%s' "$A1" | tr 'A-Z' 'a-z')
for typed in "$A1" "$lower"; do
	req GET /api/v1/associations --get --data-urlencode "q=$typed" -d per_page=500 >/dev/null
	expect_eq "search by the whole USCC ($typed) finds exactly it" "1 $A1" \
		"$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body") $(sed -n 's/.*"uscc": "\([^"]*\)".*/\1/p' "$T/body" | head -1)"
done
req GET "/api/v1/associations?unit=$U1&per_page=500" >/dev/null
expect_eq "filter by unit" "$(q "SELECT count(*) FROM associations WHERE unit = '$U1'")" \
	"$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"

req GET "/api/v1/associations?state=accepted&as_of=2017-12-31&per_page=500" >/dev/null
expect_eq "filter by workflow stage (accepted on a date)" \
	"$(q "SELECT count(*) FROM associations WHERE accepted_on <= '2017-12-31' AND (deregistered_on IS NULL OR deregistered_on > '2017-12-31')")" \
	"$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"
expect_eq "bad state: 400" 400 "$(req GET '/api/v1/associations?state=flying')"

# --- pinyin sort: the names in pinyin order, read independently of ICU's
# collation through ICU's transliterator (uconv -x Han-Latin), character
# by character as the collation compares: syllable, then tone (ā á ǎ à,
# then none); two different characters of the same syllable and tone may
# come in either order, and nothing after them decides.
req GET "/api/v1/associations?sort=name&per_page=500" >/dev/null
grep -o '"name": "[^"]*"' "$T/body" | cut -d'"' -f4 >"$T/api-order"
python3 - "$T/api-order" >"$T/chars" <<'PY'
import sys
print("\n".join(sorted({c for line in open(sys.argv[1]) for c in line.strip()})))
PY
uconv -x 'Han-Latin' "$T/chars" >"$T/syllables"
python3 - "$T/api-order" "$T/chars" "$T/syllables" >"$T/pinyin-check" <<'PY'
import sys, unicodedata
names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
py = dict(zip(open(sys.argv[2]).read().split("\n"), open(sys.argv[3]).read().split("\n")))
TONES = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
def key(c):
    d = unicodedata.normalize("NFD", py.get(c, c).lower())
    tone = next((TONES[m] for m in d if m in TONES), 5)
    base = unicodedata.normalize("NFC", "".join(m for m in d if m not in TONES))
    return (base, tone)
def before(x, y):  # True, False, or None (undetermined)
    for cx, cy in zip(x, y):
        if cx == cy:
            continue
        kx, ky = key(cx), key(cy)
        return None if kx == ky else kx < ky
    return len(x) <= len(y)
bad = [f"{names[i]} > {names[i + 1]}" for i in range(len(names) - 1)
       if before(names[i], names[i + 1]) is False]
print(len(names), "names;", "in order" if not bad else "out of order: " + "; ".join(bad[:3]))
PY
expect_grep "sort=name is pinyin order (uconv's Han-Latin as the reference)" "^[1-9][0-9]* names; in order" "$T/pinyin-check"
req GET "/api/v1/associations?sort=-name&per_page=500" >/dev/null
grep -o '"name": "[^"]*"' "$T/body" | cut -d'"' -f4 | tac >"$T/rev-order"
cmp -s "$T/api-order" "$T/rev-order" && pass "sort=-name reverses it" || fail "sort=-name"
expect_eq "bad sort: 400" 400 "$(req GET '/api/v1/associations?sort=colour')"
expect_grep "bad sort names the field" '"field": "sort"' "$T/body"
expect_eq "per_page over 500: 400" 400 "$(req GET '/api/v1/associations?per_page=501')"

# --- GET and PUT with versions
expect_eq "GET one association" 200 "$(req GET "/api/v1/associations/$A1")"
v=$(json_number version)
cp "$T/body" "$T/a1.json"
quota=$(sed -n 's/.*"staffing_quota": \([0-9]*\).*/\1/p' "$T/a1.json")
sed "s/\"staffing_quota\": $quota/\"staffing_quota\": $((quota + 7))/" "$T/a1.json" >"$T/a1-new.json"
expect_eq "PUT with the current version: 200" 200 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/a1-new.json")")"
expect_eq "the version went up" $((v + 1)) "$(json_number version)"
expect_eq "the change is stored" $((quota + 7)) "$(q "SELECT staffing_quota FROM associations WHERE uscc = '$A1'")"
sed "s/\"staffing_quota\": $quota/\"staffing_quota\": $((quota + 9))/" "$T/a1.json" >"$T/a1-stale.json"
expect_eq "PUT with a stale version: 409" 409 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/a1-stale.json")")"
expect_grep "409 code is stale_version" '"code": "stale_version"' "$T/body"
expect_grep "409 carries the current record" "\"current\": {\"uscc\": \"$A1\"" "$T/body"
expect_grep "409's current record has the new version" "\"version\": $((v + 1))}" "$T/body"
expect_eq "nothing lost: the stale write was not stored" $((quota + 7)) \
	"$(q "SELECT staffing_quota FROM associations WHERE uscc = '$A1'")"
expect_eq "PUT without version: 400" 400 \
	"$(send PUT "/api/v1/associations/$A1" "$(sed 's/, "version": [0-9]*}/}/' "$T/a1-new.json")")"
expect_grep "missing version names the field" '"field": "version"' "$T/body"

# --- validation: the errors of import, naming the field
req GET "/api/v1/associations/$A1" >/dev/null
cp "$T/body" "$T/a1.json"
sed 's/"registered_on": "[0-9-]*"/"registered_on": "2017-02-30"/; s/"level": "[a-z]*"/"level": "prefecture"/' \
	"$T/a1.json" >"$T/bad.json"
expect_eq "invalid fields: 400" 400 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/bad.json")")"
expect_grep "the error names registered_on" '"field": "registered_on"' "$T/body"
expect_grep "the bad date code" '"code": "bad_date"' "$T/body"
expect_grep "every error is listed (level too)" '"field": "level"' "$T/body"
expect_grep "messages are Chinese" '不是有效日期' "$T/body"
sed 's/^{/{"bogus": 1, /' "$T/a1.json" >"$T/bad.json"
expect_eq "unknown key: 400" 400 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/bad.json")")"
expect_grep "unknown key named" '"field": "bogus"' "$T/body"
expect_eq "URL and body keys differ: 400" 400 "$(send PUT "/api/v1/associations/$A2" "$(cat "$T/a1.json")")"

# --- creation
staff='{"id": "S-HTTP-1", "association": "'$A1'", "name": "测试员", "from": "2016-01-01"}'
expect_eq "POST a staff record: 201" 201 "$(send POST /api/v1/staff "$staff")"
expect_grep "created record has version 1" '"version": 1}' "$T/body"
expect_eq "POST it again: 409" 409 "$(send POST /api/v1/staff "$staff")"
expect_grep "duplicate code" '"code": "duplicate_key"' "$T/body"
bad='{"id": "S-HTTP-2", "association": "51410300MJ0000000X", "from": "2016-01-01", "to": "2015-01-01"}'
expect_eq "bad references and order: 400" 400 "$(send POST /api/v1/staff "$bad")"
expect_grep "bad USCC reference named" '"field": "association"' "$T/body"
expect_grep "to before from named" '"field": "to"' "$T/body"
expect_eq "GET the new record" 200 "$(req GET /api/v1/staff/S-HTTP-1)"

# --- history
expect_eq "history: 200" 200 "$(req GET "/api/v1/associations/$A1/history")"
expect_grep "history names the writer" '"user": "boss"' "$T/body"
expect_grep "history has the staff creation" '"key": "S-HTTP-1"' "$T/body"

# --- ID numbers masked
P=$(q "SELECT id FROM persons WHERE id_number IS NOT NULL ORDER BY id LIMIT 1")
full=$(q "SELECT id_number FROM persons WHERE id = '$P'")
expect_eq "GET a person" 200 "$(req GET "/api/v1/persons/$P")"
masked=$(json_field id_number)
expect_eq "the ID number is masked" "$(q "SELECT id_masked FROM persons WHERE id = '$P'")" "$masked"
case $full in v1:*) pass "the ID number is sealed at rest" ;; *) fail "the ID number is stored in plain: $full" ;; esac
req GET "/api/v1/persons?per_page=500" >/dev/null
grep -qE '[0-9]{17}[0-9Xx]' "$T/body" && fail "a full ID number in the person list" ||
	pass "no full ID number in the person list"
req GET "/api/v1/persons/$P" >/dev/null
cp "$T/body" "$T/person.json"
expect_eq "PUT the person back with the masked number" 200 "$(send PUT "/api/v1/persons/$P" "$(cat "$T/person.json")")"
expect_eq "the stored number is unchanged" "$full" "$(q "SELECT id_number FROM persons WHERE id = '$P'")"
req GET "/api/v1/associations/$A1/history" >/dev/null
grep -qE '[0-9]{17}[0-9Xx]' "$T/body" && fail "a full ID number in the history" ||
	pass "no full ID number in the history"
for path in "/api/v1/findings?as_of=2019-06-30&per_page=500" "/api/v1/posts?per_page=500" "/api/v1/dashboard?as_of=2019-06-30" \
	"/api/v1/associations/$A1/checklist?as_of=2019-06-30"; do
	req GET "$path" >/dev/null
	grep -qE '[0-9]{17}[0-9Xx]' "$T/body" && fail "a full ID number in $path" || pass "no full ID number in $path"
done

# --- a unit user: its associations only
login u1 >/dev/null
as u1
expect_eq "unit user reads its association" 200 "$(req GET "/api/v1/associations/$A1")"
expect_eq "unit user: another unit's association is 404" 404 "$(req GET "/api/v1/associations/$A2")"
expect_eq "unit user: its checklist is 404 too" 404 "$(req GET "/api/v1/associations/$A2/checklist")"
S2=$(q "SELECT id FROM staff WHERE association = '$A2' ORDER BY id LIMIT 1")
if [ -n "$S2" ]; then
	expect_eq "unit user: another unit's staff record is 404" 404 "$(req GET "/api/v1/staff/$S2")"
fi
req GET "/api/v1/associations?per_page=500" >/dev/null
expect_eq "unit user's list is its associations" "$(q "SELECT count(*) FROM associations WHERE unit = '$U1'")" \
	"$(sed -n 's/.*"total": \([0-9]*\).*/\1/p' "$T/body")"
grep -q "\"uscc\": \"$A2\"" "$T/body" && fail "unit list shows $A2" || pass "unit list hides other units"
req GET "/api/v1/associations/$A1" >/dev/null
sed 's/"decoupled_on": [^,]*,/"decoupled_on": "2017-06-20",/' "$T/body" >"$T/u1.json"
expect_eq "unit user sets decoupled_on: 200" 200 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/u1.json")")"
sed 's/"name": "[^"]*"/"name": "改名协会"/' "$T/body" >"$T/u1.json"
expect_eq "unit user renames the association: 403" 403 "$(send PUT "/api/v1/associations/$A1" "$(cat "$T/u1.json")")"
expect_grep "the forbidden field is named" '"field": "name"' "$T/body"
staff2='{"id": "S-HTTP-3", "association": "'$A2'", "from": "2016-01-01"}'
expect_eq "unit user creating a record of another unit's association: 404" 404 "$(send POST /api/v1/staff "$staff2")"
expect_eq "unit user may not create batches: 403" 403 "$(send POST /api/v1/batches '{"id": "x"}')"

# --- an association user: itself only
login a1 >/dev/null
as a1
expect_eq "association user reads itself" 200 "$(req GET "/api/v1/associations/$A1")"
expect_eq "association user: another association is 404" 404 "$(req GET "/api/v1/associations/$A2")"
expect_eq "association user: no dashboard (403)" 403 "$(req GET /api/v1/dashboard)"

# --- a department: reads all, writes its fields
login fin >/dev/null
as fin
expect_eq "finance reads any association" 200 "$(req GET "/api/v1/associations/$A2")"
sed 's/"decoupled_on": [^,]*,/"decoupled_on": "2017-06-21",/' "$T/body" >"$T/f.json"
expect_eq "finance may not set decoupled_on: 403" 403 "$(send PUT "/api/v1/associations/$A2" "$(cat "$T/f.json")")"
req GET "/api/v1/associations/$A2" >/dev/null
sed 's/"independent_account_on": [^,]*,/"independent_account_on": "2017-05-02",/' "$T/body" >"$T/f.json"
expect_eq "finance sets independent_account_on: 200" 200 "$(send PUT "/api/v1/associations/$A2" "$(cat "$T/f.json")")"

serve_stop
grep -qE '[0-9]{17}[0-9Xx]' "$T/serve.log" && fail "the log has an ID number" || pass "the log has no ID number"
finish
