import Testing

@testable import SeatSweepKit

/// Hostile text is neutralised the same way for every format.
@Suite struct ReportTextTests {
    @Test(arguments: [
        ("Mallory \u{202E}gnp.exe", "Mallory \u{FFFD}gnp.exe"),
        (
            "a\u{2066}b\u{2069}c\u{200F}d\u{200E}e\u{061C}f\u{202A}g",
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g"
        ),
        ("Bell\u{07}Esc\u{1B}Del\u{7F}C1\u{85}", "Bell\u{FFFD}Esc\u{FFFD}Del\u{FFFD}C1\u{FFFD}"),
        ("Line\nBreak\tTab\rCR\u{2028}LS", "Line Break Tab CR LS"),
        (
            "Non\u{FFFE}char\(Self.scalar(0xFFFF))\(Self.scalar(0x1FFFE))\(Self.scalar(0xFDD0))",
            "Non\u{FFFD}char\u{FFFD}\u{FFFD}\u{FFFD}"
        ),
        ("Zoë 👩🏽‍💻 🇳🇴 李 مريم", "Zoë 👩🏽‍💻 🇳🇴 李 مريم"),
        ("plain ascii", "plain ascii"),
    ])
    func clean(input: String, expected: String) {
        #expect(ReportText.clean(input) == expected)
    }

    /// Noncharacters Swift does not allow as literal escapes.
    static func scalar(_ value: UInt32) -> String { String(Unicode.Scalar(value)!) }

    @Test func truncationKeepsWholeCharacters() {
        #expect(ReportText.truncated("abcdef", characters: 4) == "abc…")
        #expect(ReportText.truncated("abcd", characters: 4) == "abcd")
        #expect(ReportText.truncated("ab👩🏽‍💻cd", characters: 3) == "ab…")
        #expect(ReportText.truncated("ab👩🏽‍💻cd", characters: 4) == "ab👩🏽‍💻…")
        let long = String(repeating: "x", count: 40_000)
        let cut = ReportText.truncated(long, utf16Units: 32_767)
        #expect(cut.utf16.count == 32_767)
        #expect(cut.hasSuffix("…"))
        // An emoji (two UTF-16 units) that would straddle the limit is left out whole.
        let emoji = String(repeating: "y", count: 32_765) + "😀😀"
        #expect(ReportText.truncated(emoji, utf16Units: 32_767) == String(repeating: "y", count: 32_765) + "…")
        // Over the limit in UTF-8 bytes (two per é), not in UTF-16 units: whole.
        let accented = String(repeating: "é", count: 20_000)
        #expect(ReportText.truncated(accented, utf16Units: 32_767) == accented)
        #expect(ReportText.truncated(accented, utf16Units: 19_999).utf16.count == 19_999)
    }

    @Test func htmlEscapingIsByteWise() {
        #expect(HTMLEscaping.text(#"<b title="x">&'"#) == "&lt;b title=&quot;x&quot;&gt;&amp;&#39;")
        // A quote followed by a combining mark is one Character; it must still be escaped.
        let attack = "\"\u{301} onmouseover=\"alert(1)\" x=\""
        let escaped = HTMLEscaping.text(attack)
        #expect(!escaped.utf8.contains(UInt8(ascii: "\"")))
        #expect(escaped.hasPrefix("&quot;\u{301}"))
    }

    @Test func xmlLegalReplacesForbiddenCharacters() {
        #expect(XMLText.legal("a\u{07}b\u{0}c\u{FFFE}d\u{FFFF}e") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e")
        #expect(XMLText.legal("tab\tnl\ncr\r ok ✓ 😀") == "tab\tnl\ncr\r ok ✓ 😀")
    }

    @Test func redactorIsStableAndSalted() {
        let a = Redactor(salt: "s1")
        let b = Redactor(salt: "s1")
        let c = Redactor(salt: "s2")
        #expect(a.name(accountId: "712020:x") == b.name(accountId: "712020:x"))
        #expect(a.name(accountId: "712020:x") != c.name(accountId: "712020:x"))
        #expect(a.name(accountId: "712020:x") != a.name(accountId: "712020:y"))
        #expect(a.email(accountId: "712020:x").hasSuffix("@redacted.invalid"))
        #expect(a.token("712020:x").count == 12)
        #expect(a.accountId("712020:x", hasAccountId: true) == "712020:x")
        #expect(a.accountId("jsmith", hasAccountId: false).hasPrefix("user-"))
    }

    @Test func moneyAndCounts() {
        #expect(ReportFormat.count(1_234_567) == "1,234,567")
        #expect(ReportFormat.count(-1000) == "-1,000")
        #expect(ReportFormat.count(0) == "0")
        #expect(ReportFormat.money(ReportFixtures.decimal("1234.5"), currency: "USD") == "USD 1,234.50")
        #expect(ReportFormat.amount(ReportFixtures.decimal("0.125"), currency: "EUR") == "0.12")  // half-even
        #expect(ReportFormat.amount(ReportFixtures.decimal("0.135"), currency: "EUR") == "0.14")
        #expect(ReportFormat.amount(ReportFixtures.decimal("1500.5"), currency: "JPY") == "1,500")
        #expect(SpreadsheetCells.moneyFormat(currency: "EUR") == ##"#,##0.00\ "EUR""##)
        #expect(SpreadsheetCells.moneyFormat(currency: #"E"R"#) == "#,##0.00")
        #expect(SpreadsheetCells.columnLetters(0) == "A")
        #expect(SpreadsheetCells.columnLetters(25) == "Z")
        #expect(SpreadsheetCells.columnLetters(26) == "AA")
        #expect(SpreadsheetCells.columnLetters(16_383) == "XFD")
        #expect(SpreadsheetCells.excelSerial(Day(year: 2026, month: 11, day: 1)!) == 46_327)
    }
}
