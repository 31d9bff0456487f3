/// The groups that grant a product on a site: group ids from Jira's application roles, or
/// group names from the plan's `accessGroups` (names compare case-insensitively, as
/// Atlassian's do).
public struct GrantingGroups: Sendable, Equatable {
    public var ids: Set<String>
    /// Lower-cased.
    public var names: Set<String>

    public init(ids: Set<String> = [], names: [String] = []) {
        self.ids = ids
        self.names = Set(names.map { $0.lowercased() })
    }

    /// Whether membership of `group` grants the product.
    public func grants(_ group: PlanGroup) -> Bool {
        ids.contains(group.groupId) || names.contains(group.name.lowercased())
    }
}

/// The pure half of `apply` and `verify`: given what the site says now and what the journal
/// says was in flight, decide which requests to send and how to settle interrupted ones.
///
/// Reading back before acting is what makes a resumed run safe: a request that reached
/// Atlassian before a crash shows in the live state, so it is recorded as done and never sent
/// a second time.
public enum ActionSteps {
    /// What to do for one action now.
    public struct Settlement: Sendable, Equatable {
        /// In-flight intents the live state shows took effect: record them as done.
        public var confirmed: [JournalIntent] = []
        /// In-flight intents the live state shows did not take effect: close them, send again.
        public var stale: [JournalIntent] = []
        /// Groups to change now (group actions).
        public var groups: [PlanGroup] = []
        /// Whether to send the account-wide request (suspend, restore-access).
        public var sendAccountRequest = false
    }

    /// remove-product-access: leave every granting group the account is in now.
    ///
    /// Example: granting {jira-users}, current {jira-users, all-staff}, nothing in flight →
    /// send one removal for jira-users. After a crash, with an intent for jira-users in flight and
    /// current {all-staff} → confirm that intent, send nothing.
    public static func removal(granting: GrantingGroups, current: [PlanGroup], inFlight: [JournalIntent])
        -> Settlement
    {
        var out = Settlement()
        let currentIds = Set(current.map(\.groupId))
        for intent in inFlight where intent.step == .removeGroup {
            guard let group = intent.group else { continue }
            if currentIds.contains(group.groupId) { out.stale.append(intent) } else { out.confirmed.append(intent) }
        }
        var seen = Set<String>()
        for group in current where granting.grants(group) && seen.insert(group.groupId).inserted {
            out.groups.append(group)
        }
        return out
    }

    /// restore-groups: join every target group the account is not in now.
    public static func restore(targets: [PlanGroup], current: [PlanGroup], inFlight: [JournalIntent]) -> Settlement {
        var out = Settlement()
        let currentIds = Set(current.map(\.groupId))
        for intent in inFlight where intent.step == .addGroup {
            guard let group = intent.group else { continue }
            if currentIds.contains(group.groupId) { out.confirmed.append(intent) } else { out.stale.append(intent) }
        }
        var seen = Set<String>()
        for group in targets where !currentIds.contains(group.groupId) && seen.insert(group.groupId).inserted {
            out.groups.append(group)
        }
        return out
    }

    /// suspend / restore-access: send the request unless the account already is as wanted.
    public static func accountWide(_ kind: PlanAction.Kind, suspended: Bool, inFlight: [JournalIntent]) -> Settlement {
        var out = Settlement()
        let met = goalMet(kind, suspended: suspended)
        for intent in inFlight where intent.step == .suspend || intent.step == .restoreAccess {
            if met { out.confirmed.append(intent) } else { out.stale.append(intent) }
        }
        out.sendAccountRequest = !met
        return out
    }

    /// Whether an account-wide action's goal holds.
    public static func goalMet(_ kind: PlanAction.Kind, suspended: Bool) -> Bool {
        kind == .suspend ? suspended : !suspended
    }

    /// Whether a group action's goal holds for the account's current groups.
    public static func goalMet(_ action: PlanAction, granting: GrantingGroups, current: [PlanGroup]) -> Bool {
        switch action.kind {
        case .removeProductAccess:
            return !current.contains(where: granting.grants)
        case .restoreGroups:
            let ids = Set(current.map(\.groupId))
            return (action.targetGroups ?? []).allSatisfy { ids.contains($0.groupId) }
        case .suspend, .restoreAccess:
            return false
        }
    }

    /// The journal step an action's requests take.
    public static func step(for kind: PlanAction.Kind) -> JournalStep {
        switch kind {
        case .removeProductAccess: return .removeGroup
        case .restoreGroups: return .addGroup
        case .suspend: return .suspend
        case .restoreAccess: return .restoreAccess
        }
    }
}
