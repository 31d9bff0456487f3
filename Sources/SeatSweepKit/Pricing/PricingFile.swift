import Foundation

/// The prices an admin supplies in `pricing.yml` (`PricingLoader` reads it).
///
/// Atlassian bills each product on each site as its own subscription; `products` prices every
/// site of a product, `sites` overrides single subscriptions, `apps` prices Marketplace apps
/// that follow a host product's user count.
public struct PricingFile: Sendable, Equatable {
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// The file's `currency:`; entries may override it (an audit that mixes them is an error).
    public var currency: String
    /// Free text saying where the prices come from, printed in every report.
    public var source: String
    /// Per product key.
    public var products: [String: PriceEntry]
    /// Per site key, then product key: a subscription whose price differs from `products`.
    public var sites: [String: [String: PriceEntry]]
    /// In file order.
    public var apps: [AppPrice]
    /// Problems that do not stop the audit (unknown product keys, annual plans without a
    /// renewal date), printed with the audit's diagnostics.
    public var warnings: [Diagnostic]

    public init(
        path: String, sha256: String, currency: String, source: String, products: [String: PriceEntry] = [:],
        sites: [String: [String: PriceEntry]] = [:], apps: [AppPrice] = [], warnings: [Diagnostic] = []
    ) {
        self.path = path
        self.sha256 = sha256
        self.currency = currency
        self.source = source
        self.products = products
        self.sites = sites
        self.apps = apps
        self.warnings = warnings
    }

    /// The price of one subscription: the site's override, else the product's entry.
    public func price(product: String, site: String) -> PriceEntry? {
        sites[site]?[product] ?? products[product]
    }
}

/// How a subscription is billed, and so when a removal starts to save.
public enum Billing: String, Sendable, CaseIterable {
    /// Per user per month on the most users held during the cycle: a removal saves from the
    /// next cycle.
    case monthly
    /// Per year, usually by user tier: a removal saves only at renewal.
    case annual
}

/// The price of one subscription (or app): billing, schedule, and when its periods start.
/// Amounts are per billing period: per month for `monthly`, per year for `annual`.
public struct PriceEntry: Sendable, Equatable {
    public var billing: Billing
    public var schedule: PriceSchedule
    /// ISO 4217 code: the entry's own `currency:`, else the file's.
    public var currency: String
    /// Annual plans: the renewal date (the entry's own, else the file's); nil when unknown.
    public var renewal: Day?
    /// Monthly plans: the day of the month a cycle starts (1–31; the last day in shorter months).
    public var cycleDay: Int
    /// Where the entry starts in the pricing file.
    public var location: SourceLocation
    /// Where `perUser`, `bands` or `tiers` is, for errors about the schedule.
    public var scheduleLocation: SourceLocation
    /// Where the currency in force was declared, for the mixed-currency error.
    public var currencyLocation: SourceLocation

    public init(
        billing: Billing, schedule: PriceSchedule, currency: String, renewal: Day? = nil, cycleDay: Int = 1,
        location: SourceLocation, scheduleLocation: SourceLocation? = nil, currencyLocation: SourceLocation? = nil
    ) {
        self.billing = billing
        self.schedule = schedule
        self.currency = currency
        self.renewal = renewal
        self.cycleDay = cycleDay
        self.location = location
        self.scheduleLocation = scheduleLocation ?? location
        self.currencyLocation = currencyLocation ?? location
    }
}

/// A Marketplace app billed on its host product's billable users.
public struct AppPrice: Sendable, Equatable {
    public var name: String
    /// The host product key (`jira`).
    public var host: String
    /// Only this site's host subscription; nil for every site where the host has users.
    public var site: String?
    public var price: PriceEntry

    public init(name: String, host: String, site: String? = nil, price: PriceEntry) {
        self.name = name
        self.host = host
        self.site = site
        self.price = price
    }
}

/// One band of a graduated price: users up to `upTo` (after the previous band) at `perUser`.
public struct PriceBand: Sendable, Equatable {
    /// Nil for the last band: every user beyond the previous band.
    public var upTo: Int?
    public var perUser: Decimal

    public init(upTo: Int?, perUser: Decimal) {
        self.upTo = upTo
        self.perUser = perUser
    }
}

/// One tier of a tiered price: any count up to `upTo` costs `price` for the period.
public struct PriceTier: Sendable, Equatable {
    public var upTo: Int
    public var price: Decimal

    public init(upTo: Int, price: Decimal) {
        self.upTo = upTo
        self.price = price
    }
}

/// What n billable users cost for one billing period.
///
/// Worked example with `bands` [upTo 100 at 6.40, upTo 1000 at 5.20, rest at 3.90]: 1,200 users
/// cost 100 × 6.40 + 900 × 5.20 + 200 × 3.90 = 640 + 4680 + 780 = 6100. With `tiers`
/// [upTo 10: 2000, upTo 25: 5000], 10 users cost 2000 and 11 cost 5000.
public enum PriceSchedule: Sendable, Equatable {
    /// Flat: n × the price.
    case perUser(Decimal)
    /// Graduated: each band's users at that band's price. `upTo` ascending; only the last may be nil.
    case bands([PriceBand])
    /// Step function: the price of the smallest tier whose `upTo` holds n. `upTo` ascending.
    case tiers([PriceTier])

    /// The most users the schedule can price; nil when unbounded.
    public var capacity: Int? {
        switch self {
        case .perUser: return nil
        case .bands(let bands): return bands.last?.upTo
        case .tiers(let tiers): return tiers.last?.upTo
        }
    }

    /// The cost of `users` users for one period; nil when the schedule cannot hold that many.
    /// Zero users cost nothing, except under tiers: a subscription nobody uses is still a
    /// subscription, billed at its smallest tier.
    public func cost(users: Int) -> Decimal? {
        if let capacity, users > capacity { return nil }
        let n = max(users, 0)
        switch self {
        case .perUser(let price):
            return Decimal(n) * price
        case .bands(let bands):
            var total = Decimal(0)
            var below = 0
            for band in bands where n > below {
                let top = band.upTo.map { min($0, n) } ?? n
                total += Decimal(top - below) * band.perUser
                below = top
            }
            return total
        case .tiers(let tiers):
            return tierIndex(users: n).map { tiers[$0].price }
        }
    }

    /// For tiers: the index of the smallest tier that holds `users`; nil otherwise.
    public func tierIndex(users: Int) -> Int? {
        guard case .tiers(let tiers) = self else { return nil }
        return tiers.firstIndex { $0.upTo >= users }
    }

    /// `perUser`, `bands` or `tiers`, as the pricing file names it.
    public var kind: String {
        switch self {
        case .perUser: return "perUser"
        case .bands: return "bands"
        case .tiers: return "tiers"
        }
    }
}
