import Foundation

/// A local stand-in for the Atlassian APIs seatsweep's `apply` and `verify` call, with real
/// state, for tests. It follows the documented paths, payloads, auth schemes and status codes
/// (atlassian-data.md §2–§3):
///
/// | request | answer |
/// |---|---|
/// | `GET /site/{site}/rest/api/3/myself` | the token owner |
/// | `GET /site/{site}/rest/api/3/applicationrole` | roles with `groups` and `groupDetails` |
/// | `GET /site/{site}/rest/api/3/user/groups?accountId=` | `[{name, groupId, self}]`, 404 for an unknown account |
/// | `DELETE /site/{site}/rest/api/3/group/user?groupId=&accountId=` | 200, 404 when not a member or no such group |
/// | `POST /site/{site}/rest/api/3/group/user?groupId=` `{"accountId"}` | 201 with the group, 400 when already a member |
/// | `POST /admin/v1/orgs/{org}/directory/users/{id}/suspend-access` (`restore-access`) | 200 `{"message"}` |
/// | `POST /admin/v2/orgs/{org}/directories/{dir}/users/search` `{"accountIds"}` | `{"data":[…],"links":{}}` |
///
/// Site requests need Basic `email:token`, admin requests Bearer `key`; anything else is 401.
/// Faults are injected per request (`inject`), and every request is logged with the status it
/// got. `handle` answers in process; `SimulatorServer` serves the same over HTTP on 127.0.0.1.
///
/// Unchecked `Sendable` because every piece of mutable state is read and written only while
/// holding `lock`; server threads and tests share one instance.
public final class AtlassianSimulator: @unchecked Sendable {
    /// The credentials the simulator accepts.
    public struct Credentials: Sendable {
        public var email: String
        public var apiToken: String
        public var adminKey: String
        /// The account the API token belongs to (`/myself`).
        public var accountId: String

        public init(email: String, apiToken: String, adminKey: String, accountId: String) {
            self.email = email
            self.apiToken = apiToken
            self.adminKey = adminKey
            self.accountId = accountId
        }
    }

    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        /// Percent-decoded path without the query.
        public var path: String
        public var query: [String: String]
        /// Lower-cased names.
        public var headers: [String: String]
        public var body: [UInt8]

        public init(method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            self.body = body
        }

        /// Splits `/a/b?x=1&y=%3A` into a decoded path and query.
        public init(method: String, target: String, headers: [String: String], body: [UInt8]) {
            let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            var query: [String: String] = [:]
            if parts.count == 2 {
                for pair in parts[1].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                    let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
                    query[key] = value
                }
            }
            let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            self.init(method: method, path: path, query: query, headers: headers, body: body)
        }
    }

    /// What the simulator does with a request.
    public enum Reply: Sendable, Equatable {
        case response(status: Int, headers: [String: String], body: [UInt8])
        /// Close the connection without answering.
        case drop
    }

    /// A fault for the next `times` requests matching `method` and `pathContains`.
    public struct Fault: Sendable {
        public enum Kind: Sendable {
            /// Answer with this status and headers, changing nothing (429, 5xx, ...).
            case status(Int, headers: [String: String], body: String)
            /// Close the connection without answering or changing anything.
            case drop
            /// Make the change, then close the connection without answering (a lost response).
            case dropAfterApplying
            /// Answer 401 and echo the request's Authorization header in the body (a careless proxy).
            case echoAuthorization
        }

        public var method: String?
        public var pathContains: String?
        public var kind: Kind
        public var times: Int

        public init(method: String? = nil, pathContains: String? = nil, _ kind: Kind, times: Int = 1) {
            self.method = method
            self.pathContains = pathContains
            self.kind = kind
            self.times = times
        }

        /// Whether the fault applies to `r`.
        func matches(_ r: Request) -> Bool {
            (method == nil || method == r.method) && (pathContains.map { r.path.contains($0) } ?? true)
        }
    }

    /// One handled request.
    public struct LogEntry: Sendable {
        public var sequence: Int
        public var method: String
        public var path: String
        public var query: [String: String]
        /// `basic`, `bearer`, `none` or `bad` (present but not accepted).
        public var auth: String
        /// The status answered, or nil when the connection was dropped.
        public var status: Int?
        /// Whether the request changed state.
        public var changed: Bool
        /// The account id of a group or access change (query or body).
        public var accountId: String?
        public var groupId: String?
    }

    /// Where a request is when a hook sees it.
    public enum Phase: Sendable {
        /// Received, nothing done yet.
        case received
        /// The change (if any) is made; the answer is not sent yet.
        case applied
    }

    struct Group {
        var id: String
        var name: String
        var members: Set<String>
    }

    struct Role {
        var key: String
        var name: String
        var groupIds: [String]
    }

    struct Site {
        var users: [String: (email: String, name: String)] = [:]
        var groups: [String: Group] = [:]
        var roles: [Role] = []
    }

    private let lock = NSLock()
    public let orgId: String
    public let credentials: Credentials
    private var sites: [String: Site] = [:]
    private var orgUsers: [String: (email: String, name: String)] = [:]
    private var suspended: Set<String> = []
    private var faults: [Fault] = []
    private var log: [LogEntry] = []
    private var sequence = 0
    private var hook: (@Sendable (Int, Request, Phase) -> Bool)?
    private var latencySeconds = 0.0

    public init(orgId: String = "5f3e6a1c-org", credentials: Credentials) {
        self.orgId = orgId
        self.credentials = credentials
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: setup

    /// Adds a user to a site (and to the organisation's directory).
    public func addUser(site: String, accountId: String, email: String, name: String) {
        locked {
            sites[site, default: Site()].users[accountId] = (email, name)
            orgUsers[accountId] = (email, name)
        }
    }

    /// Adds an empty group to a site.
    public func addGroup(site: String, id: String, name: String) {
        locked { sites[site, default: Site()].groups[id] = Group(id: id, name: name, members: []) }
    }

    /// Puts an account into a group.
    public func addMember(site: String, groupId: String, accountId: String) {
        locked { _ = sites[site]?.groups[groupId]?.members.insert(accountId) }
    }

    /// Defines a Jira application role (`jira-software`, `jira-servicedesk`, ...) and its groups.
    public func setRole(site: String, key: String, name: String, groupIds: [String]) {
        locked {
            var s = sites[site, default: Site()]
            s.roles.removeAll { $0.key == key }
            s.roles.append(Role(key: key, name: name, groupIds: groupIds))
            sites[site] = s
        }
    }

    /// Suspends or restores an account directly (test setup).
    public func setSuspended(_ accountId: String, _ value: Bool) {
        locked {
            if value { suspended.insert(accountId) } else { suspended.remove(accountId) }
        }
    }

    /// Queues a fault; faults apply in the order injected.
    public func inject(_ fault: Fault) { locked { faults.append(fault) } }

    /// Drops every queued fault.
    public func clearFaults() { locked { faults.removeAll() } }

    /// How long the HTTP server waits before answering each request (seconds).
    public var latency: Double {
        get { locked { latencySeconds } }
        set { locked { latencySeconds = newValue } }
    }

    /// Called for every request at each `Phase`, with its sequence number, outside the lock.
    /// Returning true at `.received` drops the request unanswered and unapplied (lost on the
    /// way); the return value is ignored at `.applied`.
    public func setHook(_ hook: (@Sendable (Int, Request, Phase) -> Bool)?) { locked { self.hook = hook } }

    // MARK: inspection

    /// Member account ids of a group.
    public func members(site: String, groupId: String) -> Set<String> {
        locked { sites[site]?.groups[groupId]?.members ?? [] }
    }

    /// Every (site, groupId, accountId) membership.
    public func memberships() -> Set<Membership> {
        locked {
            var out = Set<Membership>()
            for (key, site) in sites {
                for group in site.groups.values {
                    for member in group.members {
                        out.insert(Membership(site: key, groupId: group.id, accountId: member))
                    }
                }
            }
            return out
        }
    }

    /// Whether an account's access is suspended.
    public func isSuspended(_ accountId: String) -> Bool { locked { suspended.contains(accountId) } }

    public var requestLog: [LogEntry] { locked { log } }

    /// Forgets the requests handled so far.
    public func clearLog() { locked { log.removeAll() } }

    // MARK: handling

    /// Answers one request, applying faults, auth, state changes and the hook.
    public func handle(_ request: Request) -> Reply {
        let (number, hook) = locked { () -> (Int, (@Sendable (Int, Request, Phase) -> Bool)?) in
            sequence += 1
            return (sequence, self.hook)
        }
        var entry = LogEntry(
            sequence: number, method: request.method, path: request.path, query: request.query,
            auth: authKind(request), status: nil, changed: false, accountId: request.query["accountId"],
            groupId: request.query["groupId"])
        if hook?(number, request, .received) == true {
            locked { log.append(entry) }
            return .drop
        }
        let (reply, dropAfter) = locked { () -> (Reply, Bool) in
            if let i = faults.firstIndex(where: { $0.times > 0 && $0.matches(request) }) {
                faults[i].times -= 1
                let fault = faults[i]
                if faults[i].times == 0 { faults.remove(at: i) }
                switch fault.kind {
                case .status(let status, let headers, let body):
                    return (.response(status: status, headers: headers, body: Array(body.utf8)), false)
                case .drop:
                    return (.drop, false)
                case .echoAuthorization:
                    let echoed = request.headers["authorization"] ?? ""
                    return (
                        Self.json(401, ["errorMessages": ["Unauthorized: credentials '\(echoed)' were rejected"]]),
                        false
                    )
                case .dropAfterApplying:
                    return (route(request, &entry), true)
                }
            }
            return (route(request, &entry), false)
        }
        if case .response(let status, _, _) = reply, !dropAfter { entry.status = status }
        locked { log.append(entry) }
        _ = hook?(number, request, .applied)
        return dropAfter ? .drop : reply
    }

    private func authKind(_ r: Request) -> String {
        guard let value = r.headers["authorization"] else { return "none" }
        if value == basicValue { return "basic" }
        if value == "Bearer \(credentials.adminKey)" { return "bearer" }
        return "bad"
    }

    private var basicValue: String {
        "Basic " + Data("\(credentials.email):\(credentials.apiToken)".utf8).base64EncodedString()
    }

    static func json(_ status: Int, _ value: Any) -> Reply {
        let body = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
        return .response(status: status, headers: ["Content-Type": "application/json"], body: Array(body))
    }

    static func empty(_ status: Int) -> Reply { .response(status: status, headers: [:], body: []) }

    /// Routes a request; called with the lock held.
    private func route(_ r: Request, _ entry: inout LogEntry) -> Reply {
        let parts = r.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count >= 5, parts[0] == "site", parts[2] == "rest", parts[3] == "api", parts[4] == "3" {
            guard authKind(r) == "basic" else {
                return Self.json(
                    401,
                    ["errorMessages": ["You are not authenticated. Authentication required to perform this operation."]]
                )
            }
            guard sites[parts[1]] != nil else { return Self.json(404, ["errorMessages": ["Site not found"]]) }
            return siteRoute(site: parts[1], rest: Array(parts[5...]), r, &entry)
        }
        if parts.count >= 2, parts[0] == "admin" {
            guard authKind(r) == "bearer" else {
                return Self.json(401, ["code": 401, "message": "Unauthorized; scope does not match"])
            }
            return adminRoute(Array(parts[1...]), r, &entry)
        }
        return Self.json(404, ["errorMessages": ["No route for \(r.method) \(r.path)"]])
    }

    private func siteRoute(site key: String, rest: [String], _ r: Request, _ entry: inout LogEntry) -> Reply {
        let site = sites[key]!
        let base = "https://\(key).atlassian.net/rest/api/3"
        switch (r.method, rest) {
        case ("GET", ["myself"]):
            return Self.json(
                200,
                [
                    "self": "\(base)/user?accountId=\(credentials.accountId)", "accountId": credentials.accountId,
                    "accountType": "atlassian", "emailAddress": credentials.email, "displayName": "seatsweep runner",
                    "active": true, "timeZone": "UTC", "locale": "en_US",
                ])
        case ("GET", ["applicationrole"]):
            let roles: [[String: Any]] = site.roles.sorted { $0.key < $1.key }.map { role in
                let groups = role.groupIds.compactMap { site.groups[$0] }
                let users = Set(groups.flatMap(\.members)).count
                return [
                    "key": role.key, "name": role.name, "groups": groups.map(\.name),
                    "groupDetails": groups.map {
                        ["groupId": $0.id, "name": $0.name, "self": "\(base)/group?groupId=\($0.id)"]
                    },
                    "defaultGroups": [String](), "defaultGroupsDetails": [[String: String]](),
                    "selectedByDefault": false,
                    "defined": false, "numberOfSeats": 100, "remainingSeats": 100 - users, "userCount": users,
                    "userCountDescription": "users", "hasUnlimitedSeats": false, "platform": role.key == "jira-core",
                ]
            }
            return Self.json(200, roles)
        case ("GET", ["user", "groups"]):
            guard let account = r.query["accountId"], !account.isEmpty else {
                return Self.json(400, ["errorMessages": ["The accountId query parameter needs to be provided"]])
            }
            guard site.users[account] != nil else {
                return Self.json(
                    404, ["errorMessages": ["Specified user does not exist or you do not have required permissions"]])
            }
            let groups = site.groups.values.filter { $0.members.contains(account) }.sorted { $0.name < $1.name }
            return Self.json(
                200, groups.map { ["name": $0.name, "groupId": $0.id, "self": "\(base)/group?groupId=\($0.id)"] })
        case ("DELETE", ["group", "user"]):
            guard let groupId = r.query["groupId"], let account = r.query["accountId"] else {
                return Self.json(400, ["errorMessages": ["groupId and accountId are required"]])
            }
            guard site.groups[groupId] != nil else {
                return Self.json(404, ["errorMessages": ["Specified group does not exist."]])
            }
            guard sites[key]!.groups[groupId]!.members.remove(account) != nil else {
                return Self.json(404, ["errorMessages": ["The user is not a member of the group"]])
            }
            entry.changed = true
            return Self.empty(200)
        case ("POST", ["group", "user"]):
            guard let groupId = r.query["groupId"] else {
                return Self.json(400, ["errorMessages": ["groupId or groupname must be provided"]])
            }
            guard
                let body = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
                let account = body["accountId"] as? String
            else {
                return Self.json(400, ["errorMessages": ["accountId must be provided"]])
            }
            entry.accountId = account
            guard let group = site.groups[groupId] else {
                return Self.json(404, ["errorMessages": ["Specified group does not exist."]])
            }
            guard site.users[account] != nil else {
                return Self.json(404, ["errorMessages": ["Specified user does not exist"]])
            }
            guard !group.members.contains(account) else {
                return Self.json(400, ["errorMessages": ["Cannot add user. User is already a member of '\(groupId)'"]])
            }
            sites[key]!.groups[groupId]!.members.insert(account)
            entry.changed = true
            let members = sites[key]!.groups[groupId]!.members.count
            return Self.json(
                201,
                [
                    "name": group.name, "groupId": group.id, "self": "\(base)/group?groupId=\(group.id)",
                    "users": [
                        "size": members, "items": [[String: Any]](), "max-results": 50, "start-index": 0,
                        "end-index": 0,
                    ],
                    "expand": "users",
                ])
        default:
            return Self.json(
                404, ["errorMessages": ["No route for \(r.method) /rest/api/3/\(rest.joined(separator: "/"))"]])
        }
    }

    private func adminRoute(_ parts: [String], _ r: Request, _ entry: inout LogEntry) -> Reply {
        // v1: /admin/v1/orgs/{org}/directory/users/{id}/suspend-access | restore-access
        if r.method == "POST", parts.count == 7, parts[0] == "v1", parts[1] == "orgs", parts[3] == "directory",
            parts[4] == "users", parts[6] == "suspend-access" || parts[6] == "restore-access"
        {
            guard parts[2] == orgId else { return Self.json(404, ["code": 404, "message": "Organization not found"]) }
            let account = parts[5]
            entry.accountId = account
            guard orgUsers[account] != nil else {
                return Self.json(404, ["code": 404, "message": "User not found in the organization directory"])
            }
            if parts[6] == "suspend-access" {
                if suspended.insert(account).inserted { entry.changed = true }
            } else {
                if suspended.remove(account) != nil { entry.changed = true }
            }
            return Self.json(200, ["message": "Your request has been processed"])
        }
        // v2: /admin/v2/orgs/{org}/directories/{dir}/users/search
        if r.method == "POST", parts.count == 7, parts[0] == "v2", parts[1] == "orgs", parts[3] == "directories",
            parts[5] == "users", parts[6] == "search"
        {
            guard parts[2] == orgId else { return Self.json(404, ["code": 404, "message": "Organization not found"]) }
            let body = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
            let wanted = body["accountIds"] as? [String] ?? Array(orgUsers.keys)
            let limit = body["limit"] as? Int ?? 100
            let users: [[String: Any]] = wanted.filter { orgUsers[$0] != nil }.prefix(limit).map { id in
                let status = suspended.contains(id) ? "suspended" : "active"
                return [
                    "accountId": id, "accountType": "atlassian", "accountStatus": "active", "status": status,
                    "membershipStatus": status, "name": orgUsers[id]!.name, "email": orgUsers[id]!.email,
                ]
            }
            return Self.json(200, ["data": users, "links": ["next": NSNull()]])
        }
        return Self.json(
            404, ["code": 404, "message": "No route for \(r.method) /admin/\(parts.joined(separator: "/"))"])
    }
}

/// One group membership on one site.
public struct Membership: Hashable, Sendable, CustomStringConvertible {
    public var site: String
    public var groupId: String
    public var accountId: String

    public init(site: String, groupId: String, accountId: String) {
        self.site = site
        self.groupId = groupId
        self.accountId = accountId
    }

    public var description: String { "\(site)/\(groupId)/\(accountId)" }
}
