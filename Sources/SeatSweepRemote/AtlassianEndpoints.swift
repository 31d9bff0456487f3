import Foundation
import SeatSweepKit

/// Where requests go: a site template for site REST and a base URL for the admin API.
///
/// By default `https://{site}.atlassian.net` and `https://api.atlassian.com`. A sandbox, proxy
/// or test server is named with `--site-base-url` (a template in which `{site}` is replaced by
/// the site key, e.g. `http://127.0.0.1:8080/site/{site}`) and `--admin-base-url`. Plain http
/// is accepted only for loopback hosts, so credentials never cross a network unencrypted.
public struct AtlassianEndpoints: Sendable, Equatable {
    public static let defaultSiteTemplate = "https://{site}.atlassian.net"
    public static let defaultAdminBase = "https://api.atlassian.com"

    public let siteTemplate: String
    public let adminBase: String

    /// Validates both; `option` names are used in errors.
    public init(siteTemplate: String = defaultSiteTemplate, adminBase: String = defaultAdminBase)
        throws(SeatSweepError)
    {
        guard siteTemplate.components(separatedBy: "{site}").count == 2 else {
            throw SeatSweepError(
                "--site-base-url must contain {site} once, for the site key",
                hint: "for example http://127.0.0.1:8080/site/{site} or https://{site}.atlassian.net")
        }
        try Self.validate(siteTemplate.replacingOccurrences(of: "{site}", with: "site"), option: "--site-base-url")
        try Self.validate(adminBase, option: "--admin-base-url")
        self.siteTemplate = Self.trimSlash(siteTemplate)
        self.adminBase = Self.trimSlash(adminBase)
    }

    static func trimSlash(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    static func validate(_ text: String, option: String) throws(SeatSweepError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw SeatSweepError("\(option) '\(TerminalText.safe(text, limit: 100))' is not a URL")
        }
        if components.user != nil || components.password != nil {
            throw SeatSweepError(
                "\(option) must not contain a user name or password",
                hint: "credentials come only from the environment or --credentials FILE")
        }
        if components.query != nil || components.fragment != nil {
            throw SeatSweepError("\(option) must not contain a query or fragment")
        }
        switch scheme {
        case "https": return
        case "http":
            guard isLoopback(host) else {
                throw SeatSweepError(
                    "\(option) uses plain http for '\(TerminalText.safe(host, limit: 100))', which is not a loopback "
                        + "address; credentials would cross the network unencrypted",
                    hint: "use https, or http only with 127.0.0.1, ::1 or localhost")
            }
        default:
            throw SeatSweepError("\(option) must be an https URL (http only for loopback addresses)")
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// A site REST URL: `path` starts with `/rest/...`. The site key must already have passed
    /// `AccessRules.isAddressableSite`.
    public func site(_ site: String, _ path: String, query: [(String, String)] = []) throws(RemoteError) -> URL {
        try url(siteTemplate.replacingOccurrences(of: "{site}", with: site) + path, query: query)
    }

    /// An admin API URL: `path` starts with `/admin/...`.
    public func admin(_ path: String, query: [(String, String)] = []) throws(RemoteError) -> URL {
        try url(adminBase + path, query: query)
    }

    private func url(_ base: String, query: [(String, String)]) throws(RemoteError) -> URL {
        var text = base
        if !query.isEmpty {
            text += "?" + query.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(string: text) else { throw RemoteError.unexpected("cannot form a URL from \(text)") }
        return url
    }

    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes everything but RFC 3986 unreserved characters (so `:` in account ids too).
    public static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// A path segment (account ids, org ids) percent-encoded the same way.
    public static func segment(_ value: String) -> String { encode(value) }
}
