import Foundation
import SeatSweepKit
import Testing
import ZIPFoundation

/// `seatsweep audit` as a process: exit codes, messages, and what it writes.
@Suite struct AuditCommandTests {
    @Test func sampleRunWritesPrivateFiles() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report").path
        let run = try CLI.run([
            "audit", "Samples/directory-export.csv", "--policy", "Samples/policy.yml", "--as-of", "2026-11-01", "--out",
            out,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("8 candidate seats"))
        for name in ["summary.json", "plan.json", "users.csv", "report.html", "report.xlsx", "report.xml"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name) must be 0600")
            #expect(run.stdout.contains(out + "/" + name), "the audit prints the path of \(name)")
        }
        // Only the reports are left: no temporary files or directories.
        let left = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(left == ["plan.json", "report.html", "report.xlsx", "report.xml", "summary.json", "users.csv"])
    }

    /// The CLI writes the same HTML and XML Spreadsheet bytes as the golden files the renderer
    /// tests keep (SOURCE_DATE_EPOCH pins generatedAt), and an xlsx with the golden parts.
    @Test func sampleReportsEqualTheGoldenFiles() throws {
        let (run, out) = try Self.audit([])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(run.status == 0, "\(run.stderr)")
        let golden = CLI.root.appendingPathComponent("Tests/SeatSweepKitTests/Golden")
        for (file, name) in [("report.html", "report-directory.html"), ("report.xml", "report-directory.xml")] {
            #expect(
                try Data(contentsOf: out.appendingPathComponent(file))
                    == Data(contentsOf: golden.appendingPathComponent(name)), "\(file)")
        }
        let archive = try Archive(url: out.appendingPathComponent("report.xlsx"), accessMode: .read)
        var sheet2 = Data()
        _ = try archive.extract(try #require(archive["xl/worksheets/sheet2.xml"])) { sheet2.append($0) }
        #expect(sheet2 == (try Data(contentsOf: golden.appendingPathComponent("xlsx-directory-sheet2-candidates.xml"))))
    }

    static func audit(_ extra: [String], input: String = "Samples/directory-export.csv") throws -> (CLI.Run, URL) {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report")
        let run = try CLI.run(
            ["audit", input, "--policy", "Samples/policy.yml", "--as-of", "2026-11-01", "--out", out.path] + extra)
        return (run, out)
    }

    static func files(_ out: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).sorted()
    }

    @Test func formatChoosesTheReports() throws {
        let (jsonRun, jsonOut) = try Self.audit(["--format", "json", "--json"])
        defer { try? FileManager.default.removeItem(at: jsonOut.deletingLastPathComponent()) }
        #expect(jsonRun.status == 0, "\(jsonRun.stderr)")
        #expect(Self.files(jsonOut) == ["plan.json", "summary.json"])
        #expect(jsonRun.stdout.hasPrefix("{"))
        #expect(jsonRun.stderr.contains("wrote " + jsonOut.path + "/summary.json"))
        let (htmlRun, htmlOut) = try Self.audit(["--format", "html,xml"])
        defer { try? FileManager.default.removeItem(at: htmlOut.deletingLastPathComponent()) }
        #expect(htmlRun.status == 0, "\(htmlRun.stderr)")
        #expect(Self.files(htmlOut) == ["plan.json", "report.html", "report.xml", "summary.json"])
        let (bad, _) = try Self.audit(["--format", "pdf"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown format 'pdf'"))
    }

    @Test func redactReplacesNamesEverywhereButThePlan() throws {
        let (run, out) = try Self.audit(["--redact-salt", "monthly-secret"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(run.status == 0, "\(run.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("users.csv"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let xml = try String(contentsOf: out.appendingPathComponent("report.xml"), encoding: .utf8)
        let plan = try String(contentsOf: out.appendingPathComponent("plan.json"), encoding: .utf8)
        for secret in ["Ana Souza", "ana.souza@acme.example", "Lena Petrova", "lena.petrova@acme.example"] {
            #expect(!csv.contains(secret) && !html.contains(secret) && !xml.contains(secret), "\(secret)")
        }
        #expect(plan.contains("Ana Souza"), "plan.json is never redacted")
        let ana = Redactor(salt: "monthly-secret").name(accountId: "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b01")
        #expect(csv.contains(ana) && html.contains(ana) && xml.contains(ana))
        // The same salt next month gives the same pseudonyms; no salt gives new ones each run.
        let (again, againOut) = try Self.audit(["--redact-salt", "monthly-secret"])
        defer { try? FileManager.default.removeItem(at: againOut.deletingLastPathComponent()) }
        #expect(again.status == 0)
        #expect(try String(contentsOf: againOut.appendingPathComponent("users.csv"), encoding: .utf8) == csv)
        let (random, randomOut) = try Self.audit(["--redact"])
        defer { try? FileManager.default.removeItem(at: randomOut.deletingLastPathComponent()) }
        #expect(random.status == 0)
        let randomCSV = try String(contentsOf: randomOut.appendingPathComponent("users.csv"), encoding: .utf8)
        #expect(!randomCSV.contains("Ana Souza") && !randomCSV.contains(ana))
    }

    @Test func templatesAndRowCap() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("<h1>Custom {{asOf}}</h1>{{#candidates}}{{total}} rows, {{shown}} shown{{/candidates}}\n".utf8).write(
            to: dir.appendingPathComponent("report.html.mustache"))
        let (run, out) = try Self.audit(["--format", "html", "--templates", dir.path, "--html-rows", "3"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html == "<h1>Custom 2026-11-01</h1>8 rows, 3 shown\n")
        let (capped, cappedOut) = try Self.audit(["--format", "html", "--html-rows", "3"])
        defer { try? FileManager.default.removeItem(at: cappedOut.deletingLastPathComponent()) }
        #expect(capped.status == 0)
        let page = try String(contentsOf: cappedOut.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("first 3 of 8 rows. The workbook report.xlsx holds every row."))
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let (bad, badOut) = try Self.audit(["--templates", empty.path])
        defer { try? FileManager.default.removeItem(at: badOut.deletingLastPathComponent()) }
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("has none of report.html.mustache"))
        #expect(!FileManager.default.fileExists(atPath: badOut.path + "/summary.json"), "nothing is written on error")
        try Data("{{#x}}".utf8).write(to: dir.appendingPathComponent("report.html.mustache"))
        let (broken, brokenOut) = try Self.audit(["--templates", dir.path])
        defer { try? FileManager.default.removeItem(at: brokenOut.deletingLastPathComponent()) }
        #expect(broken.status == 1)
        #expect(broken.stderr.contains(dir.path + "/report.html.mustache:"))
        #expect(Self.files(brokenOut).isEmpty, "no file, not even a temporary one, is left: \(Self.files(brokenOut))")
    }
}
