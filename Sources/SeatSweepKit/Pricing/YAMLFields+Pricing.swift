import Foundation
import Yams

extension YAMLFields {
    /// An amount of money, read exactly from the YAML text (`8.60`, `2000`): never through a
    /// binary floating-point value. Negative amounts, symbols and separators are reported.
    mutating func money(_ node: Node, _ what: String) -> Decimal? {
        guard let raw = string(node, what) else { return nil }
        let text = raw.trimmingSpaces
        if text.isEmpty || text == "~" || text == "null" {
            fail(node, "\(what) has no amount", hint: "give the price as a number like 8.60")
            return nil
        }
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wellFormed =
            !parts[0].isEmpty && parts[0].allSatisfy(\.isASCIIDigit)
            && (parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit)))
        guard wellFormed, let value = Decimal(string: String(digits), locale: nil) else {
            fail(
                node, "\(what) must be a number like 8.60, not '\(text)'",
                hint: "write digits with a '.' for decimals: no currency symbol, thousands separator or exponent "
                    + "(the currency is set by currency:)")
            return nil
        }
        if negative, !value.isZero {
            fail(node, "\(what) must not be negative (\(text))", hint: "prices are what you pay: 0 or more")
            return nil
        }
        return value
    }

    /// A `yyyy-MM-dd` date.
    mutating func day(_ node: Node, _ what: String) -> Day? {
        guard let text = string(node, what) else { return nil }
        guard let day = Day(iso: text.trimmingSpaces) else {
            fail(node, "\(what) must be a date like 2027-03-01, not '\(text)'")
            return nil
        }
        return day
    }

    /// An ISO 4217 currency code (three letters), upper-cased.
    mutating func currency(_ node: Node, _ what: String) -> String? {
        guard let text = string(node, what)?.trimmingSpaces else { return nil }
        let code = text.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            fail(node, "\(what) must be a three-letter ISO 4217 code such as USD or EUR, not '\(text)'")
            return nil
        }
        return code
    }

    /// A list whose entries are read one by one; a non-list is reported.
    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            fail(node, "\(what) must be a list (one '- ' line per entry)")
            return nil
        }
        return Array(sequence)
    }
}

extension Character {
    /// 0–9 only (not other scripts' digits).
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
