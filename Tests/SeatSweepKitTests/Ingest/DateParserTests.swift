import Foundation
import Testing

@testable import SeatSweepKit

/// Every date shape in atlassian-data.md §1, the sentinels, and numeric dates.
@Suite struct DateParserTests {
    func parse(_ text: String, _ order: NumericDateOrder? = nil) -> DateParser.Cell {
        Array(text.utf8).withUnsafeBufferPointer { DateParser.parse($0[...], order: order) }
    }

    func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

    @Test(arguments: [
        ("3 Jan 2024", 2024, 1, 3), ("28 Oct 2026", 2026, 10, 28), ("03 Jan 2024 10:22:33", 2024, 1, 3),
        ("2024-01-03", 2024, 1, 3), ("2024-01-03T23:30:00Z", 2024, 1, 3), ("2024-01-03T23:30:00-05:00", 2024, 1, 4),
        ("2024-01-03T01:00:00.123+02:00", 2024, 1, 2), ("Jan 3, 2024", 2024, 1, 3), ("3 January 2024", 2024, 1, 3),
        ("29 Feb 2024", 2024, 2, 29), ("  7 Sep 2025 ", 2025, 9, 7), ("2024/01/03", 2024, 1, 3),
    ])
    func readsEveryDateShape(text: String, y: Int, m: Int, d: Int) {
        #expect(parse(text) == .day(day(y, m, d)))
    }

    /// The fast path agrees with the full parser on every day of several years, in both day
    /// widths and any letter case, and declines everything else.
    @Test func fastPathAgreesWithTheParser() {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for ordinal in Day(year: 2023, month: 1, day: 1)!.ordinal...Day(year: 2025, month: 3, day: 1)!.ordinal {
            let c = Day(ordinal: ordinal).components
            for text in [
                "\(c.day) \(months[c.month - 1]) \(c.year)",
                String(format: "%02d %@ %d", c.day, months[c.month - 1].uppercased(), c.year),
            ] {
                let fast = Array(text.utf8).withUnsafeBufferPointer { DateParser.parseCommon($0[...]) }
                #expect(fast == .day(Day(ordinal: ordinal)), "\(text)")
                #expect(fast == parse(text))
            }
        }
        for text in [
            "30 Feb 2024", "Never accessed", "never accessed", "3 Foo 2024", "3 Jan 20x4", "2024-01-03", "31 Apr 2024",
        ] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { DateParser.parseCommon($0[...]) }
            if let fast { #expect(fast == parse(text), "\(text)") }
        }
    }

    @Test func sentinels() {
        #expect(parse("Never accessed") == .never)
        #expect(parse("NEVER LOGGED IN") == .never)
        #expect(parse("Not active in the last 180 days") == .notActiveWithin(180))
        #expect(parse("Before 11 Feb 2017") == .before(day(2017, 2, 11)))
        #expect(parse("") == .empty)
        #expect(parse("   ") == .empty)
    }

    @Test(arguments: ["30 Feb 2024", "yesterday", "2024-13-01", "3 Foo 2024", "12", "1 Jan 2024 banana"])
    func rejectsNonsense(text: String) {
        #expect(parse(text) == .invalid)
    }

    @Test func numericDatesNeedAnOrder() {
        #expect(parse("10/11/2023") == .numeric(10, 11, 2023))
        #expect(parse("10/11/2023", .dayFirst) == .day(day(2023, 11, 10)))
        #expect(parse("10/11/2023", .monthFirst) == .day(day(2023, 10, 11)))
        #expect(parse("5/5/2023") == .day(day(2023, 5, 5)))  // the same either way
        #expect(parse("18.10.23", .dayFirst) == .day(day(2023, 10, 18)))
        #expect(parse("10/18/2023 14:02", .monthFirst) == .day(day(2023, 10, 18)))
    }

    @Test(arguments: [
        ("dd/MM/yyyy", NumericDateOrder.dayFirst), ("MM/dd/yyyy", .monthFirst), ("d.M.yy", .dayFirst),
        ("M/d/yyyy", .monthFirst), ("day-first", .dayFirst), ("mdy", .monthFirst),
    ])
    func dateFormatOption(format: String, order: NumericDateOrder) {
        #expect(NumericDateOrder(format: format) == order)
    }

    @Test func dayArithmetic() {
        #expect(day(2026, 11, 1) - day(2026, 8, 3) == 90)
        #expect(day(2024, 3, 1) - day(2024, 2, 28) == 2)
        #expect(Day(ordinal: 0).iso == "1970-01-01")
        #expect(day(1969, 12, 31).ordinal == -1)
        #expect(Timestamp(seconds: 1_793_520_000).iso == "2026-11-01T08:00:00Z")
        #expect(Timestamp(iso: "2026-11-01T08:00:00Z")?.seconds == 1_793_520_000)
        #expect(Day(iso: "2026-02-30") == nil)
    }

    /// `Day(iso:)` reads `YYYY-MM-DD` on its bytes and everything else the general way; both
    /// give the same days, and every day written as ISO reads back as itself.
    @Test func isoDaysReadBack() {
        for ordinal in stride(from: Int32(-800), to: 40_000, by: 37) {
            #expect(Day(iso: Day(ordinal: ordinal).iso) == Day(ordinal: ordinal))
        }
        #expect(Day(iso: "2024-02-29") == day(2024, 2, 29))
        #expect(Day(iso: "0999-12-31") == day(999, 12, 31))
        for text in ["2026-13-01", "2026-00-10", "2026-1-010", "2026-01-1x", "2026/01/01", "2026-01-01 ", "", "x"] {
            #expect(Day(iso: text) == nil, "\(text)")
        }
        // Not the digit-by-digit shape, so the general way: `Int` accepts a sign.
        #expect(Day(iso: "+999-12-31") == day(999, 12, 31))
        // A bridged (non-contiguous) string takes the general way too.
        #expect(Day(iso: String(NSString(string: "2026-11-01"))) == day(2026, 11, 1))
    }
}
