import ArgumentParser
import Foundation
import SeatSweepKit

/// The report formats `--format` can name. Every case must be handled in `AuditCommand.write`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case json, csv, html, xlsx, xml

    /// Formats this build can render.
    static let built: [OutputFormat] = [.json, .csv]
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read exports or API dumps, find inactive seats, write the reports and a deactivation plan.",
        discussion: """
            INPUT is an exported-users CSV from admin.atlassian.com (Directory > Users > Export users), an \
            accounts export (Domains > Export accounts), or a JSON admin-API dump. Several inputs are merged \
            by account id. Writes summary.json, plan.json and users.csv into --out.
            """)

    @Argument(help: "Export files (CSV) or API dumps (JSON, NDJSON).")
    var inputs: [String] = []

    @Option(
        name: .customLong("as-of"), help: "Audit date, yyyy-MM-dd (default: the dump's fetch date, else today in UTC).")
    var asOf: String?

    @Option(help: "Policy file (YAML): thresholds, grace, protected accounts, action.")
    var policy: String?

    @Option(help: "Pricing file (YAML): what each subscription costs, to report what removals save.")
    var pricing: String?

    @Option(help: "Output directory.")
    var out = "seatsweep-report"

    @Option(
        help:
            "Reports to write besides the JSON files: a comma list of json, csv, html, xlsx, xml; `json` alone writes only the JSON files."
    )
    var format: String?

    @Flag(help: "Fail (exit 2, nothing written) when there are warnings.")
    var strict = false

    @Option(
        name: .customLong("date-format"), help: "Order of numeric dates such as 03/04/2024: dd/MM/yyyy or MM/dd/yyyy.")
    var dateFormat: String?

    @Flag(help: "Print summary.json to stdout instead of the human summary.")
    var json = false

    func validate() throws {
        if inputs.isEmpty {
            throw ValidationError(
                "give at least one input: the CSV from admin.atlassian.com > Directory > Users > Export users, or a JSON API dump"
            )
        }
        if let asOf, Day(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date like 2026-11-01, not '\(asOf)'")
        }
        if let dateFormat, NumericDateOrder(format: dateFormat) == nil {
            throw ValidationError("--date-format must be a pattern like dd/MM/yyyy or MM/dd/yyyy, not '\(dateFormat)'")
        }
        _ = try formats()
    }

    /// The formats to write; JSON is always written.
    func formats() throws -> [OutputFormat] {
        guard let format else { return OutputFormat.built }
        var chosen: [OutputFormat] = [.json]
        for name in format.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
        where !name.isEmpty {
            guard let value = OutputFormat(rawValue: name) else {
                throw ValidationError(
                    "unknown format '\(name)'; choose from "
                        + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard OutputFormat.built.contains(value) else {
                throw ValidationError(
                    "the \(name) report is not built yet in seatsweep \(SeatSweepVersion.current); available: "
                        + OutputFormat.built.map(\.rawValue).joined(separator: ", "))
            }
            if !chosen.contains(value) { chosen.append(value) }
        }
        return chosen
    }

    func run() async throws {
        try await reportingErrors {
            let now = Clock.now()
            var options = Audit.Options(
                asOf: asOf.flatMap { Day(iso: $0) }, today: now.day, generatedAt: now,
                toolVersion: SeatSweepVersion.current,
                dateOrder: dateFormat.flatMap { NumericDateOrder(format: $0) })
            // SEATSWEEP_THREADS overrides the core count (for benchmarks of scaling).
            options.parallelism =
                ProcessInfo.processInfo.environment["SEATSWEEP_THREADS"].flatMap { Int($0) }
                ?? ProcessInfo.processInfo.activeProcessorCount
            options.sealPlan = false  // sealed while plan.json is written, in one pass
            let trace = StageTrace.fromEnvironment()
            let progress = ProgressLine.forTerminal()
            if let progress { options.progress = { stage, amount, total in progress.advance(stage, amount, total) } }
            options.stageEnded = { stage in
                trace?.mark(stage)
                switch stage {
                case "ingest": progress?.status("analysing accounts")
                case "analyze": progress?.status("planning")
                default: break
                }
            }
            if let policy {
                let (text, data) = try Files.readText(policy, what: "policy file")
                options.policy = try PolicyLoader.load(text, path: policy, sha256: Ingestor.sha256Hex(data))
            }
            if let pricing {
                let (text, data) = try Files.readText(pricing, what: "pricing file")
                options.pricing = try PricingLoader.load(text, path: pricing, sha256: Ingestor.sha256Hex(data))
            }
            var files: [InputFile] = []
            for path in inputs { files.append(InputFile(path: path, data: try Files.read(path))) }
            let audit = Audit(options: options)
            var result: Audit.Result
            do {
                result = try audit.run(consume files)
            } catch {
                progress?.clear()
                throw error
            }
            progress?.clear()
            Console.print(result.diagnostics)
            if strict, result.diagnostics.warnings + result.diagnostics.errors > 0 {
                Console.err(
                    "seatsweep: error: \(result.diagnostics.warnings) warning(s) under --strict; nothing was written\n"
                        + "  hint: fix the inputs, or run without --strict to accept the warnings")
                throw ExitCode.unfinished
            }
            trace?.mark("pipeline")
            let written: [String]
            do {
                written = try write(&result, formats: try formats(), progress: progress)
            } catch {
                progress?.clear()
                throw error
            }
            progress?.clear()
            trace?.mark("write")
            if json {
                Console.out(String(decoding: SummaryRenderer.render(result.summary), as: UTF8.self))
            } else {
                Console.out(HumanSummary.render(result, written: written, policyGiven: policy != nil))
            }
        }
    }

    /// Writes every output; seals the plan (its digest) on the way and records it in the summary.
    private func write(
        _ result: inout Audit.Result, formats: [OutputFormat], progress: ProgressLine?
    ) throws(SeatSweepError) -> [String] {
        try OutputBatch.prepare(out)
        var batch = OutputBatch(directory: out)
        batch.progress = progress
        var plan = result.plan
        try batch.write("plan.json") { sink in try PlanCodec.encodeSealing(&plan, sink: sink) }
        result.plan.digest = plan.digest
        result.summary.planDigest = plan.digest
        try batch.write("summary.json", bytes: SummaryRenderer.render(result.summary))
        for format in formats {
            switch format {
            case .json: break
            case .csv:
                try batch.write("users.csv") { sink in
                    try UsersCSVRenderer.render(
                        result.findings, directory: result.directory, plan: result.plan, sink: sink)
                }
            case .html, .xlsx, .xml:
                break  // rejected in validate() until their renderers exist
            }
        }
        return try batch.commit()
    }
}
