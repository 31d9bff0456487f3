/// The one escaping function for text printed to a terminal.
///
/// Names, e-mails and server messages are attacker-controlled: a name holding an escape
/// sequence could rewrite the screen, and a bidirectional override could make a line read
/// differently from what it holds. Control characters (C0, DEL, C1) and bidirectional
/// controls become `?`; everything else is printed as it is.
///
/// `TerminalText.safe("Eve\u{1B}[2J")` is `"Eve?[2J"`.
public enum TerminalText {
    /// `text` with control and bidirectional characters replaced by `?`.
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(isUnsafe(scalar) ? "?" : scalar) }
        return String(out)
    }

    /// Like `safe`, cut to `limit` characters with an ellipsis (for server messages).
    public static func safe(_ text: String, limit: Int) -> String {
        let clean = safe(text)
        return clean.count <= limit ? clean : String(clean.prefix(limit)) + "…"
    }

    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}
