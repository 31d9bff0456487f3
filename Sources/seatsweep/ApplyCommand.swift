import ArgumentParser
import Foundation
import SeatSweepKit
import SeatSweepRemote

/// `seatsweep apply PLAN`: carries out a reviewed plan's approved actions, once.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out a reviewed plan's approved actions against Atlassian, with a journal beside the plan.",
        discussion: """
            Refuses (exit 1, nothing sent) a plan that was changed after the audit, has expired, has no approved \
            action, has more approved actions than --max-actions, or would touch a protected account or the \
            account running apply. Each change is journaled in PLAN.journal.jsonl before it is sent and after it \
            returns; running apply again resumes: finished actions are skipped and interrupted ones are settled \
            by reading the live state back, so no change is made twice. Exit 0 when every approved action is \
            done, 2 when some failed (listed with the reason).

            Credentials: ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN (site REST, Basic) and ATLASSIAN_ADMIN_API_KEY \
            (admin API, Bearer) from the environment, or --credentials FILE (mode 0600).
            """)

    @Argument(help: "The reviewed plan.json.")
    var plan: String

    @Flag(name: .customLong("dry-run"), help: "Print every request (method and URL) and change nothing.")
    var dryRun = false

    @Option(name: .customLong("max-actions"), help: "Refuse plans with more approved actions than this.")
    var maxActions = 100

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard maxActions >= 1 else { throw ValidationError("--max-actions must be at least 1") }
    }

    func run() async throws {
        let secrets = LoadedSecrets()
        var unfinished = false
        try await reportingErrors(masking: secrets) {
            let loaded = try PlanFiles.load(plan)
            let orgId = try connection.orgId(for: loaded, path: plan)
            let actions = try ApplyGate(now: Clock.now(), maxActions: maxActions, orgId: orgId).check(
                loaded, path: plan)
            let credentials = try connection.loadCredentials()
            let console = secrets.remember(credentials)
            try ConnectionOptions.require(credentials, for: actions)
            let endpoints = try connection.endpoints()

            let journalPath = PlanFiles.journalPath(for: plan)
            if let existing = try ApplyJournal.read(journalPath) {
                try Self.checkBinding(JournalState(existing.lines), plan: loaded, journalPath: journalPath)
            }
            let http = HTTPClient(
                transport: URLSessionTransport(),
                onEvent: { event in
                    if case .retrying(let request, let attempt, _, let reason) = event {
                        console.err("seatsweep: \(request): \(reason) [attempt \(attempt + 1)]")
                    }
                })
            let client = AtlassianClient(
                http: http, endpoints: endpoints, credentials: credentials, dryRun: dryRun,
                onRequest: { console.out($0) })
            // A dry run goes one request at a time, so its printed requests read in plan order.
            let options = PlanApplier.Options(
                dryRun: dryRun, concurrency: dryRun ? 1 : connection.concurrency, orgId: orgId)
            let showProgress = Console.stderrIsTerminal && !dryRun
            let preflight = PlanApplier(client: client, journal: nil, now: { Clock.now() }, options: options)
            if try await preflight.preflight(loaded, actions: actions) == nil,
                actions.contains(where: { AccessRules.takesAccess($0.kind) })
            {
                console.err(
                    "seatsweep: note: without ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN the account running apply cannot "
                        + "be identified; org admins are never in a plan")
            }

            var journal: ApplyJournal?
            var prior = JournalState()
            if dryRun {
                if let existing = try ApplyJournal.read(journalPath) { prior = JournalState(existing.lines) }
            } else {
                let opened = try ApplyJournal.open(journalPath)
                journal = opened.journal
                prior = JournalState(opened.existing.lines)
                try Self.checkBinding(prior, plan: loaded, journalPath: journalPath)
                if let line = opened.repairedLine {
                    console.err(
                        "\(journalPath):\(line): note: the last line was cut off by a crash and was removed "
                            + "(its request was never sent)")
                }
            }
            let applier = PlanApplier(
                client: client, journal: journal, now: { Clock.now() }, options: options,
                onFinished: { entry in
                    guard showProgress else { return }
                    console.err(
                        "  \(entry.outcome.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(entry.actionId)  "
                            + "\(entry.kind.rawValue)  \(entry.target)  \(TerminalText.safe(entry.name, limit: 60)): "
                            + TerminalText.safe(entry.detail, limit: 200))
                })
            let report = await applier.run(loaded, actions: actions, prior: prior)
            await journal?.close()
            console.out(report.render())
            if !dryRun { console.out("journal: \(journalPath)") }
            unfinished = !report.allSucceeded
        }
        if unfinished { throw ExitCode.unfinished }
    }

    /// A journal belongs to one plan: refuse to mix runs of different plans in one file.
    static func checkBinding(_ state: JournalState, plan: Plan, journalPath: String) throws(SeatSweepError) {
        if let digest = state.planDigest, digest != plan.digest {
            throw SeatSweepError(
                "the journal beside the plan was written for another plan (digest \(digest.prefix(12))…, this plan "
                    + "\(plan.digest.prefix(12))…); nothing was sent",
                at: SourceLocation(path: journalPath),
                hint: "move the old journal away, or apply the plan it belongs to")
        }
    }
}
