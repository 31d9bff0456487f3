import Foundation

/// A product on a site (`jira` on `acme`), interned: a seat holds this 32-bit number instead of
/// the two strings. A million-account export has millions of seats but only a handful of
/// (product, site) pairs, and strings in every seat made each seat 48 bytes instead of 20 and
/// every copy of one retain a shared string from both cores at once.
///
/// Equal pairs get equal keys, for the life of the process.
public struct SeatKey: Hashable, Sendable {
    /// The pair's number, from 0 in the order the process first met each pair.
    let index: UInt32

    public init(product: String, site: String) {
        index = SeatKeyTable.shared.intern(product, site)
    }

    public var product: String { SeatKeyTable.shared[index].product }
    public var site: String { SeatKeyTable.shared[index].site }
}

/// The interned pairs: append-only, read without a lock. A pair is written before its number is
/// handed out and never moves (the table grows by whole chunks), so whoever holds a key may read
/// its pair from any thread that received the key the usual, synchronised ways.
final class SeatKeyTable: @unchecked Sendable {
    // @unchecked: `numbers` and the chunk slots are written only while holding `lock`; an
    // entry is read only through a key, which exists only after its entry was written.
    static let shared = SeatKeyTable()

    typealias Pair = (product: String, site: String)
    private static let chunkSize = 4096
    private static let chunkCount = 4096
    private let lock = NSLock()
    private var numbers: [Name: UInt32] = [:]
    private let chunks: UnsafeMutablePointer<UnsafeMutablePointer<Pair>?>

    private init() {
        chunks = .allocate(capacity: Self.chunkCount)
        chunks.initialize(repeating: nil, count: Self.chunkCount)
    }

    func intern(_ product: String, _ site: String) -> UInt32 {
        let name = Name(product: product, site: site)
        lock.lock()
        defer { lock.unlock() }
        if let found = numbers[name] { return found }
        let number = numbers.count
        let (chunk, slot) = number.quotientAndRemainder(dividingBy: Self.chunkSize)
        // 16.7 million different (product, site) pairs: far beyond any organisation.
        precondition(chunk < Self.chunkCount, "more than \(Self.chunkCount * Self.chunkSize) product/site pairs")
        if chunks[chunk] == nil { chunks[chunk] = .allocate(capacity: Self.chunkSize) }
        (chunks[chunk]! + slot).initialize(to: (product, site))
        numbers[name] = UInt32(number)
        return UInt32(number)
    }

    private struct Name: Hashable {
        var product: String
        var site: String
    }

    subscript(index: UInt32) -> Pair {
        let (chunk, slot) = Int(index).quotientAndRemainder(dividingBy: Self.chunkSize)
        return chunks[chunk]![slot]
    }
}
