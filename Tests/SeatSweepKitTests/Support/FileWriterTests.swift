import Foundation
import Testing

@testable import SeatSweepKit

/// Output files written past the page cache: every byte arrives, in order, whether the writes
/// go direct, are refused part-way or are buffered from the start, and the file ends exactly
/// after the last byte.
@Suite struct FileWriterTests {
    /// Chunks of awkward sizes: smaller than a block, straddling the buffer, larger than it,
    /// and a tail that is not a whole block.
    static func chunks() -> [[UInt8]] {
        var generator = SplitMix64(seed: 17)
        // Random bytes, repeated: the pool's odd length keeps a repeat off the block grid.
        let pool = (0..<65_537).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 29) }
        var position = 0
        let sizes = [1, 4095, 4097, FileWriter.bufferSize - 3, 10, FileWriter.bufferSize * 2 + 5, 0, 777]
        return sizes.map { size in
            var chunk: [UInt8] = []
            chunk.reserveCapacity(size)
            while chunk.count < size {
                let n = min(size - chunk.count, pool.count - position)
                chunk += pool[position..<(position + n)]
                position = (position + n) % pool.count
            }
            return chunk
        }
    }

    /// What the file must hold: `lead` then every chunk.
    static func expected(_ chunks: [[UInt8]], lead: [UInt8] = []) -> Data {
        Data(chunks.reduce(into: lead) { $0 += $1 })
    }

    /// Writes `chunks` through a `FileWriter`; whether it started direct, and how many bytes
    /// went direct.
    func write(_ chunks: [[UInt8]], to path: String, direct: Bool = true, skip: Int = 0) throws -> (
        started: Bool, writtenDirect: Int
    ) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0, "cannot create \(path): errno \(errno)")
        defer { close(fd) }
        // Bytes written before the writer takes over put the file offset off the block grid.
        let lead = [UInt8](repeating: 0x2D, count: skip)
        #expect(lead.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, skip) } == skip)
        let writer = FileWriter(fd: fd, direct: direct)
        let startedDirect = writer.isDirect
        for chunk in chunks { try chunk.withUnsafeBytes { try writer.append($0) } }
        try writer.finish()
        #expect(writer.written == chunks.map(\.count).reduce(0, +))
        return (startedDirect, writer.writtenDirect)
    }

    /// Whether this system writes direct (Linux, where `O_DIRECT` is known).
    static let direct = FileWriter.directFlag != nil
    static let refusedHint: Comment =
        "the temporary directory's file system refused O_DIRECT: run the tests with TMPDIR on a disk file system (ext4, xfs)"

    func scratch(in directory: String) -> String {
        (directory as NSString).appendingPathComponent("filewriter-\(UUID().uuidString)")
    }

    @Test func writesEveryByteInOrder() throws {
        let path = scratch(in: FileManager.default.temporaryDirectory.path)
        defer { unlink(path) }
        let chunks = Self.chunks()
        let result = try write(chunks, to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.expected(chunks))
        // Every whole block went direct; only the tail went through the page cache.
        let total = chunks.map(\.count).reduce(0, +)
        #expect(result.started == Self.direct, Self.refusedHint)
        #expect(result.writtenDirect == (Self.direct ? total / FileWriter.alignment * FileWriter.alignment : 0))
    }

    @Test func givesUpDirectWritesARefusedWriteAndLosesNothing() throws {
        let path = scratch(in: FileManager.default.temporaryDirectory.path)
        defer { unlink(path) }
        let chunks = Self.chunks()
        // The file offset is 100 bytes off the block grid, so a direct write is refused (EINVAL)
        // at the first whole buffer: everything then goes through the page cache.
        let result = try write(chunks, to: path, skip: 100)
        #expect(result.started == Self.direct, Self.refusedHint)
        #expect(result.writtenDirect == 0)
        let expected = Self.expected(chunks, lead: [UInt8](repeating: 0x2D, count: 100))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
    }

    @Test func writesBufferedWhenAsked() throws {
        let path = scratch(in: FileManager.default.temporaryDirectory.path)
        defer { unlink(path) }
        let chunks = Self.chunks()
        #expect(try write(chunks, to: path, direct: false) == (false, 0))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.expected(chunks))
    }

    /// A write that fails on the writer's thread reaches the caller: at a later append or at
    /// `finish`, with its errno.
    @Test(arguments: [true, false]) func reportsAFailedWrite(direct: Bool) throws {
        let path = scratch(in: FileManager.default.temporaryDirectory.path)
        defer { unlink(path) }
        close(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600))
        let fd = open(path, O_RDONLY)  // every write fails with EBADF
        try #require(fd >= 0)
        defer { close(fd) }
        let writer = FileWriter(fd: fd, direct: direct)
        let error = #expect(throws: StagedWriteError.self) {
            for chunk in Self.chunks() { try chunk.withUnsafeBytes { try writer.append($0) } }
            try writer.finish()
        }
        #expect(error?.code == EBADF)
        #expect(writer.written == 0)
    }

    /// A writer given up on stops without writing what it still holds.
    @Test func abandonedWriterWritesNoMore() throws {
        let path = scratch(in: FileManager.default.temporaryDirectory.path)
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let writer = FileWriter(fd: fd)
        let bytes = [UInt8](repeating: 7, count: FileWriter.bufferSize + 100)
        try bytes.withUnsafeBytes { try writer.append($0) }
        writer.abandon()
        // The whole buffer handed to the writer's thread was written; the 100 bytes after it were not.
        #expect(writer.written == FileWriter.bufferSize)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == FileWriter.bufferSize)
    }
}
