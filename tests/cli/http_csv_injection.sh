#!/usr/bin/env bash
# http_csv_injection.sh: issue 14 item 8, formula cells (OWASP CSV
# injection).  Logins with user names a spreadsheet would run as formulas
# land in the user column of the auditor's CSV export
# (/api/v1/audit/export); every such cell must come out quoted with a
# leading single quote, so that Excel or WPS shows it as text, while
# numbers (the sequence column) stay as they are.  `check --format csv`
# goes through the same writer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user aud auditor
serve_start

names=('=HYPERLINK("http://x","y")' "+cmd|' /C calc'!A0" '@SUM(1+1)' "-2+3+cmd|' /C calc'!A0")
for n in "${names[@]}"; do
	json=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1], "password": "Wrong-Pass-2017"}))' "$n")
	code=$(req POST /api/v1/session -H 'Content-Type: application/json' --data-binary "$json")
	expect_eq "a login as $n is refused" 401 "$code"
done
expect_eq "auditor logs in" 200 "$(login aud)"
as aud
expect_eq "auditor exports the log (CSV)" 200 "$(req GET /api/v1/audit/export)"
cp "$T/body" "$T/audit.csv"
for n in "${names[@]}"; do
	cell="\"'${n//\"/\"\"}\""
	grep -qF -- ",$cell," "$T/audit.csv" && pass "the user cell $n is neutralised: $cell" ||
		fail "the user cell $n is not written as $cell: $(grep -F -- "${n:1:6}" "$T/audit.csv" | head -2)"
done
# No cell of the export may start with a formula character unquoted.
bad=$(python3 - "$T/audit.csv" <<'PY'
import csv, re, sys
n = 0
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    raw = f.read()
for row in csv.reader(raw.splitlines()):
    for cell in row:
        if cell and cell[0] in '=+-@\t\r' and not re.fullmatch(r'[-+]?\d+(\.\d+)?', cell):
            n += 1
print(n)
PY
)
expect_eq "no cell of the export starts with = + - @ tab or CR" 0 "$bad"
expect_grep "the sequence numbers stay numbers" '^[0-9][0-9]*,' "$T/audit.csv"

serve_stop
finish
