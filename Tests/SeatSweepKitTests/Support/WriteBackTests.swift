import Foundation
import Testing

@testable import SeatSweepKit

/// Early write-back of output files: the call is found on Linux and accepts a written range.
@Suite struct WriteBackTests {
    @Test func startsWriteBackOfAWrittenRange() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        let bytes = [UInt8](repeating: 0x61, count: 1 << 20)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        #if os(Linux)
            #expect(WriteBack.syncFileRange != nil, "dlsym found no sync_file_range in glibc")
            #expect(WriteBack.start(fd, from: 0, count: bytes.count) == 0, "errno \(errno)")
            // A descriptor that is not open is refused, so the call really reaches the kernel.
            #expect(WriteBack.start(-1, from: 0, count: 1) == -1)
        #else
            #expect(WriteBack.start(fd, from: 0, count: bytes.count) == nil)
        #endif
    }
}
