/// Writes `report.xml`: the single-file XML Spreadsheet 2003 format
/// (`urn:schemas-microsoft-com:office:spreadsheet`) that Excel and LibreOffice open, with the
/// same sheets, cell types and styles as `report.xlsx`.
///
/// Text cells are `ss:Type="String"` (a formula would need `ss:Formula`, which is never
/// written), dates `DateTime` with a date format, counts and money `Number`. Header rows are
/// bold and frozen, tables have an autofilter, columns a width. Streams through
/// `XMLStreamWriter` into `sink`, a few hundred rows at a time; the rows of a large sheet are
/// written in blocks on two threads (`RowBlocks`).
public enum SpreadsheetML2003Renderer {
    static let namespace = "urn:schemas-microsoft-com:office:spreadsheet"
    static let excelNamespace = "urn:schemas-microsoft-com:office:excel"

    /// Style ids, declared in `Styles` (and spelled out in the cells' fixed markup, `cells`).
    enum Style {
        case header, date, money, integer

        var id: StaticString {
            switch self {
            case .header: return "h"
            case .date: return "d"
            case .money: return "m"
            case .integer: return "n"
            }
        }
    }

    public static func render(
        _ document: ReportDocument, maxRowsPerSheet: Int = ReportTable.excelMaxRows,
        parallelRows: Int = RowBlocks.minimumRows, blockRows: Int = RowBlocks.blockRows,
        sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let w = try XMLStreamWriter()
        w.startDocument()
        w.processingInstruction("mso-application", #"progid="Excel.Sheet""#)
        w.newline()
        w.start("Workbook")
        w.attribute("xmlns", namespace)
        w.attribute("xmlns:o", "urn:schemas-microsoft-com:office:office")
        w.attribute("xmlns:x", excelNamespace)
        w.attribute("xmlns:ss", namespace)
        w.newline()
        styles(w, currency: document.currency)
        var first = true
        for table in [document.summary, document.candidates, document.seats, document.protected] {
            for sheet in table.sheets(maxRows: maxRowsPerSheet) {
                let blocks = sheet.rows.count >= parallelRows ? blockRows : nil
                try worksheet(w, table, sheet, selected: first, blockRows: blocks, sink: sink)
                first = false
            }
        }
        w.end()
        w.endDocument()
        try w.finish("the XML Spreadsheet 2003 report")
        try w.drain(into: sink)
    }

    static func styles(_ w: XMLStreamWriter, currency: String?) {
        w.start("Styles")
        w.newline()
        w.start("Style")
        w.attribute("ss:ID", "Default")
        w.attribute("ss:Name", "Normal")
        w.start("Alignment")
        w.attribute("ss:Vertical", "Bottom")
        w.end()
        w.end()
        w.newline()
        w.start("Style")
        w.attribute("ss:ID", "h")
        w.start("Font")
        w.attribute("ss:Bold", 1)
        w.end()
        w.end()
        w.newline()
        for (style, format) in [
            (Style.date, SpreadsheetCells.dateFormat), (.money, SpreadsheetCells.moneyFormat(currency: currency)),
            (.integer, SpreadsheetCells.integerFormat),
        ] {
            w.start("Style")
            w.attribute("ss:ID", String(describing: style.id))
            w.start("NumberFormat")
            w.attribute("ss:Format", format)
            w.end()
            w.end()
            w.newline()
        }
        w.end()
        w.newline()
    }

    static func worksheet(
        _ w: XMLStreamWriter, _ table: ReportTable, _ sheet: ReportSheet, selected: Bool, blockRows: Int?,
        sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        w.start("Worksheet")
        w.attribute("ss:Name", sheet.name)
        w.start("Table")
        w.newline()
        for column in table.columns {
            w.start("Column")
            w.attribute("ss:Width", column.width * 6)
            w.end()
            w.newline()
        }
        CellBlock.withRow(table.header.map { $0.isEmpty ? .empty : .text($0) }) { row(w, $0, bold: true) }
        try RowBlocks.write(
            w, table, sheet.rows, blockRows: blockRows, what: "the XML Spreadsheet 2003 report",
            row: { w, cells, index in row(w, cells, bold: table.isBold(index)) }, sink: sink)
        w.end()  // Table
        w.newline()
        w.start("WorksheetOptions")
        w.attribute("xmlns", excelNamespace)
        if selected {
            w.start("Selected")
            w.end()
        }
        w.start("FreezePanes")
        w.end()
        w.start("FrozenNoSplit")
        w.end()
        w.element("SplitHorizontal", "1")
        w.element("TopRowBottomPane", "1")
        w.element("ActivePane", "2")
        w.end()
        w.newline()
        if table.autoFilter {
            w.start("AutoFilter")
            w.attribute("xmlns", excelNamespace)
            w.attribute("x:Range", "R1C1:R\(sheet.rows.count + 1)C\(max(1, table.columns.count))")
            w.end()
            w.newline()
        }
        w.end()  // Worksheet
        w.newline()
    }

    /// One row, cells as fixed markup around their values (see `XLSXRenderer.row`); values go
    /// through `XMLStreamWriter.text`.
    private static func row(_ w: XMLStreamWriter, _ cells: RowCells, bold: Bool) {
        // Fixed markup too (`<Row>`, or `<Row/>` with no cells, as libxml2 writes them).
        guard cells.hasValues else {
            w.raw("<Row/>")
            w.newline()
            return
        }
        w.raw("<Row>")
        self.cells(w, cells, bold: bold)
        w.raw("</Row>")
        w.newline()
    }

    private static func cells(_ w: XMLStreamWriter, _ cells: RowCells, bold: Bool) {
        var skipped = false
        for i in 0..<cells.count {
            let cell = cells[i]
            let open: StaticString
            switch cell {
            case .empty:
                skipped = true
                continue
            case .text: open = bold ? #" ss:StyleID="h"><Data ss:Type="String">"# : #"><Data ss:Type="String">"#
            case .integer:
                open = bold ? #" ss:StyleID="h"><Data ss:Type="Number">"# : #" ss:StyleID="n"><Data ss:Type="Number">"#
            case .date: open = #" ss:StyleID="d"><Data ss:Type="DateTime">"#
            case .money: open = #" ss:StyleID="m"><Data ss:Type="Number">"#
            }
            w.raw("<Cell")
            if skipped {
                w.raw(" ss:Index=\"")
                w.raw(number: i + 1)
                w.raw("\"")
                skipped = false
            }
            w.raw(open)
            switch cell {
            case .empty: break
            case .text(let text): SpreadsheetCells.withCellText(text) { w.text($0, plain: $1) }
            case .integer(let number): w.raw(number: number)
            case .date(let day): w.raw(day: day)
            case .money(let amount): w.raw(token: ReportFormat.decimalLiteral(amount))
            }
            w.raw("</Data></Cell>")
        }
    }
}
