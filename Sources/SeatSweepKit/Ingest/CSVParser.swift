/// An RFC 4180 record reader over UTF-8 bytes that never copies a field it is not asked for.
///
/// Handles quoted fields with embedded delimiters, doubled quotes and line breaks, and LF, CRLF
/// or CR line ends. Blank lines are skipped. A quote that is never closed is an error that
/// points at the opening quote.
public struct CSVParser {
    /// One field of the current record, as a byte range of the buffer.
    public struct Field: Sendable {
        public var start: Int
        public var end: Int
        /// The field was quoted and contains doubled quotes that must be collapsed.
        public var hasEscapedQuote: Bool
        /// The field was quoted: its content is kept exactly, spaces included.
        public var quoted = false
    }

    public let bytes: UnsafeBufferPointer<UInt8>
    public let delimiter: UInt8
    public let path: String
    /// Fields of the record returned by the last `next()`.
    public private(set) var fields: [Field] = []
    /// 1-based line on which the current record starts.
    public private(set) var recordLine = 0
    /// Byte offset at which the current record starts.
    public private(set) var recordStart = 0
    private var position: Int
    /// The line the next record starts on.
    public private(set) var line = 1
    private let end: Int

    /// Reads `bytes[range]`; `range.lowerBound` is where the text starts (after any BOM).
    public init(
        bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, delimiter: UInt8, path: String, firstLine: Int = 1
    ) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.path = path
        self.position = range.lowerBound
        self.end = range.upperBound
        self.line = firstLine
        fields.reserveCapacity(64)
    }

    /// The offset at which the next record starts.
    public var offset: Int { position }

    /// Advances to the next non-blank record. Returns false at the end of the input.
    public mutating func next() throws(SeatSweepError) -> Bool {
        while position < end {
            fields.removeAll(keepingCapacity: true)
            recordLine = line
            recordStart = position
            try readRecord()
            if fields.count == 1, fields[0].start == fields[0].end, !isQuotedEmpty(fields[0]) { continue }
            return true
        }
        return false
    }

    private func isQuotedEmpty(_ field: Field) -> Bool {
        field.start > 0 && field.start < end && bytes[field.start - 1] == UInt8(ascii: "\"")
    }

    private mutating func readRecord() throws(SeatSweepError) {
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        while true {
            if position < end, bytes[position] == quote {
                let openAt = position
                let openLine = line
                position += 1
                let start = position
                var escaped = false
                while true {
                    guard position < end else {
                        throw unterminated(at: openAt, line: openLine)
                    }
                    let b = bytes[position]
                    if b == quote {
                        if position + 1 < end, bytes[position + 1] == quote {
                            escaped = true
                            position += 2
                            continue
                        }
                        break
                    }
                    if b == lf { line += 1 }
                    position += 1
                }
                let closeAt = position
                position += 1
                // Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do.
                var trailing = false
                while position < end, bytes[position] != delimiter, bytes[position] != lf, bytes[position] != cr {
                    position += 1
                    trailing = true
                }
                fields.append(
                    Field(
                        start: start, end: trailing ? position : closeAt, hasEscapedQuote: escaped || trailing,
                        quoted: true))
            } else {
                let start = position
                // Eight bytes at a time: the lowest byte equal to the delimiter, LF or CR ends the field.
                let base = UnsafeRawPointer(bytes.baseAddress!)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let d = ones &* UInt64(delimiter)
                var found = false
                while position + 8 <= end {
                    let w = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                    let a = w ^ d
                    let b = w ^ (ones &* 0x0A)
                    let c = w ^ (ones &* 0x0D)
                    let hits =
                        ((a &- ones) & ~a & highs) | ((b &- ones) & ~b & highs) | ((c &- ones) & ~c & highs)
                    if hits != 0 {
                        position += hits.trailingZeroBitCount / 8
                        found = true
                        break
                    }
                    position += 8
                }
                if !found {
                    while position < end {
                        let b = bytes[position]
                        if b == delimiter || b == lf || b == cr { break }
                        position += 1
                    }
                }
                fields.append(Field(start: start, end: position, hasEscapedQuote: false))
            }
            guard position < end else { return }
            let b = bytes[position]
            position += 1
            if b == delimiter { continue }
            if b == cr, position < end, bytes[position] == lf { position += 1 }
            line += 1
            return
        }
    }

    private func unterminated(at offset: Int, line: Int) -> SeatSweepError {
        SeatSweepError(
            "a quoted field starts here but its closing quote never comes",
            at: SourceLocation(path: path, line: line, column: columnOf(offset)),
            hint: "the file may be truncated, or a quote inside a cell was not doubled (\"\"); export it again")
    }

    private func columnOf(_ offset: Int) -> Int {
        var lineStart = offset
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var column = 1
        var i = lineStart
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    /// The 1-based character column where field `index` of the current record starts.
    public func column(ofField index: Int) -> Int {
        guard index < fields.count else { return 0 }
        var offset = fields[index].start
        if offset > recordStart, bytes[offset - 1] == UInt8(ascii: "\"") { offset -= 1 }
        return columnOf(offset)
    }

    /// The line a field starts on (fields after a quoted line break start below `recordLine`).
    public func line(ofField index: Int) -> Int {
        guard index < fields.count else { return recordLine }
        var line = recordLine
        var i = recordStart
        while i < fields[index].start {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        return line
    }

    /// The raw bytes of field `index`, or an empty slice when the record is short.
    @inline(__always)
    public func raw(_ index: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        guard index >= 0, index < fields.count else { return bytes[0..<0] }
        let f = fields[index]
        return bytes[f.start..<f.end]
    }

    /// Calls `body` with field `index`'s bytes, quotes collapsed and (unquoted fields only)
    /// surrounding spaces trimmed,
    /// without making a `String` (a collapsed copy is made only when the field has quotes inside).
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard index >= 0, index < fields.count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let f = fields[index]
        var start = f.start
        var stop = f.end
        if !f.quoted {
            while start < stop, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        }
        if !f.hasEscapedQuote { return body(UnsafeBufferPointer(rebasing: bytes[start..<stop])) }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(stop - start)
        var i = start
        while i < stop {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                if i + 1 < stop, bytes[i + 1] == UInt8(ascii: "\"") {
                    collapsed.append(b)
                    i += 2
                    continue
                }
                i += 1
                continue
            }
            collapsed.append(b)
            i += 1
        }
        return collapsed.withUnsafeBufferPointer(body)
    }

    /// Field `index` as a string, quotes collapsed and surrounding spaces trimmed.
    public func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Guesses the delimiter from the header line: the most frequent of `,` `;` tab outside quotes.
    public static func sniffDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var inQuotes = false
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if b == 0x0A || b == 0x0D { break }
                if counts[b] != nil { counts[b]! += 1 }
            }
            i += 1
        }
        let comma = counts[UInt8(ascii: ",")]!
        let semicolon = counts[UInt8(ascii: ";")]!
        let tab = counts[0x09]!
        if tab > comma, tab >= semicolon { return 0x09 }
        if semicolon > comma { return UInt8(ascii: ";") }
        return UInt8(ascii: ",")
    }
}
