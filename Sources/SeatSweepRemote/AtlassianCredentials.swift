import Foundation

/// The credentials `apply` and `verify` use, from the environment or a 0600 file (read by the
/// command layer): a user API token for site REST (Basic `email:token`) and an organisation
/// API key for the admin API (Bearer). Nothing here ever prints a value.
public struct AtlassianCredentials: Sendable, CustomStringConvertible, CustomReflectable {
    /// `ATLASSIAN_EMAIL` and `ATLASSIAN_API_TOKEN`.
    public struct Site: Sendable {
        public var email: String
        public var token: Secret

        public init(email: String, token: Secret) {
            self.email = email
            self.token = token
        }
    }

    public var site: Site?
    /// `ATLASSIAN_ADMIN_API_KEY`.
    public var adminKey: Secret?

    public init(site: Site?, adminKey: Secret?) {
        self.site = site
        self.adminKey = adminKey
    }

    /// `Basic base64(email:token)`.
    public var basicAuthorization: Secret? {
        guard let site else { return nil }
        return Secret("Basic " + Self.basicValue(email: site.email, token: site.token.revealForTransport()))
    }

    /// `Bearer key`.
    public var bearerAuthorization: Secret? {
        adminKey.map { Secret("Bearer " + $0.revealForTransport()) }
    }

    static func basicValue(email: String, token: String) -> String {
        Data("\(email):\(token)".utf8).base64EncodedString()
    }

    /// A masker for every form in which these secrets could show up in text.
    public var masker: SecretMasker {
        var secrets: [String] = []
        if let site {
            let token = site.token.revealForTransport()
            secrets.append(token)
            secrets.append(Self.basicValue(email: site.email, token: token))
        }
        if let key = adminKey?.revealForTransport() { secrets.append(key) }
        return SecretMasker(secrets)
    }

    public var description: String {
        "credentials(site: \(site == nil ? "none" : "email and API token"), admin: \(adminKey == nil ? "none" : "API key"))"
    }

    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Replaces secrets in text with `****`: the token, the key, the Basic header value, and their
/// percent-encoded forms. Every message that may carry server or system text passes through it.
public struct SecretMasker: Sendable {
    private let secrets: [String]

    /// Secrets shorter than 4 characters are not masked (they would mangle every message and
    /// are not credentials Atlassian issues).
    public init(_ secrets: [String]) {
        var all: [String] = []
        for secret in secrets where secret.count >= 4 {
            all.append(secret)
            let encoded = AtlassianEndpoints.encode(secret)
            if encoded != secret {
                all.append(encoded)
            }
        }
        self.secrets = Array(Set(all)).sorted { $0.count > $1.count }
    }

    public static let none = SecretMasker([])

    /// `text` with every known secret replaced by `****`.
    public func mask(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "****")
        }
        return out
    }
}
