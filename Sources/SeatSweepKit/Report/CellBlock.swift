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
    private var cells: UnsafeMutablePointer<Packed>
    private let text: ByteBuffer
    private let amounts: UnsafeMutablePointer<Decimal>

    /// Packs rows `rows` as `read` gives them.
    init(rows: Range<Int>, read: (Int) -> [ReportCell]) {
        self.rows = rows
        starts = .allocate(capacity: rows.count + 1)
        var capacity = max(16, rows.count * 16)
        cells = .allocate(capacity: capacity)
        var count = 0
        var text = ByteBuffer(capacity: rows.count * 256)
        var amounts: [Decimal] = []
        for (r, index) in rows.enumerated() {
            starts[r] = count
            let row = read(index)
            if count + row.count > capacity {
                capacity = max(capacity * 2, count + row.count)
                let bigger = UnsafeMutablePointer<Packed>.allocate(capacity: capacity)
                bigger.moveInitialize(from: cells, count: count)
                cells.deallocate()
                cells = bigger
            }
            for cell in row {
                let packed: Packed
                switch cell {
                case .text(let value):
                    packed = value.withUTF8Bytes { bytes in
                        let (plain, quoted) = Self.escaping(bytes)
                        defer { text.append(bytes) }
                        return Packed(value: bytes.count, offset: text.count, kind: .text, plain: plain, quoted: quoted)
                    }
                case .integer(let value): packed = Packed(value: value, kind: .integer)
                case .date(let day): packed = Packed(value: Int(day.ordinal), kind: .date)
                case .money(let amount):
                    packed = Packed(value: amounts.count, kind: .money)
                    amounts.append(amount)
                case .empty: packed = Packed(value: 0, kind: .empty)
                }
                (cells + count).initialize(to: packed)
                count += 1
            }
        }
        starts[rows.count] = count
        self.amounts = .allocate(capacity: max(1, amounts.count))
        self.amounts.initialize(from: amounts, count: amounts.count)
        self.text = text
    }

    /// `CellText.plain` and `.quoted`: one pass over text with nothing to escape in either
    /// language (almost every cell), a pass for each otherwise.
    private static func escaping(_ utf8: UnsafeBufferPointer<UInt8>) -> (plain: Bool, quoted: Bool) {
        let comma = UInt8(ascii: ",")
        let usual = !ByteScan.contains(
            utf8, word: { XMLText.notPlain(word: $0) | ByteScan.equal($0, comma) },
            byte: { XMLText.notPlain(byte: $0) || $0 == comma })
        if usual { return (!utf8.isEmpty, false) }
        return (!utf8.isEmpty && XMLText.isPlain(utf8), CSVEscaping.needsQuotes(utf8))
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
