import Foundation
import Testing

@testable import SeatSweepKit

/// The three price shapes, worked by hand at and around every boundary.
@Suite struct PriceScheduleTests {
    let d = PricingTestSupport.d

    @Test func flatIsUsersTimesPrice() {
        let flat = PriceSchedule.perUser(d("8.60"))
        #expect(flat.cost(users: 0) == 0)
        #expect(flat.cost(users: 1) == d("8.60"))
        #expect(flat.cost(users: 9) == d("77.40"))  // 9 × 8.60
        #expect(flat.cost(users: 1_000_000) == d("8600000"))
        #expect(flat.capacity == nil)
    }

    /// First 100 users at 6.40, the next 900 at 5.20, the rest at 3.90.
    static let bands = PriceSchedule.bands([
        PriceBand(upTo: 100, perUser: Decimal(string: "6.40")!),
        PriceBand(upTo: 1000, perUser: Decimal(string: "5.20")!),
        PriceBand(upTo: nil, perUser: Decimal(string: "3.90")!),
    ])

    @Test(arguments: [
        (0, "0"),
        (1, "6.40"),
        (100, "640"),  // exactly at the first upTo: 100 × 6.40
        (101, "645.20"),  // one over: 640 + 1 × 5.20
        (1000, "5320"),  // 640 + 900 × 5.20 = 640 + 4680
        (1001, "5323.90"),  // 5320 + 1 × 3.90
        (1200, "6100"),  // 5320 + 200 × 3.90 = 5320 + 780
    ])
    func bandsAreGraduated(users: Int, cost: String) {
        #expect(Self.bands.cost(users: users) == d(cost))
    }

    @Test func boundedBandsCannotPriceMoreThanTheirLastUpTo() {
        let bands = PriceSchedule.bands([PriceBand(upTo: 10, perUser: 5), PriceBand(upTo: 20, perUser: 4)])
        #expect(bands.cost(users: 20) == 90)  // 10 × 5 + 10 × 4
        #expect(bands.cost(users: 21) == nil)
        #expect(bands.capacity == 20)
    }

    static let tiers = PriceSchedule.tiers([
        PriceTier(upTo: 10, price: 2000), PriceTier(upTo: 25, price: 5000), PriceTier(upTo: 50, price: 9000),
    ])

    @Test(arguments: [
        (0, 2000, 0),  // nobody left: the subscription still costs its smallest tier
        (1, 2000, 0),
        (10, 2000, 0),  // exactly at upTo: still the 10-user tier
        (11, 5000, 1),  // one over: the whole subscription moves to the 25-user tier
        (25, 5000, 1),
        (26, 9000, 2),
        (50, 9000, 2),
    ])
    func tiersAreAStepFunction(users: Int, cost: Int, index: Int) {
        #expect(Self.tiers.cost(users: users) == Decimal(cost))
        #expect(Self.tiers.tierIndex(users: users) == index)
    }

    @Test func tiersCannotHoldMoreThanTheLargestTier() {
        #expect(Self.tiers.cost(users: 51) == nil)
        #expect(Self.tiers.tierIndex(users: 51) == nil)
        #expect(Self.tiers.capacity == 50)
    }
}

/// Rounding only for display, half-even, per currency.
@Suite struct MoneyTests {
    let d = PricingTestSupport.d

    @Test func displayRoundsHalfEvenToTheMinorUnit() {
        #expect(Money.display(d("0.125"), currency: "USD") == "0.12")  // half to even: down
        #expect(Money.display(d("0.135"), currency: "USD") == "0.14")  // half to even: up
        #expect(Money.display(d("166.666667"), currency: "USD") == "166.67")
        #expect(Money.display(d("12.8"), currency: "EUR") == "12.80")
        #expect(Money.display(d("1200"), currency: "USD") == "1200.00")
        #expect(Money.display(0, currency: "USD") == "0.00")
        #expect(Money.display(d("1234.5"), currency: "JPY") == "1234")  // no minor unit; half to even
        #expect(Money.display(d("1.2345"), currency: "KWD") == "1.234")  // three digits; half to even
    }

    @Test func literalsAreExact() {
        #expect(Money.literal(d("25.80")) == "25.8")
        #expect(Money.literal(d("2000")) == "2000")
        #expect(Money.literal(0) == "0")
        #expect(Money.literal(d("0.000001")) == "0.000001")
    }

    @Test func perMonthKeepsSixDecimalPlaces() {
        #expect(Money.perMonth(2000) == d("166.666667"))  // 166.6666…
        #expect(Money.perMonth(3000) == 250)
        #expect(Money.perMonth(d("0.000006")) == d("0"))  // 0.0000005 → half to even → 0
    }
}

/// When a removal starts to save.
@Suite struct BillingCalendarTests {
    func day(_ text: String) -> Day { Day(iso: text)! }

    @Test(arguments: [
        ("2026-11-01", 1, "2026-12-01"),  // the cycle starting today is already billed in full
        ("2026-10-31", 1, "2026-11-01"),
        ("2026-11-14", 15, "2026-11-15"),
        ("2026-11-15", 15, "2026-12-15"),
        ("2026-12-20", 15, "2027-01-15"),  // over the year end
        ("2027-02-10", 31, "2027-02-28"),  // a short month: its last day
        ("2028-02-10", 31, "2028-02-29"),  // leap year
        ("2027-02-28", 31, "2027-03-31"),
    ])
    func nextCycle(asOf: String, cycleDay: Int, expected: String) {
        #expect(BillingCalendar.nextCycle(after: day(asOf), cycleDay: cycleDay) == day(expected))
    }

    @Test(arguments: [
        ("2027-03-01", "2026-11-01", "2027-03-01"),  // in the future: the date itself
        ("2026-03-01", "2026-11-01", "2027-03-01"),  // last year's date rolls forward
        ("2024-03-01", "2026-11-01", "2027-03-01"),  // several years
        ("2026-11-01", "2026-11-01", "2027-11-01"),  // renewing today: too late for this one
        ("2024-02-29", "2026-11-01", "2027-02-28"),  // 29 February in a common year
        ("2029-01-01", "2026-11-01", "2029-01-01"),  // a multi-year term
    ])
    func nextRenewal(renewal: String, asOf: String, expected: String) {
        #expect(BillingCalendar.nextRenewal(day(renewal), after: day(asOf)) == day(expected))
    }
}
