#!/usr/bin/env bash
# http_authz.sh: issue 14, high item 1 and the low item on POST keys, on the
# demo register.  The attack of the penetration test, step by step, as a
# unit: a post that names another unit's official (so that he falls into
# the unit's scope), the official's employing unit changed to the unit's
# own, then the reveal of his full ID number.  Each step is refused with the
# API's usual answers: a reference outside the scope 404 naming the field, a
# field outside the rights 403.  Besides: a unit creates a person without
# choosing his employing unit, and may still give the new person a post; a
# unit reveals its own staff's number only; the office and 组织部 write the
# employing unit; a POST whose key another scope holds answers as a record
# out of scope (404), one whose key is the caller's own 409.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
# two units that each employ officials with ID numbers
UNITS_WITH_STAFF="SELECT \"unit\" FROM persons WHERE \"unit\" IN (SELECT \"unit\" FROM associations) AND id_number IS NOT NULL"
U1=$(q "SELECT \"unit\" FROM persons WHERE \"unit\" IN ($UNITS_WITH_STAFF) GROUP BY \"unit\" ORDER BY count(*) DESC, \"unit\" LIMIT 1")
U2=$(q "SELECT \"unit\" FROM persons WHERE \"unit\" IN ($UNITS_WITH_STAFF) AND \"unit\" <> '$U1' ORDER BY \"unit\" LIMIT 1")
A1=$(q "SELECT uscc FROM associations WHERE \"unit\" = '$U1' ORDER BY uscc LIMIT 1")
A2=$(q "SELECT uscc FROM associations WHERE \"unit\" = '$U2' ORDER BY uscc LIMIT 1")
IN_U1="SELECT person FROM posts WHERE association IN (SELECT uscc FROM associations WHERE \"unit\" = '$U1')"
# P2: another unit's official, nowhere in U1's scope; P3: in U1's scope by a
# post, not U1's staff; P1: U1's own staff
P2=$(q "SELECT id FROM persons WHERE \"unit\" = '$U2' AND id_number IS NOT NULL AND id NOT IN ($IN_U1) ORDER BY id LIMIT 1")
P3=$(q "SELECT id FROM persons WHERE \"unit\" IS NULL AND id IN ($IN_U1) ORDER BY id LIMIT 1")
P1=$(q "SELECT id FROM persons WHERE \"unit\" = '$U1' AND id_number IS NOT NULL ORDER BY id LIMIT 1")
T1=$(q "SELECT id FROM posts WHERE association = '$A1' ORDER BY id LIMIT 1")
T2=$(q "SELECT id FROM posts WHERE association = '$A2' ORDER BY id LIMIT 1")
S2=$(q "SELECT id FROM staff WHERE association <> '$A1' ORDER BY id LIMIT 1")
for v in U1 U2 A1 A2 P1 P2 P3 T1 T2 S2; do
	[ -n "${!v}" ] || fail "the demo register has no $v"
done
add_user u1 unit --unit "$U1"
add_user boss office
add_user org department --department organization
add_user a1 association --association "$A1"
serve_start

# JSON of the last body with changes: jset 'd["unit"] = "U01"'
jset() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2]); print(json.dumps(d, ensure_ascii=False))' "$T/body" "$1"; }
refused() { # refused DESCRIPTION STATUS CODE FIELD ACTUAL-STATUS
	expect_eq "$1: $2 $3 ($4)" "$2 $3 $4" "$5 $(json_field code) $(json_field field)"
}
post_json() { # post_json ID PERSON ASSOCIATION
	printf '{"id": "%s", "person": "%s", "association": "%s", "role": "director", "from": "2020-01-01"}' "$1" "$2" "$3"
}

login u1 >/dev/null
as u1
# --- the attack, step 1: a post naming another unit's official
st=$(send POST /api/v1/posts "$(post_json T-ATK "$P2" "$A1")")
refused "a unit's post naming a person outside its scope" 404 not_found person "$st"
expect_eq "nothing was stored" 0 "$(q "SELECT count(*) FROM posts WHERE id = 'T-ATK'")"
expect_eq "the official is still outside the unit's scope" 404 "$(req GET "/api/v1/persons/$P2")"
# step 2: his employing unit made the unit's own
st=$(send PUT "/api/v1/persons/$P2" "{\"id\": \"$P2\", \"name\": \"x\", \"unit\": \"$U1\", \"version\": 1}")
expect_eq "a unit's PUT of a person outside its scope: 404" 404 "$st"
req GET "/api/v1/persons/$P3" >/dev/null
st=$(send PUT "/api/v1/persons/$P3" "$(jset "d['unit'] = '$U1'")")
refused "a unit setting the employing unit of a person in its scope" 403 field_forbidden unit "$st"
expect_eq "the employing unit is unchanged" "" "$(q "SELECT \"unit\" FROM persons WHERE id = '$P3'")"
req GET "/api/v1/persons/$P3" >/dev/null
st=$(send PUT "/api/v1/persons/$P3" "$(jset "d['leading_cadre'] = not d.get('leading_cadre')")")
expect_eq "a unit's PUT of another field of that person: 200" 200 "$st"
# step 3: the reveal
st=$(send POST "/api/v1/persons/$P2/reveal" "{\"password\": \"$PW\"}")
expect_eq "a unit's reveal of another unit's official: 404" 404 "$st"
expect_eq "... and no number in the answer" "" "$(grep -o '"id_number"' "$T/body")"
st=$(send POST "/api/v1/persons/$P3/reveal" "{\"password\": \"$PW\"}")
expect_eq "a unit's reveal of a person in its scope who is not its staff: 404" 404 "$st"
st=$(send POST "/api/v1/persons/$P1/reveal" "{\"password\": \"$PW\"}")
expect_eq "a unit's reveal of its own staff: 200" 200 "$st"
expect_grep "... with the full number" '"id_number": "[0-9]\{17\}[0-9X]"' "$T/body"
req GET "/api/v1/persons/$P1" >/dev/null
st=$(send PUT "/api/v1/persons/$P1" "$(jset "d['unit'] = None")")
refused "a unit clearing the employing unit of its own staff" 403 field_forbidden unit "$st"

# --- a PUT that moves a post to another unit's official
req GET "/api/v1/posts/$T1" >/dev/null
st=$(send PUT "/api/v1/posts/$T1" "$(jset "d['person'] = '$P2'")")
refused "a unit's PUT of a post naming a person outside its scope" 404 not_found person "$st"
req GET "/api/v1/posts/$T1" >/dev/null
st=$(send PUT "/api/v1/posts/$T1" "$(jset "d['paid'] = not d.get('paid')")")
expect_eq "a unit's PUT of a post that keeps its references: 200" 200 "$st"

# --- other references, and one that does not exist: the same 404
st=$(send POST /api/v1/posts "$(post_json T-NOBODY P-NOBODY "$A1")")
refused "a unit's post naming a person that does not exist" 404 not_found person "$st"
st=$(send POST /api/v1/functions "{\"id\": \"N-ATK\", \"association\": \"$A1\", \"unit\": \"$U2\", \"name\": \"行业统计\", \"disposition\": \"transfer\"}")
refused "a unit's function naming another unit" 404 not_found unit "$st"
st=$(send POST /api/v1/functions "{\"id\": \"N-OWN\", \"association\": \"$A1\", \"unit\": \"$U1\", \"name\": \"行业统计\", \"disposition\": \"transfer\"}")
expect_eq "a unit's function naming itself: 201" 201 "$st"

# --- a person the unit creates: no employing unit of its choosing
st=$(send POST /api/v1/persons "{\"id\": \"P-NEW1\", \"name\": \"新任甲\", \"unit\": \"$U1\"}")
refused "a unit creating a person with an employing unit" 403 field_forbidden unit "$st"
st=$(send POST /api/v1/persons '{"id": "P-NEW2", "name": "新任乙", "id_number": "11010519491231002X", "civil_servant": true}')
expect_eq "a unit creating a person without one: 201" 201 "$st"
st=$(send POST /api/v1/posts "$(post_json T-NEW2 P-NEW2 "$A1")")
expect_eq "... and giving the new person a post: 201" 201 "$st"
st=$(send POST "/api/v1/persons/P-NEW2/reveal" "{\"password\": \"$PW\"}")
expect_eq "... whose number it may not reveal (not its staff): 404" 404 "$st"

# --- the low item: a POST key another scope holds
st=$(send POST /api/v1/posts "$(post_json T-FRESH "$P3" "$A2")")
refused "a unit's post in another unit's association" 404 not_found association "$st"
cp "$T/body" "$T/out-of-scope"
st=$(send POST /api/v1/posts "$(post_json "$T2" "$P3" "$A1")")
expect_eq "a unit's POST of a key another unit holds: answered as out of scope" \
	"404 $(cat "$T/out-of-scope")" "$st $(cat "$T/body")"
st=$(send POST /api/v1/persons "{\"id\": \"$P2\", \"name\": \"x\"}")
refused "a unit's POST of a person's key outside its scope" 404 not_found unit "$st"
st=$(send POST /api/v1/posts "$(post_json "$T1" "$P3" "$A1")")
expect_eq "a unit's POST of a key of its own scope: 409" 409 "$st"
login a1 >/dev/null
as a1
st=$(send POST /api/v1/staff "{\"id\": \"$S2\", \"association\": \"$A1\", \"name\": \"李四\", \"from\": \"2020-01-01\"}")
refused "an association's POST of another association's staff key" 404 not_found association "$st"

# --- who does write the employing unit
login org >/dev/null
as org
req GET "/api/v1/persons/P-NEW2" >/dev/null
expect_eq "组织部 sets a person's employing unit: 200" 200 "$(send PUT /api/v1/persons/P-NEW2 "$(jset "d['unit'] = '$U1'")")"
as u1
st=$(send POST "/api/v1/persons/P-NEW2/reveal" "{\"password\": \"$PW\"}")
expect_eq "... then the unit reveals its new staff's number: 200" 200 "$st"
expect_grep "... which is the number it entered" '"id_number": "11010519491231002X"' "$T/body"
login boss >/dev/null
as boss
st=$(send POST /api/v1/posts "$(post_json T-NOBODY P-NOBODY "$A1")")
expect_eq "the office's post naming a person that does not exist: 400 dangling_ref" "400 dangling_ref" \
	"$st $(json_field code)"

serve_stop
finish
