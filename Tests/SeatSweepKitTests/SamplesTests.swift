import Foundation
import Testing

@testable import SeatSweepKit

/// The bundled samples: every layout reads, the directory sample's verdicts are the ones the
/// README describes, and the summary and plan match golden files byte for byte.
@Suite struct SamplesTests {
    static let policy: Policy = {
        let url = TestSupport.sample("policy.yml")
        let data = try! Data(contentsOf: url)
        return try! PolicyLoader.load(
            String(decoding: data, as: UTF8.self), path: "Samples/policy.yml", sha256: Ingestor.sha256Hex(data))
    }()

    @Test func directorySampleVerdicts() throws {
        let result = try TestSupport.audit(
            [TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")],
            policy: Self.policy)
        func status(_ name: String, _ product: String, _ site: String = "acme") -> String? {
            guard let f = TestSupport.finding(result, name: name, product: product, site: site) else { return nil }
            return f.isCandidate ? "candidate" : f.status.rawValue + (f.protection != nil ? "+protected" : "")
        }
        #expect(status("Ana Souza", "confluence") == "candidate")
        #expect(status("Ana Souza", "jira") == "active")
        #expect(status("Bram de Vries", "jira") == "inactive+protected")  // org admin
        #expect(status("Chen Wei", "jira") == "active")  // exactly 90 days
        #expect(status("Dana Kowalski", "jira") == "grace")
        #expect(status("Emeka Obi", "jira") == nil)  // suspended: not billable
        #expect(status("Fatima Zahra", "jira") == "inactive+protected")  // User access admin
        #expect(status("Trello", "jira") == nil)  // app account: not billable
        #expect(status("Ingrid Larsen", "confluence") == nil)  // guest
        #expect(status("Jamal Haddad", "jira") == nil)  // deactivated
        #expect(status("Lena Petrova", "jira") == "inactive+protected")  // policy email
        #expect(status("Marco \"Il Capo\" Bianchi", "jira", "acme-eu") == "grace")
        #expect(status("Nadia Rahman", "jira") == "candidate")  // joined exactly graceDays ago
        #expect(result.plan.actions.count == 8)
        #expect(result.findings.protectedAccounts.count == 4)
    }

    @Test(arguments: [
        ("legacy-site-export.csv", "legacy-site"), ("transitional-export.csv", "transitional"),
        ("directory-export.csv", "directory"), ("managed-accounts-export.csv", "managed-accounts"),
        ("api/users-search.json", "api-v2-search"), ("api/org-users-v1.json", "api-v1-users"),
    ])
    func everySampleReads(file: String, layout: String) throws {
        let result = try TestSupport.audit([TestSupport.input(TestSupport.sample(file))])
        #expect(result.directory.inputs[0].layout == layout)
        #expect(result.directory.accounts.count > 0)
    }

    /// Each sample with an audit date suited to its era, and the golden file stem.
    static let goldenCases: [(files: [String], asOf: String, golden: String)] = [
        (["directory-export.csv"], "2026-11-01", "directory"),
        (["legacy-site-export.csv"], "2018-07-01", "legacy-site"),
        (["transitional-export.csv"], "2021-09-01", "transitional"),
        (["managed-accounts-export.csv"], "2026-11-01", "managed-accounts"),
        (
            ["api/org-users-v1.json", "api/last-active-dates-5b10ac8d82e05b22cc7d4f02.json", "api/users-search.json"],
            "2026-11-01", "api"
        ),
    ]

    @Test(arguments: goldenCases.map(\.golden))
    func goldenSummaryAndPlan(golden: String) throws {
        let c = Self.goldenCases.first { $0.golden == golden }!
        let inputs = try c.files.map { try TestSupport.input(TestSupport.sample($0), as: "Samples/" + $0) }
        let result = try TestSupport.audit(inputs, policy: Self.policy, asOf: Day(iso: c.asOf))
        try TestSupport.assertGolden(SummaryRenderer.render(result.summary), "\(golden)-summary.json")
        try TestSupport.assertGolden(PlanCodec.encode(result.plan), "\(golden)-plan.json")
    }
}
