/// Gathers accounts and merges records that share an account id.
///
/// The merge rules (README, "Several inputs"): the first record of an account, in command-line
/// order and then file order, wins for name, email, status, type, added date and management
/// source; a later record only fills what is still unknown, and a different known value is a
/// `conflicting-value` warning. Org-admin flags, admin roles and groups are united. Seats are
/// united by (product, site); where two records give activity for the same seat the most
/// recent use wins, so merging can only make a seat look more active, never less.
public struct AccountCollector: Sendable {
    /// Accounts in the order first seen (command-line order, then file order): deterministic
    /// for the same inputs without a sort.
    public private(set) var accounts: [Account] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Reserves room for about `count` accounts.
    public mutating func reserve(_ count: Int) {
        accounts.reserveCapacity(count)
        index.reserveCapacity(count)
    }

    /// How many accounts were collected.
    public var count: Int { accounts.count }

    public func account(id: String) -> Account? { index[id].map { accounts[$0] } }

    /// Adds one record. `location` names it in diagnostics; `path(of:)` resolves earlier evidence.
    /// `expectRepeats` is true for layouts with one row per (user, group), where the same user
    /// on several rows is normal rather than a duplicate.
    public mutating func add(
        _ record: Account, at location: SourceLocation, expectRepeats: Bool, diagnostics: inout DiagnosticLog,
        describe: (SourceRef) -> String
    ) {
        guard let existing = index[record.id] else {
            index[record.id] = accounts.count
            accounts.append(record)
            return
        }
        if !expectRepeats, accounts[existing].source.input == record.source.input {
            diagnostics.append(
                Diagnostic(
                    .warning, "duplicate-row",
                    "account \(record.id) appears again (first at \(describe(accounts[existing].source))); the rows are merged",
                    at: location))
        }
        Self.merge(record, into: &accounts[existing], at: location, diagnostics: &diagnostics, describe: describe)
    }

    /// Appends accounts from another collector (a later input, or a later part of the same file),
    /// merging shared ids. `expectRepeats` as for `add`.
    public mutating func absorb(
        _ other: AccountCollector, expectRepeats: Bool = true, diagnostics: inout DiagnosticLog,
        describe: (SourceRef) -> String, location: (SourceRef) -> SourceLocation
    ) {
        if accounts.isEmpty {
            self = other
            return
        }
        reserve(accounts.count + other.accounts.count)
        for record in other.accounts {
            add(
                record, at: location(record.source), expectRepeats: expectRepeats, diagnostics: &diagnostics,
                describe: describe)
        }
    }

    /// Adds `delta` to every line number (records read from a later chunk of a file).
    mutating func shiftLines(by delta: Int) {
        guard delta != 0 else { return }
        let d = Int32(clamping: delta)
        for a in accounts.indices {
            accounts[a].source.line += d
            for s in accounts[a].seats.indices { accounts[a].seats[s].evidence.line += d }
        }
    }

    static func merge(
        _ record: Account, into account: inout Account, at location: SourceLocation,
        diagnostics: inout DiagnosticLog, describe: (SourceRef) -> String
    ) {
        func conflict(_ field: String, _ kept: String, _ other: String) {
            diagnostics.append(
                Diagnostic(
                    .warning, "conflicting-value",
                    "account \(account.id): \(field) is '\(kept)' at \(describe(account.source)) but '\(other)' here; "
                        + "keeping the first value", at: location))
        }
        if account.name.isEmpty {
            account.name = record.name
        } else if !record.name.isEmpty, record.name != account.name {
            conflict("name", account.name, record.name)
        }
        if account.email.isEmpty {
            account.email = record.email
        } else if !record.email.isEmpty, record.email.lowercased() != account.email.lowercased() {
            conflict("email", account.email, record.email)
        }
        if account.status == .unknown {
            account.status = record.status
        } else if record.status != .unknown, record.status != account.status {
            conflict("status", account.status.rawValue, record.status.rawValue)
        }
        if account.accountType == .unknown {
            account.accountType = record.accountType
        } else if record.accountType != .unknown, record.accountType != account.accountType {
            conflict("account type", account.accountType.rawValue, record.accountType.rawValue)
        }
        if account.addedToOrg == nil { account.addedToOrg = record.addedToOrg }
        if account.managementSource == nil { account.managementSource = record.managementSource }
        if !account.hasAccountId, record.hasAccountId { account.hasAccountId = true }
        account.isOrgAdmin = account.isOrgAdmin || record.isOrgAdmin
        for role in record.adminRoles { account.addAdminRole(role) }
        for group in record.groups { account.addGroup(group) }
        for seat in record.seats {
            if let i = account.seatIndex(product: seat.product, site: seat.site) {
                let merged = LastActive.mostRecent(account.seats[i].lastActive, seat.lastActive, asOf: nil)
                if merged != account.seats[i].lastActive {
                    account.seats[i].lastActive = merged
                    account.seats[i].evidence = seat.evidence
                }
            } else {
                account.seats.append(seat)
            }
        }
    }
}
