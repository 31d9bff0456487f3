import Foundation

/// `seatsweep plan show`: a plan for a person (text) or a program (JSON), stale or not.
///
/// The text view opens with what a reviewer must know before anything else (is the plan
/// intact, has it expired, how many actions are decided), then lists every action with its
/// evidence and decision. All text from the plan passes through `TerminalText.safe`.
public enum PlanShowRenderer {
    /// The text view.
    public static func render(_ plan: Plan, now: Timestamp, path: String) -> String {
        let status = PlanStatus(plan, now: now)
        var lines: [String] = []
        lines.append("plan \(TerminalText.safe(plan.planId)) (\(TerminalText.safe(plan.tool)))")
        lines.append("  file       \(TerminalText.safe(path))")
        lines.append("  audit      as of \(plan.asOf), written \(plan.generatedAt)")
        switch status.integrity {
        case .intact:
            lines.append("  digest     intact (sha256 \(plan.digest.prefix(16))…)")
        case .tampered:
            lines.append("  digest     TAMPERED: the content does not match the digest; apply refuses this plan")
        }
        if let expires = status.expiresAt {
            let days = (expires.seconds - now.seconds) / 86_400
            if status.expired {
                let ago = (now.seconds - expires.seconds) / 86_400
                lines.append(
                    "  expires    \(plan.expiresAt): EXPIRED" + (ago > 0 ? " \(ago) day\(ago == 1 ? "" : "s") ago" : "")
                        + "; apply refuses this plan")
            } else {
                lines.append(
                    "  expires    \(plan.expiresAt) (" + (days > 0 ? "in \(days) day\(days == 1 ? "" : "s")" : "today")
                        + ")")
            }
        } else {
            lines.append(
                "  expires    '\(TerminalText.safe(plan.expiresAt, limit: 40))' is not a date; apply refuses this plan")
        }
        lines.append(
            "  actions    \(plan.actions.count): \(status.approved) approved, \(status.rejected) rejected, "
                + "\(status.pending) pending" + kindsSummary(plan))
        if let savings = plan.savings {
            lines.append(
                "  savings    \(money(savings.monthlySavings, savings.currency)) a month, "
                    + "\(money(savings.annualSavings, savings.currency)) a year "
                    + "(prices: \(TerminalText.safe(savings.source, limit: 80)))")
        }
        if plan.reviews.isEmpty {
            lines.append("  reviews    none yet")
        } else {
            for (i, r) in plan.reviews.enumerated() {
                lines.append(
                    (i == 0 ? "  reviews    " : "             ") + "\(r.at) by \(TerminalText.safe(r.by, limit: 80)): "
                        + "\(r.approved) approved, \(r.rejected) rejected, \(r.pending) still pending")
            }
        }
        lines.append(
            "  apply      "
                + (status.readyToApply
                    ? "ready: \(status.approved) approved action\(status.approved == 1 ? "" : "s") would be applied"
                    : "refused now (" + status.problems.joined(separator: "; ") + ")"))
        lines.append("")
        for a in plan.actions {
            lines.append(
                "  \(a.id)  \(a.decision.rawValue.padding(8))  \(a.kind.rawValue)  \(TerminalText.safe(ApplyReport.target(of: a)))  "
                    + TerminalText.safe(a.name, limit: 80) + " <\(TerminalText.safe(a.email, limit: 80))>")
            let indent = "      "
            lines.append(indent + "account   \(TerminalText.safe(a.accountId, limit: 80))")
            var activity = "last active " + (a.lastActive ?? "never")
            if let days = a.daysInactive { activity += ", \(days) days inactive" }
            lines.append(indent + "activity  \(activity)")
            lines.append(indent + "reason    \(TerminalText.safe(a.reason, limit: 300))")
            lines.append(indent + "evidence  \(TerminalText.safe(a.evidence.path)):\(a.evidence.line)")
            for seat in a.seats {
                lines.append(
                    indent
                        + "seat      \(TerminalText.safe(seat.product))@\(TerminalText.safe(seat.site)), last active "
                        + (seat.lastActive ?? "never") + (seat.daysInactive.map { ", \($0) days" } ?? ""))
            }
            if let targets = a.targetGroups {
                lines.append(
                    indent + "re-add to "
                        + targets.map {
                            "\(TerminalText.safe($0.name, limit: 80)) (\(TerminalText.safe($0.groupId, limit: 60)))"
                        }
                        .joined(separator: ", "))
            } else if !a.groups.isEmpty {
                lines.append(
                    indent + "groups    " + a.groups.map { TerminalText.safe($0, limit: 80) }.joined(separator: ", "))
            }
            if let by = a.decidedBy {
                lines.append(
                    indent + "decided   \(a.decision.rawValue) by \(TerminalText.safe(by, limit: 80))"
                        + (a.decidedAt.map { " at \(TerminalText.safe($0, limit: 40))" } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// An exact decimal amount from the plan, rounded to the currency's minor unit for a person.
    static func money(_ amount: String, _ currency: String) -> String {
        guard let value = Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) else {
            return TerminalText.safe("\(currency) \(amount)", limit: 40)
        }
        return TerminalText.safe("\(currency) \(Money.display(value, currency: currency))", limit: 40)
    }

    static func kindsSummary(_ plan: Plan) -> String {
        var counts: [(PlanAction.Kind, Int)] = []
        for kind in PlanAction.Kind.allCases {
            let n = plan.actions.count { $0.kind == kind }
            if n > 0 { counts.append((kind, n)) }
        }
        guard counts.count > 0 else { return "" }
        return " (" + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + ")"
    }

    /// `plan show --json`: the plan's actions and review history with its status (schemaVersion 1, keys sorted).
    public static func renderJSON(_ plan: Plan, now: Timestamp) -> [UInt8] {
        let status = PlanStatus(plan, now: now)
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.key("actions")
        w.beginArray()
        for action in plan.actions { PlanCodec.write(action, to: &w, canonical: false) }
        w.endArray()
        w.member("asOf", plan.asOf)
        w.key("counts")
        w.beginObject()
        w.member("approved", status.approved)
        w.member("pending", status.pending)
        w.member("rejected", status.rejected)
        w.member("total", plan.actions.count)
        w.endObject()
        w.member("digest", plan.digest)
        w.member("expired", status.expired)
        w.member("expiresAt", plan.expiresAt)
        w.member("generatedAt", plan.generatedAt)
        w.member("integrity", status.integrity == .intact ? "intact" : "tampered")
        w.member("planId", plan.planId)
        w.member("problems", status.problems)
        w.member("readyToApply", status.readyToApply)
        w.key("reviews")
        PlanCodec.write(plan.reviews, to: &w)
        w.key("rules")
        PlanCodec.write(plan.rules, to: &w)
        w.key("savings")
        PlanCodec.write(plan.savings, to: &w)
        w.member("schemaVersion", 1)
        w.member("tool", plan.tool)
        w.endObject()
        return w.bytes
    }
}
