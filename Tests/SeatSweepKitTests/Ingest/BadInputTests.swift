import Foundation
import Testing

@testable import SeatSweepKit

/// Each bad input stops the audit with an error naming the file, line and column where there is
/// one, and saying what to do.
@Suite struct BadInputTests {
    func error(_ name: String, _ data: Data, dateOrder: NumericDateOrder? = nil) -> SeatSweepError? {
        do {
            _ = try TestSupport.audit([InputFile(path: name, data: data)], dateOrder: dateOrder)
            return nil
        } catch let error as SeatSweepError {
            return error
        } catch {
            return SeatSweepError("unexpected \(error)")
        }
    }

    func error(_ name: String, _ text: String) -> SeatSweepError? { error(name, Data(text.utf8)) }

    @Test func unterminatedQuote() throws {
        let e = try #require(
            error(
                "q.csv", "User id,User name,email,User status\nu1,\"Ann,a@x.example,Active\nu2,B,b@x.example,Active\n"))
        #expect(e.location == FileLocation(path: "q.csv", line: 2, column: 4))
        #expect(e.description.contains("q.csv:2:4: error:"))
        #expect(e.hint != nil)
    }

    @Test func unknownLayout() throws {
        let e = try #require(error("u.csv", "Name,Department,Cost centre\nAnn,Sales,42\n"))
        #expect(e.message.hasPrefix("unknown layout"))
        #expect(e.message.contains("Name, Department, Cost centre"))
        #expect(e.location?.line == 1)
        #expect(e.hint?.contains("Export users") == true)
    }

    @Test func missingRequiredColumn() throws {
        let e = try #require(error("m.csv", "User id,User name,email,Org role\nu1,A,a@x.example,None\n"))
        #expect(e.message.contains("missing required column 'User status'"))
        #expect(e.location == FileLocation(path: "m.csv", line: 1, column: 1))
    }

    @Test(arguments: [("empty", ""), ("blank", "\n\r\n  \n"), ("bom only", "\u{FEFF}")])
    func emptyFiles(name: String, text: String) throws {
        let e = try #require(error("e.csv", text))
        #expect(e.message.contains("empty") || e.message.contains("no data"))
        #expect(e.location?.path == "e.csv")
    }

    @Test func binaryFiles() throws {
        let zip = try #require(error("report.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])))
        #expect(zip.message.contains("zip archive"))
        #expect(zip.hint?.contains("CSV UTF-8") == true)
        let nul = try #require(error("n.csv", Data("User id,x\nu1,\u{0}\n".utf8)))
        #expect(nul.message.contains("binary"))
        #expect(nul.location?.line == 2 && nul.location?.column == 4)
    }

    @Test func undecodableText() throws {
        // "Müller" in Windows-1252: 0xFC is not UTF-8.
        var data = Data("User id,User name,email,User status\nu1,M".utf8)
        data.append(0xFC)
        data.append(contentsOf: Data("ller,m@x.example,Active\n".utf8))
        let e = try #require(error("w.csv", data))
        #expect(e.message.contains("not valid UTF-8 (byte 0xFC)"))
        #expect(e.location == FileLocation(path: "w.csv", line: 2, column: 5))
        #expect(e.hint?.contains("iconv") == true)
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let e = try #require(error("d.json", "{\"data\": [\n  {\"accountId\": \"a\",}\n]}"))
        #expect(e.message.hasPrefix("invalid JSON"))
        #expect(e.location?.line == 2)
        #expect(e.location?.column == 21)  // the '}' where a member name was expected
    }

    @Test func jsonThatIsNotADump() throws {
        let e = try #require(error("x.json", "{\"hello\": \"world\"}"))
        #expect(e.message.hasPrefix("unknown layout"))
    }

    @Test func ambiguousNumericDatesNameTheColumnAndSuggestDateFormat() throws {
        let csv =
            "User id,User name,email,User status,Added to org,Last seen in Jira - acme,Jira - acme\n"
            + "u1,A,a@x.example,Active,01/02/2024,03/04/2026,User\nu2,B,b@x.example,Active,05/06/2024,07/08/2026,User\n"
        let e = try #require(error("x.csv", Data(csv.utf8)))
        #expect(e.message.contains("'Added to org'"))
        #expect(e.message.contains("01/02/2024"))
        #expect(e.location == FileLocation(path: "x.csv", line: 2, column: 25))
        #expect(e.hint?.contains("--date-format") == true)
        // With the order given, the same file reads.
        #expect(error("x.csv", Data(csv.utf8), dateOrder: .dayFirst) == nil)
    }

    @Test func provableNumericDatesAreRead() throws {
        let csv =
            "User id,User name,email,User status,Added to org,Last seen in Jira - acme,Jira - acme\n"
            + "u1,A,a@x.example,Active,01/02/2024,03/04/2026,User\nu2,B,b@x.example,Active,05/06/2024,10/25/2026,User\n"
        let r = try TestSupport.audit([("x.csv", csv)])
        // 10/25/2026 proves month-first for the whole file.
        #expect(r.directory.accounts[0].addedToOrg == .on(Day(year: 2024, month: 1, day: 2)!))
        #expect(r.directory.accounts[1].seats[0].lastActive == .on(Day(year: 2026, month: 10, day: 25)!))
    }

    @Test func contradictoryNumericDates() throws {
        let csv =
            "User id,User name,email,User status,Added to org\nu1,A,a@x.example,Active,25/01/2024\nu2,B,b@x.example,Active,01/25/2024\n"
        let e = try #require(error("x.csv", Data(csv.utf8)))
        #expect(e.message.contains("both orders"))
    }
}
