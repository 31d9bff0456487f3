"""Writes the reviewed-report fixtures for ReviewSheetReaderTests. Run once with openpyxl installed
(`python3 -m venv .venv && .venv/bin/pip install openpyxl && .venv/bin/python make_review_workbooks.py`);
the outputs are committed, so the tests need no Python.

- reviewed-report.xlsx: written by openpyxl (which writes inline strings), a Summary sheet before
  Candidates, the id column not first, decisions typed the ways reviewers type them.
- reviewed-bad.xlsx: openpyxl again, with a word that is not a decision and a decision without an id.
- reviewed-inline.xlsx: assembled by hand the way Excel writes: shared strings (rich text, with a
  phonetic run), plus inline strings, a formula string, cells without `r` references, an empty row,
  and the sheet stored under a non-default name found through the workbook's relationships.
"""
import zipfile
import openpyxl

HEADER = ["Name", "Email", "Product", "Site", "Days inactive", "id", "Decision"]
ROWS = [
    ["Ana Souza", "ana.souza@acme.example", "confluence", "acme", 183, "30b88ad66ca5", "Approve"],
    ["Kai Müller", "kai.mueller@acme.example", "confluence", "acme", 273, "36812c45edc3", "x"],
    ["Kai Müller", "kai.mueller@acme.example", "jira", "acme", 290, "3f9219bde5cc", "reject"],
    ["Nadia Rahman", "nadia.rahman@acme.example", "jira", "acme", None, "f63671dd8bec", None],
    ["Hiro Tanaka", "hiro.tanaka@acme.example", "jira", "acme-eu", None, "d3561331ea84", " YES "],
    ["Oskar Lind", "oskar.lind@acme.example", "jira", "acme-eu", None, "fdcc99942936", "n"],
    ["Giulia Rossi", "giulia.rossi@acme.example", "jira-service-management", "acme", 335, "972199814313", "approved"],
    ["Oskar Lind", "oskar.lind@acme.example", "jira-service-management", "acme", None, "3692376a5bf2", ""],
]


def openpyxl_book(path, rows):
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["seatsweep report"])
    ws = wb.create_sheet("Candidates")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)


openpyxl_book("reviewed-report.xlsx", ROWS)
openpyxl_book(
    "reviewed-bad.xlsx",
    [ROWS[0][:6] + ["maybe"], ["Nobody", "", "jira", "acme", 1, None, "approve"], ROWS[2]],
)

CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/review-data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Candidates" sheetId="7" r:id="rId9"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/review-data.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHARED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>ID</t></si>
<si><r><t>Deci</t></r><r><rPr><b/></rPr><t>sion</t></r><rPh sb="0" eb="1"><t>デ</t></rPh></si>
<si><r><t xml:space="preserve">re</t></r><r><t>ject</t></r></si>
</sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData>
<row r="1"><c t="s"><v>0</v></c><c t="inlineStr"><is><t>Name</t></is></c><c r="C1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>30b88ad66ca5</t></is></c><c r="B2" t="inlineStr"><is><t>Ana &amp; Co</t></is></c><c r="C2" t="str"><f>"app"&amp;"rove"</f><v>approve</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><r><t>3f9219</t></r><r><t>bde5cc</t></r></is></c><c r="C3" t="s"><v>2</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>f63671dd8bec</t></is></c><c r="C5" t="inlineStr"><is><t></t></is></c></row>
<row r="6"/>
<row r="7"><c r="A7" t="inlineStr"><is><t>d3561331ea84</t></is></c><c r="C7" t="inlineStr"><is><t>Y</t></is></c></row>
</sheetData>
</worksheet>"""

with zipfile.ZipFile("reviewed-inline.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WORKBOOK)
    z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
    z.writestr("xl/sharedStrings.xml", SHARED)
    z.writestr("xl/worksheets/review-data.xml", SHEET)
