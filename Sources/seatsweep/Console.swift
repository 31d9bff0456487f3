import ArgumentParser
import Foundation
import SeatSweepKit

/// stdout for results, stderr for diagnostics and progress.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// True when stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static func print(_ diagnostics: DiagnosticLog) {
        for diagnostic in diagnostics.printable { err(diagnostic.description) }
    }
}

extension ExitCode {
    /// Finished, but with failed actions or with warnings under `--strict`.
    static let unfinished = ExitCode(2)
}

/// Runs a command body, printing a `SeatSweepError` and exiting 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SeatSweepError {
        Console.err(error.description)
        throw ExitCode.failure
    }
}

/// The clock, read only here: `SOURCE_DATE_EPOCH` (seconds) makes output reproducible.
enum Clock {
    static func now() -> Timestamp {
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
            return Timestamp(seconds: seconds)
        }
        return Timestamp(seconds: Int64(Date().timeIntervalSince1970))
    }
}

/// Prints how long each stage took to stderr when `SEATSWEEP_TRACE=1` (for profiling).
final class StageTrace: @unchecked Sendable {
    // @unchecked: `last` is only touched under `lock`.
    private let start = Date()
    private var last = Date()
    private let lock = NSLock()

    static func fromEnvironment() -> StageTrace? {
        ProcessInfo.processInfo.environment["SEATSWEEP_TRACE"] == "1" ? StageTrace() : nil
    }

    func mark(_ stage: String) {
        let now = Date()
        lock.lock()
        let previous = last
        last = now
        lock.unlock()
        let took = String(format: "%7.3f", now.timeIntervalSince(previous))
        let total = String(format: "%7.3f", now.timeIntervalSince(start))
        Console.err("trace: \(stage.padding(toLength: 9, withPad: " ", startingAt: 0)) \(took) s  (total \(total) s)")
    }
}
