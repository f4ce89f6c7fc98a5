#!/usr/bin/env bash
# The joint office prints its progress report, a unit prints an
# association's work summary, and every unit gets its reminders.  The PDF
# numbers are those of `tuogou check` for the same day.
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
DAY=2017-12-31
tg import --db "$DB" "$TOP/data/demo-bundle.json" >/dev/null

if ! command -v pdfinfo >/dev/null || ! command -v pdftotext >/dev/null; then
	fail "poppler-utils (pdfinfo, pdftotext) are installed (scripts/packages.txt)"
	finish
	exit 1
fi

expect_exit "report progress writes a PDF" 0 tg report progress --db "$DB" --as-of $DAY -o "$T/progress.pdf"
expect_exit "the PDF opens (pdfinfo)" 0 pdfinfo "$T/progress.pdf"
expect_grep "it is A4" "A4" "$T/out"
pdftotext "$T/progress.pdf" "$T/progress.txt"
tr -d '\n ' <"$T/progress.txt" >"$T/flat.txt"
expect_grep "its Chinese title extracts" "关于全市行业协会商会与行政机关脱钩" "$T/flat.txt"
expect_grep "the issuing office" "联合工作组办公室" "$T/flat.txt"
expect_grep "the as-of date" "截至2017年12月31日" "$T/flat.txt"
expect_grep "the overdue items cite their clauses" "四(二)" "$T/flat.txt"
expect_grep "the lead departments' tasks of 6.2" "牵头部门配套文件制定情况（六(二)）" "$T/flat.txt"
expect_grep "page numbers in the official form" "—2—" "$T/flat.txt"
# Dates are said in Chinese everywhere in the text (2017年6月30日); the one
# ISO date left is the command line the closing note quotes (--as-of D).
grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$T/flat.txt" | sort -u >"$T/iso"
expect_eq "no ISO date but the command's" "$DAY" "$(tr '\n' ' ' <"$T/iso" | sed 's/ $//')"

# The headline numbers against check's findings for the same day.
tg check --db "$DB" --as-of $DAY --format json >"$T/check.json"
python3 - "$T/check.json" "$T/flat.txt" >"$T/cmp" <<'PY'
import json, re, sys
fs = json.load(open(sys.argv[1]))["findings"]
text = open(sys.argv[2]).read()
m = re.search(r"共(\d+)家，已完成脱钩(\d+)家.*?尚未脱钩(\d+)家.*?工作总结未报(\d+)家，待验收(\d+)家，已验收(\d+)家.*?共发现问题(\d+)项，其中逾期(\d+)项、待办(\d+)项", text)
if not m:
    print("no numbers found"); sys.exit()
in_scope, dec, notdec, missing, awaiting, accepted, total, overdue, open_ = map(int, m.groups())
count = lambda rule: sum(1 for f in fs if f["rule"] == rule)
print("in_scope=decoupled+not", in_scope == dec + notdec)
print("not_decoupled", notdec == count("decoupling.incomplete"), notdec)
print("summaries_missing", missing == count("report.summary-missing"), missing)
print("awaiting", awaiting == count("acceptance.pending"), awaiting)
print("total", total == len(fs), total)
print("overdue", overdue == sum(1 for f in fs if f["state"] == "overdue"), overdue)
print("open", open_ == sum(1 for f in fs if f["state"] == "open"), open_)
PY
for k in in_scope=decoupled+not not_decoupled summaries_missing awaiting total overdue open; do
	expect_grep "PDF number $k equals check" "^$k True" "$T/cmp"
done

# The work summary of one association.
read -r USCC NAME < <(python3 -c "
import json
b = json.load(open('$TOP/data/demo-bundle.json'))
a = [a for a in b['associations'] if a['decoupled_on']][0]
print(a['uscc'], a['name'])")
expect_exit "report summary writes a PDF" 0 tg report summary "$USCC" --db "$DB" --as-of $DAY -o "$T/summary.pdf"
expect_exit "the summary opens" 0 pdfinfo "$T/summary.pdf"
pdftotext "$T/summary.pdf" - | tr -d '\n ' >"$T/summary.txt"
expect_grep "the summary names the association" "$NAME" "$T/summary.txt"
expect_grep "it is a work summary" "脱钩工作总结" "$T/summary.txt"
expect_grep "it goes through the five separations" "机构分离" "$T/summary.txt"
expect_grep "and says when it is or was sent" "报送说明本总结已于2017年6月27日报送" "$T/summary.txt"
expect_exit "an unknown USCC is refused" 2 tg report summary 91350100M000100Y43 --db "$DB" --as-of $DAY -o "$T/x.pdf"
expect_exit "a report without -o is refused" 2 tg report progress --db "$DB" --as-of $DAY

# Reminders.
expect_exit "remind runs" 0 tg remind --db "$DB" --as-of 2017-06-26
cp "$T/out" "$T/remind.txt"
expect_grep "it has a heading with the date" "催办提醒（截至2017年6月26日；临近：5个工作日内到期）" "$T/remind.txt"
expect_grep "it lists items due soon" "^  临近  2017-06-30" "$T/remind.txt"
expect_grep "grouped by supervising unit" "^【洛阳市" "$T/remind.txt"
expect_exit "remind at the deadline's end lists overdue items" 0 tg remind --db "$DB" --as-of $DAY --within 3
expect_grep "overdue items with their days" "已逾期184天" "$T/out"
n_over=$(python3 -c "import json;print(sum(1 for f in json.load(open('$T/check.json'))['findings'] if f['state']=='overdue'))")
expect_grep "the overdue total equals check" "逾期 $n_over 项" "$T/out"
expect_exit "a bad --within is refused" 2 tg remind --db "$DB" --as-of $DAY --within many
finish
