import AtlassianSimulator
import Foundation
import Testing

@testable import SeatSweepKit
@testable import SeatSweepRemote

/// apply → verify → undo → apply → verify against the simulator, in process, plus every fault
/// the applier must survive.
@Suite struct PlanApplierTests {
    @Test func applyVerifyUndoApplyVerifyRestoresTheOriginalState() async throws {
        let world = World()
        let original = world.simulator.memberships()
        let plan = world.plan()
        let journal = MemoryJournal()
        let report = try await world.applier(journal).run(plan, actions: plan.actions, prior: JournalState())
        #expect(report.allSucceeded, "\(report.render())")
        #expect(report.entries.map(\.outcome) == [.done, .done, .done, .done])
        #expect(report.entries[0].detail == "removed from jira-software-users, jira-users-acme")
        // Ana kept only all-staff; Kai kept Confluence; Sue is suspended; the runner is untouched.
        let sim = world.simulator
        #expect(!sim.members(site: "acme", groupId: "g-jira").contains(World.ana))
        #expect(!sim.members(site: "acme", groupId: "g-jsw").contains(World.ana))
        #expect(!sim.members(site: "acme", groupId: "g-conf").contains(World.ana))
        #expect(sim.members(site: "acme", groupId: "g-staff").contains(World.ana))
        #expect(!sim.members(site: "acme", groupId: "g-jira").contains(World.kai))
        #expect(sim.members(site: "acme", groupId: "g-conf").contains(World.kai))
        #expect(sim.isSuspended(World.sue))
        #expect(sim.members(site: "acme", groupId: "g-jira").contains(World.runner))
        // Every change journaled: intent then outcome, and an end line per action.
        let lines = await journal.lines
        #expect(lines.count { if case .intent = $0 { true } else { false } } == 5)
        #expect(lines.count { if case .outcome = $0 { true } else { false } } == 5)
        #expect(lines.count { if case .action = $0 { true } else { false } } == 4)
        if case .run(let run) = lines.first {
            #expect(run.planDigest == plan.digest)
        } else {
            Issue.record("no run line")
        }

        let verified = await Verifier(client: try world.client(), orgId: "org-1").run(
            plan, journal: await journal.state, checkedAt: Timestamp(seconds: 1))
        #expect(verified.allApprovedDone, "\(verified.render())")

        // Undo: a restore plan with the exact groups, reviewed and applied like any other.
        let undo = try UndoPlanner(generatedAt: Timestamp(seconds: 1_793_700_000), toolVersion: "0.1.0").run(
            await journal.state, path: "plan.journal.jsonl", sha256: "0")
        #expect(
            undo.plan.actions.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [
                .restoreAccess, .restoreGroups, .restoreGroups, .restoreGroups,
            ])
        let restore = try World.approved(undo.plan)
        let restoreJournal = MemoryJournal()
        let restored = try await world.applier(restoreJournal).run(
            restore, actions: restore.actions, prior: JournalState())
        #expect(restored.allSucceeded, "\(restored.render())")
        #expect(sim.memberships() == original)
        #expect(!sim.isSuspended(World.sue))
        let reverified = await Verifier(client: try world.client(), orgId: "org-1").run(
            restore, journal: await restoreJournal.state, checkedAt: Timestamp(seconds: 1))
        #expect(reverified.allApprovedDone, "\(reverified.render())")
        // Re-adding used the documented request.
        let posts = sim.requestLog.filter { $0.method == "POST" && $0.path.hasSuffix("/group/user") }
        #expect(posts.count == 4)
        #expect(posts.allSatisfy { $0.status == 201 && $0.auth == "basic" })
    }

    @Test func everyRetryHonoursWhatTheServerAsks() async throws {
        let world = World()
        let sim = world.simulator
        sim.inject(.init(method: "DELETE", .status(429, headers: ["Retry-After": "7"], body: "{}")))
        sim.inject(.init(method: "DELETE", .status(503, headers: ["Retry-After": "3"], body: "")))
        // X-RateLimit-Reset two minutes after the clock's now (2026-11-02T08:00:00Z).
        sim.inject(
            .init(
                method: "GET", pathContains: "user/groups",
                .status(429, headers: ["X-RateLimit-Reset": "2026-11-02T08:02Z"], body: "")))
        sim.inject(.init(method: "POST", pathContains: "suspend", .status(429, headers: [:], body: "")))
        let plan = world.plan()
        let report = try await world.applier(MemoryJournal(), concurrency: 1).run(
            plan, actions: plan.actions, prior: JournalState())
        #expect(report.allSucceeded, "\(report.render())")
        // In request order: the first read waits until X-RateLimit-Reset (120 s), the first removal
        // waits Retry-After 7 then the 503's Retry-After 3, and the suspension, with no hint at
        // all, backs off with jitter 0.5 on its first retry: 0.5 + 0.5 × 0.5 = 0.75 s.
        #expect(world.clock.sleeps == [120, 7, 3, 0.75])
    }

    @Test func aLostResponseIsRetriedAndSettledAsAlreadyDoneWithoutASecondRemoval() async throws {
        let world = World()
        world.simulator.inject(.init(method: "DELETE", pathContains: "group/user", .dropAfterApplying))
        let plan = world.plan()
        let journal = MemoryJournal()
        let report = try await world.applier(journal, concurrency: 1).run(
            plan, actions: [plan.actions[0]], prior: JournalState())
        #expect(report.allSucceeded, "\(report.render())")
        let deletes = world.simulator.requestLog.filter { $0.method == "DELETE" }
        #expect(deletes.filter(\.changed).count == 2)
        #expect(deletes.count == 3)
        #expect(deletes.map(\.status) == [nil, 404, 200])
        // The journal still says the group was left, so undo re-adds it.
        let undo = try UndoPlanner(generatedAt: Timestamp(seconds: 1), toolVersion: "0.1.0").run(
            await journal.state, path: "j", sha256: "0")
        #expect(undo.plan.actions.first?.targetGroups?.map(\.groupId).sorted() == ["g-jira", "g-jsw"])
        #expect(world.clock.sleeps.count == 1)
    }

    @Test func authenticationFailureStopsTheRun() async throws {
        let world = World()
        let bad = AtlassianCredentials(site: .init(email: World.email, token: Secret("wrong-token-xyz")), adminKey: nil)
        let applier = PlanApplier(
            client: try world.client(credentials: bad), journal: MemoryJournal(), now: { Timestamp(seconds: 1) },
            options: .init(concurrency: 1, orgId: "org-1"))
        let plan = world.plan()
        let report = await applier.run(plan, actions: Array(plan.actions.prefix(3)), prior: JournalState())
        #expect(report.entries.map(\.outcome) == [.failed, .skipped, .skipped])
        #expect(report.entries[1].detail.contains("authentication failed"))
        #expect(!report.allSucceeded)
        #expect(
            world.simulator.memberships().contains(Membership(site: "acme", groupId: "g-jira", accountId: World.ana)))
    }

    @Test func aRefusedChangeFailsThatActionOnly() async throws {
        let world = World()
        world.simulator.inject(
            .init(
                method: "DELETE", .status(403, headers: [:], body: #"{"errorMessages":["You do not have permission"]}"#)
            ))
        let plan = world.plan()
        let report = try await world.applier(MemoryJournal(), concurrency: 1).run(
            plan, actions: Array(plan.actions.prefix(3)), prior: JournalState())
        #expect(report.entries.map(\.outcome) == [.failed, .done, .done])
        #expect(report.entries[0].detail.contains("You do not have permission"))
        #expect(report.entries[0].status == 403)
        #expect(report.render().contains("1 action(s) not done; run the same `seatsweep apply` again"))
    }

    @Test func anAccountProtectedSinceTheAuditIsSkipped() async throws {
        let world = World()
        let lee = world.action(.removeProductAccess, World.lee, product: "jira")
        let plan = world.plan(extra: [lee])
        let report = try await world.applier(MemoryJournal()).run(
            plan, actions: [plan.actions[4]], prior: JournalState())
        #expect(report.entries.first?.outcome == .skipped)
        #expect(report.entries.first?.detail.contains("member of group 'executives' (protect.groups 'exec*')") == true)
        #expect(world.simulator.requestLog.allSatisfy { $0.method != "DELETE" })
    }

    @Test func aGroupThatAlsoGrantsAnotherProductIsLeftOnlyWhenThatRemovalIsApprovedToo() async throws {
        let world = World()
        world.simulator.setRole(site: "acme", key: "jira-servicedesk", name: "JSM", groupIds: ["g-jsw"])
        let plan = world.plan()
        let alone = try await world.applier(MemoryJournal()).run(
            plan, actions: [plan.actions[0]], prior: JournalState())
        #expect(alone.entries.first?.outcome == .skipped)
        #expect(
            alone.entries.first?.detail
                == "leaving jira-software-users would also take jira-service-management, which the plan does not remove; "
                + "nothing sent")
        #expect(world.simulator.requestLog.allSatisfy { $0.method == "GET" })
        let both = world.plan(extra: [world.action(.removeProductAccess, World.ana, product: "jira-service-management")]
        )
        let jira = try #require(both.actions.first { $0.product == "jira" && $0.accountId == World.ana })
        let jsm = try #require(both.actions.first { $0.product == "jira-service-management" })
        let report = try await world.applier(MemoryJournal()).run(both, actions: [jira, jsm], prior: JournalState())
        #expect(report.entries.map(\.outcome) == [.done, .alreadyDone], "\(report.render())")
        #expect(!world.simulator.members(site: "acme", groupId: "g-jsw").contains(World.ana))
    }

    @Test func theAccountRunningApplyIsNeverTouched() async throws {
        let world = World()
        let plan = world.plan(extra: [world.action(.removeProductAccess, World.runner, product: "jira")])
        let applier = try world.applier(MemoryJournal())
        await #expect(throws: SeatSweepError.self) { try await applier.preflight(plan, actions: plan.actions) }
        #expect(world.simulator.requestLog.map(\.path) == ["/site/acme/rest/api/3/myself"])
        let fine = world.plan()
        #expect(try await applier.preflight(fine, actions: fine.actions) == World.runner)
    }

    @Test func resumingSettlesInFlightIntentsByReadingBack() async throws {
        let world = World()
        let plan = world.plan()
        let ana = plan.actions[0]
        // A crashed run: it sent the removal from g-jira (which took effect) and had not yet
        // sent the one from g-jsw.
        world.simulator.setHook(nil)
        _ = world.simulator.handle(
            .init(
                method: "DELETE", target: "/site/acme/rest/api/3/group/user?groupId=g-jira&accountId=712020%3Aana",
                headers: ["authorization": "Basic " + Data("\(World.email):\(World.token)".utf8).base64EncodedString()],
                body: []))
        world.simulator.clearLog()
        var prior = JournalState()
        prior.apply(.intent(JournalIntent(at: "t", action: ana, step: .removeGroup, group: World.jira, request: "x")))
        let journal = MemoryJournal()
        let report = try await world.applier(journal).run(plan, actions: [ana], prior: prior)
        #expect(report.entries.first?.outcome == .done)
        let deletes = world.simulator.requestLog.filter { $0.method == "DELETE" }
        #expect(deletes.map(\.groupId) == ["g-jsw"])
        let settled = await journal.lines.compactMap { line -> JournalOutcome? in
            if case .outcome(let o) = line, o.readBack { return o }
            return nil
        }
        #expect(settled.map(\.groupId) == ["g-jira"])
        #expect(settled.first?.result == .done)
    }

    @Test func finishedActionsAreNotTouchedAgain() async throws {
        let world = World()
        let plan = world.plan()
        let journal = MemoryJournal()
        _ = try await world.applier(journal).run(plan, actions: plan.actions, prior: JournalState())
        world.simulator.clearLog()
        let again = try await world.applier(MemoryJournal()).run(
            plan, actions: plan.actions, prior: await journal.state)
        #expect(again.entries.allSatisfy { $0.outcome == .doneEarlier })
        #expect(world.simulator.requestLog.isEmpty)
    }

    @Test func dryRunPrintsEveryRequestAndChangesNothing() async throws {
        let world = World()
        let before = world.simulator.memberships()
        let printed = Lines()
        let plan = world.plan()
        let report = try await world.applier(nil, dryRun: true, printed: printed).run(
            plan, actions: plan.actions, prior: JournalState())
        #expect(report.entries.allSatisfy { $0.outcome == .dryRun })
        #expect(world.simulator.memberships() == before)
        #expect(!world.simulator.isSuspended(World.sue))
        #expect(world.simulator.requestLog.allSatisfy { !$0.changed })
        let lines = printed.all
        #expect(
            lines.contains(
                "DELETE http://127.0.0.1/site/acme/rest/api/3/group/user?groupId=g-jira&accountId=712020%3Aana   (dry run: not sent)"
            ))
        #expect(
            lines.contains(
                "POST http://127.0.0.1/admin/v1/orgs/org-1/directory/users/712020%3Asue/suspend-access   (dry run: not sent)"
            ))
        #expect(lines.contains("GET http://127.0.0.1/site/acme/rest/api/3/applicationrole"))
        #expect(lines.allSatisfy { !$0.contains(World.token) && !$0.lowercased().contains("basic") })
    }

    @Test func verifyTellsNotDoneFromChangedSince() async throws {
        let world = World()
        let plan = world.plan()
        let journal = MemoryJournal()
        _ = try await world.applier(journal).run(plan, actions: [plan.actions[0]], prior: JournalState())
        world.simulator.addMember(site: "acme", groupId: "g-jsw", accountId: World.ana)  // someone re-added Ana
        let report = await Verifier(client: try world.client(), orgId: "org-1").run(
            plan, journal: await journal.state, checkedAt: Timestamp(seconds: 1))
        #expect(report.entries.map(\.status) == [.changedSince, .notDone, .notDone, .notDone])
        #expect(report.entries[0].detail == "still in jira-software-users")
        #expect(!report.allApprovedDone)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.renderJSON())) as? [String: Any])
        #expect(json["allApprovedDone"] as? Bool == false)
        #expect((json["counts"] as? [String: Int])?["changed-since"] == 1)
    }

    @Test func serverTextThatEchoesCredentialsIsMasked() async throws {
        let world = World()
        world.simulator.inject(.init(method: "GET", pathContains: "user/groups", .echoAuthorization))
        let plan = world.plan()
        let report = try await world.applier(MemoryJournal()).run(
            plan, actions: [plan.actions[2]], prior: JournalState())
        let detail = try #require(report.entries.first?.detail)
        #expect(detail.contains("****"))
        let basic = Data("\(World.email):\(World.token)".utf8).base64EncodedString()
        #expect(!detail.contains(basic) && !detail.contains(World.token))
    }
}
