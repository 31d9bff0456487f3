/// The rules an audit applies: thresholds, grace, protections, scope and the planned action.
///
/// Defaults (design.md §3): 90 days for every product, 30 days of grace for never-used seats
/// of new accounts, `remove-product-access`, plans valid for 14 days.
public struct Policy: Sendable, Equatable {
    /// The planned action for candidate seats.
    public enum Action: String, Sendable, CaseIterable {
        /// Remove the product from the user on that site (one action per seat).
        case removeProductAccess = "remove-product-access"
        /// Suspend the account when every billable seat it holds is a candidate.
        case suspend
    }

    public var defaultThreshold = 90
    /// Days without use before a seat is inactive, per product key.
    public var thresholds: [String: Int] = [:]
    public var graceDays = 30
    public var action = Action.removeProductAccess
    public var planExpiryDays = 14
    /// When set, only these products are audited for removal.
    public var includeProducts: [String]?
    public var excludeProducts: [String] = []
    /// Glob patterns (`*`, `?`), case-insensitive.
    public var protectEmails: [String] = []
    public var protectDomains: [String] = []
    public var protectAccountIds: [String] = []
    public var protectGroups: [String] = []
    /// Groups that grant each product, for `apply` (`{site}` is replaced by the site key).
    public var accessGroups: [String: [String]] = [:]
    /// Where the policy came from and the SHA-256 of its bytes; nil for the built-in defaults.
    public var source: (path: String, sha256: String)?

    public init() {}

    public static func == (a: Policy, b: Policy) -> Bool {
        a.defaultThreshold == b.defaultThreshold && a.thresholds == b.thresholds && a.graceDays == b.graceDays
            && a.action == b.action && a.planExpiryDays == b.planExpiryDays && a.includeProducts == b.includeProducts
            && a.excludeProducts == b.excludeProducts && a.protectEmails == b.protectEmails
            && a.protectDomains == b.protectDomains && a.protectAccountIds == b.protectAccountIds
            && a.protectGroups == b.protectGroups && a.accessGroups == b.accessGroups
            && a.source?.path == b.source?.path && a.source?.sha256 == b.source?.sha256
    }

    /// The inactivity threshold in days for a product.
    public func threshold(for product: String) -> Int { thresholds[product] ?? defaultThreshold }

    /// Whether seats of this product may become plan actions.
    public func includes(_ product: String) -> Bool {
        if excludeProducts.contains(product) { return false }
        return includeProducts.map { $0.contains(product) } ?? true
    }

    /// The groups that grant `product` on `site` when the site cannot say (non-Jira products):
    /// the policy's `accessGroups`, else Atlassian's default `<product>-users-<site>` and `<product>-users`.
    public func grantingGroups(product: String, site: String) -> [String] {
        Self.grantingGroups(accessGroups, product: product, site: site)
    }

    /// `grantingGroups` over an `accessGroups` table (a plan carries the table in its rules).
    public static func grantingGroups(_ accessGroups: [String: [String]], product: String, site: String) -> [String] {
        let patterns = accessGroups[product] ?? ["\(product)-users-{site}", "\(product)-users"]
        return patterns.map { $0.replacingOccurrences(of: "{site}", with: site) }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
