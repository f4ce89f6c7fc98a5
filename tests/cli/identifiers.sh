#!/usr/bin/env bash
# A registration clerk checks identifiers and deadlines at the command line.
# valgrind: yes
. "$(dirname "$0")/../lib.sh"

# The standard's own USCC example is valid; a wrong check character is named.
expect_eq "USCC of GB 32100 example is valid" valid "$(tg validate uscc 91350100M000100Y43)"
expect_exit "wrong USCC check character exits 1" 1 tg validate uscc 91110000600037341N
expect_grep "the expected check character L is named" "应为 L" "$T/out"
expect_eq "a social organisation's USCC is valid" valid "$(tg validate uscc 53100000500021676K)"
expect_exit "USCC with a forbidden letter O exits 1" 1 tg validate uscc 9111000060003734OL

# ID numbers (GB 11643-1999).
expect_eq "ID of GB 11643 example is valid" valid "$(tg validate id 11010519491231002X)"
expect_eq "lower-case x is accepted" valid "$(tg validate id 11010519491231002x)"
expect_exit "February 30 is refused" 1 tg validate id 110105194902300020
expect_grep "the bad birth date is explained in Chinese" "出生日期" "$T/out"
expect_exit "wrong ID check digit exits 1" 1 tg validate id 110105194912310021
expect_exit "validate without a kind is a usage error" 2 tg validate
expect_exit "unknown identifier kind is a usage error" 2 tg validate passport X

# Working days across the 2017 National Day holiday.
expect_eq "10 working days after 2017-09-28" 2017-10-18 "$(tg calendar add-workdays 2017-09-28 10)"
expect_eq "2017-09-30 (Saturday) is a 调休 working day" workday "$(tg calendar is-workday 2017-09-30)"
expect_eq "2017-10-02 is a holiday" rest "$(tg calendar is-workday 2017-10-02)"
expect_eq "an ordinary Sunday is rest" rest "$(tg calendar is-workday 2017-09-24)"
expect_eq "0 working days is the day itself" 2017-09-28 "$(tg calendar add-workdays 2017-09-28 0)"
expect_exit "a year outside the data still answers" 0 tg calendar is-workday 2030-01-01
expect_grep "with a note on stderr that the data stops in 2026" "2026" "$T/err"
expect_exit "2017-02-30 is refused" 2 tg calendar is-workday 2017-02-30
expect_exit "a negative count is refused" 2 tg calendar add-workdays 2017-09-28 -1
# Every working day of a range, one a line: 09-30 (a Saturday) works, 10-01..10-08 rest.
expect_eq "working days from 2017-09-28 to 2017-10-10" "2017-09-28 2017-09-29 2017-09-30 2017-10-09 2017-10-10" \
	"$(tg calendar workdays 2017-09-28 2017-10-10 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a range of one rest day is empty" "" "$(tg calendar workdays 2017-10-01 2017-10-01)"
expect_exit "a range that ends before it begins is refused" 2 tg calendar workdays 2017-10-10 2017-09-28
finish
