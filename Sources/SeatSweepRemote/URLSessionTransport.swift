import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real transport: Foundation's URLSession with an ephemeral configuration (no cookies, no
/// cache, no stored credentials) that never follows redirects, so an `Authorization` header can
/// never be carried to another host.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// `timeout` bounds each request (seconds without data).
    public init(timeout: TimeInterval = 60) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends once through URLSession; the `Authorization` value is read only here.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        var r = URLRequest(url: request.url)
        r.httpMethod = request.method
        for (name, value) in request.headers { r.setValue(value, forHTTPHeaderField: name) }
        if let authorization = request.authorization {
            r.setValue(authorization.revealForTransport(), forHTTPHeaderField: "Authorization")
        }
        if let body = request.body { r.httpBody = Data(body) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: r)
        } catch {
            throw TransportError(Self.describe(error))
        }
        guard let http = response as? HTTPURLResponse else { throw TransportError("the response is not HTTP") }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
    }

    /// A URL-loading error in words, without anything from the request's headers.
    static func describe(_ error: Error) -> String {
        if let error = error as? URLError {
            switch error.code {
            case .timedOut: return "the request timed out"
            case .cannotFindHost, .dnsLookupFailed: return "the host name cannot be resolved"
            case .cannotConnectToHost: return "cannot connect to the host"
            case .networkConnectionLost: return "the connection was lost"
            case .notConnectedToInternet: return "not connected to a network"
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                return "the TLS connection failed (certificate or protocol)"
            case .cancelled: return "the request was cancelled"
            default: return "network error \(error.code.rawValue)"
            }
        }
        return "network error"
    }
}

/// Answers every redirect with "do not follow": the 3xx response itself is returned.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
