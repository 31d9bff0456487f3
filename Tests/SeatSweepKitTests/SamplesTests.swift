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

    @Test func goldenSummaryAndPlan() throws {
        let result = try TestSupport.audit(
            [TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")],
            policy: Self.policy)
        try TestSupport.assertGolden(SummaryRenderer.render(result.summary), "directory-summary.json")
        try TestSupport.assertGolden(PlanCodec.encode(result.plan), "directory-plan.json")
    }
}
