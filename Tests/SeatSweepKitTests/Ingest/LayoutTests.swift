import Foundation
import Testing

@testable import SeatSweepKit

/// Every export layout and API dump shape, read from fixtures built on the real header lines.
@Suite struct LayoutTests {
    func audit(_ names: [String], policy: Policy = Policy()) throws -> Audit.Result {
        try TestSupport.audit(names.map { try TestSupport.input(TestSupport.fixture($0)) }, policy: policy)
    }

    func account(_ r: Audit.Result, _ name: String) throws -> Account {
        try #require(r.directory.accounts.first { $0.name == name }, "no account \(name)")
    }

    func seat(_ a: Account, _ product: String, _ site: String) -> Seat? {
        a.seats.first { $0.product == product && $0.site == site }
    }

    func day(_ text: String) -> Day { Day(iso: text)! }

    @Test func directoryWithGroupRows() throws {
        let r = try audit(["directory-groups.csv"])
        #expect(r.directory.inputs[0].layout == "directory")
        #expect(r.directory.inputs[0].rows == 4)
        #expect(r.directory.accounts.count == 2)
        let ruth = try account(r, "Ruth Adeyemi")
        #expect(ruth.groups == ["jira-users-acme", "confluence-users-acme"])
        #expect(seat(ruth, "jira", "acme")?.lastActive == .on(day("2026-10-02")))
        #expect(seat(ruth, "confluence", "acme")?.lastActive == .on(day("2026-01-01")))
        #expect(seat(ruth, "bitbucket", "acme") == nil)  // None
        let soren = try account(r, "Soren Dahl")
        #expect(soren.adminRoles == ["Admin (Jira - acme)"])
        #expect(seat(soren, "jira", "acme")?.lastActive == LastActive.never)
        #expect(seat(soren, "bitbucket", "acme")?.lastActive == .on(day("2026-03-05")))
        #expect(!r.diagnostics.kept.contains { $0.code == "duplicate-row" })
        #expect(ruth.hasAccountId && ruth.status == .active && ruth.addedToOrg == .on(day("2024-01-03")))
    }

    @Test func directoryWithoutAccessColumnsInfersSeats() throws {
        let r = try audit(["directory-single-product.csv"])
        #expect(r.diagnostics.kept.contains { $0.code == "access-inferred" })
        let niamh = try account(r, "Niamh Byrne")
        #expect(seat(niamh, "confluence", "acme-team")?.lastActive == LastActive.never)
        let omar = try account(r, "Omar Farouk")
        #expect(omar.isOrgAdmin)
        #expect(try account(r, "Pia Svensson").seats.isEmpty)
    }

    @Test func legacySiteExport() throws {
        let r = try audit(["legacy-site.csv"])
        #expect(r.directory.inputs[0].layout == "legacy-site")
        let ada = try account(r, "Ada King")
        #expect(ada.id == "ada" && !ada.hasAccountId)
        #expect(ada.groups == ["confluence-users", "jira-software-users"])
        #expect(seat(ada, "jira", "")?.lastActive == .on(day("2018-06-22")))
        #expect(seat(ada, "confluence", "")?.lastActive == .on(day("2018-06-21")))
        let bob = try account(r, "Bob Marsh")
        // Jira Service Desk has no activity column of its own: `Last active in Jira` speaks for it.
        #expect(seat(bob, "jira-service-management", "")?.lastActive == .on(day("2018-01-14")))
        #expect(bob.addedToOrg == .before(day("2017-02-11")))
        #expect(try account(r, "Cy Twombly").status == .deactivated)
        #expect(r.diagnostics.kept.contains { $0.code == "ignored-column" && $0.message.contains("Stride") })
    }

    @Test func legacyNotActiveIn180DaysIsAtLeast181() throws {
        let csv = """
            group_name,username,full_name,email,active,created,Last active in Confluence,Confluence
            g,zed,Zed,zed@old.example,Yes,1 Jan 2017,Not active in the last 180 days,Yes
            """
        var policy = Policy()
        policy.defaultThreshold = 180
        var r = try TestSupport.audit([("l.csv", csv)], policy: policy)
        #expect(r.findings.seats[0].daysInactive == 181)
        #expect(r.findings.seats[0].status == .inactive)
        policy.defaultThreshold = 181
        r = try TestSupport.audit([("l.csv", csv)], policy: policy)
        #expect(r.findings.seats[0].status == .unknown)
    }

    @Test func transitionalExport() throws {
        let r = try audit(["transitional-last-seen.csv"])
        #expect(r.directory.inputs[0].layout == "transitional")
        let dee = try account(r, "Dee Rivera")
        #expect(dee.id == "5b10ac8d82e05b22cc7d0001" && dee.hasAccountId)
        #expect(seat(dee, "jira", "")?.lastActive == .on(day("2021-07-14")))
        #expect(seat(dee, "confluence", "")?.lastActive == LastActive.never)
        #expect(try account(r, "Eli Stone").status == .deactivated)
    }

    @Test func managedAccountsExport() throws {
        let r = try audit(["managed-accounts.csv"])
        #expect(r.directory.inputs[0].layout == "managed-accounts")
        let fay = try account(r, "Fay Wong")
        #expect(Set(fay.seats.map { "\($0.product)@\($0.site)" }) == ["jira@acme", "jira@acme-eu", "confluence@acme"])
        #expect(seat(fay, "jira", "acme-eu")?.lastActive == .on(day("2026-07-01")))
        #expect(seat(try account(r, "Gus Hale"), "jira", "acme")?.lastActive == LastActive.never)  // blank = never
        #expect(try account(r, "Hal Ince").status == .deactivated)
    }

    @Test func apiV2SearchPagesAsAnArray() throws {
        let r = try TestSupport.audit([TestSupport.input(TestSupport.sample("api/users-search.json"))])
        #expect(r.directory.inputs[0].layout == "api-v2-search")
        #expect(r.directory.inputs[0].rows == 4)
        let aiko = try account(r, "Aiko Sato")
        #expect(seat(aiko, "jira-service-management", "acme")?.lastActive == .on(day("2026-05-20")))
        #expect(seat(aiko, "confluence", "acme")?.lastActive == LastActive.never)
        #expect(aiko.groups.contains("confluence-users-acme"))
        let zoltan = try account(r, "Zoltan Kiss")
        #expect(zoltan.adminRoles == ["platform role atlassian/site-admin"])
        #expect(zoltan.managementSource == "synced")
        #expect(try account(r, "Portal Customer").accountType == .customer)
        #expect(!r.findings.seats.contains { r.directory.accounts[$0.account].name == "Portal Customer" })
    }

    @Test func apiV1PagesAsNDJSON() throws {
        let r = try audit(["org-users-pages.ndjson"])
        #expect(r.directory.inputs[0].layout == "api-v1-users")
        let kim = try account(r, "Kim Ode")
        #expect(seat(kim, "jira", "acme")?.lastActive == .on(day("2026-01-02")))
        #expect(try account(r, "Lou Park").status == .inactive)
        #expect(seat(try account(r, "Lou Park"), "confluence", "acme") != nil)
    }

    @Test func lastActiveDatesWithAnAccountIdField() throws {
        let r = try audit(["org-users-pages.ndjson", "last-active-with-field.json"])
        let kim = try account(r, "Kim Ode")
        #expect(seat(kim, "jira", "acme")?.lastActive == .on(day("2026-10-30")))
        #expect(kim.addedToOrg == .on(day("2021-05-05")))
        #expect(r.directory.inputs[1].layout == "api-last-active-dates")
    }

    @Test func lastActiveDatesNamedByFileName() throws {
        let v1 = try TestSupport.input(TestSupport.sample("api/org-users-v1.json"))
        let dates = try TestSupport.input(TestSupport.sample("api/last-active-dates-5b10ac8d82e05b22cc7d4f02.json"))
        let alone = try TestSupport.audit([v1])
        #expect(alone.diagnostics.kept.contains { $0.code == "no-last-active" })
        #expect(seat(try account(alone, "Cormac Byrne"), "jira", "acme-eu")?.lastActive == .unknown)
        // The dump's order does not matter: dates first, users page second.
        let merged = try TestSupport.audit([dates, v1])
        let cormac = try account(merged, "Cormac Byrne")
        #expect(seat(cormac, "jira", "acme-eu")?.lastActive == .on(day("2026-06-30")))
        #expect(cormac.addedToOrg == .on(day("2022-09-01")))
        // The app account is listed as protected but holds no billable seat.
        let app = try account(merged, "Automation for Jira")
        #expect(
            merged.findings.protectedAccounts.contains { merged.directory.accounts[$0.account].id == app.id } == false)
        #expect(app.seats.isEmpty)  // access_billable: false
    }

    @Test func adminhubUserObjects() throws {
        let r = try audit(["adminhub-users.json"])
        #expect(r.directory.inputs[0].layout == "adminhub-users")
        let ivy = try account(r, "Ivy Lam")
        #expect(ivy.status == .active)
        #expect(seat(ivy, "jira", "acme")?.lastActive == .on(day("2026-10-20")))
        #expect(try account(r, "Jon Moe").status == .deactivated)
    }

    @Test func singleV1PageAndSiteFromURL() throws {
        let r = try TestSupport.audit([TestSupport.input(TestSupport.sample("api/org-users-v1.json"))])
        let bea = try account(r, "Bea Lindqvist")
        // The Confluence URL is https://acme.atlassian.net/wiki.
        #expect(seat(bea, "confluence", "acme")?.lastActive == .on(day("2026-01-20")))
    }

    @Test func unknownTokensAndProductsWarnButNeverCrash() throws {
        let csv = """
            User id,User name,email,User status,Added to org,Org role,Last seen in Frobnicator - acme,Last seen in Jira - acme,Frobnicator - acme,Jira - acme
            u1,Una,una@x.example,Active,1 Jan 2024,None,1 Oct 2026,1 Oct 2026,User,Mystery role
            u1,Una,una@x.example,Active,1 Jan 2024,None,1 Oct 2026,1 Oct 2026,User,Mystery role
            """
        let r = try TestSupport.audit([("d.csv", csv)])
        let codes = Set(r.diagnostics.kept.map(\.code))
        #expect(codes.isSuperset(of: ["unknown-product", "unknown-access-token", "duplicate-row"]))
        let una = try #require(r.directory.accounts.first)
        #expect(una.seats.map(\.product) == ["frobnicator"])  // an unknown token is not a seat
        let token = try #require(r.diagnostics.kept.first { $0.code == "unknown-access-token" })
        #expect(token.location?.line == 2)
        #expect(token.location?.column == 72)
    }

    /// Cells of several tokens are classified on their bytes when every token is plain ASCII
    /// and known; anything else (a tab, a non-ASCII letter, an unknown token) takes the general
    /// path. Both must give the same seats, admin roles and warnings.
    @Test(arguments: [
        ("User , Product Admin", true, ["Product Admin"], 0),
        (" guest,  Viewer ,", false, [], 0),
        ("none,User access ADMIN,user", true, ["User access ADMIN"], 0),
        ("User,\tJira Admin", true, ["Jira Admin"], 0),
        ("Basic,Ädmin team", false, [], 1),
        ("Basic,Admin équipe", false, ["Admin équipe"], 0),
        ("User,Wizard", true, [], 1),
        ("External Collaborator,,Site admin", false, ["Site admin"], 0),
    ])
    func accessCellsOfSeveralTokens(cell: String, grants: Bool, roles: [String], warnings: Int) throws {
        let csv =
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme\n"
            + "u1,Una,una@x.example,Active,1 Jan 2024,None,1 Oct 2026,\"\(cell)\"\n"
        let r = try TestSupport.audit([("d.csv", csv)])
        let una = try #require(r.directory.accounts.first)
        #expect(una.seats.isEmpty == !grants)
        #expect(una.adminRoles == roles.map { "\($0) (Jira - acme)" })
        #expect(r.diagnostics.kept.filter { $0.code == "unknown-access-token" }.count == warnings)
    }
}
