import Foundation
import Testing

@testable import SeatSweepKit

/// Plans for the review, journal, apply and undo tests.
enum PlanFixtures {
    /// The sample export audited with the sample policy: eight remove-product-access actions.
    static func samplePlan() throws -> Plan {
        let policyText = try String(contentsOf: TestSupport.sample("policy.yml"), encoding: .utf8)
        let policy = try PolicyLoader.load(policyText, path: "Samples/policy.yml", sha256: "0")
        let options = Audit.Options(
            policy: policy, asOf: TestSupport.asOf, today: TestSupport.asOf, generatedAt: TestSupport.generatedAt,
            toolVersion: "0.1.0")
        let input = try TestSupport.input(
            TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")
        return try Audit(options: options).run([input]).plan
    }

    /// One action with everything a test does not care about filled in.
    static func action(
        _ kind: PlanAction.Kind = .removeProductAccess, account: String = "712020:aaaa",
        email: String = "a@acme.example",
        name: String = "A", product: String? = "jira", site: String? = "acme", groups: [String] = ["jira-users-acme"],
        targets: [PlanGroup]? = nil, decision: PlanAction.Decision = .pending
    ) -> PlanAction {
        PlanAction(
            id: "", kind: kind, accountId: account, email: email, name: name, product: product, site: site,
            groups: groups, targetGroups: targets, seats: [], lastActive: nil, daysInactive: 120, reason: "test",
            evidence: PlanEvidence(path: "export.csv", line: 2), decision: decision, decidedBy: nil, decidedAt: nil)
    }

    /// A plan holding `actions` (ids assigned, digest computed), generated at the test epoch.
    static func plan(
        _ actions: [PlanAction], orgId: String? = "org-1",
        protect: PlanProtect = PlanProtect(
            accountIds: [], domains: [], emails: [], groups: []),
        expiresAt: Timestamp = TestSupport.generatedAt + 14 * 86_400
    ) -> Plan {
        var actions = actions
        Planner.assignIds(&actions)
        var plan = Plan(
            schemaVersion: 1, planId: "plan-1", tool: "seatsweep 0.1.0", generatedAt: TestSupport.generatedAt.iso,
            asOf: TestSupport.asOf.iso, expiresAt: expiresAt.iso,
            source: PlanSource(inputs: [], policy: nil, orgId: orgId, sites: ["acme"]),
            rules: PlanRules(
                action: "remove-product-access", defaultThreshold: 90, thresholds: [:], graceDays: 30,
                accessGroups: [:], protect: protect),
            savings: nil, actions: actions, digest: "", reviews: [])
        plan.digest = PlanCodec.digest(plan)
        return plan
    }

    /// The error a throwing call raised.
    static func error<T>(_ body: () throws -> T) -> SeatSweepError? {
        do {
            _ = try body()
            return nil
        } catch let error as SeatSweepError {
            return error
        } catch {
            return SeatSweepError("unexpected \(error)")
        }
    }

    static func fixture(_ name: String) -> URL { TestSupport.fixture("review/\(name)") }
}
