#!/usr/bin/env bash
# http_inbox.sh: 待办 (issue 17, item 3): GET /api/v1/inbox lists what waits
# on the signed-in user, by role and scope: the office's summaries to accept
# (as tuogou check's acceptance.pending), a unit's items of its own
# associations, a department's items it may mark done, an association's
# own, an administrator's account requests the other kind proposed; the
# auditor has none.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
DAY=2017-12-31
tg check --db "$DB" --as-of $DAY --format json >"$T/check.json"
# the unit and the association with the most overdue items that day
read -r U1 A1 < <(python3 - "$T/check.json" <<'PY'
import json, sys, collections
fs = json.load(open(sys.argv[1]))["findings"]
a = collections.Counter(f["association"] for f in fs if f["association"] and f["state"] == "overdue")
print("-", a.most_common(1)[0][0])
PY
)
U1=$(q "SELECT unit FROM associations WHERE uscc = '$A1'")
[ -n "$U1" ] && pass "an association with overdue items and its unit" || fail "no association with overdue items"
add_user boss office
add_user u1 unit --unit "$U1"
add_user fin department --department finance
add_user assoc association --association "$A1"
add_user aud auditor
add_user sec secadmin
add_user sys sysadmin
serve_start

# inbox NAME: the inbox of NAME on DAY, summed up by python into $T/inbox.NAME
inbox() {
	login "$1" >/dev/null
	as "$1"
	expect_eq "$1's inbox: 200" 200 "$(req GET "/api/v1/inbox?as_of=$DAY")"
	cp "$T/body" "$T/inbox.$1"
}
py() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $2" "$T/inbox.$1"; }

inbox boss
expect_eq "the office: the summaries to accept are check's acceptance.pending" \
	"$(python3 -c 'import json,sys; print(sorted(f["association"] for f in json.load(open(sys.argv[1]))["findings"] if f["rule"] == "acceptance.pending"))' "$T/check.json")" \
	"$(py boss 'print(sorted(i["association"] for i in d["items"] if i["kind"] == "acceptance"))')"
expect_eq "the total counts the items" "$(py boss 'print(len(d["items"]))')" "$(py boss 'print(d["total"])')"
expect_eq "the office has overdue items to do" True "$(py boss 'print(any(i["kind"] == "item" and i["state"] == "overdue" for i in d["items"]))')"

inbox u1
expect_eq "the unit has items" True "$(py u1 'print(len(d["items"]) > 0)')"
own=$(q "SELECT uscc FROM associations WHERE unit = '$U1'" | sort | tr '\n' ' ')
expect_eq "each of the unit's items is of its own associations" True \
	"$(py u1 "own = set('$own'.split()); print(all(i['association'] in own for i in d['items'] if i['association']))")"
expect_eq "no acceptance waits on a unit" 0 "$(py u1 'print(sum(i["kind"] == "acceptance" for i in d["items"]))')"

inbox fin
expect_eq "finance: only the items whose field it writes (the account, the inventory, state assets)" True \
	"$(py fin 'print(len(d["items"]) > 0 and all(i["rule"] in ("finance.no-independent-account", "finance.asset-inventory-missing", "finance.state-asset-unregistered") for i in d["items"]))')"

inbox assoc
expect_eq "the association has its own items" True "$(py assoc "print(len(d['items']) > 0 and all(i['association'] == '$A1' for i in d['items']))")"

inbox aud
expect_eq "nothing waits on the auditor" 0 "$(py aud 'print(d["total"])')"

login sys >/dev/null
as sys
expect_eq "the system administrator asks for an account: 202" 202 \
	"$(send POST /api/v1/users '{"username": "inbox-new", "role": "civil_affairs"}')"
inbox sec
expect_eq "the security administrator is to decide it" "account_request inbox-new sys" \
	"$(py sec 'print(" ".join(d["items"][0][k] for k in ("kind", "username", "proposer")) if d["items"] else "")')"
inbox sys
expect_eq "not the one who asked" 0 "$(py sys 'print(d["total"])')"

serve_stop
finish
