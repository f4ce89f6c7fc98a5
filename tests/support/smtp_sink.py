#!/usr/bin/env python3
# smtp_sink.py DIR [SECONDS]: a throw-away SMTP server for the mail tests.
# Listens on 127.0.0.1 only, on a free port it prints on the first line;
# writes each message it receives to DIR/N.eml with X-Envelope-From/To
# headers added; stops by itself after SECONDS (default 60).  Speaks just
# enough SMTP for libcurl (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
# (python3's smtpd is gone in 3.12; aiosmtpd is not in Debian 12's python.)
import socketserver, sys, os, threading
OUT = sys.argv[1]
class H(socketserver.StreamRequestHandler):
    timeout = 10
    def send(self, s): self.wfile.write((s + "\r\n").encode()); self.wfile.flush()
    def handle(self):
        self.send("220 sink ESMTP")
        frm, rcpt, n = None, [], 0
        while True:
            line = self.rfile.readline(65536)
            if not line: return
            cmd = line.decode("latin-1").rstrip("\r\n")
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"): self.send("250 sink")
            elif up.startswith("MAIL FROM:"): frm, rcpt = cmd[10:].strip(), []; self.send("250 ok")
            elif up.startswith("RCPT TO:"): rcpt.append(cmd[8:].strip()); self.send("250 ok")
            elif up == "DATA":
                self.send("354 go")
                data = []
                while True:
                    l = self.rfile.readline(65536)
                    if not l or l in (b".\r\n", b".\n"): break
                    data.append(l[1:] if l.startswith(b"..") else l)
                n += 1
                with open(os.path.join(OUT, "%d-%d.eml" % (os.getpid(), len(os.listdir(OUT)))), "wb") as f:
                    f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (frm, ",".join(rcpt))).encode() + b"".join(data))
                self.send("250 queued")
            elif up == "QUIT": self.send("221 bye"); return
            elif up in ("RSET", "NOOP"): self.send("250 ok")
            else: self.send("502 no")
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
threading.Timer(float(sys.argv[2]) if len(sys.argv) > 2 else 60, s.shutdown).start()
s.serve_forever()
