# tests/cli/http_lib.bash: what the HTTP stories (http_*.sh) share.  Source
# it after ../lib.sh.  Not a story itself (tests/run runs *.sh only).
#
#   http_setup                 fresh database from the demo register (or the
#                              small tests/data/http-bundle.json)
#   two_units                  A1 (an association with a unit), U1 its unit,
#                              A2 an association of another unit
#   add_user NAME ROLE [opts]  tuogou user add, password $PW (a TOTP secret it
#                              prints is kept in $T/totp.NAME)
#   serve_start                tuogou serve on a free loopback port; $BASE
#   login NAME [PASSWORD]      prints the status; session in $T/jar.NAME
#                              (with the TOTP code when NAME has a secret)
#                              (a cookie already there is presented), CSRF
#                              token in $T/csrf.NAME: call `as NAME` next
#   req METHOD PATH [curl args...]   status on stdout, body $T/body, headers $T/hdr
#   as NAME                    following req calls use NAME's session
#
# The server is stopped by the EXIT trap (and its clean exit checked by
# serve_stop, which each story calls before finish).
export LC_ALL=C.UTF-8
BUNDLE=$TOP/data/demo-bundle.json
[ -f "$BUNDLE" ] || BUNDLE=$TOP/tests/data/http-bundle.json
DB=$(db_url tuogou)
WEB=$T/web
PW='Zz-test-Pass-2017'
SERVER_PID=
USER_JAR=
CSRF=

serve_kill() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	SERVER_PID=
}
trap 'serve_kill; tg_cleanup' EXIT

http_setup() {
	mkdir -p "$WEB/assets"
	printf '<!doctype html><html lang="zh-CN"><title>脱钩</title><script src="/assets/app.js"></script></html>\n' >"$WEB/index.html"
	printf 'console.log("ok");\n' >"$WEB/assets/app.js"
	printf 'body{}\n' >"$WEB/assets/app.css"
	printf 'secret\n' >"$T/secret.txt"
	tg import --db "$DB" "$BUNDLE" >/dev/null 2>"$T/err" || {
		fail "import $BUNDLE: $(head -c 300 "$T/err")"
		finish
		exit 1
	}
}

# two_units: A1, the first association with a unit, U1 its unit, and A2
# the first association of another unit.
two_units() {
	A1=$(q "SELECT uscc FROM associations WHERE unit IS NOT NULL ORDER BY uscc LIMIT 1")
	U1=$(q "SELECT unit FROM associations WHERE uscc = '$A1'")
	A2=$(q "SELECT uscc FROM associations WHERE unit IS NOT NULL AND unit <> '$U1' ORDER BY uscc LIMIT 1")
}

# q SQL: run SQL on the story's database (sqlite3, or psql on PostgreSQL)
q() {
	if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
		psql "$DB" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"
	else
		sqlite3 -batch -noheader "$DB" "$@"
	fi
}

add_user() { # add_user NAME ROLE [options...]
	local name=$1 role=$2
	shift 2
	printf '%s\n' "$PW" | tg user add "$name" --role "$role" --db "$DB" "$@" >"$T/useradd" 2>"$T/err" ||
		fail "user add $name: $(cat "$T/err")"
	sed -n 's/^totp-secret: //p' "$T/useradd" >"$T/totp.$name"
	[ -s "$T/totp.$name" ] || rm -f "$T/totp.$name"
}

# totp_code NAME: the current TOTP code of NAME (each step used once).
totp_code() { python3 "$TOP/tests/cli/totp.py" "$(cat "$T/totp.$1")" "$T/totpstep.$1"; }

serve_start() {
	$TUOGOU_WRAP "$TUOGOU" serve --db "$DB" --listen 127.0.0.1:0 --web "$WEB" --evidence "$T/evidence" \
		"$@" 2>"$T/serve.log" &
	SERVER_PID=$!
	local i
	for i in $(seq 1 100); do
		PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.log" | head -1)
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	if [ -z "$PORT" ]; then
		fail "server did not start: $(head -c 400 "$T/serve.log")"
		finish
		exit 1
	fi
	BASE=http://127.0.0.1:$PORT
	HOSTPORT=127.0.0.1:$PORT
}

# serve_stop: SIGTERM, and the server must exit 0 (under ASan: no leak).
serve_stop() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	local rc=$?
	SERVER_PID=
	if [ $rc = 0 ]; then pass "server stops cleanly on SIGTERM"; else
		fail "server exit $rc: $(grep -v '^20..-' "$T/serve.log" | head -c 1500)"
	fi
}

as() { USER_JAR=$T/jar.$1; CSRF=$(cat "$T/csrf.$1" 2>/dev/null); }

req() { # req METHOD PATH [curl args...]
	local method=$1 path=$2
	shift 2
	local jar=()
	[ -n "$USER_JAR" ] && jar=(-b "$USER_JAR" -c "$USER_JAR")
	curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$method" "${jar[@]}" "$@" "$BASE$path"
}

# A state-changing JSON request with the session's CSRF token.
send() { # send METHOD PATH JSON [curl args...]
	local method=$1 path=$2 json=$3
	shift 3
	req "$method" "$path" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
		--data-binary "$json" "$@"
}

login() { # login NAME [PASSWORD]
	local name=$1 pw=${2:-$PW}
	USER_JAR=$T/jar.$name
	local code totp=
	[ -f "$T/totp.$name" ] && totp=", \"totp\": \"$(totp_code "$name")\""
	code=$(req POST /api/v1/session -H 'Content-Type: application/json' \
		--data-binary "{\"username\": \"$name\", \"password\": \"$pw\"$totp}")
	sed -n 's/.*"csrf_token": "\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/csrf.$name"
	CSRF=$(cat "$T/csrf.$name")
	echo "$code"
}

body() { cat "$T/body"; }
# json_field KEY: the first string value of KEY in the body.
json_field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/body" | head -1; }
json_number() { sed -n "s/.*\"$1\": \\([0-9]*\\).*/\\1/p" "$T/body" | head -1; }
header() { grep -i "^$1:" "$T/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
