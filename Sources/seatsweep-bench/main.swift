import Foundation

/// seatsweep-bench: generates deterministic synthetic exports and times `seatsweep audit` on them
/// against a polars script (and pandas, for reference) computing the same counts, in one run.
///
///     seatsweep-bench generate N FILE [--api]
///     seatsweep-bench run --seatsweep PATH --python PATH --work DIR [--sizes 10000,100000,1000000] [--runs 3]
///                         [--all-formats] [--pandas-max N]
struct Bench {
    var seatsweep = ""
    var python = ""
    var work = "/tmp/seatsweep-bench"
    var sizes = [10_000, 100_000, 1_000_000]
    var runs = 3
    var allFormats = false
    var pandasMax = 100_000
    var scripts = ""

    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else { throw BenchError("usage: seatsweep-bench generate|run ...") }
        args.removeFirst()
        if command == "generate" {
            guard args.count >= 2, let n = Int(args[0]) else { throw BenchError("usage: generate N FILE [--api]") }
            var g = Generator()
            if args.contains("--api") {
                try g.writeAPIDump(count: n, to: args[1])
            } else {
                try g.writeDirectoryCSV(count: n, to: args[1])
            }
            return
        }
        var bench = Bench()
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--seatsweep": bench.seatsweep = value; i += 1
            case "--python": bench.python = value; i += 1
            case "--work": bench.work = value; i += 1
            case "--scripts": bench.scripts = value; i += 1
            case "--sizes": bench.sizes = value.split(separator: ",").compactMap { Int($0) }; i += 1
            case "--runs": bench.runs = Int(value) ?? 3; i += 1
            case "--pandas-max": bench.pandasMax = Int(value) ?? 0; i += 1
            case "--all-formats": bench.allFormats = true
            default: throw BenchError("unknown option \(args[i])")
            }
            i += 1
        }
        try bench.run()
    }

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
                var all: [Measurement] = []
                for _ in 0..<runs {
                    all.append(
                        try measure(
                            [seatsweep, "audit", file, "--as-of", Generator.asOf, "--out", out + "-all"],
                            stdoutPath: "\(work)/all.out"))
                }
                let a = median(all)
                guard a.status == 0 else { throw BenchError("all-formats run failed at \(n)") }
                rows.append(Row(name: "audit, all formats (vs json)", accounts: n, m: a, baseline: m))
            }
        }
        let apiN = min(100_000, sizes.max() ?? 100_000)
        let api = try input(apiN, api: true)
        var apiRuns: [Measurement] = []
        for _ in 0..<runs {
            apiRuns.append(
                try measure(
                    [
                        seatsweep, "audit", api, "--as-of", Generator.asOf, "--out", "\(work)/out-api", "--format",
                        "json",
                    ], stdoutPath: "\(work)/api.out"))
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
        table += "\nMedian of \(runs) runs, seatsweep and the polars script alternating; \(cores) cores.\n"
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

do {
    try Bench.main()
} catch {
    FileHandle.standardError.write(Data("seatsweep-bench: \(error)\n".utf8))
    exit(1)
}
