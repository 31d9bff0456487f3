import ArgumentParser
import Foundation
import SeatSweepKit

/// `seatsweep init [DIR] [--force]`: writes the commented starter `policy.yml` and
/// `pricing.yml`, both or neither, never over existing files unless forced.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented policy.yml and pricing.yml to start from.",
        discussion: """
            The pricing file holds example prices: replace them with your own quote or invoice before \
            trusting the savings. Existing files are left alone unless you pass --force.
            """)

    @Argument(help: "Directory to write into (created if missing).")
    var directory = "."

    @Flag(help: "Overwrite policy.yml and pricing.yml if they exist.")
    var force = false

    /// The files `init` writes, in order.
    static let files: [(name: String, text: String)] = [
        ("policy.yml", StarterFiles.policy), ("pricing.yml", StarterFiles.pricing),
    ]

    func run() async throws {
        try await reportingErrors {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw SeatSweepError(
                    "this is a file, not a directory", at: SourceLocation(path: directory),
                    hint: "name the directory to write policy.yml and pricing.yml into")
            }
            if !force {
                let existing = Self.files.map { (directory as NSString).appendingPathComponent($0.name) }
                    .filter(Self.exists)
                if let first = existing.first {
                    throw SeatSweepError(
                        existing.count == 1
                            ? "\(first) already exists; nothing was written"
                            : "\(existing.joined(separator: " and ")) already exist; nothing was written",
                        hint: "pass --force to overwrite, or choose another directory")
                }
            }
            try OutputBatch.prepare(directory)
            var batch = OutputBatch(directory: directory)
            for file in Self.files { try batch.write(file.name, bytes: Array(file.text.utf8)) }
            let written = try batch.commit()
            let policy = written[0]
            let pricing = written[1]
            Console.out(
                """
                wrote \(policy)
                wrote \(pricing)
                next: replace the example prices in \(pricing) (its source: says they are examples) and the example
                      addresses in \(policy), then run
                      seatsweep audit export-users.csv --policy \(policy) --pricing \(pricing)
                """)
        }
    }

    /// True for anything at `path`, a dangling symbolic link included.
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
