import Foundation
import Testing

@testable import SeatSweepKit

/// The checks apply makes before it sends anything.
@Suite struct ApplyGateTests {
    let now = TestSupport.generatedAt + 86_400
    func gate(maxActions: Int = 100, orgId: String? = "org-1") -> ApplyGate {
        ApplyGate(now: now, maxActions: maxActions, orgId: orgId)
    }

    @Test func anIntactApprovedPlanPasses() throws {
        let plan = PlanFixtures.plan([
            PlanFixtures.action(decision: .approved), PlanFixtures.action(account: "712020:b", decision: .rejected),
        ])
        let approved = try gate().check(plan, path: "plan.json")
        #expect(approved.map(\.id) == [plan.actions[0].id])
    }

    @Test func tamperedExpiredAndUnapprovedAreAllReported() throws {
        var plan = PlanFixtures.plan([PlanFixtures.action()], expiresAt: now)
        plan.actions[0].groups.append("extra")
        let problems = gate().problems(plan, path: "plan.json").map(\.message)
        #expect(problems.count == 3)
        #expect(problems[0].contains("changed after the audit"))
        #expect(problems[1].hasPrefix("the plan expired at \(now.iso)"))
        #expect(problems[2].hasPrefix("no action in the plan is approved"))
    }

    @Test func expiryIsExclusive() throws {
        let justBefore = PlanFixtures.plan([PlanFixtures.action(decision: .approved)], expiresAt: now + 1)
        #expect(gate().problems(justBefore, path: "p").isEmpty)
        let atExpiry = PlanFixtures.plan([PlanFixtures.action(decision: .approved)], expiresAt: now)
        #expect(gate().problems(atExpiry, path: "p").count == 1)
    }

    @Test func moreApprovedActionsThanTheLimitAreRefused() throws {
        let plan = PlanFixtures.plan(
            (0..<3).map { PlanFixtures.action(account: "712020:\($0)", decision: .approved) })
        #expect(gate(maxActions: 3).problems(plan, path: "p").isEmpty)
        let problems = gate(maxActions: 2).problems(plan, path: "p")
        #expect(problems.map(\.message) == ["3 actions are approved, more than the limit of 2; nothing was sent"])
        #expect(problems.first?.hint == "pass --max-actions 3 if you mean to apply them all in one run")
    }

    @Test(arguments: [
        (PlanFixtures.action(email: "svc@connect.atlassian.com", decision: .approved), "app or bot account"),
        (PlanFixtures.action(groups: ["site-admins"], decision: .approved), "admin group 'site-admins'"),
        (PlanFixtures.action(email: "ceo@acme.example", decision: .approved), "protect.emails 'CEO@*'"),
        (PlanFixtures.action(email: "x@partner.example", decision: .approved), "protect.domains 'partner.*'"),
        (PlanFixtures.action(account: "712020:vip", decision: .approved), "protect.accountIds '*:vip'"),
        (PlanFixtures.action(groups: ["executives"], decision: .approved), "protect.groups 'exec*'"),
    ])
    func protectedAccountsAreRefused(_ action: PlanAction, _ reason: String) throws {
        let protect = PlanProtect(accountIds: ["*:vip"], domains: ["partner.*"], emails: ["CEO@*"], groups: ["exec*"])
        let plan = PlanFixtures.plan([action], protect: protect)
        let problems = gate().problems(plan, path: "p")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains(reason) == true, "\(problems)")
    }

    @Test func restoresAreNotBlockedByProtections() throws {
        let target = [PlanGroup(groupId: "g-1", name: "site-admins")]
        let plan = PlanFixtures.plan([
            PlanFixtures.action(.restoreGroups, groups: ["site-admins"], targets: target, decision: .approved)
        ])
        #expect(gate().problems(plan, path: "p").isEmpty)
    }

    @Test(arguments: [
        (PlanFixtures.action(site: nil, decision: .approved), "it has no site"),
        (
            PlanFixtures.action(site: "3f2a1b4c-1111-2222-3333-444455556666", decision: .approved),
            "not an atlassian.net site"
        ),
        (PlanFixtures.action(site: "jira.example.com", decision: .approved), "not an atlassian.net site"),
        (PlanFixtures.action(site: "Acme", decision: .approved), "not an atlassian.net site"),
        (PlanFixtures.action(product: nil, decision: .approved), "names no product"),
        (PlanFixtures.action(account: "a/../b", decision: .approved), "not a valid Atlassian account id"),
        (PlanFixtures.action(.restoreGroups, targets: [], decision: .approved), "no group to re-add"),
        (
            PlanFixtures.action(.restoreGroups, targets: [PlanGroup(groupId: "a&b", name: "x")], decision: .approved),
            "group id"
        ),
    ])
    func actionsThatCannotBeCarriedOutAreRefused(_ action: PlanAction, _ reason: String) throws {
        let problems = gate().problems(PlanFixtures.plan([action]), path: "p")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains(reason) == true, "\(problems)")
    }

    @Test func suspensionsNeedTheOrganisation() throws {
        let plan = PlanFixtures.plan(
            [PlanFixtures.action(.suspend, product: nil, site: nil, decision: .approved)], orgId: nil)
        #expect(gate(orgId: nil).problems(plan, path: "p").first?.message.contains("pass --org ORG") == true)
        #expect(gate(orgId: "org-1").problems(plan, path: "p").isEmpty)
    }

    @Test(arguments: ["acme", "acme-eu", "a", "x1-2"])
    func addressableSites(_ site: String) { #expect(AccessRules.isAddressableSite(site)) }

    @Test(arguments: [
        "", "-acme", "acme-", "acme.atlassian.net", "ACME", "acme/x", "a b",
        "3f2a1b4c-1111-2222-3333-444455556666", String(repeating: "a", count: 64),
    ])
    func unaddressableSites(_ site: String) { #expect(!AccessRules.isAddressableSite(site)) }
}
