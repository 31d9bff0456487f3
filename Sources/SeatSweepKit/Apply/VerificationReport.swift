/// What `verify` found when it read the live state back, action by action.
public struct VerificationReport: Sendable, Equatable {
    /// The state of one action's goal.
    public enum Status: String, Sendable, CaseIterable {
        /// The goal holds (groups left or joined, account suspended or restored).
        case done
        /// The goal does not hold and the journal does not say it was reached.
        case notDone = "not-done"
        /// The journal says the action was done, but the live state no longer shows it
        /// (someone re-added the group or restored the account since).
        case changedSince = "changed-since"
        /// The live state could not be read; `detail` says why.
        case unreadable
        /// Not approved, so not checked.
        case notApproved = "not-approved"
    }

    /// One action.
    public struct Entry: Sendable, Equatable {
        public var actionId: String
        public var kind: PlanAction.Kind
        public var accountId: String
        public var name: String
        public var email: String
        public var target: String
        public var decision: PlanAction.Decision
        public var status: Status
        public var detail: String

        public init(action: PlanAction, status: Status, detail: String) {
            self.actionId = action.id
            self.kind = action.kind
            self.accountId = action.accountId
            self.name = action.name
            self.email = action.email
            self.target = ApplyReport.target(of: action)
            self.decision = action.decision
            self.status = status
            self.detail = detail
        }
    }

    public var planId: String
    public var checkedAt: String
    public var entries: [Entry]

    public init(planId: String, checkedAt: String, entries: [Entry]) {
        self.planId = planId
        self.checkedAt = checkedAt
        self.entries = entries
    }

    /// Classifies a goal check: met → done; not met → changed-since when the journal says the
    /// action finished, else not-done.
    public static func status(goalMet: Bool, journalSaysDone: Bool) -> Status {
        if goalMet { return .done }
        return journalSaysDone ? .changedSince : .notDone
    }

    /// Exit 0 only when this holds: every approved action is done (and there is one).
    public var allApprovedDone: Bool {
        let approved = entries.filter { $0.decision == .approved }
        return !approved.isEmpty && approved.allSatisfy { $0.status == .done }
    }

    /// How many actions have `status`.
    public func count(_ status: Status) -> Int { entries.count { $0.status == status } }

    /// The table printed to a person.
    public func render() -> String {
        var lines = ["seatsweep verify, plan \(planId), live state read at \(checkedAt)"]
        lines += TextColumns.align(
            entries.map { e in
                [
                    e.actionId, e.status.rawValue, e.kind.rawValue, TerminalText.safe(e.target, limit: 60),
                    TerminalText.safe(e.name, limit: 60)
                        + (e.detail.isEmpty ? "" : ": " + TerminalText.safe(e.detail, limit: 300)),
                ]
            })
        let counts = Status.allCases.compactMap { s -> String? in
            let n = count(s)
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        lines.append(
            (allApprovedDone ? "every approved action is done" : "NOT every approved action is done") + " ("
                + counts.joined(separator: ", ") + ")")
        return lines.joined(separator: "\n")
    }

    /// `verify --json`: schemaVersion 1, keys sorted.
    public func renderJSON() -> [UInt8] {
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.key("actions")
        w.beginArray()
        for e in entries {
            w.beginObject()
            w.member("accountId", e.accountId)
            w.member("decision", e.decision.rawValue)
            w.member("detail", e.detail)
            w.member("email", e.email)
            w.member("id", e.actionId)
            w.member("kind", e.kind.rawValue)
            w.member("name", e.name)
            w.member("status", e.status.rawValue)
            w.member("target", e.target)
            w.endObject()
        }
        w.endArray()
        w.member("allApprovedDone", allApprovedDone)
        w.member("checkedAt", checkedAt)
        w.key("counts")
        w.beginObject()
        for s in Status.allCases.sorted(by: { PlanCodec.utf8Less($0.rawValue, $1.rawValue) }) {
            w.member(s.rawValue, count(s))
        }
        w.endObject()
        w.member("planId", planId)
        w.member("schemaVersion", 1)
        w.endObject()
        return w.bytes
    }
}
