/// The one HTML escaping function: every value the HTML report's templates receive has passed it.
///
/// It works on UTF-8 bytes, not on Swift `Character`s: a grapheme-based escaper misses a quote
/// followed by a combining mark (`"\u{301}` is one `Character`), which would end an attribute
/// and let the rest of a hostile name become new attributes. Input is expected to be
/// `ReportText.clean`ed first (no control characters or bidi overrides).
///
/// Example: `text(#"<b title="x">"#)` is `&lt;b title=&quot;x&quot;&gt;`.
public enum HTMLEscaping {
    /// `&`, `<`, `>`, `"` and `'` as character references; safe in element content and in
    /// quoted attribute values.
    public static func text(_ value: String) -> String {
        var needs = false
        for byte in value.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 {
            needs = true
            break
        }
        guard needs else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 16)
        for byte in value.utf8 {
            switch byte {
            case 0x26: out += "&amp;".utf8
            case 0x3C: out += "&lt;".utf8
            case 0x3E: out += "&gt;".utf8
            case 0x22: out += "&quot;".utf8
            case 0x27: out += "&#39;".utf8
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
