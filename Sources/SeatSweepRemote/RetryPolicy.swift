import Foundation
import SeatSweepKit

/// The time source retries wait on. Tests inject one that records the waits and returns at
/// once, so no test ever sleeps for real.
public protocol RetryClock: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    func now() -> Double
    /// Waits `seconds` (throws when the task is cancelled).
    func sleep(seconds: Double) async throws
}

/// The wall clock and `Task.sleep`.
public struct SystemRetryClock: RetryClock {
    public init() {}
    /// The wall clock, in seconds since 1970.
    public func now() -> Double { Date().timeIntervalSince1970 }
    /// Sleeps for real: the one place retries wait.
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

/// When to retry a request and how long to wait first.
///
/// - 429 and 5xx are retried, waiting what the server asks: `Retry-After` (seconds or an HTTP
///   date), else until `X-RateLimit-Reset` (`yyyy-MM-ddTHH:mmZ`), else exponential backoff
///   with jitter: attempt n waits between half and all of `min(maxBackoff, baseDelay × 2^(n-1))`.
/// - Connection errors (no response at all) are retried with the same backoff.
/// - Every other status is final: a 4xx will not change by asking again.
/// - A server that asks for more than `maxWait` seconds is not argued with: the request
///   fails with that reason instead of waiting less than asked.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts = 6
    public var baseDelay = 1.0
    public var maxBackoff = 60.0
    public var maxWait = 900.0

    public init() {}

    /// Why an attempt did not succeed.
    public enum Failure: Sendable, Equatable {
        case status(Int, retryAfter: String?, rateLimitReset: String?)
        case connection(String)
    }

    /// What to do next.
    public enum Decision: Sendable, Equatable {
        /// Wait `after` seconds, then send again; `because` is for the log.
        case retry(after: Double, because: String)
        /// Stop retrying: the failure is final for this request.
        case stop(String)
    }

    /// Whether a status is worth asking again.
    public static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    /// Decides after attempt number `attempt` (1-based) failed at time `now`; `jitter` is in [0, 1).
    public func decide(_ failure: Failure, attempt: Int, now: Double, jitter: Double) -> Decision {
        let what: String
        var asked: (seconds: Double, source: String)?
        switch failure {
        case .status(let status, let retryAfter, let reset):
            guard Self.isRetryable(status: status) else { return .stop("HTTP \(status) is not retried") }
            what = "HTTP \(status)"
            if let retryAfter, let seconds = Self.retryAfterSeconds(retryAfter, now: now) {
                asked = (seconds, "Retry-After")
            } else if status == 429, let reset, let until = Self.resetTime(reset) {
                asked = (max(0, (until - now).rounded(.up)), "X-RateLimit-Reset")
            }
        case .connection(let message):
            what = message
        }
        guard attempt < maxAttempts else { return .stop("\(what); gave up after \(attempt) attempts") }
        if let asked {
            guard asked.seconds <= maxWait else {
                return .stop(
                    "\(what); the server asks to wait \(Int(asked.seconds)) s (\(asked.source)), longer than the "
                        + "\(Int(maxWait)) s seatsweep waits; run apply again later")
            }
            return .retry(
                after: asked.seconds, because: "\(what), waiting \(Self.format(asked.seconds)) s (\(asked.source))")
        }
        let ceiling = min(maxBackoff, baseDelay * pow(2, Double(attempt - 1)))
        let wait = ceiling / 2 + ceiling / 2 * min(max(jitter, 0), 1)
        return .retry(after: wait, because: "\(what), waiting \(Self.format(wait)) s (backoff)")
    }

    /// `Retry-After`: whole or decimal seconds, or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
    public static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        if let date = httpDate(text) { return max(0, (date - now).rounded(.up)) }
        return nil
    }

    /// `X-RateLimit-Reset`: `2026-11-01T08:05Z` (Atlassian's form) or any ISO 8601 instant.
    public static func resetTime(_ value: String) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let t = Timestamp(iso: text) { return Double(t.seconds) }
        if text.hasSuffix("Z"), text.count == 17, let t = Timestamp(iso: String(text.dropLast()) + ":00Z") {
            return Double(t.seconds)
        }
        return nil
    }

    /// IMF-fixdate, the only HTTP date form servers send today.
    static func httpDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else {
            return nil
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, let d = Day(year: year, month: month + 1, day: day) else { return nil }
        return Double(Timestamp(day: d).seconds) + Double(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
