import Foundation
import Testing

@testable import SeatSweepKit

/// The bundled sample audited with `Samples/pricing.yml`: the figures the README quotes, the
/// plan's savings, and golden files byte for byte.
@Suite struct PricingSampleTests {
    let d = PricingTestSupport.d

    static func sampleAudit() throws -> Audit.Result {
        func read(_ name: String) throws -> (text: String, sha256: String) {
            let data = try Data(contentsOf: TestSupport.sample(name))
            return (String(decoding: data, as: UTF8.self), Ingestor.sha256Hex(data))
        }
        let policy = try read("policy.yml")
        let pricing = try read("pricing.yml")
        let options = Audit.Options(
            policy: try PolicyLoader.load(policy.text, path: "Samples/policy.yml", sha256: policy.sha256),
            asOf: TestSupport.asOf, today: TestSupport.asOf, generatedAt: TestSupport.generatedAt,
            toolVersion: "0.1.0",
            pricing: try PricingLoader.load(pricing.text, path: "Samples/pricing.yml", sha256: pricing.sha256))
        return try Audit(options: options).run([
            TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")
        ])
    }

    @Test func sampleSavings() throws {
        let result = try Self.sampleAudit()
        let savings = try #require(result.summary.savings)
        // confluence@acme: 6 seats in the first band, 2 candidates × 6.40 = 12.80 a month.
        // jira@acme: 2 × 8.60 = 17.20 a month. jira@acme-eu (annual, 10-user tier) and
        // jira-service-management@acme (annual, 10-user tier) stay in their tier: 0.
        // Time tracking app: 2 jira candidates on each site × 1.20 = 2.40 a month, twice.
        #expect(savings.groups.map(\.monthlySavings) == [d("12.80"), d("17.20"), 0, 0])
        #expect(savings.apps.map(\.monthlySavings) == [d("2.40"), d("2.40")])
        #expect(savings.monthlySavings == d("34.80"))  // 12.80 + 17.20 + 2.40 + 2.40
        #expect(savings.annualSavings == d("417.60"))  // 153.60 + 206.40 + 28.80 + 28.80
        #expect(savings.group(product: "jira", site: "acme-eu")?.effectiveFrom == Day(iso: "2027-06-15"))
        #expect(result.diagnostics.warnings == 0)
        // Every candidate is planned, so the plan saves the same, and its digest covers the savings.
        #expect(result.plan.savings?.monthlySavings == "34.8")
        #expect(result.plan.savings?.annualSavings == "417.6")
        #expect(PlanCodec.integrity(result.plan) == .intact)
        var edited = result.plan
        edited.savings?.monthlySavings = "3480"
        #expect(PlanCodec.integrity(edited) != .intact)
    }

    @Test func goldenPricedSummaryAndPlan() throws {
        let result = try Self.sampleAudit()
        try TestSupport.assertGolden(SummaryRenderer.render(result.summary), "directory-summary-priced.json")
        try TestSupport.assertGolden(PlanCodec.encode(result.plan), "directory-plan-priced.json")
    }

    @Test func unpricedSubscriptionsAreNullInTheSummary() throws {
        let pricing = try PricingTestSupport.load(
            "currency: EUR\nsource: q\nproducts:\n  jira: {billing: monthly, perUser: 5}\n")
        let options = Audit.Options(
            asOf: TestSupport.asOf, today: TestSupport.asOf, generatedAt: TestSupport.generatedAt,
            toolVersion: "0.1.0", pricing: pricing)
        let result = try Audit(options: options).run([TestSupport.input(TestSupport.sample("directory-export.csv"))])
        let json =
            try JSONSerialization.jsonObject(with: Data(SummaryRenderer.render(result.summary))) as! [String: Any]
        let seats = json["seats"] as! [[String: Any]]
        let confluence = try #require(seats.first { $0["product"] as? String == "confluence" })
        for key in ["monthlyCost", "monthlySavings", "annualSavings", "currency", "billing", "effectiveFrom"] {
            #expect(confluence[key] is NSNull, "\(key)")
        }
        let jira = try #require(seats.first { $0["product"] as? String == "jira" && $0["site"] as? String == "acme" })
        #expect(jira["currency"] as? String == "EUR")
        // The default policy protects no one by e-mail: 3 candidates × 5 = 15.
        #expect((jira["monthlySavings"] as? NSNumber)?.intValue == 15)
        let pricingBlock = try #require(json["pricing"] as? [String: Any])
        #expect(pricingBlock["unpriced"] as? [String] == ["confluence", "jira-service-management"])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["currency"] as? String == "EUR")
    }

    @Test func withoutPricingEveryMoneyFieldIsNull() throws {
        let result = try TestSupport.audit([TestSupport.input(TestSupport.sample("directory-export.csv"))])
        let json =
            try JSONSerialization.jsonObject(with: Data(SummaryRenderer.render(result.summary))) as! [String: Any]
        #expect(json["pricing"] is NSNull)
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["monthlySavings"] is NSNull && totals["annualSavings"] is NSNull && totals["currency"] is NSNull)
        #expect(result.plan.savings == nil)
    }
}

/// `seatsweep init` writes exactly the bundled samples, and they load cleanly.
@Suite struct StarterFilesTests {
    @Test(arguments: ["policy.yml", "pricing.yml"])
    func samplesAreTheStarterFiles(name: String) throws {
        let text = name == "policy.yml" ? StarterFiles.policy : StarterFiles.pricing
        let sample = try Data(contentsOf: TestSupport.sample(name))
        #expect(
            sample == Data(text.utf8),
            "Samples/\(name) and StarterFiles differ: edit both (init writes StarterFiles, the README audits Samples)")
    }

    @Test func starterFilesLoadWithoutProblems() throws {
        let policy = try PolicyLoader.load(StarterFiles.policy, path: "policy.yml", sha256: "0")
        #expect(policy.defaultThreshold == 90)
        let pricing = try PricingLoader.load(StarterFiles.pricing, path: "pricing.yml", sha256: "0")
        #expect(pricing.warnings.isEmpty)
        #expect(pricing.source.contains("EXAMPLE PRICES"))
        #expect(pricing.source.contains("replace"))
    }
}
