import ArgumentParser
import Foundation
import SeatSweepKit
import SeatSweepRemote

/// `seatsweep verify PLAN`: reads the live state back for every approved action.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Read the live state back and report, per approved action, done / not done / changed since.",
        discussion: """
            Uses the same connection options and credentials as apply, and the journal beside the plan when \
            there is one (to tell "not done" from "done, then changed since"). Changes nothing. Exit 0 only when \
            every approved action is done; 2 otherwise.
            """)

    @Argument(help: "The plan that was applied.")
    var plan: String

    @Flag(help: "Print JSON (schemaVersion 1) instead of text.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let secrets = LoadedSecrets()
        var allDone = true
        try await reportingErrors(masking: secrets) {
            let loaded = try PlanFiles.load(plan)
            if case .tampered = PlanCodec.integrity(loaded) {
                throw SeatSweepError(
                    "the plan was changed after the audit wrote it (its digest does not match); it cannot be verified",
                    at: SourceLocation(path: plan), hint: "verify the plan file that was applied")
            }
            let approved = loaded.actions.filter { $0.decision == .approved }
            guard !approved.isEmpty else {
                throw SeatSweepError(
                    "no action in the plan is approved, so there is nothing to verify", at: SourceLocation(path: plan))
            }
            let orgId = try connection.orgId(for: loaded, path: plan)
            let credentials = try connection.loadCredentials()
            let console = secrets.remember(credentials)
            try ConnectionOptions.require(credentials, for: approved)
            let journalPath = PlanFiles.journalPath(for: plan)
            var journal: JournalState?
            if let decoded = try ApplyJournal.read(journalPath) {
                let state = JournalState(decoded.lines)
                if let digest = state.planDigest, digest != loaded.digest {
                    console.err("\(journalPath): warning: the journal belongs to another plan; it is not used")
                } else {
                    journal = state
                }
            }
            let http = HTTPClient(
                transport: URLSessionTransport(),
                onEvent: { event in
                    if case .retrying(let request, let attempt, _, let reason) = event {
                        console.err("seatsweep: \(request): \(reason) [attempt \(attempt + 1)]")
                    }
                })
            let client = AtlassianClient(http: http, endpoints: try connection.endpoints(), credentials: credentials)
            let verifier = Verifier(client: client, concurrency: connection.concurrency, orgId: orgId)
            let report = await verifier.run(loaded, journal: journal, checkedAt: Clock.now())
            if json {
                console.out(String(decoding: report.renderJSON(), as: UTF8.self).trimmingTrailingNewline)
            } else {
                console.out(report.render())
            }
            allDone = report.allApprovedDone
        }
        if !allDone { throw ExitCode.unfinished }
    }
}
