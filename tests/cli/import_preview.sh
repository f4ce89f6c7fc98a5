#!/usr/bin/env bash
# import_preview.sh: issue 17, item 4.  An import shows, before writing,
# what is new, what changes (field by field, old -> new) and what is
# unchanged (POST /api/v1/import/sheets?dry_run=1, POST /api/v1/import?dry_run=1,
# tuogou import --dry-run); a record last written by a person (a newer
# edit) is not overwritten without confirmation (409 newer_edit;
# confirm_overwrite=1, --overwrite-edits), and what is overwritten goes to
# the history and the audit log.  ID numbers appear masked only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user boss office
serve_start
login boss >/dev/null
as boss

tg export --db "$DB" --format xlsx -o "$T/all.xlsx" >/dev/null 2>"$T/err" &&
	pass "the register is exported as a workbook" || fail "export: $(cat "$T/err")"
up() { req POST "$1" -H "X-CSRF-Token: $CSRF" "${@:2}"; }
# diff EXPR: a Python expression over d, the answer's "diff".
diff_of() { python3 -c "import json, sys; d = json.load(open(sys.argv[1]))['diff']; print($1)" "$T/body"; }

# --- an unchanged sheet
expect_eq "re-import of the unchanged workbook: dry run 200" 200 \
	"$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/all.xlsx")"
expect_eq "nothing new, nothing changed" "0 0 0 []" \
	"$(diff_of '"%d %d %d %s" % (d["new"], d["changed"], d["newer_edits"], d["records"])')"
[ "$(diff_of 'd["unchanged"]')" -gt "$(q "SELECT count(*) FROM associations")" ] &&
	pass "unchanged counts every record of the workbook" || fail "unchanged: $(diff_of 'd["unchanged"]')"
expect_grep "the counts are still there" '"counts": {' "$T/body"
tg import --db "$DB" --dry-run "$T/all.xlsx" >"$T/cli.out" 2>"$T/err"
expect_grep "tuogou import --dry-run says the same" "新增 0 条，变更 0 条" "$T/cli.out"

# --- a completion date edited in the browser after the export
A=$(q "SELECT uscc FROM associations WHERE decoupled_on IS NOT NULL ORDER BY uscc LIMIT 1")
OLD=$(q "SELECT CAST(decoupled_on AS TEXT) FROM associations WHERE uscc = '$A'")
NEW=$(date -d "$OLD + 3 days" +%F)
NAME=$(q "SELECT name FROM associations WHERE uscc = '$A'")
req GET "/api/v1/associations/$A" >/dev/null
python3 -c "import json, sys; d = json.load(open(sys.argv[1])); d['decoupled_on'] = sys.argv[2]; print(json.dumps(d, ensure_ascii=False))" \
	"$T/body" "$NEW" >"$T/put.json"
expect_eq "the office corrects the completion date: 200" 200 \
	"$(send PUT "/api/v1/associations/$A" "$(cat "$T/put.json")")"

expect_eq "the old workbook again: dry run 200" 200 \
	"$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/all.xlsx")"
expect_eq "one changed record, a newer edit" "0 1 1" \
	"$(diff_of '"%d %d %d" % (d["new"], d["changed"], d["newer_edits"])')"
expect_eq "it is the association, by name" "associations $A $NAME changed True boss" \
	"$(diff_of '" ".join(str(x) for x in (lambda r: (r["array"], r["id"], r["label"], r["status"], r["newer_edit"], r["edited_by"]))(d["records"][0]))')"
expect_eq "the field, its glossary word, before and after" "decoupled_on 脱钩完成日期 $NEW $OLD" \
	"$(diff_of '" ".join((lambda f: (f["field"], f["label"], f["before"], f["after"]))(d["records"][0]["fields"][0]))')"
expect_eq "only that field" 1 "$(diff_of 'len(d["records"][0]["fields"])')"
[[ "$(diff_of 'd["records"][0]["edited_at"]')" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] &&
	pass "edited_at is YYYY-MM-DD HH:MM:SS" || fail "edited_at: $(diff_of 'd["records"][0]["edited_at"]')"

changes() { q "SELECT count(*) FROM changes WHERE \"array\" = 'associations' AND \"key\" = '$A'"; }
writes() { q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'associations/$A'"; }
decoupled() { q "SELECT CAST(decoupled_on AS TEXT) FROM associations WHERE uscc = '$A'"; }
c0=$(changes) w0=$(writes)
expect_eq "importing over the newer edit without confirmation: 409" 409 \
	"$(up '/api/v1/import/sheets' -F "file=@$T/all.xlsx")"
expect_eq "the code" newer_edit "$(json_field code)"
expect_grep "the message counts the records and names the first" "有 1 条记录.*行业协会商会“$NAME”" "$T/body"
expect_eq "nothing written: the edit stands" "$NEW" "$(decoupled)"
expect_eq "... and no history row" "$c0" "$(changes)"
expect_eq "the JSON route refuses it too" 409 \
	"$(tg export --db "$DB" --format json -o "$T/now.json" >/dev/null 2>&1
	   python3 -c "import json, sys; b = json.load(open(sys.argv[1])); b['associations'] = [a for a in b['associations'] if a['uscc'] == sys.argv[2]]; b['associations'][0]['decoupled_on'] = sys.argv[3]
for k in list(b):
    if isinstance(b[k], list) and k != 'associations': b[k] = []
json.dump(b, open(sys.argv[4], 'w'), ensure_ascii=False)" "$T/now.json" "$A" "$OLD" "$T/one.json"
	   up '/api/v1/import' -H 'Content-Type: application/json' --data-binary "@$T/one.json")"
expect_eq "... and its dry run shows the same diff" "1 True decoupled_on" \
	"$(up '/api/v1/import?dry_run=1' -H 'Content-Type: application/json' --data-binary "@$T/one.json" >/dev/null
	   diff_of '"%d %s %s" % (d["changed"], d["records"][0]["newer_edit"], d["records"][0]["fields"][0]["field"])')"
expect_exit "tuogou import refuses it: exit 2" 2 tg import --db "$DB" "$T/all.xlsx"
expect_grep "... saying why" "newer_edit" "$T/err"
expect_grep "... and how to go on" "\-\-overwrite-edits" "$T/err"
tg import --db "$DB" --dry-run "$T/all.xlsx" >"$T/cli.out" 2>"$T/err"
expect_grep "the CLI preview lists the field, old and new" "行业协会商会	$NAME	变更	脱钩完成日期	\"$NEW\"	\"$OLD\"	boss .*（较新的修改）" "$T/cli.out"
expect_eq "nothing written by any of them" "$NEW $c0 $w0" "$(decoupled) $(changes) $(writes)"

expect_eq "with confirm_overwrite=1: 200" 200 \
	"$(up '/api/v1/import/sheets?confirm_overwrite=1' -F "file=@$T/all.xlsx")"
expect_eq "the sheet's date is stored" "$OLD" "$(decoupled)"
expect_eq "one history row more" "$((c0 + 1))" "$(changes)"
q "SELECT \"user\" || ' ' || \"before\" || ' => ' || \"after\" FROM changes WHERE \"array\" = 'associations' AND \"key\" = '$A' ORDER BY id DESC LIMIT 1" >"$T/h"
expect_grep "by the importer, the edit before, the sheet's date after" "^boss .*\"decoupled_on\": \"$NEW\".* => .*\"decoupled_on\": \"$OLD\"" "$T/h"
expect_eq "one audit record more" "$((w0 + 1))" "$(writes)"
expect_eq "now the record is the import's: no newer edit" "0 0" \
	"$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/all.xlsx" >/dev/null; diff_of '"%d %d" % (d["changed"], d["newer_edits"])')"

# --- the CLI's confirmation
send PUT "/api/v1/associations/$A" "$(cat "$T/put.json" | sed 's/"version": [0-9]*/"version": '"$(req GET "/api/v1/associations/$A" >/dev/null; json_number version)"'/')" >/dev/null
expect_eq "edited again" "$NEW" "$(decoupled)"
expect_exit "tuogou import --overwrite-edits writes over it" 0 tg import --db "$DB" --overwrite-edits "$T/all.xlsx"
expect_eq "the sheet's date is stored" "$OLD" "$(decoupled)"

# --- masks: a person's number changed by a file
python3 - "$T/now.json" "$T" <<'PY'
import json, sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def check(n17):
    return n17 + "10X98765432"[sum(int(c) * w for c, w in zip(n17, W)) % 11]
b = json.load(open(sys.argv[1]))
p = dict([p for p in b["persons"] if p.get("id_number")][0])
old = p["id_number"]
p["id_number"] = check(old[:14] + "%03d" % ((int(old[14:17]) + 2) % 1000))
json.dump({"format": b["format"], "plan": b["plan"], "persons": [p]},
          open(sys.argv[2] + "/person.json", "w"), ensure_ascii=False)
open(sys.argv[2] + "/numbers", "w").write("%s %s %s\n" % (p["id"], old, p["id_number"]))
PY
read -r P OLDN NEWN <"$T/numbers"
expect_eq "a changed ID number: dry run 200" 200 \
	"$(up '/api/v1/import?dry_run=1' -H 'Content-Type: application/json' --data-binary "@$T/person.json")"
expect_eq "the number before and after, masked as the history masks it" \
	"id_number ${OLDN:0:6}********${OLDN:14:4} ${NEWN:0:6}********${NEWN:14:4}" \
	"$(diff_of '" ".join((lambda f: (f["field"], f["before"], f["after"]))(d["records"][0]["fields"][0]))')"
grep -qE "$OLDN|$NEWN|${OLDN:6:8}|${NEWN:6:8}" "$T/body" && fail "a full number or birth date is in the answer" ||
	pass "no full number and no birth date in the answer"
tg import --db "$DB" --dry-run "$T/person.json" >"$T/cli.out" 2>&1
grep -qE "$OLDN|$NEWN|${NEWN:6:8}" "$T/cli.out" && fail "the CLI preview shows a full number" ||
	pass "the CLI preview shows masked numbers only"
expect_grep "... the masked one" "${NEWN:0:6}\*\*\*\*\*\*\*\*${NEWN:14:4}" "$T/cli.out"

# --- two records edited after the export: each is a newer edit (the
# history's index once kept one key for all, so only the last was found)
for B in $(q "SELECT uscc FROM associations WHERE decoupled_on IS NOT NULL ORDER BY uscc LIMIT 2"); do
	req GET "/api/v1/associations/$B" >/dev/null
	python3 -c "import json, sys; import datetime; d = json.load(open(sys.argv[1])); d['decoupled_on'] = str(datetime.date.fromisoformat(d['decoupled_on']) + datetime.timedelta(days=1)); print(json.dumps(d, ensure_ascii=False))" \
		"$T/body" >"$T/put.json"
	send PUT "/api/v1/associations/$B" "$(cat "$T/put.json")" >/dev/null
done
expect_eq "two edited records: dry run 200" 200 \
	"$(up '/api/v1/import/sheets?dry_run=1' -F "file=@$T/all.xlsx")"
expect_eq "both changed, both newer edits" "2 2 True True" \
	"$(diff_of '"%d %d %s %s" % (d["changed"], d["newer_edits"], d["records"][0]["newer_edit"], d["records"][1]["newer_edit"])')"

serve_stop
finish
