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
trap 'rm -rf "$T"' EXIT
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

finish() {
	echo "# $(basename "$0"): $_passed passed, $_failed failed"
	[ "$_failed" = 0 ]
}
