import SeatSweepKit

extension HumanSummary {
    /// The savings block: one row per priced subscription and app, the total, and what is
    /// unpriced. Amounts are rounded half-even to the currency's minor unit here, and only here.
    static func savingsLines(_ s: Summary) -> [String] {
        guard let savings = s.savings else { return [] }
        let c = savings.currency
        var lines = [
            "",
            "  savings in \(c) if every candidate seat is removed",
            "  prices from \(savings.path): \(savings.source)",
        ]
        var table = [["product", "site", "billing", "per month", "per year", "from", "note"]]
        func note(_ tier: Int?, _ after: Int?, _ more: Int?) -> String {
            guard let tier, let after else { return "" }
            var text = after == tier ? "tier \(tier)" : "tier \(tier) -> \(after)"
            if let more { text += ", \(more) more to drop a tier" }
            return text
        }
        func from(_ day: Day?) -> String { day?.iso ?? "renewal?" }
        for g in savings.groups {
            table.append([
                g.product, g.site.isEmpty ? "-" : g.site, g.billing, Money.display(g.monthlySavings, currency: c),
                Money.display(g.annualSavings, currency: c), from(g.effectiveFrom),
                note(g.tier, g.tierAfter, g.toNextLowerTier),
            ])
        }
        for app in savings.apps {
            table.append([
                "app: \(app.name) (\(app.host))", app.site.isEmpty ? "-" : app.site, app.billing,
                Money.display(app.monthlySavings, currency: c), Money.display(app.annualSavings, currency: c),
                from(app.effectiveFrom), note(app.tier, app.tierAfter, app.toNextLowerTier),
            ])
        }
        table.append([
            "total", "", "", Money.display(savings.monthlySavings, currency: c),
            Money.display(savings.annualSavings, currency: c), "", "",
        ])
        lines += format(table, left: [0, 1, 2, 5, 6]).map { "  " + $0 }
        if !savings.unpriced.isEmpty {
            lines.append(
                "  unpriced (not in the total): " + savings.unpriced.joined(separator: ", ")
                    + "; add them to the pricing file")
        }
        return lines
    }
}
