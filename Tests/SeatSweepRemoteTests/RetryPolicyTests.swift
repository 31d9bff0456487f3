import Foundation
import Testing

@testable import SeatSweepKit
@testable import SeatSweepRemote

/// When to retry and how long to wait: pure decisions, and the client that follows them.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()
    let now = 1_793_606_400.0  // 2026-11-02T08:00:00Z

    @Test(arguments: [
        ("7", 7.0), ("0", 0.0), (" 120 ", 120.0), ("1.5", 1.5), ("Mon, 02 Nov 2026 08:00:30 GMT", 30.0),
    ])
    func retryAfterIsHonouredExactly(_ header: String, _ wait: Double) {
        let d = policy.decide(.status(429, retryAfter: header, rateLimitReset: nil), attempt: 1, now: now, jitter: 0.9)
        #expect(d == .retry(after: wait, because: "HTTP 429, waiting \(RetryPolicy.format(wait)) s (Retry-After)"))
    }

    @Test func rateLimitResetIsUsedWhenThereIsNoRetryAfter() {
        let d = policy.decide(
            .status(429, retryAfter: nil, rateLimitReset: "2026-11-02T08:05Z"), attempt: 2, now: now, jitter: 0)
        #expect(d == .retry(after: 300, because: "HTTP 429, waiting 300 s (X-RateLimit-Reset)"))
        // A reset in the past means "now".
        let past = policy.decide(
            .status(429, retryAfter: nil, rateLimitReset: "2026-11-02T07:00Z"), attempt: 1, now: now, jitter: 0)
        #expect(past == .retry(after: 0, because: "HTTP 429, waiting 0 s (X-RateLimit-Reset)"))
    }

    @Test(arguments: [(1, 0.0, 0.5), (1, 0.999, 0.9995), (3, 0.5, 3.0), (7, 0.0, 30.0), (10, 1.0, 60.0)])
    func backoffIsExponentialWithJitterAndCapped(_ attempt: Int, _ jitter: Double, _ wait: Double) {
        var p = policy
        p.maxAttempts = 20
        guard case .retry(let after, _) = p.decide(.connection("reset"), attempt: attempt, now: now, jitter: jitter)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(abs(after - wait) < 1e-9)
    }

    @Test func fiveHundredsAreRetriedAndMayCarryRetryAfter() {
        #expect(
            policy.decide(.status(503, retryAfter: "4", rateLimitReset: nil), attempt: 1, now: now, jitter: 0)
                == .retry(after: 4, because: "HTTP 503, waiting 4 s (Retry-After)"))
        #expect(
            policy.decide(.status(500, retryAfter: nil, rateLimitReset: nil), attempt: 2, now: now, jitter: 0)
                == .retry(after: 1, because: "HTTP 500, waiting 1 s (backoff)"))
    }

    @Test(arguments: [400, 401, 403, 404, 409, 302])
    func otherStatusesAreNeverRetried(_ status: Int) {
        #expect(!RetryPolicy.isRetryable(status: status))
        guard
            case .stop = policy.decide(
                .status(status, retryAfter: "1", rateLimitReset: nil), attempt: 1, now: now, jitter: 0)
        else {
            Issue.record("HTTP \(status) was retried")
            return
        }
    }

    @Test func retryingStopsAfterTheLastAttemptOrAnUnreasonableWait() {
        #expect(
            policy.decide(.connection("the connection was lost"), attempt: 6, now: now, jitter: 0)
                == .stop("the connection was lost; gave up after 6 attempts"))
        guard
            case .stop(let why) = policy.decide(
                .status(429, retryAfter: "3600", rateLimitReset: nil), attempt: 1, now: now, jitter: 0)
        else {
            Issue.record("an hour's wait was accepted")
            return
        }
        #expect(why.contains("asks to wait 3600 s"))
    }

    /// A transport that answers from a script.
    final class Scripted: HTTPTransport, @unchecked Sendable {
        // Guarded by `lock`.
        private let lock = NSLock()
        private var script: [Result<HTTPResponse, TransportError>]
        private(set) var sent = 0

        init(_ script: [Result<HTTPResponse, TransportError>]) { self.script = script }

        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            let next = lock.withLock {
                sent += 1
                return script.isEmpty
                    ? .success(HTTPResponse(status: 200, headers: [:], body: [])) : script.removeFirst()
            }
            return try next.get()
        }
    }

    @Test func theClientWaitsOnTheInjectedClockAndReportsEachRetry() async throws {
        let transport = Scripted([
            .success(HTTPResponse(status: 429, headers: ["retry-after": "7"], body: [])),
            .failure(TransportError("the connection was lost")),
            .success(HTTPResponse(status: 503, headers: ["Retry-After": "2"], body: [])),
            .success(HTTPResponse(status: 204, headers: [:], body: [])),
        ])
        let clock = RecordingClock()
        let events = Lines()
        let client = HTTPClient(
            transport: transport, clock: clock, jitter: { 0 },
            onEvent: { if case .retrying(_, let attempt, let wait, _) = $0 { events.add("\(attempt):\(wait)") } })
        let request = HTTPRequest(method: "DELETE", url: URL(string: "https://acme.atlassian.net/x")!)
        let response = try await client.send(request)
        #expect(response.status == 204)
        #expect(clock.sleeps == [7, 1, 2])
        #expect(events.all == ["1:7.0", "2:1.0", "3:2.0"])
        #expect(transport.sent == 4)
    }

    @Test func aFourHundredIsReturnedAtOnce() async throws {
        let transport = Scripted([.success(HTTPResponse(status: 404, headers: [:], body: []))])
        let clock = RecordingClock()
        let client = HTTPClient(transport: transport, clock: clock, jitter: { 0 })
        let response = try await client.send(HTTPRequest(method: "GET", url: URL(string: "https://a.atlassian.net")!))
        #expect(response.status == 404)
        #expect(clock.sleeps.isEmpty)
        #expect(transport.sent == 1)
    }

    @Test func exhaustedRetriesReturnTheLastAnswer() async throws {
        let transport = Scripted(
            Array(repeating: .success(HTTPResponse(status: 502, headers: [:], body: [])), count: 6))
        let clock = RecordingClock()
        let client = HTTPClient(transport: transport, clock: clock, jitter: { 0 })
        let response = try await client.send(HTTPRequest(method: "GET", url: URL(string: "https://a.atlassian.net")!))
        #expect(response.status == 502)
        #expect(transport.sent == 6)
        #expect(clock.sleeps == [0.5, 1, 2, 4, 8])
    }

    @Test func aWaitLongerThanThePolicyAllowsIsAnError() async throws {
        let transport = Scripted([.success(HTTPResponse(status: 429, headers: ["retry-after": "7200"], body: []))])
        let client = HTTPClient(transport: transport, clock: RecordingClock(), jitter: { 0 })
        await #expect(throws: RemoteError.self) {
            try await client.send(HTTPRequest(method: "GET", url: URL(string: "https://a.atlassian.net")!))
        }
        #expect(transport.sent == 1)
    }
}
