import Testing

@testable import SeatSweepKit

/// The report apply prints: one aligned line per action, counts, and what to do about failures.
@Suite struct ApplyReportTests {
    @Test func linesAreAlignedAndFailuresSayWhatToDo() {
        let plan = PlanFixtures.plan([
            PlanFixtures.action(account: "712020:a", name: "Ana", product: "confluence"),
            PlanFixtures.action(account: "712020:b", name: "Bo\u{1B}[2J"),
        ])
        let report = ApplyReport(
            planId: "p-1", dryRun: false,
            entries: [
                .init(action: plan.actions[0], outcome: .done, detail: "removed from confluence-users-acme"),
                .init(action: plan.actions[1], outcome: .failed, detail: "jira-users-acme: HTTP 403", status: 403),
            ])
        #expect(!report.allSucceeded)
        let lines = report.render().split(separator: "\n").map(String.init)
        #expect(lines[0] == "seatsweep apply, plan p-1: 2 approved actions: 1 done, 1 failed")
        #expect(
            lines[1] == "  done    \(plan.actions[0].id)  remove-product-access  confluence@acme  Ana: removed from "
                + "confluence-users-acme")
        #expect(
            lines[2] == "  failed  \(plan.actions[1].id)  remove-product-access  jira@acme        Bo?[2J: "
                + "jira-users-acme: HTTP 403")
        #expect(lines[3].hasPrefix("1 action(s) not done; run the same `seatsweep apply` again"))
    }

    @Test func columns() {
        #expect(TextColumns.align([["a", "bb", "x"], ["ccc", "d", "y "]]) == ["  a    bb  x", "  ccc  d   y"])
    }
}
