import AtlassianSimulator
import Foundation
import SeatSweepKit
import Testing

/// plan → review → apply → verify → undo → apply → verify with the built binary against the
/// simulator on 127.0.0.1; and every plan apply must refuse, with nothing sent.
@Suite struct ApplyCommandTests {
    /// Removals the sample plan's actions make, by (site, group id, account): Ana and Kai lose
    /// Confluence, Kai Jira, Hiro and Oskar Jira on acme-eu, Giulia and Oskar JSM.
    static let sampleRemovals: Set<Membership> = {
        func m(_ site: String, _ group: String, _ account: String) -> Membership {
            Membership(
                site: site, groupId: "a1f0c3d2-000\(group)",
                accountId: "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b\(account)")
        }
        return [
            m("acme", "2", "01"), m("acme", "2", "12"), m("acme", "1", "12"), m("acme-eu", "4", "08"),
            m("acme-eu", "4", "16"), m("acme", "3", "07"), m("acme", "3", "16"),
        ]
    }()

    func seatsweep(_ args: [String], _ env: [String: String] = SimulatedAtlassian.environment) throws -> CLI.Run {
        try CLI.run(args, environment: env)
    }

    @Test func theWholeCycleRestoresTheOriginalMemberships() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let atlassian = try SimulatedAtlassian.sample()
        let sim = atlassian.simulator
        let original = sim.memberships()
        let plan = try CLI.auditSample(into: scratch)
        let journal = scratch.path("r/plan.journal.jsonl")

        // Unreviewed: refused, nothing sent, no journal.
        let unreviewed = try seatsweep(["apply", plan] + atlassian.connection)
        #expect(unreviewed.status == 1)
        #expect(unreviewed.stderr.contains("no action in the plan is approved"))
        #expect(sim.requestLog.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: journal))

        // Review from a CSV, in the words reviewers type: everything approved but Nadia.
        let ids = try CLI.actionIds(plan)
        let words = ["approve", "yes", "x", "approved", "Approve", "y", "APPROVE"]
        var csv = "id,Name,Decision\n"
        for (i, (key, id)) in ids.sorted(by: { $0.key < $1.key }).enumerated() {
            csv += "\(id),\(key),\(key.hasPrefix("Nadia") ? "reject" : words[i % words.count])\n"
        }
        let review = scratch.path("review.csv")
        try csv.write(toFile: review, atomically: true, encoding: .utf8)
        let reviewed = try seatsweep(["plan", "review", plan, "--by", "Lena Lead", "--from", review])
        #expect(reviewed.status == 0, "\(reviewed.stderr)")
        #expect(reviewed.stdout.contains("7 approved, 1 rejected"))
        let shown = try seatsweep(["plan", "show", plan])
        #expect(shown.stdout.contains("actions    8: 7 approved, 1 rejected, 0 pending"))
        #expect(shown.stdout.contains("apply      ready: 7 approved actions would be applied"))

        // Over the limit: refused before anything is sent.
        let over = try seatsweep(["apply", plan, "--max-actions", "5"] + atlassian.connection)
        #expect(over.status == 1)
        #expect(over.stderr.contains("7 actions are approved, more than the limit of 5"))
        #expect(sim.requestLog.isEmpty)

        // Dry run: every request printed, nothing changed, no journal.
        let dry = try seatsweep(["apply", plan, "--dry-run"] + atlassian.connection)
        #expect(dry.status == 0, "\(dry.stderr)")
        let port = atlassian.server.port
        #expect(
            dry.stdout.contains(
                "DELETE http://127.0.0.1:\(port)/site/acme/rest/api/3/group/user?groupId=a1f0c3d2-0002&accountId="
                    + "712020%3A0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b01   (dry run: not sent)"))
        #expect(dry.stdout.components(separatedBy: "(dry run: not sent)").count - 1 == 7)
        #expect(dry.stdout.contains("GET http://127.0.0.1:\(port)/site/acme/rest/api/3/myself"))
        #expect(atlassian.changes.isEmpty)
        #expect(sim.memberships() == original)
        #expect(!FileManager.default.fileExists(atPath: journal))

        // Apply.
        let applied = try seatsweep(["apply", plan] + atlassian.connection)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("7 approved actions: 7 done"))
        #expect(sim.memberships() == original.subtracting(Self.sampleRemovals))
        #expect(atlassian.changes.count == 7)
        let mode = try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Verify, in text and JSON.
        let verified = try seatsweep(["verify", plan] + atlassian.connection)
        #expect(verified.status == 0, "\(verified.stdout)\n\(verified.stderr)")
        #expect(verified.stdout.contains("every approved action is done (7 done, 1 not-approved)"))
        let json = try seatsweep(["verify", plan, "--json"] + atlassian.connection)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["allApprovedDone"] as? Bool == true)

        // Again: nothing is sent twice.
        let before = sim.requestLog.count
        let again = try seatsweep(["apply", plan] + atlassian.connection)
        #expect(again.status == 0)
        #expect(again.stdout.contains("7 done-earlier"))
        #expect(sim.requestLog.dropFirst(before).allSatisfy { $0.method == "GET" })

        // Undo → review → apply → verify: the original memberships are back.
        let undo = try seatsweep(["undo", journal])
        #expect(undo.status == 0, "\(undo.stderr)")
        let restore = scratch.path("r/plan.restore.json")
        #expect(undo.stdout.contains("wrote \(restore): 7 restore actions (7 restore-groups, 0 restore-access)"))
        let notYet = try seatsweep(["apply", restore] + atlassian.connection)
        #expect(notYet.status == 1)
        #expect(try seatsweep(["plan", "review", restore, "--by", "Lena Lead", "--approve-all"]).status == 0)
        let restored = try seatsweep(["apply", restore] + atlassian.connection)
        #expect(restored.status == 0, "\(restored.stdout)\n\(restored.stderr)")
        #expect(sim.memberships() == original)
        let reverified = try seatsweep(["verify", restore] + atlassian.connection)
        #expect(reverified.status == 0, "\(reverified.stdout)")
        // The original plan now reads as changed since.
        let drifted = try seatsweep(["verify", plan] + atlassian.connection)
        #expect(drifted.status == 2)
        #expect(drifted.stdout.contains("7 changed-since"))
        // A second undo does not overwrite the restore plan.
        #expect(try seatsweep(["undo", journal]).status == 1)
    }

    /// Runs apply on a plan that must be refused and checks that nothing was sent or changed.
    func expectRefused(
        _ args: [String], _ atlassian: SimulatedAtlassian, _ message: String,
        env: [String: String] = SimulatedAtlassian.environment, allowed: [String] = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let original = atlassian.simulator.memberships()
        atlassian.simulator.clearLog()
        let run = try seatsweep(args, env)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(
            atlassian.simulator.requestLog.map(\.path) == allowed, "requests were sent", sourceLocation: sourceLocation)
        #expect(atlassian.simulator.memberships() == original, sourceLocation: sourceLocation)
    }

    @Test func refusedPlansChangeNothing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let atlassian = try SimulatedAtlassian.sample()
        let connection = atlassian.connection
        let plan = try CLI.auditSample(into: scratch)
        #expect(try seatsweep(["plan", "review", plan, "--by", "Lena", "--approve-all"]).status == 0)

        // Tampered: one character of a site changed in the file.
        let tampered = scratch.path("tampered.json")
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let edited = text.replacingOccurrences(
            of: #""site":\s*"acme-eu""#, with: #""site":"acme-us""#, options: .regularExpression)
        #expect(edited != text, "the tampering edit must change the plan")
        try edited.write(toFile: tampered, atomically: true, encoding: .utf8)
        try expectRefused(["apply", tampered] + connection, atlassian, "changed after the audit wrote it")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("tampered.journal.jsonl")))

        // Expired: audited 30 days before the clock apply reads.
        let old = try Scratch()
        defer { old.remove() }
        let stale = try CLI.auditSample(into: old, epoch: "1790928000")  // 2026-10-02
        #expect(try seatsweep(["plan", "review", stale, "--by", "Lena", "--approve-all"]).status == 0)
        try expectRefused(["apply", stale] + connection, atlassian, "the plan expired at 2026-10-16T08:00:00Z")

        // Unknown schema version.
        let future = scratch.path("future.json")
        try text.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 2")
            .write(toFile: future, atomically: true, encoding: .utf8)
        try expectRefused(["apply", future] + connection, atlassian, "plan schema version 2 is not supported")

        // Missing credentials, a credentials file others can read, plain http to a remote host.
        let noCredentials = ["ATLASSIAN_EMAIL": "", "ATLASSIAN_API_TOKEN": "", "ATLASSIAN_ADMIN_API_KEY": ""]
        try expectRefused(
            ["apply", plan] + connection, atlassian, "ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN are not set",
            env: noCredentials)
        let file = scratch.path("credentials")
        try "ATLASSIAN_EMAIL=\(SimulatedAtlassian.email)\nATLASSIAN_API_TOKEN=\(SimulatedAtlassian.token)\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        try expectRefused(
            ["apply", plan, "--credentials", file] + connection, atlassian, "can be read by others (mode 644)",
            env: noCredentials)
        try expectRefused(
            ["apply", plan, "--site-base-url", "http://atlassian.example/{site}"], atlassian,
            "not a loopback address")

        // A plan action aimed at the account running apply: only /myself is read.
        let ana = try SimulatedAtlassian.sample(runner: "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b01")
        try expectRefused(
            ["apply", plan] + ana.connection, ana, "would take access from the account running apply",
            allowed: ["/site/acme/rest/api/3/myself"])

        // With a 0600 credentials file the same plan goes through.
        chmod(file, 0o600)
        let run = try seatsweep(["apply", plan, "--credentials", file] + connection, noCredentials)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
    }

    @Test func suspensionsGoThroughTheOrgAPIAndUndoRestoresAccess() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let atlassian = try SimulatedAtlassian.sample()
        let sim = atlassian.simulator
        let original = sim.memberships()
        let plan = try CLI.auditSample(into: scratch, policy: try CLI.suspendPolicy(in: scratch))
        #expect(try seatsweep(["plan", "review", plan, "--by", "Lena", "--approve-all"]).status == 0)
        let shown = try seatsweep(["plan", "show", plan])
        #expect(shown.stdout.contains("(2 remove-product-access, 4 suspend)"), "\(shown.stdout)")
        // The export records no organisation id, so suspensions need --org.
        try expectRefused(["apply", plan] + atlassian.connection, atlassian, "pass --org ORG")
        try expectRefused(
            ["apply", plan, "--org", "org-1"] + atlassian.connection, atlassian, "ATLASSIAN_ADMIN_API_KEY is not set",
            env: SimulatedAtlassian.environment.merging(["ATLASSIAN_ADMIN_API_KEY": ""]) { $1 })
        let connection = atlassian.connection + ["--org", "org-1"]
        let applied = try seatsweep(["apply", plan] + connection)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let suspended = [
            "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b12", "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b15",
            "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b08", "712020:0b7c1a52-6f1e-4b8e-9d57-1c2e3f4a5b16",
        ]
        #expect(suspended.allSatisfy(sim.isSuspended))
        #expect(sim.requestLog.filter { $0.path.hasSuffix("/suspend-access") }.allSatisfy { $0.auth == "bearer" })
        #expect(try seatsweep(["verify", plan] + connection).status == 0)
        let undo = try seatsweep(["undo", scratch.path("r/plan.journal.jsonl")])
        #expect(undo.stdout.contains("6 restore actions (2 restore-groups, 4 restore-access)"), "\(undo.stdout)")
        let restore = scratch.path("r/plan.restore.json")
        #expect(try seatsweep(["plan", "review", restore, "--by", "Lena", "--approve-all"]).status == 0)
        #expect(try seatsweep(["apply", restore] + connection).status == 0)
        #expect(!suspended.contains(where: sim.isSuspended))
        #expect(sim.memberships() == original)
    }

    @Test func aJournalOfAnotherPlanIsNotMixedIn() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let atlassian = try SimulatedAtlassian.sample()
        let plan = try CLI.auditSample(into: scratch)
        let ana = try #require(try CLI.actionIds(plan)["Ana Souza confluence@acme"])
        #expect(try seatsweep(["plan", "review", plan, "--by", "Lena", "--approve", ana]).status == 0)
        #expect(try seatsweep(["apply", plan] + atlassian.connection).status == 0)
        // A new audit (another generation time) writes a different plan beside the old journal.
        let again = try CLI.run(
            [
                "audit", "Samples/directory-export.csv", "--policy", "Samples/policy.yml", "--as-of", "2026-11-01",
                "--out", scratch.path("r"),
            ], environment: ["SOURCE_DATE_EPOCH": "1793523600"])
        #expect(again.status == 0)
        #expect(try seatsweep(["plan", "review", plan, "--by", "Lena", "--approve-all"]).status == 0)
        try expectRefused(["apply", plan] + atlassian.connection, atlassian, "written for another plan")
    }

    @Test func reviewUsageErrorsExit64() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let plan = try CLI.auditSample(into: scratch)
        let before = try Data(contentsOf: URL(fileURLWithPath: plan))
        for args in [
            ["plan", "review", plan, "--by", "A"],
            ["plan", "review", plan, "--by", "A", "--approve-all", "--approve", "x"],
            ["plan", "review", plan, "--by", "A", "--approve", "x", "--reject", "x"],
            ["plan", "review", plan, "--by", "", "--approve-all"],
        ] {
            #expect(try CLI.run(args).status == 64, "\(args)")
        }
        let unknown = try CLI.run(["plan", "review", plan, "--by", "A", "--approve", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'nope' is not the id of an action in this plan"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: plan)) == before)
    }
}
