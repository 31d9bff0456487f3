import Foundation
import ZIPFoundation

@testable import SeatSweepKit

/// Audits and documents the report tests share: the bundled sample, the hostile-names fixture,
/// and a hand-made pricing for the priced path.
enum ReportFixtures {
    /// `Samples/directory-export.csv --policy Samples/policy.yml --as-of 2026-11-01`.
    static func sample() throws -> Audit.Result {
        try TestSupport.audit(
            [TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")],
            policy: SamplesTests.policy)
    }

    /// `Tests/SeatSweepKitTests/Fixtures/hostile-export.csv`: script tags, formula-looking names,
    /// control characters, a right-to-left override, emoji, a 10,000-character name.
    static func hostile() throws -> Audit.Result {
        try TestSupport.audit([
            TestSupport.input(
                TestSupport.fixture("hostile-export.csv"), as: "Tests/SeatSweepKitTests/Fixtures/hostile-export.csv")
        ])
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    /// Savings for the sample's subscriptions, as the pricing stage would compute them (issue 3).
    static func sampleSavings() -> Savings {
        Savings(
            currency: "EUR", source: "pricing.yml (list prices 2026)",
            groups: [
                SubscriptionSavings(
                    product: "confluence", site: "acme", billing: "monthly", monthlyCost: decimal("34.62"),
                    monthlySavings: decimal("11.54"), annualSavings: decimal("138.48"), effectiveFrom: nil),
                SubscriptionSavings(
                    product: "jira", site: "acme", billing: "annual", monthlyCost: decimal("70.875"),
                    monthlySavings: decimal("15.75"), annualSavings: decimal("189"), effectiveFrom: nil, tier: 10,
                    tierAfter: 10, toNextLowerTier: nil),
                SubscriptionSavings(
                    product: "jira", site: "acme-eu", billing: "monthly", monthlyCost: decimal("23.625"),
                    monthlySavings: decimal("15.75"), annualSavings: decimal("189"), effectiveFrom: nil),
            ],
            apps: [
                AppSavings(
                    name: "Tempo Timesheets", host: "jira", billing: "monthly", monthlySavings: decimal("8.40"),
                    annualSavings: decimal("100.80"))
            ],
            unpriced: ["jira-service-management"], monthlySavings: decimal("51.44"), annualSavings: decimal("617.28"))
    }

    static func pricedSample() throws -> Audit.Result {
        var result = try sample()
        result.summary.savings = sampleSavings()
        return result
    }

    /// The text of every cell of `table` as users.csv writes it, row by row, header first.
    static func texts(_ table: ReportTable) -> [[String]] {
        let reader = table.blockReader()
        return [table.header] + (0..<table.count).map { i in reader.withRow(i, cellTexts) }
    }

    /// `texts(table)`, each row made on its own (`ReportTable.row`) rather than in blocks.
    static func rowByRowTexts(_ table: ReportTable) -> [[String]] {
        [table.header] + (0..<table.count).map { i in CellBlock.withRow(table.row(i), cellTexts) }
    }

    /// The text of each cell as users.csv writes it.
    static func cellTexts(_ cells: RowCells) -> [String] {
        (0..<cells.count).map { k in
            var bytes = ByteBuffer()
            UsersCSVRenderer.append(cells[k], to: &bytes)
            return String(decoding: bytes.bytes, as: UTF8.self)
        }
    }

    /// The entries of an xlsx archive, path to bytes.
    static func entries(_ archive: Archive) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for entry in archive {
            var bytes: [UInt8] = []
            _ = try archive.extract(entry) { bytes += $0 }
            out[entry.path] = bytes
        }
        return out
    }

    /// Renders an xlsx in memory and returns its parts, read back with ZIPFoundation.
    static func xlsxEntries(_ document: ReportDocument, maxRowsPerSheet: Int = ReportTable.excelMaxRows) throws
        -> [String: [UInt8]]
    {
        var bytes: [UInt8] = []
        try XLSXRenderer.render(document, maxRowsPerSheet: maxRowsPerSheet) { bytes += $0 }
        return try entries(try Archive(data: Data(bytes), accessMode: .read))
    }

    static func xml2003(_ document: ReportDocument, maxRowsPerSheet: Int = ReportTable.excelMaxRows) throws
        -> [UInt8]
    {
        var bytes: [UInt8] = []
        try SpreadsheetML2003Renderer.render(document, maxRowsPerSheet: maxRowsPerSheet) { bytes += $0 }
        return bytes
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
