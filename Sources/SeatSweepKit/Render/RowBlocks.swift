/// Writes the data rows of a sheet (report.xlsx, report.xml); those of a large one in blocks on
/// two threads.
///
/// Each thread has its own table reader and its own fragment writer
/// (`XMLStreamWriter.fragment()`), and fills one block of rows at a time; the calling thread
/// passes each finished block to the sink in order, then gives that thread the block after next.
/// The bytes are exactly those one writer would have made, row after row.
public enum RowBlocks {
    /// Sheets of at least this many data rows are written in blocks.
    public static let minimumRows = 16_384
    /// Rows per block: a few megabytes of markup.
    public static let blockRows = 2048

    typealias Sink = (UnsafeBufferPointer<UInt8>) throws -> Void

    /// Writes rows `rows` of `table` through `row` (a writer, the row's cells, its index) after
    /// what `w` holds: in blocks of `blockRows` on two threads, or with `blockRows` nil through
    /// `w` on this thread, a few hundred rows between drains. `what` names the file in a
    /// libxml2 failure.
    static func write(
        _ w: XMLStreamWriter, _ table: ReportTable, _ rows: Range<Int>, blockRows: Int?, what: String,
        row: @escaping @Sendable (XMLStreamWriter, RowCells, Int) -> Void, sink: Sink
    ) throws {
        try w.drain(into: sink)
        guard let blockRows else {
            let reader = table.blockReader()
            for index in rows {
                reader.withRow(index) { row(w, $0, index) }
                if (index - rows.lowerBound) % 256 == 255 { try w.drain(into: sink) }
            }
            return
        }
        /// One thread's reader and writer; a block is given to a lane only after the lane's
        /// previous block has been drained.
        final class Lane: @unchecked Sendable {
            // @unchecked: the lane's worker uses the writer and reader while it runs a block,
            // and the calling thread only after waiting for that block.
            let writer: XMLStreamWriter
            let reader: BlockReader
            let worker = Worker()

            init(_ table: ReportTable) throws(SeatSweepError) {
                writer = try XMLStreamWriter.fragment()
                reader = table.blockReader()
            }
        }
        let lanes = [try Lane(table), try Lane(table)]
        // On a failed write, the blocks under way finish before their lanes go.
        defer {
            for lane in lanes {
                lane.worker.wait()
                lane.worker.close()
            }
        }
        let size = max(1, blockRows)
        // Blocks start at multiples of the size (the first may be shorter), as the table's
        // `CellBlock`s do when the size is the same: a lane then reads each of those whole.
        let blocks = stride(from: rows.lowerBound / size * size, to: rows.upperBound, by: size).map {
            max($0, rows.lowerBound)..<min($0 + size, rows.upperBound)
        }
        func start(_ k: Int) {
            let (lane, block) = (lanes[k % lanes.count], blocks[k])
            lane.worker.start {
                for index in block { lane.reader.withRow(index) { row(lane.writer, $0, index) } }
            }
        }
        for k in blocks.indices.prefix(lanes.count) { start(k) }
        for k in blocks.indices {
            let lane = lanes[k % lanes.count]
            lane.worker.wait()
            try lane.writer.drain(into: sink)
            if k + lanes.count < blocks.count { start(k + lanes.count) }
        }
        for lane in lanes { try lane.writer.finish(what) }
    }
}
