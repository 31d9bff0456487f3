import Crypto

/// Turns findings into a plan: one `remove-product-access` per candidate seat, or with
/// `action: suspend` one `suspend` per account whose every billable seat is a candidate
/// (never for accounts an identity provider manages, whose lifecycle the IdP owns).
public struct Planner: Sendable {
    public var generatedAt: Timestamp
    public var toolVersion: String
    /// Compute `digest` here; false leaves it empty for `PlanCodec.encodeSealing` to fill while
    /// writing the file (one encoding pass instead of two).
    public var seals = true

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
        var entries: [Entry] = []
        var withoutId = 0
        var candidates: [Int] = []
        var i = 0
        while i < seats.count {
            // The seats of one account are contiguous.
            let a = Int(seats.verdicts[i].account)
            var end = i
            candidates.removeAll(keepingCapacity: true)
            while end < seats.count, Int(seats.verdicts[end].account) == a {
                if seats.isCandidate(end) { candidates.append(end) }
                end += 1
            }
            let billable = end - i
            i = end
            guard !candidates.isEmpty else { continue }
            guard directory.accounts[a].hasAccountId else {
                withoutId += candidates.count
                continue
            }
            let key = directory.accounts[a].withIDBytes(Entry.idKey)
            let suspend =
                policy.action == .suspend && candidates.count == billable
                && directory.accounts[a].managementSource?.lowercased() != "synced"
            if suspend {
                entries.append(
                    Entry(rank: 0, idKey: key, account: Int32(a), position: Int32(candidates[0]), suspend: true))
            } else {
                for position in candidates {
                    // Suspensions (no product) rank 0, then the groups in their sorted order.
                    let r = seats.groupRank[Int(seats.verdicts[position].group)] + 1
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
        // Build the actions in account order (memory is read front to back, on two threads),
        // then move them into plan order: sorting small keys is cheap, chasing a million
        // accounts in sorted order is not.
        let (built, hashes) = Self.build(entries, seats: seats, directory: directory)
        for e in entries.indices { entries[e].built = Int32(e) }
        entries.sort { x, y in
            if x.rank != y.rank { return x.rank < y.rank }
            if x.idKey != y.idKey { return x.idKey < y.idKey }
            return directory.accounts[Int(x.account)].withIDBytes { a in
                directory.accounts[Int(y.account)].withIDBytes { b in a.lexicographicallyPrecedes(b) }
            }
        }
        let order = entries.map { Int($0.built) }
        var actions = [PlanAction](unsafeUninitializedCapacity: order.count) { buffer, count in
            for (i, e) in order.enumerated() { (buffer.baseAddress! + i).initialize(to: (built + e).move()) }
            count = order.count
        }
        built.deallocate()
        Self.assignIds(&actions, hashes: order.map { hashes[$0] })
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
        if seals { plan.digest = PlanCodec.digest(plan) }
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
        /// Where `build` put this entry's action.
        var built: Int32 = 0

        /// Two big-endian words compare like the bytes they hold.
        struct IdKey: Comparable {
            var high: UInt64
            var low: UInt64
            static func < (a: IdKey, b: IdKey) -> Bool { (a.high, a.low) < (b.high, b.low) }
        }

        static func idKey(_ id: UnsafeBufferPointer<UInt8>) -> IdKey {
            var words: (UInt64, UInt64) = (0, 0)
            var n = 0
            for b in id {
                if n == 16 { break }
                if n < 8 { words.0 |= UInt64(b) << (56 - 8 * n) } else { words.1 |= UInt64(b) << (56 - 8 * (n - 8)) }
                n += 1
            }
            return IdKey(high: words.0, low: words.1)
        }
    }

    /// Builds one action per entry, in entry (account) order, into a new buffer the caller
    /// moves out of and deallocates. Two threads each fill their own half.
    private static func build(
        _ entries: [Entry], seats: SeatFindings, directory: Directory
    ) -> (UnsafeMutablePointer<PlanAction>, [UInt64]) {
        let buffer = UnsafeMutablePointer<PlanAction>.allocate(capacity: max(1, entries.count))
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, entries.count))
        defer { hashes.deallocate() }
        let shared = ForkJoinShared(value: (buffer, entries, seats, directory, hashes))
        let half = entries.count / 2
        let job: @Sendable (Range<Int>) -> Void = { range in
            let (buffer, entries, seats, directory, hashes) = shared.value
            let paths = directory.inputs.map(\.path)
            for e in range {
                let entry = entries[e]
                let a = Int(entry.account)
                if entry.suspend {
                    var findingsOfAccount: [SeatFinding] = []
                    var p = Int(entry.position)
                    while p < seats.count, seats.verdicts[p].account == entry.account {
                        if seats.isCandidate(p) { findingsOfAccount.append(seats[p]) }
                        p += 1
                    }
                    (buffer + e).initialize(to: suspendAction(directory.accounts[a], findingsOfAccount, paths: paths))
                } else {
                    let finding = seats[Int(entry.position)]
                    let evidence = directory.accounts[a].seat(at: finding.seat).evidence
                    (buffer + e).initialize(
                        to: PlanAction(
                            id: "", kind: .removeProductAccess, accountId: directory.accounts[a].id,
                            email: directory.accounts[a].email, name: directory.accounts[a].name,
                            product: finding.product, site: finding.site, groups: directory.accounts[a].groups,
                            seats: [], lastActive: Self.lastActiveText(finding.lastActive),
                            daysInactive: finding.daysInactive, reason: finding.reason,
                            evidence: PlanEvidence(path: paths[Int(evidence.input)], line: Int(evidence.line)),
                            decision: .pending, decidedBy: nil, decidedAt: nil))
                }
                hashes[e] = idHash(buffer[e])
            }
        }
        if entries.count < 4096 {
            job(0..<entries.count)
        } else {
            ForkJoin.run([{ job(0..<half) }, { job(half..<entries.count) }])
        }
        return (buffer, Array(UnsafeBufferPointer(start: hashes, count: entries.count)))
    }

    private static func suspendAction(_ account: Account, _ findings: [SeatFinding], paths: [String]) -> PlanAction {
        let seats = findings.map { finding in
            PlanSeat(
                product: finding.product, site: finding.site,
                lastActive: Self.lastActiveText(account.seat(at: finding.seat).lastActive),
                daysInactive: finding.daysInactive)
        }
        // The most recent use across the seats speaks for the account.
        let days = findings.compactMap(\.daysInactive)
        let mostRecent = findings.min { ($0.daysInactive ?? Int.max) < ($1.daysInactive ?? Int.max) }!
        let seat = account.seat(at: mostRecent.seat)
        let products = findings.map { "\($0.product)@\($0.site)" }.joined(separator: ", ")
        return PlanAction(
            id: "", kind: .suspend, accountId: account.id, email: account.email, name: account.name, product: nil,
            site: nil,
            groups: account.groups, seats: seats, lastActive: Self.lastActiveText(seat.lastActive),
            daysInactive: days.count == findings.count ? days.min() : nil,
            reason: "every billable seat is inactive (\(products)); \(mostRecent.reason)",
            evidence: PlanEvidence(path: paths[Int(seat.evidence.input)], line: Int(seat.evidence.line)),
            decision: .pending, decidedBy: nil, decidedAt: nil)
    }

    static func lastActiveText(_ value: LastActive) -> String? {
        if case .on(let day) = value { return day.iso }
        return nil
    }

    /// Ids are the first 12 hex digits of a 64-bit FNV-1a hash of kind|account|product|site,
    /// lengthened on collision: stable from one audit to the next for the same change.
    static func assignIds(_ actions: inout [PlanAction]) {
        assignIds(&actions, hashes: actions.map(idHash))
    }

    /// The 64-bit hash of `kind|account|product|site` that an action's id is made from (the
    /// same byte hash the id index uses, eight bytes a step).
    static func idHash(_ action: PlanAction) -> UInt64 {
        let parts = (action.kind.rawValue, action.accountId, action.product ?? "", action.site ?? "")
        let length = parts.0.utf8.count + parts.1.utf8.count + parts.2.utf8.count + parts.3.utf8.count + 4
        // The key is assembled on the stack: this runs once per action.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { key in
            var n = 0
            func append(_ part: String) {
                for byte in part.utf8 {
                    key[n] = byte
                    n += 1
                }
                key[n] = UInt8(ascii: "|")
                n += 1
            }
            append(parts.0)
            append(parts.1)
            append(parts.2)
            append(parts.3)
            return IdIndex.hash(UnsafeBufferPointer(key))
        }
    }

    static func assignIds(_ actions: inout [PlanAction], hashes: [UInt64]) {
        var used = Set<UInt64>()
        used.reserveCapacity(actions.count)
        var long = Set<String>()
        let digits = Array("0123456789abcdef".utf8)
        for i in actions.indices {
            let hash = hashes[i]
            var hex = [UInt8](repeating: 0, count: 16)
            for k in 0..<16 { hex[k] = digits[Int((hash >> (60 - 4 * UInt64(k))) & 0xF)] }
            // 12 hex digits (48 bits) unless that prefix is taken: then 14, 16, and a counter.
            if used.insert(hash >> 16).inserted {
                actions[i].id = String(decoding: hex[0..<12], as: UTF8.self)
                continue
            }
            var length = 14
            var id = String(decoding: hex[0..<length], as: UTF8.self)
            while !long.insert(id).inserted {
                length += 2
                id =
                    length <= 16
                    ? String(decoding: hex[0..<length], as: UTF8.self)
                    : String(decoding: hex, as: UTF8.self) + "-\(length - 16)"
            }
            actions[i].id = id
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
