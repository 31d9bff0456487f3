import Foundation
import Testing

/// `seatsweep audit --pricing` as a process: the savings it prints and writes, and the pricing
/// mistakes that stop it with nothing written.
@Suite struct PricingCommandTests {
    static let sample = [
        "audit", "Samples/directory-export.csv", "--policy", "Samples/policy.yml", "--pricing", "Samples/pricing.yml",
        "--as-of", "2026-11-01",
    ]

    @Test func samplePricingPrintsAndWritesSavings() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report").path
        let run = try CLI.run(Self.sample + ["--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        // Per subscription, then the total; rounded to cents only here.
        #expect(run.stdout.contains("savings in USD if every candidate seat is removed"))
        #expect(run.stdout.contains("prices from Samples/pricing.yml: EXAMPLE PRICES ONLY"))
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let jira = try #require(lines.first { $0.hasPrefix("  jira ") && $0.contains("monthly") })
        #expect(jira.contains("17.20") && jira.contains("206.40") && jira.contains("2026-12-01"))
        let total = try #require(lines.last { $0.hasPrefix("  total") })
        #expect(total.contains("34.80") && total.contains("417.60"))
        let summary =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let totals = summary["totals"] as! [String: Any]
        #expect((totals["monthlySavings"] as? NSNumber)?.decimalValue == Decimal(string: "34.8"))
        #expect(totals["currency"] as? String == "USD")
        let plan =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out + "/plan.json"))) as! [String: Any]
        #expect((plan["savings"] as? [String: Any])?["annualSavings"] as? String == "417.6")
    }

    @Test func jsonOutputCarriesTheSavings() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(Self.sample + ["--out", dir.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect((summary["pricing"] as? [String: Any])?["path"] as? String == "Samples/pricing.yml")
    }

    /// Writes `yaml` as `pricing.yml` in `dir` and audits the sample with it into `dir/report`.
    static func audit(pricing yaml: String, in dir: URL, _ extra: [String] = []) throws -> (CLI.Run, pricing: String) {
        let pricing = dir.appendingPathComponent("pricing.yml")
        try Data(yaml.utf8).write(to: pricing)
        let run = try CLI.run(
            [
                "audit", "Samples/directory-export.csv", "--pricing", pricing.path, "--as-of", "2026-11-01", "--out",
                dir.appendingPathComponent("report").path,
            ] + extra)
        return (run, pricing.path)
    }

    @Test func aBadPricingFileStopsWithEveryProblemAndWritesNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (run, pricing) = try Self.audit(
            pricing: """
                currency: USD
                source: test
                products:
                  jira: {billing: weekly, perUser: 8}
                  confluence: {billing: monthly, perUser: -1}

                """, in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(pricing):4:"))
        #expect(run.stderr.contains("unknown billing 'weekly'"))
        #expect(run.stderr.contains("\(pricing):5:"))
        #expect(run.stderr.contains("must not be negative"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report").path))
    }

    @Test func mixedCurrenciesStopTheAudit() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (run, _) = try Self.audit(
            pricing: """
                currency: USD
                source: test
                products:
                  jira: {billing: monthly, perUser: 8}
                sites:
                  acme-eu:
                    jira: {billing: monthly, currency: EUR, perUser: 7}

                """, in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("more than one currency"))
        #expect(run.stderr.contains("hint: seatsweep does not convert currencies"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report").path))
    }

    @Test func pricingWarningsCountUnderStrict() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = "currency: USD\nsource: test\nproducts:\n  jria: {billing: monthly, perUser: 8}\n"
        let (lenient, pricing) = try Self.audit(pricing: yaml, in: dir)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("\(pricing):4:3: warning:"))
        #expect(lenient.stderr.contains("did you mean 'jira'?"))
        #expect(lenient.stdout.contains("unpriced (not in the total): confluence, jira, jira-service-management"))
        #expect(try Self.audit(pricing: yaml, in: dir, ["--strict"]).0.status == 2)
    }

    @Test func aMissingPricingFileIsAClearError() throws {
        let run = try CLI.run([
            "audit", "Samples/directory-export.csv", "--pricing", "no-such-pricing.yml", "--out", "/nonexistent/x",
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no-such-pricing.yml: error: no such file"))
        #expect(run.stderr.contains("check the path of the pricing file"))
    }
}
