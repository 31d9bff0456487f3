import ArgumentParser
import Foundation

/// seatsweep-bench: generates deterministic synthetic exports and times `seatsweep audit` on them
/// against a polars script (and pandas, for reference) computing the same counts, in one run.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seatsweep-bench",
        abstract: "Generate synthetic exports and time seatsweep against a polars script.",
        subcommands: [GenerateCommand.self, RunCommand.self])
}

/// `seatsweep-bench generate N FILE [--api]`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a deterministic directory export (or, with --api, an API dump).")

    @Argument(help: "How many accounts.") var count: Int
    @Argument(help: "Where to write it.") var file: String
    @Flag(help: "Write a users-search API dump instead of a CSV export.") var api = false

    func run() throws {
        var g = Generator()
        if api {
            try g.writeAPIDump(count: count, to: file)
        } else {
            try g.writeDirectoryCSV(count: count, to: file)
        }
    }
}

/// `seatsweep-bench run --seatsweep PATH --python PATH --scripts DIR [--work DIR] [--sizes LIST] ...`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Time seatsweep against the polars script and print the table.")

    @Option(help: "The seatsweep binary (a release build).") var seatsweep: String
    @Option(help: "A Python with polars and pandas.") var python: String
    @Option(help: "The folder holding audit_polars.py and audit_pandas.py.") var scripts: String
    @Option(help: "Where inputs and outputs go.") var work = "/tmp/seatsweep-bench"
    @Option(
        help: "Account counts, comma-separated.",
        transform: { text in
            try text.split(separator: ",").map { part in
                guard let n = Int(part), n > 0 else { throw ValidationError("--sizes: '\(part)' is not a count") }
                return n
            }
        })
    var sizes = [10_000, 100_000, 1_000_000]
    @Option(help: "Runs per measurement (the median is reported).") var runs = 3
    @Flag(help: "Also time an audit writing every report format.") var allFormats = false
    @Option(help: "Run the pandas script up to this many accounts.") var pandasMax = 100_000

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        try Bench(
            seatsweep: seatsweep, python: python, work: work, sizes: sizes, runs: runs, allFormats: allFormats,
            pandasMax: pandasMax, scripts: scripts
        ).run()
    }
}

/// One benchmark run's settings, and the run itself.
struct Bench {
    var seatsweep: String
    var python: String
    var work: String
    var sizes: [Int]
    var runs: Int
    var allFormats: Bool
    var pandasMax: Int
    var scripts: String

    func input(_ n: Int, api: Bool = false) throws -> String {
        let path = "\(work)/\(api ? "api" : "directory")-\(n).\(api ? "json" : "csv")"
        if !FileManager.default.fileExists(atPath: path) {
            log("generating \(path)")
            var g = Generator()
            if api {
                try g.writeAPIDump(count: n, to: path + ".tmp")
            } else {
                try g.writeDirectoryCSV(count: n, to: path + ".tmp")
            }
            try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
        }
        return path
    }

    func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    struct Row {
        var name: String
        var accounts: Int
        var m: Measurement
        var baseline: Measurement?
    }

    /// Deletes the outputs of the run before, untimed: replacing 3.6 GB of reports makes the
    /// file system free the old ones during the next run (0.6 s here), which is not the audit's
    /// work and which the scripts, writing nothing, never pay.
    func removePrevious(_ out: String) {
        try? FileManager.default.removeItem(atPath: out)
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var rows: [Row] = []
        var perAccount: [Int: Double] = [:]
        for n in sizes {
            let file = try input(n)
            let out = "\(work)/out-\(n)"
            let audit = [seatsweep, "audit", file, "--as-of", Generator.asOf, "--out", out, "--format", "json"]
            let polars = [python, "\(scripts)/audit_polars.py", file, Generator.asOf]
            var ours: [Measurement] = []
            var theirs: [Measurement] = []
            for r in 0..<runs {
                log("\(n) accounts, run \(r + 1)/\(runs)")
                theirs.append(try measure(polars, stdoutPath: "\(work)/polars.out"))
                removePrevious(out)
                ours.append(try measure(audit, stdoutPath: "\(work)/seatsweep.out"))
            }
            guard ours.allSatisfy({ $0.status == 0 }), theirs.allSatisfy({ $0.status == 0 }) else {
                throw BenchError(
                    "a run failed at \(n) accounts (seatsweep \(ours.map(\.status)), polars \(theirs.map(\.status)))")
            }
            try checkCounts(summary: "\(out)/summary.json", baseline: theirs.last!.stdout, size: n)
            let m = median(ours)
            rows.append(Row(name: "audit --format json", accounts: n, m: m, baseline: median(theirs)))
            perAccount[n] = m.wall / Double(n)
            if n <= pandasMax {
                let pandas = try measure(
                    [python, "\(scripts)/audit_pandas.py", file, Generator.asOf], stdoutPath: "\(work)/pandas.out")
                try checkCounts(summary: "\(out)/summary.json", baseline: pandas.stdout, size: n)
                rows.append(Row(name: "pandas script (reference)", accounts: n, m: pandas, baseline: median(theirs)))
            }
            if allFormats {
                // Every format is timed against JSON runs alternating with it, as JSON against
                // polars: each ratio compares runs made side by side, on a machine whose speed
                // drifts by a third within minutes.
                let everyFormat = [seatsweep, "audit", file, "--as-of", Generator.asOf, "--out", out + "-all"]
                var json: [Measurement] = []
                var all: [Measurement] = []
                for r in 0..<runs {
                    log("\(n) accounts, every format, run \(r + 1)/\(runs)")
                    removePrevious(out)
                    json.append(try measure(audit, stdoutPath: "\(work)/seatsweep.out"))
                    removePrevious(out + "-all")
                    all.append(try measure(everyFormat, stdoutPath: "\(work)/all.out"))
                }
                guard (json + all).allSatisfy({ $0.status == 0 }) else {
                    throw BenchError(
                        "an all-formats run failed at \(n) accounts (json \(json.map(\.status)), all \(all.map(\.status)))"
                    )
                }
                rows.append(
                    Row(name: "audit, all formats (vs json)", accounts: n, m: median(all), baseline: median(json)))
            }
        }
        let apiN = min(100_000, sizes.max() ?? 100_000)
        let api = try input(apiN, api: true)
        var apiRuns: [Measurement] = []
        for _ in 0..<runs {
            removePrevious("\(work)/out-api")
            apiRuns.append(
                try measure(
                    [
                        seatsweep, "audit", api, "--as-of", Generator.asOf, "--out", "\(work)/out-api", "--format",
                        "json",
                    ], stdoutPath: "\(work)/api.out"))
        }
        guard apiRuns.allSatisfy({ $0.status == 0 }) else {
            throw BenchError("an API-dump run failed (\(apiRuns.map(\.status)))")
        }
        rows.append(Row(name: "audit of an API dump, json", accounts: apiN, m: median(apiRuns), baseline: nil))

        var table =
            "| run | accounts | wall s | CPU s | peak RSS MiB | baseline wall s | ratio (wall / baseline) |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for row in rows {
            let base = row.baseline.map { String(format: "%.2f", $0.wall) } ?? "-"
            let ratio = row.baseline.map { String(format: "%.2f", row.m.wall / $0.wall) } ?? "-"
            table +=
                "| \(row.name) | \(row.accounts) | \(String(format: "%.2f", row.m.wall)) | \(String(format: "%.2f", row.m.cpu)) | \(row.m.maxRSS >> 20) | \(base) | \(ratio) |\n"
        }
        for row in rows where row.name == "audit --format json" {
            table +=
                "| polars script (baseline) | \(row.accounts) | \(String(format: "%.2f", row.baseline!.wall)) | \(String(format: "%.2f", row.baseline!.cpu)) | \(row.baseline!.maxRSS >> 20) | | |\n"
        }
        if let big = perAccount[1_000_000], let mid = perAccount[100_000] {
            table += "\nTime per account at 1M / at 100k: \(String(format: "%.2f", big / mid)) (target ≤ 1.3).\n"
        }
        table +=
            "\nMedian of \(runs) runs: JSON alternating with the polars script\(allFormats ? ", every format with JSON" : "")"
            + "; \(cores) cores.\n"
        print(table)
        try table.write(toFile: "\(work)/results.md", atomically: true, encoding: .utf8)
    }

    /// The benchmark compares times only when seatsweep and the baseline agree on every count.
    func checkCounts(summary: String, baseline: String, size: Int) throws {
        let s =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
        let ours = (s?["seats"] as? [[String: Any]] ?? []).map {
            "\($0["product"]!)@\($0["site"]!): \($0["billable"]!)/\($0["candidates"]!)"
        }
        let b = try JSONSerialization.jsonObject(with: Data(baseline.utf8)) as? [[String: Any]] ?? []
        let theirs = b.map { "\($0["product"]!)@\($0["site"]!): \($0["billable"]!)/\($0["candidates"]!)" }
        guard ours == theirs else {
            throw BenchError("counts disagree at \(size) accounts:\n seatsweep \(ours)\n baseline  \(theirs)")
        }
    }
}
