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
///
/// A thread of its own makes the write calls: the caller fills one buffer while the other is
/// written, and each byte is copied once, from the caller's memory into a buffer.
public final class FileWriter: @unchecked Sendable {
    // @unchecked: the caller's side owns `buffers`, `current` and `filled`; `pending`,
    // `failure`, `closed` and `started` are touched only under `condition`; the rest belongs
    // to whoever writes (the thread while a buffer is pending, else the caller, which waits
    // for the thread under `condition` before it writes or reads them).

    /// Alignment of the buffers, of each direct write's length and of its file offset: a
    /// multiple of every logical block size in use (512 or 4096).
    static let alignment = 4096
    /// Bytes gathered before a write.
    static let bufferSize = 4 << 20
    /// Bytes written through the page cache between two early write-back requests.
    static let writeBackStep = 1 << 26

    private let fd: Int32
    /// Whether writes go past the page cache.
    public private(set) var isDirect: Bool
    /// Bytes handed to the kernel so far, and how many of them went direct.
    public private(set) var written = 0
    public private(set) var writtenDirect = 0
    private var flushed = 0

    private let buffers: [UnsafeMutableRawPointer]
    private var current = 0
    private var filled = 0

    private let condition = NSCondition()
    /// The buffer handed to the thread and not yet written.
    private var pending: (buffer: UnsafeMutableRawPointer, count: Int)?
    private var failure: Int32?
    private var closed = false
    private var started = false

    /// Takes over writing `fd`, a file opened for writing at offset 0; the caller still closes
    /// it, after `finish()` or `abandon()`.
    public init(fd: Int32, direct: Bool = true) {
        self.fd = fd
        isDirect = false
        buffers = (0..<2).map { _ in .allocate(byteCount: Self.bufferSize, alignment: Self.alignment) }
        guard direct, let flag = Self.directFlag else { return }
        let flags = fcntl(fd, F_GETFL)
        isDirect = flags >= 0 && fcntl(fd, F_SETFL, flags | flag) == 0
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

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

    /// Appends `bytes`; throws the errno of a failed write (of these bytes or earlier ones).
    public func append(_ bytes: UnsafeRawBufferPointer) throws(StagedWriteError) {
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Self.bufferSize - filled)
            (buffers[current] + filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            filled += n
            offset += n
            if filled == Self.bufferSize { try handOff() }
        }
    }

    /// Appends `bytes`.
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(StagedWriteError) {
        try append(UnsafeRawBufferPointer(bytes))
    }

    /// Waits until the thread has written what it was given (under `condition`).
    private func waitForPending() {
        while pending != nil { condition.wait() }
    }

    /// Hands the full buffer to the thread, once it has written the one before, and goes on
    /// filling the other.
    private func handOff() throws(StagedWriteError) {
        condition.lock()
        waitForPending()
        if let failure {
            condition.unlock()
            throw StagedWriteError(code: failure)
        }
        pending = (buffers[current], filled)
        if !started {
            started = true
            Thread { [self] in run() }.start()
        }
        condition.broadcast()
        condition.unlock()
        current = 1 - current
        filled = 0
    }

    /// The thread: writes each buffer handed to it until the writer is closed.
    private func run() {
        condition.lock()
        while true {
            while pending == nil, !closed { condition.wait() }
            guard let (buffer, count) = pending else { break }
            condition.unlock()
            var code: Int32?
            do { try writeGathered(buffer, count: count) } catch { code = error.code }
            condition.lock()
            pending = nil
            if let code, failure == nil { failure = code }
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Stops the thread once it has written what it holds; returns the first failure.
    private func close() -> Int32? {
        condition.lock()
        defer { condition.unlock() }
        waitForPending()
        closed = true
        condition.broadcast()
        return failure
    }

    /// Writes what is still gathered. The file then holds every byte appended.
    public func finish() throws(StagedWriteError) {
        if let failure = close() { throw StagedWriteError(code: failure) }
        try writeGathered(buffers[current], count: filled)
        filled = 0
    }

    /// Stops writing without writing what is gathered (the file is being thrown away).
    public func abandon() {
        _ = close()
        filled = 0
    }

    /// Writes `count` bytes of `buffer`: direct up to the last whole block, and through the
    /// page cache the rest (a file's tail) or all of it once direct writing is given up, so
    /// the file ends exactly where its bytes do.
    private func writeGathered(_ buffer: UnsafeMutableRawPointer, count: Int) throws(StagedWriteError) {
        var done = 0
        if isDirect {
            let whole = count & ~(Self.alignment - 1)
            let code = Self.writeAll(UnsafeRawBufferPointer(start: buffer, count: whole), to: fd, done: &done)
            written += done
            writtenDirect += done
            // EINVAL: refused for this file (its file system's alignment rules, say); what was
            // not written goes through the page cache instead.
            if let code, code != EINVAL { throw StagedWriteError(code: code) }
            if done < count { try leaveDirect() }
        }
        if done < count { try writeBuffered(UnsafeRawBufferPointer(start: buffer + done, count: count - done)) }
    }

    /// Turns direct writing off.
    private func leaveDirect() throws(StagedWriteError) {
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 || fcntl(fd, F_SETFL, flags & ~(Self.directFlag ?? 0)) != 0 {
            throw StagedWriteError(code: errno)
        }
        isDirect = false
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
