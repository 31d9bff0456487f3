/// The deactivation plan: what a reviewer approves and `apply` executes (design.md §4).
///
/// Everything except review decisions is bound by `digest`, the SHA-256 of the plan's canonical
/// encoding (`PlanCodec.canonicalBytes`), so any edit outside a decision shows as tampering.
public struct Plan: Codable, Sendable, Equatable {
    /// The only schema version this build reads and writes.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var planId: String
    /// `seatsweep <version>`.
    public var tool: String
    /// ISO 8601 instant, UTC.
    public var generatedAt: String
    /// `yyyy-MM-dd`.
    public var asOf: String
    /// ISO 8601 instant after which `apply` refuses the plan.
    public var expiresAt: String
    public var source: PlanSource
    public var rules: PlanRules
    /// What the actions save, when the audit had a pricing file; bound by the digest.
    public var savings: PlanSavings?
    /// Sorted by (product, site, accountId); suspensions (no product) first.
    public var actions: [PlanAction]
    /// SHA-256 over the canonical encoding, lower-case hex.
    public var digest: String
    /// Review sessions, outside the digest.
    public var reviews: [PlanReview]
}

/// The savings the plan's actions bring, as the audit priced them. Amounts are exact decimal
/// strings (`"25.8"`), so the plan round-trips through JSON without floating point.
public struct PlanSavings: Codable, Sendable, Equatable {
    public var currency: String
    /// The pricing file's `source:` text.
    public var source: String
    public var monthlySavings: String
    public var annualSavings: String
}

/// What the plan was computed from.
public struct PlanSource: Codable, Sendable, Equatable {
    public var inputs: [PlanInput]
    public var policy: PlanFileRef?
    public var orgId: String?
    /// Every site key a plan action touches.
    public var sites: [String]
}

public struct PlanInput: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var layout: String
}

public struct PlanFileRef: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
}

/// The policy rules in force, so a reviewer and `apply` see them without the policy file.
public struct PlanRules: Codable, Sendable, Equatable {
    public var action: String
    public var defaultThreshold: Int
    public var thresholds: [String: Int]
    public var graceDays: Int
    /// Groups granting each non-Jira product; `{site}` stands for the site key.
    public var accessGroups: [String: [String]]
    public var protect: PlanProtect
}

public struct PlanProtect: Codable, Sendable, Equatable {
    public var accountIds: [String]
    public var domains: [String]
    public var emails: [String]
    public var groups: [String]
}

/// One change to one account.
public struct PlanAction: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Remove the account from the groups that grant `product` on `site`.
        case removeProductAccess = "remove-product-access"
        /// Suspend the account's access to every product (org API).
        case suspend
        /// Undo: add the account back to `groups` on `site`.
        case restoreGroups = "restore-groups"
        /// Undo: restore a suspended account's access.
        case restoreAccess = "restore-access"
    }

    public enum Decision: String, Codable, Sendable {
        case pending, approved, rejected
    }

    /// Stable for the same (kind, account, product, site): 12 hex digits of a SHA-256.
    public var id: String
    public var kind: Kind
    public var accountId: String
    public var email: String
    public var name: String
    /// Nil for account-wide actions (suspend, restore-access).
    public var product: String?
    public var site: String?
    /// Groups the account was in according to the inputs (for restore-groups: the names of the
    /// groups to re-add, the same as `targetGroups`).
    public var groups: [String]
    /// For restore-groups: the exact groups (id and name) to re-add; nil for every other kind.
    /// Written only when present, so plans without it keep their digest.
    public var targetGroups: [PlanGroup]?
    /// For account-wide actions: the seats the action frees.
    public var seats: [PlanSeat]
    public var lastActive: String?
    public var daysInactive: Int?
    public var reason: String
    public var evidence: PlanEvidence
    public var decision: Decision
    public var decidedBy: String?
    public var decidedAt: String?
}

/// A group as the site knows it: the id the API takes and the name people read.
public struct PlanGroup: Codable, Sendable, Hashable {
    public var groupId: String
    public var name: String

    public init(groupId: String, name: String) {
        self.groupId = groupId
        self.name = name
    }
}

/// A seat an account-wide action covers.
public struct PlanSeat: Codable, Sendable, Equatable {
    public var product: String
    public var site: String
    public var lastActive: String?
    public var daysInactive: Int?
}

/// Where the evidence for an action is: input path and line.
public struct PlanEvidence: Codable, Sendable, Equatable {
    public var path: String
    public var line: Int
}

/// One review session: who, when, what they decided.
public struct PlanReview: Codable, Sendable, Equatable {
    public var by: String
    public var at: String
    public var approved: Int
    public var rejected: Int
    public var pending: Int
}
