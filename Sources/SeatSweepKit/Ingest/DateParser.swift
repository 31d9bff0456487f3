/// Reads the date cells Atlassian exports contain (atlassian-data.md §1).
///
/// `3 Jan 2024`, `03 Jan 2024 10:22:33`, `2024-01-03`, ISO 8601 instants (converted to the UTC
/// day), `Jan 3, 2024`, and numeric dates (`10/18/2023`) whose day/month order must be known:
/// see `NumericDateOrder`. Sentinels: `Never accessed`, `Never logged in`,
/// `Not active in the last 180 days`, `Before 11 Feb 2017`.
public enum DateParser {
    /// What a date cell says.
    public enum Cell: Equatable, Sendable {
        case empty
        case day(Day)
        case never
        /// `Not active in the last N days`: N.
        case notActiveWithin(Int)
        /// `Before <date>`.
        case before(Day)
        /// A numeric date `a/b/year` whose day/month order was not given.
        case numeric(Int, Int, Int)
        case invalid
    }

    /// Parses one cell. `order` resolves numeric dates; without it they come back `.numeric`.
    public static func parse(_ text: Slice<UnsafeBufferPointer<UInt8>>, order: NumericDateOrder?) -> Cell {
        var start = text.startIndex
        var end = text.endIndex
        let base = text.base
        while start < end, base[start] == 0x20 || base[start] == 0x09 { start += 1 }
        while end > start, base[end - 1] == 0x20 || base[end - 1] == 0x09 { end -= 1 }
        if start == end { return .empty }
        let cell = base[start..<end]
        let first = base[start]
        if isDigit(first) {
            if end - start >= 10, isDigit(base[start + 1]), isDigit(base[start + 2]), isDigit(base[start + 3]),
                base[start + 4] == UInt8(ascii: "-") || base[start + 4] == UInt8(ascii: "/")
            {
                if base[start + 4] == UInt8(ascii: "-"), let instant = parseISO(cell) { return .day(instant.day) }
                if let day = parseYearFirst(cell) { return .day(day) }
                return .invalid
            }
            return parseTokens(cell, order: order)
        }
        // Words: sentinels or `Jan 3, 2024`.
        let lower = String(decoding: UnsafeBufferPointer(rebasing: cell), as: UTF8.self).lowercased()
        if lower.hasPrefix("never") { return .never }
        if lower.hasPrefix("not active in the last") || lower.hasPrefix("not seen in the last") {
            let digits = lower.filter(\.isNumber)
            if let n = Int(digits) { return .notActiveWithin(n) }
            return .invalid
        }
        if lower.hasPrefix("before ") {
            let rest = Array(lower.utf8.dropFirst(7))
            let inner = rest.withUnsafeBufferPointer { parse($0[...], order: order) }
            if case .day(let day) = inner { return .before(day) }
            return inner == .empty ? .invalid : (isNumeric(inner) ? inner : .invalid)
        }
        return parseTokens(cell, order: order)
    }

    private static func isNumeric(_ cell: Cell) -> Bool {
        if case .numeric = cell { return true }
        return false
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The two shapes that fill most cells of a directory export, read without tokenising:
    /// `3 Jan 2024` / `03 Jan 2024` and `Never accessed`. Nil means "use `parse`".
    @inline(__always)
    static func parseCommon(_ cell: Slice<UnsafeBufferPointer<UInt8>>) -> Cell? {
        let n = cell.count
        let b = cell.base
        let i = cell.startIndex
        if n == 14, b[i] == UInt8(ascii: "N") {
            let never: StaticString = "Never accessed"
            for k in 0..<14 where b[i + k] != never.utf8Start[k] { return nil }
            return .never
        }
        guard n == 10 || n == 11 else { return nil }
        let dayDigits = n - 9
        guard isDigit(b[i]), b[i + dayDigits] == 0x20, b[i + dayDigits + 4] == 0x20 else { return nil }
        var day = Int(b[i] - 0x30)
        if dayDigits == 2 {
            guard isDigit(b[i + 1]) else { return nil }
            day = day * 10 + Int(b[i + 1] - 0x30)
        }
        let m = i + dayDigits + 1
        let packed = UInt32(b[m] | 0x20) << 16 | UInt32(b[m + 1] | 0x20) << 8 | UInt32(b[m + 2] | 0x20)
        let month: Int
        switch packed {
        case 0x6A_616E: month = 1  // jan
        case 0x66_6562: month = 2  // feb
        case 0x6D_6172: month = 3  // mar
        case 0x61_7072: month = 4  // apr
        case 0x6D_6179: month = 5  // may
        case 0x6A_756E: month = 6  // jun
        case 0x6A_756C: month = 7  // jul
        case 0x61_7567: month = 8  // aug
        case 0x73_6570: month = 9  // sep
        case 0x6F_6374: month = 10  // oct
        case 0x6E_6F76: month = 11  // nov
        case 0x64_6563: month = 12  // dec
        default: return nil
        }
        var year = 0
        for k in (m + 4)..<(m + 8) {
            guard isDigit(b[k]) else { return nil }
            year = year * 10 + Int(b[k] - 0x30)
        }
        guard let date = Day(year: year, month: month, day: day) else { return .invalid }
        return .day(date)
    }

    /// `yyyy/MM/dd`.
    private static func parseYearFirst(_ cell: Slice<UnsafeBufferPointer<UInt8>>) -> Day? {
        var tokens = Tokenizer(cell)
        guard case .number(let y, 4)? = tokens.next(), case .number(let m, _)? = tokens.next(),
            case .number(let d, _)? = tokens.next()
        else { return nil }
        return Day(year: y, month: m, day: d)
    }

    private static func parseTokens(_ cell: Slice<UnsafeBufferPointer<UInt8>>, order: NumericDateOrder?) -> Cell {
        var tokens = Tokenizer(cell)
        guard let t1 = tokens.next(), let t2 = tokens.next(), let t3 = tokens.next() else { return .invalid }
        // Anything after the date must look like a time (`10:22:33`, `10:22 AM`).
        while let t = tokens.next() {
            switch t {
            case .number: continue
            case .word(let w) where w == "am" || w == "pm" || w == "utc" || w == "gmt": continue
            default: return .invalid
            }
        }
        switch (t1, t2, t3) {
        case (.number(let d, let dl), .word(let w), .number(let y, 4)) where dl <= 2:
            guard let m = month(w), let day = Day(year: y, month: m, day: d) else { return .invalid }
            return .day(day)
        case (.word(let w), .number(let d, let dl), .number(let y, 4)) where dl <= 2:
            guard let m = month(w), let day = Day(year: y, month: m, day: d) else { return .invalid }
            return .day(day)
        case (.number(let a, let al), .number(let b, let bl), .number(let y, let yl))
        where al <= 2 && bl <= 2 && (yl == 4 || yl == 2):
            let year = yl == 2 ? 2000 + y : y
            guard let order else {
                if a == b, let day = Day(year: year, month: a, day: b) { return .day(day) }
                return .numeric(a, b, year)
            }
            let (d, m) = order == .dayFirst ? (a, b) : (b, a)
            guard let day = Day(year: year, month: m, day: d) else { return .invalid }
            return .day(day)
        default:
            return .invalid
        }
    }

    private static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let names = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]
        for (i, name) in names.enumerated() {
            table[name] = i + 1
            table[String(name.prefix(3))] = i + 1
        }
        table["sept"] = 9
        return table
    }()

    static func month(_ word: String) -> Int? { months[word] }

    /// Parses `yyyy-MM-dd[THH:mm[:ss[.fff]]][Z|±HH:mm]` into an instant (midnight UTC for a bare date).
    public static func parseISO(_ cell: Slice<UnsafeBufferPointer<UInt8>>) -> Timestamp? {
        let b = cell.base
        var i = cell.startIndex
        let end = cell.endIndex
        func number(_ width: Int) -> Int? {
            guard i + width <= end else { return nil }
            var value = 0
            for k in 0..<width {
                let c = b[i + k]
                guard isDigit(c) else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            i += width
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < end, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = number(4), expect(UInt8(ascii: "-")), let m = number(2), expect(UInt8(ascii: "-")),
            let d = number(2), let day = Day(year: y, month: m, day: d)
        else { return nil }
        if i == end { return Timestamp(day: day) }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hh = number(2), hh < 24, expect(UInt8(ascii: ":")), let mm = number(2), mm < 60 else { return nil }
        var ss = 0
        if expect(UInt8(ascii: ":")) {
            guard let s = number(2), s < 61 else { return nil }
            ss = min(s, 59)
            if i < end, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                while i < end, isDigit(b[i]) { i += 1 }
            }
        }
        var offsetSeconds = 0
        if i < end {
            let sign = b[i]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                i += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                let om = number(2) ?? 0
                offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        guard i == end else { return nil }
        let seconds = Int64(day.ordinal) * 86_400 + Int64(hh * 3600 + mm * 60 + ss) - Int64(offsetSeconds)
        return Timestamp(seconds: seconds)
    }

    /// Splits a cell into numbers and lower-cased words, skipping separators.
    private struct Tokenizer {
        enum Token: Equatable {
            /// A number and how many digits it had.
            case number(Int, Int)
            case word(String)
        }
        let base: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int

        init(_ cell: Slice<UnsafeBufferPointer<UInt8>>) {
            base = cell.base
            i = cell.startIndex
            end = cell.endIndex
        }

        mutating func next() -> Token? {
            while i < end, !DateParser.isDigit(base[i]), !isLetter(base[i]) { i += 1 }
            guard i < end else { return nil }
            if DateParser.isDigit(base[i]) {
                var value = 0
                var digits = 0
                while i < end, DateParser.isDigit(base[i]) {
                    if digits < 9 { value = value * 10 + Int(base[i] - 0x30) }
                    digits += 1
                    i += 1
                }
                return .number(value, digits)
            }
            var word: [UInt8] = []
            while i < end, isLetter(base[i]) {
                word.append(base[i] | 0x20)
                i += 1
            }
            return .word(String(decoding: word, as: UTF8.self))
        }

        private func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x80 }
    }
}

/// The day/month order of numeric dates (`10/11/2023`), which a file re-saved by Excel may hold.
public enum NumericDateOrder: String, Sendable {
    case dayFirst = "day-first"
    case monthFirst = "month-first"

    /// From `--date-format`: a pattern such as `dd/MM/yyyy`, `MM/dd/yyyy`, `d.M.yy`, or the words
    /// `day-first` / `month-first` (also `dmy` / `mdy`).
    public init?(format: String) {
        let f = format.trimmingSpaces
        switch f.lowercased() {
        case "day-first", "dmy", "dd/mm/yyyy", "d/m/y": self = .dayFirst
        case "month-first", "mdy", "mm/dd/yyyy", "m/d/y": self = .monthFirst
        default:
            guard let d = f.firstIndex(where: { $0 == "d" || $0 == "D" }), let m = f.firstIndex(of: "M") else {
                return nil
            }
            self = d < m ? .dayFirst : .monthFirst
        }
    }
}
