#!/usr/bin/env python3
"""fuzz/make_seeds.py: (re)write the seed corpora of the csv, xlsx and http
harnesses.  The rows of the csv and xlsx seeds are the register generator's
(tools/gen, through bench-gen: seed 1, 7 associations), the generator the
benchmarks and the unit tests use; the http seeds name records of the http
harness's register, tests/data/http-bundle.json, so that they reach past
the lookups.  Seeds are small (a few records) so that the fuzzer mutates
structure, not bulk.  Existing files with other names (crash regressions,
inputs the fuzzer found) are left alone.

    python3 fuzz/make_seeds.py [BENCH_GEN]     # default: build/bench-gen
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build", "bench-gen")


def generated(seed=1, scale=0.0001):
    """The register generator's register (every array, a few rows each)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "register.json")
        subprocess.run([GEN, "--seed", str(seed), "--scale", str(scale), "-o", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(out, encoding="utf-8"))


B = generated()
H = json.load(open(os.path.join(TOP, "tests/data/http-bundle.json"), encoding="utf-8"))
ARRAYS = ["batches", "units", "associations", "persons", "posts", "staff", "premises",
          "assets", "appropriations", "functions", "unit_tasks", "elections",
          "annual_reports", "foreign_approvals", "credit_listings"]


def put(harness, name, data):
    d = os.path.join(TOP, "fuzz/corpus", harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def flat(rec):
    out = {}
    for k, v in rec.items():
        if isinstance(v, dict):
            for sk, sv in v.items():
                out[k + "." + sk] = sv
        elif isinstance(v, list) or (v is None and k in ("approval", "scope_override")):
            continue
        else:
            out[k] = v
    return out


def cell(v):
    if v is None:
        return ""
    if v is True:
        return "是"
    if v is False:
        return "否"
    return str(v)


def csv_text(array, n=3):
    recs = [flat(r) for r in B.get(array, [])[:n]]
    if not recs:
        return None
    keys = []
    for r in recs:
        for k in r:
            if k not in keys:
                keys.append(k)
    s = io.StringIO()
    w = csv.writer(s, lineterminator="\r\n")
    w.writerow(keys)
    for r in recs:
        w.writerow([cell(r.get(k)) for k in keys])
    return s.getvalue()


# ---- csv: first byte = array index (| 0x80: cross-check the encodings) ----
for i, a in enumerate(ARRAYS):
    t = csv_text(a)
    if t is None:
        continue
    put("csv", "seed-%s.csv" % a, bytes([i]) + t.encode("utf-8"))
    put("csv", "seed-%s-cross.csv" % a, bytes([i | 0x80]) + t.encode("utf-8"))
    put("csv", "seed-%s-gb18030.csv" % a, bytes([i]) + t.encode("gb18030"))
put("csv", "seed-bom-lf.csv", b"\x01\xef\xbb\xbfid,name,kind\nU-BOM,\xe6\xb4\x9b\xe9\x98\xb3,organ_affiliate\n")
put("csv", "seed-utf16.csv", b"\x01" + "\ufeffid,name\r\nU1,洛阳市民政局\r\n".encode("utf-16-le"))
put("csv", "seed-quotes.csv", b'\x83id,name\nP1,"a ""quoted"", name\nwith a break"\nP2,\n')
put("csv", "seed-chinese-headers.csv",
    bytes([4]) + "编号,人员编号,协会统一社会信用代码,职务,起始日期\nT-1,P0001,51410300MJY0000017,秘书长,2016年1月1日\n".encode("utf-8"))
put("csv", "seed-broken-quote.csv", b'\x01id,name\nU1,"unclosed\n')
put("csv", "seed-quote-in-field.csv", b'\x01id,name\nU1,ab"c\n')

# ---- xlsx: stored parts ("@@ NAME" form) and real zips ----
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
WB = ('<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<workbookPr date1904="0"/><sheets>%s</sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '%s<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>')
STYLES = ('<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_xml(rows, shared):
    out = []
    for ri, row in enumerate(rows, 1):
        cells = []
        for ci, v in enumerate(row):
            ref = "%s%d" % (col(ci), ri)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
            elif isinstance(v, tuple):  # (serial, style): a date cell
                cells.append('<c r="%s" s="%d"><v>%s</v></c>' % (ref, v[1], v[0]))
            elif ci % 2:
                cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, v))
            else:
                if v not in shared:
                    shared.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, shared.index(v)))
        out.append('<row r="%d">%s</row>' % (ri, "".join(cells)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData>%s</sheetData></worksheet>' % "".join(out))


def workbook(sheets):
    """sheets: [(name, rows)] -> [(part, text)]"""
    shared = []
    parts = [("[Content_Types].xml", CT)]
    decl, rels, ws = [], [], []
    for i, (name, rows) in enumerate(sheets, 1):
        decl.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (name, i, i))
        rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i))
        ws.append(("xl/worksheets/sheet%d.xml" % i, sheet_xml(rows, shared)))
    parts.append(("xl/workbook.xml", WB % "".join(decl)))
    parts.append(("xl/_rels/workbook.xml.rels", RELS % "".join(rels)))
    parts += ws
    sst = "".join("<si><t>%s</t></si>" % s for s in shared)
    parts.append(("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(shared), len(shared), sst)))
    parts.append(("xl/styles.xml", STYLES))
    return parts


def as_parts(parts):
    return "".join("@@ %s\n%s\n" % (n, t) for n, t in parts)


def as_zip(parts, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for n, t in parts:
            z.writestr(n, t)
    return b.getvalue()


def rows_of(array, n=3):
    t = csv_text(array, n)
    return list(csv.reader(io.StringIO(t))) if t else None


units = rows_of("units")
posts = rows_of("posts")
assoc = rows_of("associations", 2)
persons = rows_of("persons")
one = workbook([("units", units)])
put("xlsx", "seed-units.parts", as_parts(one))
put("xlsx", "seed-units.xlsx", as_zip(one))
put("xlsx", "seed-units-stored.xlsx", as_zip(one, zipfile.ZIP_STORED))
multi = workbook([("主管单位", units), ("人员", persons), ("任职", posts)])
put("xlsx", "seed-multi.parts", as_parts(multi))
put("xlsx", "seed-multi.xlsx", as_zip(multi))
put("xlsx", "seed-associations.parts", as_parts(workbook([("associations", assoc)])))
dates = workbook([("batches", [["id", "name", "due"], ["b1", "第一批", (43281, 1)], ["b2", "第二批", (43465, 2)], ["b3", "x", 60]])])
put("xlsx", "seed-dates.parts", as_parts(dates))
put("xlsx", "seed-doctype.parts", as_parts([("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>')]))
put("xlsx", "seed-deep.parts", as_parts([("xl/workbook.xml", "<a>" * 80 + "</a>" * 80)]))
put("xlsx", "seed-empty-sheet.parts", as_parts(workbook([("Sheet1", [])])))

# ---- http: raw requests; @SESSION@/@CSRF@ become an office session ----
U = H["associations"][0]["uscc"]
P = H["persons"][0]["id"]
UNIT = H["units"][0]["id"]
OFF = "Cookie: tuogou_session=@SESSION@\r\nX-CSRF-Token: @CSRF@\r\n"
UNI = "Cookie: tuogou_session=@USESSION@\r\nX-CSRF-Token: @UCSRF@\r\n"
JSON = "Content-Type: application/json\r\n"


def rq(name, method, url, headers="", body=""):
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (method, url, headers)
    put("http", name, head.encode("utf-8") + (body if isinstance(body, bytes) else body.encode("utf-8")))


rq("healthz", "GET", "/healthz")
rq("login", "POST", "/api/v1/session", JSON, '{"username": "nobody", "password": "Wrong-Pass-2017"}')
rq("session-get", "GET", "/api/v1/session", OFF)
rq("session-delete", "DELETE", "/api/v1/session", OFF)
rq("assoc-list", "GET", "/api/v1/associations?q=%E6%B4%9B%E9%98%B3&sort=name&page=1&per_page=5", OFF)
rq("assoc-get", "GET", "/api/v1/associations/" + U, OFF)
rq("assoc-findings", "GET", "/api/v1/associations/%s/findings?as_of=2017-12-31" % U, OFF)
rq("assoc-checklist", "GET", "/api/v1/associations/%s/checklist?as_of=2017-12-31" % U, OFF)
rq("assoc-history", "GET", "/api/v1/associations/%s/history" % U, OFF)
rq("findings", "GET", "/api/v1/findings?as_of=2017-12-31&state=overdue", OFF)
rq("findings-paged", "GET", "/api/v1/findings?as_of=2017-12-31&page=2&per_page=20&sort=-due&separation=personnel", OFF)
rq("dashboard", "GET", "/api/v1/dashboard?as_of=2018-01-15", OFF)
rq("plan", "GET", "/api/v1/plan", OFF)
rq("persons-unit", "GET", "/api/v1/persons?unit=%s" % UNIT, UNI)
rq("person-get", "GET", "/api/v1/persons/" + P, OFF)
a = dict(H["associations"][0])
a["version"] = 1
a["name"] = a["name"] + "'); DROP TABLE associations;--<script>"
rq("assoc-put", "PUT", "/api/v1/associations/" + U, OFF + JSON, json.dumps(a, ensure_ascii=False))
rq("assoc-put-unit", "PUT", "/api/v1/associations/" + U, UNI + JSON, json.dumps(a, ensure_ascii=False))
pr = {"id": "PF1", "name": "测试人员"}
rq("person-post", "POST", "/api/v1/persons", OFF + JSON, json.dumps(pr, ensure_ascii=False))
rq("checklist-post", "POST", "/api/v1/associations/%s/checklist" % U, OFF + JSON,
   '{"rule": "decoupling.incomplete", "subject": null, "on": "2017-06-01", "evidence": []}')
mp = ("--XyZ\r\nContent-Disposition: form-data; name=\"rule\"\r\n\r\ndecoupling.incomplete\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n")
rq("evidence-post", "POST", "/api/v1/associations/%s/evidence" % U, OFF + "Content-Type: multipart/form-data; boundary=XyZ\r\n", mp)
rq("evidence-get", "GET", "/api/v1/evidence/1", OFF)
small = {"format": "tuogou-bundle/1", "plan": "luoyang-2017", "units": [{"id": "UF1", "name": "某局", "kind": "organ"}]}
rq("import-dry", "POST", "/api/v1/import?dry_run=1", OFF + JSON, json.dumps(small, ensure_ascii=False))
rq("static-index", "GET", "/")
rq("static-asset", "GET", "/assets/app.js")
rq("static-traversal", "GET", "/assets/..%2f..%2fsecret.txt")
rq("method-405", "PATCH", "/api/v1/associations/" + U, OFF)
rq("csrf-missing", "PUT", "/api/v1/associations/" + U, "Cookie: tuogou_session=@SESSION@\r\n" + JSON, "{}")
rq("origin-bad", "POST", "/api/v1/persons", OFF + JSON + "Origin: http://evil.example\r\n", "{}")
rq("too-large", "POST", "/api/v1/persons", OFF + JSON + "Content-Length: 99999999999\r\n", "{}")
rq("deep-json", "POST", "/api/v1/persons", OFF + JSON, "[" * 2000 + "]" * 2000)
rq("bad-utf8", "POST", "/api/v1/persons", OFF + JSON, b'{"id": "PF2", "name": "\xff\xfe"}')
