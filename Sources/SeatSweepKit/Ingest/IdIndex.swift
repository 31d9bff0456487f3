/// Account id → position, without a `String` per id: an open-addressing table keyed by a hash
/// of the id's bytes, that asks the caller to confirm candidates.
///
/// Each slot is one 64-bit word (the hash's high half and position + 1), so a lookup in a table
/// of a million ids costs one cache miss; ids are compared only when the hash halves agree.
struct IdIndex: Sendable {
    /// `tag << 32 | (position + 1)`; 0 is empty.
    private var slots: [UInt64] = []
    private var count = 0

    /// Makes room for `n` ids at a load of at most two thirds. (At most a half made the index
    /// of a half of a million-account file 16 MB, each page of it zeroed and faulted in; the
    /// probes a fuller table adds are mostly within the slot's cache line.)
    mutating func reserve(_ n: Int) {
        let capacity = Self.slotCount(for: n)
        guard capacity > slots.count else { return }
        let old = slots
        slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for slot in old where slot != 0 {
            var i = Int(slot >> 32) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }

    /// The power of two of at least 16 slots that holds `n` entries at a load of at most two thirds.
    static func slotCount(for n: Int) -> Int {
        var count = 16
        while count * 2 < n * 3 { count <<= 1 }
        return count
    }

    /// The position whose id `equals` confirms, among those with this hash.
    func find(_ hash: UInt64, equals: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        let tag = hash >> 32
        var i = Int(tag) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            if slot >> 32 == tag, equals(Int(slot & 0xFFFF_FFFF) - 1) { return Int(slot & 0xFFFF_FFFF) - 1 }
            i = (i + 1) & mask
        }
    }

    /// Loads the first slot of each hash, all in one loop: the loads do not wait on each other,
    /// so their cache misses overlap, and the lookups that follow find the slots in cache.
    /// (The result only keeps the loads from being optimised away.)
    func warm<S: Sequence<UInt64>>(_ hashes: S) -> UInt64 {
        guard !slots.isEmpty else { return 0 }
        let mask = slots.count - 1
        var seen: UInt64 = 0
        slots.withUnsafeBufferPointer { slots in
            for hash in hashes { seen ^= slots[Int(hash >> 32) & mask] }
        }
        return seen
    }

    mutating func insert(_ hash: UInt64, position: Int) {
        if (count + 1) * 3 > slots.count * 2 { reserve(max(16, count * 2)) }
        let mask = slots.count - 1
        let tag = hash >> 32
        var i = Int(tag) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = tag << 32 | UInt64(position + 1)
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
