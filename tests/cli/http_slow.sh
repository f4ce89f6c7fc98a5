#!/usr/bin/env bash
# http_slow.sh: slow clients (issue 14, low): a bounded slowloris on
# loopback.  Three addresses (127.0.0.2-4) each try to hold 520 connections
# that send a header line every 3 s and never end their headers, opening
# new ones as the server closes them (at most 6000 attempts, 16 s); another
# address asks /healthz every 2 s meanwhile and must be answered within
# 2 s each time; a client trickling one byte a second must be closed at the
# header deadline (10 s) however steady its trickle; and no address holds
# more connections than the per-address limit.  "Held" is counted on the
# server's side: its own socket descriptors (/proc/PID/fd) whose peer is the
# address (/proc/net/tcp).  A connection the kernel has completed but the
# server has not yet accepted sits in the listen backlog, not in the server,
# and counting it from the client's side made the figure depend on how busy
# the machine was (520 seen under a loaded CI run); a connection counts once
# held for 0.2 s, since one accepted past the limit is closed at once (a
# sample caught 301 in that instant).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/http_lib.bash"
need python3

http_setup
serve_start

python3 - "$PORT" "$SERVER_PID" <<'PY' >"$T/slow.out"
import os, resource, select, socket, sys, time
port, server_pid = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
ADDRS, PER_ADDR, RUN, MAX_ATTEMPTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"], 520, 16.0, 6000
HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
attempts = 0
def attack_open(addr):
    global attempts
    attempts += 1
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((addr, 0))
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        return None
    return s
def alive(s):
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
first_seen = {}
def server_held():
    """Connections per peer address among the server process's own sockets
    that it has held for 0.2 s at least: past the limit libmicrohttpd accepts
    a connection and closes it at once, and that instant is a refusal, not a
    connection held (a sample once caught the 301st)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % server_pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (server_pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        return {}
    peers = {"%08X" % int.from_bytes(socket.inet_aton(a), "little"): a for a in ADDRS}
    held = {a: 0 for a in ADDRS}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            col = line.split()
            if col[9] in inodes and col[2].split(":")[0] in peers:
                if time.time() - first_seen.setdefault(col[9], time.time()) >= 0.2:
                    held[peers[col[2].split(":")[0]]] += 1
    return held
conns = {a: [] for a in ADDRS}
sent_at = {}
def top_up():
    for a in ADDRS:
        conns[a] = [s for s in conns[a] if alive(s) or s.close()]
        while len(conns[a]) < PER_ADDR and attempts < MAX_ATTEMPTS:
            s = attack_open(a)
            if s is None:
                break
            conns[a].append(s)
def trickle(now):
    for a in ADDRS:
        for s in conns[a]:
            last = sent_at.get(s.fileno())
            if last is None or now - last >= 3:
                try:
                    s.send(HEAD if last is None else b"X-Slow: 1\r\n")
                except OSError:
                    pass
                sent_at[s.fileno()] = now
def probe():
    t = time.time()
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.5", 0))
        s.settimeout(2)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            got = s.recv(200)
            if not got:
                break
            data += got
        s.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, time.time() - t
# one steady trickler: a byte every second, never ending its headers
steady = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.6", 0))
steady_open = True
steady_closed_at = None
msg = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: " + b"a" * 100
t0 = time.time()
next_probe, next_byte, i = t0 + 2, t0, 0
probes, held_max = [], {a: 0 for a in ADDRS}
while time.time() - t0 < RUN:
    now = time.time()
    for a, n in server_held().items():
        held_max[a] = max(held_max[a], n)
    top_up()
    trickle(now)
    if steady_open and now >= next_byte:
        try:
            if not alive(steady):
                raise OSError
            steady.send(msg[i:i + 1])
            i += 1
        except OSError:
            steady_open = False
            steady_closed_at = now - t0
        next_byte += 1
    if now >= next_probe:
        probes.append(probe())
        next_probe += 2
    time.sleep(0.05)
for a in ADDRS:
    for s in conns[a]:
        s.close()
print("probes=%d" % len(probes))
print("probes_ok=%d" % sum(1 for ok, _ in probes if ok))
print("probe_max_s=%.2f" % max((d for _, d in probes), default=0))
print("steady_closed_at=%s" % ("%.0f" % steady_closed_at if steady_closed_at is not None else "open"))
print("held_max=%d" % max(held_max.values()))
print("client_max=%d" % max(len(c) for c in conns.values()))
print("attempts=%d" % attempts)
PY
val() { sed -n "s/^$1=//p" "$T/slow.out"; }
echo "# $(val attempts) connections attempted from 3 addresses; at most $(val held_max) held by one address;" \
	"$(val probes_ok) of $(val probes) /healthz answered, slowest $(val probe_max_s) s;" \
	"the steady trickler closed after $(val steady_closed_at) s"
[ "$(val probes)" -ge 6 ] && expect_eq "/healthz answers 200 within 2 s all through the attack" "$(val probes)" "$(val probes_ok)" ||
	fail "too few /healthz probes ran: $(val probes)"
closed=$(val steady_closed_at)
case $closed in
open) fail "a client trickling a byte a second is never closed (16 s)" ;;
*) [ "$closed" -ge 9 ] && [ "$closed" -le 14 ] &&
	pass "a client trickling a byte a second is closed at the header deadline ($closed s)" ||
	fail "the steady trickler was closed after $closed s, not at the 10 s header deadline" ;;
esac
[ "$(val held_max)" -ge 50 ] && pass "the server's own sockets show the attack ($(val held_max) held by one address)" ||
	fail "the count of the server's sockets saw no attack (held_max $(val held_max)): the measurement is broken"
[ "$(val held_max)" -le 300 ] && pass "no address holds more than 300 connections ($(val held_max))" ||
	fail "one address held $(val held_max) connections (the per-address limit is 300)"
expect_eq "the server answers after the attack" 200 "$(req GET /healthz)"
serve_stop
finish
