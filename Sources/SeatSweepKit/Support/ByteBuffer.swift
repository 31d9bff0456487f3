/// An append-only byte buffer for writers that emit millions of small pieces (markup around
/// cell values, libxml2's output): a plain memory copy per piece, without the uniqueness and
/// capacity bookkeeping of `[UInt8].append(contentsOf:)`. The writer drains it as it fills.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 17) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The check is inlined into every append; growing, which is rare, is not.
    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    /// Makes room for `total` bytes in all.
    mutating func reserveCapacity(_ total: Int) {
        if total > capacity { grow(total - count) }
    }

    @inline(never) private mutating func grow(_ extra: Int) {
        var grown = capacity * 2
        while grown < count + extra { grown *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        let n = bytes.count
        reserve(n)
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(base + count)
        // Markup comes in pieces of a few bytes: two overlapping 8-byte moves beat a call to memmove.
        if n >= 8, n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n < 8 {
            for i in 0..<n {
                to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            }
        } else {
            to.copyMemory(from: from, byteCount: n)
        }
        count += n
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    /// The decimal digits of `value` (with `-` when negative), without making a string.
    mutating func append(decimal value: Int) {
        DecimalDigits.with(value) { append($0) }
    }

    /// The string's UTF-8 bytes.
    mutating func append(_ text: String) {
        text.withUTF8Bytes { append($0) }
    }

    /// Calls `body` with the bytes held.
    func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes held, as a new array.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    mutating func removeAll() { count = 0 }
}
