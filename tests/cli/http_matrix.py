#!/usr/bin/env python3
"""tests/cli/http_matrix.py: the authorization matrix, generated from the
route table (`tuogou routes`), run against a live `tuogou serve`.

For every route of the table and every kind of caller -- office,
civil_affairs, a unit in and out of the object's scope, departments of two
kinds (finance, organization), an association in and out of scope, the three
administrators, and no session -- it calls the route on a concrete object of
the demo register and checks the status against what the table says:

    no session on a route that needs one       401
    a role the route does not list              403
    a create the role has no right to           403  (policy.c's rights)
    an object outside the caller's scope        404
    otherwise                                   the route's success (200/201/204)

A few routes whose bodies are hard to make valid in general (the checklist,
a summary's return, sheets import) are called with an empty body: an allowed caller then gets
400, never 401/403/404.  A route of the table that this script does not know
is still called (GET with no parameters, POST/PUT with {}): an allowed caller
must get neither 401 nor 403 nor 404 nor 5xx.

Every response is also checked for the security headers, and, with the
office role, every GET route of every array (every page), the web page and
the xlsx downloads are searched for a valid 18-digit ID number (GB 11643
check digit): there must be none.

Environment: BASE (http://127.0.0.1:PORT), TUOGOU (binary), DB, PW (the
password of every test user), T (scratch directory).  Prints TAP-like lines
"ok - ..." / "not ok - ..." that tests/run counts.
"""
import http.client
import io
import json
import os
import re
import subprocess
import sys
import urllib.parse
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from totp import hotp, next_step  # noqa: E402  (the stories' authenticator)

BASE = os.environ["BASE"]
TUOGOU = os.environ["TUOGOU"]
DB = os.environ["DB"]
PW = os.environ["PW"]
T = os.environ["T"]
HOST = urllib.parse.urlparse(BASE).netloc

passed = failed = 0
failures = []


def ok(cond, what, quiet=False):
    global passed, failed
    if cond:
        passed += 1
        if not quiet:
            print("ok - " + what)
    else:
        failed += 1
        failures.append(what)
        print("not ok - " + what)
    return cond


# ---------------------------------------------------------------- HTTP

class Client:
    def __init__(self, name=None):
        self.name = name
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, ctype="application/json", headers=None):
        conn = http.client.HTTPConnection(HOST, timeout=60)
        h = {"Host": HOST}
        if self.cookie:
            h["Cookie"] = self.cookie
        if method not in ("GET", "HEAD") and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        if body is not None:
            if isinstance(body, (dict, list)):
                body = json.dumps(body, ensure_ascii=False).encode()
            elif isinstance(body, str):
                body = body.encode()
            h["Content-Type"] = ctype
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        sc = hdrs.get("set-cookie", "")
        m = re.match(r"tuogou_session=([0-9a-f]*);", sc)
        if m:
            self.cookie = "tuogou_session=" + m.group(1) if m.group(1) else None
        return r.status, hdrs, data

    def json(self, method, path, body=None):
        st, _, data = self.call(method, path, body)
        try:
            return st, json.loads(data.decode() or "null")
        except ValueError:
            return st, None


# ---------------------------------------------------------------- users

users = {}   # key -> Client
secrets = {}
last_step = {}
made = set()


def add_user(name, role, *opts):
    if name in made:
        return
    p = subprocess.run([TUOGOU, "user", "add", name, "--role", role, "--db", DB] + list(opts),
                       input=PW + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("user add %s failed: %s" % (name, p.stderr))
    m = re.search(r"^totp-secret: (\S+)$", p.stdout, re.M)
    if m:
        secrets[name] = m.group(1)
    made.add(name)


def login(name):
    c = Client(name)
    body = {"username": name, "password": PW}
    if name in secrets:
        step = next_step(last_step.get(name, -1))
        last_step[name] = step
        body["totp"] = hotp(secrets[name], step)
    st, data = c.json("POST", "/api/v1/session", body)
    if st != 200:
        raise SystemExit("login %s: %s %s" % (name, st, data))
    c.csrf = data["csrf_token"]
    return c


def user(kind, scope=None):
    """A logged-in client for a caller kind: office, civil_affairs,
    unit:<U>, department:<kind>, association:<USCC>, sysadmin, secadmin,
    auditor."""
    key = kind if scope is None else "%s:%s" % (kind, scope)
    if key in users:
        return users[key]
    name = re.sub(r"[^A-Za-z0-9]", "", key).lower()[:40] + "-m"
    if kind == "unit":
        add_user(name, "unit", "--unit", scope)
    elif kind == "association":
        add_user(name, "association", "--association", scope)
    elif kind == "department":
        add_user(name, "department", "--department", scope)
    else:
        add_user(name, kind)
    users[key] = login(name)
    users[key].role = kind
    users[key].scope = scope
    return users[key]


# ---------------------------------------------------------------- the register

office = user("office")


def all_of(array):
    out, page = [], 1
    while True:
        st, d = office.json("GET", "/api/v1/%s?per_page=500&page=%d" % (array, page))
        assert st == 200, (array, st, d)
        out += d["items"]
        if len(out) >= d["total"] or not d["items"]:
            return out
        page += 1


routes = json.loads(subprocess.run([TUOGOU, "routes"], capture_output=True, text=True,
                                   check=True).stdout)
arrays = sorted({r["array"] for r in routes if r["array"]})
data = {a: all_of(a) for a in arrays}
assoc_unit = {a["uscc"]: a.get("unit") for a in data["associations"]}
posts_of_person = {}
for p in data["posts"]:
    posts_of_person.setdefault(p["person"], set()).add(p["association"])


def owner(a, rec):
    """(unit, association) the record belongs to."""
    if a == "associations":
        return rec.get("unit"), rec["uscc"]
    if a == "units":
        return rec["id"], None
    if a == "unit_tasks":
        return rec.get("unit"), None
    if a in ("batches", "jurisdictions"):
        return None, None
    if a == "persons":
        return rec.get("unit"), None
    return assoc_unit.get(rec.get("association")), rec.get("association")


def in_scope(caller, a, rec):
    """Whether rec lies in the caller's scope (product.md; policy.c)."""
    kind, scope = caller
    if kind in ("office", "civil_affairs", "department"):
        return True
    if a in ("batches", "jurisdictions"):
        return True
    if kind == "unit":
        if a == "units":
            return rec["id"] == scope
        if a in ("associations", "unit_tasks"):
            return rec.get("unit") == scope
        if a == "persons":
            return rec.get("unit") == scope or any(
                assoc_unit.get(x) == scope for x in posts_of_person.get(rec["id"], ()))
        return assoc_unit.get(rec.get("association")) == scope
    if kind == "association":
        if a == "units":
            return assoc_unit.get(scope) == rec["id"]
        if a == "unit_tasks":
            return False
        if a == "associations":
            return rec["uscc"] == scope
        if a == "persons":
            return scope in posts_of_person.get(rec["id"], ())
        return rec.get("association") == scope
    return False


def key_of(a, rec):
    if a == "associations":
        return rec["uscc"]
    if a == "annual_reports":
        return "%s/%s" % (rec["association"], rec["year"])
    return rec["id"]


# One object per array: one whose unit (and association) are known, so
# that "in scope" and "out of scope" callers exist.
obj = {}
for a in arrays:
    for rec in data[a]:
        u, x = owner(a, rec)
        if a == "persons":
            # a person of a unit who also holds a post in one of its associations
            mine = [y for y in posts_of_person.get(rec["id"], ()) if assoc_unit.get(y) == u]
            if not u or not rec.get("id_number") or not mine:
                continue
            x = sorted(mine)[0]
        elif a == "units":
            mine = sorted(k for k, v in assoc_unit.items() if v == u)
            if not mine:
                continue
            x = mine[0]
        elif a == "unit_tasks":
            mine = sorted(k for k, v in assoc_unit.items() if v == u)
            if not u or not mine:
                continue
            x = mine[0]
        elif a not in ("batches", "jurisdictions") and (not u or not x):
            continue
        obj[a] = (rec, u, x)
        break
    ok(a in obj, "the demo register has a usable %s record" % a)

units_all = sorted(u["id"] for u in data["units"])
A_rec, UA, A = obj["associations"]


def other_unit(a, rec):
    for u in units_all:
        if not in_scope(("unit", u), a, rec):
            return u
    return None


def other_association(a, rec):
    for x in sorted(assoc_unit):
        if not in_scope(("association", x), a, rec):
            return x
    return None


# The callers of one object.
def callers(a):
    rec, u, x = obj[a] if a else obj["associations"]
    arr = a or "associations"
    out = [("office", None), ("civil_affairs", None),
           ("department", "finance"), ("department", "organization"),
           ("sysadmin", None), ("secadmin", None), ("auditor", None)]
    out.append(("unit", u or UA))
    ou = other_unit(arr, rec)
    if ou:
        out.append(("unit", ou))
    out.append(("association", x or A))
    ox = other_association(arr, rec)
    if ox:
        out.append(("association", ox))
    return out


# policy.c's rights to create (a NULL field: the whole array), as product.md
# says them; associations are registered by civil affairs and the office.
CREATORS = {
    "office": set(arrays),
    "civil_affairs": {"associations", "annual_reports", "credit_listings", "elections",
                      "jurisdictions", "service_purchases", "fees", "awards", "tax_exemptions",
                      "ratings", "credit_commitments", "evaluations", "exit_cases"},
    "unit": {"persons", "posts", "staff", "premises", "assets", "functions", "unit_tasks",
             "foreign_approvals"},
    "department:finance": {"appropriations", "assets", "service_purchases", "tax_exemptions"},
    "department:organization": {"persons", "posts"},
    "association": {"staff", "premises", "annual_reports", "elections"},
}


# Fields a role may not set although it writes the array (policy.c's
# withheld): a unit never says whose staff a person is.
WITHHELD = {"unit": {"persons": {"unit"}}}


def may_create(caller, a):
    kind, scope = caller
    k = "department:" + scope if kind == "department" else kind
    return a in CREATORS.get(k, set())


# ---------------------------------------------------------------- requests

SECURITY_HEADERS = [("content-security-policy", "frame-ancestors 'none'"),
                    ("x-content-type-options", "nosniff"),
                    ("referrer-policy", "same-origin")]
header_failures = set()


def check_headers(route, hdrs):
    for h, want in SECURITY_HEADERS:
        if want not in hdrs.get(h, ""):
            header_failures.add("%s %s: %s" % (route["method"], route["pattern"], h))
    if "unsafe-inline" in hdrs.get("content-security-policy", "").split("script-src")[-1].split(";")[0]:
        header_failures.add("%s %s: unsafe-inline script" % (route["method"], route["pattern"]))
    # what needs a login is never cached (the public page may be)
    if route["pattern"].startswith("/api") and route.get("login", True) and \
            hdrs.get("cache-control") != "no-store":
        header_failures.add("%s %s: Cache-Control" % (route["method"], route["pattern"]))


counter = [0]


def fresh(prefix):
    counter[0] += 1
    return "%s%04d" % (prefix, counter[0])


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def new_uscc():
    """A valid USCC (GB 32100): its organization code (GB 11714) and the
    code itself each with their check character."""
    org = "MJ" + "%06d" % (900000 + counter[0])
    counter[0] += 1
    val = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    r = 11 - sum(val(c) * w for c, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    body = "51410300" + org + ("X" if r == 10 else "0" if r == 11 else str(r))
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_W))
    return body + USCC_CHARS[(31 - s % 31) % 31]


def current(a, rec):
    st, d = office.json("GET", "/api/v1/%s/%s" % (a, key_of(a, rec)))
    assert st == 200, (a, st, d)
    return d


def create_body(a, rec):
    b = current(a, rec)
    b.pop("version", None)
    if a == "associations":
        b["uscc"] = new_uscc()
        b["name"] = "矩阵测试协会" + b["uscc"][-4:]
    elif a == "annual_reports":
        b["year"] = 2040 + counter[0]
        counter[0] += 1
    elif a == "jurisdictions":
        b["id"] = "419%03d" % (counter[0] % 1000)  # a 6-digit code no demo record holds
        counter[0] += 1
    else:
        b["id"] = fresh("MX")
    if a == "persons":
        b.pop("id_number", None)
    return b


evidence_id = None


def multipart(fields):
    boundary = "----tuogoumatrix" + fresh("b")
    out = io.BytesIO()
    for name, (filename, value) in fields.items():
        out.write(("--%s\r\n" % boundary).encode())
        if filename:
            out.write(('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                       'Content-Type: text/plain\r\n\r\n' % (name, filename)).encode())
        else:
            out.write(('Content-Disposition: form-data; name="%s"\r\n\r\n' % name).encode())
        out.write(value if isinstance(value, bytes) else value.encode())
        out.write(b"\r\n")
    out.write(("--%s--\r\n" % boundary).encode())
    return out.getvalue(), "multipart/form-data; boundary=" + boundary


def plan_call(route, caller, client):
    """(method, path, body, content type, expected set) for one call."""
    m, pat, a = route["method"], route["pattern"], route["array"]
    roles = route["roles"]
    kind = caller[0] if caller else None
    allowed = caller is not None and kind in roles
    body, ctype = None, "application/json"
    success = {"GET": 200, "POST": 201, "PUT": 200, "DELETE": 204}[m]
    scope_rec, scope_arr = None, None
    path = pat
    loose = False  # allowed callers: anything but 401/403/404/5xx

    if a and pat == "/api/v1/" + a:
        if m == "POST":
            rec = obj[a][0]
            body = create_body(a, rec)
            scope_rec, scope_arr = body, a
            if allowed and not may_create(caller, a):
                return m, path, body, ctype, {403}
            if allowed and any(body.get(f) for f in WITHHELD.get(kind, {}).get(a, ())):
                return m, path, body, ctype, {403}
    elif a and route["scope"] == "record" and pat.endswith("/reveal"):
        rec = obj[a][0]
        path = "/api/v1/persons/%s/reveal" % rec["id"]
        body = {"password": PW}
        scope_rec, scope_arr = rec, a
        success = 200
        if allowed and kind == "unit" and rec.get("unit") != caller[1]:
            return m, path, body, ctype, {404}
    elif a and route["scope"] == "record" and pat.endswith("/urges"):
        # a 催办 to the unit (http_urge.sh tells the whole story): sent, or
        # refused because nothing of the unit is overdue that day
        rec = obj[a][0]
        path = "/api/v1/%s/%s/urges" % (a, urllib.parse.quote(key_of(a, rec)))
        body = {"as_of": "2020-12-31"}
        scope_rec, scope_arr = rec, a
        loose = True
    elif a and route["scope"] == "record":
        rec = obj[a][0]
        path = "/api/v1/%s/%s" % (a, urllib.parse.quote(key_of(a, rec)))
        scope_rec, scope_arr = rec, a
        if m == "PUT":
            body = current(a, rec)
    elif route["scope"] == "association":
        path = pat.replace("{uscc}", A)
        scope_rec, scope_arr = A_rec, "associations"
        if pat.endswith("/checklist") and m == "POST":
            body, success = {}, 400
        elif pat.endswith("/summary/return"):
            # no reason given: an allowed caller is told it is required
            # (the return itself is in http_workflow.sh)
            body, success = {}, 400
        elif pat.endswith("/evidence"):
            body, ctype = multipart({"file": ("matrix.txt", "matrix test\n")})
    elif route["scope"] == "evidence":
        path = pat.replace("{id}", str(evidence_id))
        scope_rec, scope_arr = A_rec, "associations"
    elif pat == "/api/v1/import":
        path, body, success = "/api/v1/import?dry_run=1", {"format": "tuogou-bundle/1"}, 200
    elif pat == "/api/v1/import/sheets":
        body, ctype = multipart({"nothing": (None, "x")})
        success = 400
    elif pat == "/api/v1/users" and m == "POST":
        # issue 14: a request for the other kind of administrator to approve
        body, success = {"username": fresh("mx-user-"), "role": "office"}, 202
    elif pat.startswith("/api/v1/user-requests/{id}/"):
        # no such request: an allowed caller is told so (the two-person path
        # itself is in http_security.sh)
        path, body, success = pat.replace("{id}", "999999999"), {}, 404
    elif pat == "/api/v1/urges/{id}/acknowledge":
        # no such 催办: an allowed caller is told so (http_urge.sh signs one)
        path, body, success = pat.replace("{id}", "999999999"), {}, 404
    elif pat.startswith("/api/v1/users/{username}"):
        path = pat.replace("{username}", "matrix-target")
        if pat.endswith("/password"):
            body, success = {}, 202
        elif pat.endswith("/totp"):
            body, success = {}, 200
        else:
            body = {"display_name": "矩阵测试"}
    elif pat == "/api/v1/settings" and m == "PUT":
        body = {"require_totp": False}
    elif pat == "/api/v1/session" and m == "POST":
        return None
    elif pat == "/api/v1/export/{list}.xlsx":
        path = "/api/v1/export/associations.xlsx"
    elif "{" in pat:
        return None  # a route with a parameter this script does not know: reported below
    else:
        if m in ("POST", "PUT"):
            body = {}
        loose = m != "GET"

    if "public" in roles:
        return m, path, body, ctype, {success}
    if caller is None:
        return m, path, body, ctype, {401}
    if not allowed:
        return m, path, body, ctype, {403}
    if scope_rec is not None and not in_scope(caller, scope_arr, scope_rec):
        return m, path, body, ctype, {404}
    if loose:
        return m, path, body, ctype, None
    return m, path, body, ctype, {success}


def run_matrix():
    global evidence_id
    add_user("matrix-target", "office")
    # an evidence file of A, for GET /api/v1/evidence/{id}
    b, ct = multipart({"file": ("seed.txt", "seed\n")})
    st, h, d = office.call("POST", "/api/v1/associations/%s/evidence" % A, b, ct)
    assert st == 201, (st, d)
    evidence_id = json.loads(d)["id"]

    skipped = []
    later = []  # DELETE /api/v1/session ends the caller's session: last
    for route in routes:
        arr = route["array"] if route["array"] in obj else None
        if route["method"] == "DELETE" and route["pattern"] == "/api/v1/session":
            later.append(route)
            continue
        plans = 0
        before = failed
        for caller in callers(arr) + [None]:
            client = Client() if caller is None else user(*caller)
            p = plan_call(route, caller, client)
            if p is None:
                break
            m, path, body, ctype, want = p
            plans += 1
            st, hdrs, data = client.call(m, path, body, ctype)
            check_headers(route, hdrs)
            who = "%s%s" % (caller[0], ":" + caller[1] if caller and caller[1] else "") if caller else "no session"
            if want is None:
                ok(st not in (401, 403, 404) and st < 500,
                   "%s %s as %s: %d (allowed: not 401/403/404/5xx) %s" % (m, path, who, st, data[:200]),
                   quiet=True)
            else:
                ok(st in want, "%s %s as %s: %d, expected %s %s" % (m, path, who, st, sorted(want), data[:200]),
                   quiet=True)
        if not plans:
            skipped.append(route["method"] + " " + route["pattern"])
        elif failed == before:
            print("ok - %s %s: %d callers answered as the table says" %
                  (route["method"], route["pattern"], plans))
    ok(skipped == ["POST /api/v1/session"],
       "every route of the table is tried (not tried: %s)" % ", ".join(skipped))
    run_issue14()  # while every caller still has a session
    for route in later:
        for key, client in list(users.items()):
            st, hdrs, _ = client.call("DELETE", "/api/v1/session")
            check_headers(route, hdrs)
            ok(st == 204, "DELETE /api/v1/session as %s: %d" % (key, st), quiet=True)
            st, _, _ = client.call("GET", "/api/v1/session")
            ok(st == 401, "after logout %s has no session: %d" % (key, st), quiet=True)
        st, hdrs, _ = Client().call("DELETE", "/api/v1/session")
        ok(st == 401, "DELETE /api/v1/session without a session, then as every caller: "
           "204, and the session is gone (%d)" % st)
    # static files and unknown paths carry the headers too
    for path in ("/", "/index.html", "/api/v1/nothing", "/nothing.js"):
        st, hdrs, _ = Client().call("GET", path)
        check_headers({"method": "GET", "pattern": path}, hdrs)
    ok(not header_failures, "security headers on every response (missing: %s)" %
       "; ".join(sorted(header_failures)[:10]))


# ---------------------------------------------------------------- ID numbers

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


def valid_id(s):
    s = s.upper()
    total = sum(int(c) * w for c, w in zip(s[:17], W))
    return "10X98765432"[total % 11] == s[17]


def ids_in(text):
    return [m for m in ID_RE.findall(text) if valid_id(m)]


def texts_of(hdrs, data):
    if data[:2] == b"PK":  # xlsx: every XML part
        z = zipfile.ZipFile(io.BytesIO(data))
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.endswith(".xml"))
    return data.decode("utf-8", "replace")


def crawl():
    c = login_fresh_office()
    # the demo register does hold full numbers: the checker must find them
    raw = json.load(open(os.environ["BUNDLE"]))
    ok(len(ids_in(json.dumps(raw))) > 100, "the checker finds the ID numbers of the bundle")
    found, pages = [], 0
    gets = [r for r in routes if r["method"] == "GET" and "office" in r["roles"]]
    for r in gets:
        pat, a = r["pattern"], r["array"]
        paths = []
        if a and pat == "/api/v1/" + a:
            total = len(data[a])
            paths = ["/api/v1/%s?per_page=500&page=%d" % (a, p + 1) for p in range((total + 499) // 500 or 1)]
        elif a and r["scope"] == "record":
            paths = ["/api/v1/%s/%s" % (a, urllib.parse.quote(key_of(a, x))) for x in data[a][:200]]
        elif r["scope"] == "association":
            paths = [pat.replace("{uscc}", x) for x in sorted(assoc_unit)[:20]]
        elif r["scope"] == "evidence":
            paths = [pat.replace("{id}", str(evidence_id))]
        elif pat == "/api/v1/export/{list}.xlsx":
            paths = ["/api/v1/export/%s.xlsx" % x for x in arrays + ["findings", "template"]]
        elif "{" not in pat:
            paths = [pat]
        for p in paths:
            st, hdrs, body = c.call("GET", p)
            pages += 1
            hits = ids_in(texts_of(hdrs, body))
            if hits:
                found.append("%s: %s" % (p, hits[0][:6] + "…"))
    for p in ("/", "/index.html"):
        st, hdrs, body = c.call("GET", p)
        pages += 1
        if ids_in(texts_of(hdrs, body)):
            found.append(p)
    ok(pages > 100, "crawled %d responses as office" % pages)
    ok(not found, "no valid 18-digit ID number in any API response, page or download (%s)" %
       "; ".join(found[:5]))


def login_fresh_office():
    add_user("crawler", "office")
    return login("crawler")


# ---------------------------------------------------------------- issue 14

def expect_write(caller, route, a, out_of_scope, success):
    """The status of a write to array a by caller: 401, 403 (route or
    right), 404 when out_of_scope(caller) for a scoped role, else success."""
    if caller is None:
        return {401}
    kind = caller[0]
    if kind not in route["roles"]:
        return {403}
    if route["method"] == "POST" and not may_create(caller, a):
        return {403}
    if kind in ("unit", "association") and out_of_scope(caller):
        return {404}
    return {success}


def route_of(method, pattern):
    return next(r for r in routes if r["method"] == method and r["pattern"] == pattern)


def check_all(what, route, a, make, expect):
    """Call route for every caller of array a: make(caller) gives (path,
    body) or None to skip; expect(caller) the statuses allowed."""
    before, n = failed, 0
    for caller in callers(a) + [None]:
        plan = make(caller)
        if plan is None:
            continue
        path, body = plan
        client = Client() if caller is None else user(*caller)
        st, hdrs, data = client.call(route["method"], path, body)
        check_headers(route, hdrs)
        want = expect(caller)
        who = "%s%s" % (caller[0], ":" + caller[1] if caller and caller[1] else "") if caller else "no session"
        ok(st in want, "%s: %s %s as %s: %d, expected %s %s" %
           (what, route["method"], path, who, st, sorted(want), data[:200]), quiet=True)
        n += 1
    if failed == before:
        print("ok - %s: %d callers answered as the rules say" % (what, n))


def persons_outside(units):
    """Persons of some unit, in the scope of none of the given units."""
    return [p for p in data["persons"]
            if p.get("unit") and not any(in_scope(("unit", u), "persons", p) for u in units if u)]


def run_issue14():
    # 1. references out of the writer's scope: a post's person, a
    # function's unit
    post_rec, pu, _ = obj["posts"]
    units_seen = [pu, other_unit("posts", post_rec)]
    # one stranger for the scoped callers, another for those who may name
    # him (whose post would bring him into the unit's scope)
    strangers = persons_outside(units_seen)
    ok(len(strangers) >= 2, "the demo register has persons outside the units' scopes")
    route = route_of("POST", "/api/v1/posts")

    def post_with_stranger(caller):
        b = create_body("posts", post_rec)
        scoped = caller and caller[0] in ("unit", "association")
        b["person"] = strangers[0 if scoped else 1]["id"]
        return "/api/v1/posts", b
    check_all("a post naming a person out of scope", route, "posts", post_with_stranger,
              lambda c: expect_write(c, route, "posts", lambda c: True, 201))
    if "functions" in obj:
        fn_rec, fu, _ = obj["functions"]
        far = next(u for u in units_all if u != fu and u not in units_seen)
        route = route_of("POST", "/api/v1/functions")

        def function_of_far_unit(caller):
            b = create_body("functions", fn_rec)
            b["unit"] = far
            return "/api/v1/functions", b
        check_all("a function naming a unit out of scope", route, "functions", function_of_far_unit,
                  lambda c: expect_write(c, route, "functions", lambda c: True, 201))

    # 2. a person's employing unit: the office and 组织部 change it, a unit
    # never (403), not even for its own staff
    person, u, _ = obj["persons"]
    route = route_of("PUT", "/api/v1/persons/{id}")
    path = "/api/v1/persons/%s" % urllib.parse.quote(person["id"])
    original = person.get("unit")

    def move_person(caller):
        b = current("persons", person)
        b["unit"] = next(x for x in units_all if x != b.get("unit"))
        return path, b

    def may_move(caller):
        if caller is None:
            return {401}
        kind = caller[0]
        if kind in ("office",) or caller == ("department", "organization"):
            return {200}
        if kind == "unit" and not in_scope(caller, "persons", person):
            return {404}
        return {403}
    check_all("a person's employing unit changed", route, "persons", move_person, may_move)
    b = current("persons", person)
    b["unit"] = original
    st, d = office.json("PUT", path, b)
    ok(st == 200, "the person's employing unit put back: %d %s" % (st, d))

    # 3. the reveal: a unit's own staff only, not a person its posts bring
    # into its scope (a person with a post in its association, employed by
    # nobody or by another unit)
    guest = next((p for p in data["persons"] if p.get("id_number") and p.get("unit") != u and
                  in_scope(("unit", u), "persons", p)), None)
    ok(guest is not None, "the demo register has a person in %s's scope who is not its staff" % u)
    route = route_of("POST", "/api/v1/persons/{id}/reveal")

    def reveal_guest(caller):
        return "/api/v1/persons/%s/reveal" % urllib.parse.quote(guest["id"]), {"password": PW}

    def may_reveal(caller):
        if caller is None:
            return {401}
        if caller[0] not in route["roles"]:
            return {403}
        return {200} if caller[0] == "office" else {404}
    check_all("the reveal of a person who is not the unit's staff", route, "persons", reveal_guest,
              may_reveal)

    # 4. a POST whose key another scope holds: 404 as out of scope; the
    # caller's own key 409
    for a in arrays:
        if a in ("annual_reports",) or a not in obj:  # a report's key holds its association
            continue
        route = route_of("POST", "/api/v1/" + a)
        rec = obj[a][0]

        def key_elsewhere(caller, a=a, rec=rec):
            b = create_body(a, rec)
            if a == "persons":
                b.pop("unit", None)
            if caller and caller[0] in ("unit", "association"):
                theirs = next((x for x in data[a] if not in_scope(caller, a, x)), None)
                if theirs is None:
                    return None
                b[("uscc" if a == "associations" else "id")] = key_of(a, theirs)
            else:
                b[("uscc" if a == "associations" else "id")] = key_of(a, rec)
            return "/api/v1/" + a, b
        check_all("a POST of a key that exists (%s)" % a, route, a, key_elsewhere,
                  lambda c, a=a, route=route: expect_write(c, route, a, lambda c: True, 409))


run_matrix()
crawl()
print("# http_matrix.py: %d checks, %d failed" % (passed + failed, failed))
sys.exit(1 if failed else 0)
