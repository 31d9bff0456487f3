/// What the analysis concluded about every billable seat: the output of `InactivityAnalyzer`.
public struct Findings: Sendable {
    public var asOf: Day
    public var policy: Policy
    /// Every billable seat, in account order.
    public var seats: SeatFindings
    /// Protected accounts that hold at least one seat, with every reason, in account order.
    public var protectedAccounts: [ProtectedAccount]
    /// Counts per (product, site), sorted by product then site.
    public var groups: [SeatGroupCounts]
    /// Seats whose last activity is after the audit date (counted active).
    public var seatsActiveAfterAsOf: Int
}

/// The verdict on one billable seat.
public struct SeatFinding: Sendable {
    /// Index into `Directory.accounts`.
    public var account: Int
    /// Index into that account's `seats`.
    public var seat: Int
    /// The seat's product and site.
    public var key: SeatKey
    public var product: String { key.product }
    public var site: String { key.site }
    public var status: SeatStatus
    /// Whole days from the last use to the audit date; for `atLeastDaysAgo` evidence, the lower bound.
    public var daysInactive: Int?
    public var neverAccessed: Bool
    /// The first reason the account is protected, if it is.
    public var protection: String?
    /// False when the policy leaves this product out of the plan.
    public var inScope: Bool
    /// The seat's evidence and the rule values, for `reason`.
    public var lastActive: LastActive
    public var threshold: Int
    public var graceDays: Int
    public var addedToOrg: AddedDate?
    /// Days from joining to the audit date, when the join day is known.
    public var joinedDaysAgo: Int?

    /// An inactive seat of an unprotected account, in scope: a plan action.
    public var isCandidate: Bool { status == .inactive && protection == nil && inScope }

    /// One line explaining the verdict, for reports and the plan.
    public var reason: String {
        var text = baseReason
        if let protection, status == .inactive {
            text += "; protected: \(protection)"
        } else if !inScope, status == .inactive {
            text += "; product left out by the policy"
        }
        return text
    }

    private var baseReason: String { TextBuilder.make { t in baseReason(&t) } }

    private func baseReason(_ t: inout TextBuilder) {
        switch lastActive {
        case .on(let day):
            let days = daysInactive ?? 0
            switch status {
            case .grace:
                t.add("last active ")
                t.add(day)
                t.add(" (")
                t.add(days)
                t.add(" days ago) but ")
                addGraceNote(&t)
            case .inactive:
                t.add("no use for ")
                t.add(days)
                t.add(" days (more than ")
                t.add(threshold)
                t.add("); last active ")
                t.add(day)
            default:
                t.add("last active ")
                t.add(day)
                t.add(" (")
                t.add(days)
                t.add(" days ago, threshold ")
                t.add(threshold)
                t.add(")")
            }
        case .never:
            t.add("never used; ")
            if status == .grace {
                addGraceNote(&t)
            } else {
                switch addedToOrg {
                case .on(let added):
                    t.add("joined ")
                    t.add(added)
                    t.add(" (")
                    t.add(joinedDaysAgo ?? 0)
                    t.add(" days ago, grace ")
                    t.add(graceDays)
                    t.add(")")
                case .before(let day):
                    t.add("joined before ")
                    t.add(day)
                case nil:
                    t.add("join date unknown, so no grace period")
                }
            }
        case .atLeastDaysAgo(let days):
            switch status {
            case .grace:
                t.add("no recent use but ")
                addGraceNote(&t)
            case .inactive:
                t.add("no use for at least ")
                t.add(Int(days))
                t.add(" days (more than ")
                t.add(threshold)
                t.add(")")
            default:
                t.add("no use for at least ")
                t.add(Int(days))
                t.add(" days, which does not prove more than ")
                t.add(threshold)
            }
        case .unknown:
            t.add("no activity data for this seat")
        }
    }

    private func addGraceNote(_ t: inout TextBuilder) {
        t.add("joined ")
        t.add(joinedDaysAgo ?? 0)
        t.add(" days ago, within the ")
        t.add(graceDays)
        t.add("-day grace period")
    }
}

/// Builds a short text from literals, numbers and days in a buffer on the stack (reasons are made
/// for every seat a report lists, so string interpolation's intermediate values and a heap
/// buffer per text showed in profiles). A reason is at most a few literals, four integers and
/// two days: far below the buffer's 256 bytes; anything beyond is dropped, never written past.
struct TextBuilder {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    /// The text `body` builds.
    static func make(_ body: (inout TextBuilder) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            var builder = TextBuilder(buffer: buffer)
            body(&builder)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<builder.count]), as: UTF8.self)
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    private mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let n = min(bytes.count, buffer.count - count)
        guard n > 0 else { return }
        UnsafeMutableRawBufferPointer(start: buffer.baseAddress! + count, count: n).copyMemory(
            from: UnsafeRawBufferPointer(rebasing: bytes[..<n]))
        count += n
    }

    mutating func add(_ text: StaticString) {
        add(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func add(_ value: Int) {
        DecimalDigits.with(value) { add(UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ day: Day) {
        day.withISO { add(UnsafeRawBufferPointer($0)) }
    }
}

/// Every billable seat's verdict, stored compactly (12 bytes a seat) and expanded into a
/// `SeatFinding` when read, so a million-account audit does not hold millions of strings.
public struct SeatFindings: RandomAccessCollection, Sendable {
    /// The compact verdict for one seat.
    struct Verdict: Sendable {
        var account: Int32
        var seat: UInt16
        var status: SeatStatus
        var flags: UInt8
        /// Days inactive, or `Int32.min` for none.
        var days: Int32
        /// Index of the seat's (product, site) in the analyzer's group list (before sorting).
        var group: UInt16

        static let neverAccessed: UInt8 = 1
        static let inScope: UInt8 = 2
    }

    let accounts: [Account]
    let verdicts: [Verdict]
    /// Per account: the index into `protections`, or -1.
    let protectionIndex: [Int32]
    let protections: [String]
    let policy: Policy
    let asOf: Day
    /// Per verdict `group`: its position in `Findings.groups`, and the group's threshold.
    let groupRank: [Int32]
    let groupThreshold: [Int]

    init(
        accounts: [Account], verdicts: [Verdict], protectionIndex: [Int32], protections: [String], policy: Policy,
        asOf: Day, groupRank: [Int32] = [], groupThreshold: [Int] = []
    ) {
        self.groupRank = groupRank
        self.groupThreshold = groupThreshold
        self.accounts = accounts
        self.verdicts = verdicts
        self.protectionIndex = protectionIndex
        self.protections = protections
        self.policy = policy
        self.asOf = asOf
    }

    /// No seats (for findings built by hand in tests and previews).
    public init() {
        self.init(
            accounts: [], verdicts: [], protectionIndex: [], protections: [], policy: Policy(), asOf: Day(ordinal: 0))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { verdicts.count }

    public subscript(position: Int) -> SeatFinding {
        let v = verdicts[position]
        let a = Int(v.account)
        let s = Int(v.seat)
        let p = protectionIndex[a]
        let added = accounts[a].addedToOrg
        var joined: Int?
        if case .on(let day) = added { joined = asOf - day }
        let seat = accounts[a].seat(at: s)
        return SeatFinding(
            account: a, seat: s, key: seat.key, status: v.status,
            daysInactive: v.days == Int32.min ? nil : Int(v.days), neverAccessed: v.flags & Verdict.neverAccessed != 0,
            protection: p >= 0 ? protections[Int(p)] : nil, inScope: v.flags & Verdict.inScope != 0,
            lastActive: seat.lastActive,
            threshold: threshold(ofGroup: v.group) ?? policy.threshold(for: seat.product),
            graceDays: policy.graceDays, addedToOrg: added, joinedDaysAgo: joined)
    }

    /// Whether the seat at `position` is a plan candidate, without expanding it.
    func isCandidate(_ position: Int) -> Bool {
        let v = verdicts[position]
        return v.status == .inactive && protectionIndex[Int(v.account)] < 0 && v.flags & Verdict.inScope != 0
    }

    /// What `SeatFinding.reason` is made of, for seats whose reason depends on nothing else.
    struct ReasonKey: Hashable {
        var lastActive: LastActive
        var days: Int32
        var status: SeatStatus
        var threshold: Int
        /// The join date, which a never-used seat's reason names; nil for every other seat.
        var added: AddedDate?
    }

    /// Reasons (or what is made of them) by `ReasonKey`, for one thread: a reason is made once
    /// per distinct key (for a never-used seat, per join date) and kept in a direct-mapped
    /// table (a dictionary's hashing cost more than the rest of a report row).
    struct ReasonCache<Value> {
        private var entries: [(key: ReasonKey, value: Value)?] = Array(repeating: nil, count: slots)
        private static var slots: Int { 1 << 13 }

        /// The value for the reason of the seat at `position` of `seats`, whose evidence is
        /// `lastActive`; `make` makes it from the reason, once per key. Nil for a reason without
        /// a key (see `reasonKey`).
        mutating func value(
            _ seats: SeatFindings, _ position: Int, lastActive: LastActive, _ make: (String) -> Value
        ) -> Value? {
            guard let key = seats.reasonKey(position, lastActive: lastActive) else { return nil }
            var mix = UInt32(bitPattern: key.days) &* 2_654_435_761 &+ UInt32(truncatingIfNeeded: key.threshold)
            switch key.added {
            case .on(let day): mix = mix &+ UInt32(truncatingIfNeeded: day.ordinal) &* 40_503
            case .before(let day): mix = mix &+ UInt32(truncatingIfNeeded: day.ordinal) &* 40_503 &+ 1
            case nil: break
            }
            let slot = Int(mix) & (Self.slots - 1)
            if let entry = entries[slot], entry.key == key { return entry.value }
            let value = make(seats[position].reason)
            entries[slot] = (key, value)
            return value
        }
    }

    /// The key of the reason of the seat at `position`, whose evidence is `lastActive`: seats
    /// with equal keys have equal reasons. Nil when the reason also depends on the grace
    /// period, on a protection or on the policy's scope.
    func reasonKey(_ position: Int, lastActive: LastActive) -> ReasonKey? {
        let v = verdicts[position]
        guard v.status != .grace, let threshold = threshold(ofGroup: v.group) else { return nil }
        if v.status == .inactive, protectionIndex[Int(v.account)] >= 0 || v.flags & Verdict.inScope == 0 {
            return nil
        }
        let added = lastActive == .never ? accounts[Int(v.account)].addedToOrg : nil
        return ReasonKey(lastActive: lastActive, days: v.days, status: v.status, threshold: threshold, added: added)
    }

    /// The threshold of a verdict's group; nil when not known by number: findings built without
    /// groups, or the last 16-bit number, which the analyzer gives every group from there on.
    private func threshold(ofGroup group: UInt16) -> Int? {
        group < UInt16.max && Int(group) < groupThreshold.count ? groupThreshold[Int(group)] : nil
    }
}

/// The activity verdict on a seat, before protections.
public enum SeatStatus: String, Sendable, CaseIterable {
    /// Used within the threshold.
    case active
    /// Unused for more than the threshold, or never used outside the grace period.
    case inactive
    /// The account joined fewer than `graceDays` days ago.
    case grace
    /// No activity data, or a lower bound that does not exceed the threshold.
    case unknown
}

/// A protected account and why.
public struct ProtectedAccount: Sendable {
    public var account: Int
    public var reasons: [String]
}

/// Counts for one (product, site) subscription.
public struct SeatGroupCounts: Sendable, Hashable {
    public var product: String
    public var site: String
    public var billable = 0
    public var inactive = 0
    public var neverAccessed = 0
    /// Billable seats of protected accounts.
    public var protected = 0
    public var candidates = 0
    public var inScope = true

    public init(product: String, site: String) {
        self.product = product
        self.site = site
    }
}
