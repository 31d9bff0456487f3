import Testing

@testable import SeatSweepKit

/// Every rule boundary of design.md §3, one account per case, as of 2026-11-01, threshold 90, grace 30.
@Suite struct RulesTests {
    /// A directory export with one Jira seat per row.
    static func audit(_ rows: [String], policy: Policy = Policy()) throws -> Audit.Result {
        let header = "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme"
        return try TestSupport.audit([("rules.csv", ([header] + rows).joined(separator: "\n"))], policy: policy)
    }

    /// The verdict for the only account: "candidate", a status, "+protected", or "not billable".
    static func verdict(_ row: String, policy: Policy = Policy()) throws -> String {
        let r = try audit([row], policy: policy)
        guard let f = r.findings.seats.first else { return "not billable" }
        if f.isCandidate { return "candidate" }
        return f.status.rawValue + (f.protection != nil ? "+protected" : "") + (f.inScope ? "" : "+excluded")
    }

    @Test(arguments: [
        ("threshold day: 90 days is active", "u,A,a@x.example,Active,1 Jan 2020,None,3 Aug 2026,User", "active"),
        ("threshold + 1: 91 days is inactive", "u,A,a@x.example,Active,1 Jan 2020,None,2 Aug 2026,User", "candidate"),
        (
            "never used, joined 29 days ago: grace", "u,A,a@x.example,Active,3 Oct 2026,None,Never accessed,User",
            "grace"
        ),
        (
            "never used, joined 30 days ago: no grace", "u,A,a@x.example,Active,2 Oct 2026,None,Never accessed,User",
            "candidate"
        ),
        ("never used, join date unknown: no grace", "u,A,a@x.example,Active,,None,Never accessed,User", "candidate"),
        ("org admin", "u,A,a@x.example,Active,1 Jan 2020,Org Admin,1 Jan 2026,User", "inactive+protected"),
        (
            "admin token in an access cell",
            "u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,\"User,User access admin\"", "inactive+protected"
        ),
        (
            "app account by e-mail", "u,Bot,bot@connect.atlassian.com,Active,1 Jan 2020,None,1 Jan 2026,User",
            "not billable"
        ),
        ("suspended", "u,A,a@x.example,Suspended,1 Jan 2020,None,1 Jan 2026,User", "not billable"),
        ("deactivated", "u,A,a@x.example,Deactivated,1 Jan 2020,None,1 Jan 2026,User", "not billable"),
        ("None", "u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,None", "not billable"),
        ("Guest", "u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,Guest", "not billable"),
        ("empty access cell", "u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,", "not billable"),
        ("no activity data", "u,A,a@x.example,Active,1 Jan 2020,None,,User", "unknown"),
        ("joined within grace, used long ago", "u,A,a@x.example,Active,20 Oct 2026,None,1 Jan 2026,User", "grace"),
        ("activity after the audit date", "u,A,a@x.example,Active,1 Jan 2020,None,5 Nov 2026,User", "active"),
    ])
    func boundary(description: String, row: String, expected: String) throws {
        #expect(try Self.verdict(row) == expected, "\(description)")
    }

    @Test func daysInactiveIsWholeDaysToTheAuditDate() throws {
        let r = try Self.audit(["u,A,a@x.example,Active,1 Jan 2020,None,2 Aug 2026,User"])
        #expect(r.findings.seats[0].daysInactive == 91)
        #expect(r.findings.seats[0].reason == "no use for 91 days (more than 90); last active 2026-08-02")
    }

    @Test func perProductThresholdsAndGrace() throws {
        var policy = Policy()
        policy.thresholds = ["jira": 100]
        policy.graceDays = 10
        #expect(try Self.verdict("u,A,a@x.example,Active,1 Jan 2020,None,2 Aug 2026,User", policy: policy) == "active")
        // graceDays 10: joined 9 days ago is within grace, exactly 10 days ago is not.
        #expect(
            try Self.verdict("u,A,a@x.example,Active,23 Oct 2026,None,Never accessed,User", policy: policy) == "grace")
        #expect(
            try Self.verdict("u,A,a@x.example,Active,22 Oct 2026,None,Never accessed,User", policy: policy)
                == "candidate")
    }

    @Test(arguments: [
        ("emails", "A@X.example", "inactive+protected"), ("emails", "*@x.example", "inactive+protected"),
        ("domains", "x.example", "inactive+protected"), ("domains", "*.example", "inactive+protected"),
        ("accountIds", "u", "inactive+protected"), ("groups", "vip-*", "inactive+protected"),
        ("emails", "b@x.example", "candidate"), ("groups", "other", "candidate"),
    ])
    func policyProtections(list: String, pattern: String, expected: String) throws {
        var policy = Policy()
        switch list {
        case "emails": policy.protectEmails = [pattern]
        case "domains": policy.protectDomains = [pattern]
        case "accountIds": policy.protectAccountIds = [pattern]
        default: policy.protectGroups = [pattern]
        }
        let header =
            "Group name,User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme"
        let csv = header + "\nvip-team,u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,User\n"
        let r = try TestSupport.audit([("p.csv", csv)], policy: policy)
        let f = try #require(r.findings.seats.first)
        #expect((f.isCandidate ? "candidate" : "inactive" + (f.protection != nil ? "+protected" : "")) == expected)
    }

    @Test func adminGroupsProtect() throws {
        let header =
            "Group name,User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme"
        for group in ["site-admins", "administrators", "jira-admins", "confluence-administrators"] {
            let csv = header + "\n\(group),u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,User\n"
            let r = try TestSupport.audit([("g.csv", csv)])
            #expect(r.findings.seats[0].protection == "member of admin group '\(group)'")
            #expect(r.plan.actions.isEmpty)
        }
    }

    @Test func excludedProductsAreCountedButNotPlanned() throws {
        var policy = Policy()
        policy.excludeProducts = ["jira"]
        #expect(
            try Self.verdict("u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,User", policy: policy)
                == "inactive+excluded")
        policy = Policy()
        policy.includeProducts = ["confluence"]
        let r = try Self.audit(["u,A,a@x.example,Active,1 Jan 2020,None,1 Jan 2026,User"], policy: policy)
        #expect(r.summary.groups[0].inScope == false && r.summary.groups[0].inactive == 1 && r.plan.actions.isEmpty)
    }

    @Test func suspendWhenEverySeatIsACandidate() throws {
        var policy = Policy()
        policy.action = .suspend
        let header =
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Last seen in Confluence - acme,Jira - acme,Confluence - acme"
        let csv = [
            header,
            "all,All Idle,all@x.example,Active,1 Jan 2020,None,1 Jan 2026,Never accessed,User,User",
            "part,Part Idle,part@x.example,Active,1 Jan 2020,None,1 Jan 2026,30 Oct 2026,User,User",
        ].joined(separator: "\n")
        let r = try TestSupport.audit([("s.csv", csv)], policy: policy)
        let kinds = r.plan.actions.map { "\($0.accountId):\($0.kind.rawValue)" }
        #expect(kinds == ["all:suspend", "part:remove-product-access"])
        let suspend = r.plan.actions[0]
        #expect(suspend.product == nil && suspend.seats.map(\.product) == ["jira", "confluence"])
    }

    @Test func idpSyncedAccountsAreNeverSuspended() throws {
        var policy = Policy()
        policy.action = .suspend
        let r = try TestSupport.audit([TestSupport.input(TestSupport.sample("api/users-search.json"))], policy: policy)
        // Aiko (invited, both seats idle) is suspended.
        #expect(r.plan.actions.contains { $0.name == "Aiko Sato" && $0.kind == .suspend })
        #expect(!r.plan.actions.contains { $0.kind == .suspend && $0.name == "Zoltan Kiss" })
    }

    @Test func summaryCountsPerSeatGroup() throws {
        let r = try Self.audit([
            "a,A,a@x.example,Active,1 Jan 2020,None,1 Oct 2026,User",
            "b,B,b@x.example,Active,1 Jan 2020,None,Never accessed,User",
            "c,C,c@x.example,Active,1 Jan 2020,Org Admin,Never accessed,User",
            "d,D,d@x.example,Active,25 Oct 2026,None,Never accessed,User",
        ])
        let g = try #require(r.summary.groups.first)
        #expect((g.billable, g.inactive, g.neverAccessed, g.protected, g.candidates) == (4, 2, 3, 1, 1))
        #expect(r.summary.accounts == 4 && r.summary.protectedAccounts == 1)
    }

    @Test func legacyCandidatesAreReportedButNotPlanned() throws {
        let r = try TestSupport.audit([TestSupport.input(TestSupport.fixture("legacy-site.csv"))])
        #expect(r.summary.candidates > 0)
        #expect(r.plan.actions.isEmpty)
        #expect(r.diagnostics.kept.contains { $0.code == "legacy-no-account-id" })
    }
}
