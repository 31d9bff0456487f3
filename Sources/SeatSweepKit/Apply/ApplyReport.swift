/// What one `apply` run did, action by action, for the summary and the exit code.
public struct ApplyReport: Sendable, Equatable {
    /// How an action ended in this run.
    public enum Outcome: String, Sendable, CaseIterable {
        case done
        case alreadyDone = "already-done"
        /// Finished by an earlier run (journal); not touched again.
        case doneEarlier = "done-earlier"
        case failed
        case skipped
        /// `--dry-run`: the requests were printed, not sent.
        case dryRun = "dry-run"

        /// Whether the action's goal holds after this run.
        public var isSuccess: Bool { self != .failed && self != .skipped }
    }

    /// One approved action.
    public struct Entry: Sendable, Equatable {
        public var actionId: String
        public var kind: PlanAction.Kind
        public var name: String
        public var email: String
        /// `product@site`, or `organisation` for account-wide actions.
        public var target: String
        public var outcome: Outcome
        /// What happened, or why not (`removed from jira-users-acme`, `HTTP 403: ...`).
        public var detail: String
        public var status: Int?

        public init(
            action: PlanAction, outcome: Outcome, detail: String, status: Int? = nil
        ) {
            self.actionId = action.id
            self.kind = action.kind
            self.name = action.name
            self.email = action.email
            self.target = ApplyReport.target(of: action)
            self.outcome = outcome
            self.detail = detail
            self.status = status
        }
    }

    public var planId: String
    public var dryRun: Bool
    public var entries: [Entry]

    public init(planId: String, dryRun: Bool, entries: [Entry]) {
        self.planId = planId
        self.dryRun = dryRun
        self.entries = entries
    }

    /// Whether every approved action's goal holds (exit 0), else some failed (exit 2).
    public var allSucceeded: Bool { entries.allSatisfy(\.outcome.isSuccess) }

    public func count(_ outcome: Outcome) -> Int { entries.count { $0.outcome == outcome } }

    /// `confluence@acme` for site actions, `organisation` for account-wide ones.
    public static func target(of action: PlanAction) -> String {
        if let product = action.product, let site = action.site { return "\(product)@\(site)" }
        if let site = action.site { return "@\(site)" }
        return "organisation"
    }

    /// The summary printed at the end of a run; failures listed with their reasons.
    public func render() -> String {
        var lines: [String] = []
        let counts = Outcome.allCases.compactMap { o -> String? in
            let n = count(o)
            return n == 0 ? nil : "\(n) \(o.rawValue)"
        }
        lines.append(
            (dryRun ? "seatsweep apply --dry-run" : "seatsweep apply") + ", plan \(planId): \(entries.count) approved "
                + "action\(entries.count == 1 ? "" : "s"): " + counts.joined(separator: ", "))
        let problems = entries.filter { !$0.outcome.isSuccess }
        if !problems.isEmpty {
            lines.append("not done:")
            for e in problems {
                lines.append(
                    "  \(e.actionId)  \(e.outcome.rawValue)  \(e.kind.rawValue)  \(e.target)  "
                        + TerminalText.safe(e.name, limit: 60) + ": " + TerminalText.safe(e.detail, limit: 300))
            }
            lines.append("  run the same `seatsweep apply` again to retry them; finished actions are not repeated")
        }
        return lines.joined(separator: "\n")
    }
}
