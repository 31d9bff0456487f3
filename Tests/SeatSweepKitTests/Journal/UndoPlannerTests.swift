import Foundation
import Testing

@testable import SeatSweepKit

/// Journal → restore plan: exactly the groups that were left, every suspension, nothing else.
@Suite struct UndoPlannerTests {
    let planner = UndoPlanner(generatedAt: Timestamp(seconds: 1_794_000_000), toolVersion: "0.1.0")
    let run = JournalRun(
        at: "2026-11-02T08:00:00Z", tool: "seatsweep 0.1.0", planId: "plan-1", planDigest: "abc",
        planGeneratedAt: "2026-11-01T08:00:00Z", planExpiresAt: "2026-11-08T08:00:00Z", orgId: "org-9")

    func state(_ lines: [JournalLine]) -> JournalState {
        JournalState(lines.enumerated().map { ($0.offset + 1, $0.element) })
    }

    func removal(_ action: PlanAction, _ group: PlanGroup, _ result: JournalResult?) -> [JournalLine] {
        let intent = JournalIntent(at: "t", action: action, step: .removeGroup, group: group, request: "DELETE x")
        guard let result else { return [.intent(intent)] }
        return [
            .intent(intent),
            .outcome(
                JournalOutcome(at: "t", intent: intent, result: result, status: 200, reason: nil, readBack: false)),
        ]
    }

    @Test func removalsBecomeRestoreGroupsWithExactGroups() throws {
        let plan = PlanFixtures.plan([
            PlanFixtures.action(account: "acc-1", name: "Ana", product: "confluence"),
            PlanFixtures.action(account: "acc-2", name: "Kai"),
            PlanFixtures.action(.suspend, account: "acc-3", name: "Lee", product: nil, site: nil),
        ])
        let (ana, kai, lee) = (plan.actions[0], plan.actions[1], plan.actions[2])
        let g1 = PlanGroup(groupId: "g1", name: "confluence-users-acme")
        let g2 = PlanGroup(groupId: "g2", name: "confluence-users")
        let g3 = PlanGroup(groupId: "g3", name: "jira-users-acme")
        let suspend = JournalIntent(at: "t", action: lee, step: .suspend, group: nil, request: "POST x")
        var lines: [JournalLine] = [.run(run)]
        lines += removal(ana, g1, .done) + removal(ana, g2, .alreadyDone)
        lines += removal(kai, g3, .failed)  // failed: nothing to undo
        lines += [
            .intent(suspend),
            .outcome(
                JournalOutcome(at: "t", intent: suspend, result: .done, status: 200, reason: nil, readBack: false)),
        ]
        let result = try planner.run(state(lines), path: "plan.journal.jsonl", sha256: "feed")
        let restore = result.plan
        #expect(restore.actions.count == 2)
        let groups = try #require(restore.actions.first { $0.kind == .restoreGroups })
        #expect(groups.accountId == "acc-1")
        #expect(groups.targetGroups == [g1, g2])
        #expect(groups.groups == ["confluence-users-acme", "confluence-users"])
        #expect(groups.site == "acme")
        #expect(groups.product == "confluence")
        #expect(groups.evidence == PlanEvidence(path: "plan.journal.jsonl", line: 3))
        let access = try #require(restore.actions.first { $0.kind == .restoreAccess })
        #expect(access.accountId == "acc-3")
        #expect(restore.actions.allSatisfy { $0.decision == .pending })
        #expect(PlanCodec.integrity(restore) == .intact)
        #expect(restore.source.orgId == "org-9")
        #expect(restore.source.inputs == [PlanInput(path: "plan.journal.jsonl", sha256: "feed", layout: "journal")])
        // Valid for as long as the original plan was (7 days here).
        #expect(restore.expiresAt == Timestamp(seconds: 1_794_000_000 + 7 * 86_400).iso)
        #expect(result.notes.isEmpty)
        // The file round-trips with its targetGroups.
        let decoded = try PlanCodec.decode(Data(PlanCodec.encode(restore)), path: "r.json")
        #expect(decoded == restore)
    }

    @Test func inFlightRemovalsAreIncludedWithANote() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action(account: "acc-1")])
        let g = PlanGroup(groupId: "g1", name: "jira-users-acme")
        let result = try planner.run(state([.run(run)] + removal(plan.actions[0], g, nil)), path: "j", sha256: "0")
        #expect(result.plan.actions.first?.targetGroups == [g])
        #expect(result.notes.first?.contains("1 request(s) were in flight") == true)
    }

    @Test func nothingDoneIsAnError() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action(account: "acc-1")])
        let g = PlanGroup(groupId: "g1", name: "x")
        let error = PlanFixtures.error {
            try planner.run(state([.run(run)] + removal(plan.actions[0], g, .failed)), path: "j", sha256: "0")
        }
        #expect(error?.message.contains("nothing to undo") == true)
    }

    @Test func aRestoreJournalIsNotUndone() throws {
        let g = PlanGroup(groupId: "g1", name: "x")
        let plan = PlanFixtures.plan([PlanFixtures.action(.restoreGroups, account: "acc-1", targets: [g])])
        let intent = JournalIntent(at: "t", action: plan.actions[0], step: .addGroup, group: g, request: "POST x")
        let lines: [JournalLine] = [
            .run(run), .intent(intent),
            .outcome(JournalOutcome(at: "t", intent: intent, result: .done, status: 201, reason: nil, readBack: false)),
        ]
        let error = PlanFixtures.error { try planner.run(state(lines), path: "j", sha256: "0") }
        #expect(error?.message.contains("restore plan") == true)
    }
}
