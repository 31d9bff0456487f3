import Foundation

/// Prices the findings: what removing seats saves on each subscription, with Atlassian's
/// billing semantics (design.md §2: Findings ─price(pricing)─▶ Savings).
///
/// A subscription with n billable seats of which k are removed saves cost(n) − cost(n − k) per
/// billing period. Monthly plans save that every month from the next cycle (annual = 12 ×
/// monthly); annual plans save it once a year from the renewal (monthly = annual / 12). Apps
/// save on their host subscription's seat delta.
///
/// Worked example: Jira at 8.60 per user per month with 9 billable seats and 2 candidates costs
/// 77.40 a month and saves 2 × 8.60 = 17.20 a month, 206.40 a year, from the next cycle.
public struct SavingsCalculator: Sendable {
    public var pricing: PricingFile
    public var asOf: Day

    public init(pricing: PricingFile, asOf: Day) {
        self.pricing = pricing
        self.asOf = asOf
    }

    /// Savings if every candidate seat is removed.
    public func run(_ findings: Findings) throws(SeatSweepError) -> Savings {
        try price(findings.groups) { $0.candidates }
    }

    /// Savings if the plan's actions are carried out: the seats its actions free per
    /// subscription (fewer than the candidates when some cannot be planned, e.g. legacy exports).
    public func run(_ findings: Findings, plan: Plan) throws(SeatSweepError) -> Savings {
        var freed: [SeatKey: Int] = [:]
        for action in plan.actions {
            if let product = action.product, let site = action.site {
                freed[SeatKey(product: product, site: site), default: 0] += 1
            }
            for seat in action.seats { freed[SeatKey(product: seat.product, site: seat.site), default: 0] += 1 }
        }
        return try price(findings.groups) { freed[SeatKey(product: $0.product, site: $0.site)] ?? 0 }
    }

    /// What one price yields for n seats with k removed.
    struct Quote: Equatable {
        var billing: Billing
        var monthlyCost: Decimal
        var monthlySavings: Decimal
        var annualSavings: Decimal
        var effectiveFrom: Day?
        var tier: Int?
        var tierAfter: Int?
        var toNextLowerTier: Int?
    }

    /// Prices n billable seats of which k are removed; `what` names the subscription in errors.
    ///
    /// Tiers [10, 25, 50], n = 30, k = 3: tier 50, tier after 50, and 27 − 25 = 2 more removals
    /// would drop to tier 25. With k = 5: tier after 25, and 25 − 10 = 15 more to reach tier 10.
    func quote(_ entry: PriceEntry, seats n: Int, removing k: Int, what: String) throws(SeatSweepError) -> Quote {
        let after = max(n - max(k, 0), 0)
        guard let now = entry.schedule.cost(users: n), let later = entry.schedule.cost(users: after) else {
            let capacity = entry.schedule.capacity ?? 0
            throw SeatSweepError(
                "\(what) has \(n) billable seats, but its \(entry.schedule.kind) stop at \(capacity) users",
                at: entry.scheduleLocation,
                hint: entry.schedule.kind == "tiers"
                    ? "add the tier that holds \(n) users from your quote"
                    : "leave upTo out of the last band, so that it covers every user beyond the band before")
        }
        let saving = now - later
        var quote: Quote
        switch entry.billing {
        case .monthly:
            quote = Quote(
                billing: .monthly, monthlyCost: now, monthlySavings: saving, annualSavings: saving * 12,
                effectiveFrom: BillingCalendar.nextCycle(after: asOf, cycleDay: entry.cycleDay))
        case .annual:
            quote = Quote(
                billing: .annual, monthlyCost: Money.perMonth(now), monthlySavings: Money.perMonth(saving),
                annualSavings: saving,
                effectiveFrom: entry.renewal.map { BillingCalendar.nextRenewal($0, after: asOf) })
        }
        if case .tiers(let tiers) = entry.schedule, let current = entry.schedule.tierIndex(users: n),
            let reached = entry.schedule.tierIndex(users: after)
        {
            quote.tier = tiers[current].upTo
            quote.tierAfter = tiers[reached].upTo
            quote.toNextLowerTier = reached > 0 ? after - tiers[reached - 1].upTo : nil
        }
        return quote
    }

    private func price(_ groups: [SeatGroupCounts], removing: (SeatGroupCounts) -> Int) throws(SeatSweepError)
        -> Savings
    {
        var subscriptions: [SubscriptionSavings] = []
        var apps: [AppSavings] = []
        var unpriced = Set<String>()
        var currencies: [(code: String, at: SourceLocation)] = []
        func note(_ entry: PriceEntry) {
            if !currencies.contains(where: { $0.code == entry.currency }) {
                currencies.append((entry.currency, entry.currencyLocation))
            }
        }
        for group in groups {
            let what = group.site.isEmpty ? group.product : "\(group.product) on \(group.site)"
            let k = removing(group)
            if let entry = pricing.price(product: group.product, site: group.site) {
                note(entry)
                let q = try quote(entry, seats: group.billable, removing: k, what: what)
                subscriptions.append(
                    SubscriptionSavings(
                        product: group.product, site: group.site, billing: q.billing.rawValue,
                        monthlyCost: q.monthlyCost, monthlySavings: q.monthlySavings, annualSavings: q.annualSavings,
                        effectiveFrom: q.effectiveFrom, tier: q.tier, tierAfter: q.tierAfter,
                        toNextLowerTier: q.toNextLowerTier))
            } else {
                unpriced.insert(group.product)
            }
        }
        for app in pricing.apps {
            for group in groups where group.product == app.host && (app.site == nil || app.site == group.site) {
                note(app.price)
                let q = try quote(
                    app.price, seats: group.billable, removing: removing(group),
                    what:
                        "app '\(app.name)' on \(group.site.isEmpty ? group.product : "\(group.product) on \(group.site)")"
                )
                apps.append(
                    AppSavings(
                        name: app.name, host: app.host, billing: q.billing.rawValue, monthlySavings: q.monthlySavings,
                        annualSavings: q.annualSavings, site: group.site, monthlyCost: q.monthlyCost,
                        effectiveFrom: q.effectiveFrom, tier: q.tier, tierAfter: q.tierAfter,
                        toNextLowerTier: q.toNextLowerTier))
            }
        }
        if currencies.count > 1 {
            let list = currencies.map { "\($0.code) (\($0.at))" }.joined(separator: ", ")
            throw SeatSweepError(
                "the subscriptions in this audit are priced in more than one currency: \(list); "
                    + "their savings cannot be added up",
                at: currencies[1].at,
                hint: "seatsweep does not convert currencies: give every price in one currency, or audit the sites "
                    + "billed in each currency separately")
        }
        let monthly =
            subscriptions.reduce(Decimal(0)) { $0 + $1.monthlySavings } + apps.reduce(0) { $0 + $1.monthlySavings }
        let annual =
            subscriptions.reduce(Decimal(0)) { $0 + $1.annualSavings } + apps.reduce(0) { $0 + $1.annualSavings }
        return Savings(
            currency: currencies.first?.code ?? pricing.currency, source: pricing.source, groups: subscriptions,
            apps: apps, unpriced: unpriced.sorted(), monthlySavings: monthly, annualSavings: annual,
            path: pricing.path, sha256: pricing.sha256)
    }
}

extension PlanSavings {
    /// The plan's copy of its savings: exact decimal strings, bound by the plan's digest.
    public init(_ savings: Savings) {
        self.init(
            currency: savings.currency, source: savings.source,
            monthlySavings: Money.literal(savings.monthlySavings), annualSavings: Money.literal(savings.annualSavings))
    }
}
