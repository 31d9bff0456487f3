import Foundation

/// Where renderers read a table's rows: in `CellBlock`s of `blockRows` rows.
///
/// A source made for `readers` renderers that read the whole table at the same time (the
/// command renders users.csv, report.xml and report.xlsx together) makes each block once: the
/// first renderer to ask makes it, the others find it made, and the block goes when every
/// renderer has read each of its rows. A renderer that gets `window` blocks ahead of the
/// slowest waits for it, so at most that many blocks are held. Such a source must be read by
/// exactly `readers` renderers, each reading every row once (in any order, from any number of
/// threads); if one stops early it must call `abandon()`, after which everyone makes their own
/// blocks. Waiting longer than `patience` abandons too: a miscount costs speed, never a hang.
final class RowSource: @unchecked Sendable {
    // @unchecked: the mutable state is read and written only under `condition`.
    static let blockRows = 2048
    static let window = 12
    static let patience: TimeInterval = 10

    /// Packs table row `index` (`CellBlock.Packer`).
    typealias Pack = (_ index: Int, _ packer: inout CellBlock.Packer) -> Void

    let count: Int
    let readers: Int
    let makePacker: @Sendable () -> Pack
    private let condition = NSCondition()
    private var blocks: [CellBlock?]
    private var making: [Bool]
    /// Per block: rows read so far, by all readers together.
    private var rowsRead: [Int]
    /// The first block not yet read whole by every reader.
    private var lowest = 0
    private var abandoned = false

    init(count: Int, readers: Int, makePacker: @escaping @Sendable () -> Pack) {
        self.count = count
        self.readers = readers
        self.makePacker = makePacker
        let blockCount = readers > 1 ? (count + Self.blockRows - 1) / Self.blockRows : 0
        blocks = Array(repeating: nil, count: blockCount)
        making = Array(repeating: false, count: blockCount)
        rowsRead = Array(repeating: 0, count: blockCount)
    }

    /// Block `k`'s table rows.
    func rows(ofBlock k: Int) -> Range<Int> {
        k * Self.blockRows..<min(count, (k + 1) * Self.blockRows)
    }

    /// Block `k`: made by `make` unless another reader made it or is making it.
    func acquire(_ k: Int, make: () -> CellBlock) -> CellBlock {
        guard readers > 1 else { return make() }
        condition.lock()
        while true {
            if let block = blocks[k] {
                condition.unlock()
                return block
            }
            if abandoned || k < lowest {
                condition.unlock()
                return make()
            }
            if !making[k], k < lowest + Self.window {
                making[k] = true
                condition.unlock()
                let block = make()
                condition.lock()
                making[k] = false
                blocks[k] = abandoned ? nil : block
                condition.broadcast()
                condition.unlock()
                return block
            }
            if !condition.wait(until: Date(timeIntervalSinceNow: Self.patience)) {
                abandoned = true
                Self.patienceRanOut.add()
                condition.broadcast()
            }
        }
    }

    /// Counts `rows` rows of block `k` as read by one reader; the block goes once every reader
    /// has read all of its rows.
    func release(_ k: Int, rows: Int) {
        guard readers > 1 else { return }
        condition.lock()
        defer { condition.unlock() }
        rowsRead[k] += rows
        if rowsRead[k] >= readers * self.rows(ofBlock: k).count { blocks[k] = nil }
        let before = lowest
        while lowest < rowsRead.count, rowsRead[lowest] >= readers * self.rows(ofBlock: lowest).count { lowest += 1 }
        if lowest != before { condition.broadcast() }
    }

    /// Stops sharing: from now on every reader makes its own blocks and nobody waits.
    func abandon() {
        guard readers > 1 else { return }
        condition.lock()
        abandoned = true
        for k in blocks.indices { blocks[k] = nil }
        condition.broadcast()
        condition.unlock()
    }

    /// How many times, in this process, a reader gave up waiting (tests check it does not move).
    static let patienceRanOut = Tally()

    /// A count any thread may add to.
    final class Tally: @unchecked Sendable {
        // @unchecked: `count` is read and written only under `lock`.
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// Blocks held now (for tests).
    var heldBlocks: Int {
        condition.lock()
        defer { condition.unlock() }
        return blocks.count { $0 != nil }
    }
}

/// One thread's reader of a table's rows, a block at a time: it holds the block of the row it
/// read last and lets it go when it moves on (or goes).
final class BlockReader {
    private let source: RowSource
    private let pack: RowSource.Pack
    /// The block being read: held here until the reader moves on.
    private var block: CellBlock?
    /// The same block, and its rows, for reading a row without retaining the block: every
    /// reader of a table (up to five threads) reads the same block, and a retain and release
    /// per row had them all contend for its reference count. Safe because `block` holds it, and
    /// `body` never asks this reader for another row.
    private var current: Unmanaged<CellBlock>?
    private var currentRows: Range<Int> = 0..<0
    private var blockNumber = -1
    private var rowsRead = 0

    init(_ source: RowSource) {
        self.source = source
        pack = source.makePacker()
    }

    deinit { letGo() }

    private func letGo() {
        if block != nil { source.release(blockNumber, rows: rowsRead) }
        (block, current, currentRows) = (nil, nil, 0..<0)
    }

    /// Calls `body` with table row `index`.
    func withRow<R>(_ index: Int, _ body: (RowCells) -> R) -> R {
        if currentRows.contains(index), let current {
            rowsRead += 1
            return current._withUnsafeGuaranteedRef { $0.withRow(index, body) }
        }
        letGo()
        let k = index / RowSource.blockRows
        let made = source.acquire(k) { CellBlock(rows: source.rows(ofBlock: k), pack: pack) }
        (block, current, currentRows, blockNumber, rowsRead) = (made, Unmanaged.passUnretained(made), made.rows, k, 1)
        return made.withRow(index, body)
    }
}
