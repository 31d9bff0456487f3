import Foundation

/// What removing the candidate seats would save, per subscription: the output of pricing.
///
/// Each product on each site is its own subscription. Amounts are exact `Decimal`s; they are
/// rounded (half-even, to the currency's minor unit) only when displayed.
public struct Savings: Sendable, Equatable {
    /// ISO 4217 code shared by every priced subscription.
    public var currency: String
    /// The pricing file's `source:` text, printed in every report.
    public var source: String
    /// One entry per priced (product, site), in the order of `Findings.groups`.
    public var groups: [SubscriptionSavings]
    /// Marketplace apps billed on a host product's user count.
    public var apps: [AppSavings]
    /// Product keys that have billable seats but no price (shown as unpriced, never as 0).
    public var unpriced: [String]
    public var monthlySavings: Decimal
    public var annualSavings: Decimal

    public init(
        currency: String, source: String, groups: [SubscriptionSavings], apps: [AppSavings], unpriced: [String],
        monthlySavings: Decimal, annualSavings: Decimal
    ) {
        self.currency = currency
        self.source = source
        self.groups = groups
        self.apps = apps
        self.unpriced = unpriced
        self.monthlySavings = monthlySavings
        self.annualSavings = annualSavings
    }

    /// The savings for one (product, site), if priced.
    public func group(product: String, site: String) -> SubscriptionSavings? {
        groups.first { $0.product == product && $0.site == site }
    }
}

/// Savings for one subscription (a product on a site).
public struct SubscriptionSavings: Sendable, Equatable {
    public var product: String
    public var site: String
    /// `monthly` or `annual`.
    public var billing: String
    public var monthlyCost: Decimal
    public var monthlySavings: Decimal
    public var annualSavings: Decimal
    /// When the saving starts: the next monthly cycle, or the renewal date for annual plans.
    public var effectiveFrom: Day?
    /// Tiered plans: the current tier's upper bound, the tier after removals, and how many more
    /// removals would drop one tier.
    public var tier: Int?
    public var tierAfter: Int?
    public var toNextLowerTier: Int?

    public init(
        product: String, site: String, billing: String, monthlyCost: Decimal, monthlySavings: Decimal,
        annualSavings: Decimal, effectiveFrom: Day?, tier: Int? = nil, tierAfter: Int? = nil,
        toNextLowerTier: Int? = nil
    ) {
        self.product = product
        self.site = site
        self.billing = billing
        self.monthlyCost = monthlyCost
        self.monthlySavings = monthlySavings
        self.annualSavings = annualSavings
        self.effectiveFrom = effectiveFrom
        self.tier = tier
        self.tierAfter = tierAfter
        self.toNextLowerTier = toNextLowerTier
    }
}

/// Savings on a Marketplace app billed per user of its host product.
public struct AppSavings: Sendable, Equatable {
    public var name: String
    /// The host product key.
    public var host: String
    public var billing: String
    public var monthlySavings: Decimal
    public var annualSavings: Decimal

    public init(name: String, host: String, billing: String, monthlySavings: Decimal, annualSavings: Decimal) {
        self.name = name
        self.host = host
        self.billing = billing
        self.monthlySavings = monthlySavings
        self.annualSavings = annualSavings
    }
}
