import Foundation

/// Money arithmetic and text: exact `Decimal`s inside, rounding only at the edges.
public enum Money {
    /// Digits after the decimal point of a currency's minor unit (ISO 4217): 2 unless listed.
    public static func minorUnits(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
            "XOF", "XPF":
            return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            return 3
        default:
            return 2
        }
    }

    /// Rounds half-even (banker's rounding) to `scale` digits after the point.
    public static func rounded(_ amount: Decimal, scale: Int) -> Decimal {
        var value = amount
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .bankers)
        return result
    }

    /// The monthly share of a yearly amount: / 12, kept to 6 decimal places (half-even), far
    /// finer than any currency, so display rounding is unaffected.
    public static func perMonth(_ yearly: Decimal) -> Decimal {
        rounded(yearly / 12, scale: 6)
    }

    /// The exact amount as a JSON number or plain decimal string: `25.8`, `2000`, `166.666667`.
    public static func literal(_ amount: Decimal) -> String {
        amount.isZero ? "0" : amount.description
    }

    /// For people: rounded half-even to the currency's minor unit, with every minor digit
    /// shown and no grouping (`12.80`, `1200.00`, `JPY 1200`).
    ///
    /// Example: 0.125 USD displays as `0.12`, 0.135 as `0.14`.
    public static func display(_ amount: Decimal, currency: String) -> String {
        let digits = minorUnits(currency)
        let text = literal(rounded(amount, scale: digits))
        guard digits > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, digits - fraction.count))
    }
}
