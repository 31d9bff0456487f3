import Foundation
import Testing

@testable import SeatSweepKit

/// A table shared among the renderers that read it at the same time makes each row once, gives
/// every reader the same rows as an unshared table, holds at most `RowSource.window` blocks,
/// and stops making anyone wait once sharing is abandoned.
@Suite struct RowSourceTests {
    /// Counts the rows a table made, from any thread.
    typealias Counter = RowSource.Tally

    /// More blocks than the window, the last one short.
    static let rowCount = (RowSource.window + 8) * RowSource.blockRows + 5

    /// A table whose cells say which row they are (text that needs escaping included).
    static func table(made: Counter) -> ReportTable {
        ReportTable(
            name: "T", columns: ["a", "b", "c", "d"].map { ReportColumn($0, width: 1) }, count: rowCount
        ) { i in
            made.add()
            return [
                .text("row \(i)"), .integer(i), i % 3 == 0 ? .empty : .date(Day(ordinal: Int32(i))),
                .text(i % 5 == 0 ? "a<b & \"c\"" : i % 7 == 0 ? "x, y" : ""),
            ]
        }
    }

    /// Row `i` through `reader`, as text.
    static func describe(_ reader: BlockReader, _ i: Int) -> String {
        reader.withRow(i) { cells in
            (0..<cells.count).map { k in
                switch cells[k] {
                case .text(let text): "\(String(decoding: text.utf8, as: UTF8.self))/\(text.plain)/\(text.quoted)"
                case .integer(let n): "\(n)"
                case .date(let day): day.iso
                case .money(let amount): "\(amount)"
                case .empty: "-"
                }
            }.joined(separator: "|")
        }
    }

    /// What every reader must see: the rows of an unshared table, read in order.
    static func expected() -> [String] {
        let reader = table(made: Counter()).blockReader()
        return (0..<rowCount).map { describe(reader, $0) }
    }

    @Test func sharedRowsAreMadeOnceAndReadAlikeByEveryReader() {
        let made = Counter()
        let table = Self.table(made: made).shared(among: 3)
        let rows = Self.rowCount
        // Reader 1 in order; reader 2 on two threads taking turns by 1000 rows (blocks split
        // between them); reader 3 in order but slowly, watching how many blocks are held.
        let first = ForkJoinSlot<[String]>()
        let (even, odd) = (ForkJoinSlot<[Int: String]>(), ForkJoinSlot<[Int: String]>())
        let third = ForkJoinSlot<([String], Int)>()
        let turns: @Sendable (Int) -> [Int: String] = { parity in
            let reader = table.blockReader()
            var out: [Int: String] = [:]
            for start in stride(from: parity * 1000, to: rows, by: 2000) {
                for i in start..<min(start + 1000, rows) { out[i] = Self.describe(reader, i) }
            }
            return out
        }
        ForkJoin.run([
            {
                let reader = table.blockReader()
                first.value = (0..<rows).map { Self.describe(reader, $0) }
            },
            { even.value = turns(0) },
            { odd.value = turns(1) },
            {
                let reader = table.blockReader()
                var held = 0
                var out: [String] = []
                for i in 0..<rows {
                    if i % 512 == 0 {
                        held = max(held, table.sharedBlocksHeld)
                        usleep(200)
                    }
                    out.append(Self.describe(reader, i))
                }
                third.value = (out, held)
            },
        ])
        let expected = Self.expected()
        #expect(first.value == expected)
        let second = (even.value ?? [:]).merging(odd.value ?? [:]) { a, _ in a }
        #expect((0..<rows).map { second[$0] ?? "missing" } == expected)
        #expect(third.value?.0 == expected)
        #expect(made.value == rows, "each row made once")
        let held = third.value?.1 ?? .max
        #expect(held > 0 && held <= RowSource.window)
        #expect(table.sharedBlocksHeld == 0, "every block goes once all have read it")
    }

    /// What a block works out once for the renderers is what each would have worked out.
    @Test func packedTextKnowsItsEscaping() {
        let texts = [
            "", "plain", "a,b", "x\"y", "<b>", "a & b", "line\nbreak", "cr\r", "tab\there", "\u{FFFE}", "Zoë, 李",
            "=1+1", "long text without anything special in it at all", "long text, with a comma far along it",
            "sixteen bytes and then <b>", "a long enough text, then a \u{7} bell", "thirty-two bytes of plain text!!,",
        ]
        let block = CellBlock(rows: 0..<1) { _ in texts.map { .text($0) } }
        block.withRow(0) { cells in
            #expect(cells.count == texts.count)
            for (k, text) in texts.enumerated() {
                guard case .text(let packed) = cells[k] else {
                    Issue.record("cell \(k) is not text")
                    continue
                }
                #expect(Array(packed.utf8) == Array(text.utf8))
                #expect(packed.plain == (!text.isEmpty && XMLText.isPlain(text)), "\(text)")
                #expect(packed.quoted == text.withUTF8Bytes(CSVEscaping.needsQuotes), "\(text)")
            }
        }
    }

    /// Text from an export is packed as it is when it needs no cleaning, with the escaping one
    /// pass found (the same as `escaping`'s), and is cleaned first otherwise.
    @Test func exportTextIsScannedOnceForCleaningAndEscaping() {
        let texts = [
            "", "plain", "a,b", "x\"y", "<b>", "a & b", "line\nbreak", "tab\there", "Zoë, Ana", "李", "del\u{7F}",
            "Mallory \u{202E}gnp.exe", "nbsp\u{A0}", "\u{FFFE}", "a long plain name, then a comma",
            "sixteen bytes ok then <b>", "thirty-two bytes of plain text!!", "thirty-two bytes of plain text!!\u{2028}",
        ]
        for text in texts {
            let found = text.withUTF8Bytes(CellBlock.escapingIfClean)
            if text.withUTF8Bytes(ReportText.mayNeedCleaning) {
                #expect(found == nil, "\(text)")
            } else {
                let expected = text.withUTF8Bytes(CellBlock.escaping)
                #expect(found?.plain == expected.plain && found?.quoted == expected.quoted, "\(text)")
            }
        }
    }

    /// Texts an arena holds read back as added, with their escaping, until it is emptied.
    @Test func anArenaHoldsItsTexts() {
        var arena = TextArena()
        let texts = ["jira", "", "a, b", "<&>", String(repeating: "long reason ", count: 3000)]
        let held = texts.map { arena.add($0) }
        for (text, held) in zip(texts, held) {
            #expect(arena.withBytes(held) { Array($0) } == Array(text.utf8))
            let expected = text.withUTF8Bytes(CellBlock.escaping)
            #expect(held.plain == expected.plain && held.quoted == expected.quoted, "\(text)")
        }
        #expect(arena.size == texts.reduce(0) { $0 + $1.utf8.count })
        arena.removeAll()
        #expect(arena.size == 0)
    }

    /// A cell packed again by its index reads as the first: the same bytes, escaping and value.
    @Test func repeatedCellsReadAsTheirOriginals() {
        let cells: [ReportCell] = [.text("a, <b>"), .integer(7), .empty, .text("plain"), .date(Day(ordinal: 9))]
        let block = CellBlock(rows: 0..<2) { row, packer in
            if row == 0 {
                for cell in cells { packer.append(cell) }
            } else {
                packer.text("new")
                for k in cells.indices.reversed() { packer.repeatCell(k) }
            }
        }
        let first = block.withRow(0, ReportFixtures.cellTexts)
        let second = block.withRow(1, ReportFixtures.cellTexts)
        #expect(second == ["new"] + first.reversed())
        #expect(block.withRow(1, \.reportCells) == [.text("new")] + cells.reversed())
        let flags = block.withRow(1) { row -> (plain: Bool, quoted: Bool)? in
            guard case .text(let text) = row[5] else { return nil }
            return (text.plain, text.quoted)
        }
        #expect(flags?.plain == false && flags?.quoted == true)
    }

    @Test func aReaderTooFarAheadWaitsUntilSharingIsAbandoned() throws {
        let made = Counter()
        let table = Self.table(made: made).shared(among: 2)
        let out = ForkJoinSlot<[String]>()
        let reading = BackgroundTask {
            let reader = table.blockReader()
            out.value = (0..<Self.rowCount).map { Self.describe(reader, $0) }
        }
        // The other reader never comes: the first makes the window's blocks, then waits.
        var waited = 0
        while made.value < RowSource.window * RowSource.blockRows, waited < 100 {
            usleep(10_000)
            waited += 1
        }
        usleep(100_000)
        #expect(made.value == RowSource.window * RowSource.blockRows)
        table.abandonSharing()
        // Woken by abandoning, not by running out of patience (which abandons too).
        let ranOut = RowSource.patienceRanOut.value
        reading.wait()
        #expect(RowSource.patienceRanOut.value == ranOut)
        #expect(out.value == Self.expected())
        #expect(made.value == Self.rowCount)
    }
}

/// The reports rendered together over shared rows are the reports rendered one by one, and a
/// report that fails does not keep the others waiting.
@Suite struct RenderTogetherTests {
    typealias Render = @Sendable (ReportDocument) -> Result<[UInt8], SeatSweepError>

    static func rendering(_ body: @escaping @Sendable (ReportDocument, ([UInt8]) -> Void) throws -> Void) -> Render {
        { document in
            var bytes: [UInt8] = []
            do {
                try body(document) { bytes += $0 }
                return .success(bytes)
            } catch {
                return .failure(SeatSweepError("\(error)"))
            }
        }
    }

    static let csv = rendering { d, out in UsersCSVRenderer.render(d) { out(Array($0)) } }
    static let xml = rendering { d, out in try SpreadsheetML2003Renderer.render(d) { out(Array($0)) } }
    static let xlsx = rendering { d, out in try XLSXRenderer.render(d) { out(Array($0)) } }

    /// More seats than the blocks a renderer may get ahead of the slowest.
    static func document() throws -> ReportDocument {
        let rows = RowSource.window * RowSource.blockRows + 1500
        let document = ReportDocument(try TestSupport.audit([("big.csv", ParallelIngestTests.rows(rows))]))
        #expect(document.seats.count == rows)
        return document
    }

    @Test func togetherIsTheSameAsOneByOne() throws {
        let document = try Self.document()
        let alone = [Self.csv, Self.xml, Self.xlsx].map { try? $0(document).get() }
        let together = document.renderTogether(seatsReaders: 3, otherReaders: 2, [Self.csv, Self.xml, Self.xlsx])
        for (k, name) in ["users.csv", "report.xml", "report.xlsx"].enumerated() {
            #expect(alone[k] != nil && (try? together[k].get()) == alone[k], "\(name)")
        }
    }

    @Test func aReportThatFailsDoesNotKeepTheOthersWaiting() throws {
        let document = try Self.document()
        let failing: Render = { _ in .failure(SeatSweepError("cannot create report.xlsx")) }
        let ranOut = RowSource.patienceRanOut.value
        let together = document.renderTogether(seatsReaders: 3, otherReaders: 2, [Self.csv, failing, Self.xml])
        #expect(RowSource.patienceRanOut.value == ranOut, "woken by the failure, not by running out of patience")
        #expect((try? together[0].get()) == (try? Self.csv(document).get()))
        #expect((try? together[2].get()) == (try? Self.xml(document).get()))
        if case .success = together[1] { Issue.record("the failing report succeeded") }
    }
}
