/// Whether a string holds certain bytes, tested eight bytes a step: the scans every report cell
/// goes through (`ReportText.mayNeedCleaning`, `XMLText.isPlain`).
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
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
        if let found = text.utf8.withContiguousStorageIfAvailable(scan) { return found }
        var copy = text
        return copy.withUTF8(scan)
    }
}
