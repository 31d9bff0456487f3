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
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SeatSweepError(
                "cannot read the file (\(error.localizedDescription))", at: SourceLocation(path: path),
                hint: "check that you may read it")
        }
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
struct OutputBatch {
    let directory: String
    private var staged: [(temp: String, final: String)] = []
    /// Private (0700) directories holding files that a library creates itself (`writeFile`).
    private var scratchDirectories: [String] = []

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
    mutating func write(_ name: String, _ body: ((ArraySlice<UInt8>) throws -> Void) throws -> Void)
        throws(SeatSweepError)
    {
        let final = (directory as NSString).appendingPathComponent(name)
        let temp = (directory as NSString).appendingPathComponent(
            ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot create a file in the output directory (\(String(cString: strerror(errno))))",
                at: SourceLocation(path: temp), hint: "pass --out with a directory you may write to")
        }
        staged.append((temp, final))
        do {
            try body { chunk in
                try chunk.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw SeatSweepError(
                                "cannot write (\(String(cString: strerror(errno))))", at: SourceLocation(path: final),
                                hint: "check the free space and permissions of the output directory")
                        }
                        offset += n
                    }
                }
            }
            fchmod(fd, 0o600)
            if fsync(fd) != 0 {
                throw SeatSweepError(
                    "cannot flush the file to disk", at: SourceLocation(path: final), hint: "check the disk")
            }
            close(fd)
        } catch let error as SeatSweepError {
            close(fd)
            discard()
            throw error
        } catch {
            close(fd)
            discard()
            throw SeatSweepError("cannot write (\(error))", at: SourceLocation(path: final))
        }
    }

    /// Writes `name` through `body`, which receives the path of a file to create (for writers that
    /// need to seek, such as ZIP). The path is inside a new 0700 directory, so nobody else can
    /// read the file while it is written; it is made 0600 and flushed before it is staged.
    mutating func writeFile(_ name: String, _ body: (String) throws -> Void) throws(SeatSweepError) {
        let final = (directory as NSString).appendingPathComponent(name)
        let scratch = (directory as NSString).appendingPathComponent(
            ".\(name).tmpdir-\(ProcessInfo.processInfo.processIdentifier)")
        rmdirTree(scratch)
        guard mkdir(scratch, 0o700) == 0 else {
            throw SeatSweepError(
                "cannot create a temporary directory in the output directory (\(String(cString: strerror(errno))))",
                at: SourceLocation(path: scratch), hint: "pass --out with a directory you may write to")
        }
        scratchDirectories.append(scratch)
        let temp = (scratch as NSString).appendingPathComponent(name)
        do {
            try body(temp)
        } catch let error as SeatSweepError {
            discard()
            throw error
        } catch {
            discard()
            throw SeatSweepError("cannot write (\(error))", at: SourceLocation(path: final))
        }
        let fd = open(temp, O_RDONLY)
        guard fd >= 0, fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            discard()
            throw SeatSweepError(
                "cannot flush the file to disk", at: SourceLocation(path: final), hint: "check the disk")
        }
        close(fd)
        staged.append((temp, final))
    }

    /// Removes a scratch directory and the files in it.
    private func rmdirTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a complete byte buffer.
    mutating func write(_ name: String, bytes: [UInt8]) throws(SeatSweepError) {
        try write(name) { sink in try sink(bytes[...]) }
    }

    /// Renames every staged file into place; returns the final paths.
    mutating func commit() throws(SeatSweepError) -> [String] {
        var done: [String] = []
        for (temp, final) in staged {
            if rename(temp, final) != 0 {
                let reason = String(cString: strerror(errno))
                discard()
                throw SeatSweepError("cannot move the new file into place (\(reason))", at: SourceLocation(path: final))
            }
            done.append(final)
        }
        staged.removeAll()
        for scratch in scratchDirectories { rmdirTree(scratch) }
        scratchDirectories.removeAll()
        return done
    }

    /// Deletes every staged temporary file.
    mutating func discard() {
        for (temp, _) in staged { unlink(temp) }
        staged.removeAll()
        for scratch in scratchDirectories { rmdirTree(scratch) }
        scratchDirectories.removeAll()
    }
}
