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
        // CPU time, peak memory and minor page faults so far: fresh pages are a large part of
        // the cost here, and CPU over wall time says how well both cores were used.
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let cpu = String(format: "%.2f", seconds(usage.ru_utime) + seconds(usage.ru_stime))
        Console.err(
            "trace: \(stage.padding(toLength: 9, withPad: " ", startingAt: 0)) \(took) s  (total \(total) s, "
                + "CPU \(cpu) s)  peak \(usage.ru_maxrss >> 10) MiB, \(usage.ru_minflt) faults")
    }
}

/// One self-overwriting progress line on stderr, redrawn at most ten times a second. Only
/// created when stderr is a terminal, so logs and pipes never see it.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: every mutable property is only touched while holding `lock`.
    private let lock = NSLock()
    private var done: [String: Int] = [:]
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// A progress line when stderr is a terminal (or `SEATSWEEP_PROGRESS=1` forces it), else nil.
    static func forTerminal() -> ProgressLine? {
        Console.stderrIsTerminal || ProcessInfo.processInfo.environment["SEATSWEEP_PROGRESS"] == "1"
            ? ProgressLine() : nil
    }

    /// `stage` advanced by `amount` of `total` (bytes).
    func advance(_ stage: String, _ amount: Int, _ total: Int) {
        lock.lock()
        let value = done[stage, default: 0] + amount
        done[stage] = value
        lock.unlock()
        let percent = total > 0 ? min(100, value * 100 / total) : 100
        show(
            "\(stage) \(percent)% (\(Self.megabytes(min(value, total))) of \(Self.megabytes(total)))",
            force: value >= total)
    }

    /// A stage without a measurable extent.
    func status(_ text: String) { show(text, force: true) }

    /// Removes the line, so that results print on a clean terminal line.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }

    private func show(_ text: String, force: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[2Kseatsweep: \(text)".utf8))
    }

    static func megabytes(_ bytes: Int) -> String {
        if bytes >= 10 << 20 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return "\((bytes + 1023) >> 10) KB"
    }
}

/// Values kept until the process ends. Freeing a million accounts and plan actions one object
/// at a time takes longer (about 0.15 s) than the kernel needs to drop the whole address space,
/// so a command that is about to exit keeps its big results here instead of releasing them.
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    static func keep(_ value: Any) {
        lock.lock()
        kept.append(value)
        lock.unlock()
    }
}
