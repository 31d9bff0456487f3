/// A fatal problem: the command stops, writes nothing, and prints this.
///
/// Every error says where (file, line, column when known) and what to do about it.
public struct SeatSweepError: Error, Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation?
    public var message: String
    /// What the user should do next, in one sentence.
    public var hint: String?
    /// Further problems found in the same pass (a policy file with three bad values reports all three).
    public var related: [SeatSweepError] = []

    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    /// The first of `errors`, carrying the rest as `related`.
    public init(collecting errors: [SeatSweepError]) {
        self = errors[0]
        related = Array(errors.dropFirst())
    }

    /// `path:line:column: error: message` followed by the hint on its own line.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? "seatsweep: "
        var text = "\(prefix)error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        for other in related { text += "\n" + other.description }
        return text
    }
}
