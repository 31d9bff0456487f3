/// Writes `users.csv`: one row per billable seat with its verdict, for people and spreadsheets.
public enum UsersCSVRenderer {
    public static let header = [
        "account_id", "name", "email", "product", "site", "last_active", "days_inactive", "seat_status", "candidate",
        "action_id", "protected_by", "reason", "evidence",
    ]

    public static func render(
        _ findings: Findings, directory: Directory, plan: Plan, sink: (ArraySlice<UInt8>) throws -> Void
    ) rethrows {
        var actionIds: [String: String] = [:]
        for action in plan.actions {
            if let product = action.product, let site = action.site {
                actionIds[action.accountId + "\u{0}" + product + "\u{0}" + site] = action.id
            } else {
                for seat in action.seats {
                    actionIds[action.accountId + "\u{0}" + seat.product + "\u{0}" + seat.site] = action.id
                }
            }
        }
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]  // a BOM so Excel opens UTF-8 correctly
        out.append(contentsOf: CSVEscaping.row(header).utf8)
        for finding in findings.seats {
            let account = directory.accounts[finding.account]
            let seat = account.seat(at: finding.seat)
            let lastActive: String
            switch seat.lastActive {
            case .on(let day): lastActive = day.iso
            case .never: lastActive = "never"
            case .atLeastDaysAgo(let days): lastActive = "over \(days - 1) days ago"
            case .unknown: lastActive = ""
            }
            let row = [
                account.id, account.name, account.email, finding.product, finding.site, lastActive,
                finding.daysInactive.map(String.init) ?? "", finding.status.rawValue,
                finding.isCandidate ? "yes" : "no",
                actionIds[account.id + "\u{0}" + finding.product + "\u{0}" + finding.site] ?? "",
                finding.protection ?? "",
                finding.reason, "\(directory.path(of: seat.evidence)):\(seat.evidence.line)",
            ]
            out.append(contentsOf: CSVEscaping.row(row).utf8)
            if out.count >= 1 << 20 {
                try sink(out[...])
                out.removeAll(keepingCapacity: true)
            }
        }
        try sink(out[...])
    }
}
