import Foundation
import Testing

@testable import SeatSweepKit

/// Paths and helpers shared by the SeatSweepKit tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func sample(_ name: String) -> URL { root.appendingPathComponent("Samples").appendingPathComponent(name) }
    static func fixture(_ name: String) -> URL {
        root.appendingPathComponent("Tests/SeatSweepKitTests/Fixtures").appendingPathComponent(name)
    }

    static let asOf = Day(year: 2026, month: 11, day: 1)!
    static let generatedAt = Timestamp(seconds: 1_793_520_000)  // 2026-11-01T08:00:00Z

    /// Runs the audit on in-memory files.
    static func audit(
        _ files: [(String, String)], policy: Policy = Policy(), asOf: Day? = TestSupport.asOf,
        dateOrder: NumericDateOrder? = nil
    ) throws -> Audit.Result {
        try audit(
            files.map { InputFile(path: $0.0, data: Data($0.1.utf8)) }, policy: policy, asOf: asOf, dateOrder: dateOrder
        )
    }

    static func audit(
        _ files: [InputFile], policy: Policy = Policy(), asOf: Day? = TestSupport.asOf,
        dateOrder: NumericDateOrder? = nil
    ) throws -> Audit.Result {
        let options = Audit.Options(
            policy: policy, asOf: asOf, today: asOf ?? TestSupport.asOf, generatedAt: generatedAt, toolVersion: "0.1.0",
            dateOrder: dateOrder)
        return try Audit(options: options).run(files)
    }

    /// Reads a sample or fixture file as an input.
    static func input(_ url: URL, as path: String? = nil) throws -> InputFile {
        InputFile(path: path ?? url.lastPathComponent, data: try Data(contentsOf: url))
    }

    /// The error an audit throws, or nil.
    static func auditError(_ files: [(String, String)], dateOrder: NumericDateOrder? = nil) -> SeatSweepError? {
        do {
            _ = try audit(files, dateOrder: dateOrder)
            return nil
        } catch let error as SeatSweepError {
            return error
        } catch {
            return SeatSweepError("unexpected \(error)")
        }
    }

    /// Compares `actual` with a golden file; `SEATSWEEP_RECORD=1` re-records it.
    static func assertGolden(
        _ actual: [UInt8], _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let url = root.appendingPathComponent("Tests/SeatSweepKitTests/Golden").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["SEATSWEEP_RECORD"] == "1" {
            try Data(actual).write(to: url)
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            Issue.record(
                "missing golden file \(name); run with SEATSWEEP_RECORD=1 to record it", sourceLocation: sourceLocation)
            return
        }
        if Data(actual) != expected {
            let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(a, e)).firstIndex { $0 != $1 } ?? min(a.count, e.count)
            Issue.record(
                "\(name) differs from the golden file at line \(line + 1):\n  expected: \(line < e.count ? String(e[line]) : "<end>")\n  actual:   \(line < a.count ? String(a[line]) : "<end>")\n(re-record with SEATSWEEP_RECORD=1 if the change is intended)",
                sourceLocation: sourceLocation)
        }
    }

    /// The verdict for one seat, found by account name, product and site.
    static func finding(_ result: Audit.Result, name: String, product: String, site: String) -> SeatFinding? {
        result.findings.seats.first {
            result.directory.accounts[$0.account].name == name && $0.product == product && $0.site == site
        }
    }
}

/// `SourceLocation` clashes with Testing's; this spells ours.
typealias FileLocation = SeatSweepKit.SourceLocation
