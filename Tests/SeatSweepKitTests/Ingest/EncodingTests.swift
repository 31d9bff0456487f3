import Foundation
import Testing

@testable import SeatSweepKit

/// The same export in every encoding, delimiter and line end a spreadsheet round trip produces
/// must read to the same accounts and seats.
@Suite struct EncodingTests {
    static let rows = [
        [
            "User id", "User name", "email", "User status", "Added to org", "Org role", "Last seen in Jira - acme",
            "Jira - acme",
        ],
        ["u1", "Zoë \"Z\" Ångström", "zoe@x.example", "Active", "3 Jan 2024", "None", "1 Aug 2026", "User"],
        [
            "u2", "Multi\nLine; Name, Jr", "ml@x.example", "Active", "3 Jan 2024", "None", "Never accessed",
            "\"User,User access admin\"",
        ],
    ]

    /// The rows as CSV text with the given delimiter and line end; cells holding the delimiter,
    /// a quote or a line break are quoted.
    static func text(delimiter: String, newline: String) -> String {
        rows.map { row in
            row.map { cell -> String in
                let raw = cell.hasPrefix("\"") ? String(cell.dropFirst().dropLast()) : cell
                if raw.contains(delimiter) || raw.contains("\"") || raw.contains("\n") || cell.hasPrefix("\"") {
                    return "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
                return raw
            }.joined(separator: delimiter)
        }.joined(separator: newline) + newline
    }

    static func utf16(_ text: String, bigEndian: Bool) -> Data {
        var data = Data(bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
        for unit in text.utf16 {
            let bytes = bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            data.append(contentsOf: bytes)
        }
        return data
    }

    static let variants: [(String, Data)] = [
        ("utf8-comma-lf", Data(text(delimiter: ",", newline: "\n").utf8)),
        ("utf8-comma-crlf", Data(text(delimiter: ",", newline: "\r\n").utf8)),
        ("utf8-bom-semicolon", Data([0xEF, 0xBB, 0xBF]) + Data(text(delimiter: ";", newline: "\r\n").utf8)),
        ("utf8-tab", Data(text(delimiter: "\t", newline: "\n").utf8)),
        ("utf16le-tab", utf16(text(delimiter: "\t", newline: "\r\n"), bigEndian: false)),
        ("utf16be-comma", utf16(text(delimiter: ",", newline: "\n"), bigEndian: true)),
    ]

    @Test(arguments: variants.map(\.0))
    func everyVariantReadsTheSame(name: String) throws {
        let data = Self.variants.first { $0.0 == name }!.1
        let r = try TestSupport.audit([InputFile(path: name, data: data)])
        #expect(r.directory.accounts.map(\.name) == ["Zoë \"Z\" Ångström", "Multi\nLine; Name, Jr"])
        let first = r.directory.accounts[0]
        #expect(first.seats.first?.lastActive == .on(Day(year: 2026, month: 8, day: 1)!))
        let second = r.directory.accounts[1]
        #expect(second.adminRoles == ["User access admin (Jira - acme)"])
        #expect(second.seats.first?.lastActive == LastActive.never)
        #expect(r.diagnostics.warnings == 0, "\(r.diagnostics.kept)")
    }

    @Test func bomIsNotPartOfTheFirstHeader() throws {
        let text = "\u{FEFF}User id,User name,email,User status\nu1,A,a@x.example,Active\n"
        let r = try TestSupport.audit([("bom.csv", text)])
        #expect(r.directory.inputs[0].layout == "directory")
    }
}
