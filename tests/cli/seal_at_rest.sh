#!/usr/bin/env bash
# seal_at_rest.sh: issue 14, item 2 ("encrypted at rest" did not hold).
# Whoever holds the database or a backup, and not the key file, must not
# rebuild a single ID number.  Each person's row is read the way such a
# holder would (a `tuogou backup` file with sqlite3; on PostgreSQL the
# table dumped with psql) and every number is rebuilt from what the row
# holds in clear: the masked number (first 6, last 4) and the birth date
# (the 8 characters it hides), kept when the GB 11643 check digit agrees.
# The rebuilder is shown to work on the same rows with the birth in clear
# (what the old store kept).  The rules still read the birth dates (the
# age rule's findings are those of the bundle), a clear birth date written
# by another tool is refused, and every file tuogou creates is 0600.
. "$(dirname "$0")/../lib.sh"

# The files' modes must not depend on the caller's umask.
umask 022
BUNDLE=$TOP/data/demo-bundle.json
DB=$(db_url seal)
tg import --db "$DB" "$BUNDLE" >/dev/null 2>"$T/err" && pass "the demo register is imported" ||
	fail "import: $(head -c 300 "$T/err")"

# rebuild ROWS.csv: "rebuilt total" -- the numbers of the bundle that the
# rows' id, id_masked and birth give back, and the persons with a number.
rebuild() {
	python3 - "$BUNDLE" "$1" <<'PY'
import csv, json, re, sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def valid(n):
    return len(n) == 18 and n[:17].isdigit() and \
        "10X98765432"[sum(int(c) * w for c, w in zip(n, W)) % 11] == n[17].upper()
numbers = {p["id"]: p["id_number"].upper()
           for p in json.load(open(sys.argv[1]))["persons"] if p.get("id_number")}
rebuilt = 0
for row in csv.DictReader(open(sys.argv[2], newline="")):
    m = re.fullmatch(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})", (row.get("birth") or "").strip())
    masked = row.get("id_masked") or ""
    if not m or len(masked) != 18:
        continue
    candidate = (masked[:6] + "".join(m.groups()) + masked[14:]).upper()
    if valid(candidate) and numbers.get(row["id"]) == candidate:
        rebuilt += 1
print(rebuilt, len(numbers))
PY
}

# --- what the holder of the file reads
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	tg backup --db "$DB" "$T/backup.db" >/dev/null 2>"$T/err" && pass "tuogou backup" ||
		fail "backup: $(head -c 300 "$T/err")"
	sqlite3 -header -csv "$T/backup.db" 'SELECT * FROM persons' >"$T/rows.csv"
	SQL() { sqlite3 "$DB" "$1"; }
else
	psql "$DB" -X -q -v ON_ERROR_STOP=1 -c 'COPY persons TO STDOUT WITH (FORMAT csv, HEADER)' \
		>"$T/rows.csv"
	SQL() { psql "$DB" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }
fi
rows=$(($(wc -l <"$T/rows.csv") - 1))
expect_eq "the copy holds every person" 266 "$rows"
read -r rebuilt total < <(rebuild "$T/rows.csv")
expect_eq "the demo register has 266 ID numbers" 266 "$total"
expect_eq "no ID number is rebuilt from the copy (masked number + what it holds as birth)" 0 "$rebuilt"

# The rebuilder itself: the same rows with the birth date in clear, as the
# store kept it before, give back every number.
python3 - "$BUNDLE" "$T/rows.csv" >"$T/clear.csv" <<'PY'
import csv, json, sys
numbers = {p["id"]: p["id_number"] for p in json.load(open(sys.argv[1]))["persons"]
           if p.get("id_number")}
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
out = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()))
out.writeheader()
for r in rows:
    n = numbers.get(r["id"])
    if n:
        r["birth"] = "%s-%s-%s" % (n[6:10], n[10:12], n[12:14])
    out.writerow(r)
PY
read -r rebuilt _ < <(rebuild "$T/clear.csv")
expect_eq "with the birth date in clear the rebuilder gives back all 266" 266 "$rebuilt"

# --- the rules still read the birth dates
tg check --db "$DB" --as-of 2099-12-31 --format json >"$T/db.json" 2>"$T/err" ||
	fail "check --db: $(head -c 300 "$T/err")"
tg check --bundle "$BUNDLE" --as-of 2099-12-31 --format json >"$T/bundle.json" 2>/dev/null
n_db=$(grep -c '"rule": "personnel.retired-cadre-over-age"' "$T/db.json")
n_bundle=$(grep -c '"rule": "personnel.retired-cadre-over-age"' "$T/bundle.json")
[ "$n_bundle" -gt 0 ] && pass "the age rule has findings in the bundle ($n_bundle)" ||
	fail "the age rule has no finding in the bundle"
expect_eq "the age rule finds the same from the sealed birth dates" "$n_bundle" "$n_db"

# --- a clear birth date written by another tool is refused
if SQL "UPDATE persons SET birth = '1970-01-01' WHERE id = (SELECT min(id) FROM persons)" \
	>/dev/null 2>&1; then
	fail "the database took a clear birth date"
else
	pass "the database refuses a clear birth date"
fi

# --- an ID number written in clear by another tool is sealed by the next
# command that opens the store (the look is one probe of migration 15's
# partial index; store_open, store_seal_left_plain)
who="(SELECT max(id) FROM persons WHERE id_number IS NOT NULL)"
SQL "UPDATE persons SET id_number = '41030119800101001X' WHERE id = $who" >/dev/null
expect_eq "the other tool's number is in clear" 41030119800101001X \
	"$(SQL "SELECT id_number FROM persons WHERE id = $who")"
tg check --db "$DB" --as-of 2020-12-31 --format json >/dev/null 2>"$T/err" ||
	fail "check --db after the clear number: $(head -c 300 "$T/err")"
expect_eq "the next command sealed it" "v1: 0" \
	"$(SQL "SELECT substr(id_number, 1, 3) FROM persons WHERE id = $who") $(SQL "SELECT count(*) FROM persons WHERE id_number IS NOT NULL AND id_number NOT LIKE 'v1:%' AND id_number NOT LIKE '%*%'")"

# --- the files tuogou creates: 0600 (folders 0700)
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
	FRESH=$T/fresh.db
	tg import --db "$FRESH" "$BUNDLE" >/dev/null 2>&1
	expect_eq "a new database is 0600" 600 "$(mode "$FRESH")"
	# while a connection is open the -wal and -shm files exist (SQLite gives
	# them the database's mode)
	sleep 2 | sqlite3 -cmd 'SELECT count(*) FROM persons' "$FRESH" >/dev/null &
	sleep 1
	expect_eq "its -wal is 0600" 600 "$(mode "$FRESH-wal")"
	expect_eq "its -shm is 0600" 600 "$(mode "$FRESH-shm")"
	wait
	expect_eq "the backup is 0600" 600 "$(mode "$T/backup.db")"
	tg restore "$T/backup.db" --db "$T/restored.db" >/dev/null 2>&1
	expect_eq "a restored database is 0600" 600 "$(mode "$T/restored.db")"
	# a database left 0644 by an older version is tightened at its next open
	chmod 644 "$T/restored.db"
	tg check --db "$T/restored.db" --as-of 2017-12-31 >/dev/null 2>&1
	expect_eq "an older database left 0644 is 0600 after an open" 600 "$(mode "$T/restored.db")"
fi
expect_eq "the key file is 0600" 600 "$(mode "$T/tuogou.key")"
tg export --db "$DB" --format json -o "$T/export.json" >/dev/null 2>&1
expect_eq "an export (-o) is 0600" 600 "$(mode "$T/export.json")"
tg export --db "$DB" --format xlsx -o "$T/export.xlsx" >/dev/null 2>&1
expect_eq "an xlsx export is 0600" 600 "$(mode "$T/export.xlsx")"
tg check --db "$DB" --as-of 2017-12-31 --format xlsx -o "$T/findings.xlsx" >/dev/null 2>&1
expect_eq "findings written with -o are 0600" 600 "$(mode "$T/findings.xlsx")"
tg report progress --db "$DB" --as-of 2017-12-31 -o "$T/progress.pdf" >/dev/null 2>&1
expect_eq "a PDF report is 0600" 600 "$(mode "$T/progress.pdf")"

finish
