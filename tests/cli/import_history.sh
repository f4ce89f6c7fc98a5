#!/usr/bin/env bash
# import_history.sh: issue 14, item 5.  An import recorded one audit line
# ("import {...counts}") and no history.  Now every record an import
# creates or changes gets its history row and its own audit record with
# before and after, as a single write through the API does, in the
# import's transaction; an unchanged record gets nothing (a re-import of
# the same file adds nothing).  A person's number appears in them masked
# only.  The first import of an empty register is recorded by the summary
# line alone.
. "$(dirname "$0")/../lib.sh"

BUNDLE=$TOP/data/demo-bundle.json
DB=$(db_url hist)
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	q() { sqlite3 "$DB" "$1"; }
else
	q() { psql "$DB" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }
fi
tg import --db "$DB" "$BUNDLE" >/dev/null 2>"$T/err" && pass "the demo register is imported" ||
	fail "first import: $(head -c 300 "$T/err")"
expect_eq "the first import of an empty register: one summary history row" 1 \
	"$(q "SELECT count(*) FROM changes")"

# The office's file: one association renamed, one person's number changed
# (sequence and check digit: the masked number shows it), and a second
# person whose number changes only in the 8 characters the mask hides.
python3 - "$BUNDLE" "$T" <<'PY'
import json, sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def check(n17):
    return n17 + "10X98765432"[sum(int(c) * w for c, w in zip(n17, W)) % 11]
b = json.load(open(sys.argv[1]))
a = dict(b["associations"][0])
persons = [p for p in b["persons"] if p.get("id_number")]
p, r = dict(persons[0]), dict(persons[1])
old_p, old_r = p["id_number"], r["id_number"]
seq = (int(old_p[14:17]) + 2) % 1000
p["id_number"] = check(old_p[:14] + "%03d" % seq)
day = int(old_r[12:14])
r["id_number"] = check(old_r[:12] + "%02d" % (day + 1 if day < 28 else day - 1) + old_r[14:17])
a_old = a["name"]
a["name"] = a_old + "（更名）"
doc = {"format": b["format"], "plan": b["plan"], "associations": [a], "persons": [p]}
json.dump(doc, open(sys.argv[2] + "/office.json", "w"), ensure_ascii=False)
json.dump({"format": b["format"], "plan": b["plan"], "persons": [r]},
          open(sys.argv[2] + "/birth.json", "w"), ensure_ascii=False)
with open(sys.argv[2] + "/facts", "w") as f:
    print(a["uscc"], a_old, a["name"], p["id"], old_p, p["id_number"], r["id"], old_r,
          r["id_number"], file=f)
PY
read -r USCC OLD_NAME NEW_NAME P OLD_P NEW_P R OLD_R NEW_R <"$T/facts"
mask() { echo "${1:0:6}********${1:14:4}"; }

writes() { q "SELECT count(*) FROM audit_log WHERE event = 'write'"; }
changes() { q "SELECT count(*) FROM changes"; }
w0=$(writes)
c0=$(changes)
tg import --db "$DB" "$T/office.json" >/dev/null 2>"$T/err" && pass "the office's file is imported" ||
	fail "office import: $(head -c 300 "$T/err")"

# --- the association's history and audit record
expect_eq "the renamed association has its history entry" 1 \
	"$(q "SELECT count(*) FROM changes WHERE \"array\" = 'associations' AND \"key\" = '$USCC' AND \"association\" = '$USCC'")"
q "SELECT \"before\" FROM changes WHERE \"array\" = 'associations' AND \"key\" = '$USCC'" >"$T/h.before"
q "SELECT \"after\" FROM changes WHERE \"array\" = 'associations' AND \"key\" = '$USCC'" >"$T/h.after"
expect_grep "its history shows the old name before" "\"name\": \"$OLD_NAME\"" "$T/h.before"
expect_grep "and the new name after" "\"name\": \"$NEW_NAME\"" "$T/h.after"
expect_eq "the association has its own audit record" 1 \
	"$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'associations/$USCC'")"
q "SELECT \"before\" || ' => ' || \"after\" FROM audit_log WHERE object = 'associations/$USCC'" >"$T/a.assoc"
expect_grep "with the old name before" "\"name\": \"$OLD_NAME\".* => " "$T/a.assoc"
expect_grep "and the new name after" " => .*\"name\": \"$NEW_NAME\"" "$T/a.assoc"

# --- the person's audit record: the number masked, never clear or sealed
expect_eq "the person has its own audit record" 1 \
	"$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'persons/$P'")"
q "SELECT \"before\" FROM audit_log WHERE object = 'persons/$P'" >"$T/p.before"
q "SELECT \"after\" FROM audit_log WHERE object = 'persons/$P'" >"$T/p.after"
grep -qF "\"id_number\": \"$(mask "$OLD_P")\"" "$T/p.before" &&
	pass "with the old number masked before" || fail "no masked old number before: $(cat "$T/p.before")"
grep -qF "\"id_number\": \"$(mask "$NEW_P")\"" "$T/p.after" &&
	pass "and the new number masked after" || fail "no masked new number after: $(cat "$T/p.after")"
cat "$T/p.before" "$T/p.after" >"$T/a.person"
q "SELECT \"before\" || \"after\" FROM changes WHERE \"array\" = 'persons' AND \"key\" = '$P'" >>"$T/a.person"
if grep -q -e "$OLD_P" -e "$NEW_P" -e 'v1:' "$T/a.person"; then
	fail "a clear or sealed number in the person's audit or history"
else
	pass "no clear or sealed number in the person's audit record or history"
fi
expect_eq "two records changed: two audit records" 2 "$(($(writes) - w0))"
expect_eq "two history rows and the summary" 3 "$(($(changes) - c0))"
expect_eq "the summary line stays" 1 \
	"$(q "SELECT count(*) FROM audit_log WHERE event = 'import' AND \"after\" LIKE '%\"associations\": 1%'")"

# --- the same file again: nothing
w1=$(writes)
c1=$(changes)
v1=$(q "SELECT \"version\" FROM associations WHERE uscc = '$USCC'")
tg import --db "$DB" "$T/office.json" >/dev/null 2>&1
expect_eq "a re-import of the same file adds no audit record" "$w1" "$(writes)"
expect_eq "nor a history entry (the summary aside)" $((c1 + 1)) "$(changes)"
expect_eq "nor a new version of the unchanged record" "$v1" \
	"$(q "SELECT \"version\" FROM associations WHERE uscc = '$USCC'")"

# --- a number changed only where the mask hides it is a change
tg import --db "$DB" "$T/birth.json" >/dev/null 2>&1
expect_eq "a number changed in its birth date is recorded, masked before and after" 1 \
	"$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'persons/$R' AND
	      \"before\" LIKE '%\"id_number\": \"${OLD_R:0:6}*%' AND \"after\" LIKE '%\"id_number\": \"${NEW_R:0:6}*%'")"
tg export --db "$DB" --format json -o "$T/export.json" >/dev/null 2>&1
expect_grep "and stored" "\"id_number\": \"$NEW_R\"" "$T/export.json"

# --- a sheet (CSV) import is recorded the same way
printf 'id,name,kind,function_list_on\nU01,洛阳市发展和改革委员会（更名）,organ,2017-06-28\n' >"$T/units.csv"
tg import --db "$DB" "$T/units.csv" >/dev/null 2>"$T/err" || fail "units.csv: $(head -c 300 "$T/err")"
expect_eq "a CSV import that renames a unit: its audit record" 1 \
	"$(q "SELECT count(*) FROM audit_log WHERE event = 'write' AND object = 'units/U01' AND
	      \"after\" LIKE '%（更名）%'")"

finish
