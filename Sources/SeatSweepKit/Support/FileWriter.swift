import Foundation

/// Writes a new output file from start to end, past the page cache where the file system allows
/// it (Linux `O_DIRECT`), else through it with early write-back (`WriteBack`).
///
/// Reports run to gigabytes and are flushed with fsync before they are renamed into place, and
/// this process never reads them back, so the page cache only costs: copying a 1M-account run's
/// 3.4 GB into it took 23% of the run's CPU time (`copy_folio_from_iter_atomic`, at under 1 GB/s
/// on fresh pages of a virtual machine), where the disk takes the same bytes straight from a
/// reused buffer. Bytes are gathered in an aligned buffer and written a whole buffer at a time;
/// the tail past the last whole block is written without `O_DIRECT`, so the file ends exactly
/// where its bytes do. A file system that refuses direct writes (tmpfs before Linux 6.6, for
/// one) gets the buffered path, at open or at the first write it refuses.
public final class FileWriter {
    /// Alignment of the buffer, of each direct write's length and of its file offset: a
    /// multiple of every logical block size in use (512 or 4096).
    static let alignment = 4096
    /// Bytes gathered before a direct write.
    static let bufferSize = 4 << 20
    /// Bytes written through the page cache between two early write-back requests.
    static let writeBackStep = 1 << 26

    private let fd: Int32
    /// Whether writes go past the page cache.
    public private(set) var isDirect: Bool
    private var buffer: UnsafeMutableRawPointer?
    private var filled = 0
    /// Bytes handed to the kernel so far, and how many of them went direct.
    public private(set) var written = 0
    public private(set) var writtenDirect = 0
    private var flushed = 0

    /// Takes over writing `fd`, a file opened for writing at offset 0; the caller still closes it.
    public init(fd: Int32, direct: Bool = true) {
        self.fd = fd
        isDirect = false
        guard direct, let flag = Self.directFlag else { return }
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, Self.alignment, Self.bufferSize) == 0, let memory else { return }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | flag) == 0 else {
            free(memory)
            return
        }
        buffer = memory
        isDirect = true
    }

    deinit { free(buffer) }

    /// Linux's `O_DIRECT`, which Swift's Glibc module leaves out (a GNU extension); its value
    /// depends on the architecture. Nil where it is not known: those systems write buffered.
    static let directFlag: Int32? = {
        #if os(Linux) && (arch(x86_64) || arch(i386))
            return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
            return 0o200000
        #else
            return nil
        #endif
    }()

    /// Appends `bytes`; throws the errno of a failed write.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(StagedWriteError) {
        var offset = 0
        while offset < bytes.count {
            // Once direct writing is given up, nothing is gathered any more.
            guard isDirect, let buffer else {
                return try writeBuffered(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            }
            let n = min(bytes.count - offset, Self.bufferSize - filled)
            (buffer + filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            filled += n
            offset += n
            if filled == Self.bufferSize { try drain(upTo: filled) }
        }
    }

    /// Writes what is still gathered. The file then holds every byte appended.
    public func finish() throws(StagedWriteError) {
        guard isDirect else { return }
        try drain(upTo: filled & ~(Self.alignment - 1))
        if filled > 0 { try leaveDirect() }
    }

    /// Writes the first `count` gathered bytes (a multiple of the alignment unless direct
    /// writing was just given up) and moves the rest to the front of the buffer.
    private func drain(upTo count: Int) throws(StagedWriteError) {
        guard count > 0, let buffer else { return }
        var done = count
        var refused = false
        if isDirect {
            done = 0
            switch Self.writeAll(UnsafeRawBufferPointer(start: buffer, count: count), to: fd, done: &done) {
            case nil: break
            // Refused for this file (its file system's alignment rules, say): what was not
            // written goes through the page cache instead.
            case EINVAL?: refused = true
            case let code?: throw StagedWriteError(code: code)
            }
            written += done
            writtenDirect += done
        } else {
            try writeBuffered(UnsafeRawBufferPointer(start: buffer, count: count))
        }
        filled -= done
        if filled > 0 { buffer.copyMemory(from: buffer + done, byteCount: filled) }
        if refused { try leaveDirect() }
    }

    /// Turns direct writing off and writes what is gathered through the page cache.
    private func leaveDirect() throws(StagedWriteError) {
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 || fcntl(fd, F_SETFL, flags & ~(Self.directFlag ?? 0)) != 0 {
            throw StagedWriteError(code: errno)
        }
        isDirect = false
        try drain(upTo: filled)
    }

    private func writeBuffered(_ bytes: UnsafeRawBufferPointer) throws(StagedWriteError) {
        var done = 0
        if let code = Self.writeAll(bytes, to: fd, done: &done) { throw StagedWriteError(code: code) }
        written += bytes.count
        // Start writing each 64 MiB to disk now (without waiting), so the fsync before the
        // rename waits for the last few megabytes, not for gigabytes.
        if written - flushed >= Self.writeBackStep {
            WriteBack.start(fd, from: flushed, count: written - flushed)
            flushed = written
        }
    }

    /// Writes all of `bytes` to `fd`, counting in `done` what was written; returns the errno
    /// of a failure.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, done: inout Int) -> Int32? {
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return nil
    }
}

/// A failed `write(2)` of an output file: its errno.
public struct StagedWriteError: Error {
    public var code: Int32

    public init(code: Int32) { self.code = code }
}
