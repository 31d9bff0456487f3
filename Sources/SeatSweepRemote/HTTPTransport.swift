import Foundation

/// One HTTP request as seatsweep sends it. The `Authorization` value is a `Secret`, so
/// printing, dumping or interpolating a request never shows it.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    public var method: String
    public var url: URL
    /// Header fields other than `Authorization`.
    public var headers: [String: String]
    public var authorization: Secret?
    public var body: [UInt8]?

    public init(
        method: String, url: URL, headers: [String: String] = [:], authorization: Secret? = nil, body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.authorization = authorization
        self.body = body
    }

    /// `DELETE https://acme.atlassian.net/rest/api/3/group/user?...`: method and URL, never headers.
    public var description: String { "\(method) \(url.absoluteString)" }
}

/// A response: status, header fields with lower-cased names, body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// A header field by name, case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// No response came: the connection failed, was reset or timed out.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Sends one request and returns the response, whatever its status. The only alternatives are
/// URLSession (real hosts) and in-memory transports in tests.
public protocol HTTPTransport: Sendable {
    /// Sends once, without retrying; any status is a response.
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}

/// A credential value that never prints: `description`, `debugDescription` and mirrors show
/// `<redacted>`. Only a transport reads the value, through `revealForTransport()`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The value, for the one place that must send it: the transport building the request.
    public func revealForTransport() -> String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
