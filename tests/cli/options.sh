#!/usr/bin/env bash
# Every command reads its options from one table (src/cli/cli_options.c):
# options and operands in any order, --NAME=VALUE or --NAME VALUE, -o for
# --output, unambiguous prefixes; an unknown option, a missing value or a
# repeated option past its room is refused with exit 2 and the command's
# usage or the reason, and nothing is written.
# valgrind: yes
. "$(dirname "$0")/../lib.sh"
DB=$(db_url opt)
DEMO=$TOP/data/demo-bundle.json

expect_exit "import takes the file before its --db" 0 tg import "$DEMO" --db "$DB"
tg check --db "$DB" --as-of 2017-12-31 --format json >"$T/a.json"
tg check --format=json --as-of=2017-12-31 --db="$DB" >"$T/b.json"
expect_eq "--NAME=VALUE reads as --NAME VALUE, in any order" "$(sha256sum <"$T/a.json")" "$(sha256sum <"$T/b.json")"
tg check --d "$DB" --as 2017-12-31 --fo json >"$T/c.json"
expect_eq "an unambiguous prefix names its option" "$(sha256sum <"$T/a.json")" "$(sha256sum <"$T/c.json")"

expect_exit "an unknown option: exit 2" 2 tg check --db "$DB" --as-of 2017-12-31 --colour red
expect_grep "... with the command's usage" "用法: tuogou check" "$T/err"
expect_exit "an option without its value: exit 2" 2 tg check --db "$DB" --as-of
expect_grep "... with the command's usage" "用法: tuogou check" "$T/err"
expect_exit "a flag given a value: exit 2" 2 tg export --db "$DB" --template=yes -o "$T/t.xlsx"
[ -e "$T/t.xlsx" ] && fail "... and no file is written" || pass "... and no file is written"

sets=()
for i in $(seq 1 65); do sets+=(--set "p$i=1"); done
expect_exit "65 --set where 64 fit: exit 2" 2 tg check --db "$DB" --as-of 2017-12-31 "${sets[@]}"
expect_grep "... saying how many fit" "\-\-set 过多（最多 64 个）" "$T/err"

expect_exit "-o is --output" 0 tg check --db "$DB" --as-of 2017-12-31 --format xlsx -o "$T/f.xlsx"
[ -s "$T/f.xlsx" ] && pass "... and the workbook is written" || fail "... and the workbook is written"

expect_exit "a subcommand's options after it (audit verify --db)" 0 tg audit verify --db "$DB"
expect_exit "... and an unknown one refused" 2 tg audit verify --db "$DB" --later
expect_exit "remind --within out of range: exit 2" 2 tg remind --db "$DB" --as-of 2017-12-31 --within 999
expect_grep "... naming the option" "\-\-within 应为 0 到 250" "$T/err"
finish
