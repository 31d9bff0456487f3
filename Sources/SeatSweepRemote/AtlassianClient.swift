import Foundation
import SeatSweepKit

/// The Atlassian calls `apply` and `verify` make (atlassian-data.md §2–§3), typed.
///
/// Site REST (`/rest/api/3/...`) goes with Basic `email:token`; the admin API
/// (`/admin/...`) with the organisation key as Bearer. With `dryRun`, every request is
/// reported through `onRequest` (method and URL, never headers) and change requests are not
/// sent; reads still are, so the printed changes are exactly the ones a real run would send.
public struct AtlassianClient: Sendable {
    public let http: HTTPClient
    public let endpoints: AtlassianEndpoints
    public let credentials: AtlassianCredentials
    public let dryRun: Bool
    public let onRequest: (@Sendable (String) -> Void)?
    let masker: SecretMasker

    public init(
        http: HTTPClient, endpoints: AtlassianEndpoints, credentials: AtlassianCredentials, dryRun: Bool = false,
        onRequest: (@Sendable (String) -> Void)? = nil
    ) {
        self.http = http
        self.endpoints = endpoints
        self.credentials = credentials
        self.dryRun = dryRun
        self.onRequest = onRequest
        self.masker = credentials.masker
    }

    /// `GET /rest/api/3/myself`: who the API token belongs to.
    public struct Myself: Sendable, Equatable, Decodable {
        public var accountId: String
        public var displayName: String?
        public var emailAddress: String?
    }

    /// A Jira application role and the groups that grant it.
    public struct ApplicationRole: Sendable, Equatable {
        public var key: String
        public var name: String
        /// From `groupDetails` (id and name); from `groups` (names only, empty id) on older sites.
        public var groups: [PlanGroup]
    }

    /// How a change request ended.
    public enum WriteResult: Sendable, Equatable {
        case done(status: Int)
        /// The state already was as asked (404 on removal: not a member).
        case alreadyDone(status: Int)
        case failed(status: Int?, reason: String)
        /// `--dry-run`: printed, not sent.
        case notSent
    }

    /// Which credential a request carries: the site token (Basic) or the org key (Bearer).
    enum Auth { case site, admin }

    // MARK: reads

    /// `GET /rest/api/3/myself`: the account the API token belongs to.
    public func myself(site: String) async throws(RemoteError) -> Myself {
        let response = try await send("GET", try endpoints.site(site, "/rest/api/3/myself"), auth: .site, isRead: true)
        guard let response, response.status == 200 else { throw failure(response) }
        return try decode(Myself.self, response, what: "/myself")
    }

    /// `GET /rest/api/3/applicationrole`: which groups grant each Jira product on the site.
    public func applicationRoles(site: String) async throws(RemoteError) -> [ApplicationRole] {
        struct Role: Decodable {
            struct Group: Decodable {
                var groupId: String?
                var name: String?
            }
            var key: String
            var name: String?
            var groupDetails: [Group]?
            var groups: [String]?
        }
        let response = try await send(
            "GET", try endpoints.site(site, "/rest/api/3/applicationrole"), auth: .site, isRead: true)
        guard let response, response.status == 200 else { throw failure(response) }
        return try decode([Role].self, response, what: "/applicationrole").map { role in
            let groups: [PlanGroup]
            if let details = role.groupDetails {
                groups = details.compactMap { g in
                    guard let id = g.groupId, !id.isEmpty else { return nil }
                    return PlanGroup(groupId: id, name: g.name ?? "")
                }
            } else {
                groups = (role.groups ?? []).map { PlanGroup(groupId: "", name: $0) }
            }
            return ApplicationRole(key: role.key, name: role.name ?? role.key, groups: groups)
        }
    }

    /// `GET /rest/api/3/user/groups?accountId=`: the account's groups on the site, or nil when
    /// the site does not know the account (404).
    public func userGroups(site: String, accountId: String) async throws(RemoteError) -> [PlanGroup]? {
        struct Group: Decodable {
            var name: String
            var groupId: String
        }
        let url = try endpoints.site(site, "/rest/api/3/user/groups", query: [("accountId", accountId)])
        let response = try await send("GET", url, auth: .site, isRead: true)
        guard let response else { throw RemoteError.unexpected("no response") }
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response) }
        return try decode([Group].self, response, what: "/user/groups").map {
            PlanGroup(groupId: $0.groupId, name: $0.name)
        }
    }

    /// Whether the account's access to the organisation is suspended, from
    /// `POST /admin/v2/orgs/{orgId}/directories/-/users/search`; nil when the organisation's
    /// directory does not hold the account.
    public func isSuspended(orgId: String, accountId: String) async throws(RemoteError) -> Bool? {
        struct Page: Decodable {
            struct User: Decodable {
                var accountId: String
                var status: String?
                var membershipStatus: String?
            }
            var data: [User]
        }
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.member("accountIds", [accountId])
        w.member("limit", 1)
        w.endObject()
        let url = try endpoints.admin(
            "/admin/v2/orgs/\(AtlassianEndpoints.segment(orgId))/directories/-/users/search")
        let response = try await send("POST", url, auth: .admin, body: w.bytes, isRead: true)
        guard let response, response.status == 200 else { throw failure(response) }
        let page = try decode(Page.self, response, what: "users/search")
        guard let user = page.data.first(where: { $0.accountId == accountId }) else { return nil }
        return user.status?.lowercased() == "suspended" || user.membershipStatus?.lowercased() == "suspended"
    }

    // MARK: changes

    /// `DELETE /rest/api/3/group/user?groupId=&accountId=`: 200 done, 404 already done.
    public func removeFromGroup(site: String, groupId: String, accountId: String) async -> WriteResult {
        await write { () throws(RemoteError) in
            let response = try await send("DELETE", try removeURL(site, groupId, accountId), auth: .site)
            guard let response else { return .notSent }
            switch response.status {
            case 200, 204: return .done(status: response.status)
            case 404: return .alreadyDone(status: 404)
            default: return .failed(status: response.status, reason: message(response))
            }
        }
    }

    /// `POST /rest/api/3/group/user?groupId=` with `{"accountId": ...}`: 201 done. A 400
    /// ("already a member") is reported as failed; the applier reads back to settle it.
    public func addToGroup(site: String, groupId: String, accountId: String) async -> WriteResult {
        await write { () throws(RemoteError) in
            var w = JSONWriter(pretty: false)
            w.beginObject()
            w.member("accountId", accountId)
            w.endObject()
            let response = try await send("POST", try addURL(site, groupId), auth: .site, body: w.bytes)
            guard let response else { return .notSent }
            switch response.status {
            case 200, 201: return .done(status: response.status)
            default: return .failed(status: response.status, reason: message(response))
            }
        }
    }

    /// `POST /admin/v1/orgs/{orgId}/directory/users/{accountId}/suspend-access` (or `restore-access`).
    public func setAccess(suspend: Bool, orgId: String, accountId: String) async -> WriteResult {
        await write { () throws(RemoteError) in
            let response = try await send("POST", try accessURL(suspend: suspend, orgId, accountId), auth: .admin)
            guard let response else { return .notSent }
            switch response.status {
            case 200...299: return .done(status: response.status)
            default: return .failed(status: response.status, reason: message(response))
            }
        }
    }

    // MARK: request lines for the journal (method, path and query; no host)

    func removeURL(_ site: String, _ groupId: String, _ accountId: String) throws(RemoteError) -> URL {
        try endpoints.site(site, "/rest/api/3/group/user", query: [("groupId", groupId), ("accountId", accountId)])
    }

    func addURL(_ site: String, _ groupId: String) throws(RemoteError) -> URL {
        try endpoints.site(site, "/rest/api/3/group/user", query: [("groupId", groupId)])
    }

    func accessURL(suspend: Bool, _ orgId: String, _ accountId: String) throws(RemoteError) -> URL {
        try endpoints.admin(
            "/admin/v1/orgs/\(AtlassianEndpoints.segment(orgId))/directory/users/"
                + "\(AtlassianEndpoints.segment(accountId))/\(suspend ? "suspend-access" : "restore-access")")
    }

    /// What the journal records for a request: `DELETE /rest/api/3/group/user?groupId=…&accountId=…`.
    public static func requestLine(method: String, path: String, query: [(String, String)] = []) -> String {
        "\(method) \(path)"
            + (query.isEmpty
                ? "" : "?" + query.map { "\($0.0)=\(AtlassianEndpoints.encode($0.1))" }.joined(separator: "&"))
    }

    // MARK: plumbing

    private func write(_ body: () async throws(RemoteError) -> WriteResult) async -> WriteResult {
        do {
            return try await body()
        } catch {
            return .failed(status: error.status, reason: error.description)
        }
    }

    /// Sends one request; nil when `dryRun` held back a change.
    private func send(
        _ method: String, _ url: URL, auth: Auth, body: [UInt8]? = nil, isRead: Bool = false
    ) async throws(RemoteError) -> HTTPResponse? {
        let authorization: Secret
        switch auth {
        case .site:
            guard let basic = credentials.basicAuthorization else {
                throw RemoteError.unexpected(
                    "site requests need ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN, which are not set")
            }
            authorization = basic
        case .admin:
            guard let bearer = credentials.bearerAuthorization else {
                throw RemoteError.unexpected("admin API requests need ATLASSIAN_ADMIN_API_KEY, which is not set")
            }
            authorization = bearer
        }
        var headers = ["Accept": "application/json", "User-Agent": "seatsweep/\(SeatSweepVersion.current)"]
        if body != nil { headers["Content-Type"] = "application/json" }
        let request = HTTPRequest(method: method, url: url, headers: headers, authorization: authorization, body: body)
        if dryRun {
            onRequest?(isRead ? request.description : "\(request.description)   (dry run: not sent)")
            if !isRead { return nil }
        }
        do {
            return try await http.send(request)
        } catch {
            throw mask(error)
        }
    }

    private func mask(_ error: RemoteError) -> RemoteError {
        switch error {
        case .connection(let m): return .connection(masker.mask(m))
        case .gaveUp(let s, let r): return .gaveUp(status: s, reason: masker.mask(r))
        case .http(let s, let m): return .http(status: s, message: masker.mask(m))
        case .unexpected(let m): return .unexpected(masker.mask(m))
        case .cancelled: return .cancelled
        }
    }

    private func failure(_ response: HTTPResponse?) -> RemoteError {
        guard let response else { return .unexpected("no response") }
        return .http(status: response.status, message: message(response))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws(RemoteError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw RemoteError.unexpected("the \(what) response is not what Atlassian documents")
        }
    }

    /// The error text of a response (Jira's `errorMessages`/`errors`, the admin API's
    /// `message`/`errors[].detail`), masked and made safe to print; at most 300 characters.
    func message(_ response: HTTPResponse) -> String {
        struct Body: Decodable {
            struct AdminError: Decodable {
                var title: String?
                var detail: String?
            }
            var errorMessages: [String]?
            var errors: [String: String]?
            var message: String?
            var adminErrors: [AdminError]?

            enum CodingKeys: String, CodingKey { case errorMessages, errors, message }

            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                errorMessages = try? c.decode([String].self, forKey: .errorMessages)
                errors = try? c.decode([String: String].self, forKey: .errors)
                adminErrors = try? c.decode([AdminError].self, forKey: .errors)
                message = try? c.decode(String.self, forKey: .message)
            }
        }
        var parts: [String] = []
        if let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)) {
            parts += body.errorMessages ?? []
            parts += (body.errors ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            parts += (body.adminErrors ?? []).compactMap { $0.detail ?? $0.title }
            if let m = body.message { parts.append(m) }
        }
        var text = parts.joined(separator: "; ")
        if text.isEmpty { text = String(decoding: response.body.prefix(65_536), as: UTF8.self) }
        // Mask before cutting, so a secret can never be cut into an unrecognisable prefix.
        return TerminalText.safe(masker.mask(text), limit: 300)
    }
}
