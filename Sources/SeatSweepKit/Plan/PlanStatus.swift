/// Whether a plan can be applied now, and why not: what `plan show` reports at the top.
public struct PlanStatus: Sendable, Equatable {
    public var integrity: PlanCodec.Integrity
    /// Nil when `expiresAt` is not a date.
    public var expiresAt: Timestamp?
    public var expired: Bool
    public var approved: Int
    public var rejected: Int
    public var pending: Int

    public init(_ plan: Plan, now: Timestamp) {
        integrity = PlanCodec.integrity(plan)
        expiresAt = Timestamp(iso: plan.expiresAt)
        expired = expiresAt.map { !(now < $0) } ?? true
        approved = plan.actions.count { $0.decision == .approved }
        rejected = plan.actions.count { $0.decision == .rejected }
        pending = plan.actions.count { $0.decision == .pending }
    }

    /// Intact, not expired and with at least one approved action (what `apply` also checks).
    public var readyToApply: Bool { integrity == .intact && !expired && approved > 0 }

    /// The reasons `apply` would refuse the plan now, in words.
    public var problems: [String] {
        var out: [String] = []
        if case .tampered = integrity { out.append("tampered: the content does not match the digest") }
        if expired { out.append("expired") }
        if approved == 0 { out.append("no action is approved") }
        return out
    }
}
