import CPrefetch
import Crypto
import Foundation

/// Where each action of a plan came from, in plan order: the index of its account in the
/// directory, and for a single-seat action the position of its finding (-1 for a suspension).
/// Reports link actions, seats and accounts with it instead of matching account ids.
public struct PlanLinks: Sendable, Equatable {
    public var account: [Int32]
    public var finding: [Int32]
}

/// Turns findings into a plan: one `remove-product-access` per candidate seat, or with
/// `action: suspend` one `suspend` per account whose every billable seat is a candidate
/// (never for accounts an identity provider manages, whose lifecycle the IdP owns).
public struct Planner: Sendable {
    public var generatedAt: Timestamp
    public var toolVersion: String
    /// Compute `digest` here; false leaves it empty for `PlanCodec.encodeSealing` to fill while
    /// writing the file (one encoding pass instead of two).
    public var seals = true
    /// Findings of at least this many seats (and plans of this many actions) are worked on two threads.
    var parallelThreshold = 4096
    /// How many actions a build thread takes at a time.
    var buildChunk = 8192

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
        try runLinked(findings, directory: directory, diagnostics: &diagnostics, savings: savings).plan
    }

    /// Builds the plan as `run` does, and says where each action came from.
    public func runLinked<E: Error>(
        _ findings: Findings, directory: Directory, diagnostics: inout DiagnosticLog,
        savings: (Plan) throws(E) -> PlanSavings?
    ) throws(E) -> (plan: Plan, links: PlanLinks) {
        let seats = findings.seats
        let policy = findings.policy
        var (entries, withoutId) = Self.collect(
            seats, directory: directory, action: policy.action, parallelThreshold: parallelThreshold)
        if withoutId > 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "legacy-no-account-id",
                    "\(withoutId) candidate seats come from a legacy export that has no account ids; they are reported "
                        + "but left out of the plan (export the users again to plan them)"))
        }
        // Sort the entries into plan order, then build the actions in that order, on two threads.
        // The accounts are then read in no order of memory (each is prefetched ahead), but the
        // actions and their strings are written front to back, so whoever reads the plan in
        // order (the plan file's encoder, the Candidates sheet) reads memory front to back.
        let parallel = entries.count >= parallelThreshold
        entries = Self.inPlanOrder(entries, directory: directory, parallel: parallel)
        var hashes = [UInt64](repeating: 0, count: entries.count)
        var sites = Set<String>()
        var actions = [PlanAction](unsafeUninitializedCapacity: entries.count) { buffer, count in
            if let base = buffer.baseAddress {
                hashes.withUnsafeMutableBufferPointer { hashes in
                    sites = Self.build(
                        entries, seats: seats, directory: directory, into: base, hashes: hashes,
                        chunk: parallel ? buildChunk : entries.count)
                }
            }
            count = entries.count
        }
        Self.lengthenCollidingIds(&actions, hashes: hashes)
        let links = PlanLinks(
            account: entries.map(\.account), finding: entries.map { $0.suspend ? -1 : $0.position })
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
        return (plan, links)
    }

    /// The plan's entries in account order, and how many candidate seats had to be left out
    /// for want of an account id. Large findings are read in two halves on two threads.
    private static func collect(
        _ seats: SeatFindings, directory: Directory, action: Policy.Action, parallelThreshold: Int
    ) -> (entries: [Entry], withoutId: Int) {
        @Sendable func collect(_ range: Range<Int>) -> (entries: [Entry], withoutId: Int) {
            var entries: [Entry] = []
            var withoutId = 0
            var candidates: [Int] = []
            var i = range.lowerBound
            while i < range.upperBound {
                // The seats of one account are contiguous.
                let a = Int(seats.verdicts[i].account)
                // Only accounts with a candidate are read, too far apart for the hardware to
                // fetch them ahead: each was a cache miss. So was the id a candidate's sort key
                // is made of: it starts loading 4 accounts ahead (its account loaded by then).
                if a + 8 < directory.accounts.count { prefetch(account: a + 8, directory.accounts) }
                if a + 4 < directory.accounts.count {
                    directory.accounts[a + 4].storage.prefetch(directory.accounts[a + 4].idText)
                }
                var end = i
                candidates.removeAll(keepingCapacity: true)
                while end < range.upperBound, Int(seats.verdicts[end].account) == a {
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
                    action == .suspend && candidates.count == billable
                    && directory.accounts[a].managementSource?.lowercased() != "synced"
                if suspend {
                    entries.append(
                        Entry(idKey: key, rank: 0, account: Int32(a), position: Int32(candidates[0]), suspend: true))
                } else {
                    for position in candidates {
                        // Suspensions (no product) rank 0, then the groups in their sorted order.
                        let r = seats.groupRank[Int(seats.verdicts[position].group)] + 1
                        entries.append(
                            Entry(idKey: key, rank: r, account: Int32(a), position: Int32(position), suspend: false))
                    }
                }
            }
            return (entries, withoutId)
        }
        // The second half starts at the first seat of an account.
        var middle = seats.count / 2
        while middle > 0, middle < seats.count, seats.verdicts[middle].account == seats.verdicts[middle - 1].account {
            middle += 1
        }
        guard seats.count >= parallelThreshold, middle < seats.count else { return collect(0..<seats.count) }
        let second = BackgroundTask { [middle] in collect(middle..<seats.count) }
        var (entries, withoutId) = collect(0..<middle)
        let tail = second.wait()
        entries += tail.entries
        return (entries, withoutId + tail.withoutId)
    }

    /// The entries in plan order: by group rank, then account id. Large plans are
    /// sorted in two halves on two threads and the halves merged. The entries are sorted by
    /// value: sorting indices made every comparison fetch two entries from wherever they were,
    /// and sorting smaller keys made the result fetch each entry so.
    private static func inPlanOrder(_ entries: [Entry], directory: Directory, parallel: Bool) -> [Entry] {
        @Sendable func precedes(_ a: Entry, _ b: Entry) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.idKey != b.idKey { return a.idKey < b.idKey }
            return directory.accounts[Int(a.account)].withIDBytes { p in
                directory.accounts[Int(b.account)].withIDBytes { q in p.lexicographicallyPrecedes(q) }
            }
        }
        guard parallel else { return entries.sorted(by: precedes) }
        let half = entries.count / 2
        let second = BackgroundTask { entries[half...].sorted(by: precedes) }
        let first = entries[..<half].sorted(by: precedes)
        let tail = second.wait()
        var order: [Entry] = []
        order.reserveCapacity(entries.count)
        var (i, j) = (0, 0)
        while i < first.count, j < tail.count {
            // Ties keep the first half first, as one stable sort would.
            if precedes(tail[j], first[i]) {
                order.append(tail[j])
                j += 1
            } else {
                order.append(first[i])
                i += 1
            }
        }
        order += first[i...]
        order += tail[j...]
        return order
    }

    /// A plan action before it is built: where it sorts and where its seat is.
    private struct Entry {
        /// The first 16 bytes of the account id, big-endian, for cheap ordering. (First, so an
        /// entry is 32 bytes: the entries themselves are sorted.)
        var idKey: IdKey
        var rank: Int32
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

        static func idKey(_ id: UnsafeBufferPointer<UInt8>) -> IdKey {
            guard id.count >= 16, let base = id.baseAddress else {
                var words: (UInt64, UInt64) = (0, 0)
                for (n, b) in id.enumerated() {
                    if n < 8 {
                        words.0 |= UInt64(b) << (56 - 8 * n)
                    } else {
                        words.1 |= UInt64(b) << (56 - 8 * (n - 8))
                    }
                }
                return IdKey(high: words.0, low: words.1)
            }
            let raw = UnsafeRawPointer(base)
            return IdKey(
                high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// Builds one action per entry (entries in plan order) at the same place in `buffer`, with
    /// its id hash at that place in `hashes`, and returns the sites the actions name. Two threads
    /// build them `chunk` at a time (one thread when `chunk` covers them all).
    private static func build(
        _ entries: [Entry], seats: SeatFindings, directory: Directory, into buffer: UnsafeMutablePointer<PlanAction>,
        hashes: UnsafeMutableBufferPointer<UInt64>, chunk: Int
    ) -> Set<String> {
        let shared = ForkJoinShared(value: (buffer, entries, seats, directory, hashes))
        let sites = SiteUnion()
        let job: @Sendable (ForkJoin.Chunks) -> Void = { chunks in
            let (buffer, entries, seats, directory, hashes) = shared.value
            // Each thread gives its actions its own copies of the paths and the product and site
            // names: every action retains them, and two threads retaining one string had to pass
            // its cache line back and forth.
            let paths = directory.inputs.map { ownCopy($0.path) }
            var names: [(product: String, site: String)?] = []
            let accounts = directory.accounts
            var reasons = SeatFindings.ReasonCache<String>()
            var suspendSites = Set<String>()
            // The sites of the actions made here: those of the seat keys met, and of suspensions.
            defer { sites.add(names.compactMap { $0?.site }, suspendSites) }
            for range in chunks {
                for e in range {
                    // What an action is made of is read in no order of memory: an entry's account
                    // and verdict start loading 16 entries ahead, its text and seat 8 ahead.
                    if e + 16 < range.upperBound { prefetch(entries[e + 16], accounts, seats) }
                    if e + 8 < range.upperBound { prefetchText(entries[e + 8], accounts, seats) }
                    let entry = entries[e]
                    let a = Int(entry.account)
                    let action = buffer + e
                    if entry.suspend {
                        var findingsOfAccount: [SeatFinding] = []
                        var p = Int(entry.position)
                        while p < seats.count, seats.verdicts[p].account == entry.account {
                            if seats.isCandidate(p) { findingsOfAccount.append(seats[p]) }
                            p += 1
                        }
                        action.initialize(to: suspendAction(accounts[a], findingsOfAccount, paths: paths))
                        suspendSites.formUnion(findingsOfAccount.lazy.map(\.site))
                    } else {
                        // The account's fields are read in place (see `[Account].id(_:)`), the seat's
                        // from its verdict; a reason is made once per distinct one.
                        let position = Int(entry.position)
                        let verdict = seats.verdicts[position]
                        let seat = accounts.seat(a, at: Int(verdict.seat))
                        let reason =
                            reasons.value(seats, position, lastActive: seat.lastActive) { $0 } ?? seats[position].reason
                        let k = Int(seat.key.index)
                        if k >= names.count { names += repeatElement(nil, count: k + 1 - names.count) }
                        if names[k] == nil { names[k] = (ownCopy(seat.product), ownCopy(seat.site)) }
                        let (product, site) = names[k]!
                        action.initialize(
                            to: PlanAction(
                                id: "", kind: .removeProductAccess, accountId: accounts.id(a), email: accounts.email(a),
                                name: accounts.name(a), product: product, site: site,
                                groups: accounts[a].groups, seats: [], lastActive: Self.lastActiveText(seat.lastActive),
                                daysInactive: verdict.days == Int32.min ? nil : Int(verdict.days), reason: reason,
                                evidence: PlanEvidence(
                                    path: paths[Int(seat.evidence.input)], line: Int(seat.evidence.line)),
                                decision: .pending, decidedBy: nil, decidedAt: nil))
                    }
                    let hash = idHash(action)
                    hashes[e] = hash
                    action.pointee.id = shortId(hash)
                }
            }
        }
        ForkJoin.forEachChunk(of: entries.count, size: chunk, job)
        return sites.all
    }

    /// The sites the build threads found, each adding its own once it is done.
    private final class SiteUnion: @unchecked Sendable {
        // @unchecked: `all` is written only under `lock`, and read after the threads are joined.
        private let lock = NSLock()
        private(set) var all = Set<String>()

        func add(_ sites: [String], _ more: Set<String>) {
            lock.withLock {
                all.formUnion(sites)
                all.formUnion(more)
            }
        }
    }

    /// Starts loading an entry's account and verdict.
    @inline(__always)
    private static func prefetch(_ entry: Entry, _ accounts: [Account], _ seats: SeatFindings) {
        prefetch(account: Int(entry.account), accounts)
        seats.verdicts.withUnsafeBufferPointer { seatsweep_prefetch($0.baseAddress! + Int(entry.position)) }
    }

    /// Starts loading account `a` (both cache lines it may straddle).
    @inline(__always)
    private static func prefetch(account a: Int, _ accounts: [Account]) {
        accounts.withUnsafeBufferPointer { accounts in
            let account = UnsafeRawPointer(accounts.baseAddress! + a)
            seatsweep_prefetch(account)
            seatsweep_prefetch(account + MemoryLayout<Account>.stride - 1)
        }
    }

    /// Starts loading an entry's account text and seat (its account and verdict loaded by now).
    @inline(__always)
    private static func prefetchText(_ entry: Entry, _ accounts: [Account], _ seats: SeatFindings) {
        let a = Int(entry.account)
        accounts[a].storage.prefetch(accounts[a].idText)
        accounts[a].storage.prefetch(accounts[a].emailText)
        if !entry.suspend {
            let seat = accounts[a].seatRange.lowerBound + Int32(seats.verdicts[Int(entry.position)].seat)
            accounts[a].storage.prefetchSeat(seat)
        }
    }

    /// A string with storage of its own (a copy of a long one is otherwise the same object).
    private static func ownCopy(_ string: String) -> String {
        String(decoding: Array(string.utf8), as: UTF8.self)
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

    /// Ids are the first 12 hex digits of a 64-bit hash of kind|account|product|site,
    /// lengthened on collision: stable from one audit to the next for the same change.
    static func assignIds(_ actions: inout [PlanAction]) {
        let hashes = actions.withUnsafeBufferPointer { actions in
            (0..<actions.count).map { idHash(actions.baseAddress! + $0) }
        }
        for i in actions.indices { actions[i].id = shortId(hashes[i]) }
        lengthenCollidingIds(&actions, hashes: hashes)
    }

    /// The 64-bit hash of `kind|account|product|site` that an action's id is made from (the
    /// same byte hash the id index uses, eight bytes a step).
    static func idHash(_ action: UnsafePointer<PlanAction>) -> UInt64 {
        let parts = (
            action.pointee.kind.rawValue, action.pointee.accountId, action.pointee.product ?? "",
            action.pointee.site ?? ""
        )
        let length = parts.0.utf8.count + parts.1.utf8.count + parts.2.utf8.count + parts.3.utf8.count + 4
        // The key is assembled on the stack: this runs once per action.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { key in
            var end = key.baseAddress!
            append(parts.0, at: &end)
            append(parts.1, at: &end)
            append(parts.2, at: &end)
            append(parts.3, at: &end)
            return IdIndex.hash(UnsafeBufferPointer(key))
        }
    }

    /// Copies `part` and a `|` to `end`, and moves `end` past them.
    @inline(__always)
    private static func append(_ part: String, at end: inout UnsafeMutablePointer<UInt8>) {
        part.withUTF8Bytes { bytes in
            if let base = bytes.baseAddress { end.initialize(from: base, count: bytes.count) }
            end += bytes.count
        }
        end.initialize(to: UInt8(ascii: "|"))
        end += 1
    }

    /// Hex digit `k` of `hash`, most significant first.
    @inline(__always)
    private static func hexDigit(_ hash: UInt64, _ k: Int) -> UInt8 {
        let nibble = UInt8((hash >> (60 - 4 * UInt64(k))) & 0xF)
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// The first 12 hex digits (48 bits) of `hash`: an action's id unless another action
    /// earlier in the plan has the same 12.
    static func shortId(_ hash: UInt64) -> String {
        String(unsafeUninitializedCapacity: 12) { out in
            for k in 0..<12 { out[k] = hexDigit(hash, k) }
            return 12
        }
    }

    /// Gives each action whose 12-digit id an earlier action already has 14 digits, then 16,
    /// then 16 and a counter, until it is unique. `actions` hold their `shortId`s, made on the
    /// build threads: this serial pass only looks the prefixes up.
    static func lengthenCollidingIds(_ actions: inout [PlanAction], hashes: [UInt64]) {
        var used = PrefixSet(capacity: actions.count)
        var long = Set<String>()
        for i in actions.indices {
            // The hashes are known ahead: their slots are loaded 16 actions early.
            if i + 16 < hashes.count { used.prefetch(hashes[i + 16] >> 16) }
            guard !used.insert(hashes[i] >> 16) else { continue }
            let hex = (0..<16).map { hexDigit(hashes[i], $0) }
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

    /// The 48-bit id prefixes seen so far: open addressing over words that hold the prefix + 1
    /// (0 is empty), sized as an `IdIndex` is. (An `IdIndex` holds positions, and confirming a
    /// prefix through one read each candidate's hash from wherever it was.)
    private struct PrefixSet {
        private var slots: [UInt64]
        private let mask: Int

        init(capacity n: Int) {
            slots = [UInt64](repeating: 0, count: IdIndex.slotCount(for: n))
            mask = slots.count - 1
        }

        /// Adds `prefix`; false when it was there already.
        mutating func insert(_ prefix: UInt64) -> Bool {
            let word = prefix + 1
            var i = Int(truncatingIfNeeded: prefix) & mask
            while slots[i] != 0 {
                if slots[i] == word { return false }
                i = (i + 1) & mask
            }
            slots[i] = word
            return true
        }

        func prefetch(_ prefix: UInt64) {
            slots.withUnsafeBufferPointer {
                seatsweep_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: prefix) & mask))
            }
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
