/// The one CSV escaping function: RFC 4180 quoting plus spreadsheet-formula neutralising.
///
/// Names and emails in exports are attacker-controlled. A cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return would run as a formula in Excel or LibreOffice, so it gets a leading
/// apostrophe (OWASP "CSV injection").
public enum CSVEscaping {
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, formulaStarts.contains(first) { value = "'" + value }
        let needsQuotes = value.utf8.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
        }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One CSV line (CRLF-terminated, as RFC 4180 and Excel expect).
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static let formulaStarts: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]
}
