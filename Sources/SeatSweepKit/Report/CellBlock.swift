import Foundation

/// A cell as the xlsx, XML Spreadsheet 2003 and CSV renderers read it from a `CellBlock`: text
/// is UTF-8 held by the block, so reading a row copies no string and counts no reference.
enum CellView {
    case text(CellText)
    case integer(Int)
    case date(Day)
    case money(Decimal)
    case empty

    var isEmpty: Bool {
        if case .empty = self { true } else { false }
    }
}

/// A text cell's bytes, and what its escaping needs, worked out once for every renderer.
struct CellText {
    let utf8: UnsafeBufferPointer<UInt8>
    /// Not empty, and the same escaped for XML as it is (`XMLText.isPlain`).
    let plain: Bool
    /// CSV puts it in quotes (`CSVEscaping.needsQuotes`).
    let quoted: Bool
}

/// A text with its escaping worked out once, for packing many times.
struct PreparedText {
    let string: String
    let plain: Bool
    let quoted: Bool

    init(_ string: String) {
        self.string = string
        (plain, quoted) = string.withUTF8Bytes(CellBlock.escaping)
    }
}

/// Texts a packer repeats in many rows (a subscription's product and site, a reason), held as
/// bytes in one buffer. Packing one copies its bytes and counts no reference, where a `String`
/// shared by many rows was retained and released for each (a cache miss on its object, and
/// two cores packing rows fought over its count).
struct TextArena: ~Copyable {
    /// A text the arena holds, with its escaping worked out.
    struct Text {
        fileprivate let offset: Int32
        fileprivate let count: Int32
        let plain: Bool
        let quoted: Bool
    }

    private var bytes = ByteBuffer(capacity: 1 << 14)

    /// Bytes held: the arena only grows, so its owner empties it (`removeAll`) past a limit.
    var size: Int { bytes.count }

    mutating func add(_ string: String) -> Text {
        string.withUTF8Bytes { utf8 in
            let (plain, quoted) = CellBlock.escaping(utf8)
            let offset = bytes.count
            bytes.append(utf8)
            return Text(offset: Int32(offset), count: Int32(utf8.count), plain: plain, quoted: quoted)
        }
    }

    /// Forgets every text: those handed out before must not be used again.
    mutating func removeAll() { bytes.removeAll() }

    func withBytes<R>(_ text: Text, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBytes { all in
            body(UnsafeBufferPointer(start: all.baseAddress! + Int(text.offset), count: Int(text.count)))
        }
    }
}

/// One row of a `CellBlock`, valid inside `CellBlock.withRow`.
struct RowCells {
    let count: Int
    fileprivate let cells: UnsafePointer<CellBlock.Packed>
    fileprivate let text: UnsafePointer<UInt8>
    fileprivate let amounts: UnsafePointer<Decimal>

    subscript(_ i: Int) -> CellView {
        let cell = cells[i]
        switch cell.kind {
        case .text:
            return .text(
                CellText(
                    utf8: UnsafeBufferPointer(start: text + cell.offset, count: cell.value), plain: cell.plain,
                    quoted: cell.quoted))
        case .integer: return .integer(cell.value)
        case .date: return .date(Day(ordinal: Int32(truncatingIfNeeded: cell.value)))
        case .money: return .money(amounts[cell.value])
        case .empty: return .empty
        }
    }

    /// The cells as `ReportCell`s (text copied into strings).
    var reportCells: [ReportCell] {
        (0..<count).map { i in
            switch self[i] {
            case .text(let text): .text(String(decoding: text.utf8, as: UTF8.self))
            case .integer(let value): .integer(value)
            case .date(let day): .date(day)
            case .money(let amount): .money(amount)
            case .empty: .empty
            }
        }
    }

    /// Whether some cell is not empty.
    var hasValues: Bool { (0..<count).contains { cells[$0].kind != .empty } }
}

/// Consecutive rows of a `ReportTable`, made once and packed: each cell a fixed-size record,
/// text bytes one after another. Immutable once made, so any number of threads read it at once
/// (`RowSource` hands one block to every renderer of the table); the memory it reads is plain
/// bytes, not objects whose counts two cores would fight over.
final class CellBlock: @unchecked Sendable {
    // @unchecked: written only by `init`, read-only afterwards.
    fileprivate struct Packed {
        enum Kind: UInt8 { case empty, text, integer, date, money }
        /// Text: its length in bytes; integer: the number; date: the ordinal; money: its index.
        var value: Int
        /// Text: where its bytes start.
        var offset = 0
        var kind: Kind
        var plain = false
        var quoted = false
    }

    /// The table rows held.
    let rows: Range<Int>
    /// Where each row's cells start in `cells`, with the end after the last.
    private let starts: UnsafeMutablePointer<Int>
    private let cells: UnsafeMutablePointer<Packed>
    private let text: ByteBuffer
    private let amounts: UnsafeMutablePointer<Decimal>

    /// Packs rows `rows` as `read` gives them.
    convenience init(rows: Range<Int>, read: (Int) -> [ReportCell]) {
        self.init(rows: rows) { index, packer in packer.append(contentsOf: read(index)) }
    }

    /// Packs rows `rows`, each by `pack`, which appends the row's cells to the packer.
    init(rows: Range<Int>, pack: (Int, inout Packer) -> Void) {
        self.rows = rows
        starts = .allocate(capacity: rows.count + 1)
        var packer = Packer(rows: rows.count)
        for (r, index) in rows.enumerated() {
            starts[r] = packer.count
            pack(index, &packer)
            packer.rowsPacked += 1
        }
        starts[rows.count] = packer.count
        let amounts = packer.amounts
        self.amounts = .allocate(capacity: max(1, amounts.count))
        self.amounts.initialize(from: amounts, count: amounts.count)
        cells = packer.cells
        text = packer.text
    }

    /// Where `pack` puts a block's cells, one row after another. A cell packed earlier in the
    /// same block can be packed again by its index (`repeatCell`) without copying or scanning
    /// its text again: the seats of one account repeat the account's cells.
    struct Packer: ~Copyable {
        fileprivate var cells: UnsafeMutablePointer<Packed>
        private var capacity: Int
        /// Cells packed so far.
        private(set) var count = 0
        /// Rows finished so far: 0 while the block's first row is packed.
        fileprivate(set) var rowsPacked = 0
        fileprivate var text: ByteBuffer
        fileprivate var amounts: [Decimal] = []

        fileprivate init(rows: Int) {
            capacity = max(16, rows * 16)
            cells = .allocate(capacity: capacity)
            text = ByteBuffer(capacity: rows * 256)
        }

        private mutating func add(_ cell: Packed) {
            if count == capacity {
                capacity *= 2
                let bigger = UnsafeMutablePointer<Packed>.allocate(capacity: capacity)
                bigger.moveInitialize(from: cells, count: count)
                cells.deallocate()
                cells = bigger
            }
            (cells + count).initialize(to: cell)
            count += 1
        }

        /// A text cell of `utf8`, its escaping worked out here.
        mutating func text(_ utf8: UnsafeBufferPointer<UInt8>) {
            let (plain, quoted) = CellBlock.escaping(utf8)
            text(utf8, plain: plain, quoted: quoted)
        }

        /// A text cell of `utf8`, whose `CellText.plain` and `.quoted` are known.
        mutating func text(_ utf8: UnsafeBufferPointer<UInt8>, plain: Bool, quoted: Bool) {
            let offset = text.count
            text.append(utf8)
            add(Packed(value: utf8.count, offset: offset, kind: .text, plain: plain, quoted: quoted))
        }

        mutating func text(_ string: String) { string.withUTF8Bytes { text($0) } }

        mutating func text(_ held: TextArena.Text, in arena: borrowing TextArena) {
            arena.withBytes(held) { text($0, plain: held.plain, quoted: held.quoted) }
        }

        mutating func text(_ prepared: PreparedText) {
            prepared.string.withUTF8Bytes { text($0, plain: prepared.plain, quoted: prepared.quoted) }
        }

        /// A text cell of what `write` appends (in pieces, without a string to hold them first).
        mutating func text(_ write: (inout ByteBuffer) -> Void) {
            let offset = text.count
            write(&text)
            let (plain, quoted) = text.withUnsafeBytes {
                CellBlock.escaping(UnsafeBufferPointer(rebasing: $0[offset...]))
            }
            add(Packed(value: text.count - offset, offset: offset, kind: .text, plain: plain, quoted: quoted))
        }

        mutating func integer(_ value: Int) { add(Packed(value: value, kind: .integer)) }

        mutating func date(_ day: Day) { add(Packed(value: Int(day.ordinal), kind: .date)) }

        mutating func empty() { add(Packed(value: 0, kind: .empty)) }

        mutating func append(_ cell: ReportCell) {
            switch cell {
            case .text(let value): text(value)
            case .integer(let value): integer(value)
            case .date(let day): date(day)
            case .money(let amount):
                add(Packed(value: amounts.count, kind: .money))
                amounts.append(amount)
            case .empty: empty()
            }
        }

        mutating func append(contentsOf cells: [ReportCell]) {
            for cell in cells { append(cell) }
        }

        /// Packs cell `index` of this block (`0..<count`) again.
        mutating func repeatCell(_ index: Int) {
            precondition(index >= 0 && index < count, "cell \(index) is not packed yet")
            add(cells[index])
        }
    }

    /// `CellText.plain` and `.quoted`: one pass over text with nothing to escape in either
    /// language (almost every cell), a pass for each otherwise.
    static func escaping(_ utf8: UnsafeBufferPointer<UInt8>) -> (plain: Bool, quoted: Bool) {
        let comma = UInt8(ascii: ",")
        let usual = !ByteScan.contains(
            utf8, word: { XMLText.notPlain(word: $0) | ByteScan.equal($0, comma) },
            byte: { XMLText.notPlain(byte: $0) || $0 == comma })
        if usual { return (!utf8.isEmpty, false) }
        return (!utf8.isEmpty && XMLText.isPlain(utf8), CSVEscaping.needsQuotes(utf8))
    }

    /// `escaping` of text as it came from an export, or nil when it may need
    /// `ReportText.clean` first: for a plain name, e-mail or id (almost every one), both are
    /// known after the same single pass.
    static func escapingIfClean(_ utf8: UnsafeBufferPointer<UInt8>) -> (plain: Bool, quoted: Bool)? {
        let comma = UInt8(ascii: ",")
        let usual = !ByteScan.contains(
            utf8,
            word: { XMLText.notPlain(word: $0) | ByteScan.equal($0, comma) | ReportText.mayNeedCleaning(word: $0) },
            byte: { XMLText.notPlain(byte: $0) || $0 == comma || ReportText.mayNeedCleaning(byte: $0) })
        if usual { return (!utf8.isEmpty, false) }
        return ReportText.mayNeedCleaning(utf8) ? nil : escaping(utf8)
    }

    deinit {
        starts.deallocate()
        cells.deallocate()
        amounts.deallocate()
    }

    /// Calls `body` with `cells` packed as a row (a header row, say).
    static func withRow<R>(_ cells: [ReportCell], _ body: (RowCells) -> R) -> R {
        CellBlock(rows: 0..<1) { _ in cells }.withRow(0, body)
    }

    /// Calls `body` with table row `index` (one of `rows`).
    func withRow<R>(_ index: Int, _ body: (RowCells) -> R) -> R {
        let r = index - rows.lowerBound
        precondition(r >= 0 && r < rows.count, "row \(index) is not in block \(rows)")
        return text.withUnsafeBytes { text in
            // An empty buffer may have no address; no text cell then reads it.
            body(
                RowCells(
                    count: starts[r + 1] - starts[r], cells: cells + starts[r],
                    text: text.baseAddress ?? UnsafePointer(bitPattern: 1)!, amounts: amounts))
        }
    }
}
