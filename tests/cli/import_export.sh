#!/usr/bin/env bash
# The joint office loads the register from a bundle, exports it back, and
# sees every bad bundle refused whole, with the place of each error named.
# valgrind: yes
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
FRESH=$(db_url fresh)
DEMO=$TOP/data/demo-bundle.json

expect_exit "the demo bundle imports" 0 tg import --db "$DB" "$DEMO"
expect_grep "import reports what it stored" "行业协会商会 80 条" "$T/out"

# Export, import the export into a fresh register, export again: same bytes.
tg export --db "$DB" --format json -o "$T/export1.json"
expect_exit "the export imports into a fresh register" 0 tg import --db "$FRESH" "$T/export1.json"
tg export --db "$FRESH" --format json >"$T/export2.json"
expect_eq "import then export gives the same facts back" "$(sha256sum <"$T/export1.json")" "$(sha256sum <"$T/export2.json")"

# Importing the same bundle again merges by key: nothing changes.
tg import --db "$DB" "$DEMO" >/dev/null
tg export --db "$DB" --format json >"$T/export3.json"
expect_eq "a second import of the same bundle changes nothing" "$(sha256sum <"$T/export1.json")" "$(sha256sum <"$T/export3.json")"

# A valid merge: one association renamed, the rest untouched.
python3 - "$T/export1.json" "$T/rename.json" <<'PY' 2>/dev/null || jq_missing=1
import json, sys
b = json.load(open(sys.argv[1]))
a = b["associations"][0]
a["name"] = "洛阳市测试更名行业协会"
json.dump({"format": "tuogou-bundle/1", "associations": [a]}, open(sys.argv[2], "w"), ensure_ascii=False)
PY
if [ -s "$T/rename.json" ]; then
	expect_exit "a partial bundle referencing stored units merges" 0 tg import --db "$DB" "$T/rename.json"
	tg export --db "$DB" --format json >"$T/export4.json"
	expect_grep "the renamed association is stored" "洛阳市测试更名行业协会" "$T/export4.json"
	tg import --db "$DB" "$DEMO" >/dev/null # back to the demo
fi

before=$(tg export --db "$DB" --format json | sha256sum)

# Each bad bundle: exit 2, the JSON path named, nothing stored.
bad() { # bad DESCRIPTION PATH-EXPECTED PYTHON-MUTATION
	local desc=$1 path=$2 mutation=$3
	python3 - "$T/export1.json" "$T/bad.json" "$mutation" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(b, ensure_ascii=False))
PY
	expect_exit "$desc: refused with exit 2" 2 tg import --db "$DB" "$T/bad.json"
	expect_grep "$desc: names $path" "$path" "$T/err"
	expect_grep "$desc: says nothing was stored" "未写入任何数据" "$T/err"
	expect_eq "$desc: the register is unchanged" "$before" "$(tg export --db "$DB" --format json | sha256sum)"
}
bad "unknown key" "associations\[3\].colour" 'b["associations"][3]["colour"] = "red"'
bad "wrong USCC check character" "associations\[5\].uscc" 'u = b["associations"][5]["uscc"]; b["associations"][5]["uscc"] = u[:17] + ("A" if u[17] != "A" else "B")'
bad "dangling reference" "posts\[2\].person" 'b["posts"][2]["person"] = "P-NOBODY"'
bad "February 30" "staff\[0\].from" 'b["staff"][0]["from"] = "2017-02-30"'
bad "negative area" "premises\[1\].area" 'b["premises"][1]["area"] = -5'
bad "unknown enum value" "associations\[0\].link" 'b["associations"][0]["link"] = "owner"'
bad "to before from" "posts\[0\].to" 'b["posts"][0]["to"] = "1990-01-01"'
bad "invalid ID number" "persons\[4\].id_number" 'b["persons"][4]["id_number"] = "110105194902300020"'
bad "duplicate id" "persons\[7\].id" 'b["persons"][7]["id"] = b["persons"][6]["id"]'
bad "money with three decimals" "assets\[0\].value" 'b["assets"][0]["value"] = 10.005'
bad "wrong format" "format" 'b["format"] = "tuogou-bundle/2"'

printf '{"format": "tuogou-bundle/1", "units": [' >"$T/broken.json"
expect_exit "truncated JSON is refused" 2 tg import --db "$DB" "$T/broken.json"
expect_grep "with the line and column named" "第1行" "$T/err"
expect_exit "a missing file is refused" 2 tg import --db "$DB" "$T/nothing.json"
expect_exit "a .txt file is refused" 2 tg import --db "$DB" "$TOP/README.md"
expect_exit "export of a missing database is refused" 2 tg export --db "$T/none.db" --format json
expect_exit "export in an unknown format is refused" 2 tg export --db "$DB" --format yaml
finish
