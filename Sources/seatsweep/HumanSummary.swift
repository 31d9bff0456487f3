import SeatSweepKit

/// The short summary `audit` prints for a person at a terminal.
enum HumanSummary {
    static func render(_ result: Audit.Result, written: [String], policyGiven: Bool) -> String {
        let s = result.summary
        var lines: [String] = []
        lines.append("seatsweep audit, as of \(s.asOf.iso) (\(describe(s.asOfSource)))")
        for input in s.inputs {
            lines.append("  input  \(input.path): \(input.layout), \(input.rows) rows, \(input.accounts) accounts")
        }
        let p = s.policy
        lines.append(
            "  policy \(p.source?.path ?? "built-in defaults"): inactive after \(p.defaultThreshold) days"
                + (p.thresholds.isEmpty
                    ? ""
                    : " ("
                        + p.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                            separator: ", ") + ")")
                + ", \(p.graceDays)-day grace, action \(p.action.rawValue)")
        if !policyGiven {
            lines.append("         (pass --policy FILE to change these; `seatsweep init` writes a commented one)")
        }
        lines.append("")
        var table = [["product", "site", "billable", "inactive", "never used", "protected", "candidates"]]
        for g in s.groups {
            table.append([
                g.product + (g.inScope ? "" : " (excluded)"), g.site.isEmpty ? "-" : g.site, "\(g.billable)",
                "\(g.inactive)",
                "\(g.neverAccessed)", "\(g.protected)", "\(g.candidates)",
            ])
        }
        table.append([
            "total", "", "\(s.billableSeats)", "\(s.inactiveSeats)", "\(s.groups.reduce(0) { $0 + $1.neverAccessed })",
            "\(s.groups.reduce(0) { $0 + $1.protected })", "\(s.candidates)",
        ])
        lines += format(table).map { "  " + $0 }
        lines += savingsLines(s)
        lines.append("")
        lines.append(
            "  \(s.accounts) accounts, \(s.protectedAccounts) protected; \(s.candidates) candidate seats in "
                + "\(s.planActions) plan actions (expires \(result.plan.expiresAt))")
        if result.diagnostics.warnings > 0 {
            lines.append("  \(result.diagnostics.warnings) warnings (printed above on stderr)")
        }
        lines.append("  wrote " + written.joined(separator: "\n        "))
        if let plan = written.first(where: { $0.hasSuffix("plan.json") }) {
            lines.append("  next: seatsweep plan show \(plan)")
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ source: String) -> String {
        switch source {
        case "--as-of": return "from --as-of"
        case "fetchedAt": return "when the API dump was fetched"
        default: return "today, UTC; pass --as-of to pin it"
        }
    }

    /// Left-aligns the `left` (text) columns and right-aligns the others (numbers).
    static func format(_ rows: [[String]], left: Set<Int> = [0, 1]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return left.contains(i) ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
