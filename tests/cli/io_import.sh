#!/usr/bin/env bash
# Offices send sheets: a GB18030 CSV from an old tool, a workbook made by
# another program, a workbook exported by tuogou itself.  Each imports; a
# wrong cell is named by sheet, row and column, and nothing is stored.
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
FRESH=$(db_url fresh)
OTHER=$(db_url other)
DEMO=$TOP/data/demo-bundle.json
FIX=$TOP/tests/data/io

expect_exit "the demo bundle imports" 0 tg import --db "$DB" "$DEMO"
tg export --db "$DB" --format json -o "$T/before.json"

# A workbook exported by the CLI imports back to the same facts.
expect_exit "export --format xlsx writes a workbook" 0 tg export --db "$DB" --format xlsx -o "$T/demo.xlsx"
expect_exit "the exported workbook imports into a fresh register" 0 tg import --db "$FRESH" "$T/demo.xlsx"
expect_grep "all 80 associations came back" "行业协会商会 80 条" "$T/out"
tg export --db "$FRESH" --format json -o "$T/after.json"
expect_eq "workbook round trip: export json before == after" "$(sha256sum <"$T/before.json")" "$(sha256sum <"$T/after.json")"
expect_exit "the empty template is written" 0 tg export --template -o "$T/template.xlsx"
expect_exit "the empty template imports (nothing in it)" 0 tg import --db "$(db_url empty)" "$T/template.xlsx"

# A workbook written by hand with Python's zipfile (tests/data/io/make_other_program.py).
expect_exit "an xlsx made by another program imports" 0 tg import --db "$OTHER" "$FIX/other-program.xlsx"
tg export --db "$OTHER" --format json >"$T/other.json"
expect_grep "its Excel date serial became a date" '"function_list_on": "2017-06-01"' "$T/other.json"
expect_grep "its Chinese enum cell became the key" '"kind": "organ"' "$T/other.json"
expect_grep "its approval columns became the object" '"approval": {"kind": "filing", "ref": "洛组干〔2017〕3号", "on": "2017-05-02"}' "$T/other.json"

# CSV with Chinese headers and Chinese enum values, in GB18030.
python3 - "$T/before.json" "$T" <<'PY'
import json, sys, csv
b = json.load(open(sys.argv[1]))
units = {u["id"]: u for u in b["units"]}
zh = {"organ": "行政机关", "organ_affiliate": "行政机关下属单位", "civil_service_managed": "参照公务员法管理单位", "other": "其他"}
with open(sys.argv[2] + "/主管单位.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["编号", "名称", "类型", "职能清单印发日期"])
    w.writerow(["U-GB", "洛阳市测试局，含逗号", zh["organ"], "2017年6月1日"])
    w.writerow(["U-GB2", "洛阳市\"引号\"局\n（换行）", "other", ""])
PY
iconv -f UTF-8 -t GB18030 "$T/主管单位.csv" >"$T/gb.csv" && mv "$T/gb.csv" "$T/主管单位.csv"
if iconv -f UTF-8 -t UTF-8 "$T/主管单位.csv" >/dev/null 2>&1; then fail "the CSV is really GB18030"; else pass "the CSV is really GB18030"; fi
expect_exit "a GB18030 CSV named by the Chinese array name imports" 0 tg import --db "$DB" "$T/主管单位.csv"
tg export --db "$DB" --format json >"$T/gb.json"
expect_grep "its text arrived as UTF-8, comma and all" '"洛阳市测试局，含逗号"' "$T/gb.json"
expect_grep "quotes and a line break in a quoted field" '洛阳市\\"引号\\"局\\n（换行）' "$T/gb.json"
expect_grep "a date written 2017年6月1日 was read" '"id": "U-GB", "name": "洛阳市测试局，含逗号", "kind": "organ", "function_list_on": "2017-06-01"' "$T/gb.json"
printf '\xef\xbb\xbfid,name,kind\r\nU-BOM,洛阳市带标记局,organ_affiliate\r\n' >"$T/units.csv"
expect_exit "a UTF-8 CSV with BOM and CRLF imports" 0 tg import --db "$DB" "$T/units.csv"

# Several files validated together: posts.csv refers to persons.csv.
printf 'id,name\nP-CSV,赵测试\n' >"$T/persons.csv"
U=$(python3 -c "import json;print(json.load(open('$T/before.json'))['associations'][0]['uscc'])")
printf '编号,人员编号,协会统一社会信用代码,职务,起始日期\nT-CSV,P-CSV,%s,秘书长,2016-01-01\n' "$U" >"$T/任职.csv"
expect_exit "posts.csv and persons.csv imported together resolve each other" 0 tg import --db "$DB" "$T/persons.csv" "$T/任职.csv"

# Wrong cells: exit 2, sheet, row and column named, nothing stored.
before=$(tg export --db "$DB" --format json | sha256sum)
printf '编号,人员编号,协会统一社会信用代码,职务,起始日期\nT-A,P-CSV,%s,秘书长,2016-01-01\nT-B,P-CSV,%s,会长（理事长）,2016-02-30\n' "$U" "$U" >"$T/任职.csv"
expect_exit "a CSV with 2016-02-30 is refused" 2 tg import --db "$DB" "$T/任职.csv"
expect_grep "the error names sheet, row and column" '工作表“任职”第3行E列（起始日期）' "$T/err"
expect_grep "and says nothing was stored" "未写入任何数据" "$T/err"
printf 'id,person,association,role,from\nT-C,P-NOBODY,%s,主席,2016-01-01\n' "$U" >"$T/posts.csv"
expect_exit "a CSV with a dangling reference and a bad enum is refused" 2 tg import --db "$DB" "$T/posts.csv"
expect_grep "the dangling person is named by cell" '工作表“任职”第2行B列（person）: 引用的人员“P-NOBODY”不存在' "$T/err"
expect_grep "the bad role is named by cell" '工作表“任职”第2行D列（role）' "$T/err"
printf 'id,name,kind,colour\nU-X,某局,organ,red\n' >"$T/units.csv"
expect_exit "an unknown column is refused" 2 tg import --db "$DB" "$T/units.csv"
expect_grep "naming the column" '工作表“主管单位”第1行D列' "$T/err"
printf 'id,name\nU-Y,"未闭合\n' >"$T/units.csv"
expect_exit "a malformed CSV is refused" 2 tg import --db "$DB" "$T/units.csv"
expect_grep "with its row and column" '第2行B列' "$T/err"
python3 - "$T/demo.xlsx" "$T/bad.xlsx" <<'PY'
import sys, zipfile, re
src, dst = sys.argv[1], sys.argv[2]
zin = zipfile.ZipFile(src)
names = zin.namelist()
wb = zin.read("xl/workbook.xml").decode()
# the sheet of 办公用房 (premises): change its first area cell to text
sheets = re.findall(r'<sheet name="([^"]+)" sheetId="(\d+)"', wb)
idx = [n for n, _ in sheets].index("办公用房") + 1
part = "xl/worksheets/sheet%d.xml" % idx
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for n in names:
        data = zin.read(n)
        if n == part:
            x = data.decode()
            x = re.sub(r'<c r="E2"([^>]*)><v>[^<]*</v></c>', '<c r="E2" t="inlineStr"><is><t>一百二</t></is></c>', x, count=1)
            data = x.encode()
        z.writestr(n, data)
PY
expect_exit "a workbook with text in a number column is refused" 2 tg import --db "$DB" "$T/bad.xlsx"
expect_grep "the cell is named by sheet, row and column" '工作表“办公用房”第2行E列（使用面积（㎡））' "$T/err"
expect_eq "nothing was stored by any refused import" "$before" "$(tg export --db "$DB" --format json | sha256sum)"

printf 'not a zip' >"$T/fake.xlsx"
expect_exit "a file that is no workbook is refused" 2 tg import --db "$DB" "$T/fake.xlsx"
expect_grep "with a clear message" "不是有效的 xlsx 工作簿" "$T/err"
printf 'a,b\n' >"$T/colours.csv"
expect_exit "a CSV whose name is no array is refused" 2 tg import --db "$DB" "$T/colours.csv"

# check --format xlsx
expect_exit "check --format xlsx writes the findings" 0 tg check --db "$DB" --as-of 2017-12-31 --format xlsx -o "$T/findings.xlsx"
python3 - "$T/findings.xlsx" >"$T/sheets" <<'PY'
import sys, zipfile
print(zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode())
PY
expect_grep "the findings workbook has the sheet 问题清单" "问题清单" "$T/sheets"
finish
