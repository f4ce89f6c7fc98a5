#!/usr/bin/env bash
# http_body.sh: request bodies and the memory they may take (issue 14, item
# 6).  A request to a route that takes a body is refused from its headers
# alone (no session 401, wrong role or CSRF token 403) before a byte of its
# body is read; 24 anonymous connections each sending 60 MiB to
# /api/v1/import leave the server's peak resident memory (VmHWM) within a
# modest bound; an office's large import is spooled to a private temporary
# file (folder 0700, nothing left behind) and still works; the server-wide
# budget of bodies in flight answers 503 server_busy with Retry-After and
# frees itself when those bodies end.  Everything on loopback, bounded in
# connections and time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"
need python3

http_setup
add_user office office
add_user unit1 unit --unit "$(q 'SELECT id FROM units ORDER BY id LIMIT 1')"
mkdir -m 0700 "$T/tmp"
export TMPDIR=$T/tmp # the server's private folder of spooled bodies goes here
serve_start

# ---- 24 anonymous connections each sending 60 MiB to /api/v1/import, before
# any login (Argon2id takes 64 MiB of its own at each)
python3 - "$HOSTPORT" "$SERVER_PID" <<'PY' >"$T/load.out"
import socket, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
pid = sys.argv[2]
N, SIZE, LIMIT = 24, 60 << 20, 60.0
def status():
    vals = {}
    for line in open("/proc/%s/status" % pid):
        k, _, v = line.partition(":")
        if k in ("VmHWM", "VmRSS"):
            vals[k] = int(v.split()[0]) // 1024
    return vals
before = status()
chunk = b"x" * (1 << 20)
sent = [0] * N
t0 = time.time()
def send(i):
    try:
        s = socket.create_connection((host, int(port)), timeout=10)
        s.sendall(("POST /api/v1/import HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % (sys.argv[1], SIZE)).encode())
        while sent[i] < SIZE and time.time() - t0 < LIMIT:
            s.sendall(chunk)
            sent[i] += len(chunk)
        s.settimeout(5)
        s.recv(200)
        s.close()
    except OSError:
        pass
threads = [threading.Thread(target=send, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
time.sleep(0.5)
after = status()
print("seconds=%.1f" % (time.time() - t0))
print("sent_mib=%d" % (sum(sent) >> 20))
print("hwm_before=%d" % before["VmHWM"])
print("rss_before=%d" % before["VmRSS"])
print("hwm_after=%d" % after["VmHWM"])
print("rss_after=%d" % after["VmRSS"])
PY
val() { sed -n "s/^$1=//p" "$T/load.out"; }
echo "# 24 anonymous connections x 60 MiB to /api/v1/import: $(val sent_mib) MiB accepted by the socket in $(val seconds) s;" \
	"VmHWM $(val hwm_before) -> $(val hwm_after) MiB, VmRSS $(val rss_before) -> $(val rss_after) MiB"
growth=$(($(val hwm_after) - $(val hwm_before)))
[ "$growth" -lt 64 ] && pass "peak resident memory grew $growth MiB (< 64 MiB) under 24 anonymous 60 MiB uploads" ||
	fail "peak resident memory grew $growth MiB (VmHWM $(val hwm_before) -> $(val hwm_after) MiB) under 24 anonymous 60 MiB uploads"
expect_eq "the server still answers after them" 200 "$(req GET /healthz)"

login office >/dev/null
login unit1 >/dev/null
TOKEN_OFFICE=$(awk '$6 == "tuogou_session" {print $7}' "$T/jar.office")
TOKEN_UNIT=$(awk '$6 == "tuogou_session" {print $7}' "$T/jar.unit1")
CSRF_OFFICE=$(cat "$T/csrf.office")
CSRF_UNIT=$(cat "$T/csrf.unit1")

# early COOKIE CSRF [PATH SIZE]: headers declaring a body of SIZE bytes (60
# MiB) to PATH (/api/v1/import), no body; the status answered within 3 s,
# or "none".
early() {
	python3 - "$HOSTPORT" "$@" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
cookie, csrf = sys.argv[2], sys.argv[3]
path = sys.argv[4] if len(sys.argv) > 4 else "/api/v1/import"
size = int(sys.argv[5]) if len(sys.argv) > 5 else 60 << 20
s = socket.create_connection((host, int(port)), timeout=3)
head = "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % (
    path, sys.argv[1], size)
if cookie:
    head += "Cookie: tuogou_session=%s\r\n" % cookie
if csrf:
    head += "X-CSRF-Token: %s\r\n" % csrf
s.sendall((head + "\r\n").encode())
try:
    line = s.recv(200).split(b"\r\n")[0].decode()
    print(line.split(" ")[1] if line.startswith("HTTP/") else "none")
except OSError:
    print("none")
PY
}

# ---- refused from the headers, before the body
expect_eq "no session: 401 before any of the 60 MiB body is sent" 401 "$(early '' '')"
expect_eq "a unit (not allowed to import): 403 before the body" 403 "$(early "$TOKEN_UNIT" "$CSRF_UNIT")"
expect_eq "an office without the CSRF token: 403 before the body" 403 "$(early "$TOKEN_OFFICE" '')"
expect_eq "an office with a wrong CSRF token: 403 before the body" 403 \
	"$(early "$TOKEN_OFFICE" 0000000000000000000000000000000000000000000000000000000000000000)"
expect_eq "a POST to a static path: 405 before its 512 KiB body" 405 "$(early '' '' /index.html 524288)"
expect_eq "a POST to an unknown API path: 404 before its 512 KiB body" 404 "$(early '' '' /api/v1/nothing 524288)"

# ---- an office's large import: spooled to a private file, and it works
python3 - "$BUNDLE" "$T/big.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
text = json.dumps(b, ensure_ascii=False, indent=1)
pad = " " * 4096 + "\n"
with open(sys.argv[2], "w") as f: # 24 MiB: the same bundle, widely spaced
    f.write(text[:-1])
    f.write(pad * ((24 << 20) // len(pad)))
    f.write(text[-1:])
PY
as office
BODY_DIR=$(ls -d "$T"/tmp/tuogou-body-* 2>/dev/null | head -1)
[ -n "$BODY_DIR" ] && expect_eq "the server's folder of spooled bodies is private (0700)" 700 "$(stat -c %a "$BODY_DIR")" ||
	fail "no tuogou-body-* folder in the server's TMPDIR"
code=$(req POST /api/v1/import -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	--data-binary "@$T/big.json")
expect_eq "an office imports a 24 MiB bundle (spooled): 200" 200 "$code"
expect_grep "the import counts its associations" '"associations": [1-9]' "$T/body"
code=$(req POST '/api/v1/import?dry_run=1' -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	-H 'Transfer-Encoding: chunked' --data-binary "@$T/big.json")
expect_eq "the same bundle sent chunked (no Content-Length): 200" 200 "$code"
[ -n "$BODY_DIR" ] && expect_eq "nothing is left in the folder of spooled bodies" "" "$(ls -A "$BODY_DIR")"

# ---- the budget of bodies in flight: 4 x 60 MiB held, the fifth is refused
python3 - "$HOSTPORT" "$TOKEN_OFFICE" "$CSRF_OFFICE" <<'PY' >"$T/budget.out"
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
token, csrf = sys.argv[2], sys.argv[3]
def open_upload(size):
    s = socket.create_connection((host, int(port)), timeout=3)
    s.sendall(("POST /api/v1/import?dry_run=1 HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
               "Cookie: tuogou_session=%s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
               % (sys.argv[1], token, csrf, size)).encode())
    return s
def answer(s):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            got = s.recv(4096)
            if not got:
                break
            data += got
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        n = int(hdrs.get("content-length", "0"))
        while len(rest) < n:
            got = s.recv(4096)
            if not got:
                break
            rest += got
        return lines[0].split(" ")[1], hdrs.get("retry-after", ""), rest.decode()
    except OSError:
        return "none", "", ""
held = [open_upload(60 << 20) for _ in range(4)]
time.sleep(0.3)
fifth = open_upload(60 << 20)
st, retry, body = answer(fifth)
print("fifth=%s" % st)
print("retry=%s" % retry)
print("code=%s" % ("server_busy" if '"code": "server_busy"' in body else body[:120].replace("\n", " ")))
for s in held:
    s.close()
time.sleep(1.5)
again = open_upload(60 << 20)
again.settimeout(1)
try:
    again.recv(1)
    print("after=answered") # an answer before the body: refused
except socket.timeout:
    print("after=reading") # waiting for the body: admitted
again.close()
PY
val() { sed -n "s/^$1=//p" "$T/budget.out"; }
expect_eq "a fifth 60 MiB upload while four are in flight: 503" 503 "$(val fifth)"
expect_eq "the 503 says when to retry (Retry-After)" 5 "$(val retry)"
expect_eq "the 503 carries the stable code server_busy" server_busy "$(val code)"
expect_eq "once those bodies end, a new 60 MiB upload is admitted" reading "$(val after)"
expect_eq "the server still answers" 200 "$(req GET /healthz)"

serve_stop
[ -n "$BODY_DIR" ] && { [ -e "$BODY_DIR" ] && fail "the folder of spooled bodies outlives the server" ||
	pass "the folder of spooled bodies is removed when the server stops"; }
finish
