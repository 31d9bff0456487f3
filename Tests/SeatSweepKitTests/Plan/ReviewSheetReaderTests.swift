import Foundation
import Testing

@testable import SeatSweepKit

/// Decisions from a reviewed CSV or the Candidates sheet of a reviewed report.xlsx.
@Suite struct ReviewSheetReaderTests {
    func decisions(_ list: [ReviewDecision]) -> [String: PlanAction.Decision] {
        Dictionary(list.map { ($0.actionId, $0.decision) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: [
        ("approve", PlanAction.Decision?.some(.approved)), ("Approved", .approved), ("YES", .approved),
        ("y", .approved),
        ("X", .approved), (" reject ", .rejected), ("Rejected", .rejected), ("no", .rejected), ("N", .rejected),
        ("", nil), ("  ", nil),
    ])
    func wordsMapToDecisions(_ word: String, _ expected: PlanAction.Decision?) throws {
        #expect(try ReviewDecision.parse(word).get() == expected)
    }

    @Test(arguments: ["aprove", "ok", "maybe", "1", "✓"])
    func otherWordsAreNotDecisions(_ word: String) {
        #expect((try? ReviewDecision.parse(word).get()) == nil)
    }

    @Test func csvWithAnyHeaderCaseAndDelimiter() throws {
        let csv =
            "\u{FEFF}Name;ID;decision\r\nAna;30b88ad66ca5;approve\r\nKai;36812c45edc3;\r\nKai;3f9219bde5cc;Reject\r\n"
        let read = try ReviewSheetReader.read(Data(csv.utf8), path: "review.csv")
        #expect(decisions(read) == ["30b88ad66ca5": .approved, "3f9219bde5cc": .rejected])
        #expect(read[0].location == SourceLocation(path: "review.csv", line: 2, column: 18))
    }

    @Test func csvProblemsNameLineAndColumnAndAreAllReported() throws {
        let csv = "id,Decision\nabc,approve\n,reject\ndef,perhaps\n"
        let error = PlanFixtures.error { try ReviewSheetReader.read(Data(csv.utf8), path: "r.csv") }
        #expect(error?.message == "a decision on a row without an id")
        #expect(error?.location == SourceLocation(path: "r.csv", line: 3, column: 2))
        #expect(error?.related.first?.message == "'perhaps' is not a decision")
        #expect(error?.related.first?.location == SourceLocation(path: "r.csv", line: 4, column: 5))
    }

    @Test func csvWithoutTheColumnsIsRefused() throws {
        let error = PlanFixtures.error { try ReviewSheetReader.read(Data("Name,Verdict\na,b\n".utf8), path: "r.csv") }
        #expect(error?.message == "the header row has no 'id' and 'Decision' column")
    }

    @Test func workbookWrittenByOpenpyxl() throws {
        let data = try Data(contentsOf: PlanFixtures.fixture("reviewed-report.xlsx"))
        let read = try ReviewSheetReader.read(data, path: "report.xlsx")
        #expect(
            decisions(read) == [
                "30b88ad66ca5": .approved, "36812c45edc3": .approved, "3f9219bde5cc": .rejected,
                "d3561331ea84": .approved, "fdcc99942936": .rejected, "972199814313": .approved,
            ])
        #expect(read.first?.location?.path == "report.xlsx (sheet Candidates cell G2)")
    }

    @Test func workbookWithSharedRichAndInlineStrings() throws {
        let data = try Data(contentsOf: PlanFixtures.fixture("reviewed-inline.xlsx"))
        let read = try ReviewSheetReader.read(data, path: "inline.xlsx")
        #expect(read.map(\.actionId) == ["30b88ad66ca5", "3f9219bde5cc", "d3561331ea84"])
        #expect(read.map(\.decision) == [.approved, .rejected, .approved])
        #expect(read.last?.location?.path == "inline.xlsx (sheet Candidates cell C7)")
    }

    @Test func workbookProblemsNameSheetAndCell() throws {
        let data = try Data(contentsOf: PlanFixtures.fixture("reviewed-bad.xlsx"))
        let error = PlanFixtures.error { try ReviewSheetReader.read(data, path: "bad.xlsx") }
        #expect(error?.message == "sheet 'Candidates' cell G2: 'maybe' is not a decision")
        #expect(error?.related.map(\.message) == ["sheet 'Candidates' cell G3: a decision on a row without an id"])
    }

    @Test func aZipThatIsNotAWorkbookOrIsDamaged() throws {
        var data = try Data(contentsOf: PlanFixtures.fixture("reviewed-report.xlsx"))
        data = data.prefix(200)
        let error = PlanFixtures.error { try ReviewSheetReader.read(data, path: "cut.xlsx") }
        #expect(error?.message.contains("not a readable .xlsx") == true)
    }

    @Test func columnReferences() {
        typealias P = ReviewWorkbookReader.Parts
        #expect(P.columnIndex("A1") == 0)
        #expect(P.columnIndex("Z9") == 25)
        #expect(P.columnIndex("AA10") == 26)
        #expect(P.columnIndex("AB12") == 27)
        #expect(P.columnIndex("12") == nil)
        #expect(P.columnName(0) == "A")
        #expect(P.columnName(26) == "AA")
        #expect(P.columnName(701) == "ZZ")
        #expect(P.resolve("worksheets/sheet2.xml", from: "xl") == "xl/worksheets/sheet2.xml")
        #expect(P.resolve("/xl/worksheets/a.xml", from: "xl") == "xl/worksheets/a.xml")
        #expect(P.resolve("../x/y.xml", from: "xl/sub") == "xl/x/y.xml")
    }
}
