/// Turns an input file's bytes into validated UTF-8, or says exactly why it cannot.
///
/// Accepts UTF-8 with or without a byte-order mark and UTF-16 LE/BE with a mark (Excel's
/// "Unicode text"). Rejects empty files, binary files and invalid UTF-8, naming the line and
/// column of the first bad byte.
public enum TextDecoder {
    /// The encoding a file was read in, for diagnostics.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8", utf8BOM = "UTF-8 with BOM", utf16LE = "UTF-16 LE", utf16BE = "UTF-16 BE"
    }

    /// The decoded text: either a byte range of the original (UTF-8) or a transcoded copy.
    public struct Decoded: Sendable {
        public var encoding: Encoding
        /// Offset of the first text byte in the original buffer (3 when a UTF-8 BOM is skipped).
        public var offset: Int
        /// For UTF-16 input, the text transcoded to UTF-8; nil when the original bytes are used.
        public var transcoded: [UInt8]?
    }

    /// Checks `bytes` and returns how to read them as UTF-8, validating a large file on up to
    /// `parallelism` threads.
    public static func decode(_ bytes: UnsafeRawBufferPointer, path: String, parallelism: Int = 1)
        throws(SeatSweepError) -> Decoded
    {
        let all = bytes.bindMemory(to: UInt8.self)
        if all.isEmpty {
            throw SeatSweepError(
                "the file is empty", at: SourceLocation(path: path),
                hint: "export the users again from admin.atlassian.com > Directory > Users > Export users")
        }
        if all.count >= 2, (all[0] == 0xFF && all[1] == 0xFE) || (all[0] == 0xFE && all[1] == 0xFF) {
            let little = all[0] == 0xFF
            let utf8 = try transcodeUTF16(all, littleEndian: little, path: path)
            try rejectBlank(utf8.withUnsafeBufferPointer { $0[...] }, path: path)
            return Decoded(encoding: little ? .utf16LE : .utf16BE, offset: 0, transcoded: utf8)
        }
        let hasBOM = all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF
        let text = all[(hasBOM ? 3 : 0)...]
        try rejectBinary(text, path: path)
        if parallelism > 1, text.count >= 4 << 20 {
            try validateUTF8InHalves(text, path: path)
        } else {
            try validateUTF8(text, path: path)
        }
        try rejectBlank(text, path: path)
        return Decoded(encoding: hasBOM ? .utf8BOM : .utf8, offset: hasBOM ? 3 : 0, transcoded: nil)
    }

    private static func rejectBlank(_ text: Slice<UnsafeBufferPointer<UInt8>>, path: String) throws(SeatSweepError) {
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw SeatSweepError(
                "the file holds no data (only blank lines)", at: SourceLocation(path: path),
                hint: "export the users again from admin.atlassian.com > Directory > Users > Export users")
        }
    }

    /// A NUL byte or a well-known binary signature in the first 8 KiB means this is not a text export.
    private static func rejectBinary(_ text: Slice<UnsafeBufferPointer<UInt8>>, path: String) throws(SeatSweepError) {
        let head = text.prefix(8192)
        let signatures: [([UInt8], String)] = [
            ([0x50, 0x4B, 0x03, 0x04], "a zip archive (an .xlsx workbook?)"),
            ([0xD0, 0xCF, 0x11, 0xE0], "an old Excel .xls workbook"),
            ([0x25, 0x50, 0x44, 0x46], "a PDF document"),
            ([0x1F, 0x8B], "a gzip archive"),
        ]
        for (magic, what) in signatures where head.starts(with: magic) {
            throw SeatSweepError(
                "this is \(what), not a CSV or JSON text file", at: SourceLocation(path: path),
                hint: "open it in Excel or LibreOffice and save it as 'CSV UTF-8', or pass the original export")
        }
        if let nul = head.firstIndex(of: 0) {
            let (line, column) = lineAndColumn(of: nul, in: text)
            throw SeatSweepError(
                "this looks like a binary file (a NUL byte at offset \(nul - text.startIndex))",
                at: SourceLocation(path: path, line: line, column: column),
                hint: "pass the CSV exported from admin.atlassian.com or a JSON API dump")
        }
    }

    /// Validates the two halves of `text` at the same time, split where a character starts. Only
    /// when a half is invalid is the whole read again, for the first error's line and column.
    static func validateUTF8InHalves(_ text: Slice<UnsafeBufferPointer<UInt8>>, path: String) throws(SeatSweepError) {
        var middle = text.startIndex + text.count / 2
        while middle < text.endIndex, text.base[middle] & 0xC0 == 0x80 { middle += 1 }
        let halves = ForkJoinShared(value: (text[..<middle], text[middle...]))
        let firstValid = ForkJoinSlot<Bool>()
        let secondValid = ForkJoinSlot<Bool>()
        ForkJoin.run([
            { firstValid.value = (try? validateUTF8(halves.value.0, path: path)) != nil },
            { secondValid.value = (try? validateUTF8(halves.value.1, path: path)) != nil },
        ])
        if firstValid.value != true || secondValid.value != true { try validateUTF8(text, path: path) }
    }

    /// Validates UTF-8, 32 or eight ASCII bytes at a time where it can.
    static func validateUTF8(_ text: Slice<UnsafeBufferPointer<UInt8>>, path: String) throws(SeatSweepError) {
        var i = text.startIndex
        let end = text.endIndex
        let base = text.base
        while i < end {
            if i + 32 <= end {
                let p = UnsafeRawPointer(base.baseAddress! + i)
                let words =
                    p.loadUnaligned(as: UInt64.self) | p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                    | p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if words & 0x8080_8080_8080_8080 == 0 {
                    i += 32
                    continue
                }
            }
            if i + 8 <= end {
                let word = UnsafeRawPointer(base.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let b0 = base[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            if b0 & 0xE0 == 0xC0 {
                length = 2
                minimum = 0x80
            } else if b0 & 0xF0 == 0xE0 {
                length = 3
                minimum = 0x800
            } else if b0 & 0xF8 == 0xF0 {
                length = 4
                minimum = 0x10000
            } else {
                throw invalidUTF8(at: i, in: text, path: path)
            }
            guard i + length <= end else { throw invalidUTF8(at: i, in: text, path: path) }
            var scalar = UInt32(b0) & (0xFF >> (length + 1))
            for k in 1..<length {
                let b = base[i + k]
                guard b & 0xC0 == 0x80 else { throw invalidUTF8(at: i, in: text, path: path) }
                scalar = scalar << 6 | UInt32(b & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                throw invalidUTF8(at: i, in: text, path: path)
            }
            i += length
            minimum = 0
        }
    }

    private static func invalidUTF8(at offset: Int, in text: Slice<UnsafeBufferPointer<UInt8>>, path: String)
        -> SeatSweepError
    {
        let (line, column) = lineAndColumn(of: offset, in: text)
        let byte = text.base[offset]
        let hex = String(byte, radix: 16, uppercase: true)
        return SeatSweepError(
            "the text is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex))",
            at: SourceLocation(path: path, line: line, column: column),
            hint: "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)', or convert with "
                + "`iconv -f WINDOWS-1252 -t UTF-8`")
    }

    /// 1-based line and character column of `offset`.
    public static func lineAndColumn(of offset: Int, in text: Slice<UnsafeBufferPointer<UInt8>>) -> (Int, Int) {
        var line = 1
        var lineStart = text.startIndex
        var i = text.startIndex
        while i < offset {
            if text.base[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        i = lineStart
        while i < offset {
            if text.base[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }

    private static func transcodeUTF16(
        _ all: UnsafeBufferPointer<UInt8>, littleEndian: Bool, path: String
    ) throws(SeatSweepError) -> [UInt8] {
        let body = all[2...]
        if body.count % 2 != 0 {
            throw SeatSweepError(
                "the file starts with a UTF-16 byte-order mark but has an odd number of bytes",
                at: SourceLocation(path: path),
                hint: "the file is truncated or not UTF-16; export it again")
        }
        var units: [UInt16] = []
        units.reserveCapacity(body.count / 2)
        var i = body.startIndex
        while i < body.endIndex {
            let a = UInt16(all[i])
            let b = UInt16(all[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var line = 1
        var column = 1
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value == 0 {
                    throw SeatSweepError(
                        "this looks like a binary file (a NUL character in UTF-16 text)",
                        at: SourceLocation(path: path, line: line, column: column),
                        hint: "pass the CSV exported from admin.atlassian.com or a JSON API dump")
                }
                UTF8.encode(scalar) { out.append($0) }
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput: break loop
            case .error:
                throw SeatSweepError(
                    "the text is not valid UTF-16 (an unpaired surrogate)",
                    at: SourceLocation(path: path, line: line, column: column),
                    hint: "save the file again as 'Unicode text' or 'CSV UTF-8'")
            }
        }
        return out
    }
}
