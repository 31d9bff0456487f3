/// One person (or bot) in the organisation's directory, merged from every input.
public struct Account: Sendable {
    /// The Atlassian account id; for legacy exports, which predate account ids, the username.
    public var id: String
    /// False when `id` is a legacy username rather than an account id (such accounts can be
    /// reported but not changed through the API).
    public var hasAccountId: Bool
    public var name: String
    public var email: String
    public var status: AccountStatus
    public var accountType: AccountType
    /// When the account was added to the organisation, if the input says.
    public var addedToOrg: AddedDate?
    /// `Org role` = `Org Admin`, or the platform role `atlassian/org-admin`.
    public var isOrgAdmin: Bool
    /// Admin roles from access cells (`User access admin`) and platform roles
    /// (`atlassian/site-admin`), de-duplicated, in first-seen order.
    public var adminRoles: [String]
    /// Group names, de-duplicated, in first-seen order.
    public var groups: [String]
    /// `synced` when an identity provider manages the account.
    public var managementSource: String?
    /// Product access: one entry per (product, site) the account holds a seat on.
    public var seats: [Seat]
    /// Where the account was first read.
    public var source: SourceRef

    public init(
        id: String, hasAccountId: Bool = true, name: String = "", email: String = "",
        status: AccountStatus = .unknown, accountType: AccountType = .atlassian, addedToOrg: AddedDate? = nil,
        isOrgAdmin: Bool = false, adminRoles: [String] = [], groups: [String] = [], managementSource: String? = nil,
        seats: [Seat] = [], source: SourceRef
    ) {
        self.id = id
        self.hasAccountId = hasAccountId
        self.name = name
        self.email = email
        self.status = status
        self.accountType = accountType
        self.addedToOrg = addedToOrg
        self.isOrgAdmin = isOrgAdmin
        self.adminRoles = adminRoles
        self.groups = groups
        self.managementSource = managementSource
        self.seats = seats
        self.source = source
    }

    /// Appends `group` unless already present.
    public mutating func addGroup(_ group: String) {
        if !group.isEmpty, !groups.contains(group) { groups.append(group) }
    }

    /// Appends `role` unless already present.
    public mutating func addAdminRole(_ role: String) {
        if !role.isEmpty, !adminRoles.contains(role) { adminRoles.append(role) }
    }

    /// The seat on (product, site), if the account holds one.
    public func seatIndex(product: String, site: String) -> Int? {
        seats.firstIndex { $0.product == product && $0.site == site }
    }
}

/// The account's status in the organisation. Only `active` accounts hold billable seats.
public enum AccountStatus: String, Sendable, CaseIterable {
    case active, suspended, deactivated, inactive, closed
    case notInvited = "not-invited"
    case forDeletion = "for-deletion"
    case unknown

    /// From an export's `User status` / `Status` / `active` cell or an API status field.
    public init(exportText text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "active", "yes", "true", "enabled": self = .active
        case "suspended": self = .suspended
        case "deactivated", "no", "false", "disabled": self = .deactivated
        case "inactive": self = .inactive
        case "closed": self = .closed
        case "not_invited", "not-invited", "not invited": self = .notInvited
        case "for_deletion", "for-deletion", "for deletion": self = .forDeletion
        default: self = .unknown
        }
    }
}

/// What kind of account it is. Apps and customers never hold billable seats.
public enum AccountType: String, Sendable {
    case atlassian, customer, app, unknown

    public init(apiText text: String) {
        switch text.lowercased() {
        case "atlassian": self = .atlassian
        case "customer": self = .customer
        case "app", "bot", "system": self = .app
        default: self = .unknown
        }
    }
}

/// When an account joined: a day, or for old exports only an upper bound (`Before 11 Feb 2017`).
public enum AddedDate: Hashable, Sendable {
    case on(Day)
    case before(Day)
}

/// One product on one site that an account has access to (`User`, `Yes`, a listed site, an API
/// `product_access` entry). Cells without access (`None`, `Guest`, empty) make no seat.
public struct Seat: Sendable {
    /// Product key (`jira`, `confluence`, ...), see `ProductKey`.
    public var product: String
    /// Site key (`acme`), or "" for layouts without sites.
    public var site: String
    public var lastActive: LastActive
    /// The input line that gave the access or activity evidence.
    public var evidence: SourceRef

    public init(product: String, site: String, lastActive: LastActive, evidence: SourceRef) {
        self.product = product
        self.site = site
        self.lastActive = lastActive
        self.evidence = evidence
    }
}

/// What an input says about when a seat was last used.
public enum LastActive: Hashable, Sendable {
    /// Last active on this day.
    case on(Day)
    /// Never used (`Never accessed`, `Never logged in`, an empty API list).
    case never
    /// Not used for at least this many days before the audit date
    /// (`Not active in the last 180 days` is at least 181).
    case atLeastDaysAgo(Int)
    /// The input says nothing about this seat's use.
    case unknown

    /// Which of two pieces of evidence for the same seat is more recent. Recent use wins, so a
    /// merge can only make a seat look more active, never less.
    public static func mostRecent(_ a: LastActive, _ b: LastActive, asOf: Day?) -> LastActive {
        switch (a, b) {
        case (.unknown, _): return b
        case (_, .unknown): return a
        case (.on(let x), .on(let y)): return .on(max(x, y))
        case (.on, _): return a
        case (_, .on): return b
        case (.atLeastDaysAgo(let x), .atLeastDaysAgo(let y)): return .atLeastDaysAgo(min(x, y))
        case (.atLeastDaysAgo, .never): return a
        case (.never, .atLeastDaysAgo): return b
        case (.never, .never): return .never
        }
    }
}
