import Crypto

/// Turns findings into a plan: one `remove-product-access` per candidate seat, or with
/// `action: suspend` one `suspend` per account whose every billable seat is a candidate
/// (never for accounts an identity provider manages, whose lifecycle the IdP owns).
public struct Planner: Sendable {
    public var generatedAt: Timestamp
    public var toolVersion: String

    public init(generatedAt: Timestamp, toolVersion: String) {
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
    }

    /// Builds the plan. Accounts without an account id (legacy exports) cannot be changed through
    /// the API: their seats stay in the report but not in the plan, with a warning.
    public func run(_ findings: Findings, directory: Directory, diagnostics: inout DiagnosticLog) -> Plan {
        run(findings, directory: directory, diagnostics: &diagnostics) { (_: Plan) -> PlanSavings? in nil }
    }

    /// Builds the plan, with `savings` pricing its finished actions (when the audit has a pricing
    /// file) before the digest seals them.
    public func run<E: Error>(
        _ findings: Findings, directory: Directory, diagnostics: inout DiagnosticLog,
        savings: (Plan) throws(E) -> PlanSavings?
    ) throws(E) -> Plan {
        let seats = findings.seats
        let policy = findings.policy
        // Rank of each (product, site) in the sorted group list; suspensions (no product) rank first.
        var rank: [String: Int32] = [:]
        for (i, g) in findings.groups.enumerated() { rank[g.product + "\u{0}" + g.site] = Int32(i + 1) }
        var entries: [Entry] = []
        var withoutId = 0
        var i = 0
        while i < seats.count {
            // The seats of one account are contiguous.
            let a = Int(seats.verdicts[i].account)
            var end = i
            var candidates: [Int] = []
            while end < seats.count, Int(seats.verdicts[end].account) == a {
                if seats.isCandidate(end) { candidates.append(end) }
                end += 1
            }
            let billable = end - i
            i = end
            guard !candidates.isEmpty else { continue }
            let account = directory.accounts[a]
            guard account.hasAccountId else {
                withoutId += candidates.count
                continue
            }
            let key = Entry.idKey(account.id)
            let suspend =
                policy.action == .suspend && candidates.count == billable
                && account.managementSource?.lowercased() != "synced"
            if suspend {
                entries.append(
                    Entry(rank: 0, idKey: key, account: Int32(a), position: Int32(candidates[0]), suspend: true))
            } else {
                for position in candidates {
                    let seat = account.seats[Int(seats.verdicts[position].seat)]
                    let r = rank[seat.product + "\u{0}" + seat.site] ?? Int32.max
                    entries.append(
                        Entry(rank: r, idKey: key, account: Int32(a), position: Int32(position), suspend: false))
                }
            }
        }
        if withoutId > 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "legacy-no-account-id",
                    "\(withoutId) candidate seats come from a legacy export that has no account ids; they are reported "
                        + "but left out of the plan (export the users again to plan them)"))
        }
        entries.sort { x, y in
            if x.rank != y.rank { return x.rank < y.rank }
            if x.idKey != y.idKey { return x.idKey < y.idKey }
            return directory.accounts[Int(x.account)].id < directory.accounts[Int(y.account)].id
        }
        var actions: [PlanAction] = []
        actions.reserveCapacity(entries.count)
        for entry in entries {
            let account = directory.accounts[Int(entry.account)]
            if entry.suspend {
                var findingsOfAccount: [SeatFinding] = []
                var p = Int(entry.position)
                while p < seats.count, seats.verdicts[p].account == entry.account {
                    if seats.isCandidate(p) { findingsOfAccount.append(seats[p]) }
                    p += 1
                }
                actions.append(suspendAction(account, findingsOfAccount, directory: directory))
            } else {
                actions.append(removeAction(account, seats[Int(entry.position)], directory: directory))
            }
        }
        Self.assignIds(&actions)
        let sites = Set(actions.flatMap { action in action.site.map { [$0] } ?? action.seats.map(\.site) })
        var plan = Plan(
            schemaVersion: Plan.currentSchemaVersion, planId: "", tool: "seatsweep \(toolVersion)",
            generatedAt: generatedAt.iso, asOf: findings.asOf.iso,
            expiresAt: (generatedAt + Int64(policy.planExpiryDays) * 86_400).iso,
            source: PlanSource(
                inputs: directory.inputs.map { PlanInput(path: $0.path, sha256: $0.sha256, layout: $0.layout) },
                policy: policy.source.map { PlanFileRef(path: $0.path, sha256: $0.sha256) }, orgId: directory.orgId,
                sites: sites.sorted()),
            rules: PlanRules(
                action: policy.action.rawValue, defaultThreshold: policy.defaultThreshold,
                thresholds: policy.thresholds,
                graceDays: policy.graceDays, accessGroups: policy.accessGroups,
                protect: PlanProtect(
                    accountIds: policy.protectAccountIds, domains: policy.protectDomains, emails: policy.protectEmails,
                    groups: policy.protectGroups)),
            savings: nil, actions: actions, digest: "", reviews: [])
        plan.savings = try savings(plan)
        plan.planId = Self.planId(plan)
        plan.digest = PlanCodec.digest(plan)
        return plan
    }

    /// A plan action before it is built: where it sorts and where its seat is.
    private struct Entry {
        var rank: Int32
        /// The first 16 bytes of the account id, big-endian, for cheap ordering.
        var idKey: IdKey
        var account: Int32
        /// Index into `Findings.seats` (for a suspension: the account's first seat).
        var position: Int32
        var suspend: Bool

        /// Two big-endian words compare like the bytes they hold.
        struct IdKey: Comparable {
            var high: UInt64
            var low: UInt64
            static func < (a: IdKey, b: IdKey) -> Bool { (a.high, a.low) < (b.high, b.low) }
        }

        static func idKey(_ id: String) -> IdKey {
            var words: (UInt64, UInt64) = (0, 0)
            var n = 0
            for b in id.utf8 {
                if n == 16 { break }
                if n < 8 { words.0 |= UInt64(b) << (56 - 8 * n) } else { words.1 |= UInt64(b) << (56 - 8 * (n - 8)) }
                n += 1
            }
            return IdKey(high: words.0, low: words.1)
        }
    }

    private func removeAction(_ account: Account, _ finding: SeatFinding, directory: Directory) -> PlanAction {
        let seat = account.seats[finding.seat]
        return PlanAction(
            id: "", kind: .removeProductAccess, accountId: account.id, email: account.email, name: account.name,
            product: finding.product, site: finding.site, groups: account.groups, seats: [],
            lastActive: Self.lastActiveText(seat.lastActive), daysInactive: finding.daysInactive,
            reason: finding.reason,
            evidence: PlanEvidence(path: directory.path(of: seat.evidence), line: Int(seat.evidence.line)),
            decision: .pending, decidedBy: nil, decidedAt: nil)
    }

    private func suspendAction(_ account: Account, _ findings: [SeatFinding], directory: Directory) -> PlanAction {
        let seats = findings.map { finding in
            PlanSeat(
                product: finding.product, site: finding.site,
                lastActive: Self.lastActiveText(account.seats[finding.seat].lastActive),
                daysInactive: finding.daysInactive)
        }
        // The most recent use across the seats speaks for the account.
        let days = findings.compactMap(\.daysInactive)
        let mostRecent = findings.min { ($0.daysInactive ?? Int.max) < ($1.daysInactive ?? Int.max) }!
        let seat = account.seats[mostRecent.seat]
        let products = findings.map { "\($0.product)@\($0.site)" }.joined(separator: ", ")
        return PlanAction(
            id: "", kind: .suspend, accountId: account.id, email: account.email, name: account.name, product: nil,
            site: nil,
            groups: account.groups, seats: seats, lastActive: Self.lastActiveText(seat.lastActive),
            daysInactive: days.count == findings.count ? days.min() : nil,
            reason: "every billable seat is inactive (\(products)); \(mostRecent.reason)",
            evidence: PlanEvidence(path: directory.path(of: seat.evidence), line: Int(seat.evidence.line)),
            decision: .pending, decidedBy: nil, decidedAt: nil)
    }

    static func lastActiveText(_ value: LastActive) -> String? {
        if case .on(let day) = value { return day.iso }
        return nil
    }

    /// Ids are the first 12 hex digits of a 64-bit FNV-1a hash of kind|account|product|site,
    /// lengthened on collision: stable from one audit to the next for the same change.
    static func assignIds(_ actions: inout [PlanAction]) {
        var used = Set<String>()
        used.reserveCapacity(actions.count)
        for i in actions.indices {
            let a = actions[i]
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for part in [a.kind.rawValue, a.accountId, a.product ?? "", a.site ?? ""] {
                for b in part.utf8 {
                    hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
                }
                hash = (hash ^ 0x7C) &* 0x100_0000_01b3
            }
            let hex = PlanCodec.hex(withUnsafeBytes(of: hash.bigEndian) { Array($0) })
            var id = String(hex.prefix(12))
            var length = 12
            while used.contains(id) {
                length += 2
                id = length <= 16 ? String(hex.prefix(length)) : "\(hex)-\(length - 16)"
            }
            actions[i].id = id
            used.insert(id)
        }
    }

    /// Deterministic for the same inputs, policy, audit date and generation time.
    static func planId(_ plan: Plan) -> String {
        var seed = "\(plan.generatedAt)|\(plan.asOf)|\(plan.source.policy?.sha256 ?? "")"
        for input in plan.source.inputs { seed += "|\(input.sha256)" }
        let hex = PlanCodec.hex(SHA256.hash(data: Array(seed.utf8)))
        let c = Array(hex.prefix(32))
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}
