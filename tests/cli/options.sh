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

# tuogou user (issue 16: it left getopt for the table): every flag as before.
PW='Zz-test-Pass-2017'
user_add() { printf '%s\n' "$PW" | tg user add "$@"; }
expect_exit "user add: the name after its options, --NAME=VALUE" 0 \
	user_add --db="$DB" --role=office --display-name "王 办公室" wang
expect_grep "... made" "已建立用户 wang（联合工作组办公室）" "$T/out"
expect_exit "user add: a prefix (--disp, --ro) names its option" 0 user_add li --ro civil_affairs --disp 李 --db "$DB"
tg user list --db "$DB" >"$T/list"
expect_grep "user list shows both, with their display names" "^li	civil_affairs	-	李	" "$T/list"
expect_grep "... and the first" "^wang	office	-	王 办公室	" "$T/list"
expect_exit "user add --totp: a secret printed" 0 user_add zhao --role office --totp --db "$DB"
expect_grep "... once" "^totp-secret: [A-Z2-7]\{32\}$" "$T/out"
expect_exit "an administrator gets one without --totp" 0 user_add sec1 --role secadmin --db "$DB"
expect_grep "... printed" "^totp-secret: " "$T/out"
if [ -n "${TUOGOU_TEST_DB_URL:-}" ]; then
	UNIT=$(psql "$DB" -X -At -c "SELECT id FROM units ORDER BY id LIMIT 1")
else
	UNIT=$(sqlite3 "$DB" "SELECT id FROM units ORDER BY id LIMIT 1")
fi
expect_exit "a unit account names its unit" 0 user_add u1 --role unit --unit "$UNIT" --db "$DB"
expect_exit "user add without --role: exit 2" 2 user_add nobody --db "$DB"
expect_grep "... with the usage" "用法: tuogou user add" "$T/err"
expect_exit "user add with two names: exit 2" 2 user_add a1 a2 --role office --db "$DB"
expect_exit "user add --colour: exit 2" 2 user_add a3 --role office --colour red --db "$DB"
expect_exit "--totp given a value: exit 2" 2 user_add a4 --role office --totp=yes --db "$DB"
expect_exit "a scope the role does not take, named by its option" 2 \
	user_add a5 --role office --department finance --db "$DB"
expect_grep "... --department" "\-\-department" "$T/err"
tg user list --db "$DB" >"$T/list2"
expect_eq "none of the refused accounts was made" "$(wc -l <"$T/list")" "$(($(wc -l <"$T/list2") - 3))"
expect_exit "user list with an operand: exit 2" 2 tg user list extra --db "$DB"
for cmd in export serve; do
	expect_exit "$cmd with an operand: exit 2" 2 tg $cmd extra --db "$DB"
	expect_grep "... with its usage line" "^用法: tuogou $cmd " "$T/err"
done
expect_exit "user totp NAME --db: a new secret" 0 tg user totp --db "$DB" zhao
expect_grep "... printed" "^totp-secret: [A-Z2-7]\{32\}$" "$T/out"
expect_exit "user totp without a name: exit 2" 2 tg user totp --db "$DB"
expect_exit "user totp of no account: exit 2" 2 tg user totp nobody --db "$DB"
finish
