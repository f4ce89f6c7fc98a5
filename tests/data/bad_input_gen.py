#!/usr/bin/env python3
"""tests/data/bad_input_gen.py DIR USCC PERSON: write the generated inputs of
the bad input matrix (tests/data/bad_input.tsv, column body "g:NAME") into
DIR.  Big and binary inputs are made here rather than kept in the
repository: deep and huge JSON, zip bombs, malformed workbooks, CSV files in
broken encodings, raw HTTP requests.
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

out, USCC, PERSON = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)


def put(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


# ---- JSON ----
put("deep_array", "[" * 100000 + "]" * 100000)
put("deep_object", '{"a":' * 20000 + "1" + "}" * 20000)
put("deep_in_field", '{"id": "PX-DEEP", "name": ' + "[" * 5000 + "]" * 5000 + "}")
put("huge_json", json.dumps({"id": "PX-HUGE", "name": "长" * 800000}, ensure_ascii=False))
put("long_text", json.dumps({"id": "PX-LONG", "name": "长" * 2000}, ensure_ascii=False))
put("many_keys", "{" + ",".join('"k%d": %d' % (i, i) for i in range(60000)) + "}")
put("long_id", json.dumps({"id": "P" * 5000, "name": "某人"}, ensure_ascii=False))
put("long_number", '{"id": "PX-NUM", "name": "某人", "civil_servant": ' + "9" * 100000 + "}")
put("bom_json", b'\xef\xbb\xbf{"id": "PX-BOM", "name": "\xe6\x9f\x90"}')
put("gbk_json", '{"id": "PX-GBK", "name": "洛阳"}'.encode("gb18030"))
put("utf16_json", '{"id": "PX-U16", "name": "洛阳"}'.encode("utf-16"))
put("big_form", "a=" + "x" * 2000000)

# bundles (POST /api/v1/import?dry_run=1), one validation error each
BASE = {"format": "tuogou-bundle/1", "plan": "luoyang-2017"}


def bundle(name, **arrays):
    b = dict(BASE)
    b.update(arrays)
    put(name, json.dumps(b, ensure_ascii=False))


bundle("b_bad_uscc", associations=[{"uscc": "51410300MJY000001X", "name": "坏代码协会", "level": "city",
                                     "registered_on": "2005-01-01"}])
bundle("b_bad_id", persons=[{"id": "PB1", "name": "某人", "id_number": "410302199001011230"}])
bundle("b_bad_date", persons=[{"id": "PB2", "name": "某人", "retired_on": "2017-02-30"}])
bundle("b_bad_enum", units=[{"id": "UB1", "name": "某局", "kind": "ministry_of_magic"}])
bundle("b_bad_type", persons=[{"id": "PB3", "name": 42}])
bundle("b_required", persons=[{"id": "PB4"}])
bundle("b_unknown_key", persons=[{"id": "PB5", "name": "某人", "colour": "red"}])
bundle("b_duplicate", persons=[{"id": "PB6", "name": "甲"}, {"id": "PB6", "name": "乙"}])
bundle("b_dangling", posts=[{"id": "TB1", "person": "P-NOBODY", "association": USCC, "role": "secretary_general",
                             "from": "2016-01-01"}])
bundle("b_bad_order", posts=[{"id": "TB2", "person": PERSON, "association": USCC, "role": "secretary_general",
                              "from": "2017-01-01", "to": "2016-01-01"}])
bundle("b_negative", assets=[{"id": "AB1", "association": USCC, "value": -5, "from": "2016-01-01"}])
bundle("b_bad_money", assets=[{"id": "AB2", "association": USCC, "value": 1.001, "from": "2016-01-01"}])
bundle("b_not_integer", annual_reports=[{"association": USCC, "year": 2017.5}])
bundle("b_out_of_range", annual_reports=[{"association": USCC, "year": 2000000000}])
# ids that cannot be a path segment, and years out of range: refused
bundle("k_year_99999", annual_reports=[{"association": USCC, "year": 99999}])
bundle("k_key_with_slash", persons=[{"id": "a/../b", "name": "某人"}])
bundle("k_key_control_char", persons=[{"id": "PX\u0001", "name": "某人"}])
bundle("b_nul_text", persons=[{"id": "PB7", "name": "a\u0000b"}])
bundle("b_too_long", persons=[{"id": "PB8", "name": "长" * 1500}])
put("b_plan_mismatch", json.dumps({"format": "tuogou-bundle/1", "plan": "other-plan", "persons": []}))
put("b_bad_format", json.dumps({"format": "tuogou-bundle/99", "persons": []}))
put("b_json_syntax", '{"format": "tuogou-bundle/1", "persons": [{"id": "PB9",,]}')
put("b_not_object", "[1, 2, 3]")

# ---- CSV ----
put("csv_unclosed", 'id,name\nPC1,"never closed\n')
put("csv_quote_inside", 'id,name\nPC2,ab"cd\n')
put("csv_after_quote", 'id,name\nPC3,"ab"cd\n')
put("csv_bad_encoding", b"id,name\nPC4,\x80\x80\xff\xfe\x81\n")
put("csv_bom_bad_utf8", b"\xef\xbb\xbfid,name\nPC5,\xc3\x28\n")
put("csv_utf16_odd", b"\xff\xfei\x00d\x00,")
put("csv_unknown_column", "id,name,colour\nPC6,某人,red\n")
put("csv_repeated_header", "id,name,name\nPC7,甲,乙\n")
put("csv_missing_required", "id\nPC8\n")
put("csv_bad_date", "id,name,retired_on\nPC9,某人,2017-13-01\n")
put("csv_nul", b"id,name\nPC10,a\x00b\n")
put("csv_injection", 'id,name\nPC11,"=cmd|\' /C calc\'!A0"\n')
put("csv_any", "a,b\n1,2\n")

# ---- XLSX ----
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="persons" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<sheetData>%s</sheetData></worksheet>')
ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>PX1</t></is></c><c r="B2" t="inlineStr"><is><t>某人</t></is></c></row>')


def xlsx(name, parts, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for n, t in parts.items():
            z.writestr(n, t)
    put(name, b.getvalue())
    return b.getvalue()


def book(sheet=SHEET % ROWS, wb=WB, rels=RELS, extra=None):
    p = {"[Content_Types].xml": CT, "xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels,
         "xl/worksheets/sheet1.xml": sheet}
    p.update(extra or {})
    return p


xlsx("x_unclosed_xml", book(sheet=SHEET % ROWS.replace("</row>", "", 1)))
xlsx("x_bad_xml_wb", book(wb="<workbook><sheets><sheet name=x</sheets>"))
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><workbook>&lol3;</workbook>')
xlsx("x_billion_laughs", book(wb=LAUGHS))
xlsx("x_xxe", book(sheet='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                         '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'))
xlsx("x_deep_xml", book(sheet="<worksheet>" + "<x>" * 5000 + "</x>" * 5000 + "</worksheet>"))
xlsx("x_no_workbook", {"[Content_Types].xml": CT})
xlsx("x_missing_sheet_part", {"[Content_Types].xml": CT, "xl/workbook.xml": WB, "xl/_rels/workbook.xml.rels": RELS})
xlsx("x_bad_shared_index", book(sheet=SHEET % '<row r="1"><c r="A1" t="s"><v>999999</v></c></row>'))
xlsx("x_bad_cell_ref", book(sheet=SHEET % '<row r="1"><c r="ZZZZZZZ99999999999" t="inlineStr"><is><t>id</t></is></c></row>'))
xlsx("x_bad_utf8_xml", book(sheet=(SHEET % ROWS).encode("utf-8").replace(b"PX1", b"P\xff\xfe")))
xlsx("x_traversal_target", book(rels=RELS.replace("worksheets/sheet1.xml", "../../../../etc/passwd")))
put("x_not_zip", "id,name\nthis is a CSV named .xlsx\n")
good = xlsx("x_good", book())
put("x_truncated", good[: len(good) // 2])
# a zip bomb: one part of 300 MB of zeros (the cap is 256 MB a part)
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    for n, t in book().items():
        if n != "xl/worksheets/sheet1.xml":
            z.writestr(n, t)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        chunk = b" " * (1 << 20)
        for _ in range(300):
            f.write(chunk)
        f.write(b"</sheetData></worksheet>")
put("x_zip_bomb", zb.getvalue())
# too many entries (the cap is 10 000)
mb = io.BytesIO()
with zipfile.ZipFile(mb, "w", zipfile.ZIP_STORED) as z:
    for n, t in book().items():
        z.writestr(n, t)
    for i in range(10050):
        z.writestr("x/%d" % i, b"")
put("x_many_entries", mb.getvalue())
# encrypted-looking entry: set the encryption flag bit on every header
enc = bytearray(good)
for sig in (b"PK\x03\x04", b"PK\x01\x02"):
    i = enc.find(sig)
    while i >= 0:
        off = 6 if sig == b"PK\x03\x04" else 8
        flags = struct.unpack_from("<H", enc, i + off)[0] | 1
        struct.pack_into("<H", enc, i + off, flags)
        i = enc.find(sig, i + 4)
put("x_encrypted", bytes(enc))
# a bad CRC: flip a byte of stored data
st = bytearray(xlsx("x_stored", book(), zipfile.ZIP_STORED))
k = st.find(b"PX1")
st[k] = ord("Q")
put("x_bad_crc", bytes(st))
os.remove(os.path.join(out, "x_stored"))

# ---- evidence uploads ----
put("ev_text", "佐证材料：会议纪要\n")
put("ev_junk", bytes(range(256)) * 4)
put("ev_empty", b"")
put("ev_html", "<html><script>alert(1)</script></html>")
put("ev_elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100)

# ---- raw HTTP ----
put("r_garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64 + b"\r\n\r\n")
put("r_bad_version", b"GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n")
put("r_no_host", b"GET /healthz HTTP/1.1\r\n\r\n")
put("r_long_uri", b"GET /" + b"a" * 200000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
put("r_huge_header", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 300000 + b"\r\n\r\n")
put("r_many_headers", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(20000)) + b"\r\n")
put("r_huge_cookie", b"GET /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"; ".join(b"c%d=v" % i for i in range(30000)) + b"\r\n\r\n")
put("r_bad_chunked", b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n")
put("r_cl_and_te", b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n")
put("r_bad_cl", b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\nContent-Type: application/json\r\n\r\n")
put("r_header_nul", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x00b\r\n\r\n")
put("r_header_no_colon", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nthis is not a header\r\n\r\n")
put("r_bare_lf", b"GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n")
put("r_smuggle_space", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 5\r\n\r\nhello")
put("r_chunked_huge", b"POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc\r\n")
put("r_method_utf8", b"G\xffT /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
