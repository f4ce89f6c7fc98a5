#!/usr/bin/env bash
# remind_mail.sh: `tuogou remind --mail` sends each supervising unit its own
# digest and the joint office the whole one, through SMTP (libcurl), to the
# recipients of the mail settings (docs/mail.md); off unless configured.
# The SMTP server is a throw-away sink on 127.0.0.1 (tests/support/
# smtp_sink.py) that stops by itself.
. "$(dirname "$0")/../lib.sh"
DB=$(db_url reg)
DAY=2017-06-28
tg import --db "$DB" "$TOP/data/demo-bundle.json" >/dev/null
smtp_sink "$T/box" 60
trap 'kill $SINK 2>/dev/null; tg_cleanup' EXIT
PORT=$SMTP_PORT
[ -n "$PORT" ] && pass "the SMTP sink listens on 127.0.0.1:$PORT" || fail "no SMTP sink: $(cat "$T/sink.err")"

# Without settings: refused, nothing sent.
unset TUOGOU_SMTP_URL TUOGOU_SMTP_FROM TUOGOU_MAIL_CONFIG
expect_exit "remind --mail without settings is refused" 2 tg remind --db "$DB" --as-of $DAY --mail
expect_grep "and says what to configure" "TUOGOU_SMTP_URL" "$T/err"
expect_exit "a settings file that does not exist is refused" 2 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/none.conf"

cat >"$T/mail.conf" <<CONF
# tuogou mail settings for the test
smtp_url  = smtp://127.0.0.1:$PORT
smtp_from = tuogou@example.gov.cn
to.U06    = gxw@example.gov.cn, gxw-2@example.gov.cn
to.office = office@example.gov.cn
CONF
expect_exit "remind --mail sends" 0 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/mail.conf"
expect_grep "the digest is still printed" "催办提醒（截至2017年6月28日" "$T/out"
expect_grep "it reports each mail" "已发送：洛阳市工业和信息化委员会 → gxw@example.gov.cn, gxw-2@example.gov.cn" "$T/out"
expect_grep "two mails in all" "邮件：已发送 2 封" "$T/out"
expect_grep "a unit without recipients is named" "未配置“洛阳市商务局”（to.U09）的收件人" "$T/err"
expect_eq "the sink got two messages" 2 "$(ls "$T/box" | wc -l)"
python3 "$TOP/tests/support/mails.py" "$T/box" >"$T/mails"
expect_grep "the unit's mail goes to both its recipients" "^TO <gxw@example.gov.cn>,<gxw-2@example.gov.cn>" "$T/mails"
expect_grep "with a Chinese subject (RFC 2047)" "^SUBJECT 【催办提醒】洛阳市工业和信息化委员会：逾期 1 项，临近 2 项（截至2017年6月28日）" "$T/mails"
expect_grep "as UTF-8 plain text" "^TYPE text/plain utf-8" "$T/mails"
expect_grep "the unit's digest is in the body" "退休领导干部孟华云已年满70周岁" "$T/mails"
expect_grep "the office gets the whole digest" "^SUBJECT 【催办提醒】全市汇总：逾期 5 项，临近 32 项" "$T/mails"
grep -A200 '^TO <gxw@' "$T/mails" | sed '/^TO <office/,$d' >"$T/unitmail"
if grep -q "洛阳市商务局" "$T/unitmail"; then fail "a unit's mail carries another unit's items"; else pass "a unit's mail carries only its own items"; fi

# Issue 14: a unit's mail gives an over-age finding (due on a 70th birthday,
# which with the masked number is the whole ID number) by the year, unless
# the person is its own staff (孟华云 above); the office's mail, exact.
python3 - "$TOP/data/demo-bundle.json" >"$T/cadre.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
a = next(x["uscc"] for x in b["associations"] if x["name"] == "洛阳市轴承行业协会")
body = "11010519460310001"
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
num = body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]
print(json.dumps({"format": "tuogou-bundle/1",
    "persons": [{"id": "P-MAIL", "name": "邮件测试", "id_number": num, "civil_servant": True,
                 "leading_cadre": True, "retired_on": "2010-01-01"}],
    "posts": [{"id": "T-MAIL", "person": "P-MAIL", "association": a, "role": "director",
               "from": "2012-01-01",
               "approval": {"kind": "approval", "ref": "洛组干〔2012〕1号", "on": "2011-12-01"}}]},
    ensure_ascii=False))
PY
tg import --db "$DB" "$T/cadre.json" >/dev/null 2>"$T/err" || fail "import the cadre: $(cat "$T/err")"
rm -f "$T/box"/*
expect_exit "remind --mail with a retired cadre of nobody's staff" 0 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/mail.conf"
python3 "$TOP/tests/support/mails.py" "$T/box" >"$T/mails"
grep -A200 '^TO <gxw@' "$T/mails" | sed '/^TO <office/,$d' >"$T/unitmail"
sed -n '/^TO <office/,$p' "$T/mails" >"$T/officemail"
expect_grep "the unit's mail: the cadre's finding by the year" "2016年内.*邮件测试至2016年底已年满70周岁" "$T/unitmail"
if grep -q "2016-03-10\|2016年3月10日" "$T/unitmail"; then fail "the unit's mail gives the 70th birthday"; else pass "the unit's mail gives no day"; fi
expect_grep "... its own staff's still exact" "逾期  2016-04-12  四(二)  退休领导干部孟华云" "$T/unitmail"
expect_grep "the office's mail: the exact day" "逾期  2016-03-10  四(二)  退休领导干部邮件测试已年满70周岁" "$T/officemail"

# The environment overrides the file.
rm -f "$T/box"/*
TUOGOU_SMTP_FROM=reminders@example.gov.cn expect_exit "TUOGOU_SMTP_FROM overrides" 0 \
	tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/mail.conf"
grep -l '^X-Envelope-From: <reminders@example.gov.cn>' "$T/box"/*.eml >/dev/null &&
	pass "the envelope sender is the environment's" || fail "sender not overridden"

# A password in a file others may read is refused; 0600 is accepted.
printf 'smtp_password = s3cret\n' >>"$T/mail.conf"
chmod 0644 "$T/mail.conf"
expect_exit "a readable settings file with a password is refused" 2 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/mail.conf"
expect_grep "naming the mode" "0600" "$T/err"
# A recipient list that would inject a header is refused.
printf 'smtp_url = smtp://127.0.0.1:%s\nsmtp_from = a@b.cn\nto.U06 = x@y.cn>, "evil"\n' "$PORT" >"$T/bad.conf"
expect_exit "a bad address is refused (exit 3, nothing sent for it)" 3 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/bad.conf"
expect_grep "naming the address" "收件人地址" "$T/err"
# Nobody listening: the failure is reported, within the timeouts.
kill $SINK 2>/dev/null
wait $SINK 2>/dev/null
printf 'smtp_url = smtp://127.0.0.1:%s\nsmtp_from = a@b.cn\nto.office = o@b.cn\n' "$PORT" >"$T/down.conf"
expect_exit "no SMTP server: exit 3" 3 tg remind --db "$DB" --as-of $DAY --mail --mail-config "$T/down.conf"
expect_grep "with curl's reason" "邮件发送失败" "$T/err"
finish
