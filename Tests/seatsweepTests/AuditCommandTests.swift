import Foundation
import SeatSweepKit
import Testing
import ZIPFoundation

/// `seatsweep audit` as a process: exit codes, messages, and what it writes (or does not).
@Suite struct AuditCommandTests {
    static let sampleArgs = ["Samples/directory-export.csv", "--policy", "Samples/policy.yml", "--as-of", "2026-11-01"]

    @Test func sampleRunWritesPrivateFiles() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report").path
        let run = try CLI.run(["audit"] + Self.sampleArgs + ["--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("8 candidate seats"))
        #expect(run.stdout.contains("as of 2026-11-01 (from --as-of)"))
        for name in ["summary.json", "plan.json", "users.csv", "report.html", "report.xlsx", "report.xml"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name) must be 0600")
            #expect(run.stdout.contains(out + "/" + name), "the audit prints the path of \(name)")
        }
        // Only the reports are left: no temporary files or directories.
        let left = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(left == ["plan.json", "report.html", "report.xlsx", "report.xml", "summary.json", "users.csv"])
    }

    @Test func jsonFlagPrintsTheSummary() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["audit"] + Self.sampleArgs + ["--out", dir.path, "--json", "--format", "json"])
        #expect(run.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect((summary?["totals"] as? [String: Any])?["candidates"] as? Int == 8)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("users.csv").path))
    }

    @Test func sameInputsGiveByteIdenticalOutputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a").path
        let b = dir.appendingPathComponent("b").path
        let c = dir.appendingPathComponent("c").path
        #expect(try CLI.run(["audit"] + Self.sampleArgs + ["--out", a]).status == 0)
        #expect(try CLI.run(["audit"] + Self.sampleArgs + ["--out", b]).status == 0)
        #expect(
            try CLI.run(["audit"] + Self.sampleArgs + ["--out", c], environment: ["SOURCE_DATE_EPOCH": "1793606400"])
                .status == 0)
        for name in ["summary.json", "plan.json", "users.csv"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: a + "/" + name))
                    == Data(contentsOf: URL(fileURLWithPath: b + "/" + name)))
        }
        // A different generation time changes only generatedAt, expiresAt, planId and the digest.
        for name in ["summary.json", "plan.json"] {
            let x = try Self.normalised(a + "/" + name)
            let y = try Self.normalised(c + "/" + name)
            #expect(x == y, "\(name) differs beyond generatedAt/planId")
        }
    }

    static func normalised(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").filter { line in
            !["\"generatedAt\"", "\"expiresAt\"", "\"planId\"", "\"digest\""].contains { line.contains($0) }
        }.joined(separator: "\n")
    }

    /// A bad input fails with exit 1, names the file (and line/column), and leaves the previous
    /// report byte for byte as it was.
    @Test(arguments: [
        (
            "unterminated.csv", "User id,User name,email,User status\nu1,\"Ann,a@x.example,Active\n",
            "unterminated.csv:2:4: error:"
        ),
        ("unknown.csv", "Name,Cost centre\nAnn,42\n", "unknown.csv:1:1: error: unknown layout"),
        (
            "missing.csv", "User id,User name,email\nu1,A,a@x.example\n",
            "missing.csv:1:1: error: missing required column 'User status'"
        ),
        ("empty.csv", "", "empty.csv: error: the file is empty"),
        ("binary.csv", "PK\u{3}\u{4}\u{0}\u{0}", "binary.csv: error: this is a zip archive"),
        ("latin1.csv", "", "latin1.csv:2:5: error: the text is not valid UTF-8"),
        ("broken.json", "{\"data\": [\n{\"accountId\": }]}", "broken.json:2:15: error: invalid JSON"),
        (
            "dates.csv", "User id,User name,email,User status,Added to org\nu1,A,a@x.example,Active,01/02/2024\n",
            "dates.csv:2:25: error: column 'Added to org'"
        ),
    ])
    func badInputFailsAndWritesNothing(name: String, content: String, expected: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report")
        #expect(try CLI.run(["audit"] + Self.sampleArgs + ["--out", out.path]).status == 0)
        let before = CLI.snapshot(out)
        var data = Data(content.utf8)
        if name == "latin1.csv" {
            data =
                Data("User id,User name,email,User status\nu1,M".utf8) + Data([0xFC])
                + Data("ller,m@x.example,Active\n".utf8)
        }
        try data.write(to: dir.appendingPathComponent(name))
        let run = try CLI.run(["audit", name, "--out", out.path], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains(expected), "stderr was: \(run.stderr)")
        #expect(run.stderr.contains("hint:"))
        #expect(run.stdout.isEmpty)
        #expect(CLI.snapshot(out) == before, "the previous report changed")
    }

    @Test func missingPathFailsAndCreatesNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["audit", "no-such-export.csv", "--out", "report"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("no-such-export.csv: error: no such file"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report").path))
    }

    @Test func badPolicyFailsWithItsLine() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "graceDays: -3\n".write(to: dir.appendingPathComponent("policy.yml"), atomically: true, encoding: .utf8)
        let export = CLI.root.appendingPathComponent("Samples/directory-export.csv").path
        let run = try CLI.run(["audit", export, "--policy", "policy.yml", "--out", "r"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("policy.yml:1:12: error: graceDays must be between 0 and 3650, not -3"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r").path))
    }

    @Test func strictTurnsWarningsIntoExit2AndWritesNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv =
            "User id,User name,email,User status,Last seen in Jira - acme,Jira - acme\nu1,A,a@x.example,Active,1 Jan 2026,Mystery\n"
        try csv.write(to: dir.appendingPathComponent("w.csv"), atomically: true, encoding: .utf8)
        let lenient = try CLI.run(["audit", "w.csv", "--out", "lenient"], in: dir)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("w.csv:2:36: warning: unknown access 'Mystery' in 'Jira - acme'"))
        let strict = try CLI.run(["audit", "w.csv", "--out", "strict", "--strict"], in: dir)
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("under --strict; nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("strict").path))
    }

    @Test(arguments: [
        (["audit"], "give at least one input"),
        (["audit", "x.csv", "--as-of", "1/11/2026"], "--as-of must be a date like 2026-11-01"),
        (["audit", "x.csv", "--format", "pdf"], "unknown format 'pdf'"),
        (["audit", "x.csv", "--date-format", "banana"], "--date-format must be a pattern"),
        (["audit", "x.csv", "--no-such-flag"], "Unknown option"),
    ])
    func usageErrorsExit64(args: [String], message: String) throws {
        let run = try CLI.run(args)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "stderr was: \(run.stderr)")
    }

    @Test func severalInputsAndAPIDumps() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run([
            "audit", "Samples/api/org-users-v1.json", "Samples/api/last-active-dates-5b10ac8d82e05b22cc7d4f02.json",
            "Samples/api/users-search.json", "--as-of", "2026-11-01", "--out", dir.path, "--format", "json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json")))
            as? [String: Any]
        let inputs = summary?["inputs"] as? [[String: Any]]
        #expect(inputs?.map { $0["layout"] as? String } == ["api-v1-users", "api-last-active-dates", "api-v2-search"])
    }

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
        #expect(jsonRun.stderr.hasPrefix("seatsweep: wrote "))
        #expect(
            jsonRun.stderr.contains(jsonOut.path + "/summary.json")
                && jsonRun.stderr.contains(jsonOut.path + "/plan.json"))
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

/// Progress goes to a terminal only: under a pseudo-terminal (`script`) stderr shows what is being
/// read and written; through a pipe, not a byte of it.
@Suite struct ProgressTests {
    @Test func progressOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record(
                "`script` (util-linux, Debian package bsdutils) is needed to run seatsweep under a pseudo-terminal")
            return
        }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = [
            CLI.binary.path, "audit", "Samples/directory-export.csv", "--as-of", "2026-11-01", "--out", dir.path,
        ]
        .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = CLI.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("seatsweep: reading Samples/directory-export.csv 100%"), "\(text)")
        #expect(text.contains("seatsweep: writing plan.json"))
        #expect(text.contains("\r\u{1B}[2K"))
    }

    @Test func noProgressThroughAPipe() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["audit", "Samples/directory-export.csv", "--as-of", "2026-11-01", "--out", dir.path])
        #expect(run.status == 0)
        #expect(!run.stderr.contains("reading"))
        #expect(!run.stderr.contains("\r"))
        #expect(!run.stdout.contains("\r"))
    }
}

/// The digest is SHA-256 of a standard canonical form, so anyone can check a plan without
/// seatsweep: Python's json module recomputes it (the README shows how).
@Suite struct PlanDigestVerificationTests {
    static let verifier = """
        import hashlib, json, sys
        plan = json.load(open(sys.argv[1], encoding="utf-8"))
        recorded = plan.pop("digest")
        plan.pop("reviews", None)
        for action in plan["actions"]:
            for key in ("decision", "decidedBy", "decidedAt"):
                action.pop(key, None)
        canonical = json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        print("ok" if hashlib.sha256(canonical).hexdigest() == recorded else "mismatch")
        """

    @Test(arguments: ["Samples/directory-export.csv", "Tests/SeatSweepKitTests/Fixtures/hostile-export.csv"])
    func pythonRecomputesTheDigest(export: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["audit", export, "--as-of", "2026-11-01", "--out", dir.path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let script = dir.appendingPathComponent("verify.py")
        try Self.verifier.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, dir.appendingPathComponent("plan.json").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(
            process.terminationStatus != 127,
            "python3 is needed to verify plan digests independently (apt-get install python3)")
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        let plan = try String(contentsOf: dir.appendingPathComponent("plan.json"), encoding: .utf8)
        #expect(plan.contains("\"actions\": [\n    {"), "the plan has actions to check")
    }
}
