#!/usr/bin/env bash
# tests/browser/run.sh: the web UI tested in a real browser, against the real
# server on a scratch database.  Prints one "ok - NAME" or "not ok - NAME" line
# per test (tests/run counts them) and exits non-zero when anything failed.
#
#   1. builds the UI: npm ci && npm run build in web/ (into web/dist)
#   2. creates a scratch database: build/tuogou import --db $DB data/demo-bundle.json
#      (tests/browser/fixtures/bundle.json when the demo bundle is missing)
#   3. creates the test users: office1 (role office), unit06 (role unit,
#      unit U06), finance1 (a finance department, 财政局) and the three administrators sysadmin1, secadmin1 and
#      auditor1, password on stdin; the administrators' TOTP secrets go to
#      $SCRATCH/totp.json (TUOGOU_TEST_TOTP for the tests)
#   4. starts build/tuogou serve --db $DB --listen 127.0.0.1:$PORT --web web/dist
#      and waits for /healthz
#   5. runs node --test tests/browser/ (playwright-core + /usr/bin/chromium)
#   6. stops the server
#
# Environment: TUOGOU_BIN (default build/tuogou), TUOGOU_TEST_PORT (default: one the kernel picks),
# TUOGOU_TEST_DB_URL (a postgres:// URL: the server runs on a fresh database made
# on that PostgreSQL server and dropped at the end, instead of a SQLite file),
# TUOGOU_KEEP=1 keeps the scratch folder, TUOGOU_BROWSER_TESTS="tests/browser/ui.test.mjs …"
# runs only those files (while working on them; CI runs them all).  Screenshots: tests/artifacts/.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
# no port given: the kernel picks a free one (--listen 127.0.0.1:0) and the
# server's first line says which; a port guessed here could be taken
# between the guess and the bind (it was, once, in CI)
PORT=${TUOGOU_TEST_PORT:-0}
USER_NAME=office1
PASSWORD=Tuogou-Test-2017
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tuogou-browser.XXXXXX")
LOG=$SCRATCH/log
SERVER_PID=
PG_DB=
SERVE_PG=()
failed=0

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -n "$PG_DB" ] && psql "$TUOGOU_TEST_DB_URL" -X -q -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1
	[ "${TUOGOU_KEEP:-0}" = 1 ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

step_fail() { # step_fail NAME: report a failed setup step with its log, then stop
	echo "not ok - $1"
	sed 's/^/#   /' "$LOG" | tail -n 40
	exit 1
}

# ---------------------------------------------------------------- 0. what the run needs
if [ ! -x /usr/bin/chromium ]; then
	echo "not ok - browser tests need Debian's chromium (apt-get install -y chromium)"
	exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "not ok - browser tests need node and npm"
	exit 1
fi

# ---------------------------------------------------------------- 1. the UI
WEB_DIR=$TOP/web
if [ -f web/package.json ]; then
	(cd web && npm ci --no-audit --no-fund && npm run build) >"$LOG" 2>&1 ||
		step_fail "the web UI builds (npm ci && npm run build in web/)"
	WEB_DIR=$TOP/web/dist
fi
(cd tests/browser && npm ci --no-audit --no-fund) >"$LOG" 2>&1 ||
	step_fail "the browser test tools install (npm ci in tests/browser/)"

# ---------------------------------------------------------------- 2-4. the server
TUOGOU=${TUOGOU_BIN:-build/tuogou}
if [ ! -x "$TUOGOU" ] && [ "$TUOGOU" = build/tuogou ]; then
	{ cmake -S . -B build -G Ninja && cmake --build build; } >"$LOG" 2>&1 ||
		step_fail "build/tuogou builds"
fi
BUNDLE=data/demo-bundle.json
[ -f "$BUNDLE" ] || BUNDLE=tests/browser/fixtures/bundle.json
DB=$SCRATCH/tuogou.db
if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then # the same register on PostgreSQL
	PG_DB=tg_browser_$$
	base=${TUOGOU_TEST_DB_URL%%\?*} query=
	[ "$base" != "$TUOGOU_TEST_DB_URL" ] && query="?${TUOGOU_TEST_DB_URL#*\?}"
	rest=${base#*://}
	DB="${base%%://*}://${rest%%/*}/$PG_DB$query"
	psql "$TUOGOU_TEST_DB_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$PG_DB\"" >"$LOG" 2>&1 ||
		step_fail "a scratch database on $TUOGOU_TEST_DB_URL"
	export TUOGOU_KEY=${TUOGOU_KEY:-$SCRATCH/tuogou.key} # the sealing key and the evidence
	SERVE_PG=(--evidence "$SCRATCH/evidence")            # folder: beside a SQLite file otherwise
fi

echo "# browser tests against $TUOGOU serve ($BUNDLE${PG_DB:+, PostgreSQL})"
"$TUOGOU" import --db "$DB" "$BUNDLE" >"$LOG" 2>&1 ||
	step_fail "tuogou import of $BUNDLE into a scratch database"
printf '%s\n' "$PASSWORD" | "$TUOGOU" user add "$USER_NAME" --role office --db "$DB" >"$LOG" 2>&1 ||
	step_fail "tuogou user add $USER_NAME --role office"
printf '%s\n' "$PASSWORD" | "$TUOGOU" user add unit06 --role unit --unit U06 --db "$DB" >"$LOG" 2>&1 ||
	step_fail "tuogou user add unit06 --role unit --unit U06"
printf '%s\n' "$PASSWORD" | "$TUOGOU" user add finance1 --role department --department finance --db "$DB" >"$LOG" 2>&1 ||
	step_fail "tuogou user add finance1 --role department --department finance"
# the three administrators: user add prints each one's TOTP secret, which the
# tests read from $TOTP to compute the codes their authenticators would show
TOTP=$SCRATCH/totp.json
sep='{'
for admin in sysadmin1:sysadmin secadmin1:secadmin auditor1:auditor; do
	name=${admin%%:*} role=${admin#*:}
	printf '%s\n' "$PASSWORD" | "$TUOGOU" user add "$name" --role "$role" --db "$DB" >"$LOG" 2>&1 ||
		step_fail "tuogou user add $name --role $role"
	secret=$(sed -n 's/^totp-secret: \([A-Z2-7]*\)$/\1/p' "$LOG")
	[ -n "$secret" ] || step_fail "tuogou user add $name --role $role prints a totp-secret"
	printf '%s"%s": "%s"' "$sep" "$name" "$secret" >>"$TOTP"
	sep=', '
done
echo '}' >>"$TOTP"
# ---- the record pages of every role (roles.test.mjs, issue 17): civil
# affairs and one association (洛阳市装备制造业协会, under U06)
printf '%s\n' "$PASSWORD" | "$TUOGOU" user add civil1 --role civil_affairs --db "$DB" >"$LOG" 2>&1 ||
	step_fail "tuogou user add civil1 --role civil_affairs"
printf '%s\n' "$PASSWORD" | "$TUOGOU" user add assoc1 --role association --association 51410300MJ56253326 --db "$DB" >"$LOG" 2>&1 ||
	step_fail "tuogou user add assoc1 --role association"
# ---- end of the record pages' users
"$TUOGOU" serve --db "$DB" --listen "127.0.0.1:$PORT" --web "$WEB_DIR" "${SERVE_PG[@]}" >"$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!

up=0
URL=
for _ in $(seq 1 100); do
	if [ -z "$URL" ]; then
		bound=$(sed -n 's|.*\(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$SCRATCH/server.log" | head -1)
		[ -n "$bound" ] && URL=$bound
	fi
	if [ -n "$URL" ] && [ "$(curl -fsS "$URL/healthz" 2>/dev/null)" = ok ]; then up=1; break; fi
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.2
done
if [ $up != 1 ]; then
	cp "$SCRATCH/server.log" "$LOG"
	step_fail "the server answers /healthz on ${URL:-127.0.0.1:$PORT}"
fi

# ---------------------------------------------------------------- 5. the tests
TUOGOU_BASE_URL=$URL TUOGOU_TEST_USER=$USER_NAME TUOGOU_TEST_PASSWORD=$PASSWORD TUOGOU_TEST_TOTP=$TOTP \
	timeout 900 node --test --test-concurrency=1 --test-reporter=tap ${TUOGOU_BROWSER_TESTS:-tests/browser/} >"$SCRATCH/tap" 2>&1
rc=$?

# node's TAP has "ok 3 - name" at column 0 for each top-level test; the
# repository's runner counts "ok - name" and "not ok - name".
n=$(grep -cE '^(not )?ok [0-9]+ - ' "$SCRATCH/tap")
awk '
	/^(not )?ok [0-9]+ - / {
		bad = ($1 == "not")
		line = $0
		sub(/^(not )?ok [0-9]+ - /, "", line)
		print (bad ? "not ok - " : "ok - ") line
		showing = bad
		next
	}
	showing && /^  / { print "#" $0 }
' "$SCRATCH/tap"
if [ "$n" = 0 ] || { [ $rc -ne 0 ] && ! grep -qE '^not ok [0-9]+ - ' "$SCRATCH/tap"; }; then
	echo "not ok - node --test tests/browser/ ran (exit $rc)"
	sed 's/^/#   /' "$SCRATCH/tap" | tail -n 40
	failed=1
fi
grep -qE '^not ok [0-9]+ - ' "$SCRATCH/tap" && failed=1
[ $rc -ne 0 ] && failed=1

# ---------------------------------------------------------------- 6. stop (trap)
if [ $failed != 0 ]; then
	echo "# server log (last lines):"
	tail -n 20 "$SCRATCH/server.log" | sed 's/^/#   /'
fi
echo "# screenshots: tests/artifacts/"
exit $failed
