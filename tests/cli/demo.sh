#!/usr/bin/env bash
# The demo register is made from stories and judged by tuogou itself:
# tools/demo/make_demo.py turns tools/demo/stories.json into
# data/demo-bundle.json, and every expectation of the stories (this rule,
# for this association, in this state, on this date) must be what
# `tuogou check --bundle` finds.  A wrong expectation must make it fail.
. "$(dirname "$0")/../lib.sh"

MK=$TOP/tools/demo/make_demo.py
STORIES=$TOP/tools/demo/stories.json

# The register in the repository is the stories' register, byte for byte,
# and tuogou check confirms every expectation.
expect_exit "make_demo.py --verify: file up to date, expectations confirmed" 0 \
	python3 "$MK" --tuogou "$TUOGOU" --verify
expect_grep "it says how many expectations tuogou check confirmed" "tuogou check confirms [0-9]* expectations" "$T/out"
expect_exit "a fresh build writes a file" 0 python3 "$MK" --tuogou "$TUOGOU" -o "$T/demo.json"
cmp -s "$T/demo.json" "$TOP/data/demo-bundle.json" && pass "the fresh build is data/demo-bundle.json, byte for byte" ||
	fail "the fresh build differs from data/demo-bundle.json"
expect_exit "the fresh build imports" 0 tg import --db "$(db_url demo)" "$T/demo.json"

# break FILE PYTHON: a copy of the stories with one change (s is the document)
break_stories() {
	python3 - "$STORIES" "$1" "$2" <<'PY'
import json, sys
from collections import OrderedDict
s = json.load(open(sys.argv[1], encoding="utf-8"), object_pairs_hook=OrderedDict)
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
}

# One expectation wrong: the pilot that finished late (餐饮与饭店行业协会,
# decoupled 2017-08-21) said to be overdue on 2017-06-30, when it is open.
break_stories "$T/wrong-state.json" '
e = [x for x in s["expectations"] if x["rule"] == "decoupling.incomplete" and x["target"] == "catering"][0]
e["as_of"]["2017-06-30"] = "overdue"'
expect_exit "an expectation with the wrong state fails --verify" 1 \
	python3 "$MK" --tuogou "$TUOGOU" --stories-file "$T/wrong-state.json" --verify
expect_grep "the disagreement is named, with what tuogou check gives" \
	"decoupling.incomplete catering 2017-06-30: expected overdue, tuogou check gives \['open'\]" "$T/err"
expect_exit "and nothing is written" 1 \
	python3 "$MK" --tuogou "$TUOGOU" --stories-file "$T/wrong-state.json" -o "$T/never.json"
[ -e "$T/never.json" ] && fail "a bundle was written despite the disagreement" || pass "no bundle was written"

# A story changed under its expectation: 装备制造业协会 moves out of the
# 工信委's office before the pilot deadline, but the expectation still says
# institution.shared-office is open on 2017-06-30.
break_stories "$T/wrong-story.json" '
a = [x for x in s["associations"] if x["slug"] == "equipment"][0]
a["premises"] = "coloc_until:2017-06-01"'
expect_exit "a story that no longer shows its expectation fails --verify" 1 \
	python3 "$MK" --tuogou "$TUOGOU" --stories-file "$T/wrong-story.json" --verify
expect_grep "the shared office is named" "institution.shared-office equipment 2017-06-30: expected open" "$T/err"

# An expectation that says "none" where tuogou finds something.
break_stories "$T/wrong-none.json" '
e = [x for x in s["expectations"] if x["rule"] == "finance.asset-inventory-missing" and x["target"] == "seed"][0]
e["as_of"]["2017-06-30"] = "none"'
expect_exit "an expectation of no finding fails when there is one" 1 \
	python3 "$MK" --tuogou "$TUOGOU" --stories-file "$T/wrong-none.json" --verify
expect_grep "it says what tuogou check gives" "seed 2017-06-30: expected no finding, tuogou check gives \['overdue'\]" "$T/err"

# Every rule of the plan must be shown by some expectation.
break_stories "$T/no-rule.json" '
s["expectations"] = [x for x in s["expectations"] if x["rule"] != "party.not-transferred"]'
expect_exit "a rule no expectation shows fails --verify" 1 \
	python3 "$MK" --tuogou "$TUOGOU" --stories-file "$T/no-rule.json" --verify
expect_grep "the rule is named" "party.not-transferred: no expectation shows it" "$T/err"
finish
