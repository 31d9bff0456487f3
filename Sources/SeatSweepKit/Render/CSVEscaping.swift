/// The one CSV escaping function: RFC 4180 quoting plus spreadsheet-formula neutralising.
///
/// Names and emails in exports are attacker-controlled. A cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return would run as a formula in Excel or LibreOffice, so it gets a leading
/// apostrophe (OWASP "CSV injection").
public enum CSVEscaping {
    public static func field(_ text: String) -> String {
        var bytes: [UInt8] = []
        append(field: text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One CSV line (CRLF-terminated, as RFC 4180 and Excel expect).
    public static func row(_ fields: [String]) -> String {
        var bytes: [UInt8] = []
        append(row: fields, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one CSV line to `bytes` (the same text `row` returns, without making strings).
    public static func append(row fields: [String], to bytes: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            append(field: field, to: &bytes)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// Appends one escaped field: a leading apostrophe for formula-looking text, quotes (with
    /// doubled inner quotes) when the field holds a comma, quote or line break.
    public static func append(field text: String, to bytes: inout [UInt8]) {
        let formula = text.unicodeScalars.first.map { formulaStarts.contains($0) } ?? false
        var text = text
        text.withUTF8 { utf8 in
            let quoted = utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            }
            if quoted { bytes.append(UInt8(ascii: "\"")) }
            if formula { bytes.append(UInt8(ascii: "'")) }
            if quoted {
                for b in utf8 {
                    if b == UInt8(ascii: "\"") { bytes.append(b) }
                    bytes.append(b)
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    static let formulaStarts: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]
}
