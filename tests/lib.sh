# tests/lib.sh: what the CLI test stories share.  Source it from a story:
#
#   . "$(dirname "$0")/../lib.sh"
#   tg import --db "$T/db" bundle.json && pass "imports" || fail "imports"
#   ...
#   finish
#
# Each check prints "ok - ..." or "not ok - ..."; tests/run counts them.
# TUOGOU is the binary under test (build/tuogou by default), T a scratch
# directory removed at the end.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TUOGOU=${TUOGOU:-$TOP/build/tuogou}
T=$(mktemp -d "${TMPDIR:-/tmp}/tuogou-test.XXXXXX")
trap 'tg_cleanup' EXIT
# The key file that seals ID numbers lies beside a SQLite file ($T/tuogou.key);
# a PostgreSQL database gets the same one.
[ -n "${TUOGOU_TEST_DB_URL:-}" ] && export TUOGOU_KEY=${TUOGOU_KEY:-$T/tuogou.key}
_passed=0
_failed=0

# TUOGOU_WRAP runs the binary under a tool (valgrind, exiting 99 on an error).
TUOGOU_WRAP=${TUOGOU_WRAP:-}
tg() {
	$TUOGOU_WRAP "$TUOGOU" "$@"
	local rc=$?
	[ $rc -eq 99 ] && [ -n "$TUOGOU_WRAP" ] && fail "memory errors under $TUOGOU_WRAP: tuogou $*" >&2
	return $rc
}

# db_url NAME: the database a story uses as --db: the scratch SQLite file
# $T/NAME.db, or, when TUOGOU_TEST_DB_URL is set (a PostgreSQL URL or libpq
# keyword string: tests/run's PostgreSQL pass), a fresh database created on
# that server and dropped by tg_cleanup.  It has instr(), so that the SQL of
# the stories' checks reads the same in sqlite3 and in psql.
db_url() {
	if [ -z "${TUOGOU_TEST_DB_URL:-}" ]; then
		echo "$T/$1.db"
		return
	fi
	local name url
	name=$(printf 'tg_%s_%s_%s' "$(basename "$0" .sh)" "$$" "$1" | tr -c 'a-zA-Z0-9_\n' _)
	case $TUOGOU_TEST_DB_URL in
	postgres://* | postgresql://*) # scheme://authority/dbname?params: replace dbname
		local base=${TUOGOU_TEST_DB_URL%%\?*} query=
		[ "$base" != "$TUOGOU_TEST_DB_URL" ] && query="?${TUOGOU_TEST_DB_URL#*\?}"
		local rest=${base#*://}
		url="${base%%://*}://${rest%%/*}/$name$query"
		;;
	*) url="$TUOGOU_TEST_DB_URL dbname=$name" ;;
	esac
	psql "$TUOGOU_TEST_DB_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null &&
		echo "$name" >>"$T/pg-databases" &&
		psql "$url" -X -q -v ON_ERROR_STOP=1 -c 'CREATE FUNCTION instr(text, text) RETURNS integer
			LANGUAGE sql IMMUTABLE AS $$ SELECT position($2 in $1) $$' >/dev/null ||
		echo "db_url: cannot create the database $name" >&2
	echo "$url"
}

# smtp_sink DIR SECONDS: a throw-away SMTP server on 127.0.0.1 keeping what
# it gets in DIR (tests/support/smtp_sink.py); $SINK its pid (for the EXIT
# trap), $SMTP_PORT its port.  Read the messages with tests/support/mails.py.
smtp_sink() {
	mkdir -p "$1"
	python3 "$TOP/tests/support/smtp_sink.py" "$1" "$2" >"$T/port" 2>"$T/sink.err" &
	SINK=$!
	for _ in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
	SMTP_PORT=$(head -1 "$T/port")
}

# At exit: drop the story's PostgreSQL databases, remove $T.
tg_cleanup() {
	local name
	if [ -n "${TUOGOU_TEST_DB_URL:-}" ] && [ -f "$T/pg-databases" ]; then
		while read -r name; do
			psql "$TUOGOU_TEST_DB_URL" -X -q -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
				>/dev/null 2>&1
		done <"$T/pg-databases"
	fi
	rm -rf "$T"
}

pass() { _passed=$((_passed + 1)); echo "ok - $*"; }
fail() { _failed=$((_failed + 1)); echo "not ok - $*"; }

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_exit DESCRIPTION CODE COMMAND...: run COMMAND, compare its status
expect_exit() {
	local desc=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" = "$want" ]; then pass "$desc"; else
		fail "$desc: exit $got, expected $want; stderr: $(head -c 400 "$T/err")"
	fi
}

# expect_grep DESCRIPTION PATTERN FILE
expect_grep() {
	if grep -q -- "$2" "$3"; then pass "$1"; else fail "$1: no [$2] in $(head -c 400 "$3")"; fi
}

# sqlite_only WHY: a story that works on SQLite files ends here, passed,
# on PostgreSQL, saying why.
sqlite_only() {
	if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
		echo "# $(basename "$0"): skipped on PostgreSQL ($1)"
		exit 0
	fi
}

# need COMMAND...: each must be installed, else the story fails here.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || { fail "$c missing"; finish; exit; }
	done
}

finish() {
	echo "# $(basename "$0"): $_passed passed, $_failed failed"
	[ "$_failed" = 0 ]
}
