import Testing

@testable import SeatSweepKit

/// `ByteBuffer` copies short pieces with word moves and longer ones with memmove, and grows
/// when full: every length on either side of those switches lands byte for byte.
@Suite struct ByteBufferTests {
    @Test func piecesOfEveryLengthLandInOrder() {
        var buffer = ByteBuffer(capacity: 16)  // small, so appends also cross growths
        var expected: [UInt8] = []
        for length in 0...40 {
            let piece = (0..<length).map { UInt8(truncatingIfNeeded: length &* 31 &+ $0) }
            piece.withUnsafeBufferPointer { buffer.append($0) }
            expected += piece
        }
        buffer.append("<c r=\"")
        buffer.append(decimal: -1234)
        buffer.append(UInt8(ascii: ">"))
        expected += Array("<c r=\"-1234>".utf8)
        #expect(buffer.count == expected.count)
        #expect(buffer.bytes == expected)
    }
}
