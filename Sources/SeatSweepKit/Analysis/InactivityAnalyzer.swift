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
        var seats: [SeatFinding] = []
        var protected: [ProtectedAccount] = []
        var groups: [String: SeatGroupCounts] = [:]
        var afterAsOf = 0
        for (a, account) in directory.accounts.enumerated() where !account.seats.isEmpty {
            let reasons = protections(account)
            if !reasons.isEmpty { protected.append(ProtectedAccount(account: a, reasons: reasons)) }
            guard isBillable(account) else { continue }
            let grace = inGrace(account)
            for (s, seat) in account.seats.enumerated() {
                var finding = judge(seat, account: account, grace: grace)
                finding.account = a
                finding.seat = s
                finding.protection = reasons.first
                finding.inScope = policy.includes(seat.product)
                if case .on(let day) = seat.lastActive, day > asOf { afterAsOf += 1 }
                if let protection = finding.protection, finding.status == .inactive {
                    finding.reason += "; protected: \(protection)"
                } else if !finding.inScope, finding.status == .inactive {
                    finding.reason += "; product left out by the policy"
                }
                let key = seat.product + "\u{0}" + seat.site
                var counts = groups[key] ?? SeatGroupCounts(product: seat.product, site: seat.site)
                counts.inScope = policy.includes(seat.product)
                counts.billable += 1
                if finding.status == .inactive { counts.inactive += 1 }
                if finding.neverAccessed { counts.neverAccessed += 1 }
                if finding.protection != nil { counts.protected += 1 }
                if finding.isCandidate { counts.candidates += 1 }
                groups[key] = counts
                seats.append(finding)
            }
        }
        let sortedGroups = groups.values.sorted { ($0.product, $0.site) < ($1.product, $1.site) }
        return Findings(
            asOf: asOf, policy: policy, seats: seats, protectedAccounts: protected, groups: sortedGroups,
            seatsActiveAfterAsOf: afterAsOf)
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

    static func isAppEmail(_ email: String) -> Bool {
        email.lowercased().hasSuffix("@connect.atlassian.com")
    }

    /// Groups whose members administer a site or product (old sites had no roles, only these).
    static func isAdminGroup(_ group: String) -> Bool {
        let g = group.lowercased()
        return ["site-admins", "administrators", "org-admins", "jira-administrators", "confluence-administrators"]
            .contains(g)
            || g.hasSuffix("-admins") || g.hasSuffix("-administrators")
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
        if let pattern = Glob.firstMatch(policy.protectAccountIds, account.id) {
            reasons.append("account id matches policy protect.accountIds '\(pattern)'")
        }
        if !account.email.isEmpty {
            if let pattern = Glob.firstMatch(policy.protectEmails, account.email) {
                reasons.append("email matches policy protect.emails '\(pattern)'")
            }
            let domain = account.email.split(separator: "@").last.map(String.init) ?? ""
            if !domain.isEmpty, let pattern = Glob.firstMatch(policy.protectDomains, domain) {
                reasons.append("email domain matches policy protect.domains '\(pattern)'")
            }
        }
        for group in account.groups {
            if let pattern = Glob.firstMatch(policy.protectGroups, group) {
                reasons.append("member of group '\(group)' (policy protect.groups '\(pattern)')")
            }
        }
        return reasons
    }

    private func judge(_ seat: Seat, account: Account, grace: Bool) -> SeatFinding {
        let threshold = policy.threshold(for: seat.product)
        var finding = SeatFinding(
            account: 0, seat: 0, product: seat.product, site: seat.site, status: .unknown, daysInactive: nil,
            neverAccessed: false, protection: nil, inScope: true, reason: "")
        let graceNote = "joined \(graceDays(account)) days ago, within the \(policy.graceDays)-day grace period"
        switch seat.lastActive {
        case .on(let day):
            let days = max(0, asOf - day)
            finding.daysInactive = days
            if days > threshold {
                finding.status = grace ? .grace : .inactive
                finding.reason =
                    grace
                    ? "last active \(day.iso) (\(days) days ago) but \(graceNote)"
                    : "no use for \(days) days (more than \(threshold)); last active \(day.iso)"
            } else {
                finding.status = .active
                finding.reason = "last active \(day.iso) (\(days) days ago, threshold \(threshold))"
            }
        case .never:
            finding.neverAccessed = true
            if grace {
                finding.status = .grace
                finding.reason = "never used; \(graceNote)"
            } else {
                finding.status = .inactive
                finding.reason = "never used; " + addedNote(account)
            }
        case .atLeastDaysAgo(let days):
            finding.daysInactive = days
            if days > threshold {
                finding.status = grace ? .grace : .inactive
                finding.reason =
                    grace
                    ? "no recent use but \(graceNote)" : "no use for at least \(days) days (more than \(threshold))"
            } else {
                finding.status = .unknown
                finding.reason = "no use for at least \(days) days, which does not prove more than \(threshold)"
            }
        case .unknown:
            finding.status = .unknown
            finding.reason = "no activity data for this seat"
        }
        return finding
    }

    private func graceDays(_ account: Account) -> Int {
        if case .on(let added) = account.addedToOrg { return asOf - added }
        return 0
    }

    private func addedNote(_ account: Account) -> String {
        switch account.addedToOrg {
        case .on(let added): return "joined \(added.iso) (\(asOf - added) days ago, grace \(policy.graceDays))"
        case .before(let day): return "joined before \(day.iso)"
        case nil: return "join date unknown, so no grace period"
        }
    }
}
