/// Makes attacker-controlled text (names, e-mails, group names, diagnostics) safe to show in
/// any report format, before the format's own escaping runs.
///
/// Names come from exports anyone in the organisation can influence. A right-to-left override
/// (U+202E) can make `exe.gnp` read as `png.exe` and reorder the cells that follow it; a control
/// character can corrupt a spreadsheet or a terminal. So every report shows them neutralised:
/// - bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), C0 and C1
///   controls other than tab and line breaks, and noncharacters (U+FFFE, U+FFFF, ...) become
///   U+FFFD `�`, visible where they were;
/// - tabs, line breaks and U+2028/U+2029 become a space, so one value stays on one line.
///
/// Example: `clean("Mallory \u{202E}gnp.exe")` is `"Mallory �gnp.exe"`.
public enum ReportText {
    /// The replacement shown for a neutralised character.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `text` with every control, bidi override and noncharacter neutralised (see the type).
    public static func clean(_ text: String) -> String {
        // Fast path: no byte that can start a character we replace (most names are plain).
        guard mayNeedCleaning(text) else { return text }
        var scalars = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            switch disposition(scalar) {
            case .keep: scalars.append(scalar)
            case .space:
                scalars.append(" ")
                changed = true
            case .replace:
                scalars.append(replacement)
                changed = true
            }
        }
        return changed ? String(scalars) : text
    }

    /// Whether `text` holds a byte that may start a character `clean` replaces: a C0 control,
    /// DEL, a C1 control or U+061C (lead bytes C2, D8), or anything from U+2000 up (E2 and above).
    static func mayNeedCleaning(_ text: String) -> Bool {
        text.withUTF8Bytes(mayNeedCleaning)
    }

    /// `mayNeedCleaning` for UTF-8 bytes.
    static func mayNeedCleaning(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.contains(utf8, word: mayNeedCleaning(word:), byte: mayNeedCleaning(byte:))
    }

    /// The byte test of `mayNeedCleaning`, eight bytes at once (see `ByteScan`).
    @inline(__always) static func mayNeedCleaning(word x: UInt64) -> UInt64 {
        ByteScan.below(x, 0x20) | ByteScan.equal(x, 0x7F) | ByteScan.equal(x, 0xC2) | ByteScan.equal(x, 0xD8)
            | ByteScan.atLeast(x, 0xE2)
    }

    @inline(__always) static func mayNeedCleaning(byte b: UInt8) -> Bool {
        b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b >= 0xE2
    }

    /// Whether `scalar` changes how the characters around it are ordered (a bidi control).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private enum Disposition { case keep, space, replace }

    private static func disposition(_ scalar: Unicode.Scalar) -> Disposition {
        let v = scalar.value
        switch v {
        case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: return .space
        case 0x00...0x1F, 0x7F...0x9F: return .replace
        case 0xFDD0...0xFDEF: return .replace
        default:
            if v & 0xFFFE == 0xFFFE { return .replace }  // U+FFFE, U+FFFF, U+1FFFE, ...
            return isBidiControl(scalar) ? .replace : .keep
        }
    }

    /// At most `limit` characters of `text`, the last one `…` when cut. Never splits a character
    /// (an emoji with its modifiers stays whole).
    public static func truncated(_ text: String, characters limit: Int) -> String {
        guard text.utf8.count > limit, limit > 0 else { return text }  // a character is at least one byte
        var index = text.startIndex
        var count = 0
        while index < text.endIndex, count < limit {
            text.formIndex(after: &index)
            count += 1
        }
        guard index < text.endIndex else { return text }
        return String(text[..<text.index(before: index)]) + "…"
    }

    /// At most `limit` UTF-16 code units of `text` (the unit spreadsheet cell limits count), the
    /// last character `…` when cut. Never splits a character.
    public static func truncated(_ text: String, utf16Units limit: Int) -> String {
        // A character takes no more UTF-16 units than UTF-8 bytes, and the byte count is known
        // without a walk over the text.
        guard text.utf8.count > limit, text.utf16.count > limit, limit > 0 else { return text }
        var index = text.startIndex
        var units = 1  // room for the ellipsis
        while index < text.endIndex {
            let next = text.index(after: index)
            let width = text.utf16.distance(from: index, to: next)
            if units + width > limit { break }
            units += width
            index = next
        }
        return String(text[..<index]) + "…"
    }
}
