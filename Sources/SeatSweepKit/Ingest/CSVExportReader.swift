import Foundation

/// Up to 23 bytes of a cell, packed, as a dictionary key for the date cache.
struct DateKey: Hashable {
    var a: UInt64 = 0
    var b: UInt64 = 0
    var c: UInt64 = 0

    init?(_ raw: Slice<UnsafeBufferPointer<UInt8>>) {
        let count = raw.count
        guard count <= 23 else { return nil }
        withUnsafeMutableBytes(of: &self) { key in
            for k in 0..<count { key[k] = raw.base[raw.startIndex + k] }
            key[23] = UInt8(count)
        }
    }
}

/// A direct-mapped cache of parsed date cells: a million rows hold a few thousand distinct dates.
struct DateCache {
    private var keys = [DateKey?](repeating: nil, count: 8192)
    private var cells = [DateParser.Cell](repeating: .empty, count: 8192)

    private func slot(_ key: DateKey) -> Int {
        var h = key.a &* 0x9E37_79B9_7F4A_7C15
        h ^= key.b &* 0xC2B2_AE3D_27D4_EB4F
        h ^= key.c &* 0x1656_67B1_9E37_79F9
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & 8191)
    }

    subscript(key: DateKey) -> DateParser.Cell? {
        get {
            let i = slot(key)
            return keys[i] == key ? cells[i] : nil
        }
        set {
            let i = slot(key)
            keys[i] = key
            cells[i] = newValue ?? .empty
        }
    }
}

/// Reads one exported-users CSV into account records, whatever its layout.
///
/// The layout is recognised from the header row, never from a fixed column list: product
/// columns are whatever `<Product> - <site>` (or `<Product>`) columns the export has.
struct CSVExportReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let range: Range<Int>
    let path: String
    let inputIndex: Int
    var dateOrder: NumericDateOrder?

    /// The result of reading one file.
    struct Result {
        var layout: CSVLayout
        var rows: Int
        var collector: AccountCollector
    }

    /// A product access column with the activity column that goes with it.
    struct SeatColumn {
        var product: String
        var site: String
        var header: String
        /// The access cell; nil when the export has only `Last seen` columns (access inferred).
        var access: Int?
        /// The activity cell, if any.
        var activity: Int?
    }

    /// Where each piece of an account is in the row.
    struct Plan {
        var layout: CSVLayout
        var headers: [String]
        var id: Int
        var name: Int?
        var email: Int?
        var status: Int
        var added: Int?
        var orgRole: Int?
        var groupName: Int?
        var accountType: Int?
        var orgWideActivity: Int?
        var seatColumns: [SeatColumn] = []
        /// Managed-accounts product columns: the cell lists the sites.
        var siteListColumns: [(product: String, index: Int)] = []
        /// Activity columns by (product, site) for site-list columns.
        var activityByKey: [String: Int] = [:]
        var dateColumns: [Int] = []
        var delimiter = UInt8(ascii: ",")
        /// `seatColumns` as parallel arrays, for the per-row loop (no struct copies): each
        /// column's (product, site), and its field indices (-1 when absent).
        var seatKeys: [SeatKey] = []
        var seatAccess: [Int] = []
        var seatActivity: [Int] = []
    }

    /// How many threads may read rows (from `Ingestor.parallelism`).
    var parallelism = 1
    /// Files with less row data than this are read on one thread.
    var parallelThreshold = 4 << 20
    /// Repeated date cells (a few thousand distinct values in a million rows) parse once.
    private var dateCache = DateCache()
    /// The seats of the row being read, reused from row to row.
    private var seatScratch: [Seat] = []
    /// Told how many bytes have been read, every few thousand rows.
    var progress: ProgressHandler?
    /// Told as each thread reading half of the file finishes its half (leaving a core idle).
    var coreIdle: (@Sendable () -> Void)?
    /// Where this reader (or this half of a file) keeps its accounts' text and seats.
    private var storage = AccountStorage()

    init(
        bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, path: String, inputIndex: Int,
        dateOrder: NumericDateOrder?,
        parallelism: Int = 1, parallelThreshold: Int = 4 << 20
    ) {
        self.bytes = bytes
        self.range = range
        self.path = path
        self.inputIndex = inputIndex
        self.dateOrder = dateOrder
        self.parallelism = parallelism
        self.parallelThreshold = parallelThreshold
    }

    mutating func read(diagnostics: inout DiagnosticLog) throws(SeatSweepError) -> Result {
        let delimiter = CSVParser.sniffDelimiter(bytes, range: range)
        var parser = CSVParser(bytes: bytes, range: range, delimiter: delimiter, path: path)
        guard try parser.next() else {
            throw SeatSweepError("the file holds no header row", at: SourceLocation(path: path), hint: exportHint)
        }
        let headers = (0..<parser.fields.count).map { parser.string($0) }
        let plan = try makePlan(headers: headers, parser: parser, diagnostics: &diagnostics)
        let dataStart = parser.offset
        let firstLine = parser.line
        progress?("reading \(path)", dataStart - range.lowerBound, range.count)
        let part = try readRows(
            plan, from: dataStart, stopAt: nil, firstLine: firstLine, split: true, diagnostics: &diagnostics)
        if part.rows == 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "no-rows", "the export has a header but no user rows",
                    at: SourceLocation(path: path, line: 1)))
        }
        return Result(layout: plan.layout, rows: part.rows, collector: part.collector)
    }

    /// Rows read from one stretch of the file.
    struct Part {
        var collector = AccountCollector()
        var rows = 0
        /// Where reading stopped (the start of the first record not read) and that record's line.
        var endOffset = 0
        var endLine = 0
    }

    /// Reads the records starting in `[start, stopAt)` (to the end when `stopAt` is nil). With
    /// `split`, large stretches are read in two halves on two threads: the second half starts
    /// after the first line break past the middle and is kept only if the first half ends exactly
    /// there (a line break inside a quoted cell would make it disagree, and the first half then
    /// simply reads on).
    private mutating func readRows(
        _ plan: Plan, from start: Int, stopAt: Int?, firstLine: Int, split: Bool, reserveFor: Int? = nil,
        diagnostics: inout DiagnosticLog
    ) throws(SeatSweepError) -> Part {
        let end = range.upperBound
        if split, parallelism > 1, stopAt == nil, end - start >= parallelThreshold {
            var middle = start + (end - start) / 2
            while middle < end, bytes[middle] != 0x0A { middle += 1 }
            middle += 1
            if middle < end {
                let firstSlot = ForkJoinSlot<(Swift.Result<Part, SeatSweepError>, DiagnosticLog)>()
                let secondSlot = ForkJoinSlot<(Swift.Result<Part, SeatSweepError>, DiagnosticLog)>()
                let shared = ForkJoinShared(value: (self, plan))
                // Each half is read by a copy of this reader with storage of its own.
                @Sendable func readHalf(
                    from: Int, stopAt: Int?, firstLine: Int, reserveFor: Int?,
                    into slot: ForkJoinSlot<(Swift.Result<Part, SeatSweepError>, DiagnosticLog)>
                ) {
                    let (base, plan) = shared.value
                    var reader = base
                    reader.storage = AccountStorage()
                    var log = DiagnosticLog()
                    do throws(SeatSweepError) {
                        let part = try reader.readRows(
                            plan, from: from, stopAt: stopAt, firstLine: firstLine, split: false,
                            reserveFor: reserveFor, diagnostics: &log)
                        slot.value = (.success(part), log)
                    } catch {
                        slot.value = (.failure(error), log)
                    }
                    base.coreIdle?()
                }
                ForkJoin.run([
                    // Room for the whole file, so the second half appends without reallocating.
                    { [middle] in
                        readHalf(
                            from: start, stopAt: middle, firstLine: firstLine, reserveFor: end - start, into: firstSlot)
                    },
                    { [middle] in readHalf(from: middle, stopAt: nil, firstLine: 1, reserveFor: nil, into: secondSlot)
                    },
                ])
                // Taken out of the slots, so each half's accounts are uniquely owned and the
                // merge below appends and shifts in place rather than copying half a million.
                let (firstResult, firstLog) = firstSlot.take()!
                diagnostics.append(contentsOf: firstLog)
                var head = try (consume firstResult).get()
                guard head.endOffset == middle else {
                    // The middle line break was inside a quoted cell: read on from where the first half stopped.
                    let rest = try readRows(
                        plan, from: head.endOffset, stopAt: nil, firstLine: head.endLine, split: false,
                        diagnostics: &diagnostics)
                    merge(rest, into: &head, plan: plan, diagnostics: &diagnostics)
                    return head
                }
                var (secondResult, secondLog) = secondSlot.take()!
                secondLog.shiftLines(in: path, by: head.endLine - 1)
                diagnostics.append(contentsOf: secondLog)
                var tail: Part
                switch consume secondResult {
                case .success(let part): tail = part
                case .failure(var error):
                    if error.location?.path == path, let line = error.location?.line, line > 0 {
                        error.location!.line += head.endLine - 1
                    }
                    throw error
                }
                tail.collector.shiftLines(by: head.endLine - 1)
                merge(tail, into: &head, plan: plan, diagnostics: &diagnostics)
                return head
            }
        }
        var parser = CSVParser(
            bytes: bytes, range: start..<end, delimiter: plan.delimiter, path: path, firstLine: firstLine)
        var part = Part()
        var raggedReported = false
        let expectRepeats = plan.groupName != nil
        // Records are added to the collector a batch at a time (see `AccountCollector.add(batch:)`).
        var waiting: [Account?] = []
        var waitingHashes: [UInt64] = []
        var waitingLines: [Int] = []
        func addWaiting() {
            part.collector.add(
                batch: &waiting, hashes: waitingHashes, lines: waitingLines, path: path, expectRepeats: expectRepeats,
                diagnostics: &diagnostics, describe: { "line \($0.line)" })
            waiting.removeAll(keepingCapacity: true)
            waitingHashes.removeAll(keepingCapacity: true)
            waitingLines.removeAll(keepingCapacity: true)
        }
        var reported = start
        while parser.offset < (stopAt ?? end), try parser.next() {
            part.rows += 1
            if part.rows & 0x3FFF == 0, let progress {
                progress("reading \(path)", parser.offset - reported, range.count)
                reported = parser.offset
            }
            if part.rows == 1 {
                // Estimate the row count from the first row's length.
                let rowLength = max(16, parser.offset - parser.recordStart)
                let ownRows = (min(stopAt ?? end, end) - start) / rowLength * 11 / 10 + 16
                let rows = reserveFor.map { $0 / rowLength * 11 / 10 + 16 } ?? ownRows
                part.collector.reserve(rows, indexing: ownRows)
                storage.reserve(
                    accounts: rows, textPerAccount: rowLength / 2 + 8,
                    seatsPerAccount: (plan.seatKeys.count + 1) / 2)
            }
            if parser.fields.count != plan.headers.count, !raggedReported {
                raggedReported = true
                diagnostics.append(
                    Diagnostic(
                        .warning, "ragged-row",
                        "this row has \(parser.fields.count) cells but the header has \(plan.headers.count); "
                            + "missing cells are read as empty",
                        at: SourceLocation(path: path, line: parser.recordLine, column: 1)))
            }
            guard let record = try readRow(parser, plan: plan, diagnostics: &diagnostics) else { continue }
            waitingHashes.append(record.withIDBytes(IdIndex.hash))
            waiting.append(record)
            waitingLines.append(parser.recordLine)
            if waiting.count == AccountCollector.batchSize { addWaiting() }
        }
        addWaiting()
        part.endOffset = parser.offset
        part.endLine = parser.line
        progress?("reading \(path)", parser.offset - reported, range.count)
        return part
    }

    private func merge(_ tail: Part, into head: inout Part, plan: Plan, diagnostics: inout DiagnosticLog) {
        let path = self.path
        head.collector.absorb(
            tail.collector, expectRepeats: plan.groupName != nil, diagnostics: &diagnostics,
            describe: { "line \($0.line)" }, location: { SourceLocation(path: path, line: Int($0.line), column: 1) })
        head.rows += tail.rows
        head.endOffset = tail.endOffset
        head.endLine = tail.endLine
    }

    private var exportHint: String {
        "export the users again from admin.atlassian.com > Directory > Users > Export users"
    }

    // MARK: Header

    private func makePlan(headers: [String], parser: CSVParser, diagnostics: inout DiagnosticLog) throws(SeatSweepError)
        -> Plan
    {
        let lower = headers.map { $0.lowercased() }
        guard let layout = CSVLayout.detect(Set(lower)) else {
            let shown = headers.prefix(6).joined(separator: ", ")
            throw SeatSweepError(
                "unknown layout: the header row (\(shown)\(headers.count > 6 ? ", ..." : "")) has none of the identity "
                    + "columns seatsweep recognises ('User id', 'Atlassian ID', 'id', 'username')",
                at: SourceLocation(path: path, line: parser.recordLine, column: 1),
                hint:
                    "pass the file from admin.atlassian.com > Directory > Users > Export users (or Domains > Export accounts) "
                    + "with its header row intact")
        }
        func column(_ name: String) -> Int? { lower.firstIndex(of: name.lowercased()) }
        for required in layout.requiredColumns where column(required) == nil {
            throw SeatSweepError(
                "missing required column '\(required)': this looks like a \(layout.rawValue) export (it has "
                    + "'\(layout.identityColumn)') but the header lacks '\(required)'",
                at: SourceLocation(path: path, line: parser.recordLine, column: 1),
                hint: "export the file again without removing columns")
        }
        var plan: Plan
        switch layout {
        case .legacySite:
            plan = Plan(
                layout: layout, headers: headers, id: column("username")!, name: column("full_name"),
                email: column("email"),
                status: column("active")!, added: column("created"), orgRole: nil, groupName: column("group_name"))
        case .transitional:
            plan = Plan(
                layout: layout, headers: headers, id: column("id")!, name: column("full_name"), email: column("email"),
                status: column("active")!, added: column("created"), orgRole: nil, groupName: column("group_name"))
        case .directory:
            plan = Plan(
                layout: layout, headers: headers, id: column("User id")!, name: column("User name"),
                email: column("email"),
                status: column("User status")!, added: column("Added to org"), orgRole: column("Org role"),
                groupName: column("Group name"))
        case .managedAccounts:
            plan = Plan(
                layout: layout, headers: headers, id: column("Atlassian ID")!, name: column("Name"),
                email: column("Email"),
                status: column("Status")!, added: column("Added to org") ?? column("Created"),
                orgRole: column("Org role"),
                groupName: nil)
            plan.orgWideActivity =
                column("Last active date [UTC]") ?? column("Last active date") ?? column("Last active")
        }
        plan.accountType = column("Account type") ?? column("account_type")
        let fixed = Set(
            [
                plan.id, plan.name, plan.email, plan.status, plan.added, plan.orgRole, plan.groupName, plan.accountType,
                plan.orgWideActivity, column("Group id"), column("picture"),
            ].compactMap { $0 })

        // Sort the remaining columns into activity and access columns.
        var activity: [String: (index: Int, header: String)] = [:]
        var access: [(product: String, site: String, index: Int, header: String)] = []
        for (i, header) in headers.enumerated() where !fixed.contains(i) && !header.isEmpty {
            if let (productName, site) = Self.activityColumn(header) {
                let key = ProductKey.fromDisplayName(productName) + "\u{0}" + site
                if activity[key] == nil { activity[key] = (i, header) }
                continue
            }
            let (productName, site) = Self.splitProductSite(header, layout: layout)
            if layout != .directory || site != nil {
                if !CSVLayout.knownProducts.contains(productName.lowercased()) {
                    let key = ProductKey.fromDisplayName(productName) + "\u{0}" + (site ?? "")
                    if layout != .directory, activity[key] == nil, !Self.hasActivity(for: productName, in: headers) {
                        diagnostics.append(
                            Diagnostic(
                                .note, "ignored-column",
                                "column '\(header)' is not a product seatsweep knows; it is ignored",
                                at: SourceLocation(path: path, line: 1, column: parser.column(ofField: i))))
                        continue
                    }
                    diagnostics.append(
                        Diagnostic(
                            .warning, "unknown-product",
                            "unknown product '\(productName)' in column '\(header)'; read as product key "
                                + "'\(ProductKey.fromDisplayName(productName))'",
                            at: SourceLocation(path: path, line: 1, column: parser.column(ofField: i))))
                }
                access.append((ProductKey.fromDisplayName(productName), site ?? "", i, header))
            } else {
                diagnostics.append(
                    Diagnostic(
                        .note, "ignored-column",
                        "column '\(header)' is not a '<Product> - <site>' column; it is ignored",
                        at: SourceLocation(path: path, line: 1, column: parser.column(ofField: i))))
            }
        }

        if layout == .managedAccounts {
            plan.siteListColumns = access.map { ($0.product, $0.index) }
            plan.activityByKey = activity.mapValues(\.index)
        } else if access.isEmpty, !activity.isEmpty {
            // Exports without access columns (a single-product site): a user with a `Last seen`
            // value holds that product.
            diagnostics.append(
                Diagnostic(
                    .warning, "access-inferred",
                    "the export has no product access columns (such as 'Confluence - acme'); every user with a "
                        + "'Last seen' value for a product is counted as holding that product",
                    at: SourceLocation(path: path, line: 1)))
            for (key, value) in activity.sorted(by: { $0.value.index < $1.value.index }) {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                plan.seatColumns.append(
                    SeatColumn(
                        product: String(parts[0]), site: String(parts[1]), header: value.header, access: nil,
                        activity: value.index))
            }
        } else {
            var used = Set<String>()
            for column in access {
                let key = column.product + "\u{0}" + column.site
                var activityIndex = activity[key]?.index
                if activityIndex == nil, ProductKey.isJiraFamily(column.product) {
                    // Old exports have one `Last active in Jira` for every Jira product.
                    for family in ["jira", "jira-software", "jira-work-management", "jira-service-management"] {
                        if let found = activity[family + "\u{0}" + column.site] {
                            activityIndex = found.index
                            used.insert(family + "\u{0}" + column.site)
                            break
                        }
                    }
                } else {
                    used.insert(key)
                }
                if activityIndex == nil {
                    diagnostics.append(
                        Diagnostic(
                            .warning, "no-activity-column",
                            "no 'Last seen in' column for '\(column.header)'; those seats are counted but never called inactive",
                            at: SourceLocation(path: path, line: 1, column: parser.column(ofField: column.index))))
                }
                plan.seatColumns.append(
                    SeatColumn(
                        product: column.product, site: column.site, header: column.header, access: column.index,
                        activity: activityIndex))
            }
            for (key, value) in activity where !used.contains(key) {
                diagnostics.append(
                    Diagnostic(
                        .note, "ignored-column",
                        "column '\(value.header)' has no matching access column; it is ignored",
                        at: SourceLocation(path: path, line: 1, column: parser.column(ofField: value.index))))
            }
        }
        plan.delimiter = parser.delimiter
        plan.seatKeys = plan.seatColumns.map { SeatKey(product: $0.product, site: $0.site) }
        plan.seatAccess = plan.seatColumns.map { $0.access ?? -1 }
        plan.seatActivity = plan.seatColumns.map { $0.activity ?? -1 }
        plan.dateColumns =
            ([plan.added, plan.orgWideActivity].compactMap { $0 } + plan.seatColumns.compactMap(\.activity)
            + plan.activityByKey.values).sorted()
        return plan
    }

    /// `Last seen in Jira - acme` → ("Jira", "acme"); `Last active in Confluence` → ("Confluence", "").
    static func activityColumn(_ header: String) -> (String, String)? {
        var rest = header.trimmingSpaces
        let lower = rest.lowercased()
        let prefixes = [
            "last active date in ", "last active date for ", "last seen date in ", "last seen in ", "last active in ",
        ]
        guard let prefix = prefixes.first(where: { lower.hasPrefix($0) }) else { return nil }
        rest = String(rest.dropFirst(prefix.count))
        if rest.lowercased().hasSuffix("[utc]") { rest = rest.dropLast(5).trimmingSpaces }
        let (product, site) = splitProductSite(rest, layout: .directory)
        return (product, site ?? "")
    }

    /// `Jira Service Management - acme-eu` → ("Jira Service Management", "acme-eu").
    static func splitProductSite(_ header: String, layout: CSVLayout) -> (String, String?) {
        guard let dash = header.range(of: " - ", options: .backwards) else { return (header.trimmingSpaces, nil) }
        let product = header[..<dash.lowerBound].trimmingSpaces
        let site = SiteKey.fromHeader(String(header[dash.upperBound...]))
        if site.isEmpty || site.contains(" ") { return (header.trimmingSpaces, nil) }
        return (product, site)
    }

    static func hasActivity(for product: String, in headers: [String]) -> Bool {
        let key = ProductKey.fromDisplayName(product)
        return headers.contains { activityColumn($0).map { ProductKey.fromDisplayName($0.0) == key } ?? false }
    }

    // MARK: Rows

    private mutating func readRow(_ parser: CSVParser, plan: Plan, diagnostics: inout DiagnosticLog)
        throws(SeatSweepError) -> Account?
    {
        let line = parser.recordLine
        func location(_ field: Int) -> SourceLocation {
            SourceLocation(path: path, line: parser.line(ofField: field), column: parser.column(ofField: field))
        }
        let ref = SourceRef(input: inputIndex, line: line)
        var idText = parser.withField(plan.id) { storage.append($0) }
        if idText.length == 0, plan.layout == .legacySite, let emailColumn = plan.email {
            idText = storage.append(parser.string(emailColumn).lowercased())
        }
        guard idText.length > 0 else {
            diagnostics.append(
                Diagnostic(
                    .warning, "missing-account-id", "this row has no '\(plan.headers[plan.id])'; it is skipped",
                    at: location(plan.id)))
            return nil
        }
        var account = Account(
            storage: storage, idText: idText, source: ref, hasAccountId: plan.layout != .legacySite, status: .unknown)
        if let column = plan.name { account.nameText = parser.withField(column) { storage.append($0) } }
        if let column = plan.email { account.emailText = parser.withField(column) { storage.append($0) } }
        let statusCell = parser.raw(plan.status)
        if Self.equalsIgnoringCase(statusCell, "active") {
            account.status = .active
        } else if Self.equalsIgnoringCase(statusCell, "suspended") {
            account.status = .suspended
        } else if Self.equalsIgnoringCase(statusCell, "deactivated") {
            account.status = .deactivated
        } else {
            account.status = AccountStatus(exportText: parser.string(plan.status))
        }
        if account.status == .unknown {
            let statusText = parser.string(plan.status)
            diagnostics.append(
                Diagnostic(
                    .warning, "unknown-status", "unknown status '\(statusText)'; the account is treated as not active",
                    at: location(plan.status)))
        }
        if let typeColumn = plan.accountType {
            account.accountType = AccountType(apiText: parser.string(typeColumn))
        }
        if let added = plan.added {
            switch try dateCell(parser, added, plan: plan) {
            case .day(let day): account.addedToOrg = .on(day)
            case .before(let day): account.addedToOrg = .before(day)
            case .empty: break
            default:
                diagnostics.append(
                    Diagnostic(
                        .warning, "bad-date",
                        "unrecognised date '\(parser.string(added))' in '\(plan.headers[added])'; "
                            + "the added date is treated as unknown", at: location(added)))
            }
        }
        if let role = plan.orgRole, !parser.raw(role).isEmpty, !Self.equalsIgnoringCase(parser.raw(role), "none") {
            let text = parser.string(role)
            switch text.lowercased() {
            case "", "none", "user", "member": break
            case "org admin", "organization admin", "organisation admin": account.isOrgAdmin = true
            default:
                if text.lowercased().contains("admin") {
                    account.addAdminRole("Org role: \(text)")
                } else {
                    diagnostics.append(
                        Diagnostic(
                            .warning, "unknown-org-role", "unknown org role '\(text)'; ignored", at: location(role)))
                }
            }
        }
        if let group = plan.groupName { account.addGroup(parser.string(group)) }

        seatScratch.removeAll(keepingCapacity: true)
        for k in 0..<plan.seatKeys.count {
            let accessIndex = plan.seatAccess[k]
            let activityIndex = plan.seatActivity[k]
            if accessIndex >= 0 {
                guard
                    readAccessCell(
                        parser, accessIndex, plan: plan, column: k, into: &account, diagnostics: &diagnostics)
                else { continue }
            } else if parser.raw(activityIndex).isEmpty {
                continue  // access inferred from a `Last seen` value, and there is none
            }
            var lastActive = LastActive.unknown
            if activityIndex >= 0 {
                lastActive = try activityCell(parser, activityIndex, plan: plan, diagnostics: &diagnostics)
            }
            seatScratch.append(
                Seat(key: plan.seatKeys[k], lastActive: lastActive, evidence: ref))
        }
        if !plan.siteListColumns.isEmpty {
            var orgWide: LastActive?
            if let index = plan.orgWideActivity {
                orgWide = try activityCell(parser, index, plan: plan, diagnostics: &diagnostics)
            }
            for column in plan.siteListColumns {
                let cell = parser.string(column.index)
                for part in cell.split(separator: ",") {
                    let site = SiteKey.fromHeader(String(part))
                    guard !site.isEmpty, site != "none", site != "-" else { continue }
                    var lastActive = orgWide ?? .unknown
                    if let index = plan.activityByKey[column.product + "\u{0}" + site]
                        ?? plan.activityByKey[column.product + "\u{0}"]
                    {
                        lastActive = try activityCell(parser, index, plan: plan, diagnostics: &diagnostics)
                    }
                    let key = SeatKey(product: column.product, site: site)
                    if !seatScratch.contains(where: { $0.key == key }) {
                        seatScratch.append(Seat(key: key, lastActive: lastActive, evidence: ref))
                    }
                }
            }
        }
        if !seatScratch.isEmpty { account.seatRange = storage.append(seats: seatScratch) }
        return account
    }

    /// Reads an access cell; returns true when it grants a seat. Admin roles are recorded on the account.
    private func readAccessCell(
        _ parser: CSVParser, _ index: Int, plan: Plan, column: Int, into account: inout Account,
        diagnostics: inout DiagnosticLog
    ) -> Bool {
        let raw = parser.raw(index)
        // Fast paths for the common cells.
        if raw.isEmpty || Self.equalsIgnoringCase(raw, "none") || Self.equalsIgnoringCase(raw, "no")
            || Self.equalsIgnoringCase(raw, "guest")
        {
            return false
        }
        if Self.equalsIgnoringCase(raw, "user") || Self.equalsIgnoringCase(raw, "yes") { return true }
        var admins: [Range<Int>] = []
        if let grants = Self.classifyTokens(raw, admins: &admins) {
            for token in admins {
                account.addAdminRole(
                    "\(String(decoding: raw.base[token], as: UTF8.self)) (\(plan.seatColumns[column].header))")
            }
            return grants
        }
        let text = parser.string(index)
        var grants = false
        for token in text.split(separator: ",").map({ $0.trimmingSpaces }) where !token.isEmpty {
            let lower = token.lowercased()
            if Self.grantingTokens.contains(where: { $0.description == lower }) {
                grants = true
            } else if Self.knownNonGrants.contains(where: { $0.description == lower }) {
                continue
            } else if lower.contains("admin") {
                account.addAdminRole("\(token) (\(plan.seatColumns[column].header))")
            } else {
                diagnostics.append(
                    Diagnostic(
                        .warning, "unknown-access-token",
                        "unknown access '\(token)' in '\(plan.seatColumns[column].header)'; it is not counted as a seat",
                        at: SourceLocation(
                            path: path, line: parser.line(ofField: index), column: parser.column(ofField: index))))
            }
        }
        return grants
    }

    /// Classifies an access cell of several tokens (`User, User access admin`) on its bytes, as
    /// the general path in `readAccessCell` would: whether a token grants a seat, with the admin
    /// tokens' ranges added to `admins`. Nil when a token needs that path: one with a byte
    /// outside printable ASCII, or an unknown one (which gets a warning there).
    static func classifyTokens(_ raw: Slice<UnsafeBufferPointer<UInt8>>, admins: inout [Range<Int>]) -> Bool? {
        var grants = false
        var start = raw.startIndex
        while start <= raw.endIndex {
            var end = start
            while end < raw.endIndex, raw.base[end] != UInt8(ascii: ",") { end += 1 }
            defer { start = end + 1 }
            var (first, last) = (start, end)
            while first < last, raw.base[first] == 0x20 { first += 1 }
            while last > first, raw.base[last - 1] == 0x20 { last -= 1 }
            guard first < last else { continue }
            let token = raw.base[first..<last]
            guard token.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            if grantingTokens.contains(where: { equalsIgnoringCase(token, $0) }) {
                grants = true
            } else if containsIgnoringCase(token, "admin") {
                admins.append(first..<last)  // no known non-grant contains "admin"
            } else if !(knownNonGrants.contains { equalsIgnoringCase(token, $0) }) {
                return nil
            }
        }
        return grants
    }

    /// Access tokens that grant a seat.
    static let grantingTokens: [StaticString] = ["user", "yes", "true"]

    /// Access tokens that hold no seat and need no warning.
    static let knownNonGrants: [StaticString] = [
        "none", "no", "false", "guest", "basic", "contributor", "stakeholder", "customer", "collaborator", "viewer",
        "external collaborator",
    ]

    /// Whether printable-ASCII `raw` contains the lower-case `word`, ignoring case.
    static func containsIgnoringCase(_ raw: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard raw.count >= n else { return false }
        let w = word.utf8Start
        for start in raw.startIndex...(raw.endIndex - n) {
            var k = 0
            while k < n, raw.base[start + k] | 0x20 == w[k] { k += 1 }
            if k == n { return true }
        }
        return false
    }

    private mutating func activityCell(
        _ parser: CSVParser, _ index: Int, plan: Plan, diagnostics: inout DiagnosticLog
    ) throws(SeatSweepError) -> LastActive {
        switch try dateCell(parser, index, plan: plan) {
        case .day(let day): return .on(day)
        case .never: return .never
        case .notActiveWithin(let days): return .atLeastDaysAgo(Int32(clamping: days + 1))
        case .empty: return plan.layout == .managedAccounts ? .never : .unknown
        case .before, .invalid, .numeric:
            diagnostics.append(
                Diagnostic(
                    .warning, "bad-date",
                    "unrecognised date '\(parser.string(index))' in '\(plan.headers[index])'; the seat's activity is treated as unknown",
                    at: SourceLocation(
                        path: path, line: parser.line(ofField: index), column: parser.column(ofField: index))))
            return .unknown
        }
    }

    /// Parses a date cell, working out the file's numeric date order the first time one is needed.
    private mutating func dateCell(_ parser: CSVParser, _ index: Int, plan: Plan) throws(SeatSweepError)
        -> DateParser.Cell
    {
        let raw = parser.raw(index)
        if let common = DateParser.parseCommon(raw) { return common }
        let key = DateKey(raw)
        if let key, let cached = dateCache[key] { return cached }
        var cell = DateParser.parse(raw, order: dateOrder)
        if case .numeric = cell {
            dateOrder = try resolveNumericOrder(plan: plan, delimiter: parser.delimiter)
            cell = DateParser.parse(raw, order: dateOrder)
        }
        if let key { dateCache[key] = cell }
        return cell
    }

    /// Scans every date cell of the file for one that proves the day/month order (a part over 12).
    private func resolveNumericOrder(plan: Plan, delimiter: UInt8) throws(SeatSweepError) -> NumericDateOrder {
        var parser = CSVParser(bytes: bytes, range: range, delimiter: delimiter, path: path)
        _ = try parser.next()
        var dayFirstProof: (String, SourceLocation)?
        var monthFirstProof: (String, SourceLocation)?
        var firstAmbiguous: (String, Int, SourceLocation)?
        while try parser.next() {
            for index in plan.dateColumns {
                // `Before 03/04/2017` also comes back as `.numeric`.
                guard case .numeric(let a, let b, _) = DateParser.parse(parser.raw(index), order: nil) else { continue }
                let location = SourceLocation(
                    path: path, line: parser.line(ofField: index), column: parser.column(ofField: index))
                if a > 12, b <= 12, dayFirstProof == nil { dayFirstProof = (parser.string(index), location) }
                if b > 12, a <= 12, monthFirstProof == nil { monthFirstProof = (parser.string(index), location) }
                if a <= 12, b <= 12, firstAmbiguous == nil { firstAmbiguous = (parser.string(index), index, location) }
            }
        }
        switch (dayFirstProof, monthFirstProof) {
        case (.some, nil): return .dayFirst
        case (nil, .some): return .monthFirst
        case (.some(let d), .some(let m)):
            throw SeatSweepError(
                "numeric dates in this file use both orders: '\(d.0)' (at \(d.1)) is day-first but '\(m.0)' is month-first",
                at: m.1,
                hint: "fix the dates, or export the file again from admin.atlassian.com without opening it in Excel")
        case (nil, nil):
            let (text, index, location) = firstAmbiguous!
            throw SeatSweepError(
                "column '\(plan.headers[index])' holds numeric dates such as '\(text)' whose day/month order cannot be "
                    + "proven from the file (no day is above 12)",
                at: location,
                hint: "pass --date-format dd/MM/yyyy or --date-format MM/dd/yyyy (the order your spreadsheet program "
                    + "saved the file in)")
        }
    }

    @inline(__always)
    static func equalsIgnoringCase(_ raw: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
        var start = raw.startIndex
        var end = raw.endIndex
        while start < end, raw.base[start] == 0x20 { start += 1 }
        while end > start, raw.base[end - 1] == 0x20 { end -= 1 }
        guard end - start == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(end - start) where raw.base[start + k] | 0x20 != w[k] { return false }
        return true
    }
}
