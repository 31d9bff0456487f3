/// The checks `apply` makes before it sends anything: a plan that fails any of them is refused
/// whole and nothing is sent.
///
/// - the digest matches (nobody edited the plan outside a review);
/// - the plan has not expired (`expiresAt`, against the clock the command passes in);
/// - at least one action is approved, and no more than `maxActions`;
/// - every approved action can be carried out: a well-formed account id, a site that names an
///   `atlassian.net` site for group changes, an organisation for suspensions, exact groups for
///   restores;
/// - no approved action takes access from a protected account (app accounts, members of admin
///   groups, the plan's protect lists).
///
/// The schema version is checked when the plan is decoded, and the account running `apply` is
/// checked against the live site once credentials are known.
public struct ApplyGate: Sendable {
    public var now: Timestamp
    public var maxActions: Int
    /// The organisation for org-wide actions: `--org`, else the plan's `source.orgId`.
    public var orgId: String?

    public init(now: Timestamp, maxActions: Int, orgId: String?) {
        self.now = now
        self.maxActions = maxActions
        self.orgId = orgId
    }

    /// Throws every problem at once, or returns the approved actions in plan order.
    public func check(_ plan: Plan, path: String) throws(SeatSweepError) -> [PlanAction] {
        let problems = self.problems(plan, path: path)
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return plan.actions.filter { $0.decision == .approved }
    }

    /// Every reason to refuse the plan, most fundamental first.
    public func problems(_ plan: Plan, path: String) -> [SeatSweepError] {
        let file = SourceLocation(path: path)
        var out: [SeatSweepError] = []
        if case .tampered = PlanCodec.integrity(plan) {
            out.append(
                SeatSweepError(
                    "the plan was changed after the audit wrote it (its digest does not match its content); "
                        + "nothing was sent",
                    at: file,
                    hint:
                        "run `seatsweep audit` again; decisions go through `seatsweep plan review`, never a text editor"
                ))
        }
        if let expires = Timestamp(iso: plan.expiresAt) {
            if !(now < expires) {
                let days = (now.seconds - expires.seconds) / 86_400
                out.append(
                    SeatSweepError(
                        "the plan expired at \(plan.expiresAt)"
                            + (days > 0 ? " (\(days) day\(days == 1 ? "" : "s") ago)" : "") + "; nothing was sent",
                        at: file,
                        hint: "run `seatsweep audit` on a fresh export: who is inactive has changed since"))
            }
        } else {
            out.append(
                SeatSweepError(
                    "the plan's expiresAt '\(TerminalText.safe(plan.expiresAt, limit: 40))' is not a date",
                    at: file, hint: "run `seatsweep audit` again"))
        }
        let approved = plan.actions.filter { $0.decision == .approved }
        if approved.isEmpty {
            out.append(
                SeatSweepError(
                    "no action in the plan is approved; nothing was sent", at: file,
                    hint: "review it first: `seatsweep plan review \(path) --by NAME --approve ID,...` "
                        + "(or --approve-all, or --from the reviewed report.xlsx)"))
        } else if approved.count > maxActions {
            out.append(
                SeatSweepError(
                    "\(approved.count) actions are approved, more than the limit of \(maxActions); nothing was sent",
                    at: file,
                    hint: "pass --max-actions \(approved.count) if you mean to apply them all in one run"))
        }
        for action in approved {
            if let problem = problem(action, rules: plan.rules) {
                out.append(
                    SeatSweepError(
                        "action \(action.id) (\(action.kind.rawValue), \(TerminalText.safe(action.name, limit: 80))): "
                            + problem + "; nothing was sent",
                        at: file,
                        hint: "reject it with `seatsweep plan review \(path) --by NAME --reject \(action.id)`"))
            }
        }
        return out
    }

    /// Why one approved action cannot be carried out, or nil.
    func problem(_ action: PlanAction, rules: PlanRules) -> String? {
        guard AccessRules.isSafeIdentifier(action.accountId) else {
            return
                "the account id '\(TerminalText.safe(action.accountId, limit: 60))' is not a valid Atlassian account id"
        }
        switch action.kind {
        case .removeProductAccess, .restoreGroups:
            guard let site = action.site, !site.isEmpty else {
                return "it has no site; group changes are made on one site"
            }
            guard AccessRules.isAddressableSite(site) else {
                return "the site '\(TerminalText.safe(site, limit: 60))' is not an atlassian.net site name "
                    + "(a product instance id or a custom domain cannot be addressed)"
            }
            if action.kind == .removeProductAccess {
                guard let product = action.product, !product.isEmpty else { return "it names no product" }
            } else {
                guard let targets = action.targetGroups, !targets.isEmpty else {
                    return "it names no group to re-add"
                }
                if let bad = targets.first(where: { !AccessRules.isSafeIdentifier($0.groupId) }) {
                    return "the group id '\(TerminalText.safe(bad.groupId, limit: 60))' is not valid"
                }
            }
        case .suspend, .restoreAccess:
            guard let orgId, !orgId.isEmpty else {
                return "it needs the organisation id, which the plan does not record; pass --org ORG"
            }
            guard AccessRules.isSafeIdentifier(orgId) else { return "the organisation id is not valid" }
        }
        if AccessRules.takesAccess(action.kind),
            let reason = AccessRules.protection(
                accountId: action.accountId, email: action.email, groups: action.groups, rules: rules)
        {
            return "the account is protected (\(reason))"
        }
        return nil
    }
}
