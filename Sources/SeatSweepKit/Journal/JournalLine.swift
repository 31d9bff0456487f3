/// One line of an apply journal (`PLAN.journal.jsonl`, design.md §4).
///
/// `apply` appends and flushes a line before and after every change it sends, so after a crash
/// the journal says exactly what may have happened:
///
/// ```jsonl
/// {"at":"…","planDigest":"…","planId":"…",…,"schemaVersion":1,"type":"run"}
/// {"accountId":"…","actionId":"30b88ad66ca5","group":{"groupId":"…","name":"confluence-users"},…,"step":"remove-group","type":"intent"}
/// {"actionId":"30b88ad66ca5","groupId":"…","readBack":false,"result":"done","status":200,…,"type":"outcome"}
/// {"actionId":"30b88ad66ca5","result":"done",…,"type":"action"}
/// ```
///
/// An `intent` without an `outcome` is a request that may or may not have reached Atlassian;
/// the next `apply` reads the live state back before deciding anything about it.
public enum JournalLine: Sendable, Equatable {
    case run(JournalRun)
    case intent(JournalIntent)
    case outcome(JournalOutcome)
    case action(JournalActionEnd)
}

/// The change one request makes.
public enum JournalStep: String, Codable, Sendable, CaseIterable {
    /// `DELETE /rest/api/3/group/user`: remove the account from one group.
    case removeGroup = "remove-group"
    /// `POST /rest/api/3/group/user`: add the account to one group (undo).
    case addGroup = "add-group"
    /// `POST …/suspend-access`.
    case suspend
    /// `POST …/restore-access` (undo).
    case restoreAccess = "restore-access"
}

/// How a request or an action ended.
public enum JournalResult: String, Codable, Sendable, CaseIterable {
    /// The change was made now.
    case done
    /// The live state already was what the action wants (for example a 404 on removal).
    case alreadyDone = "already-done"
    /// Atlassian refused or kept failing; `status` and `reason` say why.
    case failed
    /// Not attempted; `reason` says why.
    case skipped
}

/// A line written when an `apply` run starts, binding the journal to its plan.
public struct JournalRun: Decodable, Sendable, Equatable {
    public var schemaVersion: Int
    public var at: String
    public var tool: String
    public var planId: String
    public var planDigest: String
    public var planGeneratedAt: String
    public var planExpiresAt: String
    /// The organisation the run used for org-wide actions, if any.
    public var orgId: String?

    public init(
        at: String, tool: String, planId: String, planDigest: String, planGeneratedAt: String, planExpiresAt: String,
        orgId: String?
    ) {
        self.schemaVersion = JournalCodec.schemaVersion
        self.at = at
        self.tool = tool
        self.planId = planId
        self.planDigest = planDigest
        self.planGeneratedAt = planGeneratedAt
        self.planExpiresAt = planExpiresAt
        self.orgId = orgId
    }
}

/// Written and flushed before a change request is sent. Carries everything `undo` needs,
/// so a journal can be reversed without its plan.
public struct JournalIntent: Decodable, Sendable, Equatable {
    public var schemaVersion: Int
    public var at: String
    public var actionId: String
    public var kind: PlanAction.Kind
    public var step: JournalStep
    public var accountId: String
    public var email: String
    public var name: String
    public var product: String?
    public var site: String?
    /// The group the request changes (group steps only).
    public var group: PlanGroup?
    /// Method, path and query of the request, without host or headers.
    public var request: String

    public init(
        at: String, action: PlanAction, step: JournalStep, group: PlanGroup?, request: String
    ) {
        self.schemaVersion = JournalCodec.schemaVersion
        self.at = at
        self.actionId = action.id
        self.kind = action.kind
        self.step = step
        self.accountId = action.accountId
        self.email = action.email
        self.name = action.name
        self.product = action.product
        self.site = action.site
        self.group = group
        self.request = request
    }

    /// Matches an outcome to its intent: same action, step and group.
    public var key: JournalStepKey { JournalStepKey(actionId: actionId, step: step, groupId: group?.groupId) }
}

/// Identifies one change within an action.
public struct JournalStepKey: Hashable, Sendable {
    public var actionId: String
    public var step: JournalStep
    public var groupId: String?
}

/// Written and flushed after a change request returns, or after a read-back settled an intent
/// that an interrupted run left open (`readBack: true`).
public struct JournalOutcome: Decodable, Sendable, Equatable {
    public var schemaVersion: Int
    public var at: String
    public var actionId: String
    public var step: JournalStep
    public var groupId: String?
    public var result: JournalResult
    /// The HTTP status, when a response came.
    public var status: Int?
    public var reason: String?
    public var readBack: Bool

    public init(
        at: String, intent: JournalIntent, result: JournalResult, status: Int?, reason: String?, readBack: Bool
    ) {
        self.schemaVersion = JournalCodec.schemaVersion
        self.at = at
        self.actionId = intent.actionId
        self.step = intent.step
        self.groupId = intent.group?.groupId
        self.result = result
        self.status = status
        self.reason = reason
        self.readBack = readBack
    }

    public var key: JournalStepKey { JournalStepKey(actionId: actionId, step: step, groupId: groupId) }
}

/// How an action ended in one run.
public struct JournalActionEnd: Decodable, Sendable, Equatable {
    public var schemaVersion: Int
    public var at: String
    public var actionId: String
    public var result: JournalResult
    public var status: Int?
    public var reason: String?

    public init(at: String, actionId: String, result: JournalResult, status: Int?, reason: String?) {
        self.schemaVersion = JournalCodec.schemaVersion
        self.at = at
        self.actionId = actionId
        self.result = result
        self.status = status
        self.reason = reason
    }
}
