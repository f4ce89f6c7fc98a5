#!/usr/bin/env bash
# http_evidence.sh: evidence files (upload checked by content, stored
# outside the web root under a generated name with its SHA-256, downloaded
# only as an attachment), size limits, content types, and import through
# the API with a dry run.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
two_units
add_user boss office
add_user u1 unit --unit "$U1"
serve_start
login boss >/dev/null
as boss
up() { # up USCC FILE [extra curl args]: multipart upload
	local uscc=$1 file=$2
	shift 2
	req POST "/api/v1/associations/$uscc/evidence" -H "X-CSRF-Token: $CSRF" \
		-F "file=@$file" -F rule=decoupling.incomplete "$@"
}

# --- a PDF
printf '%%PDF-1.4\n%% 脱钩完成的批复\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$T/批复.pdf"
expect_eq "upload a PDF: 201" 201 "$(up "$A1" "$T/批复.pdf")"
id=$(json_number id)
expect_eq "the SHA-256 is recorded" "$(sha256sum "$T/批复.pdf" | cut -d' ' -f1)" "$(json_field sha256)"
expect_eq "the type comes from the content" application/pdf "$(json_field content_type)"
expect_eq "the original name is kept" "批复.pdf" "$(json_field name)"
stored=$(q "SELECT path FROM evidence WHERE id = $id")
[[ "$stored" =~ ^[0-9a-f]{32}$ ]] && pass "stored under a generated name" || fail "stored as [$stored]"
[ -f "$T/evidence/$stored" ] && pass "stored beside the database, outside the web root" ||
	fail "no file $T/evidence/$stored"
expect_eq "file mode 0600" 600 "$(stat -c %a "$T/evidence/$stored")"

# --- download
expect_eq "download: 200" 200 "$(req GET "/api/v1/evidence/$id")"
cmp -s "$T/body" "$T/批复.pdf" && pass "the same bytes come back" || fail "downloaded bytes differ"
case "$(header Content-Disposition)" in
attachment\;*) pass "served as an attachment" ;;
*) fail "Content-Disposition: $(header Content-Disposition)" ;;
esac
expect_eq "nosniff on the download" nosniff "$(header X-Content-Type-Options)"
expect_eq "download type" application/pdf "$(header Content-Type)"
expect_eq "unknown evidence: 404" 404 "$(req GET /api/v1/evidence/999999)"

# --- the checklist shows it; marking done with it
A3=$(tg check --db "$DB" --as-of 2017-12-31 --format json |
	sed -n 's/.*"rule": "decoupling.incomplete", "clause": "[^"]*", "association": "\([^"]*\)".*/\1/p' | head -1)
if [ -n "$A3" ]; then
	expect_eq "evidence for an open item: 201" 201 "$(up "$A3" "$T/批复.pdf")"
	id3=$(json_number id)
	req GET "/api/v1/associations/$A3/checklist?as_of=2017-12-31" >/dev/null
	expect_grep "the checklist item lists the evidence" \
		"\"rule\": \"decoupling.incomplete\", [^}]*\"evidence\": \[{\"id\": $id3, \"name\": \"批复.pdf\"" "$T/body"
	expect_eq "mark it done with the evidence: 200" 200 "$(send POST "/api/v1/associations/$A3/checklist?as_of=2017-12-31" \
		"{\"rule\": \"decoupling.incomplete\", \"subject\": null, \"on\": \"2017-11-30\", \"evidence\": [$id3]}")"
	expect_grep "done, with its evidence" "\"status\": \"done\", [^}]*\"evidence\": \[{\"id\": $id3" "$T/body"
else
	fail "no association with decoupling.incomplete on 2017-12-31"
fi
expect_eq "evidence of another association is refused when marking" 400 \
	"$(send POST "/api/v1/associations/$A2/checklist" \
		"{\"rule\": \"decoupling.incomplete\", \"subject\": null, \"on\": \"2017-11-30\", \"evidence\": [$id]}")"
expect_grep "the bad evidence is named" '"field": "evidence\[0\]"' "$T/body"

# --- types by content
printf '\x7fELF\x02\x01\x01\x00binary' >"$T/report.pdf"
expect_eq "an executable named .pdf: 415" 415 "$(up "$A1" "$T/report.pdf")"
expect_grep "415 code" '"code": "unsupported_type"' "$T/body"
printf '\x1f\x8b\x08\x00gzip' >"$T/data.txt"
expect_eq "gzip named .txt: 415" 415 "$(up "$A1" "$T/data.txt")"
printf '会议纪要：已完成脱钩。\n' >"$T/note.txt"
expect_eq "plain UTF-8 text: 201" 201 "$(up "$A1" "$T/note.txt")"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$T/pic.png"
expect_eq "a PNG: 201" 201 "$(up "$A1" "$T/pic.png")"
expect_eq "JSON instead of multipart: 415" 415 "$(send POST "/api/v1/associations/$A1/evidence" '{"file": "x"}')"
expect_eq "upload without CSRF: 403" 403 "$(req POST "/api/v1/associations/$A1/evidence" -F "file=@$T/note.txt")"

# --- sizes
head -c $((10 * 1024 * 1024 + 100)) /dev/zero | tr '\0' 'a' >"$T/big.txt"
expect_eq "a file over 10 MiB: 413" 413 "$(up "$A1" "$T/big.txt")"
head -c $((12 * 1024 * 1024 + 100)) /dev/zero | tr '\0' 'a' >"$T/huge.txt"
expect_eq "an upload over 12 MiB: 413" 413 "$(up "$A1" "$T/huge.txt")"

# --- scope
login u1 >/dev/null
as u1
expect_eq "unit user uploads to its association" 201 "$(up "$A1" "$T/note.txt")"
expect_eq "unit user: another unit's association is 404" 404 "$(up "$A2" "$T/note.txt")"
expect_eq "unit user downloads its association's evidence" 200 "$(req GET "/api/v1/evidence/$id")"
as boss
printf '\xff\xd8\xff\xe0JFIF' >"$T/p.jpg"
up "$A2" "$T/p.jpg" >/dev/null
id2=$(json_number id)
as u1
expect_eq "unit user: another unit's evidence is 404" 404 "$(req GET "/api/v1/evidence/$id2")"
expect_eq "unit user may not import: 403" 403 "$(send POST '/api/v1/import?dry_run=1' '{}')"

# --- import through the API
as boss
before=$(q "SELECT count(*) FROM staff")
expect_eq "import dry run: 200" 200 "$(req POST '/api/v1/import?dry_run=1' -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $CSRF" --data-binary @"$BUNDLE")"
expect_grep "dry run says ok" '"ok": true, "dry_run": true' "$T/body"
expect_grep "dry run counts" '"associations": [0-9]' "$T/body"
sed '0,/"uscc": "[0-9A-Z]*"/s//"uscc": "51410300MJ0000000X"/' "$BUNDLE" >"$T/bad-bundle.json"
expect_eq "a bundle with an error: 400" 400 "$(req POST /api/v1/import -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $CSRF" --data-binary @"$T/bad-bundle.json")"
expect_grep "the error names its path" '"field": "associations\[0\].uscc"' "$T/body"
expect_grep "every error is listed" '"errors": \[' "$T/body"
expect_eq "nothing stored" "$before" "$(q "SELECT count(*) FROM staff")"
printf '{"format": "tuogou-bundle/1", "staff": [{"id": "S-IMP-1", "association": "%s", "from": "2016-02-01"}]}' "$A1" >"$T/one.json"
expect_eq "a real import: 200" 200 "$(req POST /api/v1/import -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $CSRF" --data-binary @"$T/one.json")"
expect_eq "the record is stored" 1 "$(q "SELECT count(*) FROM staff WHERE id = 'S-IMP-1'")"

serve_stop
finish
