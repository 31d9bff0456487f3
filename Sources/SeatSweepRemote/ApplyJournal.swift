import Foundation
import SeatSweepKit

/// Where an apply run records its intents and outcomes.
public protocol JournalSink: Sendable {
    /// Records one line durably before returning.
    func append(_ line: JournalLine) async throws(SeatSweepError)
}

/// The journal file beside a plan (`PLAN.journal.jsonl`): append-only, mode 0600, every line
/// written whole and flushed to disk (`fsync`) before `append` returns, so a line that
/// `apply` acted on survives a crash or `kill -9`. An exclusive lock keeps two `apply` runs
/// off the same plan; the kernel drops it when the process dies.
public actor ApplyJournal: JournalSink {
    public nonisolated let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { if fd >= 0 { Self.unlockAndClose(fd) } }

    /// What opening found.
    public struct Opened: Sendable {
        public var journal: ApplyJournal
        public var existing: JournalCodec.Decoded
        /// Line number of a cut-off last line that was removed, if any.
        public var repairedLine: Int?
    }

    /// Opens the journal for appending, creating it (0600) if needed, locking it, reading what is
    /// there and cutting off a last line that a crash left incomplete.
    public static func open(_ path: String) throws(SeatSweepError) -> Opened {
        let location = SourceLocation(path: path)
        let existed = FileManager.default.fileExists(atPath: path)
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot open the journal (\(String(cString: strerror(errno))))", at: location,
                hint: "the journal is written beside the plan; check that you may write to that directory")
        }
        do throws(SeatSweepError) {
            try check(fd, path: path)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                throw SeatSweepError(
                    "another `seatsweep apply` is running on this plan (its journal is locked)", at: location,
                    hint: "wait for it to finish; two runs on one plan could send the same change twice")
            }
            fchmod(fd, 0o600)
            let bytes = try readAll(fd, path: path)
            let decoded = try JournalCodec.decode(bytes, path: path)
            var repaired: Int?
            if let cut = decoded.cutOffLine {
                guard ftruncate(fd, off_t(decoded.validLength)) == 0, fsync(fd) == 0 else {
                    throw SeatSweepError("cannot repair the journal's cut-off last line", at: location)
                }
                repaired = cut
            }
            if !existed { syncDirectory(of: path) }
            return Opened(journal: ApplyJournal(path: path, fd: fd), existing: decoded, repairedLine: repaired)
        } catch {
            unlockAndClose(fd)
            throw error
        }
    }

    /// Reads a journal without locking or changing it (for `verify` and `undo`); nil when there is none.
    public static func read(_ path: String) throws(SeatSweepError) -> JournalCodec.Decoded? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot read the journal (\(String(cString: strerror(errno))))", at: SourceLocation(path: path))
        }
        defer { Foundation.close(fd) }
        return try JournalCodec.decode(try readAll(fd, path: path), path: path)
    }

    /// Appends one line and flushes it to disk.
    public func append(_ line: JournalLine) throws(SeatSweepError) {
        let bytes = JournalCodec.encode(line)
        guard fd >= 0 else { throw SeatSweepError("the journal is closed", at: SourceLocation(path: path)) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SeatSweepError(
                    "cannot write to the journal (\(String(cString: strerror(errno)))); apply stopped",
                    at: SourceLocation(path: path), hint: "free disk space, then run apply again to resume")
            }
            offset += n
        }
        guard fsync(fd) == 0 else {
            throw SeatSweepError(
                "cannot flush the journal to disk; apply stopped", at: SourceLocation(path: path),
                hint: "check the disk, then run apply again to resume")
        }
    }

    /// Releases the lock and closes the file.
    public func close() {
        if fd >= 0 { Self.unlockAndClose(fd) }
        fd = -1
    }

    /// Releases the lock before closing: a process spawned meanwhile by another thread holds a
    /// copy of the descriptor until it execs (O_CLOEXEC acts only then), and the lock would
    /// outlive `close` in that copy, refusing the next `apply` on this plan.
    private static func unlockAndClose(_ fd: Int32) {
        flock(fd, LOCK_UN)
        Foundation.close(fd)
    }

    private static func check(_ fd: Int32, path: String) throws(SeatSweepError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SeatSweepError("cannot inspect the journal", at: SourceLocation(path: path))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SeatSweepError("the journal path is not a regular file", at: SourceLocation(path: path))
        }
        guard info.st_uid == geteuid() else {
            throw SeatSweepError(
                "the journal belongs to another user", at: SourceLocation(path: path),
                hint: "run apply as the user who owns the plan and its journal")
        }
    }

    private static func readAll(_ fd: Int32, path: String) throws(SeatSweepError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SeatSweepError("cannot read the journal", at: SourceLocation(path: path))
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
    }

    /// Makes the new file's directory entry durable too.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let dfd = Foundation.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        fsync(dfd)
        Foundation.close(dfd)
    }
}
