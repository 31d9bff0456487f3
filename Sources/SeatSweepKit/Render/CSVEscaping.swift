import Foundation

/// The one CSV escaping function: RFC 4180 quoting plus spreadsheet-formula neutralising.
///
/// Names and emails in exports are attacker-controlled. A cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return would run as a formula in Excel or LibreOffice, so it gets a leading
/// apostrophe (OWASP "CSV injection").
public enum CSVEscaping {
    public static func field(_ text: String) -> String {
        var bytes = ByteBuffer(capacity: text.utf8.count + 8)
        text.withUTF8Bytes { append(field: $0, to: &bytes) }
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// One CSV line (CRLF-terminated, as RFC 4180 and Excel expect).
    public static func row(_ fields: [String]) -> String {
        var bytes = ByteBuffer(capacity: 256)
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            field.withUTF8Bytes { append(field: $0, to: &bytes) }
        }
        bytes.append("\r\n")
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends one escaped field: a leading apostrophe for formula-looking text, quotes (with
    /// doubled inner quotes) when the field holds a comma, quote or line break.
    static func append(field utf8: UnsafeBufferPointer<UInt8>, to bytes: inout ByteBuffer) {
        append(field: utf8, quoted: needsQuotes(utf8), to: &bytes)
    }

    /// Whether the field holds a comma, quote or line break, and so goes in quotes.
    static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.contains(
            utf8,
            word: { x in
                ByteScan.equal(x, UInt8(ascii: ",")) | ByteScan.equal(x, UInt8(ascii: "\""))
                    | ByteScan.equal(x, 0x0A) | ByteScan.equal(x, 0x0D)
            },
            byte: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
    }

    /// `append(field:to:)` with `needsQuotes` already known.
    static func append(field utf8: UnsafeBufferPointer<UInt8>, quoted: Bool, to bytes: inout ByteBuffer) {
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        if startsFormula(utf8) { bytes.append(UInt8(ascii: "'")) }
        guard quoted else { return bytes.append(utf8) }
        // The runs between quotes are copied whole; each quote is doubled. memchr finds them:
        // most quoted fields hold a comma and no quote (a reason, "… (49 days ago, threshold
        // 90)"), and a byte-at-a-time search was a third of this function's time.
        var start = 0
        while start < utf8.count,
            let found = memchr(utf8.baseAddress! + start, Int32(UInt8(ascii: "\"")), utf8.count - start)
        {
            let quote = UnsafeRawPointer(found) - UnsafeRawPointer(utf8.baseAddress!)
            bytes.append(UnsafeBufferPointer(rebasing: utf8[start...quote]))
            bytes.append(UInt8(ascii: "\""))
            start = quote + 1
        }
        bytes.append(UnsafeBufferPointer(rebasing: utf8[start...]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether a spreadsheet would read the text as a formula: it starts with `=`, `+`, `-`, `@`,
    /// tab or carriage return, or their full-width forms U+FF1D, U+FF0B, U+FF0D, U+FF20
    /// (`EF BC 9D`, `EF BC 8B`, `EF BC 8D`, `EF BC A0`), which Excel also accepts.
    static func startsFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case 0xEF:
            guard utf8.count >= 3, utf8[1] == 0xBC else { return false }
            return utf8[2] == 0x9D || utf8[2] == 0x8B || utf8[2] == 0x8D || utf8[2] == 0xA0
        default: return false
        }
    }
}
