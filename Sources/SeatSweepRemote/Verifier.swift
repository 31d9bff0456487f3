import SeatSweepKit

/// Reads the live state back for every approved action of a plan and says whether its goal
/// holds: the account in no granting group (remove-product-access), suspended (suspend), in
/// every target group (restore-groups), not suspended (restore-access). With the journal it
/// also tells "not done" from "done, then changed since".
public struct Verifier: Sendable {
    public let client: AtlassianClient
    public let concurrency: Int
    public let orgId: String?

    public init(client: AtlassianClient, concurrency: Int = 4, orgId: String?) {
        self.client = client
        self.concurrency = concurrency
        self.orgId = orgId
    }

    /// Checks every approved action, `concurrency` at a time; the others are listed as not approved.
    public func run(_ plan: Plan, journal: JournalState?, checkedAt: Timestamp) async -> VerificationReport {
        let resolver = GrantingGroupResolver(client: client, rules: plan.rules)
        var entries: [VerificationReport.Entry] = []
        let approved = plan.actions.filter { $0.decision == .approved }
        await withTaskGroup(of: VerificationReport.Entry.self) { group in
            var next = approved.makeIterator()
            for _ in 0..<max(1, concurrency) {
                guard let action = next.next() else { break }
                group.addTask { await self.check(action, resolver: resolver, journal: journal) }
            }
            while let entry = await group.next() {
                entries.append(entry)
                if let action = next.next() {
                    group.addTask { await self.check(action, resolver: resolver, journal: journal) }
                }
            }
        }
        for action in plan.actions where action.decision != .approved {
            entries.append(VerificationReport.Entry(action: action, status: .notApproved, detail: ""))
        }
        let order = Dictionary(uniqueKeysWithValues: plan.actions.enumerated().map { ($1.id, $0) })
        entries.sort { (order[$0.actionId] ?? 0) < (order[$1.actionId] ?? 0) }
        return VerificationReport(planId: plan.planId, checkedAt: checkedAt.iso, entries: entries)
    }

    /// Reads one action's live state and classifies it.
    func check(_ action: PlanAction, resolver: GrantingGroupResolver, journal: JournalState?) async
        -> VerificationReport.Entry
    {
        let journalSaysDone = journal?.isFinished(action.id) ?? false
        func entry(_ met: Bool, _ detail: String) -> VerificationReport.Entry {
            VerificationReport.Entry(
                action: action, status: VerificationReport.status(goalMet: met, journalSaysDone: journalSaysDone),
                detail: detail)
        }
        do {
            switch action.kind {
            case .removeProductAccess:
                guard let site = action.site, let product = action.product else {
                    return VerificationReport.Entry(action: action, status: .unreadable, detail: "no product or site")
                }
                let granting = try await resolver.granting(product: product, site: site)
                guard let current = try await client.userGroups(site: site, accountId: action.accountId) else {
                    return entry(true, "the site does not know the account")
                }
                let still = current.filter(granting.grants)
                return still.isEmpty
                    ? entry(true, "in no group that grants \(product) on \(site)")
                    : entry(false, "still in " + still.map(\.name).joined(separator: ", "))
            case .restoreGroups:
                guard let site = action.site else {
                    return VerificationReport.Entry(action: action, status: .unreadable, detail: "no site")
                }
                guard let current = try await client.userGroups(site: site, accountId: action.accountId) else {
                    return entry(false, "the site does not know the account")
                }
                let ids = Set(current.map(\.groupId))
                let missing = (action.targetGroups ?? []).filter { !ids.contains($0.groupId) }
                return missing.isEmpty
                    ? entry(true, "in " + (action.targetGroups ?? []).map(\.name).joined(separator: ", "))
                    : entry(false, "not in " + missing.map(\.name).joined(separator: ", "))
            case .suspend, .restoreAccess:
                guard let orgId else {
                    return VerificationReport.Entry(
                        action: action, status: .unreadable, detail: "no organisation id (pass --org ORG)")
                }
                guard let suspended = try await client.isSuspended(orgId: orgId, accountId: action.accountId) else {
                    return entry(action.kind == .suspend, "the organisation's directory does not hold the account")
                }
                return entry(
                    ActionSteps.goalMet(action.kind, suspended: suspended), suspended ? "suspended" : "not suspended")
            }
        } catch {
            return VerificationReport.Entry(action: action, status: .unreadable, detail: error.description)
        }
    }
}
