import Foundation

/// What removing the candidate seats would save, per subscription: the output of pricing
/// (`SavingsCalculator`).
///
/// Each product on each site is its own subscription. Amounts are exact `Decimal`s (a monthly
/// figure of an annual plan is the annual one divided by 12, kept to 6 decimal places); they are
/// rounded (half-even, to the currency's minor unit) only when displayed, by `Money.display`.
public struct Savings: Sendable, Equatable {
    /// ISO 4217 code shared by every priced subscription (an audit never mixes currencies).
    public var currency: String
    /// The pricing file's `source:` text, printed in every report.
    public var source: String
    /// One entry per priced (product, site), in the order of `Findings.groups`.
    public var groups: [SubscriptionSavings]
    /// Marketplace apps billed on a host product's user count, one entry per (app, site).
    public var apps: [AppSavings]
    /// Product keys that have at least one billable subscription without a price (shown as
    /// unpriced, never as 0), sorted.
    public var unpriced: [String]
    /// Sum over `groups` and `apps`.
    public var monthlySavings: Decimal
    public var annualSavings: Decimal
    /// The pricing file's path and the SHA-256 of its bytes.
    public var path: String
    public var sha256: String

    public init(
        currency: String, source: String, groups: [SubscriptionSavings], apps: [AppSavings], unpriced: [String],
        monthlySavings: Decimal, annualSavings: Decimal, path: String = "", sha256: String = ""
    ) {
        self.currency = currency
        self.source = source
        self.groups = groups
        self.apps = apps
        self.unpriced = unpriced
        self.monthlySavings = monthlySavings
        self.annualSavings = annualSavings
        self.path = path
        self.sha256 = sha256
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
    /// `monthly` or `annual` (`Billing.rawValue`).
    public var billing: String
    /// What the subscription costs now, per month (annual plans: the year's price / 12).
    public var monthlyCost: Decimal
    public var monthlySavings: Decimal
    public var annualSavings: Decimal
    /// When the saving starts: the next monthly cycle, or the next renewal date for annual
    /// plans (nil when the pricing file gives no renewal date).
    public var effectiveFrom: Day?
    /// Tiered plans: the current tier's upper bound (`upTo`), the tier after removals, and how
    /// many more removals would drop one tier further (nil in the lowest tier).
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

/// Savings on a Marketplace app billed per user of its host product on one site.
public struct AppSavings: Sendable, Equatable {
    public var name: String
    /// The host product key.
    public var host: String
    /// The site whose host subscription the app's user count follows.
    public var site: String
    public var billing: String
    public var monthlyCost: Decimal
    public var monthlySavings: Decimal
    public var annualSavings: Decimal
    public var effectiveFrom: Day?
    /// Tiered app prices: as in `SubscriptionSavings`.
    public var tier: Int?
    public var tierAfter: Int?
    public var toNextLowerTier: Int?

    public init(
        name: String, host: String, billing: String, monthlySavings: Decimal, annualSavings: Decimal,
        site: String = "", monthlyCost: Decimal = 0, effectiveFrom: Day? = nil, tier: Int? = nil,
        tierAfter: Int? = nil, toNextLowerTier: Int? = nil
    ) {
        self.name = name
        self.host = host
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
