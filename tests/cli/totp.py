#!/usr/bin/env python3
"""tests/cli/totp.py: the RFC 6238 code a test user's authenticator would show.

    totp.py SECRET [STATE_FILE]      prints the 6-digit code

Written from the RFC with the standard library only (hmac, hashlib), so it
checks the server's TOTP independently.  The server accepts a step once;
with STATE_FILE the last step used is remembered and the next call takes a
later step (the server allows one step of drift), waiting when it must.
"""
import base64
import hashlib
import hmac
import os
import struct
import sys
import time


def hotp(secret_b32, counter):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def next_step(last):
    """The step to use after step `last` (-1: none used yet), waiting when
    the server would not take any: it takes the steps now-1 .. now+1 of its
    own clock when the code arrives.  The previous step is good for a fresh
    account only while the server cannot pass a step boundary before it
    checks the code: not in the last 8 s of a step (a loaded machine, ASan)."""
    while True:
        t = time.time()
        now = int(t) // 30
        oldest = now - 1 if t - now * 30 < 22 else now
        step = max(oldest, last + 1)
        if step <= now + 1:
            return step
        time.sleep(1)


def main():
    secret = sys.argv[1]
    state = sys.argv[2] if len(sys.argv) > 2 else None
    last = -1
    if state and os.path.exists(state):
        with open(state) as f:
            last = int(f.read().strip() or -1)
    step = next_step(last)
    if state:
        with open(state, "w") as f:
            f.write(str(step))
    print(hotp(secret, step))


if __name__ == "__main__":
    main()
