import Foundation
import Testing

/// Runs the built `seatsweep` binary the way a user or a cron job would.
enum CLI {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `seatsweep` executable next to the test bundle (`swift build` puts both in one folder).
    static var binary: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("seatsweep")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        for config in ["debug", "release"] {
            let url = root.appendingPathComponent(".build/\(config)/seatsweep")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/seatsweep")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `seatsweep args...` in `directory` (default: the repository root).
    @discardableResult
    static func run(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLIError("the seatsweep binary is not built at \(binary.path); run `swift build` first")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1793520000"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller with `cleanUp`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seatsweep-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every regular file under `directory` with its bytes, for "nothing was written" checks.
    static func snapshot(_ directory: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in e {
            if let data = try? Data(contentsOf: url) { out[url.path] = data }
        }
        return out
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
