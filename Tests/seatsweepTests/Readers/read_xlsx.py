#!/usr/bin/env python3
"""Reads an .xlsx with openpyxl and prints what it found as JSON.

Usage: read_xlsx.py REPORT.xlsx

For every sheet: its title, frozen pane, autofilter range, whether the header row is bold, the
column widths, and every row as cells {"v": value, "t": openpyxl's data type, "fmt": number
format}. Dates come back as "yyyy-mm-dd" with "date": true, so the caller can tell a real date
cell from text that looks like one.
"""
import datetime
import json
import sys

import openpyxl


def cell(c):
    value = c.value
    out = {"t": c.data_type, "fmt": c.number_format}
    if isinstance(value, datetime.datetime):
        out["v"] = value.date().isoformat()
        out["date"] = True
    elif isinstance(value, datetime.date):
        out["v"] = value.isoformat()
        out["date"] = True
    else:
        out["v"] = value
    return out


def main():
    workbook = openpyxl.load_workbook(sys.argv[1])
    sheets = []
    for ws in workbook.worksheets:
        header = list(ws.iter_rows(min_row=1, max_row=1))[0] if ws.max_row >= 1 else []
        sheets.append({
            "title": ws.title,
            "freeze": ws.freeze_panes,
            "autoFilter": ws.auto_filter.ref,
            "headerBold": all(bool(c.font and c.font.b) for c in header if c.value is not None),
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "rows": [[cell(c) for c in row] for row in ws.iter_rows()],
        })
    print(json.dumps({"sheets": sheets}, ensure_ascii=False))


if __name__ == "__main__":
    main()
