/// Account id → position, without a `String` per id: an open-addressing table of positions,
/// keyed by a hash of the id's bytes, that asks the caller to compare candidates.
struct IdIndex: Sendable {
    /// Position + 1 per slot; 0 is empty.
    private var slots: [UInt32] = []
    /// The hash's high half per slot, so most mismatches need no byte comparison.
    private var tags: [UInt32] = []
    private var count = 0

    /// Makes room for `n` ids at a load of at most a half.
    mutating func reserve(_ n: Int) {
        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        guard capacity > slots.count else { return }
        let old = (slots, tags)
        slots = [UInt32](repeating: 0, count: capacity)
        tags = [UInt32](repeating: 0, count: capacity)
        count = 0
        let mask = capacity - 1
        for (slot, tag) in zip(old.0, old.1) where slot != 0 {
            var i = Int(tag) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = slot
            tags[i] = tag
            count += 1
        }
    }

    /// The position whose id `equals` confirms, among those with this hash.
    func find(_ hash: UInt64, equals: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var i = Int(tag) & mask
        while slots[i] != 0 {
            if tags[i] == tag, equals(Int(slots[i] - 1)) { return Int(slots[i] - 1) }
            i = (i + 1) & mask
        }
        return nil
    }

    mutating func insert(_ hash: UInt64, position: Int) {
        if (count + 1) * 2 > slots.count { reserve(max(16, count * 2)) }
        let mask = slots.count - 1
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var i = Int(tag) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = UInt32(position + 1)
        tags[i] = tag
        count += 1
    }

    /// A fast 64-bit hash of a short byte string (eight bytes a step, then a final mix).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        if let base = bytes.baseAddress {
            while i + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 29
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 33)
    }
}
