import Foundation

/// Reads cached admin-API responses as received (atlassian-data.md §2).
///
/// Recognised per object, so a file may hold one page, an array of pages, a bare array of users,
/// or NDJSON: `GET /admin/v1/orgs/{orgId}/users` pages (`account_id`), `POST /admin/v2/.../users/search`
/// pages (`accountId`, `productAccess`), `last-active-dates` responses (`data.product_access`),
/// and adminhub user objects (`presence`, `activeStatus`).
struct APIDumpReader {
    let path: String
    let inputIndex: Int

    /// Evidence that applies to an account read elsewhere; applied after every input is merged.
    struct EvidencePatch: Sendable {
        enum Kind: Sendable {
            /// A `last-active-dates` response: (product key, product instance id, last active day).
            case lastActiveDates([(product: String, instance: String, day: Day?)], addedToOrg: Day?)
            /// An adminhub `presence`: the last time the user was seen on the site.
            case presence(LastActive)
        }
        var accountId: String
        var kind: Kind
        var location: SourceLocation
        var ref: SourceRef
    }

    struct Result {
        var layout: String
        var rows: Int
        var collector = AccountCollector()
        var patches: [EvidencePatch] = []
        var orgId: String?
        var fetchedAt: Timestamp?
        /// Product entries without any last-active field, reported once.
        var entriesWithoutActivity = 0
    }

    private var kinds: [String: Int] = [:]
    /// Where this file's accounts keep their text and seats.
    private let storage = AccountStorage()

    init(path: String, inputIndex: Int) {
        self.path = path
        self.inputIndex = inputIndex
    }

    /// Reads the users in what `parser` reads, a page at a time (`JSONParser.forEachValue`).
    mutating func read(_ parser: inout JSONParser, diagnostics: inout DiagnosticLog) throws(SeatSweepError) -> Result {
        var result = Result(layout: "", rows: 0)
        try parser.forEachValue { value in visit(value, into: &result, diagnostics: &diagnostics) }
        if kinds.isEmpty {
            throw SeatSweepError(
                "unknown layout: the JSON holds no admin-API users page, users search page, last-active-dates "
                    + "response or adminhub user object", at: SourceLocation(path: path, line: 1, column: 1),
                hint: "pass the JSON as the Atlassian admin API returned it, or a file written by `seatsweep fetch`")
        }
        result.layout = kinds.count == 1 ? kinds.keys.first! : "api-mixed"
        if result.entriesWithoutActivity > 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "no-last-active",
                    "\(result.entriesWithoutActivity) product access entries carry no last-active field; those seats are "
                        + "counted but never called inactive (add the users' last-active-dates responses as inputs)",
                    at: SourceLocation(path: path)))
        }
        return result
    }

    private func location(_ line: Int) -> SourceLocation { SourceLocation(path: path, line: line, column: 1) }

    private mutating func visit(_ value: JSONValue, into result: inout Result, diagnostics: inout DiagnosticLog) {
        switch value {
        case .array(let items):
            for item in items { visit(item, into: &result, diagnostics: &diagnostics) }
        case .object(let object):
            if let fetched = object.first("fetchedAt", "fetched_at")?.text, let instant = Timestamp(iso: fetched) {
                result.fetchedAt = max(result.fetchedAt ?? instant, instant)
            }
            if let org = object.first("orgId", "org_id")?.text { result.orgId = result.orgId ?? org }
            if let data = object["data"] {
                if let users = data.array {
                    for user in users { visit(user, into: &result, diagnostics: &diagnostics) }
                    return
                }
                if let inner = data.object, inner.has("product_access") || inner.has("added_to_org") {
                    readLastActiveDates(object, data: inner, into: &result, diagnostics: &diagnostics)
                    return
                }
            }
            for container in ["pages", "users", "values", "results"] {
                if let items = object[container]?.array {
                    for item in items { visit(item, into: &result, diagnostics: &diagnostics) }
                    return
                }
            }
            if object.has("account_id") {
                readV1User(object, into: &result, diagnostics: &diagnostics)
            } else if object.has("activeStatus") || object.has("presence") {
                readAdminhubUser(object, into: &result, diagnostics: &diagnostics)
            } else if object.has("accountId") {
                readV2User(object, into: &result, diagnostics: &diagnostics)
            } else if !object.has("links") || object.members.count > 1 {
                diagnostics.append(
                    Diagnostic(
                        .warning, "unknown-json-object", "this JSON object is not a user or a page of users; ignored",
                        at: location(object.line)))
            }
        default:
            diagnostics.append(
                Diagnostic(
                    .warning, "unknown-json-object",
                    "a JSON \(value == .null ? "null" : "scalar") where a page or user was expected; ignored",
                    at: SourceLocation(path: path)))
        }
    }

    private mutating func note(_ kind: String) { kinds[kind, default: 0] += 1 }

    // MARK: GET /admin/v1/orgs/{orgId}/users

    private mutating func readV1User(_ user: JSONObject, into result: inout Result, diagnostics: inout DiagnosticLog) {
        note("api-v1-users")
        result.rows += 1
        guard let id = user["account_id"]?.text, !id.isEmpty else {
            diagnostics.append(
                Diagnostic(
                    .warning, "missing-account-id", "a user without account_id; skipped", at: location(user.line)))
            return
        }
        let ref = SourceRef(input: inputIndex, line: user.line)
        var account = Account(
            id: id, name: user["name"]?.text ?? "", email: user["email"]?.text ?? "", source: ref, storage: storage)
        var seats: [Seat] = []
        account.accountType = AccountType(apiText: user["account_type"]?.text ?? "atlassian")
        account.status = AccountStatus(exportText: user["account_status"]?.text ?? "")
        let billable = user["access_billable"]?.bool ?? true
        for entry in user["product_access"]?.array ?? [] {
            guard let product = entry.object, billable else { continue }
            let key =
                product["key"]?.text.map(ProductKey.fromAPIKey)
                ?? product["name"]?.text.map(ProductKey.fromDisplayName) ?? ""
            guard !key.isEmpty else { continue }
            let site = siteKey(product)
            let lastActive = activity(product, keys: ["last_active"], diagnostics: &diagnostics, result: &result)
            seats.append(
                Seat(
                    product: key, site: site, lastActive: lastActive,
                    evidence: SourceRef(input: inputIndex, line: product.line)))
        }
        account.seats = seats
        result.collector.add(
            account, at: location(user.line), expectRepeats: false, diagnostics: &diagnostics, describe: describe)
    }

    // MARK: POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search

    private mutating func readV2User(_ user: JSONObject, into result: inout Result, diagnostics: inout DiagnosticLog) {
        note("api-v2-search")
        result.rows += 1
        guard let id = user["accountId"]?.text, !id.isEmpty else { return }
        let ref = SourceRef(input: inputIndex, line: user.line)
        var account = Account(
            id: id, name: user["name"]?.text ?? "", email: user["email"]?.text ?? "", source: ref, storage: storage)
        var seats: [Seat] = []
        account.accountType = AccountType(apiText: user["accountType"]?.text ?? "atlassian")
        var status = AccountStatus(exportText: user["status"]?.text ?? "")
        if let accountStatus = user["accountStatus"]?.text, accountStatus.lowercased() != "active", status == .active {
            status = AccountStatus(exportText: accountStatus)
        }
        account.status = status
        if let added = user["addedToOrg"]?.text { account.addedToOrg = day(added).map(AddedDate.on) }
        account.managementSource = user["managementSource"]?.text
        for role in user["platformRoles"]?.array ?? [] {
            let name = role.text ?? role.object?.first("role", "id", "name", "key")?.text ?? ""
            let lower = name.lowercased()
            if lower.contains("org-admin") || lower.contains("organization-admin") {
                account.isOrgAdmin = true
            } else if lower.contains("admin") {
                account.addAdminRole("platform role \(name)")
            }
        }
        for group in user["groups"]?.array ?? [] {
            if let name = group.text ?? group.object?.first("name", "displayName")?.text { account.addGroup(name) }
        }
        for entry in user["productAccess"]?.array ?? [] {
            guard let product = entry.object else { continue }
            let key =
                product.first("key", "productKey")?.text.map(ProductKey.fromAPIKey)
                ?? product["name"]?.text.map(ProductKey.fromDisplayName) ?? ""
            guard !key.isEmpty else { continue }
            let lastActive = activity(
                product, keys: ["lastActiveTimestamp", "lastActive", "last_active"], diagnostics: &diagnostics,
                result: &result)
            seats.append(
                Seat(
                    product: key, site: siteKey(product), lastActive: lastActive,
                    evidence: SourceRef(input: inputIndex, line: product.line)))
        }
        account.seats = seats
        result.collector.add(
            account, at: location(user.line), expectRepeats: false, diagnostics: &diagnostics, describe: describe)
    }

    // MARK: last-active-dates

    private mutating func readLastActiveDates(
        _ page: JSONObject, data: JSONObject, into result: inout Result, diagnostics: inout DiagnosticLog
    ) {
        note("api-last-active-dates")
        result.rows += 1
        let id =
            page.first("accountId", "account_id")?.text ?? data.first("accountId", "account_id")?.text
            ?? Self.accountId(inFileName: path)
        guard let id else {
            diagnostics.append(
                Diagnostic(
                    .warning, "last-active-owner-unknown",
                    "a last-active-dates response that names no account (no accountId field, and the file name holds no "
                        + "account id); ignored", at: location(page.line)))
            return
        }
        var entries: [(product: String, instance: String, day: Day?)] = []
        for entry in data["product_access"]?.array ?? [] {
            guard let product = entry.object, let key = product["key"]?.text else { continue }
            let text = product["last_active"]?.text
            let parsed = text.flatMap(day)
            if text != nil, parsed == nil {
                diagnostics.append(
                    Diagnostic(
                        .warning, "bad-date", "unrecognised last_active '\(text!)'; ignored", at: location(product.line)
                    ))
            }
            entries.append((ProductKey.fromAPIKey(key), product["id"]?.text ?? "", parsed))
        }
        let added = data["added_to_org"]?.text.flatMap(day)
        result.patches.append(
            EvidencePatch(
                accountId: id, kind: .lastActiveDates(entries, addedToOrg: added), location: location(page.line),
                ref: SourceRef(input: inputIndex, line: page.line)))
    }

    /// Account ids look like `5b10ac8d82e05b22cc7d4ef5` or `712020:2c7b9d4e-...`.
    static func accountId(inFileName path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        let patterns = [
            #"[0-9]{6}:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#, #"[0-9a-f]{24}"#,
        ]
        for pattern in patterns {
            if let range = name.range(of: pattern, options: .regularExpression) { return String(name[range]) }
        }
        return nil
    }

    // MARK: adminhub

    private mutating func readAdminhubUser(
        _ user: JSONObject, into result: inout Result, diagnostics: inout DiagnosticLog
    ) {
        note("adminhub-users")
        result.rows += 1
        guard let id = user.first("id", "accountId", "account_id")?.text, !id.isEmpty else { return }
        let ref = SourceRef(input: inputIndex, line: user.line)
        var account = Account(
            id: id, name: user.first("displayName", "name")?.text ?? "", email: user["email"]?.text ?? "", source: ref,
            storage: storage)
        var seats: [Seat] = []
        if let status = user["activeStatus"]?.text {
            account.status = AccountStatus(exportText: status)
        } else if let active = user["active"]?.bool {
            account.status = active ? .active : .deactivated
        }
        if user["system"]?.bool == true { account.accountType = .app }
        let presence: LastActive
        switch user["presence"] {
        case .some(.null): presence = .never
        case .some(let value): presence = value.text.flatMap(day).map(LastActive.on) ?? .unknown
        case .none: presence = .unknown
        }
        for container in ["productAccess", "access", "products"] {
            for entry in user[container]?.array ?? [] {
                guard let product = entry.object,
                    let key = product.first("key", "productKey", "productId")?.text.map(ProductKey.fromAPIKey)
                        ?? product.first("productName", "name")?.text.map(ProductKey.fromDisplayName)
                else { continue }
                seats.append(Seat(product: key, site: siteKey(product), lastActive: presence, evidence: ref))
            }
        }
        account.seats = seats
        result.collector.add(
            account, at: location(user.line), expectRepeats: false, diagnostics: &diagnostics, describe: describe)
        if presence != .unknown {
            result.patches.append(
                EvidencePatch(accountId: id, kind: .presence(presence), location: location(user.line), ref: ref))
        }
    }

    // MARK: Helpers

    private func describe(_ ref: SourceRef) -> String { "line \(ref.line)" }

    /// The site of a product entry: the product URL's host, else the product instance id.
    private func siteKey(_ product: JSONObject) -> String {
        if let url = product.first("url", "siteUrl", "site_url", "siteURL")?.text, !url.isEmpty {
            return SiteKey.fromURL(url)
        }
        if let site = product.first("siteName", "site")?.text, !site.isEmpty { return SiteKey.fromHeader(site) }
        return product.first("id", "cloudId", "resourceId")?.text?.lowercased() ?? ""
    }

    /// A product entry's last activity: a date or instant; an explicit null is "never".
    private func activity(
        _ product: JSONObject, keys: [String], diagnostics: inout DiagnosticLog, result: inout Result
    ) -> LastActive {
        for key in keys {
            guard let value = product[key] else { continue }
            if value == .null { return .never }
            if let text = value.text, let parsed = day(text) { return .on(parsed) }
            diagnostics.append(
                Diagnostic(
                    .warning, "bad-date", "unrecognised \(key) '\(value.text ?? "?")'; activity unknown",
                    at: location(product.line)))
            return .unknown
        }
        result.entriesWithoutActivity += 1
        return .unknown
    }

    /// `2026-10-03`, `2026-10-03T09:12:44.123Z`, or epoch milliseconds.
    private func day(_ text: String) -> Day? {
        if let instant = Timestamp(iso: text) { return instant.day }
        if let millis = Int64(text), millis > 100_000_000_000 { return Timestamp(seconds: millis / 1000).day }
        let bytes = Array(text.utf8)
        if case .day(let d) = bytes.withUnsafeBufferPointer({ DateParser.parse($0[...], order: nil) }) { return d }
        return nil
    }
}
