/// Writes `report.xlsx`: an Office Open XML workbook in a ZIP archive (`ZIPWriter`), with the
/// sheets `Summary`, `Candidates`, `Seats` and `Protected`.
///
/// Cells are typed: text is an inline string (`t="inlineStr"`, so text that looks like a
/// formula is never one), dates are serial numbers with a date format, counts and money are
/// numbers (money with a currency format). Each sheet has a bold, frozen header row, column
/// widths, and (tables) an autofilter. A table longer than Excel's 1,048,576 rows continues on
/// `Seats 2`, `Seats 3`, ...
///
/// Every part streams through `XMLStreamWriter` and igzip (ISA-L) into a spool (a ZIP entry's
/// sizes must be known before its data), then from the spool into the archive; with the command
/// layer's file spool no sheet is ever held in memory whole.
public enum XLSXRenderer {
    /// One part of the package: its path and how to write it.
    struct Part {
        var path: String
        /// Writes the part through a fresh writer, draining it into the sink as it goes.
        var write: (XMLStreamWriter, _ sink: RowBlocks.Sink) throws -> Void
    }

    /// Writes the workbook into `sink`, each part compressed through `spool`. Sheets of at
    /// least `parallelRows` rows are written in blocks of `blockRows` on two threads (`RowBlocks`).
    public static func render(
        _ document: ReportDocument, spool: XLSXSpool = MemorySpool(),
        maxRowsPerSheet: Int = ReportTable.excelMaxRows, parallelRows: Int = RowBlocks.minimumRows,
        blockRows: Int = RowBlocks.blockRows, sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws(SeatSweepError) {
        var zip = ZIPWriter(modified: document.generatedAt)
        do {
            let parts = parts(
                document, maxRowsPerSheet: maxRowsPerSheet, parallelRows: parallelRows, blockRows: blockRows)
            for part in parts {
                try zip.add(part.path, spool: spool, sink: sink) { write in
                    let writer = try XMLStreamWriter()
                    try part.write(writer, write)
                    try writer.finish(part.path)
                }
            }
            try zip.finish(sink: sink)
        } catch let error as SeatSweepError {
            throw error
        } catch {
            throw SeatSweepError("cannot write the workbook (\(error))")
        }
    }

    /// Every part's bytes, generated in memory on one thread (for tests and golden files).
    public static func partBytes(_ document: ReportDocument, maxRowsPerSheet: Int = ReportTable.excelMaxRows)
        throws(SeatSweepError) -> [(path: String, bytes: [UInt8])]
    {
        var out: [(String, [UInt8])] = []
        for part in parts(document, maxRowsPerSheet: maxRowsPerSheet, parallelRows: .max, blockRows: 0) {
            let writer = try XMLStreamWriter()
            var bytes: [UInt8] = []
            do {
                try part.write(writer) { bytes += $0 }
            } catch {
                throw error as? SeatSweepError ?? SeatSweepError("cannot write \(part.path) (\(error))")
            }
            try writer.finish(part.path)
            out.append((part.path, bytes))
        }
        return out
    }

    /// The sheets of the workbook in order: each table split at the row limit.
    static func sheets(_ document: ReportDocument, maxRowsPerSheet: Int) -> [(table: ReportTable, sheet: ReportSheet)] {
        [document.summary, document.candidates, document.seats, document.protected].flatMap { table in
            table.sheets(maxRows: maxRowsPerSheet).map { (table, $0) }
        }
    }

    /// The parts in archive order; sheets of at least `parallelRows` rows write them in blocks.
    static func parts(_ document: ReportDocument, maxRowsPerSheet: Int, parallelRows: Int, blockRows: Int)
        -> [Part]
    {
        let sheets = sheets(document, maxRowsPerSheet: maxRowsPerSheet)
        var parts = [
            Part(path: "[Content_Types].xml", write: whole { contentTypes($0, sheetCount: sheets.count) }),
            Part(path: "_rels/.rels", write: whole(rootRelationships)),
            Part(path: "xl/workbook.xml", write: whole { workbook($0, sheets: sheets) }),
            Part(
                path: "xl/_rels/workbook.xml.rels",
                write: whole { workbookRelationships($0, sheetCount: sheets.count) }),
            Part(path: "xl/styles.xml", write: whole { styles($0, currency: document.currency) }),
        ]
        for (i, entry) in sheets.enumerated() {
            let blocks = entry.sheet.rows.count >= parallelRows ? blockRows : nil
            parts.append(
                Part(path: "xl/worksheets/sheet\(i + 1).xml") { w, sink in
                    try worksheet(w, entry.table, entry.sheet, selected: i == 0, blockRows: blocks, sink: sink)
                })
        }
        return parts
    }

    /// A small part written whole, then drained.
    private static func whole(_ body: @escaping (XMLStreamWriter) -> Void) -> (XMLStreamWriter, RowBlocks.Sink) throws
        -> Void
    {
        { writer, sink in
            body(writer)
            try writer.drain(into: sink)
        }
    }

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"

    static func contentTypes(_ w: XMLStreamWriter, sheetCount: Int) {
        w.startDocument()
        w.start("Types")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")
        for (ext, type) in [
            ("rels", "application/vnd.openxmlformats-package.relationships+xml"), ("xml", "application/xml"),
        ] {
            w.start("Default")
            w.attribute("Extension", ext)
            w.attribute("ContentType", type)
            w.end()
        }
        var overrides = [
            ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        ]
        for i in 1...sheetCount {
            overrides.append(
                (
                    "/xl/worksheets/sheet\(i).xml",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
                ))
        }
        for (name, type) in overrides {
            w.start("Override")
            w.attribute("PartName", name)
            w.attribute("ContentType", type)
            w.end()
        }
        w.end()
        w.endDocument()
    }

    static func rootRelationships(_ w: XMLStreamWriter) {
        w.startDocument()
        w.start("Relationships")
        w.attribute("xmlns", packageRelationshipNamespace)
        relationship(w, id: 1, type: "officeDocument", target: "xl/workbook.xml")
        w.end()
        w.endDocument()
    }

    static func workbook(_ w: XMLStreamWriter, sheets: [(table: ReportTable, sheet: ReportSheet)]) {
        w.startDocument()
        w.start("workbook")
        w.attribute("xmlns", mainNamespace)
        w.attribute("xmlns:r", relationshipNamespace)
        w.start("bookViews")
        w.start("workbookView")
        w.attribute("activeTab", 0)
        w.end()
        w.end()
        w.start("sheets")
        for (i, entry) in sheets.enumerated() {
            w.start("sheet")
            w.attribute("name", entry.sheet.name)
            w.attribute("sheetId", i + 1)
            w.attribute("r:id", "rId\(i + 1)")
            w.end()
        }
        w.end()
        let filtered = sheets.enumerated().filter { $0.element.table.autoFilter }
        if !filtered.isEmpty {
            w.start("definedNames")
            for (i, entry) in filtered {
                w.start("definedName")
                w.attribute("name", "_xlnm._FilterDatabase")
                w.attribute("localSheetId", i)
                w.attribute("hidden", 1)
                let last = SpreadsheetCells.columnLetters(entry.table.columns.count - 1)
                let name = entry.sheet.name.replacingOccurrences(of: "'", with: "''")
                w.text("'\(name)'!$A$1:$\(last)$\(entry.sheet.rows.count + 1)")
                w.end()
            }
            w.end()
        }
        w.end()
        w.endDocument()
    }

    static func workbookRelationships(_ w: XMLStreamWriter, sheetCount: Int) {
        w.startDocument()
        w.start("Relationships")
        w.attribute("xmlns", packageRelationshipNamespace)
        for i in 1...sheetCount {
            relationship(w, id: i, type: "worksheet", target: "worksheets/sheet\(i).xml")
        }
        relationship(w, id: sheetCount + 1, type: "styles", target: "styles.xml")
        w.end()
        w.endDocument()
    }

    /// `<Relationship Id="rIdN" Type=".../type" Target="target"/>`.
    private static func relationship(_ w: XMLStreamWriter, id: Int, type: String, target: String) {
        w.start("Relationship")
        w.attribute("Id", "rId\(id)")
        w.attribute("Type", relationshipNamespace + "/" + type)
        w.attribute("Target", target)
        w.end()
    }

    /// Cell style indexes into `cellXfs`, as `styles.xml` declares them.
    enum Style: Int {
        case normal = 0, bold, date, money, integer
    }

    static func styles(_ w: XMLStreamWriter, currency: String?) {
        w.startDocument()
        w.start("styleSheet")
        w.attribute("xmlns", mainNamespace)
        w.start("numFmts")
        w.attribute("count", 3)
        for (id, code) in [
            (164, SpreadsheetCells.dateFormat), (165, SpreadsheetCells.moneyFormat(currency: currency)),
            (166, SpreadsheetCells.integerFormat),
        ] {
            w.start("numFmt")
            w.attribute("numFmtId", id)
            w.attribute("formatCode", code)
            w.end()
        }
        w.end()
        w.start("fonts")
        w.attribute("count", 2)
        for bold in [false, true] {
            w.start("font")
            if bold {
                w.start("b")
                w.end()
            }
            w.start("sz")
            w.attribute("val", 11)
            w.end()
            w.start("name")
            w.attribute("val", "Calibri")
            w.end()
            w.start("family")
            w.attribute("val", 2)
            w.end()
            w.end()
        }
        w.end()
        w.start("fills")
        w.attribute("count", 2)
        for pattern in ["none", "gray125"] {
            w.start("fill")
            w.start("patternFill")
            w.attribute("patternType", pattern)
            w.end()
            w.end()
        }
        w.end()
        w.start("borders")
        w.attribute("count", 1)
        w.start("border")
        for side: StaticString in ["left", "right", "top", "bottom", "diagonal"] {
            w.start(side)
            w.end()
        }
        w.end()
        w.end()
        w.start("cellStyleXfs")
        w.attribute("count", 1)
        xf(w, numFmt: 0, font: 0, master: false)
        w.end()
        w.start("cellXfs")
        w.attribute("count", 5)
        xf(w, numFmt: 0, font: 0, master: true)  // normal
        xf(w, numFmt: 0, font: 1, master: true)  // bold
        xf(w, numFmt: 164, font: 0, master: true)  // date
        xf(w, numFmt: 165, font: 0, master: true)  // money
        xf(w, numFmt: 166, font: 0, master: true)  // integer
        w.end()
        w.start("cellStyles")
        w.attribute("count", 1)
        w.start("cellStyle")
        w.attribute("name", "Normal")
        w.attribute("xfId", 0)
        w.attribute("builtinId", 0)
        w.end()
        w.end()
        w.end()
        w.endDocument()
    }

    private static func xf(_ w: XMLStreamWriter, numFmt: Int, font: Int, master: Bool) {
        w.start("xf")
        w.attribute("numFmtId", numFmt)
        w.attribute("fontId", font)
        w.attribute("fillId", 0)
        w.attribute("borderId", 0)
        if master {
            w.attribute("xfId", 0)
            if font != 0 { w.attribute("applyFont", 1) }
            if numFmt != 0 { w.attribute("applyNumberFormat", 1) }
        }
        w.end()
    }

    /// A worksheet: the prologue and header row, the data rows (a few hundred between drains,
    /// or with `blockRows` in blocks on two threads), then the closing elements.
    static func worksheet(
        _ w: XMLStreamWriter, _ table: ReportTable, _ sheet: ReportSheet, selected: Bool, blockRows: Int?,
        sink: RowBlocks.Sink
    ) throws {
        let letters = (0..<max(1, table.columns.count)).map(SpreadsheetCells.columnLetters)
        let ref = "A1:\(letters[letters.count - 1])\(sheet.rows.count + 1)"
        worksheetPrologue(w, table, ref: ref, selected: selected)
        CellBlock.withRow(table.header.map { $0.isEmpty ? .empty : .text($0) }) { cells in
            row(w, number: 1, cells: cells, bold: true, letters: letters)
        }
        // Data row `index` is sheet row `index - first + 2` (after the header).
        let first = sheet.rows.lowerBound
        try RowBlocks.write(
            w, table, sheet.rows, blockRows: blockRows, what: "the workbook",
            row: { w, cells, index in
                row(w, number: index - first + 2, cells: cells, bold: table.isBold(index), letters: letters)
            }, sink: sink)
        w.end()  // sheetData
        if table.autoFilter {
            w.start("autoFilter")
            w.attribute("ref", ref)
            w.end()
        }
        w.end()  // worksheet
        w.endDocument()
        try w.drain(into: sink)
    }

    private static func worksheetPrologue(_ w: XMLStreamWriter, _ table: ReportTable, ref: String, selected: Bool) {
        w.startDocument()
        w.start("worksheet")
        w.attribute("xmlns", mainNamespace)
        w.attribute("xmlns:r", relationshipNamespace)
        w.start("dimension")
        w.attribute("ref", ref)
        w.end()
        w.start("sheetViews")
        w.start("sheetView")
        if selected { w.attribute("tabSelected", 1) }
        w.attribute("workbookViewId", 0)
        w.start("pane")
        w.attribute("ySplit", 1)
        w.attribute("topLeftCell", "A2")
        w.attribute("activePane", "bottomLeft")
        w.attribute("state", "frozen")
        w.end()
        w.start("selection")
        w.attribute("pane", "bottomLeft")
        w.attribute("activeCell", "A2")
        w.attribute("sqref", "A2")
        w.end()
        w.end()
        w.end()
        w.start("sheetFormatPr")
        w.attribute("defaultRowHeight", 15)
        w.end()
        if !table.columns.isEmpty {
            w.start("cols")
            for (i, column) in table.columns.enumerated() {
                w.start("col")
                w.attribute("min", i + 1)
                w.attribute("max", i + 1)
                w.attribute("width", column.width)
                w.attribute("customWidth", 1)
                w.end()
            }
            w.end()
        }
        w.newline()
        w.start("sheetData")
    }

    /// One row. Cells are written as fixed markup around their values (`<c t="inlineStr"><is><t>`
    /// text `</t></is></c>`): the same bytes the element calls would give, at a fraction of
    /// their cost for sheets of a million rows. Text still goes through `XMLStreamWriter.text`.
    ///
    /// A cell names its place (`r="C2"`) only after a gap: `r` is optional in SpreadsheetML, and a
    /// reader places a cell without it just after the one before (the first of a row in column A),
    /// as Excel, LibreOffice and openpyxl do. The row keeps its `r`. Left out, the references were
    /// 16% of a large sheet's XML and 40% of its compressed size.
    private static func row(_ w: XMLStreamWriter, number: Int, cells: RowCells, bold: Bool, letters: [String]) {
        // The row number's digits are made once for the row and every cell reference in it.
        DecimalDigits.with(number) { digits in
            row(w, digits: digits, cells: cells, count: min(cells.count, letters.count), bold: bold, letters: letters)
        }
    }

    private static func row(
        _ w: XMLStreamWriter, digits: UnsafeBufferPointer<UInt8>, cells: RowCells, count: Int, bold: Bool,
        letters: [String]
    ) {
        // Fixed markup like the cells' (`<row r="7">`, or `<row r="7"/>` with no cells, as libxml2 writes them).
        w.raw("<row r=\"")
        w.raw(digits: digits)
        guard (0..<count).contains(where: { !cells[$0].isEmpty }) else {
            w.raw("\"/>")
            w.newline()
            return
        }
        w.raw("\">")
        // The column a cell without a reference is read at.
        var next = 0
        for i in 0..<count {
            if case .empty = cells[i] { continue }
            if i == next {
                w.raw("<c")
            } else {
                w.raw("<c r=\"")
                w.raw(token: letters[i])
                w.raw(digits: digits)
                w.raw("\"")
            }
            next = i + 1
            switch cells[i] {
            case .empty:
                break
            case .text(let text):
                SpreadsheetCells.withCellText(text) { value, plain in
                    switch (bold, SpreadsheetCells.needsPreserve(value)) {
                    case (false, false): w.raw(#" t="inlineStr"><is><t>"#)
                    case (false, true): w.raw(#" t="inlineStr"><is><t xml:space="preserve">"#)
                    case (true, false): w.raw(#" s="1" t="inlineStr"><is><t>"#)
                    case (true, true): w.raw(#" s="1" t="inlineStr"><is><t xml:space="preserve">"#)
                    }
                    w.text(value, plain: plain)
                }
                w.raw("</t></is></c>")
            case .integer(let value):
                numberCell(w, .integer) { w.raw(number: value) }
            case .date(let day):
                numberCell(w, .date) { w.raw(number: SpreadsheetCells.excelSerial(day)) }
            case .money(let amount):
                numberCell(w, .money) { w.raw(token: ReportFormat.decimalLiteral(amount)) }
            }
        }
        w.raw("</row>")
        w.newline()
    }

    /// The rest of a number cell, after `<c` and its reference.
    private static func numberCell(_ w: XMLStreamWriter, _ style: Style, value: () -> Void) {
        switch style {
        case .date: w.raw(#" s="2"><v>"#)
        case .money: w.raw(#" s="3"><v>"#)
        case .integer: w.raw(#" s="4"><v>"#)
        case .normal, .bold: w.raw("><v>")
        }
        value()
        w.raw("</v></c>")
    }
}
