import Crypto

/// Turns findings into a plan: one `remove-product-access` per candidate seat, or with
/// `action: suspend` one `suspend` per account whose every billable seat is a candidate
/// (never for accounts an identity provider manages, whose lifecycle the IdP owns).
public struct Planner: Sendable {
    public var generatedAt: Timestamp
    public var toolVersion: String

    public init(generatedAt: Timestamp, toolVersion: String) {
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
    }

    /// Builds the plan. Accounts without an account id (legacy exports) cannot be changed through
    /// the API: their seats stay in the report but not in the plan, with a warning.
    public func run(_ findings: Findings, directory: Directory, diagnostics: inout DiagnosticLog) -> Plan {
        run(findings, directory: directory, diagnostics: &diagnostics) { (_: Plan) -> PlanSavings? in nil }
    }

    /// Builds the plan, with `savings` pricing its finished actions (when the audit has a pricing
    /// file) before the digest seals them.
    public func run<E: Error>(
        _ findings: Findings, directory: Directory, diagnostics: inout DiagnosticLog,
        savings: (Plan) throws(E) -> PlanSavings?
    ) throws(E) -> Plan {
        var actions: [PlanAction] = []
        var byAccount: [Int: [SeatFinding]] = [:]
        var billablePerAccount: [Int: Int] = [:]
        for finding in findings.seats {
            billablePerAccount[finding.account, default: 0] += 1
            if finding.isCandidate { byAccount[finding.account, default: []].append(finding) }
        }
        var withoutId = 0
        for a in byAccount.keys.sorted() {
            let account = directory.accounts[a]
            let candidates = byAccount[a]!
            guard account.hasAccountId else {
                withoutId += candidates.count
                continue
            }
            let suspend =
                findings.policy.action == .suspend && candidates.count == billablePerAccount[a]
                && account.managementSource?.lowercased() != "synced"
            if suspend {
                actions.append(suspendAction(account, candidates, directory: directory))
            } else {
                for finding in candidates { actions.append(removeAction(account, finding, directory: directory)) }
            }
        }
        if withoutId > 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "legacy-no-account-id",
                    "\(withoutId) candidate seats come from a legacy export that has no account ids; they are reported "
                        + "but left out of the plan (export the users again to plan them)"))
        }
        actions.sort {
            ($0.product ?? "", $0.site ?? "", $0.accountId, $0.kind.rawValue) < (
                $1.product ?? "", $1.site ?? "", $1.accountId, $1.kind.rawValue
            )
        }
        Self.assignIds(&actions)
        let policy = findings.policy
        let sites = Set(actions.flatMap { action in action.site.map { [$0] } ?? action.seats.map(\.site) })
        var plan = Plan(
            schemaVersion: Plan.currentSchemaVersion, planId: "", tool: "seatsweep \(toolVersion)",
            generatedAt: generatedAt.iso, asOf: findings.asOf.iso,
            expiresAt: (generatedAt + Int64(policy.planExpiryDays) * 86_400).iso,
            source: PlanSource(
                inputs: directory.inputs.map { PlanInput(path: $0.path, sha256: $0.sha256, layout: $0.layout) },
                policy: policy.source.map { PlanFileRef(path: $0.path, sha256: $0.sha256) }, orgId: directory.orgId,
                sites: sites.sorted()),
            rules: PlanRules(
                action: policy.action.rawValue, defaultThreshold: policy.defaultThreshold,
                thresholds: policy.thresholds,
                graceDays: policy.graceDays, accessGroups: policy.accessGroups,
                protect: PlanProtect(
                    accountIds: policy.protectAccountIds, domains: policy.protectDomains, emails: policy.protectEmails,
                    groups: policy.protectGroups)),
            savings: nil, actions: actions, digest: "", reviews: [])
        plan.savings = try savings(plan)
        plan.planId = Self.planId(plan)
        plan.digest = PlanCodec.digest(plan)
        return plan
    }

    private func removeAction(_ account: Account, _ finding: SeatFinding, directory: Directory) -> PlanAction {
        let seat = account.seats[finding.seat]
        return PlanAction(
            id: "", kind: .removeProductAccess, accountId: account.id, email: account.email, name: account.name,
            product: finding.product, site: finding.site, groups: account.groups, seats: [],
            lastActive: Self.lastActiveText(seat.lastActive), daysInactive: finding.daysInactive,
            reason: finding.reason,
            evidence: PlanEvidence(path: directory.path(of: seat.evidence), line: Int(seat.evidence.line)),
            decision: .pending, decidedBy: nil, decidedAt: nil)
    }

    private func suspendAction(_ account: Account, _ findings: [SeatFinding], directory: Directory) -> PlanAction {
        let seats = findings.map { finding in
            PlanSeat(
                product: finding.product, site: finding.site,
                lastActive: Self.lastActiveText(account.seats[finding.seat].lastActive),
                daysInactive: finding.daysInactive)
        }
        // The most recent use across the seats speaks for the account.
        let days = findings.compactMap(\.daysInactive)
        let mostRecent = findings.min { ($0.daysInactive ?? Int.max) < ($1.daysInactive ?? Int.max) }!
        let seat = account.seats[mostRecent.seat]
        let products = findings.map { "\($0.product)@\($0.site)" }.joined(separator: ", ")
        return PlanAction(
            id: "", kind: .suspend, accountId: account.id, email: account.email, name: account.name, product: nil,
            site: nil,
            groups: account.groups, seats: seats, lastActive: Self.lastActiveText(seat.lastActive),
            daysInactive: days.count == findings.count ? days.min() : nil,
            reason: "every billable seat is inactive (\(products)); \(mostRecent.reason)",
            evidence: PlanEvidence(path: directory.path(of: seat.evidence), line: Int(seat.evidence.line)),
            decision: .pending, decidedBy: nil, decidedAt: nil)
    }

    static func lastActiveText(_ value: LastActive) -> String? {
        if case .on(let day) = value { return day.iso }
        return nil
    }

    /// Ids are the first 12 hex digits of SHA-256(kind|account|product|site), lengthened on collision.
    static func assignIds(_ actions: inout [PlanAction]) {
        var used = Set<String>()
        for i in actions.indices {
            let a = actions[i]
            let hex = PlanCodec.hex(
                SHA256.hash(data: Array("\(a.kind.rawValue)|\(a.accountId)|\(a.product ?? "")|\(a.site ?? "")".utf8)))
            var length = 12
            while used.contains(String(hex.prefix(length))) { length += 2 }
            actions[i].id = String(hex.prefix(length))
            used.insert(actions[i].id)
        }
    }

    /// Deterministic for the same inputs, policy, audit date and generation time.
    static func planId(_ plan: Plan) -> String {
        var seed = "\(plan.generatedAt)|\(plan.asOf)|\(plan.source.policy?.sha256 ?? "")"
        for input in plan.source.inputs { seed += "|\(input.sha256)" }
        let hex = PlanCodec.hex(SHA256.hash(data: Array(seed.utf8)))
        let c = Array(hex.prefix(32))
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}
