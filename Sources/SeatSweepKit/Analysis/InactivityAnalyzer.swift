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

    /// Threads `run` may use, and the fewest accounts worth splitting between them.
    public var parallelism = 1
    public var parallelThreshold = 100_000

    public func run(_ directory: Directory) -> Findings {
        let accounts = directory.accounts
        var part: Part
        if parallelism > 1, accounts.count >= max(2, parallelThreshold) {
            // Two halves of the accounts, each judged on its own thread, then joined in order:
            // the result is the same as one pass over all of them.
            let middle = accounts.count / 2
            let first = ForkJoinSlot<Part>()
            let second = ForkJoinSlot<Part>()
            ForkJoin.run([
                // The first half reserves room for all the verdicts, so the second appends in place.
                { first.value = self.scan(accounts, 0..<middle, reserve: accounts.count) },
                { second.value = self.scan(accounts, middle..<accounts.count, reserve: accounts.count - middle) },
            ])
            part = first.take()!
            part.append(second.take()!)
        } else {
            part = scan(accounts, accounts.indices, reserve: accounts.count)
        }
        let groups = part.groups
        let order = groups.indices.sorted {
            (groups[$0].product, groups[$0].site) < (groups[$1].product, groups[$1].site)
        }
        var rank = [Int32](repeating: 0, count: groups.count)
        for (position, g) in order.enumerated() { rank[g] = Int32(position) }
        let seats = SeatFindings(
            accounts: accounts, verdicts: part.verdicts, protectionIndex: part.protectionIndex,
            protections: part.protectionTexts, policy: policy, asOf: asOf, groupRank: rank,
            groupThreshold: part.thresholds)
        return Findings(
            asOf: asOf, policy: policy, seats: seats, protectedAccounts: part.protected,
            groups: order.map { groups[$0] }, seatsActiveAfterAsOf: part.afterAsOf)
    }

    /// The verdicts and counts of a run of consecutive accounts.
    private struct Part: Sendable {
        var verdicts: [SeatFindings.Verdict] = []
        /// Per account of the run: its entry in `protectionTexts`, or -1.
        var protectionIndex: [Int32] = []
        var protectionTexts: [String] = []
        var protected: [ProtectedAccount] = []
        /// Counts per (product, site), in first-seen order, with the key and threshold of each.
        var groups: [SeatGroupCounts] = []
        var keys: [SeatKey] = []
        var thresholds: [Int] = []
        /// Each seat key's group (-1: none yet), indexed by the key's number.
        var groupOf: [Int] = []
        var afterAsOf = 0

        /// The group of `key`, if this part has one.
        func group(of key: SeatKey) -> Int? {
            let number = Int(key.index)
            return number < groupOf.count && groupOf[number] >= 0 ? groupOf[number] : nil
        }

        /// Adds the group of `key` and returns its number.
        mutating func addGroup(_ key: SeatKey, _ counts: SeatGroupCounts, threshold: Int) -> Int {
            let number = Int(key.index)
            if number >= groupOf.count { groupOf += repeatElement(-1, count: number + 1 - groupOf.count) }
            groupOf[number] = groups.count
            groups.append(counts)
            keys.append(key)
            thresholds.append(threshold)
            return groups.count - 1
        }

        /// Appends the part that follows this one, renumbering its groups and protections (group
        /// numbers clamp to 16 bits as in `scan`).
        mutating func append(_ next: Part) {
            var renumber: [UInt16] = []
            for (g, counts) in next.groups.enumerated() {
                if let found = group(of: next.keys[g]) {
                    groups[found].add(counts)
                    renumber.append(UInt16(clamping: found))
                } else {
                    renumber.append(UInt16(clamping: addGroup(next.keys[g], counts, threshold: next.thresholds[g])))
                }
            }
            let same = renumber.enumerated().allSatisfy { Int($1) == $0 }
            if same {
                verdicts.append(contentsOf: next.verdicts)
            } else {
                verdicts.reserveCapacity(verdicts.count + next.verdicts.count)
                for var verdict in next.verdicts {
                    verdict.group = renumber[Int(verdict.group)]
                    verdicts.append(verdict)
                }
            }
            let offset = Int32(protectionTexts.count)
            protectionIndex.append(contentsOf: next.protectionIndex.lazy.map { $0 < 0 ? $0 : $0 + offset })
            protectionTexts.append(contentsOf: next.protectionTexts)
            protected.append(contentsOf: next.protected)
            afterAsOf += next.afterAsOf
        }
    }

    /// Judges the seats of `accounts[range]`, with room for the seats of `reserve` accounts.
    private func scan(_ accounts: [Account], _ range: Range<Int>, reserve: Int) -> Part {
        var part = Part()
        part.verdicts.reserveCapacity(reserve * 3)
        part.protectionIndex = [Int32](repeating: -1, count: range.count)
        for a in range where accounts[a].seatCount > 0 {
            // Read in place: an account passed by value (or a getter called on it) is copied first,
            // retaining each of its references.
            let reasons = accounts.withUnsafeBufferPointer { protections(of: $0.baseAddress! + a) }
            if !reasons.isEmpty {
                part.protected.append(ProtectedAccount(account: a, reasons: reasons))
                part.protectionIndex[a - range.lowerBound] = Int32(part.protectionTexts.count)
                part.protectionTexts.append(reasons[0])
            }
            let (billable, grace) = accounts.withUnsafeBufferPointer { buffer in
                let account = buffer.baseAddress! + a
                return (account.isBillable, inGrace(joined: account.pointee.addedToOrg))
            }
            guard billable else { continue }
            let isProtected = !reasons.isEmpty
            let seatRange = Int(accounts[a].seatRange.lowerBound)..<Int(accounts[a].seatRange.upperBound)
            accounts[a].storage.seats.withUnsafeBufferPointer { all in
                let seats = UnsafeBufferPointer(rebasing: all[seatRange])
                for s in seats.indices {
                    let key = seats[s].key
                    let g: Int
                    if let found = part.group(of: key) {
                        g = found
                    } else {
                        var counts = SeatGroupCounts(product: key.product, site: key.site)
                        counts.inScope = policy.includes(key.product)
                        g = part.addGroup(key, counts, threshold: policy.threshold(for: key.product))
                    }
                    let lastActive = seats[s].lastActive
                    let (status, days) = judge(lastActive, threshold: part.thresholds[g], grace: grace)
                    if case .on(let day) = lastActive, day > asOf { part.afterAsOf += 1 }
                    let never = lastActive == .never
                    let inScope = part.groups[g].inScope
                    var flags: UInt8 = 0
                    if never { flags |= SeatFindings.Verdict.neverAccessed }
                    if inScope { flags |= SeatFindings.Verdict.inScope }
                    part.verdicts.append(
                        SeatFindings.Verdict(
                            account: Int32(a), seat: UInt16(clamping: s), status: status, flags: flags,
                            days: days.map { Int32(clamping: $0) } ?? Int32.min, group: UInt16(clamping: g)))
                    part.groups[g].billable += 1
                    if status == .inactive { part.groups[g].inactive += 1 }
                    if never { part.groups[g].neverAccessed += 1 }
                    if isProtected { part.groups[g].protected += 1 }
                    if status == .inactive, !isProtected, inScope { part.groups[g].candidates += 1 }
                }
            }
        }
        return part
    }

    /// Active accounts of people hold billable seats; apps and JSM customers are not billed.
    public func isBillable(_ account: Account) -> Bool { account.isBillable }

    /// Whether the account joined fewer than `graceDays` days before the audit date.
    public func inGrace(_ account: Account) -> Bool { inGrace(joined: account.addedToOrg) }

    private func inGrace(joined: AddedDate?) -> Bool {
        guard case .on(let added) = joined else { return false }
        return asOf - added < policy.graceDays
    }

    /// `…@connect.atlassian.com`, compared without allocating.
    static func isAppEmail(_ email: String) -> Bool { Account.isAppEmail(email) }

    /// Groups whose members administer a site or product (old sites had no roles, only these).
    static func isAdminGroup(_ group: String) -> Bool {
        let g = group.lowercased()
        return ["site-admins", "administrators", "org-admins"].contains(g) || g.hasSuffix("-admins")
            || g.hasSuffix("-administrators")
    }

    /// Every reason the account may never be in a plan, most important first.
    public func protections(_ account: Account) -> [String] {
        withUnsafePointer(to: account) { protections(of: $0) }
    }

    private func protections(of account: UnsafePointer<Account>) -> [String] {
        var reasons: [String] = []
        if account.pointee.isOrgAdmin { reasons.append("org admin") }
        for role in account.pointee.adminRoles { reasons.append("admin role: \(role)") }
        if account.pointee.accountType == .app || account.hasAppEmail { reasons.append("app or bot account") }
        for group in account.pointee.groups where Self.isAdminGroup(group) {
            reasons.append("member of admin group '\(group)'")
        }
        if !policy.protectAccountIds.isEmpty,
            let pattern = Glob.firstMatch(policy.protectAccountIds, account.pointee.id)
        {
            reasons.append("account id matches policy protect.accountIds '\(pattern)'")
        }
        if account.pointee.emailText.length > 0, !policy.protectEmails.isEmpty || !policy.protectDomains.isEmpty {
            let email = account.pointee.email
            if let pattern = Glob.firstMatch(policy.protectEmails, email) {
                reasons.append("email matches policy protect.emails '\(pattern)'")
            }
            let domain = email.split(separator: "@").last.map(String.init) ?? ""
            if !domain.isEmpty, let pattern = Glob.firstMatch(policy.protectDomains, domain) {
                reasons.append("email domain matches policy protect.domains '\(pattern)'")
            }
        }
        if !policy.protectGroups.isEmpty {
            for group in account.pointee.groups {
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
        case .atLeastDaysAgo(let bound):
            let days = Int(bound)
            if days > threshold { return (grace ? .grace : .inactive, days) }
            return (.unknown, days)
        case .unknown:
            return (.unknown, nil)
        }
    }
}

extension Account {
    /// Active accounts of people hold billable seats; apps and JSM customers are not billed.
    public var isBillable: Bool { withUnsafePointer(to: self) { $0.isBillable } }

    /// Whether the e-mail is an app's (`…@connect.atlassian.com`), read from storage without a `String`.
    var hasAppEmail: Bool { withUnsafePointer(to: self) { $0.hasAppEmail } }

    static func isAppEmail(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let suffix: StaticString = "@connect.atlassian.com"
        let n = suffix.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        for k in 0..<n where bytes[bytes.count - n + k] | 0x20 != suffix.utf8Start[k] | 0x20 { return false }
        return true
    }

    /// `…@connect.atlassian.com`, compared without allocating.
    static func isAppEmail(_ email: String) -> Bool {
        let suffix = "@connect.atlassian.com".utf8
        let utf8 = email.utf8
        guard utf8.count >= suffix.count else { return false }
        return zip(utf8.suffix(suffix.count), suffix).allSatisfy { a, b in a | 0x20 == b | 0x20 }
    }
}

extension SeatGroupCounts {
    /// Adds the counts of the same (product, site) from another run of accounts.
    fileprivate mutating func add(_ other: SeatGroupCounts) {
        billable += other.billable
        inactive += other.inactive
        neverAccessed += other.neverAccessed
        protected += other.protected
        candidates += other.candidates
    }
}

/// An account's checks read through a pointer, field by field: a getter called on an account
/// in an array copies the whole account first.
extension UnsafePointer<Account> {
    var isBillable: Bool {
        pointee.status == .active && pointee.accountType != .app && pointee.accountType != .customer && !hasAppEmail
    }

    var hasAppEmail: Bool {
        pointee.storage.withBytes(pointee.emailText) { Account.isAppEmail(bytes: $0) }
    }
}
