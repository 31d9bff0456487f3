/// The audit's results for automation: `summary.json` (design.md §4).
public struct Summary: Sendable {
    public static let schemaVersion = 1

    public var tool: String
    public var asOf: Day
    /// Where the audit date came from: `--as-of`, `fetchedAt` of an API dump, or `today`.
    public var asOfSource: String
    public var generatedAt: Timestamp
    public var inputs: [InputSummary]
    public var policy: Policy
    public var groups: [SeatGroupCounts]
    public var accounts: Int
    public var protectedAccounts: Int
    public var planId: String
    public var planDigest: String
    public var planActions: Int
    public var errors: Int
    public var warnings: Int
    /// License savings, when a pricing file was given.
    public var savings: Savings?

    public var billableSeats: Int { groups.reduce(0) { $0 + $1.billable } }
    public var inactiveSeats: Int { groups.reduce(0) { $0 + $1.inactive } }
    public var candidates: Int { groups.reduce(0) { $0 + $1.candidates } }
}

/// Writes `summary.json`: pretty, keys sorted, `schemaVersion` 1.
public enum SummaryRenderer {
    public static func render(_ s: Summary) -> [UInt8] {
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.member("asOf", s.asOf.iso)
        w.member("asOfSource", s.asOfSource)
        w.key("diagnostics")
        w.beginObject()
        w.member("errors", s.errors)
        w.member("warnings", s.warnings)
        w.endObject()
        w.member("generatedAt", s.generatedAt.iso)
        w.key("inputs")
        w.beginArray()
        for input in s.inputs {
            w.beginObject()
            w.member("accounts", input.accounts)
            w.member("layout", input.layout)
            w.member("path", input.path)
            w.member("rows", input.rows)
            w.member("sha256", input.sha256)
            w.endObject()
        }
        w.endArray()
        w.key("plan")
        w.beginObject()
        w.member("actions", s.planActions)
        w.member("digest", s.planDigest)
        w.member("file", "plan.json")
        w.member("planId", s.planId)
        w.endObject()
        w.key("policy")
        w.beginObject()
        w.member("action", s.policy.action.rawValue)
        w.member("defaultThreshold", s.policy.defaultThreshold)
        w.member("excludeProducts", s.policy.excludeProducts)
        w.member("graceDays", s.policy.graceDays)
        w.key("includeProducts")
        if let include = s.policy.includeProducts { w.strings(include) } else { w.null() }
        w.member("path", s.policy.source?.path)
        w.member("sha256", s.policy.source?.sha256)
        w.key("thresholds")
        w.beginObject()
        for product in s.policy.thresholds.keys.sorted(by: PlanCodec.utf8Less) {
            w.member(product, s.policy.thresholds[product])
        }
        w.endObject()
        w.endObject()
        w.key("pricing")
        if let savings = s.savings { writePricing(savings, to: &w) } else { w.null() }
        w.member("schemaVersion", Summary.schemaVersion)
        w.key("seats")
        w.beginArray()
        for g in s.groups {
            let priced = s.savings?.group(product: g.product, site: g.site)
            w.beginObject()
            w.money("annualSavings", priced?.annualSavings)
            w.member("billable", g.billable)
            w.member("billing", priced?.billing)
            w.member("candidates", g.candidates)
            w.member("currency", priced == nil ? nil : s.savings?.currency)
            w.member("effectiveFrom", priced?.effectiveFrom?.iso)
            w.member("inScope", g.inScope)
            w.member("inactive", g.inactive)
            w.money("monthlyCost", priced?.monthlyCost)
            w.money("monthlySavings", priced?.monthlySavings)
            w.member("neverAccessed", g.neverAccessed)
            w.member("product", g.product)
            w.member("protected", g.protected)
            w.member("site", g.site)
            w.member("tier", priced?.tier)
            w.member("tierAfter", priced?.tierAfter)
            w.member("toNextLowerTier", priced?.toNextLowerTier)
            w.endObject()
        }
        w.endArray()
        w.member("tool", s.tool)
        w.key("totals")
        w.beginObject()
        w.member("accounts", s.accounts)
        w.money("annualSavings", s.savings?.annualSavings)
        w.member("billableSeats", s.billableSeats)
        w.member("candidates", s.candidates)
        w.member("currency", s.savings?.currency)
        w.member("inactiveSeats", s.inactiveSeats)
        w.money("monthlySavings", s.savings?.monthlySavings)
        w.member("protectedAccounts", s.protectedAccounts)
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
