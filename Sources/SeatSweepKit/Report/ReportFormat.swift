import Foundation

/// How reports print numbers and money for people (HTML, the human parts of spreadsheets):
/// POSIX digits, `,` between thousands, money rounded half-even to the currency's minor unit.
public enum ReportFormat {
    /// `1234567` → `1,234,567`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Digits after the decimal point for an ISO 4217 currency.
    public static func minorUnits(_ currency: String) -> Int {
        ["JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD"].contains(currency.uppercased()) ? 0 : 2
    }

    /// `Decimal(1234.5)` in `USD` → `USD 1,234.50`.
    public static func money(_ value: Decimal, currency: String) -> String {
        currency + " " + amount(value, currency: currency)
    }

    /// `1,234.50`: the amount alone, rounded half-even to the currency's minor unit.
    public static func amount(_ value: Decimal, currency: String) -> String {
        let scale = minorUnits(currency)
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, scale, .bankers)
        let negative = rounded < 0
        let plain = (negative ? -rounded : rounded).description  // POSIX: digits and "."
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Int(parts[0]).map(count) ?? String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < scale { fraction.append("0") }
        return (negative ? "-" : "") + whole + (scale > 0 ? "." + fraction : "")
    }

    /// The exact decimal text spreadsheets store for a money cell (`1234.5`).
    public static func decimalLiteral(_ value: Decimal) -> String { value.description }
}
