import Testing

@testable import SeatSweepKit

/// The eight-bytes-a-step tests agree with the byte-by-byte ones on every word, whatever the
/// neighbouring bytes (borrows and carries must not cross into a verdict).
@Suite struct ByteScanTests {
    static func bytes(_ x: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: x >> (8 * $0)) } }

    @Test func wordTestsAgreeWithByteTests() {
        var random = SplitMix64(seed: 11)
        // Bytes near every boundary the scans use, and anything at all.
        let interesting: [UInt8] = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x26, 0x3C, 0x3E, 0x7E, 0x7F, 0x80, 0xC2, 0xD8, 0xE1, 0xE2, 0xEF, 0xFF,
        ]
        var matched = (below: 0, equal: 0, atLeast: 0)
        for round in 0..<200_000 {
            var x: UInt64 = 0
            for lane in 0..<8 {
                let b =
                    round % 2 == 0
                    ? interesting[Int(random.next() % UInt64(interesting.count))]
                    : UInt8(truncatingIfNeeded: random.next())
                x |= UInt64(b) << (8 * lane)
            }
            let lanes = Self.bytes(x)
            let target = interesting[round % interesting.count]
            let bound = UInt8(truncatingIfNeeded: random.next() % 0x81)  // 0...0x80
            let high = UInt8(0x80 + random.next() % 0x80)  // 0x80...0xFF
            #expect((ByteScan.below(x, bound) != 0) == lanes.contains { $0 < bound }, "\(x) < \(bound)")
            #expect((ByteScan.equal(x, target) != 0) == lanes.contains(target), "\(x) == \(target)")
            #expect((ByteScan.atLeast(x, high) != 0) == lanes.contains { $0 >= high }, "\(x) >= \(high)")
            if lanes.contains(where: { $0 < bound }) { matched.below += 1 }
            if lanes.contains(target) { matched.equal += 1 }
            if lanes.contains(where: { $0 >= high }) { matched.atLeast += 1 }
        }
        // Both verdicts were exercised for each test.
        for count in [matched.below, matched.equal, matched.atLeast] { #expect(count > 1_000 && count < 199_000) }
    }

    @Test func stringScansSeeEveryPosition() {
        // A byte to find at each position of strings of every length around the word size.
        for length in 1...20 {
            for position in 0..<length {
                var plain = Array(repeating: UInt8(ascii: "a"), count: length)
                #expect(XMLText.isPlain(String(decoding: plain, as: UTF8.self)))
                #expect(!ReportText.mayNeedCleaning(String(decoding: plain, as: UTF8.self)))
                plain[position] = UInt8(ascii: "<")
                #expect(!XMLText.isPlain(String(decoding: plain, as: UTF8.self)), "\(length) \(position)")
                plain[position] = 0x7F
                #expect(ReportText.mayNeedCleaning(String(decoding: plain, as: UTF8.self)), "\(length) \(position)")
            }
        }
        #expect(ReportText.mayNeedCleaning("Mallory \u{202E}gnp.exe"))
        #expect(!ReportText.mayNeedCleaning("Zoë Müller-Łukasz"))
        #expect(ReportText.mayNeedCleaning("😀"))  // F0 lead byte: at least 0xE2
    }
}
