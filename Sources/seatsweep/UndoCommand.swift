import ArgumentParser
import Foundation
import SeatSweepKit

/// `seatsweep undo JOURNAL`: writes a restore plan reversing what the journal says was done.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Write a restore plan that reverses what an apply journal says was done.",
        discussion: """
            Every group an account was removed from becomes a restore-groups action (re-add to exactly those \
            groups), every suspension a restore-access action. The restore plan goes through `plan review` and \
            `apply` like any other; nothing is sent by undo itself.
            """)

    @Argument(help: "The PLAN.journal.jsonl that apply wrote beside the plan.")
    var journal: String

    @Option(help: "Where to write the restore plan (default: beside the journal, PLAN.restore.json).")
    var out: String?

    func run() async throws {
        try await reportingErrors {
            let data = try Files.read(journal, what: "journal")
            let decoded = try JournalCodec.decode(Array(data), path: journal)
            let result = try UndoPlanner(generatedAt: Clock.now(), toolVersion: SeatSweepVersion.current).run(
                JournalState(decoded.lines), path: journal, sha256: Ingestor.sha256Hex(data))
            let target = out ?? PlanFiles.restorePlanPath(for: journal)
            if FileManager.default.fileExists(atPath: target) {
                throw SeatSweepError(
                    "the restore plan already exists; it is not overwritten", at: SourceLocation(path: target),
                    hint: "pass --out with another file, or move the old one away")
            }
            try PlanFiles.write(result.plan, to: target)
            for note in result.notes { Console.err("seatsweep: note: \(note)") }
            let groups = result.plan.actions.count { $0.kind == .restoreGroups }
            let access = result.plan.actions.count { $0.kind == .restoreAccess }
            Console.out(
                "wrote \(target): \(result.plan.actions.count) restore action\(result.plan.actions.count == 1 ? "" : "s") "
                    + "(\(groups) restore-groups, \(access) restore-access), all pending\n"
                    + "next: seatsweep plan show \(target); seatsweep plan review \(target) --by NAME --approve-all; "
                    + "seatsweep apply \(target)")
        }
    }
}
