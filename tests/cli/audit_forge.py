#!/usr/bin/env python3
"""tests/cli/audit_forge.py: the attacker of issue 14, item 4, for
audit_chain.sh.  Reads the audit log as JSON (rows in seq order), drops one
record if asked, renumbers, recomputes the whole chain and prints the SQL
that replaces the log and the head in meta.

    audit_forge.py ROWS.json sha256 [--drop SEQ] [--alg-column] [--change SEQ]
    audit_forge.py ROWS.json KEYFILE [--drop SEQ] [--change SEQ]

"sha256" seals every record the way the code before the audit key did
(plain SHA-256, src/core/audit.c audit_seal): what anyone who can write the
file can do.  KEYFILE seals them with HMAC-SM3 under that key: what the
holder of the audit key can do (caught only by a checkpoint).  --change SEQ
rewrites that record's user.  --alg-column writes the alg column (absent
before migration 9)."""
import hashlib
import hmac
import json
import sys


def field(s):
    if s is None:
        return b"\xff" * 9
    b = s.encode()
    return b"L" + len(b).to_bytes(8, "big") + b


def body(r, prev):
    return prev + b"".join(field(x) for x in (
        str(r["seq"]), r["at"], r["user"], r["role"], r["ip"], r["event"],
        r["object"], r["outcome"], r["before"], r["after"]))


def seal(r, prev, key):
    if key is None:
        return hashlib.sha256(b"tuogou-audit/1" + body(r, prev)).digest()
    msg = b"tuogou-audit/2" + prev + field("hmac-sm3") + body(r, b"")
    return hmac.new(key, msg, "sm3").digest()


def lit(v):
    return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"


def main(argv):
    rows = json.load(open(argv[1]))
    key = None if argv[2] == "sha256" else open(argv[2], "rb").read()
    drop = int(argv[argv.index("--drop") + 1]) if "--drop" in argv else None
    change = int(argv[argv.index("--change") + 1]) if "--change" in argv else None
    alg_column = "--alg-column" in argv or key is not None
    out = ["DELETE FROM audit_log;"]
    prev = bytes(32)
    seq = 0
    for r in rows:
        if r["seq"] == drop:
            continue
        seq += 1
        r["seq"] = seq
        if r["seq"] == change:
            r["user"] = "intruder"
        h = seal(r, prev, key)
        cols = ["seq", "at", "user", "role", "ip", "event", "object", "outcome",
                "before", "after"]
        vals = [lit(r[c]) for c in cols] + [lit(prev.hex()), lit(h.hex())]
        cols += ["prev", "hash"]
        if alg_column:
            cols.append("alg")
            vals.append(lit("sha256" if key is None else "hmac-sm3"))
        out.append("INSERT INTO audit_log (%s) VALUES (%s);" % (
            ", ".join('"%s"' % c for c in cols), ", ".join(vals)))
        prev = h
    for k, v in (("audit_head_seq", str(seq)), ("audit_head_hash", prev.hex())):
        out.append("INSERT INTO meta (\"key\", \"value\") VALUES ('%s', '%s') ON CONFLICT "
                   "(\"key\") DO UPDATE SET \"value\" = excluded.\"value\";" % (k, v))
    out.append("DELETE FROM meta WHERE \"key\" IN ('audit_anchor_seq', 'audit_anchor_hash');")
    print("\n".join(out))


main(sys.argv)
