#!/usr/bin/env bash
# http_basics.sh: the server itself: health, security headers, static files
# and their containment, sessions (login, logout, lock-out), CSRF and Origin,
# roles refused, body limits and content types, the route table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
add_user boss office --display-name 联合办
add_user sys sysadmin
add_user lockme office
serve_start

# --- health and headers
expect_eq "healthz answers 200" 200 "$(req GET /healthz)"
expect_eq "healthz says ok" ok "$(body)"
expect_eq "CSP on every response" \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'" \
	"$(header Content-Security-Policy)"
for h in "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" "X-Frame-Options: DENY" \
	"Cache-Control: no-store"; do
	expect_grep "healthz carries $h" "^$h" "$T/hdr"
done

# --- static files
expect_eq "/ serves index.html" 200 "$(req GET /)"
expect_grep "index.html content" 'lang="zh-CN"' "$T/body"
expect_eq "index.html is text/html" "text/html; charset=utf-8" "$(header Content-Type)"
expect_grep "static files carry the CSP" "^Content-Security-Policy: default-src 'self'" "$T/hdr"
expect_grep "static files carry nosniff" "^X-Content-Type-Options: nosniff" "$T/hdr"
expect_eq "a script" 200 "$(req GET /assets/app.js)"
expect_eq "scripts are text/javascript" "text/javascript; charset=utf-8" "$(header Content-Type)"
req GET /assets/app.css >/dev/null
expect_eq "styles are text/css" "text/css; charset=utf-8" "$(header Content-Type)"
expect_eq "SPA page without a dot gets index.html" 200 "$(req GET /associations/some/page)"
expect_grep "SPA fallback body" 'lang="zh-CN"' "$T/body"
expect_eq "a missing file with a dot is 404" 404 "$(req GET /assets/missing.js)"
expect_eq "../ out of the web root is 404" 404 "$(req GET /../secret.txt --path-as-is)"
expect_eq "encoded ../ is 404" 404 "$(req GET /%2e%2e/secret.txt --path-as-is)"
expect_eq "encoded / and .. is 404" 404 "$(req GET /assets%2f..%2f..%2fsecret.txt --path-as-is)"
ln -s "$T/secret.txt" "$WEB/link.txt"
expect_eq "a symbolic link out of the root is 404" 404 "$(req GET /link.txt)"
expect_eq "POST to a static path is 405" 405 "$(req POST /index.html -d x)"

# --- sessions
expect_eq "no session: 401" 401 "$(req GET /api/v1/associations)"
expect_grep "401 is the JSON error" '"code": "unauthenticated"' "$T/body"
expect_grep "API answers are not cached" "^Cache-Control: no-store" "$T/hdr"
expect_eq "unknown API path: 404" 404 "$(req GET /api/v1/nothing)"
expect_eq "wrong method: 405" 405 "$(req PATCH /api/v1/plan)"
expect_grep "405 says which methods" "^Allow: GET" "$T/hdr"
expect_eq "wrong password: 401" 401 "$(login boss 'Wrong-Pass-2017')"
expect_grep "wrong password message" '"code": "bad_credentials"' "$T/body"
expect_eq "unknown user: 401" 401 "$(login nobody 'Wrong-Pass-2017')"
expect_eq "login: 200" 200 "$(login boss)"
as boss
expect_grep "login answers the role" '"role": "office"' "$T/body"
expect_grep "login answers the display name" '"display_name": "联合办"' "$T/body"
cookie=$(header Set-Cookie)
case "$cookie" in
tuogou_session=*"; Path=/; HttpOnly; SameSite=Strict") pass "session cookie is HttpOnly, SameSite=Strict" ;;
*) fail "session cookie: [$cookie]" ;;
esac
token=$(sed -n 's/^tuogou_session=\([0-9a-f]*\);.*/\1/p' <<<"$cookie")
expect_eq "token has 256 bits" 64 "${#token}"
stored=$(q "SELECT count(*) FROM sessions WHERE token_hash = '$token'")
expect_eq "the token itself is not stored" 0 "$stored"
expect_eq "GET session" 200 "$(req GET /api/v1/session)"
expect_grep "GET session gives the CSRF token" "\"csrf_token\": \"$CSRF\"" "$T/body"
cp "$T/jar.boss" "$T/jar.old"
expect_eq "second login (presenting the session) rotates the token" 200 "$(login boss)"
as boss
cookie2=$(header Set-Cookie)
[ "$cookie2" != "$cookie" ] && pass "a new token at login" || fail "same token after login"
cp "$T/jar.boss" "$T/jar.new"
USER_JAR=$T/jar.old
expect_eq "the session presented at login is dead" 401 "$(req GET /api/v1/session)"
as boss

# --- CSRF and Origin
expect_eq "write without CSRF token: 403" 403 \
	"$(req DELETE /api/v1/session)"
expect_grep "CSRF refusal code" '"code": "csrf"' "$T/body"
expect_eq "write with a wrong CSRF token: 403" 403 \
	"$(req DELETE /api/v1/session -H 'X-CSRF-Token: 0000')"
expect_eq "write from another Origin: 403" 403 \
	"$(req DELETE /api/v1/session -H "X-CSRF-Token: $CSRF" -H 'Origin: http://evil.example')"
expect_grep "Origin refusal code" '"code": "bad_origin"' "$T/body"
expect_eq "login from another Origin: 403" 403 \
	"$(req POST /api/v1/session -H 'Content-Type: application/json' -H 'Origin: http://evil.example' \
		--data-binary '{"username":"boss","password":"x"}')"

# --- roles
expect_eq "sysadmin logs in" 200 "$(login sys)"
as sys
for path in /api/v1/associations /api/v1/findings /api/v1/dashboard /api/v1/plan /api/v1/persons; do
	expect_eq "sysadmin refused $path" 403 "$(req GET "$path")"
done
expect_eq "sysadmin may see its session" 200 "$(req GET /api/v1/session)"

# --- limits and content types
as boss
big=$T/big.json
head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$big"
expect_eq "JSON body over 1 MiB: 413" 413 \
	"$(req POST /api/v1/associations -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" --data-binary @"$big")"
expect_grep "413 is the JSON error" '"code": "too_large"' "$T/body"
expect_eq "chunked body over 1 MiB: 413" 413 \
	"$(req POST /api/v1/associations -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
		-H 'Transfer-Encoding: chunked' --data-binary @"$big")"
expect_eq "form data to a JSON route: 415" 415 \
	"$(req POST /api/v1/associations -H "X-CSRF-Token: $CSRF" -d 'a=b')"
expect_eq "malformed JSON: 400" 400 "$(send POST /api/v1/associations '{"uscc": ')"
expect_grep "malformed JSON code" '"code": "bad_json"' "$T/body"

# --- lock-out
for i in 1 2 3 4 5; do login lockme 'Wrong-Pass-2017' >/dev/null; done
expect_eq "after 5 failures even the right password is refused: 423" 423 "$(login lockme)"
expect_grep "lock-out code" '"code": "account_locked"' "$T/body"
expect_eq "other accounts still log in" 200 "$(login boss)"
as boss
cp "$T/jar.boss" "$T/jar.new"

# --- expiry: 30 minutes idle, 12 hours absolute
login boss >/dev/null
as boss
# (every session of boss is aged: two logins in the same second cannot be
# told apart by their times, and only the current one matters)
BOSS="(SELECT id FROM users WHERE username = 'boss')"
expect_eq "a fresh session works" 200 "$(req GET /api/v1/session)"
q "UPDATE sessions SET last_seen = last_seen - 1801 WHERE \"user\" = $BOSS"
expect_eq "31 minutes idle: 401" 401 "$(req GET /api/v1/session)"
login boss >/dev/null
as boss
q "UPDATE sessions SET created_at = created_at - 12 * 3600 - 1 WHERE \"user\" = $BOSS"
expect_eq "older than 12 hours, though active: 401" 401 "$(req GET /api/v1/session)"
login boss >/dev/null
as boss
cp "$T/jar.boss" "$T/jar.new"
expect_eq "HEAD of the API" 200 "$(req HEAD /api/v1/plan -I)"

# --- TLS in front (X-Forwarded-Proto from loopback): the cookie is Secure
rm -f "$T/jar.tls"
USER_JAR=$T/jar.tls
req POST /api/v1/session -H 'Content-Type: application/json' -H 'X-Forwarded-Proto: https' \
	--data-binary "{\"username\": \"boss\", \"password\": \"$PW\"}" >/dev/null
case "$(header Set-Cookie)" in
*"; Secure") pass "Secure cookie behind TLS" ;;
*) fail "no Secure: $(header Set-Cookie)" ;;
esac
USER_JAR=$T/jar.new
CSRF=$(cat "$T/csrf.boss")

# --- logout
expect_eq "logout: 204" 204 "$(send DELETE /api/v1/session '')"
expect_eq "after logout the session is gone" 401 "$(req GET /api/v1/session)"
USER_JAR=$T/jar.new
expect_eq "the cookie of the session logged out is refused" 401 "$(req GET /api/v1/associations)"

# --- too many failed logins from one address: 429
for i in $(seq 1 21); do login "nobody$i" 'Wrong-Pass-2017' >/dev/null; done
expect_eq "more than 20 failures in 10 minutes: 429" 429 "$(login boss)"

# --- the route table
tg routes >"$T/routes.json" 2>"$T/err"
expect_grep "tuogou routes lists the login" '"pattern": "/api/v1/session"' "$T/routes.json"
expect_grep "tuogou routes lists roles" '"roles": \["office"' "$T/routes.json"
n=$(grep -c '"method"' "$T/routes.json")
[ "$n" -ge 60 ] && pass "route table has $n routes" || fail "route table has $n routes"

# --- the log
serve_stop
grep -q 'tuogou_session\|Cookie' "$T/serve.log" && fail "log mentions cookies" || pass "log has no cookies"
grep -q '^20..-..-..T.*GET /healthz 200' "$T/serve.log" && pass "one log line per request" ||
	fail "log: $(head -c 300 "$T/serve.log")"
finish
