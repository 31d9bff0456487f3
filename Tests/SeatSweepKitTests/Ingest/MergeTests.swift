import Testing

@testable import SeatSweepKit

/// Several inputs in one run: merged by account id with documented, deterministic winners.
@Suite struct MergeTests {
    static let header =
        "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - SITE,Jira - SITE"

    static func export(site: String, _ rows: [String]) -> String {
        ([header.replacingOccurrences(of: "SITE", with: site)] + rows).joined(separator: "\n") + "\n"
    }

    @Test func oneExportPerSiteMergesByAccountId() throws {
        let a = Self.export(site: "acme", ["u1,Ann,ann@x.example,Active,1 Jan 2024,None,1 Oct 2026,User"])
        let b = Self.export(site: "acme-eu", ["u1,Ann,ann@x.example,Active,1 Jan 2024,None,Never accessed,User"])
        let r = try TestSupport.audit([("a.csv", a), ("b.csv", b)])
        #expect(r.directory.accounts.count == 1)
        #expect(Set(r.directory.accounts[0].seats.map(\.site)) == ["acme", "acme-eu"])
        #expect(r.summary.inputs.map(\.accounts) == [1, 1])
        #expect(r.diagnostics.warnings == 0)
    }

    @Test func conflictingValuesWarnAndTheFirstInputWins() throws {
        let a = Self.export(site: "acme", ["u1,Ann,ann@x.example,Active,1 Jan 2024,None,1 Oct 2026,User"])
        let b = Self.export(site: "acme", ["u1,Ann B,ann@x.example,Suspended,1 Jan 2024,None,1 Sep 2026,User"])
        let r = try TestSupport.audit([("a.csv", a), ("b.csv", b)])
        let ann = r.directory.accounts[0]
        #expect(ann.name == "Ann" && ann.status == .active)
        let conflicts = r.diagnostics.kept.filter { $0.code == "conflicting-value" }
        #expect(conflicts.count == 2)
        #expect(conflicts.allSatisfy { $0.location?.path == "b.csv" && $0.location?.line == 2 })
        #expect(conflicts.contains { $0.message.contains("'active'") && $0.message.contains("a.csv:2") })
        // Swapping the inputs swaps the winner: the rule is the command-line order.
        let swapped = try TestSupport.audit([("b.csv", b), ("a.csv", a)])
        #expect(swapped.directory.accounts[0].status == .suspended)
    }

    @Test func theMostRecentActivityWinsWhicheverInputHasIt() throws {
        let old = Self.export(site: "acme", ["u1,Ann,ann@x.example,Active,1 Jan 2024,None,1 Feb 2026,User"])
        let new = Self.export(site: "acme", ["u1,Ann,ann@x.example,Active,1 Jan 2024,None,1 Oct 2026,User"])
        for order in [[("o.csv", old), ("n.csv", new)], [("n.csv", new), ("o.csv", old)]] {
            let r = try TestSupport.audit(order)
            #expect(r.directory.accounts[0].seats[0].lastActive == .on(Day(year: 2026, month: 10, day: 1)!))
            #expect(r.findings.seats[0].status == .active)
        }
    }

    @Test func adminFlagsAndGroupsAreUnited() throws {
        let a = "User id,User name,email,User status,Org role,Group name\nu1,Ann,ann@x.example,Active,None,g1\n"
        let b = "User id,User name,email,User status,Org role,Group name\nu1,Ann,ann@x.example,Active,Org Admin,g2\n"
        let r = try TestSupport.audit([("a.csv", a), ("b.csv", b)])
        #expect(r.directory.accounts[0].isOrgAdmin)
        #expect(r.directory.accounts[0].groups == ["g1", "g2"])
    }
}
