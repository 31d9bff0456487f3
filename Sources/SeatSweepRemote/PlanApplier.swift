import SeatSweepKit

/// Executes a plan's approved actions against Atlassian: reads the live state, sends only the
/// changes still needed, and journals an intent before and an outcome after every change.
///
/// Resuming is the same call: actions an earlier run finished are skipped, and an intent an
/// interrupted run left open is settled by reading the live state back (`ActionSteps`), so no
/// change is ever sent twice. Actions of one account run one after another; different accounts
/// run up to `concurrency` at a time. An authentication failure (HTTP 401) stops the run: every
/// action not yet started is skipped.
public struct PlanApplier: Sendable {
    /// How a run goes: dry or not, how many requests at once, which organisation.
    public struct Options: Sendable {
        public var dryRun = false
        public var concurrency = 4
        /// The organisation for suspend and restore-access.
        public var orgId: String?

        public init(dryRun: Bool = false, concurrency: Int = 4, orgId: String? = nil) {
            self.dryRun = dryRun
            self.concurrency = concurrency
            self.orgId = orgId
        }
    }

    public let client: AtlassianClient
    /// Nil only for dry runs.
    public let journal: (any JournalSink)?
    public let now: @Sendable () -> Timestamp
    public let options: Options
    /// Called as each action ends (for progress lines).
    public let onFinished: (@Sendable (ApplyReport.Entry) -> Void)?

    public init(
        client: AtlassianClient, journal: (any JournalSink)?, now: @escaping @Sendable () -> Timestamp,
        options: Options, onFinished: (@Sendable (ApplyReport.Entry) -> Void)? = nil
    ) {
        self.client = client
        self.journal = journal
        self.now = now
        self.options = options
        self.onFinished = onFinished
    }

    /// Identifies the account running apply (`GET /rest/api/3/myself` on the first site) and
    /// refuses the plan if an approved action would take access from it. Returns the account
    /// id, or nil when the plan takes no access away or no site credentials are set.
    public func preflight(_ plan: Plan, actions: [PlanAction]) async throws(SeatSweepError) -> String? {
        let takers = actions.filter { AccessRules.takesAccess($0.kind) }
        guard !takers.isEmpty, client.credentials.site != nil else { return nil }
        let sites = actions.compactMap(\.site).sorted() + plan.source.sites.filter(AccessRules.isAddressableSite)
        guard let site = sites.first else { return nil }
        let me: AtlassianClient.Myself
        do {
            me = try await client.myself(site: site)
        } catch {
            throw SeatSweepError(
                "cannot identify the account running apply on \(site) (\(error)); nothing was changed",
                hint: error.status == 401
                    ? "check ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN (an API token from id.atlassian.com)"
                    : "check the site and the network, then run apply again")
        }
        let hits = takers.filter { $0.accountId == me.accountId }
        if !hits.isEmpty {
            throw SeatSweepError(
                "approved action\(hits.count == 1 ? "" : "s") " + hits.map(\.id).joined(separator: ", ")
                    + " would take access from the account running apply (\(TerminalText.safe(me.emailAddress ?? me.accountId, limit: 80))); nothing was changed",
                hint:
                    "reject \(hits.count == 1 ? "it" : "them") with `seatsweep plan review PLAN --by NAME --reject ID`")
        }
        return me.accountId
    }

    /// Runs the approved `actions` of `plan`; `prior` is what the journal held before this run.
    public func run(_ plan: Plan, actions: [PlanAction], prior: JournalState) async -> ApplyReport {
        let context = Context(
            applier: self, resolver: GrantingGroupResolver(client: client, rules: plan.rules), rules: plan.rules,
            prior: prior, stop: StopSignal(),
            approvedRemovals: Set(
                actions.filter { $0.kind == .removeProductAccess }.map {
                    Context.removalKey($0.accountId, $0.site ?? "", $0.product ?? "")
                }))
        if !options.dryRun, let journal {
            let run = JournalRun(
                at: now().iso, tool: "seatsweep \(SeatSweepVersion.current)", planId: plan.planId,
                planDigest: plan.digest, planGeneratedAt: plan.generatedAt, planExpiresAt: plan.expiresAt,
                orgId: options.orgId)
            do {
                try await journal.append(.run(run))
            } catch {
                return ApplyReport(
                    planId: plan.planId, dryRun: false,
                    entries: actions.map { ApplyReport.Entry(action: $0, outcome: .skipped, detail: error.message) })
            }
        }
        // One unit per account, in plan order: an account's actions never race each other.
        var units: [[PlanAction]] = []
        var unitOf: [String: Int] = [:]
        for action in actions {
            if let i = unitOf[action.accountId] {
                units[i].append(action)
            } else {
                unitOf[action.accountId] = units.count
                units.append([action])
            }
        }
        var entries: [ApplyReport.Entry] = []
        let width = max(1, options.concurrency)
        await withTaskGroup(of: [ApplyReport.Entry].self) { group in
            var next = units.makeIterator()
            for _ in 0..<width {
                guard let unit = next.next() else { break }
                group.addTask { await context.run(unit) }
            }
            while let finished = await group.next() {
                entries += finished
                if let unit = next.next() { group.addTask { await context.run(unit) } }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: actions.enumerated().map { ($1.id, $0) })
        entries.sort { (order[$0.actionId] ?? 0) < (order[$1.actionId] ?? 0) }
        return ApplyReport(planId: plan.planId, dryRun: options.dryRun, entries: entries)
    }
}

/// Set once, read by every task: why the run stopped early.
actor StopSignal {
    private(set) var reason: String?

    /// Stops the run for `why`; the first reason wins.
    func stop(_ why: String) { if reason == nil { reason = why } }
}

/// Why an action could not go on.
enum ApplyFailure: Error {
    case remote(RemoteError)
    case journal(SeatSweepError)
}

/// Everything one run's tasks share.
struct Context: Sendable {
    let applier: PlanApplier
    let resolver: GrantingGroupResolver
    let rules: PlanRules
    let prior: JournalState
    let stop: StopSignal
    /// `account|site|product` of every approved removal in this run.
    let approvedRemovals: Set<String>

    /// The key of an approved removal in `approvedRemovals`.
    static func removalKey(_ account: String, _ site: String, _ product: String) -> String {
        "\(account)|\(site)|\(product)"
    }

    var client: AtlassianClient { applier.client }
    var dryRun: Bool { applier.options.dryRun }

    /// Runs one account's actions in order.
    func run(_ unit: [PlanAction]) async -> [ApplyReport.Entry] {
        var out: [ApplyReport.Entry] = []
        for action in unit {
            let entry = await execute(action)
            applier.onFinished?(entry)
            out.append(entry)
        }
        return out
    }

    /// Runs one action unless an earlier run finished it or this run has stopped.
    func execute(_ action: PlanAction) async -> ApplyReport.Entry {
        if prior.isFinished(action.id) {
            let end = prior.lastEnd[action.id]
            return ApplyReport.Entry(
                action: action, outcome: .doneEarlier,
                detail: "finished by an earlier run (\(end?.result.rawValue ?? "done") at \(end?.at ?? "?"))")
        }
        if let why = await stop.reason {
            return await end(action, .skipped, "not attempted: \(why)", status: nil)
        }
        do {
            switch action.kind {
            case .removeProductAccess: return try await removeAccess(action)
            case .restoreGroups: return try await restoreGroups(action)
            case .suspend, .restoreAccess: return try await accountWide(action)
            }
        } catch let failure as ApplyFailure {
            switch failure {
            case .remote(let error):
                if error.status == 401 { await stop.stop(Self.authStop) }
                return await end(action, .failed, error.description, status: error.status)
            case .journal(let error):
                await stop.stop("the journal could not be written")
                return ApplyReport.Entry(action: action, outcome: .failed, detail: error.message)
            }
        } catch {
            return ApplyReport.Entry(action: action, outcome: .failed, detail: "\(error)")
        }
    }

    static let authStop = "authentication failed (HTTP 401); check the credentials"

    // MARK: the kinds

    /// remove-product-access: leave every group that grants the product on the site.
    func removeAccess(_ action: PlanAction) async throws -> ApplyReport.Entry {
        guard let site = action.site, let product = action.product else {
            return await end(action, .failed, "the action names no product or site", status: nil)
        }
        let granting = try await remote { () throws(RemoteError) in
            try await resolver.granting(product: product, site: site)
        }
        let inFlight = prior.openIntents[action.id] ?? []
        guard
            let current = try await remote({ () throws(RemoteError) in
                try await client.userGroups(site: site, accountId: action.accountId)
            })
        else {
            for intent in inFlight {
                try await settle(intent, .alreadyDone, "read back: the site no longer knows the account")
            }
            return await end(action, .alreadyDone, "the site does not know the account (404); nothing grants access")
        }
        let settlement = ActionSteps.removal(granting: granting, current: current, inFlight: inFlight)
        var skip = AccessRules.protection(
            accountId: action.accountId, email: action.email, groups: current.map(\.name), rules: rules
        ).map { "protected now (\($0))" }
        if skip == nil { skip = try await overreach(action, site: site, product: product, groups: settlement.groups) }
        return try await carryOut(
            action, site: site, settlement, step: .removeGroup, skip: skip,
            nothingToDo: "in no group that grants \(product) on \(site)")
    }

    /// restore-groups: join again every target group the account is not in.
    func restoreGroups(_ action: PlanAction) async throws -> ApplyReport.Entry {
        guard let site = action.site, let targets = action.targetGroups else {
            return await end(action, .failed, "the action names no site or groups", status: nil)
        }
        let inFlight = prior.openIntents[action.id] ?? []
        guard
            let current = try await remote({ () throws(RemoteError) in
                try await client.userGroups(site: site, accountId: action.accountId)
            })
        else {
            return await end(action, .failed, "the site does not know the account (404)", status: 404)
        }
        let settlement = ActionSteps.restore(targets: targets, current: current, inFlight: inFlight)
        return try await carryOut(
            action, site: site, settlement, step: .addGroup, skip: nil, nothingToDo: "already in every group to re-add")
    }

    /// Why leaving `groups` would take more than the plan approves, or nil: a group that also
    /// grants another product, whose removal for this account on this site is not approved too.
    func overreach(_ action: PlanAction, site: String, product: String, groups: [PlanGroup]) async throws -> String? {
        for group in groups {
            let others = try await remote { () throws(RemoteError) in
                try await resolver.otherProducts(of: group, besides: product, site: site)
            }
            let unapproved = others.filter {
                !approvedRemovals.contains(Context.removalKey(action.accountId, site, $0))
            }
            if !unapproved.isEmpty {
                return "leaving \(group.name) would also take " + unapproved.joined(separator: ", ")
                    + ", which the plan does not remove"
            }
        }
        return nil
    }

    /// The common end of a group action: settle what the journal left in flight, stop when the
    /// action must be skipped, then send the changes still needed (or print them in a dry run).
    func carryOut(
        _ action: PlanAction, site: String, _ settlement: ActionSteps.Settlement, step: JournalStep,
        skip: String?, nothingToDo: String
    ) async throws -> ApplyReport.Entry {
        let adding = step == .addGroup
        var changed: [String] = []
        for intent in settlement.confirmed {
            try await settle(intent, .done, adding ? "read back: a member again" : "read back: no longer a member")
            changed.append(intent.group?.name ?? "?")
        }
        for intent in settlement.stale {
            try await settle(
                intent, .skipped,
                "read back: \(adding ? "not" : "still") a member, so the request did not take effect; sent again")
        }
        let verb = adding ? "re-added to" : "removed from"
        if settlement.groups.isEmpty {
            return changed.isEmpty
                ? await end(action, .alreadyDone, nothingToDo)
                : await end(action, .done, "\(verb) " + changed.joined(separator: ", ") + " (confirmed by read-back)")
        }
        if let skip { return await end(action, .skipped, "\(skip); nothing sent") }
        if dryRun {
            for group in settlement.groups {
                _ =
                    adding
                    ? await client.addToGroup(site: site, groupId: group.groupId, accountId: action.accountId)
                    : await client.removeFromGroup(site: site, groupId: group.groupId, accountId: action.accountId)
            }
            return ApplyReport.Entry(
                action: action, outcome: .dryRun,
                detail: "would \(adding ? "re-add to" : "remove from") "
                    + settlement.groups.map(\.name).joined(separator: ", "))
        }
        let sent = try await changeGroups(action, site: site, groups: settlement.groups, step: step)
        return await finish(
            action, changed: changed + sent.changed, already: sent.already, failures: sent.failures, verb: verb)
    }

    /// suspend and restore-access, through the organisation API.
    func accountWide(_ action: PlanAction) async throws -> ApplyReport.Entry {
        guard let orgId = applier.options.orgId else {
            return await end(action, .failed, "no organisation id (pass --org ORG)", status: nil)
        }
        let suspend = action.kind == .suspend
        let inFlight = prior.openIntents[action.id] ?? []
        guard
            let suspended = try await remote({ () throws(RemoteError) in
                try await client.isSuspended(orgId: orgId, accountId: action.accountId)
            })
        else {
            return await end(action, .failed, "the organisation's directory does not hold the account", status: nil)
        }
        let settlement = ActionSteps.accountWide(action.kind, suspended: suspended, inFlight: inFlight)
        for intent in settlement.confirmed {
            try await settle(intent, .done, "read back: " + (suspend ? "suspended" : "access restored"))
        }
        for intent in settlement.stale {
            try await settle(intent, .skipped, "read back: the request did not take effect; sent again")
        }
        let what = suspend ? "suspended" : "access restored"
        guard settlement.sendAccountRequest else {
            return settlement.confirmed.isEmpty
                ? await end(action, .alreadyDone, "already " + (suspend ? "suspended" : "not suspended"))
                : await end(action, .done, "\(what) (confirmed by read-back)")
        }
        if dryRun {
            _ = await client.setAccess(suspend: suspend, orgId: orgId, accountId: action.accountId)
            return ApplyReport.Entry(
                action: action, outcome: .dryRun, detail: suspend ? "would suspend" : "would restore access")
        }
        let step = ActionSteps.step(for: action.kind)
        let line = AtlassianClient.requestLine(
            method: "POST",
            path: "/admin/v1/orgs/\(AtlassianEndpoints.segment(orgId))/directory/users/"
                + "\(AtlassianEndpoints.segment(action.accountId))/\(suspend ? "suspend-access" : "restore-access")")
        let intent = JournalIntent(at: applier.now().iso, action: action, step: step, group: nil, request: line)
        try await append(.intent(intent))
        switch await client.setAccess(suspend: suspend, orgId: orgId, accountId: action.accountId) {
        case .done(let status):
            try await record(intent, .done, status: status, reason: nil)
            return await end(action, .done, what, status: status)
        case .alreadyDone(let status):
            try await record(intent, .alreadyDone, status: status, reason: nil)
            return await end(action, .alreadyDone, "already " + what, status: status)
        case .failed(let status, let reason):
            if status == 401 { await stop.stop(Self.authStop) }
            if status != 401,
                let now = try? await client.isSuspended(orgId: orgId, accountId: action.accountId),
                ActionSteps.goalMet(action.kind, suspended: now)
            {
                try await record(
                    intent, .alreadyDone, status: status, reason: "\(reason); read back: \(what)", readBack: true)
                return await end(action, .alreadyDone, "already \(what)", status: status)
            }
            try await record(intent, .failed, status: status, reason: reason)
            return await end(action, .failed, reason, status: status)
        case .notSent:
            return ApplyReport.Entry(action: action, outcome: .dryRun, detail: "not sent")
        }
    }

    /// Sends one membership change per group (leave for `.removeGroup`, join for `.addGroup`),
    /// each journaled before and after. A refused change is settled by reading the groups back:
    /// if the account already is where the change wanted it (a retried request whose first
    /// attempt took effect), it counts as already done.
    func changeGroups(_ action: PlanAction, site: String, groups: [PlanGroup], step: JournalStep)
        async throws(ApplyFailure) -> (changed: [String], already: [String], failures: [(Int?, String)])
    {
        let adding = step == .addGroup
        var changed: [String] = []
        var already: [String] = []
        var failures: [(Int?, String)] = []
        for group in groups {
            if let why = await stop.reason {
                failures.append((nil, "\(group.name): not attempted: \(why)"))
                continue
            }
            let query =
                adding ? [("groupId", group.groupId)] : [("groupId", group.groupId), ("accountId", action.accountId)]
            let line = AtlassianClient.requestLine(
                method: adding ? "POST" : "DELETE", path: "/rest/api/3/group/user", query: query)
            let intent = JournalIntent(at: applier.now().iso, action: action, step: step, group: group, request: line)
            try await append(.intent(intent))
            let result =
                adding
                ? await client.addToGroup(site: site, groupId: group.groupId, accountId: action.accountId)
                : await client.removeFromGroup(site: site, groupId: group.groupId, accountId: action.accountId)
            switch result {
            case .done(let status):
                try await record(intent, .done, status: status, reason: nil)
                changed.append(group.name)
            case .alreadyDone(let status):
                try await record(
                    intent, .alreadyDone, status: status, reason: adding ? nil : "not a member (HTTP \(status))")
                already.append(group.name)
            case .failed(let status, let reason):
                if status == 401 { await stop.stop(Self.authStop) }
                let after =
                    status == 401 ? nil : (try? await client.userGroups(site: site, accountId: action.accountId)) ?? nil
                if let after, after.contains(where: { $0.groupId == group.groupId }) == adding {
                    let now = adding ? "a member" : "no longer a member"
                    try await record(
                        intent, .alreadyDone, status: status, reason: "\(reason); read back: \(now)", readBack: true)
                    already.append(group.name)
                } else {
                    try await record(intent, .failed, status: status, reason: reason)
                    failures.append((status, "\(group.name): \(reason)"))
                }
            case .notSent:
                break
            }
        }
        return (changed, already, failures)
    }

    // MARK: journal and results

    /// Runs a request, turning its error into an `ApplyFailure`.
    func remote<T>(_ body: () async throws(RemoteError) -> T) async throws(ApplyFailure) -> T {
        do {
            return try await body()
        } catch {
            throw .remote(error)
        }
    }

    /// Journals a line (not in dry runs).
    func append(_ line: JournalLine) async throws(ApplyFailure) {
        guard !dryRun, let journal = applier.journal else { return }
        do {
            try await journal.append(line)
        } catch {
            throw .journal(error)
        }
    }

    /// Journals the outcome of an intent.
    func record(
        _ intent: JournalIntent, _ result: JournalResult, status: Int?, reason: String?, readBack: Bool = false
    ) async throws(ApplyFailure) {
        try await append(
            .outcome(
                JournalOutcome(
                    at: applier.now().iso, intent: intent, result: result, status: status, reason: reason,
                    readBack: readBack)))
    }

    /// Closes an intent an interrupted run left open, from what the read-back showed.
    func settle(_ intent: JournalIntent, _ result: JournalResult, _ reason: String) async throws(ApplyFailure) {
        try await record(intent, result, status: nil, reason: reason, readBack: true)
    }

    /// Writes the action's end line (not in dry runs) and makes its report entry.
    func end(
        _ action: PlanAction, _ outcome: ApplyReport.Outcome, _ detail: String, status: Int? = nil
    ) async -> ApplyReport.Entry {
        if !dryRun, let result = JournalResult(rawValue: outcome.rawValue) {
            try? await append(
                .action(
                    JournalActionEnd(
                        at: applier.now().iso, actionId: action.id, result: result, status: status, reason: detail)))
        }
        return ApplyReport.Entry(action: action, outcome: outcome, detail: detail, status: status)
    }

    /// Ends a group action from what its requests did.
    func finish(
        _ action: PlanAction, changed: [String], already: [String], failures: [(Int?, String)], verb: String
    ) async -> ApplyReport.Entry {
        var parts: [String] = []
        if !changed.isEmpty { parts.append("\(verb) " + changed.joined(separator: ", ")) }
        if !already.isEmpty { parts.append("already done for " + already.joined(separator: ", ")) }
        if !failures.isEmpty {
            parts.append("failed for " + failures.map(\.1).joined(separator: "; "))
            return await end(action, .failed, parts.joined(separator: "; "), status: failures.compactMap(\.0).first)
        }
        return await end(action, changed.isEmpty ? .alreadyDone : .done, parts.joined(separator: "; "))
    }
}
