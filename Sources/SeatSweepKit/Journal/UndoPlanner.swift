/// Turns a journal into a restore plan that reverses what it says was done.
///
/// - Every group an account was removed from (outcome done or already-done) becomes one
///   `restore-groups` action per original action, naming the exact groups (id and name).
/// - Every suspension becomes a `restore-access` action.
/// - A removal still in flight when apply stopped (an intent without outcome) is included
///   too: re-adding a group the account is still in is a no-op that `apply` reports as already
///   done, while leaving it out could lose access for good.
///
/// The restore plan is an ordinary plan: every action pending, bound by its own digest, valid
/// for as long as the original was, and it goes through `plan review` and `apply` like any other.
public struct UndoPlanner: Sendable {
    public var generatedAt: Timestamp
    public var toolVersion: String

    public init(generatedAt: Timestamp, toolVersion: String) {
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
    }

    /// The restore plan and notes for the person running undo.
    public struct Result: Sendable {
        public var plan: Plan
        public var notes: [String]
    }

    /// Builds the restore plan for the journal at `path` whose bytes hash to `sha256`.
    public func run(_ state: JournalState, path: String, sha256: String) throws(SeatSweepError) -> Result {
        guard let firstRun = state.runs.first else {
            throw SeatSweepError(
                "this journal has no run line; it was not written by `seatsweep apply`", at: SourceLocation(path: path),
                hint: "pass the PLAN.journal.jsonl that apply wrote beside the plan")
        }
        var actions: [PlanAction] = []
        var notes: [String] = []
        var inFlight = 0
        for id in state.actionOrder {
            var settled = (state.steps[id] ?? []).filter {
                $0.outcome.result == .done || $0.outcome.result == .alreadyDone
            }
            .map { ($0.intent, $0.line) }
            let open = state.openIntents[id] ?? []
            inFlight += open.count
            settled += open.map { ($0, 0) }
            guard let (first, line) = settled.first else { continue }
            if first.kind == .restoreGroups || first.kind == .restoreAccess {
                throw SeatSweepError(
                    "this journal is of a restore plan; undo reverses removals and suspensions only",
                    at: SourceLocation(path: path),
                    hint: "to take access away again, apply the original plan (or a new audit's plan)")
            }
            let evidence = PlanEvidence(path: path, line: line > 0 ? line : (settled.first { $0.1 > 0 }?.1 ?? 0))
            let when = firstRun.at.prefix(10)
            switch first.kind {
            case .removeProductAccess:
                var groups: [PlanGroup] = []
                for (intent, _) in settled where intent.step == .removeGroup {
                    if let group = intent.group, !groups.contains(where: { $0.groupId == group.groupId }) {
                        groups.append(group)
                    }
                }
                guard !groups.isEmpty else { continue }
                actions.append(
                    PlanAction(
                        id: "", kind: .restoreGroups, accountId: first.accountId, email: first.email, name: first.name,
                        product: first.product, site: first.site, groups: groups.map(\.name), targetGroups: groups,
                        seats: [], lastActive: nil, daysInactive: nil,
                        reason:
                            "undo: re-add to \(groups.count == 1 ? "the group" : "the \(groups.count) groups") "
                            + "seatsweep removed on \(when) (plan \(firstRun.planId), action \(id))",
                        evidence: evidence, decision: .pending, decidedBy: nil, decidedAt: nil))
            case .suspend:
                guard settled.contains(where: { $0.0.step == .suspend }) else { continue }
                actions.append(
                    PlanAction(
                        id: "", kind: .restoreAccess, accountId: first.accountId, email: first.email, name: first.name,
                        product: nil, site: nil, groups: [], targetGroups: nil, seats: [], lastActive: nil,
                        daysInactive: nil,
                        reason: "undo: restore the access seatsweep suspended on \(when) (plan \(firstRun.planId), "
                            + "action \(id))",
                        evidence: evidence, decision: .pending, decidedBy: nil, decidedAt: nil))
            case .restoreGroups, .restoreAccess:
                break
            }
        }
        guard !actions.isEmpty else {
            throw SeatSweepError(
                "the journal records no change that was made, so there is nothing to undo",
                at: SourceLocation(path: path),
                hint: "`seatsweep verify PLAN` shows what the live state is")
        }
        if inFlight > 0 {
            notes.append(
                "\(inFlight) request(s) were in flight when apply last stopped; their groups are included "
                    + "(re-adding a group the account is still in changes nothing)")
        }
        actions.sort {
            ($0.product ?? "", $0.site ?? "", $0.accountId, $0.kind.rawValue) < (
                $1.product ?? "", $1.site ?? "", $1.accountId, $1.kind.rawValue
            )
        }
        Planner.assignIds(&actions)
        let validity: Int64 = {
            guard let generated = Timestamp(iso: firstRun.planGeneratedAt),
                let expires = Timestamp(iso: firstRun.planExpiresAt), expires.seconds > generated.seconds
            else { return 14 * 86_400 }
            return expires.seconds - generated.seconds
        }()
        let orgId = state.runs.reversed().lazy.compactMap(\.orgId).first
        let sites = Set(actions.compactMap(\.site))
        var plan = Plan(
            schemaVersion: Plan.currentSchemaVersion, planId: "", tool: "seatsweep \(toolVersion)",
            generatedAt: generatedAt.iso, asOf: generatedAt.day.iso, expiresAt: (generatedAt + validity).iso,
            source: PlanSource(
                inputs: [PlanInput(path: path, sha256: sha256, layout: "journal")], policy: nil, orgId: orgId,
                sites: sites.sorted()),
            rules: PlanRules(
                action: "restore", defaultThreshold: 0, thresholds: [:], graceDays: 0, accessGroups: [:],
                protect: PlanProtect(accountIds: [], domains: [], emails: [], groups: [])),
            savings: nil, actions: actions, digest: "", reviews: [])
        plan.planId = Planner.planId(plan)
        plan.digest = PlanCodec.digest(plan)
        return Result(plan: plan, notes: notes)
    }
}
