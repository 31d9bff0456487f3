/// What the analysis concluded about every billable seat: the output of `InactivityAnalyzer`.
public struct Findings: Sendable {
    public var asOf: Day
    public var policy: Policy
    /// Every billable seat, in account order.
    public var seats: [SeatFinding]
    /// Protected accounts that hold at least one seat, with every reason, in account order.
    public var protectedAccounts: [ProtectedAccount]
    /// Counts per (product, site), sorted by product then site.
    public var groups: [SeatGroupCounts]
    /// Seats whose last activity is after the audit date (counted active).
    public var seatsActiveAfterAsOf: Int
}

/// The verdict on one billable seat.
public struct SeatFinding: Sendable {
    /// Index into `Directory.accounts`.
    public var account: Int
    /// Index into that account's `seats`.
    public var seat: Int
    public var product: String
    public var site: String
    public var status: SeatStatus
    /// Whole days from the last use to the audit date; for `atLeastDaysAgo` evidence, the lower bound.
    public var daysInactive: Int?
    public var neverAccessed: Bool
    /// The first reason the account is protected, if it is.
    public var protection: String?
    /// False when the policy leaves this product out of the plan.
    public var inScope: Bool
    /// An inactive seat of an unprotected account, in scope: a plan action.
    public var isCandidate: Bool { status == .inactive && protection == nil && inScope }
    /// One line explaining the verdict, for reports and the plan.
    public var reason: String
}

/// The activity verdict on a seat, before protections.
public enum SeatStatus: String, Sendable, CaseIterable {
    /// Used within the threshold.
    case active
    /// Unused for more than the threshold, or never used outside the grace period.
    case inactive
    /// The account joined fewer than `graceDays` days ago.
    case grace
    /// No activity data, or a lower bound that does not exceed the threshold.
    case unknown
}

/// A protected account and why.
public struct ProtectedAccount: Sendable {
    public var account: Int
    public var reasons: [String]
}

/// Counts for one (product, site) subscription.
public struct SeatGroupCounts: Sendable, Hashable {
    public var product: String
    public var site: String
    public var billable = 0
    public var inactive = 0
    public var neverAccessed = 0
    /// Billable seats of protected accounts.
    public var protected = 0
    public var candidates = 0
    public var inScope = true

    public init(product: String, site: String) {
        self.product = product
        self.site = site
    }
}
