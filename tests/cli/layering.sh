#!/usr/bin/env bash
# layering.sh: the transport stays in the front end and the headers form a
# DAG (issue 16): at most 3 files of src/http name libmicrohttpd (MHD_), and
# no include cycle among the headers and sources of src/http, src/io and
# src/app (tests/cli/layering.py says what a cycle is).  LAYERING_ROOT checks another
# tree (the proof that it fails on the tree before issue 16).
. "$(dirname "$0")/../lib.sh"

root=${LAYERING_ROOT:-$TOP}
py="$(dirname "$0")/layering.py"

mhd=$(python3 "$py" "$root" mhd)
n=$(printf '%s' "$mhd" | grep -c .)
if [ "$n" -le 3 ]; then
	pass "MHD_ is named by $n file(s) of src/http (at most 3)"
else
	fail "MHD_ is named by $n files of src/http (at most 3): $(echo $mhd)"
fi
expect_eq "server.c, the front end, names MHD_" 1 "$(printf '%s\n' "$mhd" | grep -c '^src/http/server.c$')"

cycles=$(python3 "$py" "$root" cycles)
expect_eq "no include cycle in src/http, src/io or src/app" "" "$cycles"

# The check itself sees a cycle and a front end's name when there is one.
mkdir -p "$T/tree/src/http" "$T/tree/src/io"
printf '#include "b.h"\nint a_one(void);\n' >"$T/tree/src/http/a.h"
printf '#include "a.h"\nint b_one(void) { return a_one(); }\n' >"$T/tree/src/http/b.c"
printf 'int b_one(void);\n' >"$T/tree/src/http/b.h"
printf '#include "b.h"\nint a_one(void) { return b_one(); }\n/* MHD_queue_response */\n' \
	>"$T/tree/src/http/a.c"
expect_eq "a made-up cycle is found" "src/http/a.c src/http/a.h src/http/b.c src/http/b.h" \
	"$(python3 "$py" "$T/tree" cycles)"
expect_eq "a made-up MHD_ is found" "src/http/a.c" "$(python3 "$py" "$T/tree" mhd)"

finish
