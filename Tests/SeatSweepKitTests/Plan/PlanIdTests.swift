import Foundation
import Testing

@testable import SeatSweepKit

/// Action ids: 12 hex digits of the action's hash, longer only where an earlier action of the
/// plan already has the same digits.
@Suite struct PlanIdTests {
    @Test func plannedIdsAreTheHashesShortIds() throws {
        let plan = try PlanFixtures.samplePlan()
        #expect(plan.actions.count == 8)
        var rebuilt = plan.actions
        for i in rebuilt.indices { rebuilt[i].id = "" }
        Planner.assignIds(&rebuilt)
        for (built, again) in zip(plan.actions, rebuilt) {
            #expect(built.id == again.id)
            let hash = withUnsafePointer(to: built) { Planner.idHash($0) }
            #expect(built.id == Planner.shortId(hash))
        }
    }

    @Test func collidingPrefixesAreLengthened() {
        let h: UInt64 = 0x0123_4567_89ab_cdef
        // Same first 12 digits as `h` (the low 16 bits differ), a distinct one, `h` again twice.
        let hashes: [UInt64] = [h, h ^ 0x1, 0xfedc_ba98_7654_3210, h ^ 0x2, h, h]
        var actions = hashes.indices.map { PlanFixtures.action(account: "712020:\($0)") }
        for i in actions.indices { actions[i].id = Planner.shortId(hashes[i]) }
        Planner.lengthenCollidingIds(&actions, hashes: hashes)
        #expect(
            actions.map(\.id) == [
                "0123456789ab", "0123456789abcd", "fedcba987654", "0123456789abcded", "0123456789abcdef",
                "0123456789abcdef-2",
            ])
    }
}
