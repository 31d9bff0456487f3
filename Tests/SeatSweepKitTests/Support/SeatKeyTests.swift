import Foundation
import Testing

@testable import SeatSweepKit

/// Seats hold an interned (product, site) number: equal pairs get equal keys, different pairs
/// different ones, each key gives its pair back, and keys made on two threads at once agree.
@Suite struct SeatKeyTests {
    @Test func equalPairsShareAKeyAndGiveTheirPairBack() {
        let a = SeatKey(product: "jira", site: "acme")
        let b = SeatKey(product: "jira", site: "acme")
        #expect(a == b)
        #expect(a.product == "jira" && a.site == "acme")
        // The separator cannot make two pairs collide, nor can an empty site.
        let c = SeatKey(product: "jira\u{0}acme", site: "")
        let d = SeatKey(product: "jira", site: "acme\u{0}")
        #expect(Set([a, c, d]).count == 3)
        #expect(c.product == "jira\u{0}acme" && c.site == "")
        let seat = Seat(
            product: "jira-service-management", site: "acme-eu", lastActive: .never, evidence: .init(input: 0, line: 2))
        #expect(seat.key == SeatKey(product: "jira-service-management", site: "acme-eu"))
        #expect(seat.product == "jira-service-management" && seat.site == "acme-eu")
    }

    /// More pairs than one chunk of the table holds, interned from two threads in opposite
    /// orders: both threads get the same key for each pair, and every key reads back its pair.
    @Test func twoThreadsAgreeBeyondOneChunk() {
        let count = 10_000
        let sites = (0..<count).map { "seatkey-test-\($0)" }
        let first = ForkJoinSlot<[SeatKey]>()
        let second = ForkJoinSlot<[SeatKey]>()
        ForkJoin.run([
            { first.value = sites.map { SeatKey(product: "confluence", site: $0) } },
            { second.value = sites.reversed().map { SeatKey(product: "confluence", site: $0) }.reversed() },
        ])
        let (x, y) = (first.take()!, second.take()!)
        #expect(x == y)
        #expect(Set(x).count == count)
        #expect(x.indices.allSatisfy { x[$0].product == "confluence" && x[$0].site == sites[$0] })
    }
}
