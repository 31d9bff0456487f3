/// Applies the inactivity rules of design.md §3 to a directory.
///
/// A seat is billable when its account is Active, is not an app or customer account, and holds
/// the product. It is inactive when its days without use are **more than** the product's
/// threshold: with a 90-day threshold, 90 days is active and 91 inactive. A never-used seat is
/// inactive, unless the account joined fewer than `graceDays` days before the audit date (joined
/// exactly `graceDays` days ago: no grace; added date unknown: no grace). Accounts that joined
/// within the grace period are never candidates. `Not active in the last 180 days` counts as at
/// least 181 days.
public struct InactivityAnalyzer: Sendable {
    public var policy: Policy
    public var asOf: Day

    public init(policy: Policy, asOf: Day) {
        self.policy = policy
        self.asOf = asOf
    }

    public func run(_ directory: Directory) -> Findings {
        var verdicts: [SeatFindings.Verdict] = []
        verdicts.reserveCapacity(directory.accounts.count * 2)
        var protectionIndex = [Int32](repeating: -1, count: directory.accounts.count)
        var protectionTexts: [String] = []
        var protected: [ProtectedAccount] = []
        // Counts per (product, site), found through a small cache keyed by the seat's strings.
        var groupIndex: [String: Int] = [:]
        var groups: [SeatGroupCounts] = []
        var lastKey: (String, String, Int) = ("\u{0}", "\u{0}", -1)
        var afterAsOf = 0
        for (a, account) in directory.accounts.enumerated() where !account.seats.isEmpty {
            let reasons = protections(account)
            if !reasons.isEmpty {
                protected.append(ProtectedAccount(account: a, reasons: reasons))
                protectionIndex[a] = Int32(protectionTexts.count)
                protectionTexts.append(reasons[0])
            }
            guard isBillable(account) else { continue }
            let grace = inGrace(account)
            let isProtected = !reasons.isEmpty
            for (s, seat) in account.seats.enumerated() {
                let inScope = policy.includes(seat.product)
                let (status, days) = judge(
                    seat.lastActive, threshold: policy.threshold(for: seat.product), grace: grace)
                if case .on(let day) = seat.lastActive, day > asOf { afterAsOf += 1 }
                let never = seat.lastActive == .never
                var flags: UInt8 = 0
                if never { flags |= SeatFindings.Verdict.neverAccessed }
                if inScope { flags |= SeatFindings.Verdict.inScope }
                verdicts.append(
                    SeatFindings.Verdict(
                        account: Int32(a), seat: UInt16(clamping: s), status: status, flags: flags,
                        days: days.map { Int32(clamping: $0) } ?? Int32.min))
                let g: Int
                if lastKey.0 == seat.product, lastKey.1 == seat.site {
                    g = lastKey.2
                } else {
                    let key = seat.product + "\u{0}" + seat.site
                    if let found = groupIndex[key] {
                        g = found
                    } else {
                        g = groups.count
                        groupIndex[key] = g
                        var counts = SeatGroupCounts(product: seat.product, site: seat.site)
                        counts.inScope = inScope
                        groups.append(counts)
                    }
                    lastKey = (seat.product, seat.site, g)
                }
                groups[g].billable += 1
                if status == .inactive { groups[g].inactive += 1 }
                if never { groups[g].neverAccessed += 1 }
                if isProtected { groups[g].protected += 1 }
                if status == .inactive, !isProtected, inScope { groups[g].candidates += 1 }
            }
        }
        let seats = SeatFindings(
            accounts: directory.accounts, verdicts: verdicts, protectionIndex: protectionIndex,
            protections: protectionTexts,
            policy: policy, asOf: asOf)
        return Findings(
            asOf: asOf, policy: policy, seats: seats, protectedAccounts: protected,
            groups: groups.sorted { ($0.product, $0.site) < ($1.product, $1.site) }, seatsActiveAfterAsOf: afterAsOf)
    }

    /// Active accounts of people hold billable seats; apps and JSM customers are not billed.
    public func isBillable(_ account: Account) -> Bool {
        account.status == .active && account.accountType != .app && account.accountType != .customer
            && !Self.isAppEmail(account.email)
    }

    /// Whether the account joined fewer than `graceDays` days before the audit date.
    public func inGrace(_ account: Account) -> Bool {
        guard case .on(let added) = account.addedToOrg else { return false }
        return asOf - added < policy.graceDays
    }

    /// `…@connect.atlassian.com`, compared without allocating.
    static func isAppEmail(_ email: String) -> Bool {
        let suffix = "@connect.atlassian.com".utf8
        let utf8 = email.utf8
        guard utf8.count >= suffix.count else { return false }
        return zip(utf8.suffix(suffix.count), suffix).allSatisfy { a, b in a | 0x20 == b | 0x20 }
    }

    /// Groups whose members administer a site or product (old sites had no roles, only these).
    static func isAdminGroup(_ group: String) -> Bool {
        let g = group.lowercased()
        return ["site-admins", "administrators", "org-admins"].contains(g) || g.hasSuffix("-admins")
            || g.hasSuffix("-administrators")
    }

    /// Every reason the account may never be in a plan, most important first.
    public func protections(_ account: Account) -> [String] {
        var reasons: [String] = []
        if account.isOrgAdmin { reasons.append("org admin") }
        for role in account.adminRoles { reasons.append("admin role: \(role)") }
        if account.accountType == .app || Self.isAppEmail(account.email) { reasons.append("app or bot account") }
        for group in account.groups where Self.isAdminGroup(group) {
            reasons.append("member of admin group '\(group)'")
        }
        if !policy.protectAccountIds.isEmpty, let pattern = Glob.firstMatch(policy.protectAccountIds, account.id) {
            reasons.append("account id matches policy protect.accountIds '\(pattern)'")
        }
        if !account.email.isEmpty, !policy.protectEmails.isEmpty || !policy.protectDomains.isEmpty {
            if let pattern = Glob.firstMatch(policy.protectEmails, account.email) {
                reasons.append("email matches policy protect.emails '\(pattern)'")
            }
            let domain = account.email.split(separator: "@").last.map(String.init) ?? ""
            if !domain.isEmpty, let pattern = Glob.firstMatch(policy.protectDomains, domain) {
                reasons.append("email domain matches policy protect.domains '\(pattern)'")
            }
        }
        if !policy.protectGroups.isEmpty {
            for group in account.groups {
                if let pattern = Glob.firstMatch(policy.protectGroups, group) {
                    reasons.append("member of group '\(group)' (policy protect.groups '\(pattern)')")
                }
            }
        }
        return reasons
    }

    /// The status and days inactive of one seat.
    private func judge(_ lastActive: LastActive, threshold: Int, grace: Bool) -> (SeatStatus, Int?) {
        switch lastActive {
        case .on(let day):
            let days = max(0, asOf - day)
            if days > threshold { return (grace ? .grace : .inactive, days) }
            return (.active, days)
        case .never:
            return (grace ? .grace : .inactive, nil)
        case .atLeastDaysAgo(let days):
            if days > threshold { return (grace ? .grace : .inactive, days) }
            return (.unknown, days)
        case .unknown:
            return (.unknown, nil)
        }
    }
}
