#!/usr/bin/env bash
# http_evidence_rights.sh: who may not mark an item done may not attach its
# evidence either (issue 16): a finance department's upload for an item
# whose date only the supervising unit writes (decoupling.incomplete:
# decoupled_on) is refused with 403 before a byte is written or a row
# stored; its own item (finance.no-independent-account:
# independent_account_on) is accepted, and marking either item done is
# refused or allowed alike.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
A1=$(q "SELECT uscc FROM associations WHERE unit IS NOT NULL ORDER BY uscc LIMIT 1")
add_user fin department --department finance
serve_start
login fin >/dev/null
as fin
printf '%%PDF-1.4\n%% 财政局的批复\n%%%%EOF\n' >"$T/批复.pdf"
up() { # up RULE: upload the PDF for the item of RULE of A1
	req POST "/api/v1/associations/$A1/evidence" -H "X-CSRF-Token: $CSRF" \
		-F "file=@$T/批复.pdf" -F "rule=$1"
}
files() { find "$T/evidence" -type f 2>/dev/null | wc -l; }
rows() { q "SELECT count(*) FROM evidence"; }

expect_eq "no evidence yet" "0 0" "$(files) $(rows)"
expect_eq "finance: evidence for the unit's item: 403" 403 "$(up decoupling.incomplete)"
expect_eq "refused as marking it would be" field_forbidden "$(json_field code)"
expect_eq "the field it may not write is named" decoupled_on "$(json_field field)"
expect_eq "no file written, no row stored" "0 0" "$(files) $(rows)"
expect_eq "marking the unit's item done: 403 as well" 403 "$(send POST "/api/v1/associations/$A1/checklist" \
	'{"rule": "decoupling.incomplete", "subject": null, "on": "2017-11-30", "evidence": []}')"
expect_eq "the same refusal" field_forbidden "$(json_field code)"

expect_eq "finance: evidence for its own item: 201" 201 "$(up finance.no-independent-account)"
id=$(json_number id)
expect_eq "one file, one row" "1 1" "$(files) $(rows)"
expect_eq "attached to that item" finance.no-independent-account \
	"$(q "SELECT rule FROM evidence WHERE id = $id")"
expect_eq "evidence without an item: 201 (no item, no right to check)" 201 \
	"$(req POST "/api/v1/associations/$A1/evidence" -H "X-CSRF-Token: $CSRF" -F "file=@$T/批复.pdf")"
expect_eq "marking its own item done with it: 200" 200 "$(send POST "/api/v1/associations/$A1/checklist?as_of=2017-12-31" \
	"{\"rule\": \"finance.no-independent-account\", \"subject\": null, \"on\": \"2017-11-30\", \"evidence\": [$id]}")"
expect_eq "the date is written" 2017-11-30 \
	"$(q "SELECT independent_account_on FROM associations WHERE uscc = '$A1'")"

serve_stop
finish
