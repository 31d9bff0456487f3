/// A calendar day in UTC, stored as days since 1970-01-01.
///
/// Every date seatsweep compares is a whole day: Atlassian exports carry no time zone, and
/// "days inactive" is a count of midnights. Example: `Day(year: 2026, month: 11, day: 1) -
/// Day(year: 2026, month: 8, day: 3)` is 90.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// The day for a proleptic Gregorian date, or nil when the date does not exist (30 Feb).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year),
            (1...9999).contains(year)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = Int32(era * 146097 + doe - 719468)
    }

    /// Year, month (1–12) and day of month.
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `yyyy-MM-dd`.
    public var iso: String { withISO { String(decoding: $0, as: UTF8.self) } }

    /// `body` given the 10 bytes of `yyyy-MM-dd`, with no `String` made.
    func withISO<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var buffer: (UInt64, UInt16) = (0, 0)
        return withUnsafeMutableBytes(of: &buffer) { bytes in
            writeISO(into: bytes)
            return body(UnsafeRawBufferPointer(rebasing: bytes[0..<10]).bindMemory(to: UInt8.self))
        }
    }

    /// Writes `yyyy-MM-dd` into the first 10 bytes of `bytes`.
    func writeISO(into bytes: UnsafeMutableRawBufferPointer) {
        let (y, m, d) = components
        bytes[0] = UInt8(truncatingIfNeeded: 0x30 + y / 1000 % 10)
        bytes[1] = UInt8(truncatingIfNeeded: 0x30 + y / 100 % 10)
        bytes[2] = UInt8(truncatingIfNeeded: 0x30 + y / 10 % 10)
        bytes[3] = UInt8(truncatingIfNeeded: 0x30 + y % 10)
        bytes[4] = UInt8(ascii: "-")
        bytes[5] = UInt8(truncatingIfNeeded: 0x30 + m / 10)
        bytes[6] = UInt8(truncatingIfNeeded: 0x30 + m % 10)
        bytes[7] = UInt8(ascii: "-")
        bytes[8] = UInt8(truncatingIfNeeded: 0x30 + d / 10)
        bytes[9] = UInt8(truncatingIfNeeded: 0x30 + d % 10)
    }

    public var description: String { iso }

    /// Parses exactly `yyyy-MM-dd`.
    public init?(iso text: String) {
        // Ten bytes are read in place by the ingest's ISO parser (reports parse one per candidate
        // row); anything else goes the general way.
        if text.utf8.count == 10,
            let parsed = text.utf8.withContiguousStorageIfAvailable({ DateParser.parseISO($0[...]) }) ?? nil
        {
            self = parsed.day
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    /// Whole days from `b` to `a`.
    public static func - (a: Day, b: Day) -> Int { Int(a.ordinal) - Int(b.ordinal) }

    public static func + (a: Day, days: Int) -> Day { Day(ordinal: a.ordinal + Int32(days)) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// An instant in UTC with one-second resolution, for `generatedAt`, `expiresAt` and journals.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// Midnight UTC at the start of `day`.
    public init(day: Day) { seconds = Int64(day.ordinal) * 86_400 }

    /// The UTC day this instant falls on.
    public var day: Day {
        Day(ordinal: Int32((seconds >= 0 ? seconds : seconds - 86_399) / 86_400))
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`.
    public var iso: String {
        let secondOfDay = Int(seconds - Int64(day.ordinal) * 86_400)
        return day.iso + "T" + Day.pad(secondOfDay / 3600, 2) + ":" + Day.pad(secondOfDay / 60 % 60, 2)
            + ":" + Day.pad(secondOfDay % 60, 2) + "Z"
    }

    public var description: String { iso }

    /// Parses an ISO 8601 instant (`2026-11-01T10:00:00Z`, fractions and offsets allowed).
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard let parsed = bytes.withUnsafeBufferPointer({ DateParser.parseISO($0[...]) }) else { return nil }
        self = parsed
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    public static func + (a: Timestamp, seconds: Int64) -> Timestamp { Timestamp(seconds: a.seconds + seconds) }
}
