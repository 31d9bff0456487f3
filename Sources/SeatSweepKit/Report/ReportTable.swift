import Foundation

/// One typed value in a report table. Spreadsheets write each kind as its own cell type (text
/// stays text, never a formula; dates are real dates; counts and money are numbers); HTML and
/// CSV format them as text.
public enum ReportCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case date(Day)
    /// An amount in the document's currency, exact.
    case money(Decimal)
    case empty

    /// Whether this is `.empty` (a pattern match: `!= .empty` would compare `Decimal`s).
    public var isEmpty: Bool {
        if case .empty = self { true } else { false }
    }
}

/// A column of a report table: its header text and a width in characters for spreadsheets.
public struct ReportColumn: Sendable, Equatable {
    public var title: String
    public var width: Int

    public init(_ title: String, width: Int) {
        self.title = title
        self.width = width
    }
}

/// A table every renderer shows the same way: a header row of `columns`, then `count` rows made
/// on demand, so a million-seat table is never held in memory. Rows are read in order through a
/// `reader()` for one thread, which may keep what consecutive rows share; the spreadsheets and
/// users.csv read them packed, a block at a time, through `blockReader()`.
public struct ReportTable: Sendable {
    /// The sheet name (`Candidates`); continuation sheets add ` 2`, ` 3`, ...
    public var name: String
    public var columns: [ReportColumn]
    /// Data rows, not counting the header.
    public var count: Int
    /// Data rows shown bold (section headings inside the Summary sheet).
    public var boldRows: Set<Int>
    /// Whether spreadsheets put an autofilter on the header row.
    public var autoFilter: Bool
    private let makeReader: @Sendable () -> (Int) -> [ReportCell]
    /// Makes a function that packs a row into a block, for one thread.
    private let makePacker: @Sendable () -> RowSource.Pack
    /// Where `blockReader()` reads: rows made for one reader, or shared (`shared(among:)`).
    private var source: RowSource

    public init(
        name: String, columns: [ReportColumn], count: Int, boldRows: Set<Int> = [], autoFilter: Bool = true,
        row: @escaping @Sendable (Int) -> [ReportCell]
    ) {
        self.init(
            name: name, columns: columns, count: count, boldRows: boldRows, autoFilter: autoFilter, reader: { row })
    }

    /// A table whose rows come from a reader made for each pass over it (`reader()`), so the
    /// reader may remember what the previous row shared with the next.
    public init(
        name: String, columns: [ReportColumn], count: Int, boldRows: Set<Int> = [], autoFilter: Bool = true,
        reader: @escaping @Sendable () -> (Int) -> [ReportCell]
    ) {
        self.init(
            name: name, columns: columns, count: count, boldRows: boldRows, autoFilter: autoFilter,
            makeReader: reader,
            makePacker: {
                let read = reader()
                return { index, packer in packer.append(contentsOf: read(index)) }
            })
    }

    /// A table whose rows are packed straight into the blocks renderers read (`CellBlock.Packer`),
    /// by a packer made for each pass; `row` and `reader()` unpack them.
    init(name: String, columns: [ReportColumn], count: Int, packer: @escaping @Sendable () -> RowSource.Pack) {
        self.init(
            name: name, columns: columns, count: count, boldRows: [], autoFilter: true,
            makeReader: {
                let pack = packer()
                return { index in CellBlock(rows: index..<index + 1, pack: pack).withRow(index, \.reportCells) }
            }, makePacker: packer)
    }

    private init(
        name: String, columns: [ReportColumn], count: Int, boldRows: Set<Int>, autoFilter: Bool,
        makeReader: @escaping @Sendable () -> (Int) -> [ReportCell],
        makePacker: @escaping @Sendable () -> RowSource.Pack
    ) {
        self.name = name
        self.columns = columns
        self.count = count
        self.boldRows = boldRows
        self.autoFilter = autoFilter
        self.makeReader = makeReader
        self.makePacker = makePacker
        self.source = RowSource(count: count, readers: 1, makePacker: makePacker)
    }

    /// A table over rows already built.
    public init(name: String, columns: [ReportColumn], rows: [[ReportCell]], boldRows: Set<Int> = [], autoFilter: Bool)
    {
        self.init(
            name: name, columns: columns, count: rows.count, boldRows: boldRows, autoFilter: autoFilter,
            row: { rows[$0] })
    }

    /// Data row `index` (0-based, header excluded), one cell per column.
    public func row(_ index: Int) -> [ReportCell] { makeReader()(index) }

    /// A function giving data rows like `row`, for one thread; fastest when the rows are asked
    /// for in order (every renderer does).
    public func reader() -> (Int) -> [ReportCell] { makeReader() }

    /// A reader of packed rows (`CellBlock`) for one thread, which the spreadsheet and CSV
    /// renderers use: with a shared table, rows another renderer made are read, not made again.
    func blockReader() -> BlockReader { BlockReader(source) }

    /// This table with its rows made once for `readers` renderers that read all of them at the
    /// same time through `blockReader()` (see `RowSource`: each must read every row, or call
    /// `abandonSharing()`).
    func shared(among readers: Int) -> ReportTable {
        var table = self
        table.source = RowSource(count: count, readers: readers, makePacker: makePacker)
        return table
    }

    /// Stops sharing rows: a renderer of a shared table failed and will read no further.
    func abandonSharing() { source.abandon() }

    /// Blocks of shared rows held now.
    var sharedBlocksHeld: Int { source.heldBlocks }

    /// Whether data row `index` is bold (only the Summary sheet has such rows: no hashing for
    /// the million-row tables).
    public func isBold(_ index: Int) -> Bool { !boldRows.isEmpty && boldRows.contains(index) }

    /// The header texts.
    public var header: [String] { columns.map(\.title) }

    /// Excel's row limit per sheet, header included.
    public static let excelMaxRows = 1_048_576

    /// How the table splits into sheets of at most `maxRows` rows each, header included in every
    /// sheet: `Seats` holds the first `maxRows - 1` data rows, `Seats 2` the next, and so on. An
    /// empty table is one sheet with only its header.
    public func sheets(maxRows: Int = ReportTable.excelMaxRows) -> [ReportSheet] {
        let perSheet = max(1, maxRows - 1)
        var out: [ReportSheet] = []
        var start = 0
        repeat {
            let end = min(count, start + perSheet)
            out.append(ReportSheet(name: out.isEmpty ? name : "\(name) \(out.count + 1)", rows: start..<end))
            start = end
        } while start < count
        return out
    }
}

/// One sheet of a table: its name and which data rows it holds.
public struct ReportSheet: Sendable, Equatable {
    public var name: String
    public var rows: Range<Int>
}
