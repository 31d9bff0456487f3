/// Whether a string holds certain bytes, tested eight bytes a step: the scans every report cell
/// and JSON string go through (`ReportText.mayNeedCleaning`, `XMLText.isPlain`,
/// `JSONWriter.appendString`, `CSVEscaping`).
///
/// The word tests return a word whose byte lanes have their high bit set where the byte
/// matches (lanes after the first match may be set wrongly, so only "any" is meaningful).
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Lanes below `n` (`n` at most 0x80).
    @inline(__always) static func below(_ x: UInt64, _ n: UInt8) -> UInt64 {
        (x &- ones &* UInt64(n)) & ~x & highs
    }

    /// Lanes equal to `b`.
    @inline(__always) static func equal(_ x: UInt64, _ b: UInt8) -> UInt64 { below(x ^ (ones &* UInt64(b)), 1) }

    /// Lanes at or above `n` (`n` at least 0x80): the high bit set and the low seven bits at least `n - 0x80`.
    @inline(__always) static func atLeast(_ x: UInt64, _ n: UInt8) -> UInt64 {
        ((x & ~highs) &+ ones &* UInt64(0x100 - Int(n))) & x & highs
    }

    /// Whether some byte of `text` matches: `word` tests eight bytes at once, `byte` the rest.
    @inline(__always) static func contains(
        _ text: String, word: (UInt64) -> UInt64, byte: (UInt8) -> Bool
    ) -> Bool {
        text.withUTF8Bytes { contains($0, word: word, byte: byte) }
    }

    /// Whether some byte of `bytes` matches.
    @inline(__always) static func contains(
        _ bytes: UnsafeBufferPointer<UInt8>, word: (UInt64) -> UInt64, byte: (UInt8) -> Bool
    ) -> Bool {
        var i = 0
        if let base = bytes.baseAddress {
            while i + 8 <= bytes.count {
                if word(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) != 0 { return true }
                i += 8
            }
        }
        while i < bytes.count {
            if byte(bytes[i]) { return true }
            i += 1
        }
        return false
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place where they are contiguous (native
    /// and small strings), else from a copy. Unlike the mutating `withUTF8`, it neither needs a
    /// `var` nor copies (and retains) the string to read it.
    @inline(__always) func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
