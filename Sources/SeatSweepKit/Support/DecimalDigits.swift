/// The decimal text of an integer, made on the stack: the one digit loop behind JSON numbers,
/// reason texts and spreadsheet markup, which write millions of numbers without a `String` each.
enum DecimalDigits {
    /// Calls `body` with the ASCII digits of `value`, `-` first when negative (`Int.min` included).
    @inline(__always) static func with<R>(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 19 digits and a sign fit
        var magnitude = value.magnitude
        var start = 24
        return withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                start -= 1
                raw[start] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                raw[start] = UInt8(ascii: "-")
            }
            return body(UnsafeRawBufferPointer(rebasing: raw[start...]).bindMemory(to: UInt8.self))
        }
    }
}
