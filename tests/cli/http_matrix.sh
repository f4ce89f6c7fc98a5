#!/usr/bin/env bash
# http_matrix.sh: the authorization matrix generated from the route table
# (`tuogou routes`): every route × every kind of caller (office,
# civil_affairs, a unit in and out of scope, departments of two kinds, an
# association in and out of scope, sysadmin, secadmin, auditor, no session)
# on concrete objects of the demo register, the status checked against the
# table; the security headers on every response; and no valid 18-digit ID
# number in any API response, page or download as the office sees them.
# The work is in http_matrix.py (python3, standard library only).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"

http_setup
serve_start
BASE=$BASE TUOGOU=$TUOGOU DB=$DB PW=$PW T=$T BUNDLE=$BUNDLE \
	python3 "$TOP/tests/cli/http_matrix.py" 2>"$T/matrix.err" | tee "$T/matrix.out"
rc=${PIPESTATUS[0]}
[ $rc = 0 ] || [ -s "$T/matrix.err" ] && sed 's/^/# /' "$T/matrix.err" | tail -20
# A failed check prints its own "not ok" and the summary line; a crash, or an
# exit before the matrix ran (a login refused), is a failure of its own.
if grep -q Traceback "$T/matrix.err"; then
	fail "http_matrix.py crashed"
elif ! grep -q '^# http_matrix.py: [0-9]* checks' "$T/matrix.out"; then
	fail "http_matrix.py stopped (exit $rc) before its checks: $(tail -1 "$T/matrix.err")"
fi
serve_stop
finish
