import Foundation
import Testing

@testable import SeatSweepKit

/// Recording decisions: only the fields outside the digest change, and bad decisions change nothing.
@Suite struct PlanReviewerTests {
    let at = Timestamp(seconds: 1_793_606_400)  // 2026-11-02T08:00:00Z

    @Test func explicitDecisionsAreRecordedOutsideTheDigest() throws {
        let plan = try PlanFixtures.samplePlan()
        let (a, b) = (plan.actions[0].id, plan.actions[1].id)
        let reviewed = try PlanReviewer(reviewer: "Lena Lead", at: at).run(
            plan, .decisions([.init(actionId: a, decision: .approved), .init(actionId: b, decision: .rejected)]),
            path: "plan.json")
        #expect(reviewed.actions[0].decision == .approved)
        #expect(reviewed.actions[0].decidedBy == "Lena Lead")
        #expect(reviewed.actions[0].decidedAt == "2026-11-02T08:00:00Z")
        #expect(reviewed.actions[1].decision == .rejected)
        #expect(reviewed.actions[2].decision == .pending)
        #expect(reviewed.actions[2].decidedBy == nil)
        #expect(reviewed.digest == plan.digest)
        #expect(PlanCodec.integrity(reviewed) == .intact)
        #expect(
            reviewed.reviews == [
                PlanReview(
                    by: "Lena Lead", at: "2026-11-02T08:00:00Z", approved: 1, rejected: 1,
                    pending: plan.actions.count - 2)
            ])
        // Round trip through the file format keeps the decisions and the integrity.
        let decoded = try PlanCodec.decode(Data(PlanCodec.encode(reviewed)), path: "plan.json")
        #expect(decoded == reviewed)
    }

    @Test func approveAllLeavesEarlierRejectionsStanding() throws {
        let plan = try PlanFixtures.samplePlan()
        let first = try PlanReviewer(reviewer: "A", at: at).run(
            plan, .decisions([.init(actionId: plan.actions[3].id, decision: .rejected)]), path: "p")
        let second = try PlanReviewer(reviewer: "B", at: at + 60).run(first, .approveAllPending, path: "p")
        #expect(second.actions[3].decision == .rejected)
        #expect(second.actions[3].decidedBy == "A")
        #expect(second.actions.count { $0.decision == .approved } == plan.actions.count - 1)
        #expect(second.reviews.map(\.by) == ["A", "B"])
        #expect(second.reviews[1].approved == plan.actions.count - 1)
        #expect(second.reviews[1].pending == 0)
        #expect(PlanCodec.integrity(second) == .intact)
    }

    @Test func unknownIdsAreAllReportedAndNothingChanges() throws {
        let plan = try PlanFixtures.samplePlan()
        let error = PlanFixtures.error {
            try PlanReviewer(reviewer: "A", at: at).run(
                plan,
                .decisions([
                    .init(actionId: plan.actions[0].id, decision: .approved),
                    .init(actionId: "nope", decision: .approved),
                    .init(
                        actionId: "zzz", decision: .rejected,
                        location: SourceLocation(path: "r.csv", line: 4, column: 9)),
                ]), path: "plan.json")
        }
        #expect(error?.message.contains("'nope' is not the id of an action") == true)
        #expect(error?.related.first?.location == SourceLocation(path: "r.csv", line: 4, column: 9))
    }

    @Test func contradictingDecisionsAreRefused() throws {
        let plan = try PlanFixtures.samplePlan()
        let id = plan.actions[0].id
        let error = PlanFixtures.error {
            try PlanReviewer(reviewer: "A", at: at).run(
                plan, .decisions([.init(actionId: id, decision: .approved), .init(actionId: id, decision: .rejected)]),
                path: "p")
        }
        #expect(error?.message.contains("both approved") == true)
    }

    @Test func aTamperedPlanIsNotReviewed() throws {
        var plan = try PlanFixtures.samplePlan()
        plan.actions[0].site = "evil"
        let error = PlanFixtures.error {
            try PlanReviewer(reviewer: "A", at: at).run(plan, .approveAllPending, path: "p")
        }
        #expect(error?.message.contains("digest does not match") == true)
    }

    @Test(arguments: ["", "   ", "Eve\u{1B}[2J", String(repeating: "x", count: 201)])
    func badReviewerNamesAreRefused(_ name: String) throws {
        #expect(PlanReviewer.validateName(name) != nil)
        let plan = try PlanFixtures.samplePlan()
        #expect(
            PlanFixtures.error { try PlanReviewer(reviewer: name, at: at).run(plan, .approveAllPending, path: "p") }
                != nil)
    }
}
