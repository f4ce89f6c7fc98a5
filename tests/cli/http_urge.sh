#!/usr/bin/env bash
# http_urge.sh: 催办 (issue 17 item 9).  The joint office sends a unit a 催办
# for its overdue items as of a day (POST /api/v1/units/{id}/urges): it is
# recorded with its items as the reminders list them, its audit record and
# what became of its mail (sent to the unit's recipients of the mail
# settings; a failed mail keeps the 催办); the office lists every one, a
# unit those sent to it, and signs for them (签收) from its 待办.  Refused
# before anything is written: another role, no CSRF token, a unit outside
# a county office's county, a unit with nothing overdue; a write that
# fails half-way leaves nothing.  `tuogou remind --urge` records the same.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
DAY=2018-06-30
COUNTY=410322 # 孟津县: its unit U30 has overdue items that day
smtp_sink "$T/box" 120
trap 'kill $SINK 2>/dev/null; serve_kill; tg_cleanup' EXIT
unset TUOGOU_SMTP_URL TUOGOU_SMTP_FROM TUOGOU_MAIL_CONFIG

# the units the reminders list with overdue items that day, and one without
tg remind --db "$DB" --as-of $DAY >"$T/remind.txt"
add_user boss office
add_user mj office --jurisdiction $COUNTY
add_user civil civil_affairs
add_user fin department --department finance
serve_start --mail-config "$T/mail.conf"
login boss >/dev/null
as boss
expect_eq "the office reads the reminders: 200" 200 "$(req GET "/api/v1/reminders?as_of=$DAY")"
cp "$T/body" "$T/reminders.json"
read -r U1 U2 N1 < <(python3 - "$T/reminders.json" <<'PY'
import json, sys
u = [x for x in json.load(open(sys.argv[1]))["units"] if x["unit"] and x["overdue"] and not x["unit"].startswith("U3")]
print(u[0]["unit"], u[1]["unit"], u[0]["overdue"])
PY
)
QUIET=$(python3 - "$T/reminders.json" "$(q 'SELECT id FROM units ORDER BY id' | tr '\n' ' ')" <<'PY'
import json, sys
busy = {x["unit"] for x in json.load(open(sys.argv[1]))["units"] if x["overdue"]}
print(next(u for u in sys.argv[2].split() if u not in busy))
PY
)
[ -n "$U1" ] && [ -n "$U2" ] && [ -n "$QUIET" ] && pass "units with overdue items ($U1: $N1, $U2) and one without ($QUIET)" ||
	fail "no units to urge: $U1 $U2 $QUIET"
add_user u1 unit --unit "$U1"
add_user u2 unit --unit "$U2"
add_user u30 unit --unit U30
cat >"$T/mail.conf" <<CONF
smtp_url  = smtp://127.0.0.1:$SMTP_PORT
smtp_from = tuogou@example.gov.cn
to.$U1    = u1@example.gov.cn, u1-b@example.gov.cn
CONF

urges() { q 'SELECT count(*) FROM urges'; }
sends() { q "SELECT count(*) FROM audit_log WHERE event = 'urge_send'"; }

# --- the office sends one
expect_eq "the office may send a 催办 (rights' actions)" "True False" \
	"$(req GET /api/v1/rights >/dev/null; python3 -c 'import json,sys; a = json.load(open(sys.argv[1]))["actions"]; print(a["urge"], a["urge_acknowledge"])' "$T/body")"
expect_eq "the office sends $U1 a 催办: 201" 201 \
	"$(send POST "/api/v1/units/$U1/urges" "{\"as_of\": \"$DAY\", \"message\": \"请于7月10日前办结并报送。\"}")"
cp "$T/body" "$T/sent.json"
ID1=$(json_number id)
expect_eq "its items are the unit's overdue items of the reminders, in their order" \
	"$(python3 -c "import json,sys; u = next(x for x in json.load(open(sys.argv[1]))['units'] if x['unit'] == '$U1'); print([(i['rule'], i['association'], i['subject'], i['due']) for i in u['items'] if i['state'] == 'overdue'])" "$T/reminders.json")" \
	"$(python3 -c "import json,sys; print([(i['rule'], i['association'], i['subject'], i['due']) for i in json.load(open(sys.argv[1]))['items']])" "$T/sent.json")"
expect_eq "who, to whom, as of when, how many, the note" \
	"boss $U1 $DAY $N1 请于7月10日前办结并报送。" \
	"$(python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(d['sent_by'], d['unit'], d['as_of'], d['n_items'], d['message'])" "$T/sent.json")"
expect_eq "站内 and 邮件, mailed to the unit's two recipients" \
	"['site', 'mail'] sent u1@example.gov.cn, u1-b@example.gov.cn" \
	"$(python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(d['channels'], d['mail_status'], d['mail_to'])" "$T/sent.json")"
expect_eq "the sink got the mail" 1 "$(ls "$T/box" | wc -l)"
python3 "$TOP/tests/support/mails.py" "$T/box" >"$T/mails"
UNIT1_NAME=$(q "SELECT name FROM units WHERE id = '$U1'")
expect_grep "the mail's subject names the unit and the count" "^SUBJECT 【催办】$UNIT1_NAME：逾期 $N1 项（截至2018年6月30日）" "$T/mails"
expect_grep "the note is in the mail" "附言：请于7月10日前办结并报送。" "$T/mails"
expect_grep "and the record's number" "催办记录第 $ID1 号" "$T/mails"
expect_eq "one row" 1 "$(urges)"
expect_eq "its audit record: urge_send on the unit, by boss" "urge_send|units/$U1|ok|boss" \
	"$(q "SELECT event || '|' || object || '|' || outcome || '|' || \"user\" FROM audit_log WHERE event = 'urge_send'")"
expect_eq "and the mail's: urge_mail ok" "urge_mail|ok" \
	"$(q "SELECT event || '|' || outcome FROM audit_log WHERE event = 'urge_mail'")"
expect_eq "a row in the change history" "urges|$ID1|boss" \
	"$(q "SELECT \"array\" || '|' || \"key\" || '|' || \"user\" FROM changes WHERE \"array\" = 'urges'")"

# --- a mail that fails keeps the 催办
sed -i "s|^smtp_url .*|smtp_url = smtp://127.0.0.1:1|; s|^to.$U1 .*|to.$U2 = u2@example.gov.cn|" "$T/mail.conf"
expect_eq "a 催办 whose mail cannot be sent: still 201" 201 "$(send POST "/api/v1/units/$U2/urges" "{\"as_of\": \"$DAY\"}")"
expect_eq "recorded as failed, with curl's reason" "failed True" \
	"$(python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(d['mail_status'], bool(d['mail_error']))" "$T/body")"
ID2=$(json_number id)
expect_eq "the row is kept with the failure" "failed" "$(q "SELECT mail_status FROM urges WHERE id = $ID2")"
expect_eq "the mail's audit record says failed" "failed" \
	"$(q "SELECT outcome FROM audit_log WHERE event = 'urge_mail' AND after LIKE '%\"urge\": $ID2,%'")"
printf 'to.%s = u2@example.gov.cn\n' "$U2" >"$T/mail.conf" # recipients, but no server
expect_eq "without a mail server set: 站内 only" "['site'] none" \
	"$(send POST "/api/v1/units/$U2/urges" "{\"as_of\": \"$DAY\"}" >/dev/null; python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(d['channels'], d['mail_status'])" "$T/body")"
ID3=$(json_number id)
expect_eq "three in all" 3 "$(urges)"

# --- refusals: nothing written
before=$(urges)
audits=$(sends)
for who in civil fin u1; do
	login $who >/dev/null
	as $who
	expect_eq "$who may not send a 催办: 403" 403 "$(send POST "/api/v1/units/$U1/urges" "{\"as_of\": \"$DAY\"}")"
done
as boss
expect_eq "without the CSRF token: 403" 403 \
	"$(req POST "/api/v1/units/$U1/urges" -H 'Content-Type: application/json' --data-binary "{\"as_of\": \"$DAY\"}")"
expect_eq "a unit with nothing overdue: 409" 409 "$(send POST "/api/v1/units/$QUIET/urges" "{\"as_of\": \"$DAY\"}")"
expect_eq "said so" nothing_overdue "$(json_field code)"
expect_eq "a unit that is not there: 404" 404 "$(send POST /api/v1/units/U999/urges "{\"as_of\": \"$DAY\"}")"
expect_eq "a note over 2000 bytes: 400" 400 \
	"$(send POST "/api/v1/units/$U1/urges" "{\"as_of\": \"$DAY\", \"message\": \"$(printf '催%.0s' $(seq 1 700))\"}")"
expect_eq "a bad day: 400" 400 "$(send POST "/api/v1/units/$U1/urges" '{"as_of": "2018-02-30"}')"
login mj >/dev/null
as mj
expect_eq "a county office may not urge a city unit: 404" 404 "$(send POST "/api/v1/units/$U1/urges" "{\"as_of\": \"$DAY\"}")"
expect_eq "nothing was written by any refusal" "$before $audits" "$(urges) $(sends)"

# --- a write that fails half-way leaves nothing (its audit record refused)
if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
	q "CREATE FUNCTION refuse_urge() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'refused'; END \$\$;
	   CREATE TRIGGER refuse_urge BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.event = 'urge_send') EXECUTE FUNCTION refuse_urge()"
else
	q "CREATE TRIGGER refuse_urge BEFORE INSERT ON audit_log WHEN NEW.event = 'urge_send' BEGIN SELECT RAISE(ABORT, 'refused'); END"
fi
expect_eq "the county office urges its own unit U30, but its audit record is refused: 500" 500 \
	"$(send POST /api/v1/units/U30/urges "{\"as_of\": \"$DAY\"}")"
expect_eq "and no 催办 is left without its audit record" "$before" "$(urges)"
q 'DROP TRIGGER refuse_urge'"$([ -n "${TUOGOU_TEST_DB_URL:-}" ] && echo ' ON audit_log')"
expect_eq "the county office urges its own unit U30: 201" 201 "$(send POST /api/v1/units/U30/urges "{\"as_of\": \"$DAY\"}")"
ID4=$(json_number id)

# --- lists
list() { # list NAME [QUERY]: the ids NAME sees
	as "$1"
	req GET "/api/v1/urges${2:-}" >/dev/null
	python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(" ".join(str(i["id"]) for i in d["items"]), d["total"])' "$T/body"
}
as boss
expect_eq "the office lists every 催办, newest first" "$ID4 $ID3 $ID2 $ID1 4" "$(list boss)"
expect_eq "by unit" "$ID3 $ID2 2" "$(list boss "?unit=$U2")"
expect_eq "paged" "$ID2 $ID1 4" "$(list boss "?page=2&per_page=2")"
expect_eq "a county office, its county's only" "$ID4 1" "$(list mj)"
login u1 >/dev/null
expect_eq "a unit, those sent to it" "$ID1 1" "$(list u1)"
login u2 >/dev/null
expect_eq "another unit, its own" "$ID3 $ID2 2" "$(list u2)"
login civil >/dev/null
as civil
expect_eq "civil affairs does not list them: 403" 403 "$(req GET /api/v1/urges)"

# --- the unit's 待办 and its 签收
as u1
expect_eq "u1 may sign for one (rights' actions)" "False True" \
	"$(req GET /api/v1/rights >/dev/null; python3 -c 'import json,sys; a = json.load(open(sys.argv[1])); a = a["actions"]; print(a["urge"], a["urge_acknowledge"])' "$T/body")"
req GET "/api/v1/inbox?as_of=$DAY" >/dev/null
expect_eq "the 催办 waits in u1's 待办, first" "urge $ID1 $N1 请于7月10日前办结并报送。" \
	"$(python3 -c 'import json,sys; i = json.load(open(sys.argv[1]))["items"][0]; print(i["kind"], i["id"], i["urge"]["n_items"], i["urge"]["message"])' "$T/body")"
as u2
expect_eq "u2 may not sign for u1's: 404" 404 "$(send POST "/api/v1/urges/$ID1/acknowledge" '{}')"
as u1
expect_eq "u1 signs for it: 200" 200 "$(send POST "/api/v1/urges/$ID1/acknowledge" '{}')"
expect_eq "by u1" u1 "$(json_field acknowledged_by)"
expect_eq "once: 409" 409 "$(send POST "/api/v1/urges/$ID1/acknowledge" '{}')"
expect_eq "audited" "urge_acknowledge|units/$U1|u1" \
	"$(q "SELECT event || '|' || object || '|' || \"user\" FROM audit_log WHERE event = 'urge_acknowledge'")"
req GET "/api/v1/inbox?as_of=$DAY" >/dev/null
expect_eq "no longer in the 待办" 0 "$(python3 -c 'import json,sys; print(sum(i["kind"] == "urge" for i in json.load(open(sys.argv[1]))["items"]))' "$T/body")"
expect_eq "nor among the open ones" " 0" "$(list u1 '?open=1')"
as boss
expect_eq "the office may not sign for one: 403" 403 "$(send POST "/api/v1/urges/$ID2/acknowledge" '{}')"

# --- the command line records the same
expect_exit "tuogou remind --urge records one" 0 tg remind --db "$DB" --as-of $DAY --urge "$U2" --message 命令行催办
expect_grep "and says so" "已催办：.*逾期 .* 项（截至2018年6月30日；催办记录第 $((ID4 + 1)) 号）" "$T/out"
expect_grep "the mail: not configured here" "邮件：未配置邮件，仅站内催办" "$T/out"
expect_eq "with its note and the operator's name" "命令行催办 $(id -un)" \
	"$(q "SELECT message || ' ' || sent_by FROM urges WHERE id = $((ID4 + 1))")"
expect_exit "a unit with nothing overdue: exit 1" 1 tg remind --db "$DB" --as-of $DAY --urge "$QUIET"
expect_exit "--message without --urge: usage" 2 tg remind --db "$DB" --as-of $DAY --message x
expect_eq "u2 sees it too" "$((ID4 + 1)) $ID3 $ID2 3" "$(list u2)"

serve_stop
finish
