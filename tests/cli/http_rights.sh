#!/usr/bin/env bash
# http_rights.sh: GET /api/v1/rights (api_rights.c) says what the server
# does.  For each business role (and each department kind), on one record in
# the role's scope of every array it may read: a field the answer marks not
# writable is refused (403) when a PUT changes it, a field marked writable is
# not refused for want of rights (it may still be invalid: 400); a POST is
# refused with 403 exactly when "create" is false.  The web forms show the
# writable fields only (web/src/pages/records.js), so a form and the server
# cannot disagree.  The plan's steps are those of the credit listings and the
# exit cases.  Works on SQLite and on PostgreSQL (TUOGOU_TEST_DB_URL).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
A1=$(q "SELECT uscc FROM associations WHERE unit IS NOT NULL ORDER BY uscc LIMIT 1")
U1=$(q "SELECT unit FROM associations WHERE uscc = '$A1'")
add_user off1 office
add_user civ1 civil_affairs
add_user unit1 unit --unit "$U1"
add_user assoc1 association --association "$A1"
for kind in finance offices organization staffing audit price; do add_user "dep_$kind" department --department "$kind"; done
serve_start
BASE=$BASE PW=$PW python3 - >"$T/rights.out" 2>"$T/rights.err" <<'PY'
import datetime, json, os, urllib.request, urllib.error
base, pw = os.environ["BASE"], os.environ["PW"]

def session(name):
    r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/session", method="POST",
        data=json.dumps({"username": name, "password": pw}).encode(), headers={"Content-Type": "application/json"}))
    cookie = r.headers["Set-Cookie"].split(";")[0]
    csrf = json.load(r)["csrf_token"]
    def call(method, path, body=None):
        h = {"Cookie": cookie, "X-CSRF-Token": csrf}
        if body is not None: h["Content-Type"] = "application/json"
        rq = urllib.request.Request(base + path, method=method, headers=h, data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(rq) as res: return res.status, json.load(res)
        except urllib.error.HTTPError as e:
            t = e.read()
            return e.code, (json.loads(t) if t else None)
    return call

def other(f, v, call):
    t = f["type"]
    if t == "date":  # a day later (an end stays after its start), or a day of the plan's years
        if not v: return "2030-06-30"
        return (datetime.date.fromisoformat(v) + datetime.timedelta(days=1)).isoformat()
    if t == "bool": return not v
    if t in ("int", "money", "area"): return (v or 0) + 1
    if t == "text": return (v or "") + "改"
    if t == "enum": return next(x["key"] for x in f["values"] if x["key"] != v)
    if t == "object":
        if v: return None
        fill = {"enum": lambda s: s["values"][-1]["key"], "date": lambda s: "2017-06-30", "bool": lambda s: True, "text": lambda s: "依据", "int": lambda s: 1}
        return {s["key"]: fill.get(s["type"], lambda s: None)(s) for s in f["sub"]}
    if t == "ref":
        st, d = call("GET", "/api/v1/" + f["ref"] + "?per_page=5")
        keys = [x.get("id", x.get("uscc")) for x in (d or {}).get("items", [])]
        return next((k for k in keys if k != v), None)
    return None

n = bad = 0
def check(ok, what):
    global n, bad
    n += 1
    if not ok:
        bad += 1
        print("not ok -", what)

users = ["off1", "civ1", "unit1", "assoc1"] + ["dep_" + k for k in ("finance", "offices", "organization", "staffing", "audit", "price")]
for user in users:
    call = session(user)
    st, rights = call("GET", "/api/v1/rights")
    check(st == 200, f"{user}: GET /api/v1/rights is 200")
    for array, spec in rights["arrays"].items():
        st, _ = call("POST", f"/api/v1/{array}", {})
        check((st == 403) == (not spec["create"]), f"{user} POST {array}: {st}, create {spec['create']}")
        st, d = call("GET", f"/api/v1/{array}?per_page=1")
        if st != 200 or not d["items"]: continue
        rec = d["items"][0]
        keyed = [f["key"] for f in spec["fields"] if f["type"] == "key"]
        path = f"/api/v1/{array}/" + (rec[keyed[0]] if keyed else f"{rec['association']}/{rec['year']}")
        for f in spec["fields"]:
            if f["type"] == "key" or (not keyed and f["key"] in ("association", "year")): continue
            if f["key"] == "id_number": continue  # masked in every answer: a PUT keeps it
            st, cur = call("GET", path)
            body = dict(cur)
            body[f["key"]] = other(f, cur.get(f["key"]), call)
            if body[f["key"]] == cur.get(f["key"]): continue
            st, ans = call("PUT", path, body)
            code = ((ans or {}).get("error") or {}).get("code")
            if f["write"]:
                check(st != 403, f"{user} PUT {array}.{f['key']} (writable): {st} {code}")
            else:
                check(st == 403, f"{user} PUT {array}.{f['key']} (not writable): {st} {code}")
    if user == "civ1":
        steps = {a: [s["id"] for s in rights["arrays"][a]["steps"]] for a in ("credit_listings", "exit_cases")}
        check(steps == {"credit_listings": ["credit.removal-overdue", "credit.objection-undecided"],
                        "exit_cases": ["exit.notice-missing", "exit.decision-missing"]}, f"the plan's steps: {steps}")
print(f"# http_rights: {n} checks, {bad} failed")
PY
rc=$?
grep '^not ok' "$T/rights.out" | head -20 | sed 's/^not ok - /# /'
checks=$(sed -n 's/^# http_rights: \([0-9]*\) checks, \([0-9]*\) failed$/\1 \2/p' "$T/rights.out")
if [ $rc != 0 ] || [ -z "$checks" ]; then
	fail "the rights checks ran: $(tail -3 "$T/rights.err")"
else
	set -- $checks
	expect_eq "GET /api/v1/rights agrees with the server's writes ($1 checks)" 0 "$2"
	[ "$1" -gt 500 ] && pass "at least 500 checks ran" || fail "only $1 checks ran"
fi

# 四(四): a unit issues its function list: it records the date on its own
# unit record, and on no other (404), and nothing else of its record (403)
U2=$(q "SELECT id FROM units WHERE id <> '$U1' ORDER BY id LIMIT 1")
unit_json() { # unit_json ID FIELD VALUE: the record as GET answered it ($T/body), FIELD set
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d[sys.argv[2]] = sys.argv[3]; print(json.dumps(d, ensure_ascii=False))' "$T/body" "$1" "$2"
}
login unit1 >/dev/null
as unit1
expect_eq "unit: its own unit record: 200" 200 "$(req GET "/api/v1/units/$U1")"
own=$(unit_json function_list_on 2017-06-15)
renamed=$(unit_json name "改名的单位")
counts() { echo "$(q "SELECT count(*) FROM changes WHERE \"array\" = 'units' AND key = '$U1'") $(q "SELECT count(*) FROM audit_log WHERE object LIKE '%$U1%'")"; }
set -- $(counts)
expect_eq "unit: sets its 职能清单印发日期: 200" 200 "$(send PUT "/api/v1/units/$U1" "$own")"
expect_eq "... stored" 2017-06-15 "$(q "SELECT function_list_on FROM units WHERE id = '$U1'")"
expect_eq "... with one more history row and one more audit record" "$(($1 + 1)) $(($2 + 1))" "$(counts)"
expect_eq "unit: another field of its record (name): 403" 403 "$(send PUT "/api/v1/units/$U1" "$renamed")"
expect_eq "... field_forbidden" field_forbidden "$(json_field code)"
was=$(q "SELECT coalesce(function_list_on, '-') FROM units WHERE id = '$U2'")
expect_eq "unit: another unit's record: 404" 404 "$(send PUT "/api/v1/units/$U2" "$(sed "s/\"$U1\"/\"$U2\"/" <<<"$own")")"
expect_eq "... unchanged" "$was" "$(q "SELECT coalesce(function_list_on, '-') FROM units WHERE id = '$U2'")"
expect_eq "unit: a new unit: 403" 403 "$(send POST /api/v1/units '{"id": "U-NEW", "name": "新单位", "kind": "department"}')"
login assoc1 >/dev/null
as assoc1
expect_eq "association: its unit's record: 403" 403 "$(send PUT "/api/v1/units/$U1" "$own")"
serve_stop
finish
