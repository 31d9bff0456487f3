import Foundation
import Testing

@testable import SeatSweepKit

/// Judging the accounts on two threads gives exactly what one thread gives: the same verdicts in
/// the same order, counts, protections and groups, whatever falls on either side of the split.
@Suite struct ParallelAnalysisTests {
    /// Accounts whose second half holds a (product, site) the first half never saw, protected
    /// accounts on both sides, accounts without seats and seats used after the audit date.
    static func directory(_ count: Int) throws -> Directory {
        var lines = [
            "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,"
                + "Last seen in Confluence - acme,Last seen in Jira - eu,Jira - acme,Confluence - acme,Jira - eu"
        ]
        for i in 0..<count {
            let role = i % 17 == 3 ? "Org Admin" : "None"
            let status = i % 11 == 5 ? "Suspended" : "Active"
            let jira = ["1 Jan 2026", "Never accessed", "20 Oct 2026", "5 Nov 2026", ""][i % 5]
            // The second half starts with an EU seat and no Confluence seat, so its groups are
            // first seen in another order than the first half's (and the EU site only there).
            let confluence = i % 3 == 0 && i != count / 2 ? "User" : "None"
            let eu = i >= count / 2 && (i - count / 2) % 2 == 0 ? "User" : "None"
            lines.append(
                "u\(i),Name \(i),u\(i)@x.example,\(status),\(i % 9 + 1) Oct 2026,\(role),\(jira),1 Feb 2026,"
                    + "1 Mar 2026,User,\(confluence),\(eu)")
        }
        var log = DiagnosticLog()
        let text = lines.joined(separator: "\n") + "\n"
        return try Ingestor().run([InputFile(path: "a.csv", data: Data(text.utf8))], diagnostics: &log)
    }

    static func describe(_ f: Findings) -> [String] {
        f.seats.map { s in
            "\(s.account)|\(s.seat)|\(s.product)@\(s.site)|\(s.status)|\(s.daysInactive ?? -1)|\(s.neverAccessed)|"
                + "\(s.protection ?? "-")|\(s.inScope)|\(s.threshold)|\(s.isCandidate)"
        }
            + f.groups.map { "\($0)" }
            + f.protectedAccounts.map { "\($0.account): \($0.reasons)" }
            + ["after as-of: \(f.seatsActiveAfterAsOf)"]
    }

    @Test(arguments: [2, 3, 40, 301])
    func twoThreadsEqualOne(count: Int) throws {
        let directory = try Self.directory(count)
        var policy = Policy()
        policy.thresholds = ["confluence": 30]
        var analyzer = InactivityAnalyzer(policy: policy, asOf: Day(iso: "2026-11-01")!)
        let one = analyzer.run(directory)
        analyzer.parallelism = 2
        analyzer.parallelThreshold = 2
        let two = analyzer.run(directory)
        #expect(Self.describe(one) == Self.describe(two))
        #expect(one.seats.count > count)
        if count > 3 {
            // The split really had something to join: a group only the second half saw, and protections on both sides.
            #expect(two.groups.contains { $0.site == "eu" })
            #expect(two.protectedAccounts.contains { $0.account < count / 2 })
            #expect(two.protectedAccounts.contains { $0.account >= count / 2 })
        }
    }

    /// Verdicts keep a (product, site) group number in 16 bits. An organisation with more groups
    /// than that (a hostile or broken input) is still judged and counted, and joining the second
    /// half's groups past 65,535 clamps their numbers as the scan does instead of trapping.
    @Test func moreGroupsThanSixteenBitsHold() throws {
        let count = 70_000
        let storage = AccountStorage()
        let joined = Day(iso: "2020-01-01")!
        let recently = Day(iso: "2026-10-30")!
        var accounts: [Account] = []
        for i in 0..<count {
            let line = SourceRef(input: 0, line: i + 2)
            let lastActive: LastActive = i % 2 == 0 ? .never : .on(recently)
            let product = (i / 2) % 2 == 0 ? "jira" : "confluence"
            let seat = Seat(product: product, site: "s\(i)", lastActive: lastActive, evidence: line)
            accounts.append(
                Account(
                    id: "u\(i)", status: .active, addedToOrg: .on(joined), seats: [seat], source: line,
                    storage: storage))
        }
        let directory = Directory(
            inputs: [InputSummary(path: "a.csv", sha256: "", layout: "directory", rows: count, accounts: count)],
            accounts: accounts)
        var policy = Policy()
        policy.thresholds = ["confluence": 30]
        var analyzer = InactivityAnalyzer(policy: policy, asOf: Day(iso: "2026-11-01")!)
        analyzer.parallelism = 2
        analyzer.parallelThreshold = 2
        let findings = analyzer.run(directory)
        #expect(findings.groups.count == count)
        #expect(findings.groups.allSatisfy { $0.billable == 1 })
        #expect(findings.groups.reduce(0) { $0 + $1.inactive } == count / 2)
        #expect(findings.seats.count == count)
        #expect(findings.seats[count - 1].site == "s\(count - 1)")
        // Seats whose group number was clamped still carry their own product's threshold.
        let wrong = findings.seats.count { $0.threshold != ($0.product == "jira" ? 90 : 30) }
        #expect(wrong == 0, "seats with another product's threshold")
    }
}
