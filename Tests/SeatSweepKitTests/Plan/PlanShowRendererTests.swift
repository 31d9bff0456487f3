import Foundation
import Testing

@testable import SeatSweepKit

/// `plan show`: status first, then every action; stale plans shown and flagged; hostile text neutralised.
@Suite struct PlanShowRendererTests {
    @Test func anIntactPlanWithDecisionsAndSavings() throws {
        var plan = try PlanFixtures.samplePlan()
        plan.savings = PlanSavings(
            currency: "USD", source: "list prices 2026", monthlySavings: "25.8", annualSavings: "309.6")
        plan.digest = PlanCodec.digest(plan)
        plan = try PlanReviewer(reviewer: "Lena", at: TestSupport.generatedAt + 3600).run(
            plan, .decisions([.init(actionId: plan.actions[0].id, decision: .approved)]), path: "p")
        let text = PlanShowRenderer.render(plan, now: TestSupport.generatedAt + 86_400, path: "r/plan.json")
        #expect(text.contains("digest     intact"))
        #expect(text.contains("expires    2026-11-15T08:00:00Z (in 13 days)"))
        #expect(text.contains("actions    8: 1 approved, 0 rejected, 7 pending (8 remove-product-access)"))
        #expect(text.contains("savings    USD 25.80 a month, USD 309.60 a year (prices: list prices 2026)"))
        #expect(text.contains("reviews    2026-11-01T09:00:00Z by Lena: 1 approved, 0 rejected, 7 still pending"))
        #expect(text.contains("apply      ready: 1 approved action would be applied"))
        #expect(
            text.contains(
                "  \(plan.actions[0].id)  approved  remove-product-access  confluence@acme  Ana Souza <ana.souza@acme.example>"
            ))
        #expect(text.contains("evidence  Samples/directory-export.csv:2"))
        #expect(text.contains("decided   approved by Lena at 2026-11-01T09:00:00Z"))
    }

    @Test func staleAndTamperedPlansAreShownAndFlagged() throws {
        var plan = try PlanFixtures.samplePlan()
        plan.actions[0].name = "Eve\u{1B}[31m\u{202E}"
        let text = PlanShowRenderer.render(plan, now: TestSupport.generatedAt + 20 * 86_400, path: "p")
        #expect(text.contains("TAMPERED"))
        #expect(text.contains("EXPIRED 6 days ago"))
        #expect(
            text.contains(
                "refused now (tampered: the content does not match the digest; expired; no action is approved)"))
        #expect(text.contains("Eve?[31m?"))
        #expect(!text.contains("\u{1B}"))
    }

    @Test func jsonCarriesStatusAndActions() throws {
        let plan = try PlanFixtures.samplePlan()
        let bytes = PlanShowRenderer.renderJSON(plan, now: TestSupport.generatedAt)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["integrity"] as? String == "intact")
        #expect(object["expired"] as? Bool == false)
        #expect(object["readyToApply"] as? Bool == false)
        #expect((object["counts"] as? [String: Int])?["pending"] == 8)
        #expect((object["actions"] as? [[String: Any]])?.first?["decision"] as? String == "pending")
        #expect(object["problems"] as? [String] == ["no action is approved"])
    }
}
