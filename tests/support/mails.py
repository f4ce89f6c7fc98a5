#!/usr/bin/env python3
# mails.py DIR: the messages smtp_sink.py kept in DIR (N.eml, in order) as
# text for the mail stories to grep: per message "TO <envelope recipients>",
# "SUBJECT ..." (RFC 2047 decoded), "TYPE type charset", then the body.
import email, glob, sys
from email import policy
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=policy.default)
    print("TO", m["X-Envelope-To"])
    print("SUBJECT", m["Subject"])
    print("TYPE", m.get_content_type(), m.get_content_charset())
    print(m.get_content())
