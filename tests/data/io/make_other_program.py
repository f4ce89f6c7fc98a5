#!/usr/bin/env python3
"""Write tests/data/io/other-program.xlsx: a workbook made by "another
program" than tuogou, to show that import reads what other tools write.

It is minimal Office Open XML written by hand with zipfile (LibreOffice is
not available where the tests run): shared strings and inline strings,
numbers, a boolean cell, dates as Excel serial numbers with a date style
(and one as text), English and Chinese sheet names and headers, enum cells
by their Chinese names, the approval object as its three columns.

Run it from anywhere: python3 tests/data/io/make_other_program.py
"""
import os
import zipfile
from datetime import date
from xml.sax.saxutils import escape

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_check(first8):
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    val = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(val(ch) * wi for ch, wi in zip(first8, w)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc(serial):
    first8 = "MJ%06d" % serial
    s17 = "51410300" + first8 + org_check(first8)
    total = sum(CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(s17))
    return s17 + CHARS[(31 - total % 31) % 31]


def serial(d):
    return (d - date(1899, 12, 30)).days


USCC = uscc(990001)
strings = []


def s(text):
    if text not in strings:
        strings.append(text)
    return strings.index(text)


def col(i):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def sheet(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<sheetData>']
    for r, cells in enumerate(rows, start=1):
        out.append('<row r="%d">' % r)
        for c, v in enumerate(cells):
            ref = "%s%d" % (col(c), r)
            if v is None:
                continue
            kind, val = v
            if kind == "s":
                out.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, s(val)))
            elif kind == "inline":
                out.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(val)))
            elif kind == "n":
                out.append('<c r="%s"><v>%s</v></c>' % (ref, val))
            elif kind == "date":
                out.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, serial(val)))
            elif kind == "b":
                out.append('<c r="%s" t="b"><v>%d</v></c>' % (ref, 1 if val else 0))
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def heads(*names):
    return [("s", n) for n in names]


sheets = [
    ("主管单位", [heads("编号", "名称", "类型", "职能清单印发日期"),
              [("s", "U91"), ("inline", "洛阳市测试管理局"), ("s", "行政机关"), ("date", date(2017, 6, 1))]]),
    ("associations", [heads("uscc", "name", "level", "registered_on", "unit", "link", "party_org",
                            "staffing_quota", "batch"),
                      [("s", USCC), ("inline", "洛阳市测试器材行业协会"), ("s", "全市性"),
                       ("s", "2005-03-01"), ("s", "U91"), ("s", "主管"), ("b", True), ("n", "2"),
                       ("s", "pilot")]]),
    ("人员", [heads("编号", "姓名", "公务员（含参公、在职工作人员）", "领导干部", "主管单位"),
            [("s", "P91"), ("inline", "王测试"), ("s", "是"), ("s", "否"), ("s", "U91")]]),
    ("任职", [heads("编号", "人员编号", "协会统一社会信用代码", "职务", "起始日期", "取酬",
                  "审批备案类型", "审批备案文号", "审批备案日期"),
            [("s", "T91"), ("s", "P91"), ("s", USCC), ("s", "会长（理事长）"),
             ("date", date(2012, 1, 1)), ("n", "0"), ("s", "备案"),
             ("inline", "洛组干〔2017〕3号"), ("s", "2017/5/2")]]),
]

content_types = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + "".join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1) for i in range(len(sheets)))
    + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>")
root_rels = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>")
workbook = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    + "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(n), i + 1, i + 1) for i, (n, _) in enumerate(sheets))
    + "</sheets></workbook>")
wb_rels = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1) for i in range(len(sheets)))
    + '<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>")
styles = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>")

sheet_xml = [sheet(rows) for _, rows in sheets]  # fills strings
sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings))
       + "".join("<si><t>%s</t></si>" % escape(t) for t in strings) + "</sst>")

here = os.path.dirname(os.path.abspath(__file__))
with zipfile.ZipFile(os.path.join(here, "other-program.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    def put(name, data):
        info = zipfile.ZipInfo(name, date_time=(2017, 12, 31, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    put("[Content_Types].xml", content_types)
    put("_rels/.rels", root_rels)
    put("xl/workbook.xml", workbook)
    put("xl/_rels/workbook.xml.rels", wb_rels)
    put("xl/styles.xml", styles)
    put("xl/sharedStrings.xml", sst)
    for i, x in enumerate(sheet_xml):
        put("xl/worksheets/sheet%d.xml" % (i + 1), x)
print(USCC)
