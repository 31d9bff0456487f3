/// Records a review session in a plan: the decisions, who made them and when.
///
/// Only the fields outside the digest change (`decision`, `decidedBy`, `decidedAt` and a new
/// `reviews` entry), so a reviewed plan still proves it is the plan the audit wrote. The
/// reviewer refuses a plan whose digest does not match before changing anything: a review
/// must never bless a tampered plan.
///
/// Example: a plan with actions `a1`, `a2`, `a3` reviewed by "Ana" with `--approve a1
/// --reject a2` ends with a1 approved, a2 rejected, a3 pending, and the review entry
/// `{by: Ana, approved: 1, rejected: 1, pending: 1}`.
public struct PlanReviewer: Sendable {
    public var reviewer: String
    public var at: Timestamp

    public init(reviewer: String, at: Timestamp) {
        self.reviewer = reviewer
        self.at = at
    }

    /// The longest reviewer name accepted (it is printed in reports and logs).
    public static let maxNameLength = 200

    /// Checks a reviewer name: not blank, no control characters, at most 200 characters.
    public static func validateName(_ name: String) -> String? {
        if name.trimmingSpaces.isEmpty { return "the reviewer name is empty" }
        if name.count > maxNameLength { return "the reviewer name is longer than \(maxNameLength) characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the reviewer name contains control characters"
        }
        return nil
    }

    /// Applies `instruction` to `plan` (read from `path`). Every problem with the decisions is
    /// reported at once; nothing changes unless all of them are valid.
    public func run(_ plan: Plan, _ instruction: ReviewInstruction, path: String) throws(SeatSweepError) -> Plan {
        if let problem = Self.validateName(reviewer) {
            throw SeatSweepError(problem, hint: "pass --by with your name as the approver")
        }
        if case .tampered = PlanCodec.integrity(plan) {
            throw SeatSweepError(
                "the plan was changed after the audit wrote it (its digest does not match); it cannot be reviewed",
                at: SourceLocation(path: path),
                hint: "run `seatsweep audit` again and review the new plan")
        }
        var reviewed = plan
        var approved = 0
        var rejected = 0
        let stamp = at.iso
        switch instruction {
        case .approveAllPending:
            for i in reviewed.actions.indices where reviewed.actions[i].decision == .pending {
                reviewed.actions[i].decision = .approved
                reviewed.actions[i].decidedBy = reviewer
                reviewed.actions[i].decidedAt = stamp
                approved += 1
            }
        case .decisions(let decisions):
            let chosen = try Self.resolve(decisions, plan: plan, path: path)
            for i in reviewed.actions.indices {
                guard let decision = chosen[reviewed.actions[i].id] else { continue }
                reviewed.actions[i].decision = decision
                reviewed.actions[i].decidedBy = reviewer
                reviewed.actions[i].decidedAt = stamp
                if decision == .approved { approved += 1 } else if decision == .rejected { rejected += 1 }
            }
        }
        let pending = reviewed.actions.count { $0.decision == .pending }
        reviewed.reviews.append(
            PlanReview(by: reviewer, at: stamp, approved: approved, rejected: rejected, pending: pending))
        return reviewed
    }

    /// One decision per action id: unknown ids and contradicting decisions are errors.
    static func resolve(
        _ decisions: [ReviewDecision], plan: Plan, path: String
    ) throws(SeatSweepError) -> [String: PlanAction.Decision] {
        let known = Set(plan.actions.map(\.id))
        var chosen: [String: (PlanAction.Decision, SourceLocation?)] = [:]
        var problems: [SeatSweepError] = []
        for d in decisions {
            guard known.contains(d.actionId) else {
                problems.append(
                    SeatSweepError(
                        "'\(TerminalText.safe(d.actionId))' is not the id of an action in this plan",
                        at: d.location ?? SourceLocation(path: path),
                        hint: "take the ids from `seatsweep plan show \(path)` or the plan's report"))
                continue
            }
            if let earlier = chosen[d.actionId], earlier.0 != d.decision {
                let whereEarlier = earlier.1.map { " at \($0)" } ?? ""
                problems.append(
                    SeatSweepError(
                        "action \(d.actionId) is both \(earlier.0.rawValue)\(whereEarlier) and \(d.decision.rawValue) here",
                        at: d.location,
                        hint: "decide each action once"))
                continue
            }
            chosen[d.actionId] = (d.decision, d.location)
        }
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return chosen.mapValues(\.0)
    }
}
