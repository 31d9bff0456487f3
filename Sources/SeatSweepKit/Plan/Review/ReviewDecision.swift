/// One reviewer decision read from the command line or a reviewed sheet: which action, what
/// was decided, and where it was written (for error messages).
public struct ReviewDecision: Sendable, Equatable {
    public var actionId: String
    public var decision: PlanAction.Decision
    /// The sheet cell or CSV field that holds the decision; nil for command-line ids.
    public var location: SourceLocation?

    public init(actionId: String, decision: PlanAction.Decision, location: SourceLocation? = nil) {
        self.actionId = actionId
        self.decision = decision
        self.location = location
    }

    /// Reads a reviewer's word for a decision, case-insensitively.
    ///
    /// `approve`, `approved`, `yes`, `y`, `x` → approved; `reject`, `rejected`, `no`, `n` →
    /// rejected; blank → nil (no decision: the action stays as it is). Anything else is
    /// `.failure`, so a typo such as `aprove` never counts as a decision.
    public static func parse(_ text: String) -> Result<PlanAction.Decision?, ReviewWordError> {
        switch text.trimmingSpaces.lowercased() {
        case "": return .success(nil)
        case "approve", "approved", "yes", "y", "x": return .success(.approved)
        case "reject", "rejected", "no", "n": return .success(.rejected)
        default: return .failure(ReviewWordError(text: text))
        }
    }

    /// The words `parse` accepts, for hints.
    public static let acceptedWords = "approve (or approved, yes, y, x), reject (or rejected, no, n), or blank"
}

/// A decision cell holding something that is neither approve, reject nor blank.
public struct ReviewWordError: Error, Sendable, Equatable {
    public var text: String
}

/// What a review session decides: every pending action approved, or explicit decisions.
public enum ReviewInstruction: Sendable, Equatable {
    /// Approve every action that is still pending; earlier rejections stand.
    case approveAllPending
    /// Set these decisions; every id must name an action of the plan.
    case decisions([ReviewDecision])
}
