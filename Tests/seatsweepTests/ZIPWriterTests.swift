import Foundation
import Testing
import ZIPFoundation

@testable import SeatSweepKit

/// The workbook's ZIP writer, read back by two readers nobody here wrote: ZIPFoundation (which
/// checks every CRC-32 as it extracts) and Python's `zipfile` (strict about ZIP64 extra fields).
/// Each test also runs with ZIP64 records forced on, since real ones need 4 GiB of data.
@Suite struct ZIPWriterTests {
    /// 2026-11-18T11:06:40Z.
    static let modified = Timestamp(seconds: 1_795_000_000)

    /// An empty file, a tiny one, and 3 MB mixing repetitive XML with noise, handed over in
    /// pieces of 10,000 bytes.
    static func files() -> [(String, [UInt8])] {
        var state: UInt64 = 42
        var big: [UInt8] = []
        while big.count < 3_000_000 {
            big += Array("<row r=\"\(big.count)\"><c t=\"inlineStr\"><is><t>".utf8)
            for _ in 0..<20 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                big.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            big += Array("</t></is></c></row>\n".utf8)
        }
        return [("empty.txt", []), ("xl/workbook.xml", Array("<workbook/>".utf8)), ("xl/worksheets/sheet1.xml", big)]
    }

    static func archive(zip64Limit: UInt64?) throws -> [UInt8] {
        var zip = ZIPWriter(modified: modified)
        if let zip64Limit { zip.zip64Limit = zip64Limit }
        var out: [UInt8] = []
        let spool = MemorySpool()
        for (path, bytes) in files() {
            try zip.add(path, spool: spool, sink: { out += $0 }) { write in
                var rest = bytes[...]
                while !rest.isEmpty {
                    try rest.prefix(10_000).withUnsafeBufferPointer(write)
                    rest = rest.dropFirst(10_000)
                }
            }
        }
        try zip.finish { out += $0 }
        return out
    }

    @Test(arguments: [nil, 0] as [UInt64?])
    func zipFoundationReadsEveryEntry(zip64Limit: UInt64?) throws {
        let archive = try Archive(data: Data(try Self.archive(zip64Limit: zip64Limit)), accessMode: .read)
        let expected = Self.files()
        #expect(Array(archive).map(\.path) == expected.map(\.0))
        for (path, bytes) in expected {
            let entry = try #require(archive[path])
            var read: [UInt8] = []
            _ = try archive.extract(entry) { read += $0 }
            #expect(read == bytes, "\(path)")
            if bytes.count > 1_000_000 { #expect(entry.compressedSize < UInt64(bytes.count) * 3 / 4) }
        }
    }

    @Test(arguments: [nil, 0] as [UInt64?])
    func pythonZipfileReadsEveryEntry(zip64Limit: UInt64?) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("test.zip")
        try Data(try Self.archive(zip64Limit: zip64Limit)).write(to: path)
        let script = """
            import hashlib, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for info in z.infolist():
                data = z.read(info)
                print(info.filename, hashlib.sha256(data).hexdigest(), "%04d-%02d-%02dT%02d:%02d:%02d" % info.date_time,
                      info.compress_type, oct(info.external_attr >> 16))
            """
        let python = try #require(Readers.which("python3"), "python3 is needed: apt-get install python3")
        let run = try Readers.run(python, ["-c", script, path.path])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = Self.files().map { path, bytes in
            "\(path) \(Ingestor.sha256Hex(Data(bytes))) "
                + "2026-11-18T11:06:40 8 0o100600"
        }
        #expect(run.stdout.split(separator: "\n").map(String.init) == expected)
    }

    struct Stop: Error {}

    /// A spool that fails once it holds more than `limit` bytes, like a full disk.
    final class FullSpool: XLSXSpool {
        let inner = MemorySpool()
        let limit: Int64
        init(limit: Int64) { self.limit = limit }
        func reset() throws { inner.reset() }
        func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            guard inner.size + Int64(bytes.count) <= limit else { throw Stop() }
            inner.append(bytes)
        }
        var size: Int64 { inner.size }
        func read(at offset: Int64, count: Int) throws -> [UInt8] { inner.read(at: offset, count: count) }
    }

    /// The CRC-32 ZIP wants (ISO 3309, zlib's `crc32`): the standard check value, also when the
    /// bytes come in two pieces.
    @Test func crcIsTheZipOne() {
        let bytes = Array("123456789".utf8)
        let whole = bytes.withUnsafeBufferPointer { Deflater.crc32(0, $0) }
        let first = bytes[..<4].withUnsafeBufferPointer { Deflater.crc32(0, $0) }
        let pieces = bytes[4...].withUnsafeBufferPointer { Deflater.crc32(first, $0) }
        #expect(whole == 0xCBF4_3926)
        #expect(pieces == 0xCBF4_3926)
    }

    /// Compression runs on its own thread: a failure on either side ends the entry with that
    /// error (and nothing hangs).
    @Test func failuresOnEitherSideEndTheEntry() throws {
        var zip = ZIPWriter(modified: Self.modified)
        var out: [UInt8] = []
        let big = Self.files()[2].1
        #expect(throws: Stop.self) {
            try zip.add("a.xml", spool: MemorySpool(), sink: { out += $0 }) { write in
                try big[0..<100_000].withUnsafeBufferPointer(write)
                throw Stop()
            }
        }
        #expect(throws: Stop.self) {
            try zip.add("b.xml", spool: FullSpool(limit: 50_000), sink: { out += $0 }) { write in
                var rest = big[...]
                while !rest.isEmpty {
                    try rest.prefix(10_000).withUnsafeBufferPointer(write)
                    rest = rest.dropFirst(10_000)
                }
            }
        }
        #expect(out.isEmpty)
    }
}
