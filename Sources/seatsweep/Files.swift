import Foundation
import SeatSweepKit

/// Reading inputs and writing outputs: the only file-system code.
enum Files {
    /// Reads an input file, memory-mapped. Missing paths and directories are clear errors.
    static func read(_ path: String, what: String = "input") throws(SeatSweepError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SeatSweepError(
                "no such file", at: SourceLocation(path: path),
                hint: what == "input"
                    ? "check the path; pass the CSV from admin.atlassian.com > Directory > Users > Export users, or a JSON API dump"
                    : "check the path of the \(what)")
        }
        if isDirectory.boolValue {
            throw SeatSweepError(
                "this is a directory, not a file", at: SourceLocation(path: path), hint: "pass the file itself")
        }
        if let mapped = map(path) { return mapped }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SeatSweepError(
                "cannot read the file (\(error.localizedDescription))", at: SourceLocation(path: path),
                hint: "check that you may read it")
        }
    }

    /// Maps the whole file read-only, asking the kernel to start reading it in at once. Pages
    /// are mapped as the validating threads first touch them (16 at a fault), on both cores:
    /// `MAP_POPULATE` mapped them all up front, on one (20 ms for 200 MB already cached).
    private static func map(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        _ = madvise(base, size, Int32(MADV_WILLNEED))
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    /// Reads a UTF-8 text file (policy, pricing).
    static func readText(_ path: String, what: String) throws(SeatSweepError) -> (text: String, data: Data) {
        let data = try read(path, what: what)
        guard let text = String(data: data, encoding: .utf8) else {
            throw SeatSweepError(
                "the \(what) is not valid UTF-8 text", at: SourceLocation(path: path), hint: "save it as UTF-8")
        }
        return (text, data)
    }
}

/// A set of output files written all-or-nothing: each is written to a temporary file (mode 0600)
/// in the destination directory, and only when every one is complete are they renamed into
/// place. A failure before that leaves every previous file untouched.
///
/// `stage` writes one file without touching the batch, so several can be written
/// at once (the audit renders its reports concurrently); `add` then hands them to the batch.
struct OutputBatch {
    let directory: String
    /// Shows "writing NAME n MB" on a terminal while large files are written.
    var progress: ProgressLine?
    private var staged: [StagedFile] = []

    /// A file written to its temporary name, waiting for `commit`.
    struct StagedFile: Sendable {
        var temp: String
        var final: String

        /// Deletes the temporary file.
        func remove() { unlink(temp) }
    }

    init(directory: String) { self.directory = directory }

    /// Creates the output directory (0700) if needed.
    static func prepare(_ directory: String) throws(SeatSweepError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SeatSweepError(
                    "the output path exists and is not a directory", at: SourceLocation(path: directory),
                    hint: "pass --out with a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SeatSweepError(
                "cannot create the output directory (\(error.localizedDescription))",
                at: SourceLocation(path: directory),
                hint: "pass --out with a directory you may write to")
        }
    }

    /// Writes `name` through `body`, which receives a sink for chunks of bytes.
    mutating func write(_ name: String, _ body: ((UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void)
        throws(SeatSweepError)
    {
        do {
            add(try Self.stage(name, in: directory, progress: progress, body))
        } catch {
            discard()
            throw error
        }
    }

    /// Writes a complete byte buffer.
    mutating func write(_ name: String, bytes: [UInt8]) throws(SeatSweepError) {
        try write(name) { sink in try bytes.withUnsafeBufferPointer(sink) }
    }

    /// Adds a file staged with `stage`.
    mutating func add(_ file: StagedFile) { staged.append(file) }

    /// Writes `name` to its temporary file through `body`, which receives a sink for chunks. A
    /// writer thread makes the write calls (`FileWriter`: past the page cache where it can), so
    /// producing the bytes on this thread overlaps writing them; the file is flushed to disk
    /// before it counts as staged.
    static func stage(
        _ name: String, in directory: String, progress: ProgressLine? = nil,
        _ body: ((UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
    ) throws(SeatSweepError) -> StagedFile {
        let final = (directory as NSString).appendingPathComponent(name)
        let temp = (directory as NSString).appendingPathComponent(
            ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot create a file in the output directory (\(String(cString: strerror(errno))))",
                at: SourceLocation(path: temp), hint: "pass --out with a directory you may write to")
        }
        let file = StagedFile(temp: temp, final: final)
        let output = FileWriter(fd: fd)
        func failed(_ code: Int32) -> SeatSweepError {
            SeatSweepError(
                "cannot write (\(String(cString: strerror(code))))", at: SourceLocation(path: final),
                hint: "check the free space and permissions of the output directory")
        }
        do {
            var written = 0
            try body { chunk in
                try output.append(chunk)
                written += chunk.count
                progress?.status("writing \(name) \(ProgressLine.megabytes(written))")
            }
            try output.finish()
            if fsync(fd) != 0 { throw failed(errno) }
            fchmod(fd, 0o600)
            close(fd)
            return file
        } catch {
            output.abandon()
            close(fd)
            file.remove()
            switch error {
            case let error as SeatSweepError: throw error
            case let error as StagedWriteError: throw failed(error.code)
            default: throw SeatSweepError("cannot write (\(error))", at: SourceLocation(path: final))
            }
        }
    }

    /// Renames every staged file into place; returns the final paths.
    mutating func commit() throws(SeatSweepError) -> [String] {
        var done: [String] = []
        for file in staged {
            if rename(file.temp, file.final) != 0 {
                let reason = String(cString: strerror(errno))
                discard()
                throw SeatSweepError(
                    "cannot move the new file into place (\(reason))", at: SourceLocation(path: file.final))
            }
            done.append(file.final)
        }
        staged.removeAll()
        return done
    }

    /// Deletes every staged temporary file.
    mutating func discard() {
        for file in staged { file.remove() }
        staged.removeAll()
    }
}

/// A workbook part's scratch space on disk: a 0600 file in the output directory, unlinked as soon
/// as it is open, so it never outlives the process and nobody else can open it.
final class FileSpool: XLSXSpool {
    private let fd: Int32
    private(set) var size: Int64 = 0

    init(directory: String) throws(SeatSweepError) {
        let path = (directory as NSString).appendingPathComponent(".spool-\(ProcessInfo.processInfo.processIdentifier)")
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot create a temporary file (\(String(cString: strerror(errno))))", at: SourceLocation(path: path),
                hint: "check the free space and permissions of the output directory")
        }
        unlink(path)
    }

    deinit { close(fd) }

    func reset() throws {
        guard ftruncate(fd, 0) == 0 else { throw failure("cannot empty") }
        size = 0
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(size) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write")
            }
            done += n
        }
        size += Int64(bytes.count)
    }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var data = [UInt8](repeating: 0, count: count)
        let got = try data.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot read")
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        data.removeLast(count - got)
        return data
    }

    private func failure(_ what: String) -> SeatSweepError {
        SeatSweepError(
            "\(what) the workbook's temporary file (\(String(cString: strerror(errno))))",
            hint: "check the free space in the output directory")
    }
}
