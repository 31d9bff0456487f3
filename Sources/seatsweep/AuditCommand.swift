import ArgumentParser
import Foundation
import SeatSweepKit
import ZIPFoundation

/// The report formats `--format` can name. Every case must be handled in `AuditCommand.write`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case json, csv, html, xlsx, xml

    /// Formats this build can render.
    static let built: [OutputFormat] = [.json, .csv, .html, .xlsx, .xml]
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read exports or API dumps, find inactive seats, write the reports and a deactivation plan.",
        discussion: """
            INPUT is an exported-users CSV from admin.atlassian.com (Directory > Users > Export users), an \
            accounts export (Domains > Export accounts), or a JSON admin-API dump. Several inputs are merged \
            by account id. Writes summary.json, plan.json, users.csv, report.html, report.xlsx and report.xml \
            into --out.
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
            "Reports to write besides the JSON files: a comma list of json, csv, html, xlsx, xml (default: all); `json` alone writes only the JSON files."
    )
    var format: String?

    @Option(
        help: ArgumentHelp(
            "Directory with HTML report templates (report.html.mustache, report.css, report.js) replacing the built-in ones.",
            valueName: "dir"))
    var templates: String?

    @Option(
        name: .customLong("html-rows"),
        help: "Rows of the candidates and protected tables shown in report.html (the workbook has every row).")
    var htmlRows = HTMLReportRenderer.defaultRowLimit

    @Flag(
        help:
            "Replace names and e-mail addresses with pseudonyms in the HTML, xlsx, XML and CSV reports (not plan.json)."
    )
    var redact = false

    @Option(
        name: .customLong("redact-salt"),
        help: "Secret that keeps --redact pseudonyms the same from one audit to the next (implies --redact).")
    var redactSalt: String?

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
        if htmlRows < 0 {
            throw ValidationError("--html-rows must be 0 or more, not \(htmlRows)")
        }
        if let redactSalt, redactSalt.isEmpty {
            throw ValidationError("--redact-salt must not be empty")
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
                written = try write(&result, formats: try formats(), progress: progress, trace: trace)
            } catch {
                progress?.clear()
                throw error
            }
            progress?.clear()
            trace?.mark("write")
            ProcessLifetime.keep(result)
            if json {
                Console.out(String(decoding: SummaryRenderer.render(result.summary), as: UTF8.self))
                Console.err("seatsweep: wrote " + written.joined(separator: ", "))
            } else {
                Console.out(HumanSummary.render(result, written: written, policyGiven: policy != nil))
            }
        }
    }

    /// The HTML templates: built in, or read from `--templates DIR` (missing files fall back to
    /// the built-in ones; a directory with none of them is an error).
    func htmlTemplates() throws(SeatSweepError) -> HTMLTemplates {
        guard let templates else { return .builtIn }
        var chosen = HTMLTemplates.builtIn
        var found = 0
        for name in [HTMLTemplates.pageFile, HTMLTemplates.styleFile, HTMLTemplates.scriptFile] {
            let path = (templates as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let text = try Files.readText(path, what: "template").text
            found += 1
            switch name {
            case HTMLTemplates.pageFile:
                chosen.page = text
                chosen.pageSource = path
            case HTMLTemplates.styleFile: chosen.style = text
            default: chosen.script = text
            }
        }
        if found == 0 {
            throw SeatSweepError(
                "the templates directory has none of \(HTMLTemplates.pageFile), \(HTMLTemplates.styleFile), "
                    + "\(HTMLTemplates.scriptFile)", at: SourceLocation(path: templates),
                hint: "copy the repository's Templates/ folder and edit it, or leave out --templates")
        }
        return chosen
    }

    /// The redactor for `--redact`: keyed by `--redact-salt`, else by a random salt, so that
    /// pseudonyms cannot be linked across audits unless the user asks for it.
    func redactor() -> Redactor? {
        if let redactSalt { return Redactor(salt: redactSalt) }
        guard redact else { return nil }
        var generator = SystemRandomNumberGenerator()
        return Redactor(salt: (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined())
    }

    /// Writes every output: plan.json first, sealing its digest in the same pass; then the
    /// summary with that digest; then the reports, rendered at the same time (each into its own
    /// temporary file). Nothing is renamed into place unless every file was written.
    private func write(
        _ result: inout Audit.Result, formats: [OutputFormat], progress: ProgressLine?, trace: StageTrace?
    ) throws -> [String] {
        let html = HTMLReportRenderer.Options(
            rowLimit: htmlRows, templates: formats.contains(.html) ? try htmlTemplates() : .builtIn)
        try OutputBatch.prepare(out)
        var batch = OutputBatch(directory: out)
        batch.progress = progress
        do {
            var plan = result.plan
            try batch.write("plan.json") { sink in try PlanCodec.encodeSealing(&plan, sink: sink) }
            result.plan.digest = plan.digest
            result.summary.planDigest = plan.digest
            try batch.write("summary.json", bytes: SummaryRenderer.render(result.summary))
            trace?.mark("  json")
            let reports = formats.filter { $0 != .json }
            if !reports.isEmpty {
                progress?.status("writing " + reports.map(\.rawValue).joined(separator: ", "))
                let document = ReportDocument(result, options: .init(redactor: redactor()))
                trace?.mark("  document")
                for file in try Self.render(reports, document, html: html, into: out, trace: trace) {
                    batch.add(file)
                }
            }
            return try batch.commit()
        } catch {
            batch.discard()
            throw error
        }
    }

    /// Renders the reports at the same time (they only read the document), each on its own
    /// thread and into its own temporary file; on any failure every one is removed. The
    /// spreadsheets and users.csv read the tables' rows as one makes them (`RowSource`). Threads
    /// rather than tasks: the cooperative pool has one thread per core, so the last report to
    /// start would run alone at the end while the other core idles; with a thread each, the
    /// kernel shares both cores among all of them until they finish.
    static func render(
        _ formats: [OutputFormat], _ document: ReportDocument, html: HTMLReportRenderer.Options, into directory: String,
        trace: StageTrace? = nil
    ) throws(SeatSweepError) -> [OutputBatch.StagedFile] {
        let results = document.renderTogether(
            seatsReaders: formats.count { [.csv, .xml, .xlsx].contains($0) },
            otherReaders: formats.count { [.xml, .xlsx].contains($0) },
            formats.map { format in
                { document in
                    defer { trace?.mark("  " + format.rawValue) }
                    return Result { () throws(SeatSweepError) in
                        try render(format, document, html: html, into: directory)
                    }
                }
            })
        var staged: [OutputBatch.StagedFile] = []
        var failure: SeatSweepError?
        for result in results {
            switch result {
            case .success(let file): staged.append(file)
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure {
            for file in staged { file.remove() }
            throw failure
        }
        return staged
    }

    /// Renders one report format into its temporary file.
    static func render(
        _ format: OutputFormat, _ document: ReportDocument, html: HTMLReportRenderer.Options, into directory: String
    ) throws(SeatSweepError) -> OutputBatch.StagedFile {
        switch format {
        case .json:
            throw SeatSweepError("the JSON files are not a report")  // written before the reports
        case .csv:
            return try OutputBatch.stage("users.csv", in: directory) { sink in
                try UsersCSVRenderer.render(document, sink: sink)
            }
        case .html:
            let bytes = try HTMLReportRenderer.render(document, options: html)
            return try OutputBatch.stage("report.html", in: directory) { try bytes.withUnsafeBufferPointer($0) }
        case .xlsx:
            let spool = try FileSpool(directory: directory)
            return try OutputBatch.stage("report.xlsx", in: directory) { sink in
                try XLSXRenderer.render(document, spool: spool, sink: sink)
            }
        case .xml:
            return try OutputBatch.stage("report.xml", in: directory) { sink in
                try SpreadsheetML2003Renderer.render(document, sink: sink)
            }
        }
    }
}
