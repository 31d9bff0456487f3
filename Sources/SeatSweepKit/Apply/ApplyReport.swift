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

    /// How many actions ended with `outcome`.
    public func count(_ outcome: Outcome) -> Int { entries.count { $0.outcome == outcome } }

    /// `confluence@acme` for site actions, `organisation` for account-wide ones.
    public static func target(of action: PlanAction) -> String {
        if let product = action.product, let site = action.site { return "\(product)@\(site)" }
        if let site = action.site { return "@\(site)" }
        return "organisation"
    }

    /// The report printed at the end of a run: one line per approved action, then the counts,
    /// and for failures what to do next.
    public func render() -> String {
        var lines: [String] = []
        let counts = Outcome.allCases.compactMap { o -> String? in
            let n = count(o)
            return n == 0 ? nil : "\(n) \(o.rawValue)"
        }
        lines.append(
            (dryRun ? "seatsweep apply --dry-run" : "seatsweep apply") + ", plan \(planId): \(entries.count) approved "
                + "action\(entries.count == 1 ? "" : "s"): " + counts.joined(separator: ", "))
        lines += TextColumns.align(
            entries.map { e in
                [
                    e.outcome.rawValue, e.actionId, e.kind.rawValue, TerminalText.safe(e.target, limit: 60),
                    TerminalText.safe(e.name, limit: 60) + ": " + TerminalText.safe(e.detail, limit: 300),
                ]
            })
        if !allSucceeded {
            lines.append(
                "\(entries.count { !$0.outcome.isSuccess }) action(s) not done; run the same `seatsweep apply` again "
                    + "to retry them (finished actions are not repeated)")
        }
        return lines.joined(separator: "\n")
    }
}
