import CLibXML2

/// The one XML writer: a streaming wrapper over libxml2's `xmlTextWriter`, used for every xlsx
/// part and the XML Spreadsheet 2003 file. No document tree is built: elements go out as they
/// are written, into a byte buffer that the caller drains (`take()`, `drain(into:)`) as it goes.
///
/// libxml2 escapes markup (`<`, `&`, quotes in attributes); every text and attribute value also
/// passes `XMLText.legal`, so characters XML 1.0 forbids (U+0007, U+FFFE, ...) are replaced and
/// never written raw. Errors from libxml2 are remembered and reported by `finish()`.
///
/// Consecutive `raw` pieces (the fixed markup around cell values, row after row), and text with
/// nothing to escape between them, are gathered and handed to libxml2 as one write: the same
/// bytes, for one call into libxml2 per row instead of several per cell. Between a flush and the
/// next element call they skip libxml2 altogether (it would pass them on unchanged).
public final class XMLStreamWriter {
    /// Receives libxml2's output; a class so the C callback can reach it through a pointer.
    private final class Output {
        // Unchecked: one thread writes at a time, and a dynamic exclusivity check on each of
        // libxml2's many small writes costs more than the write.
        @exclusivity(unchecked) var bytes = ByteBuffer()
    }

    private let output = Output()
    private let writer: xmlTextWriterPtr
    private var failure: String?
    /// `raw` markup not yet handed to libxml2.
    @exclusivity(unchecked) private var markup = ByteBuffer(capacity: 1 << 12)
    /// Whether libxml2 has just flushed everything it was given and has no start tag open: then
    /// gathered markup goes straight to the output (the bytes libxml2 would have passed on
    /// unchanged, one copy fewer). Any call into libxml2 clears it; `flush()` sets it again.
    private var libxmlIdle = false
    /// Whether libxml2's last call left a start tag open (`<Row` awaiting `>` or `/>`).
    private var tagOpen = false

    /// libxml2 must initialise its globals once before threads use it.
    private static let libraryReady: Void = { xmlInitParser() }()

    /// A writer whose output accumulates until taken.
    public init() throws(SeatSweepError) {
        _ = Self.libraryReady
        let context = Unmanaged.passUnretained(output).toOpaque()
        guard
            let buffer = xmlOutputBufferCreateIO(
                { context, chars, length in
                    guard let context, let chars, length > 0 else { return 0 }
                    let output = Unmanaged<XMLStreamWriter.Output>.fromOpaque(context).takeUnretainedValue()
                    chars.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { bytes in
                        output.bytes.append(UnsafeBufferPointer(start: bytes, count: Int(length)))
                    }
                    return length
                }, { _ in 0 }, context, nil)
        else { throw SeatSweepError("libxml2 could not create an output buffer (out of memory?)") }
        guard let writer = xmlNewTextWriter(buffer) else {
            xmlOutputBufferClose(buffer)
            throw SeatSweepError("libxml2 could not create a text writer (out of memory?)")
        }
        self.writer = writer
    }

    deinit {
        xmlFreeTextWriter(writer)  // also closes the output buffer
    }

    /// A writer for content inside an element that another writer has open (rows of a sheet
    /// made on another thread, then drained in order into the same file). libxml2 escapes text
    /// only inside an element, so the fragment opens one of its own whose tags never reach the
    /// output: everything it writes is what the other writer would have written there.
    public static func fragment() throws(SeatSweepError) -> XMLStreamWriter {
        let w = try XMLStreamWriter()
        w.start("fragment")
        w.escapedText(" ")  // closes the start tag
        w.flush()
        w.output.bytes.removeAll()
        return w
    }

    private func check(_ result: Int32, _ what: @autoclosure () -> String) {
        if result < 0, failure == nil { failure = what() }
    }

    /// Writes the gathered `raw` markup (libxml2 first closes a start tag left open). Every call
    /// other than `raw` and `newline` does this first, so the order of the output never changes.
    private func writeMarkup() {
        guard markup.count > 0 else { return }
        if libxmlIdle {
            markup.withUnsafeBytes { output.bytes.append($0) }
        } else {
            let result = markup.withUnsafeBytes { bytes in
                xmlTextWriterWriteRawLen(writer, bytes.baseAddress, Int32(bytes.count))
            }
            check(result, "markup")
            tagOpen = false
        }
        markup.removeAll()
    }

    /// Before a call into libxml2: writes the gathered markup, and marks that libxml2 may now
    /// hold output and, after the call, has a start tag open or not.
    private func enterLibxml(openingTag: Bool) {
        writeMarkup()
        libxmlIdle = false
        tagOpen = openingTag
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` and (libxml2 adds it) a line break.
    public func startDocument() {
        enterLibxml(openingTag: false)
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", "yes"), "start document")
    }

    /// A processing instruction such as `<?mso-application progid="Excel.Sheet"?>`.
    public func processingInstruction(_ target: StaticString, _ content: StaticString) {
        enterLibxml(openingTag: false)
        check(xmlTextWriterWritePI(writer, target.xmlChars, content.xmlChars), "processing instruction \(target)")
    }

    /// Opens element `name` (a qualified name such as `ss:Cell`); attributes follow, then content.
    /// Names are literals: seatsweep never takes an element or attribute name from its inputs.
    public func start(_ name: StaticString) {
        enterLibxml(openingTag: true)
        check(xmlTextWriterStartElement(writer, name.xmlChars), "start <\(name)>")
    }

    /// An attribute of the element just started.
    public func attribute(_ name: StaticString, _ value: String) {
        enterLibxml(openingTag: true)
        let legal = XMLText.legal(value)
        check(legal.withXMLChars { xmlTextWriterWriteAttribute(writer, name.xmlChars, $0) }, "attribute \(name)")
    }

    /// An integer attribute (digits need no checking).
    public func attribute(_ name: StaticString, _ value: Int) {
        enterLibxml(openingTag: true)
        check(
            String(value).withXMLChars { xmlTextWriterWriteAttribute(writer, name.xmlChars, $0) }, "attribute \(name)")
    }

    /// Escaped character data. A value with nothing to escape or replace (no markup character,
    /// no control character, no byte that may start U+FFFE or U+FFFF: almost every cell) joins
    /// the gathered markup as it is, which is exactly what libxml2's escaping would have made
    /// of it; any other value goes through `XMLText.legal` and libxml2's escaping.
    public func text(_ value: String) {
        if !value.isEmpty, XMLText.isPlain(value) {
            markup.append(value)
        } else {
            escapedText(value)
        }
    }

    /// Text given as UTF-8 bytes; `plain` says they need no escaping (see `CellView.text`).
    func text(_ utf8: UnsafeBufferPointer<UInt8>, plain: Bool) {
        if plain {
            markup.append(utf8)
        } else {
            escapedText(String(decoding: utf8, as: UTF8.self))
        }
    }

    /// Character data through `XMLText.legal` and libxml2's escaping, whatever it holds.
    func escapedText(_ value: String) {
        enterLibxml(openingTag: false)
        let legal = XMLText.legal(value)
        check(legal.withXMLChars { xmlTextWriterWriteString(writer, $0) }, "text")
    }

    /// Closes the innermost open element (`<a/>` when it is empty).
    public func end() {
        enterLibxml(openingTag: false)
        check(xmlTextWriterEndElement(writer), "end element")
    }

    /// `<name>text</name>`.
    public func element(_ name: StaticString, _ text: String) {
        start(name)
        self.text(text)
        end()
    }

    /// Literal markup, written as is (libxml2 first closes a start tag left open). For the
    /// fixed parts of rows written millions of times, where an element call per tag costs more
    /// than the row; the values inside still go through `text`.
    @inline(__always) public func raw(_ markup: StaticString) {
        self.markup.append(markup)
    }

    /// Digits made once and written several times (a row number, in each cell reference of its row).
    func raw(digits: UnsafeBufferPointer<UInt8>) {
        assert(digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
        markup.append(digits)
    }

    /// A cell reference or a number (`B12`, `46327`, `-3.5`) inside `raw` markup: only ASCII
    /// letters, digits, `.` and `-`, which need no escaping; anything else goes through `text`.
    public func raw(token: String) {
        assert(
            token.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E || $0 == 0x2D
            })
        markup.append(token)
    }

    /// The decimal digits of `value` inside `raw` markup (a row number, a string index).
    public func raw(number value: Int) {
        markup.append(decimal: value)
    }

    /// Adds `day` at midnight as XML Schema's `dateTime` without a zone (`2026-10-31T00:00:00.000`).
    public func raw(day: Day) {
        day.withISO { markup.append($0) }
        markup.append("T00:00:00.000")
    }

    /// A line break between elements, so files read (and diff) one row per line. Only call it
    /// where whitespace is insignificant: after an end tag.
    public func newline() {
        markup.append(UInt8(ascii: "\n"))
    }

    /// Closes every open element, ends the document and flushes.
    public func endDocument() {
        enterLibxml(openingTag: false)
        check(xmlTextWriterEndDocument(writer), "end document")
        flush()
    }

    /// Pushes libxml2's internal buffer into ours.
    public func flush() {
        writeMarkup()
        check(xmlTextWriterFlush(writer), "flush")
        libxmlIdle = !tagOpen && failure == nil
    }

    /// Bytes written and not yet taken (after `flush()`).
    public var pendingCount: Int { output.bytes.count }

    /// Flushes and hands over every byte written so far.
    public func take() -> [UInt8] {
        flush()
        defer { output.bytes.removeAll() }
        return output.bytes.bytes
    }

    /// Flushes and passes the bytes written so far to `sink`.
    public func drain(into sink: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if libxmlIdle, output.bytes.count == 0 {
            // Nothing went through libxml2 since the last drain: the gathered markup is all there
            // is, and goes out without first being copied behind libxml2's output.
            guard markup.count > 0 else { return }
            try markup.withUnsafeBytes(sink)
            markup.removeAll()
            return
        }
        flush()
        guard output.bytes.count > 0 else { return }
        try output.bytes.withUnsafeBytes(sink)
        output.bytes.removeAll()
    }

    /// Throws if libxml2 reported an error for any call so far.
    public func finish(_ what: String) throws(SeatSweepError) {
        writeMarkup()
        if let failure {
            throw SeatSweepError(
                "libxml2 failed to write \(what) (\(failure))", hint: "this is a bug; please report it")
        }
    }
}

/// XML 1.0 text rules, shared by everything `XMLStreamWriter` writes.
public enum XMLText {
    /// `text` with every character XML 1.0 does not allow replaced by U+FFFD. Allowed:
    /// tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    /// Example: `legal("a\u{7}b")` is `"a\u{FFFD}b"`.
    public static func legal(_ text: String) -> String {
        guard mayNeedReplacing(text) else { return text }
        var scalars = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            if isAllowed(scalar) {
                scalars.append(scalar)
            } else {
                scalars.append("\u{FFFD}")
                changed = true
            }
        }
        return changed ? String(scalars) : text
    }

    /// Whether `text` is the same escaped as it is: no `<`, `>`, `&`, `"`, no control character
    /// (libxml2 writes a carriage return as `&#13;`) and no byte that may start a forbidden
    /// character (see `mayNeedReplacing`).
    static func isPlain(_ text: String) -> Bool {
        text.withUTF8Bytes(isPlain)
    }

    /// `isPlain` for UTF-8 bytes.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        !ByteScan.contains(utf8, word: notPlain(word:), byte: notPlain(byte:))
    }

    /// The bytes `isPlain` looks for: in each of eight bytes at once (`ByteScan`), or in one.
    @inline(__always) static func notPlain(word x: UInt64) -> UInt64 {
        ByteScan.below(x, 0x20) | ByteScan.equal(x, 0xEF) | ByteScan.equal(x, 0x3C) | ByteScan.equal(x, 0x3E)
            | ByteScan.equal(x, 0x26) | ByteScan.equal(x, 0x22)
    }

    @inline(__always) static func notPlain(byte b: UInt8) -> Bool {
        b < 0x20 || b == 0xEF || b == 0x3C || b == 0x3E || b == 0x26 || b == 0x22
    }

    /// Whether `text` holds a byte that may start a forbidden character: a C0 control other than
    /// tab and line breaks, or 0xEF (U+FFFE and U+FFFF are EF BF BE and EF BF BF).
    static func mayNeedReplacing(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            bytes.contains { byte in (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0xEF }
        }
    }

    /// Whether XML 1.0's `Char` production allows `scalar`.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}

extension StaticString {
    /// The literal as libxml2's `xmlChar` pointer. Swift emits string literals NUL-terminated.
    fileprivate var xmlChars: UnsafePointer<xmlChar> {
        assert(hasPointerRepresentation && utf8Start[utf8CodeUnitCount] == 0)
        return utf8Start
    }
}

extension String {
    /// Calls `body` with the string as a NUL-terminated `xmlChar` (UTF-8) pointer.
    fileprivate func withXMLChars<R>(_ body: (UnsafePointer<xmlChar>) -> R) -> R {
        withCString { pointer in
            pointer.withMemoryRebound(to: xmlChar.self, capacity: utf8.count + 1, body)
        }
    }
}
