import Foundation

/// A cell as the xlsx, XML Spreadsheet 2003 and CSV renderers read it from a `CellBlock`: text
/// is UTF-8 held by the block, so reading a row copies no string and counts no reference.
enum CellView {
    /// `plain`: the text is not empty and the same escaped for XML as it is (`XMLText.isPlain`).
    case text(UnsafeBufferPointer<UInt8>, plain: Bool)
    case integer(Int)
    case date(Day)
    case money(Decimal)
    case empty

    var isEmpty: Bool {
        if case .empty = self { true } else { false }
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
        case .text: return .text(UnsafeBufferPointer(start: text + cell.offset, count: cell.value), plain: cell.plain)
        case .integer: return .integer(cell.value)
        case .date: return .date(Day(ordinal: Int32(truncatingIfNeeded: cell.value)))
        case .money: return .money(amounts[cell.value])
        case .empty: return .empty
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
        var offset: Int
        var kind: Kind
        var plain: Bool
    }

    /// The table rows held.
    let rows: Range<Int>
    /// Where each row's cells start in `cells`, with the end after the last.
    private let starts: UnsafeMutablePointer<Int>
    private let cells: UnsafeMutablePointer<Packed>
    private let text: ByteBuffer
    private let amounts: UnsafeMutablePointer<Decimal>

    /// Packs rows `rows` as `read` gives them.
    init(rows: Range<Int>, read: (Int) -> [ReportCell]) {
        self.rows = rows
        starts = .allocate(capacity: rows.count + 1)
        var packed: [Packed] = []
        var text = ByteBuffer(capacity: 1 << 16)
        var amounts: [Decimal] = []
        for (r, index) in rows.enumerated() {
            starts[r] = packed.count
            for cell in read(index) {
                switch cell {
                case .text(let value):
                    value.withUTF8Bytes { bytes in
                        packed.append(
                            Packed(
                                value: bytes.count, offset: text.count, kind: .text,
                                plain: !bytes.isEmpty && XMLText.isPlain(bytes)))
                        text.append(bytes)
                    }
                case .integer(let value): packed.append(Packed(value: value, offset: 0, kind: .integer, plain: false))
                case .date(let day):
                    packed.append(Packed(value: Int(day.ordinal), offset: 0, kind: .date, plain: false))
                case .money(let amount):
                    packed.append(Packed(value: amounts.count, offset: 0, kind: .money, plain: false))
                    amounts.append(amount)
                case .empty: packed.append(Packed(value: 0, offset: 0, kind: .empty, plain: false))
                }
            }
        }
        starts[rows.count] = packed.count
        cells = .allocate(capacity: max(1, packed.count))
        cells.initialize(from: packed, count: packed.count)
        self.amounts = .allocate(capacity: max(1, amounts.count))
        self.amounts.initialize(from: amounts, count: amounts.count)
        self.text = text
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
