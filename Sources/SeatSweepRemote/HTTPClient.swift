import SeatSweepKit

/// Something worth telling the person running the command while requests go out.
public enum HTTPEvent: Sendable {
    /// A request failed and will be sent again after `wait` seconds.
    case retrying(request: String, attempt: Int, wait: Double, reason: String)
}

/// Sends requests through a transport, retrying as `RetryPolicy` says, waiting on an injected
/// clock and drawing jitter from an injected source.
public struct HTTPClient: Sendable {
    public let transport: any HTTPTransport
    public let policy: RetryPolicy
    public let clock: any RetryClock
    public let jitter: @Sendable () -> Double
    public let onEvent: (@Sendable (HTTPEvent) -> Void)?

    public init(
        transport: any HTTPTransport, policy: RetryPolicy = RetryPolicy(), clock: any RetryClock = SystemRetryClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        onEvent: (@Sendable (HTTPEvent) -> Void)? = nil
    ) {
        self.transport = transport
        self.policy = policy
        self.clock = clock
        self.jitter = jitter
        self.onEvent = onEvent
    }

    /// The response to `request` after any retries: a status that is not retried, or the last
    /// answer once every attempt is used; `RemoteError` when no answer came or the server asked
    /// for a longer wait than the policy allows.
    public func send(_ request: HTTPRequest) async throws(RemoteError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let failure: RetryPolicy.Failure
            var last: HTTPResponse?
            do {
                let response = try await transport.send(request)
                guard RetryPolicy.isRetryable(status: response.status) else { return response }
                last = response
                failure = .status(
                    response.status, retryAfter: response.header("Retry-After"),
                    rateLimitReset: response.header("X-RateLimit-Reset"))
            } catch {
                failure = .connection(error.message)
            }
            switch policy.decide(failure, attempt: attempt, now: clock.now(), jitter: jitter()) {
            case .retry(let wait, let reason):
                onEvent?(.retrying(request: request.description, attempt: attempt, wait: wait, reason: reason))
                do {
                    try await clock.sleep(seconds: wait)
                } catch {
                    throw RemoteError.cancelled
                }
            case .stop(let reason):
                guard let last else { throw RemoteError.connection(reason) }
                // Out of attempts: the last answer is final, and its text says more than we could.
                if attempt >= policy.maxAttempts { return last }
                throw RemoteError.gaveUp(status: last.status, reason: reason)
            }
        }
    }
}

/// Why a request has no usable answer. Messages hold no credentials: server text is masked
/// before it is stored here (`SecretMasker`).
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No response after every attempt.
    case connection(String)
    /// A retryable status (429, 5xx) whose requested wait is longer than the policy allows.
    case gaveUp(status: Int, reason: String)
    /// A status the call cannot work with.
    case http(status: Int, message: String)
    /// A 2xx whose body is not what the API documents.
    case unexpected(String)
    case cancelled

    public var description: String {
        switch self {
        case .connection(let m): return m
        case .gaveUp(_, let reason): return reason
        case .http(let status, let message): return "HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .unexpected(let m): return m
        case .cancelled: return "cancelled"
        }
    }

    /// The HTTP status, when a response came.
    public var status: Int? {
        switch self {
        case .gaveUp(let status, _), .http(let status, _): return status
        default: return nil
        }
    }
}
