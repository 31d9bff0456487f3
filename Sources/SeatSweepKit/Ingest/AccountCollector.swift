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
    /// Account id → position. Covers `accounts[..<indexed]`; the rest is indexed on demand, so
    /// appending a later part of a file costs no inserts unless something looks it up.
    private var index = IdIndex()
    private var indexed = 0
    /// What `IdIndex.warm` loaded, kept only so the loads are not optimised away.
    private var warmth: UInt64 = 0

    public init() {}

    /// How many records `add(batch:)` is best given: enough for the memory loads to overlap.
    static let batchSize = 32

    /// Reserves room for about `count` accounts, and for `indexing` of them in the id index
    /// (all unless said: a part of a file indexes only its own, though it makes room for the
    /// accounts of the parts that will be appended to it).
    public mutating func reserve(_ count: Int, indexing: Int? = nil) {
        accounts.reserveCapacity(count)
        index.reserve(indexing ?? count)
    }

    /// How many accounts were collected.
    public var count: Int { accounts.count }

    public mutating func account(id: String) -> Account? {
        indexAll()
        return id.withUTF8Bytes { bytes in position(of: bytes, hash: IdIndex.hash(bytes)) }.map { accounts[$0] }
    }

    private mutating func indexAll() {
        guard indexed < accounts.count else { return }
        index.reserve(accounts.count)
        for i in indexed..<accounts.count {
            index.insert(accounts[i].withIDBytes { IdIndex.hash($0) }, position: i)
        }
        indexed = accounts.count
    }

    private func position(of id: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        index.find(hash) { i in accounts[i].withIDBytes { $0.elementsEqual(id) } }
    }

    /// Adds one record. `location` names it in diagnostics; `describe` names earlier evidence.
    /// `expectRepeats` is true for layouts with one row per (user, group), where the same user
    /// on several rows is normal rather than a duplicate.
    public mutating func add(
        _ record: consuming Account, at location: SourceLocation, expectRepeats: Bool, diagnostics: inout DiagnosticLog,
        describe: (SourceRef) -> String
    ) {
        let hash = record.withIDBytes(IdIndex.hash)
        add(
            record, hash: hash, at: location, expectRepeats: expectRepeats, diagnostics: &diagnostics,
            describe: describe)
    }

    /// Adds records in order, as `add` does one by one, but looks their ids up together first
    /// (see `IdIndex.warm`): for a million new ids, most of the time `add` spends is waiting
    /// on the index's memory. `hashes` are the records' id hashes and `lines` their lines in
    /// `path`. The records are moved out of `records`, which is left all nil: copying them out
    /// retained each one's references, and emptying the batch released them again.
    mutating func add(
        batch records: inout [Account?], hashes: [UInt64], lines: [Int], path: String, expectRepeats: Bool,
        diagnostics: inout DiagnosticLog, describe: (SourceRef) -> String
    ) {
        indexAll()
        warmth ^= index.warm(hashes)
        for i in records.indices {
            add(
                records[i].take()!, hash: hashes[i], at: SourceLocation(path: path, line: lines[i], column: 1),
                expectRepeats: expectRepeats, diagnostics: &diagnostics, describe: describe)
        }
    }

    private mutating func add(
        _ record: consuming Account, hash: UInt64, at location: SourceLocation, expectRepeats: Bool,
        diagnostics: inout DiagnosticLog, describe: (SourceRef) -> String
    ) {
        indexAll()
        let found = record.withIDBytes { bytes in position(of: bytes, hash: hash) }
        guard let existing = found else {
            index.insert(hash, position: accounts.count)
            accounts.append(record)
            indexed = accounts.count
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
        indexAll()
        // Usually no id repeats: append wholesale and index lazily. Looked up a batch at a time (see `add(batch:)`).
        var repeats = false
        var hashes: [UInt64] = []
        // The records are read by index (see `[Account].idHash(_:)`): iterating them copied each.
        let records = other.accounts
        for start in stride(from: 0, to: records.count, by: Self.batchSize) where !repeats {
            let batch = start..<min(records.count, start + Self.batchSize)
            hashes.removeAll(keepingCapacity: true)
            for i in batch { hashes.append(records.idHash(i)) }
            warmth ^= index.warm(hashes)
            repeats = batch.contains { i in
                records[i].storage.withBytes(records[i].idText) { bytes in
                    position(of: bytes, hash: hashes[i - start]) != nil
                }
            }
        }
        guard repeats else {
            accounts.append(contentsOf: other.accounts)
            return
        }
        for record in other.accounts {
            add(
                record, at: location(record.source), expectRepeats: expectRepeats, diagnostics: &diagnostics,
                describe: describe)
        }
    }

    /// Adds `delta` to every line number (records read from a later chunk of a file, whose
    /// accounts all live in that chunk's own storage).
    mutating func shiftLines(by delta: Int) {
        guard delta != 0 else { return }
        let d = Int32(clamping: delta)
        var shifted = Set<ObjectIdentifier>()
        for a in accounts.indices {
            accounts[a].source.line += d
            if shifted.insert(ObjectIdentifier(accounts[a].storage)).inserted {
                accounts[a].storage.shiftSeatLines(by: d)
            }
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
        if account.nameText.length == 0 {
            account.name = record.name
        } else if record.nameText.length > 0, !Self.sameText(record, record.nameText, account, account.nameText) {
            conflict("name", account.name, record.name)
        }
        if account.emailText.length == 0 {
            account.email = record.email
        } else if record.emailText.length > 0,
            !Self.sameText(record, record.emailText, account, account.emailText, ignoringCase: true)
        {
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
        // Seats: most repeated rows carry the same seats with the same evidence; write only on change.
        var seats: [Seat]?
        for r in 0..<record.seatCount {
            let seat = record.seat(at: r)
            if let i = account.seatIndex(seat.key) {
                let current = (seats ?? [])[safe: i] ?? account.seat(at: i)
                let merged = LastActive.mostRecent(current.lastActive, seat.lastActive, asOf: nil)
                if merged != current.lastActive {
                    if seats == nil { seats = account.seats }
                    seats![i].lastActive = merged
                    seats![i].evidence = seat.evidence
                }
            } else {
                if seats == nil { seats = account.seats }
                seats!.append(seat)
            }
        }
        if let seats { account.seats = seats }
    }

    /// Whether two texts (possibly in different storages) hold the same bytes.
    static func sameText(_ a: Account, _ x: TextRef, _ b: Account, _ y: TextRef, ignoringCase: Bool = false) -> Bool {
        guard x.length == y.length else { return false }
        return a.storage.withBytes(x) { p in
            b.storage.withBytes(y) { q in
                ignoringCase ? zip(p, q).allSatisfy { $0 | 0x20 == $1 | 0x20 } : p.elementsEqual(q)
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
