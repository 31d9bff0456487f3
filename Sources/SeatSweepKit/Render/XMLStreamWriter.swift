/// The one XML writer, used for every xlsx part and the XML Spreadsheet 2003 file. No document
/// tree is built: elements go out as they are written, into a byte buffer that the caller drains
/// (`take()`, `drain(into:)`) as it goes.
///
/// Text and attribute values pass one escaping function, `XMLText.append`: markup characters
/// become entities, and characters XML 1.0 forbids (U+0007, U+FFFE, ...) become U+FFFD, so they
/// are never written raw. Element and attribute names are literals (`StaticString`): seatsweep
/// never takes a name from its inputs. The output is byte for byte what libxml2's
/// `xmlTextWriter` wrote for the same calls (the writer this one replaced).
public final class XMLStreamWriter {
    // Unchecked: a writer is used by one thread at a time, and dynamic exclusivity checks on
    // every append cost a fifth of the writing time.
    @exclusivity(unchecked) private var bytes = ByteBuffer()
    /// Elements opened and not yet closed, innermost last.
    @exclusivity(unchecked) private var open: [StaticString] = []
    /// Whether the innermost start tag still waits for its `>` (attributes may follow).
    @exclusivity(unchecked) private var startTagOpen = false
    private var failure: String?

    /// A writer whose output accumulates until taken.
    public init() {}

    private func append(_ literal: StaticString) { bytes.append(literal) }

    /// Ends a start tag left open, before content.
    @inline(__always) private func closeStartTag() {
        if startTagOpen {
            bytes.append(UInt8(ascii: ">"))
            startTagOpen = false
        }
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` and a line break.
    public func startDocument() {
        append(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// A processing instruction such as `<?mso-application progid="Excel.Sheet"?>`.
    public func processingInstruction(_ target: StaticString, _ content: StaticString) {
        closeStartTag()
        append("<?")
        append(target)
        bytes.append(UInt8(ascii: " "))
        append(content)
        append("?>")
    }

    /// Opens element `name` (a qualified name such as `ss:Cell`); attributes follow, then content.
    public func start(_ name: StaticString) {
        closeStartTag()
        bytes.append(UInt8(ascii: "<"))
        append(name)
        open.append(name)
        startTagOpen = true
    }

    /// An attribute of the element just started.
    public func attribute(_ name: StaticString, _ value: String) {
        guard startTagOpen else {
            failure = failure ?? "attribute \(name) outside a start tag"
            return
        }
        bytes.append(UInt8(ascii: " "))
        append(name)
        append("=\"")
        XMLText.append(value, attribute: true, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer attribute.
    public func attribute(_ name: StaticString, _ value: Int) {
        attribute(name, String(value))
    }

    /// Escaped character data.
    public func text(_ value: String) {
        closeStartTag()
        XMLText.append(value, attribute: false, to: &bytes)
    }

    /// Closes the innermost open element (`<a/>` when it is empty).
    public func end() {
        guard let name = open.popLast() else {
            failure = failure ?? "end of an element that was never started"
            return
        }
        if startTagOpen {
            append("/>")
            startTagOpen = false
        } else {
            append("</")
            append(name)
            bytes.append(UInt8(ascii: ">"))
        }
    }

    /// `<name>text</name>`.
    public func element(_ name: StaticString, _ text: String) {
        start(name)
        self.text(text)
        end()
    }

    /// Literal markup, written as is (a start tag left open is closed first). For the fixed
    /// parts of rows written millions of times; the values inside still go through `text`.
    public func raw(_ markup: StaticString) {
        closeStartTag()
        append(markup)
    }

    /// A cell reference or a number (`B12`, `46327`, `-3.5`) inside `raw` markup: only ASCII
    /// letters, digits, `.` and `-`, which need no escaping; anything else goes through `text`.
    public func raw(token: String) {
        assert(
            token.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E || $0 == 0x2D
            })
        closeStartTag()
        bytes.append(token)
    }

    /// A line break between elements, so files read (and diff) one row per line. Only call it
    /// where whitespace is insignificant: after an end tag.
    public func newline() {
        closeStartTag()
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Closes every open element and ends the document with a line break.
    public func endDocument() {
        while !open.isEmpty { end() }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Bytes written and not yet taken.
    public var pendingCount: Int { bytes.count }

    /// Hands over every byte written so far.
    public func take() -> [UInt8] {
        defer { bytes.removeAll() }
        return bytes.bytes
    }

    /// Passes the bytes written so far to `sink`.
    public func drain(into sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard bytes.count > 0 else { return }
        try sink(bytes.bytes[...])
        bytes.removeAll()
    }

    /// Throws if a call was out of place (an attribute after content, an end without a start)
    /// or an element is still open: a bug in the renderer, never in the data.
    public func finish(_ what: String) throws(SeatSweepError) {
        if failure == nil, !open.isEmpty { failure = "<\(open[open.count - 1])> is never closed" }
        if let failure {
            throw SeatSweepError("could not write \(what) (\(failure))", hint: "this is a bug; please report it")
        }
    }
}

/// XML 1.0 text rules: the one escaping function for everything `XMLStreamWriter` writes.
public enum XMLText {
    /// Appends `text` to `out` as XML character data (`attribute: false`) or as the value of a
    /// double-quoted attribute: `&`, `<`, `>`, `"` become entities and a carriage return `&#13;`;
    /// in attributes tab and line feed also become `&#9;` and `&#10;` (attribute values are
    /// normalised otherwise). Characters XML 1.0 forbids become U+FFFD.
    /// Example: text `a<b\u{7}` is written `a&lt;b�`.
    static func append(_ text: String, attribute: Bool, to out: inout ByteBuffer) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ append($0, attribute: attribute, to: &out) }) {
            return done
        }
        var copy = text
        copy.withUTF8 { append($0, attribute: attribute, to: &out) }
    }

    /// `append` over UTF-8 bytes. Runs of bytes that need nothing are copied whole.
    static func append(_ s: UnsafeBufferPointer<UInt8>, attribute: Bool, to out: inout ByteBuffer) {
        let n = s.count
        var run = 0
        var i = 0
        func flush(_ end: Int) {
            if end > run { out.append(UnsafeBufferPointer(rebasing: s[run..<end])) }
        }
        while i < n {
            let b = s[i]
            // Only `"`, `&`, `<`, `>`, controls and 0xEF (the lead byte of U+FFFE and U+FFFF) matter.
            if b >= 0x3F ? b != 0xEF : (b >= 0x20 && b != 0x22 && b != 0x26 && b != 0x3C && b != 0x3E) {
                i += 1
                continue
            }
            let replacement: StaticString
            var width = 1
            switch b {
            case 0x22: replacement = "&quot;"
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x0D: replacement = "&#13;"
            case 0x09, 0x0A:
                guard attribute else {
                    i += 1
                    continue
                }
                replacement = b == 0x09 ? "&#9;" : "&#10;"
            case 0xEF:
                guard i + 2 < n, s[i + 1] == 0xBF, s[i + 2] == 0xBE || s[i + 2] == 0xBF else {
                    i += 1
                    continue
                }
                replacement = "\u{FFFD}"
                width = 3
            default:  // another C0 control
                replacement = "\u{FFFD}"
            }
            flush(i)
            out.append(replacement)
            i += width
            run = i
        }
        flush(n)
    }

    /// Whether XML 1.0's `Char` production allows `scalar`.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
