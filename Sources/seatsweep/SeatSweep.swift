import ArgumentParser
import SeatSweepKit

/// The `seatsweep` command tree. Subcommands parse arguments, read and write files, print, and
/// map errors to the exit codes documented in the README; the work happens in SeatSweepKit.
@main
struct SeatSweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seatsweep",
        abstract: "Find unused Atlassian Cloud seats, report them, and remove them through a reviewed plan.",
        discussion: """
            Exit codes: 0 ok; 1 failure (nothing written); 2 finished with failed actions, or warnings under \
            --strict; 64 usage error.
            """,
        version: SeatSweepVersion.current,
        subcommands: [
            AuditCommand.self, InitCommand.self, PlanCommand.self, ApplyCommand.self, VerifyCommand.self,
            UndoCommand.self,
        ]
    )
}
