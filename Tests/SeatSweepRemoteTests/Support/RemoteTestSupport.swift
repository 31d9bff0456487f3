import AtlassianSimulator
import Foundation
import Testing

@testable import SeatSweepKit
@testable import SeatSweepRemote

/// Sends requests straight to a simulator's handler: no sockets, no waiting.
struct SimulatorTransport: HTTPTransport {
    let simulator: AtlassianSimulator

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        var headers = request.headers
        if let authorization = request.authorization { headers["Authorization"] = authorization.revealForTransport() }
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        let target =
            (components?.percentEncodedPath ?? "/")
            + (components?.percentEncodedQuery.map { "?" + $0 } ?? "")
        let reply = simulator.handle(
            AtlassianSimulator.Request(
                method: request.method, target: target, headers: headers, body: request.body ?? []))
        switch reply {
        case .response(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: body)
        case .drop: throw TransportError("the connection was lost")
        }
    }
}

/// A retry clock that never waits: it records each wait and moves its time forward.
final class RecordingClock: RetryClock, @unchecked Sendable {
    // Both guarded by `lock`.
    private let lock = NSLock()
    private var current: Double
    private var recorded: [Double] = []

    init(now: Double = 1_793_606_400) { current = now }

    func now() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            recorded.append(seconds)
            current += seconds
        }
    }

    var sleeps: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
}

/// Collects journal lines in memory.
actor MemoryJournal: JournalSink {
    private(set) var lines: [JournalLine] = []

    func append(_ line: JournalLine) throws(SeatSweepError) { lines.append(line) }

    var state: JournalState { JournalState(lines.enumerated().map { ($0.offset + 1, $0.element) }) }
}

/// Collects printed lines.
final class Lines: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: [String] = []

    func add(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// A small organisation: site `acme` with Jira roles, a Confluence group, protected groups,
/// four people, and the account that runs apply.
struct World {
    static let email = "runner@acme.example"
    static let token = "ATATT3xFfGF0-test-token-9f8e7d"
    static let adminKey = "ATCTT3xFfGF0-admin-key-1a2b3c"
    static let runner = "712020:runner"
    static let ana = "712020:ana"
    static let kai = "712020:kai"
    static let lee = "712020:lee"
    static let sue = "712020:sue"

    static let jira = PlanGroup(groupId: "g-jira", name: "jira-users-acme")
    static let jsw = PlanGroup(groupId: "g-jsw", name: "jira-software-users")
    static let conf = PlanGroup(groupId: "g-conf", name: "confluence-users-acme")
    static let staff = PlanGroup(groupId: "g-staff", name: "all-staff")
    static let exec = PlanGroup(groupId: "g-exec", name: "executives")

    let simulator: AtlassianSimulator
    let clock = RecordingClock()
    let credentials = AtlassianCredentials(
        site: .init(email: World.email, token: Secret(World.token)), adminKey: Secret(World.adminKey))

    init() {
        simulator = AtlassianSimulator(
            orgId: "org-1",
            credentials: .init(
                email: Self.email, apiToken: Self.token, adminKey: Self.adminKey, accountId: Self.runner))
        for g in [Self.jira, Self.jsw, Self.conf, Self.staff, Self.exec] {
            simulator.addGroup(site: "acme", id: g.groupId, name: g.name)
        }
        simulator.setRole(site: "acme", key: "jira-software", name: "Jira", groupIds: ["g-jira", "g-jsw"])
        simulator.setRole(site: "acme", key: "jira-servicedesk", name: "Jira Service Management", groupIds: [])
        let people: [(String, [PlanGroup])] = [
            (Self.runner, [Self.jira, Self.staff]), (Self.ana, [Self.jira, Self.jsw, Self.conf, Self.staff]),
            (Self.kai, [Self.jira, Self.conf]), (Self.lee, [Self.jira, Self.exec]), (Self.sue, [Self.staff]),
        ]
        for (id, groups) in people {
            simulator.addUser(
                site: "acme", accountId: id, email: "\(id.dropFirst(7))@acme.example", name: String(id.dropFirst(7)))
            for g in groups { simulator.addMember(site: "acme", groupId: g.groupId, accountId: id) }
        }
    }

    /// Ana loses Jira and Confluence, Kai loses Jira, Sue is suspended; all approved.
    func plan(extra: [PlanAction] = [], protect: [String] = ["exec*"]) -> Plan {
        var actions =
            [
                action(.removeProductAccess, Self.ana, product: "jira"),
                action(.removeProductAccess, Self.ana, product: "confluence"),
                action(.removeProductAccess, Self.kai, product: "jira"),
                action(.suspend, Self.sue, product: nil),
            ] + extra
        Planner.assignIds(&actions)
        var plan = Plan(
            schemaVersion: 1, planId: "plan-1", tool: "seatsweep 0.1.0", generatedAt: "2026-11-01T08:00:00Z",
            asOf: "2026-11-01", expiresAt: "2026-11-15T08:00:00Z",
            source: PlanSource(inputs: [], policy: nil, orgId: "org-1", sites: ["acme"]),
            rules: PlanRules(
                action: "remove-product-access", defaultThreshold: 90, thresholds: [:], graceDays: 30,
                accessGroups: [:],
                protect: PlanProtect(accountIds: [], domains: [], emails: [], groups: protect)),
            savings: nil, actions: actions, digest: "", reviews: [])
        plan.digest = PlanCodec.digest(plan)
        return plan
    }

    func action(
        _ kind: PlanAction.Kind, _ account: String, product: String?, site: String? = "acme",
        targets: [PlanGroup]? = nil
    ) -> PlanAction {
        PlanAction(
            id: "", kind: kind, accountId: account, email: "\(account.dropFirst(7))@acme.example",
            name: String(account.dropFirst(7)), product: product,
            site: kind == .suspend || kind == .restoreAccess ? nil : site,
            groups: [], targetGroups: targets, seats: [], lastActive: nil, daysInactive: 200, reason: "test",
            evidence: PlanEvidence(path: "export.csv", line: 2), decision: .approved, decidedBy: "t", decidedAt: "t")
    }

    func client(dryRun: Bool = false, printed: Lines? = nil, credentials: AtlassianCredentials? = nil) throws
        -> AtlassianClient
    {
        AtlassianClient(
            http: HTTPClient(transport: SimulatorTransport(simulator: simulator), clock: clock, jitter: { 0.5 }),
            endpoints: try AtlassianEndpoints(
                siteTemplate: "http://127.0.0.1/site/{site}", adminBase: "http://127.0.0.1"),
            credentials: credentials ?? self.credentials, dryRun: dryRun, onRequest: { printed?.add($0) })
    }

    func applier(_ journal: (any JournalSink)?, dryRun: Bool = false, printed: Lines? = nil, concurrency: Int = 4)
        throws -> PlanApplier
    {
        PlanApplier(
            client: try client(dryRun: dryRun, printed: printed), journal: journal,
            now: { Timestamp(seconds: 1_793_606_400) },
            options: .init(dryRun: dryRun, concurrency: concurrency, orgId: "org-1"))
    }

    /// Approves every action of a plan (as `plan review --approve-all` does).
    static func approved(_ plan: Plan) throws -> Plan {
        try PlanReviewer(reviewer: "Lena", at: Timestamp(seconds: 1_793_606_400)).run(
            plan, .approveAllPending, path: "restore.json")
    }
}
