import CPrefetch

/// Where an account's text is in its `AccountStorage`.
public struct TextRef: Hashable, Sendable {
    var offset: UInt32
    var length: UInt32

    static let empty = TextRef(offset: 0, length: 0)
}

/// The text and seats of many accounts, stored contiguously so that a million accounts are a
/// few large buffers instead of millions of small allocations. Accounts read it through
/// `Account.id`, `name`, `email` and `seats`.
///
/// Append-only: a slot, once written, is never changed, so `Account` values sharing a storage
/// keep value semantics (changing an account's seats writes a new copy of them).
public final class AccountStorage: @unchecked Sendable {
    // @unchecked: appended to only by the one ingest task that owns it; other threads read it
    // only after that task has finished (ForkJoin joins before anything else reads). For the
    // same reason the per-access exclusivity check is off: it cost more than the appends.
    // Text is appended a field at a time: a `ByteBuffer` append is a bounds check and a copy,
    // without `Array.append(contentsOf:)`'s bookkeeping (3% of a 1M-account audit's time).
    @exclusivity(unchecked) private var text = ByteBuffer(capacity: 64)
    @exclusivity(unchecked) private(set) var seats: [Seat] = []

    public init() {}

    /// Reserves room for about `accounts` accounts of `textPerAccount` bytes and `seatsPerAccount` seats.
    func reserve(accounts: Int, textPerAccount: Int, seatsPerAccount: Int) {
        text.reserveCapacity(accounts * textPerAccount)
        seats.reserveCapacity(accounts * seatsPerAccount)
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> TextRef {
        guard !bytes.isEmpty else { return .empty }
        let ref = TextRef(offset: UInt32(text.count), length: UInt32(bytes.count))
        text.append(bytes)
        return ref
    }

    func append(_ string: String) -> TextRef {
        string.withUTF8Bytes { append($0) }
    }

    func string(_ ref: TextRef) -> String {
        guard ref.length > 0 else { return "" }
        return withBytes(ref) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of `ref`.
    func withBytes<R>(_ ref: TextRef, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.withUnsafeBytes { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[Int(ref.offset)..<Int(ref.offset + ref.length)]))
        }
    }

    /// Starts loading the text of `ref` into the cache.
    @inline(__always) func prefetch(_ ref: TextRef) {
        text.withUnsafeBytes { seatsweep_prefetch($0.baseAddress.map { $0 + Int(ref.offset) }) }
    }

    /// Starts loading seat `index` into the cache.
    @inline(__always) func prefetchSeat(_ index: Int32) {
        seats.withUnsafeBufferPointer { seatsweep_prefetch($0.baseAddress.map { $0 + Int(index) }) }
    }

    /// Appends seats and returns where they are.
    func append<C: Collection>(seats new: C) -> Range<Int32> where C.Element == Seat {
        let start = Int32(seats.count)
        seats.append(contentsOf: new)
        return start..<Int32(seats.count)
    }

    func seat(_ index: Int32) -> Seat { seats[Int(index)] }

    /// Adds `delta` to the evidence line of every seat. Only for a storage whose accounts all
    /// move together (the later half of a file, numbered from 1 until its first line is known).
    func shiftSeatLines(by delta: Int32) {
        for i in seats.indices { seats[i].evidence.line += delta }
    }
}

/// One person (or bot) in the organisation's directory, merged from every input.
public struct Account: Sendable {
    let storage: AccountStorage
    var idText: TextRef
    var nameText: TextRef
    var emailText: TextRef
    var seatRange: Range<Int32>
    /// False when `id` is a legacy username rather than an account id (such accounts can be
    /// reported but not changed through the API).
    public var hasAccountId: Bool
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
    /// Where the account was first read.
    public var source: SourceRef

    /// The Atlassian account id; for legacy exports, which predate account ids, the username.
    public var id: String { storage.string(idText) }

    public var name: String {
        get { storage.string(nameText) }
        set { nameText = storage.append(newValue) }
    }

    public var email: String {
        get { storage.string(emailText) }
        set { emailText = storage.append(newValue) }
    }

    /// Whether `email` is non-empty (without making the string).
    public var hasEmail: Bool { emailText.length > 0 }

    /// Product access: one entry per (product, site) the account holds a seat on.
    public var seats: [Seat] {
        get { Array(storage.seats[Int(seatRange.lowerBound)..<Int(seatRange.upperBound)]) }
        set { seatRange = storage.append(seats: newValue) }
    }

    /// How many seats the account holds (without copying them).
    public var seatCount: Int { seatRange.count }

    /// Seat `index` (without copying the others).
    public func seat(at index: Int) -> Seat { storage.seat(seatRange.lowerBound + Int32(index)) }

    public init(
        id: String, hasAccountId: Bool = true, name: String = "", email: String = "",
        status: AccountStatus = .unknown, accountType: AccountType = .atlassian, addedToOrg: AddedDate? = nil,
        isOrgAdmin: Bool = false, adminRoles: [String] = [], groups: [String] = [], managementSource: String? = nil,
        seats: [Seat] = [], source: SourceRef, storage: AccountStorage = AccountStorage()
    ) {
        self.init(
            storage: storage, idText: storage.append(id), source: source, hasAccountId: hasAccountId,
            status: status)
        self.name = name
        self.email = email
        self.accountType = accountType
        self.addedToOrg = addedToOrg
        self.isOrgAdmin = isOrgAdmin
        self.adminRoles = adminRoles
        self.groups = groups
        self.managementSource = managementSource
        if !seats.isEmpty { self.seats = seats }
    }

    /// An account whose id is already in `storage`; the rest starts empty.
    init(storage: AccountStorage, idText: TextRef, source: SourceRef, hasAccountId: Bool, status: AccountStatus) {
        self.storage = storage
        self.idText = idText
        self.nameText = .empty
        self.emailText = .empty
        self.seatRange = 0..<0
        self.hasAccountId = hasAccountId
        self.status = status
        self.accountType = .atlassian
        self.addedToOrg = nil
        self.isOrgAdmin = false
        self.adminRoles = []
        self.groups = []
        self.managementSource = nil
        self.source = source
    }

    /// Calls `body` with the UTF-8 bytes of the id.
    func withIDBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { storage.withBytes(idText, body) }

    /// Appends `group` unless already present.
    public mutating func addGroup(_ group: String) {
        if !group.isEmpty, !groups.contains(group) { groups.append(group) }
    }

    /// Appends `role` unless already present.
    public mutating func addAdminRole(_ role: String) {
        if !role.isEmpty, !adminRoles.contains(role) { adminRoles.append(role) }
    }

    /// The index of the seat on `key`'s product and site, if the account holds one.
    public func seatIndex(_ key: SeatKey) -> Int? {
        (0..<seatCount).first { seat(at: $0).key == key }
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
    /// The product and site, interned.
    public var key: SeatKey
    public var lastActive: LastActive
    /// The input line that gave the access or activity evidence.
    public var evidence: SourceRef

    /// Product key (`jira`, `confluence`, ...), see `ProductKey`.
    public var product: String { key.product }
    /// Site key (`acme`), or "" for layouts without sites.
    public var site: String { key.site }

    public init(product: String, site: String, lastActive: LastActive, evidence: SourceRef) {
        self.init(key: SeatKey(product: product, site: site), lastActive: lastActive, evidence: evidence)
    }

    public init(key: SeatKey, lastActive: LastActive, evidence: SourceRef) {
        self.key = key
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
    /// (`Not active in the last 180 days` is at least 181). 32 bits keep a `Seat` small.
    case atLeastDaysAgo(Int32)
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

/// The text fields of an account, for `[Account].withText`.
enum AccountText { case id, name, email }

extension [Account] {
    // Account `i`'s text, seats and id hash read from its stored fields: calling a getter
    // (`id`, `seat(at:)`) on `self[i]` copies the whole account first, retaining each of its
    // references, once per call.

    func id(_ i: Int) -> String { self[i].storage.string(self[i].idText) }
    func name(_ i: Int) -> String { self[i].storage.string(self[i].nameText) }
    func email(_ i: Int) -> String { self[i].storage.string(self[i].emailText) }
    /// Seat `index` of account `i`.
    func seat(_ i: Int, at index: Int) -> Seat { self[i].storage.seat(self[i].seatRange.lowerBound + Int32(index)) }
    /// Calls `body` with the UTF-8 bytes of account `i`'s id, name or e-mail, where they are stored.
    func withText<R>(_ i: Int, _ field: AccountText, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let ref =
            switch field {
            case .id: self[i].idText
            case .name: self[i].nameText
            case .email: self[i].emailText
            }
        return self[i].storage.withBytes(ref, body)
    }
    /// The hash of account `i`'s id (`IdIndex.hash`).
    func idHash(_ i: Int) -> UInt64 { self[i].storage.withBytes(self[i].idText, IdIndex.hash) }
}
