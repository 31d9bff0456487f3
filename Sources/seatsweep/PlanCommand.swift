import ArgumentParser
import Foundation
import SeatSweepKit

/// `seatsweep plan show|review`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show a deactivation plan, or record a reviewer's decisions in it.",
        subcommands: [PlanShowCommand.self, PlanReviewCommand.self])
}

/// `seatsweep plan show PLAN [--json]`.
struct PlanShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Counts, savings, every action with its evidence and decision; whether apply would accept the plan.",
        discussion: "Works on expired and tampered plans too, and says so.")

    @Argument(help: "The plan.json that `seatsweep audit` wrote.")
    var plan: String

    @Flag(help: "Print JSON (schemaVersion 1) instead of text.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let loaded = try PlanFiles.load(plan)
            let now = Clock.now()
            if json {
                Console.out(
                    String(decoding: PlanShowRenderer.renderJSON(loaded, now: now), as: UTF8.self)
                        .trimmingTrailingNewline)
            } else {
                Console.out(PlanShowRenderer.render(loaded, now: now, path: plan))
            }
        }
    }
}

/// `seatsweep plan review PLAN --by NAME (--approve-all | --approve IDS | --reject IDS | --from FILE)`.
struct PlanReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Record decisions, the reviewer and the time in the plan.",
        discussion: """
            Decisions live outside the plan's digest, so a reviewed plan still proves it is the plan the audit \
            wrote; a plan whose digest does not match is refused. --from reads the Candidates sheet of a reviewed \
            report.xlsx, or a CSV with id and Decision columns: approve (approved, yes, y, x), reject (rejected, \
            no, n), or blank to leave an action as it is. --approve and --reject may be combined.
            """)

    @Argument(help: "The plan to review; it is rewritten in place (atomically, mode 0600).")
    var plan: String

    @Option(help: "Who is deciding (recorded in the plan).")
    var by: String

    @Flag(name: .customLong("approve-all"), help: "Approve every pending action (earlier rejections stand).")
    var approveAll = false

    @Option(parsing: .singleValue, help: ArgumentHelp("Action ids to approve, comma-separated.", valueName: "ids"))
    var approve: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Action ids to reject, comma-separated.", valueName: "ids"))
    var reject: [String] = []

    @Option(help: ArgumentHelp("A reviewed report.xlsx or a CSV with id and Decision columns.", valueName: "file"))
    var from: String?

    func validate() throws {
        let modes = (approveAll ? 1 : 0) + (from != nil ? 1 : 0) + (approve.isEmpty && reject.isEmpty ? 0 : 1)
        guard modes == 1 else {
            throw ValidationError("give exactly one of --approve-all, --from FILE, or --approve/--reject IDS")
        }
        if let problem = PlanReviewer.validateName(by) { throw ValidationError("--by: \(problem)") }
        let both = Set(ids(approve)).intersection(ids(reject))
        if !both.isEmpty {
            throw ValidationError("both approved and rejected: " + both.sorted().joined(separator: ", "))
        }
    }

    func ids(_ lists: [String]) -> [String] {
        lists.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    func run() async throws {
        try await reportingErrors {
            let loaded = try PlanFiles.load(plan)
            let now = Clock.now()
            let instruction: ReviewInstruction
            if approveAll {
                instruction = .approveAllPending
            } else if let from {
                let data = try Files.read(from, what: "reviewed sheet")
                instruction = .decisions(try ReviewSheetReader.read(data, path: from))
            } else {
                instruction = .decisions(
                    ids(approve).map { ReviewDecision(actionId: $0, decision: .approved) }
                        + ids(reject).map { ReviewDecision(actionId: $0, decision: .rejected) })
            }
            let reviewed = try PlanReviewer(reviewer: by, at: now).run(loaded, instruction, path: plan)
            try PlanFiles.write(reviewed, to: plan)
            let review = reviewed.reviews.last
            let status = PlanStatus(reviewed, now: now)
            Console.out(
                "recorded the review by \(TerminalText.safe(by)): \(review?.approved ?? 0) approved, "
                    + "\(review?.rejected ?? 0) rejected in this review; the plan now has \(status.approved) approved, \(status.rejected) rejected, "
                    + "\(status.pending) pending (digest unchanged)")
            if status.expired {
                Console.err("seatsweep: warning: the plan expired at \(reviewed.expiresAt); apply will refuse it")
            } else if status.approved > 0 {
                Console.out("next: seatsweep apply \(plan) --dry-run, then without --dry-run")
            }
        }
    }
}

extension String {
    var trimmingTrailingNewline: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
