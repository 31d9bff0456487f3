import Foundation
import Testing

@testable import SeatSweepKit

/// Savings per subscription, worked by hand. The audit date is 2026-11-01 unless a test says
/// otherwise, so monthly plans (cycle day 1) save from 2026-12-01.
@Suite struct SavingsCalculatorTests {
    let d = PricingTestSupport.d

    func savings(_ yaml: String, _ groups: [(String, String, Int, Int)]) throws -> Savings {
        try PricingTestSupport.savings(
            yaml, groups.map { (product: $0.0, site: $0.1, billable: $0.2, candidates: $0.3) })
    }
    let day = { (text: String) in Day(iso: text)! }

    static let header = "currency: USD\nsource: hand-worked\nrenewal: 2027-03-01\n"

    // MARK: monthly, flat

    static let flat = header + "products:\n  jira: {billing: monthly, perUser: 8.60}\n"

    @Test func flatMonthly() throws {
        // 9 seats × 8.60 = 77.40 a month; removing 2 saves 2 × 8.60 = 17.20 a month, 12 × 17.20 = 206.40 a year.
        let s = try savings(Self.flat, [("jira", "acme", 9, 2)])
        let g = try #require(s.group(product: "jira", site: "acme"))
        #expect(g.billing == "monthly")
        #expect(g.monthlyCost == d("77.40"))
        #expect(g.monthlySavings == d("17.20"))
        #expect(g.annualSavings == d("206.40"))
        #expect(g.effectiveFrom == day("2026-12-01"))
        #expect(g.tier == nil && g.tierAfter == nil && g.toNextLowerTier == nil)
        #expect(s.monthlySavings == d("17.20") && s.annualSavings == d("206.40"))
        #expect(s.currency == "USD" && s.source == "hand-worked" && s.unpriced.isEmpty)
    }

    @Test func nothingRemovedSavesNothing() throws {
        let g = try #require(try savings(Self.flat, [("jira", "acme", 9, 0)]).groups.first)
        #expect(g.monthlyCost == d("77.40"))
        #expect(g.monthlySavings == 0 && g.annualSavings == 0)
    }

    @Test func everySeatRemovedSavesTheWholeFlatCost() throws {
        // k = n = 9: 77.40 a month, 928.80 a year.
        let g = try #require(try savings(Self.flat, [("jira", "acme", 9, 9)]).groups.first)
        #expect(g.monthlySavings == d("77.40"))
        #expect(g.annualSavings == d("928.80"))
    }

    @Test func cycleDayMovesTheStartOfMonthlySavings() throws {
        let yaml = Self.header + "cycleDay: 15\nproducts:\n  jira: {billing: monthly, perUser: 8.60}\n"
        #expect(try savings(yaml, [("jira", "acme", 9, 2)]).groups.first?.effectiveFrom == day("2026-11-15"))
    }

    // MARK: monthly, graduated bands

    static let bands =
        header + """
            products:
              confluence:
                billing: monthly
                bands:
                  - {upTo: 100, perUser: 6.40}
                  - {upTo: 1000, perUser: 5.20}
                  - {perUser: 3.90}
            """

    @Test(arguments: [
        // (n, k, monthly cost, monthly savings)
        (100, 1, "640", "6.40"),  // at the first upTo: the removed user was a 6.40 one
        (101, 1, "645.20", "5.20"),  // one over: the 101st user costs 5.20
        (101, 2, "645.20", "11.60"),  // 645.20 − 99 × 6.40 (633.60) = 5.20 + 6.40
        (1000, 1, "5320", "5.20"),  // 640 + 900 × 5.20
        (1001, 2, "5323.90", "9.10"),  // 5323.90 − (640 + 899 × 5.20 = 5314.80) = 3.90 + 5.20
        (1200, 0, "6100", "0"),  // 640 + 4680 + 200 × 3.90
        (101, 101, "645.20", "645.20"),  // k = n
    ])
    func graduatedBands(n: Int, k: Int, cost: String, saving: String) throws {
        let g = try #require(try savings(Self.bands, [("confluence", "acme", n, k)]).groups.first)
        #expect(g.monthlyCost == d(cost))
        #expect(g.monthlySavings == d(saving))
        #expect(g.annualSavings == d(saving) * 12)
    }

    @Test func bandsThatStopBelowTheSeatCountAreAnError() {
        let yaml = Self.header + "products:\n  confluence:\n    billing: monthly\n    bands: [{upTo: 10, perUser: 5}]\n"
        let error = PricingTestSupport.savingsError(yaml, [("confluence", "acme", 11, 1)])
        #expect(error?.message == "confluence on acme has 11 billable seats, but its bands stop at 10 users")
        #expect(error?.location?.line == 7)
        #expect(error?.hint?.contains("leave upTo out of the last band") == true)
    }

    // MARK: annual, tiers

    static let tiers =
        header + """
            products:
              jira-service-management:
                billing: annual
                tiers:
                  - {upTo: 10, price: 2000}
                  - {upTo: 25, price: 5000}
                  - {upTo: 50, price: 9000}
            """

    @Test(
        arguments: [
            // (n, k, tier, tierAfter, toNextLowerTier, annual savings, monthly savings)
            (10, 0, 10, 10, nil, "0", "0"),  // exactly at upTo, lowest tier: nothing below
            (10, 3, 10, 10, nil, "0", "0"),  // fewer users in the same tier save nothing
            (11, 0, 25, 25, 1, "0", "0"),  // one over: one removal would drop to the 10-user tier
            (11, 1, 25, 10, nil, "3000", "250"),  // 5000 − 2000
            (25, 0, 25, 25, 15, "0", "0"),  // at the boundary: 25 − 10 = 15 to go
            (30, 3, 50, 50, 2, "0", "0"),  // 27 left, 2 more reach 25
            (30, 5, 50, 25, 15, "4000", "333.333333"),  // 25 left: 9000 − 5000; 25 − 10 = 15 more
            (26, 1, 50, 25, 15, "4000", "333.333333"),  // one over 25, one removed
            (30, 30, 50, 10, nil, "7000", "583.333333"),  // k = n: the smallest tier still bills 2000
        ] as [(Int, Int, Int, Int, Int?, String, String)])
    func steppedTiers(
        n: Int, k: Int, tier: Int, tierAfter: Int, toNext: Int?, annual: String, monthly: String
    ) throws {
        let g = try #require(try savings(Self.tiers, [("jira-service-management", "acme", n, k)]).groups.first)
        #expect(g.billing == "annual")
        #expect(g.tier == tier)
        #expect(g.tierAfter == tierAfter)
        #expect(g.toNextLowerTier == toNext)
        #expect(g.annualSavings == d(annual))
        #expect(g.monthlySavings == d(monthly))
        #expect(g.effectiveFrom == day("2027-03-01"))
    }

    @Test func annualMonthlyCostIsTheYearOverTwelve() throws {
        let g = try #require(try savings(Self.tiers, [("jira-service-management", "acme", 30, 0)]).groups.first)
        #expect(g.monthlyCost == 750)  // 9000 / 12
    }

    @Test func tiersThatCannotHoldTheSeatCountAreAnError() {
        let error = PricingTestSupport.savingsError(Self.tiers, [("jira-service-management", "acme", 51, 10)])
        #expect(
            error?.message
                == "jira-service-management on acme has 51 billable seats, but its tiers stop at 50 users")
        #expect(error?.location?.description == "pricing.yml:8:7")
        #expect(error?.hint == "add the tier that holds 51 users from your quote")
    }

    @Test func annualWithoutRenewalHasNoStartDate() throws {
        let yaml = "currency: USD\nsource: q\nproducts:\n  jira: {billing: annual, perUser: 100}\n"
        let g = try #require(try savings(yaml, [("jira", "acme", 5, 2)]).groups.first)
        // A flat annual price: 2 × 100 a year, 200 / 12 a month.
        #expect(g.annualSavings == 200)
        #expect(g.monthlySavings == d("16.666667"))
        #expect(g.effectiveFrom == nil)
    }

    @Test func aPastRenewalRollsForward() throws {
        let yaml = "currency: USD\nsource: q\nrenewal: 2026-03-01\nproducts:\n  jira: {billing: annual, perUser: 100}\n"
        #expect(try savings(yaml, [("jira", "acme", 5, 2)]).groups.first?.effectiveFrom == day("2027-03-01"))
    }

    @Test func monthlyTiers() throws {
        // An app-style monthly step: up to 10 users 10 a month, up to 100 users 50 a month.
        let yaml =
            Self.header
            + "products:\n  jira: {billing: monthly, tiers: [{upTo: 10, price: 10}, {upTo: 100, price: 50}]}\n"
        let g = try #require(try savings(yaml, [("jira", "acme", 11, 1)]).groups.first)
        #expect(g.monthlySavings == 40 && g.annualSavings == 480)
        #expect(g.tier == 100 && g.tierAfter == 10)
        #expect(g.effectiveFrom == day("2026-12-01"))
    }

    // MARK: sites, apps, unpriced, currencies

    static let sites =
        header + """
            products:
              jira: {billing: monthly, perUser: 8.60}
            sites:
              acme-eu:
                jira: {billing: monthly, perUser: 7}
              acme-lab:
                jira: {billing: annual, tiers: [{upTo: 10, price: 950}, {upTo: 25, price: 2300}]}
            """

    @Test func siteOverridesPriceTheirOwnSubscription() throws {
        let s = try savings(
            Self.sites, [("jira", "acme", 9, 2), ("jira", "acme-eu", 3, 2), ("jira", "acme-lab", 12, 2)])
        // acme: 2 × 8.60 = 17.20; acme-eu: 2 × 7 = 14; acme-lab: 12 → 10 users drops 2300 → 950 = 1350 a year.
        #expect(s.groups.map(\.monthlySavings) == [d("17.20"), 14, d("112.5")])
        #expect(s.groups.map(\.annualSavings) == [d("206.40"), 168, 1350])
        #expect(s.group(product: "jira", site: "acme-lab")?.effectiveFrom == day("2027-03-01"))
        // 17.20 + 14 + 112.50 = 143.70 a month; 206.40 + 168 + 1350 = 1724.40 a year.
        #expect(s.monthlySavings == d("143.70"))
        #expect(s.annualSavings == d("1724.40"))
    }

    static let apps =
        header + """
            products:
              jira: {billing: monthly, perUser: 8.60}
            apps:
              - {name: Time tracking, host: jira, billing: monthly, perUser: 1.20}
              - {name: Diagrams, host: jira, site: acme-eu, billing: annual, tiers: [{upTo: 5, price: 100}, {upTo: 10, price: 180}]}
              - {name: Whiteboards, host: confluence, billing: monthly, perUser: 2}
            """

    @Test func appsSaveOnTheirHostsSeatDelta() throws {
        let s = try savings(Self.apps, [("jira", "acme", 9, 2), ("jira", "acme-eu", 6, 2)])
        #expect(
            s.apps.map { "\($0.name)@\($0.site)" } == [
                "Time tracking@acme", "Time tracking@acme-eu", "Diagrams@acme-eu",
            ])
        // Time tracking: 2 × 1.20 = 2.40 a month on each site; 9 × 1.20 = 10.80 and 6 × 1.20 = 7.20 a month now.
        #expect(s.apps[0].monthlySavings == d("2.40") && s.apps[0].annualSavings == d("28.80"))
        #expect(s.apps[0].monthlyCost == d("10.80") && s.apps[1].monthlyCost == d("7.20"))
        // Diagrams on acme-eu: 6 → 4 users drops the 180 tier to the 100 one: 80 a year, 6.666667 a month.
        #expect(s.apps[2].annualSavings == 80 && s.apps[2].monthlySavings == d("6.666667"))
        #expect(s.apps[2].tier == 10 && s.apps[2].tierAfter == 5 && s.apps[2].toNextLowerTier == nil)
        #expect(s.apps[2].effectiveFrom == day("2027-03-01"))
        // Whiteboards: no confluence seats, no entry. Jira 17.20 + 17.20 + apps 2.40 + 2.40 + 6.666667.
        #expect(s.monthlySavings == d("45.866667"))
        // 206.40 + 206.40 + 28.80 + 28.80 + 80
        #expect(s.annualSavings == d("550.40"))
        #expect(s.unpriced.isEmpty)
    }

    @Test func unpricedProductsAreListedNeverZero() throws {
        let s = try savings(
            Self.sites, [("bitbucket", "acme", 4, 4), ("confluence", "acme", 6, 2), ("jira", "acme", 9, 2)])
        #expect(s.unpriced == ["bitbucket", "confluence"])
        #expect(s.group(product: "confluence", site: "acme") == nil)
        #expect(s.groups.map(\.product) == ["jira"])
        #expect(s.monthlySavings == d("17.20"))  // the unpriced seats add nothing, rather than 0 each
    }

    @Test func aProductPricedOnlyOnOneSiteIsUnpricedElsewhere() throws {
        let yaml = Self.header + "sites:\n  acme-eu:\n    jira: {billing: monthly, perUser: 7}\n"
        let s = try savings(yaml, [("jira", "acme", 9, 2), ("jira", "acme-eu", 3, 1)])
        #expect(s.groups.map(\.site) == ["acme-eu"])
        #expect(s.unpriced == ["jira"])
    }

    static let mixed =
        header + """
            products:
              jira: {billing: monthly, perUser: 8.60}
            sites:
              acme-eu:
                jira: {billing: monthly, currency: EUR, perUser: 8}
            """

    @Test func mixedCurrenciesAreAnError() {
        let error = PricingTestSupport.savingsError(Self.mixed, [("jira", "acme", 9, 2), ("jira", "acme-eu", 3, 1)])
        #expect(
            error?.message
                == "the subscriptions in this audit are priced in more than one currency: USD (pricing.yml:1:11), "
                + "EUR (pricing.yml:8:40); their savings cannot be added up")
        #expect(error?.location?.line == 8)
        #expect(error?.hint?.contains("does not convert currencies") == true)
    }

    @Test func anUnusedEntryInAnotherCurrencyIsFine() throws {
        // Auditing only the USD site: the EUR override prices nothing, so nothing is mixed.
        let s = try savings(Self.mixed, [("jira", "acme", 9, 2)])
        #expect(s.currency == "USD" && s.monthlySavings == d("17.20"))
        // Auditing only the EUR site: the totals are in EUR.
        let eu = try savings(Self.mixed, [("jira", "acme-eu", 3, 1)])
        #expect(eu.currency == "EUR" && eu.monthlySavings == 8)
    }

    @Test func anAppInAnotherCurrencyIsAnError() {
        let yaml =
            Self.flat + "apps:\n  - {name: A, host: jira, billing: monthly, currency: GBP, perUser: 1}\n"
        #expect(PricingTestSupport.savingsError(yaml, [("jira", "acme", 9, 2)])?.message.contains("GBP") == true)
    }

    @Test func planSavingsCountOnlyTheSeatsThePlanFrees() throws {
        let pricing = try PricingTestSupport.load(Self.flat)
        let findings = PricingTestSupport.findings([("jira", "acme", 9, 2)])
        var plan = try TestSupport.audit([TestSupport.input(TestSupport.sample("directory-export.csv"))]).plan
        let action = PlanAction(
            id: "a", kind: .removeProductAccess, accountId: "1", email: "", name: "", product: "jira", site: "acme",
            groups: [], seats: [], lastActive: nil, daysInactive: nil, reason: "",
            evidence: PlanEvidence(path: "", line: 0),
            decision: .pending, decidedBy: nil, decidedAt: nil)
        plan.actions = [action]
        let calculator = SavingsCalculator(pricing: pricing, asOf: TestSupport.asOf)
        // One of the two candidates is planned: 8.60 a month.
        #expect(try calculator.run(findings, plan: plan).monthlySavings == d("8.60"))
        var suspend = action
        suspend.kind = .suspend
        suspend.product = nil
        suspend.site = nil
        suspend.seats = [PlanSeat(product: "jira", site: "acme", lastActive: nil, daysInactive: nil)]
        plan.actions = [action, suspend]
        #expect(try calculator.run(findings, plan: plan).monthlySavings == d("17.20"))
        let recorded = PlanSavings(try calculator.run(findings, plan: plan))
        #expect(recorded.monthlySavings == "17.2" && recorded.annualSavings == "206.4")
        #expect(recorded.currency == "USD" && recorded.source == "hand-worked")
    }
}
