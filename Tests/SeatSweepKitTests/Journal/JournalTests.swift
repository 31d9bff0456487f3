import Foundation
import Testing

@testable import SeatSweepKit

/// Journal lines: written with sorted keys and read back exactly; crashes and damage handled.
@Suite struct JournalTests {
    static let group = PlanGroup(groupId: "g-1", name: "jira-users-acme")

    static func lines(for action: PlanAction) -> [JournalLine] {
        let run = JournalRun(
            at: "2026-11-02T08:00:00Z", tool: "seatsweep 0.1.0", planId: "plan-1", planDigest: "abc",
            planGeneratedAt: "2026-11-01T08:00:00Z", planExpiresAt: "2026-11-15T08:00:00Z", orgId: "org-1")
        let intent = JournalIntent(
            at: "2026-11-02T08:00:01Z", action: action, step: .removeGroup, group: group,
            request: "DELETE /rest/api/3/group/user?groupId=g-1&accountId=712020%3Aaaaa")
        let outcome = JournalOutcome(
            at: "2026-11-02T08:00:02Z", intent: intent, result: .done, status: 200, reason: nil, readBack: false)
        let end = JournalActionEnd(
            at: "2026-11-02T08:00:02Z", actionId: action.id, result: .done, status: nil, reason: "removed")
        return [.run(run), .intent(intent), .outcome(outcome), .action(end)]
    }

    @Test func everyLineTypeRoundTrips() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action(name: "Ana \"A\" \u{1B}")])
        let lines = Self.lines(for: plan.actions[0])
        let bytes = lines.flatMap(JournalCodec.encode)
        let decoded = try JournalCodec.decode(bytes, path: "j.jsonl")
        #expect(decoded.lines.map(\.value) == lines)
        #expect(decoded.lines.map(\.line) == [1, 2, 3, 4])
        #expect(decoded.cutOffLine == nil)
        #expect(decoded.validLength == bytes.count)
        let text = String(decoding: JournalCodec.encode(lines[1]), as: UTF8.self)
        #expect(text.hasPrefix(#"{"accountId":"712020:aaaa","actionId":""#))
        #expect(text.hasSuffix(#""type":"intent"}"# + "\n"))
    }

    @Test func aLineCutOffByACrashIsLeftOut() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action()])
        let lines = Self.lines(for: plan.actions[0])
        let whole = lines[0...1].flatMap(JournalCodec.encode)
        let cut = whole + JournalCodec.encode(lines[2]).prefix(20)
        let decoded = try JournalCodec.decode(cut, path: "j.jsonl")
        #expect(decoded.lines.count == 2)
        #expect(decoded.cutOffLine == 3)
        #expect(decoded.validLength == whole.count)
    }

    @Test func aDamagedLineInTheMiddleIsAnErrorNamingIt() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action()])
        let lines = Self.lines(for: plan.actions[0])
        let bytes = JournalCodec.encode(lines[0]) + Array("{not json\n".utf8) + JournalCodec.encode(lines[1])
        let error = PlanFixtures.error { try JournalCodec.decode(bytes, path: "j.jsonl") }
        #expect(error?.location == SourceLocation(path: "j.jsonl", line: 2))
    }

    @Test func aNewerSchemaVersionIsRefused() throws {
        let bytes = Array(#"{"schemaVersion":2,"type":"run"}"#.utf8) + [0x0A]
        let error = PlanFixtures.error { try JournalCodec.decode(bytes, path: "j.jsonl") }
        #expect(error?.message.contains("journal schema version 2 is not supported") == true)
    }

    @Test func stateFoldsIntentsOutcomesAndEnds() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action(account: "a"), PlanFixtures.action(account: "b")])
        let (a, b) = (plan.actions[0], plan.actions[1])
        var lines = Self.lines(for: a)
        let open = JournalIntent(at: "t", action: b, step: .removeGroup, group: Self.group, request: "DELETE x")
        lines.append(.intent(open))
        let state = JournalState(lines.enumerated().map { ($0.offset + 1, $0.element) })
        #expect(state.isFinished(a.id))
        #expect(!state.isFinished(b.id))
        #expect(state.openIntents[a.id] == nil)
        #expect(state.openIntents[b.id] == [open])
        #expect(state.steps[a.id]?.count == 1)
        #expect(state.steps[a.id]?.first?.line == 3)
        #expect(state.actionOrder == [a.id, b.id])
        #expect(state.planDigest == "abc")
    }

    @Test func aFailedEndIsNotFinished() throws {
        let plan = PlanFixtures.plan([PlanFixtures.action()])
        let id = plan.actions[0].id
        var state = JournalState()
        state.apply(.action(JournalActionEnd(at: "t", actionId: id, result: .failed, status: 403, reason: "no")))
        #expect(!state.isFinished(id))
        state.apply(.action(JournalActionEnd(at: "t", actionId: id, result: .alreadyDone, status: nil, reason: nil)))
        #expect(state.isFinished(id))
    }
}
