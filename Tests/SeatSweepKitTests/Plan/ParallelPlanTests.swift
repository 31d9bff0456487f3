import Foundation
import Testing

@testable import SeatSweepKit

/// Collecting and building the plan on two threads gives exactly the plan one thread gives:
/// the same actions, in the same order, with the same ids and bytes.
@Suite struct ParallelPlanTests {
    @Test(arguments: [2, 3, 40, 301])
    func twoThreadsEqualOne(count: Int) throws {
        let directory = try ParallelAnalysisTests.directory(count)
        for action in Policy.Action.allCases {
            var policy = Policy()
            policy.action = action
            let findings = InactivityAnalyzer(policy: policy, asOf: Day(iso: "2026-11-01")!).run(directory)
            var planner = Planner(generatedAt: Timestamp(iso: "2026-11-01T12:00:00Z")!, toolVersion: "test")
            var log = DiagnosticLog()
            planner.parallelThreshold = .max
            let one = planner.run(findings, directory: directory, diagnostics: &log)
            planner.parallelThreshold = 2
            // Chunks of a few actions, so both threads take many, in no set order.
            planner.buildChunk = 3
            let two = planner.run(findings, directory: directory, diagnostics: &log)
            // Compared as one flag: a failing `==` on whole plans would print both in full.
            let same = PlanCodec.encode(one) == PlanCodec.encode(two)
            #expect(same, "\(action), \(count) accounts: the plans differ")
            #expect(one.actions.count > count / 10, "\(action), \(count) accounts")
            // The plan names every site its actions touch, and no other.
            let named = Set(one.actions.compactMap(\.site) + one.actions.flatMap { $0.seats.map(\.site) })
            #expect(one.source.sites == named.sorted(), "\(action), \(count) accounts")
            #expect(two.source.sites == one.source.sites, "\(action), \(count) accounts")
            if action == .suspend, count > 3 { #expect(one.actions.contains { $0.kind == .suspend }) }
        }
    }
}
