import Foundation

extension SummaryRenderer {
    /// The `pricing` member of `summary.json`: where the prices come from, the apps' savings,
    /// and the products that have no price.
    static func writePricing(_ savings: Savings, to w: inout JSONWriter) {
        w.beginObject()
        w.key("apps")
        w.beginArray()
        for app in savings.apps {
            w.beginObject()
            w.money("annualSavings", app.annualSavings)
            w.member("billing", app.billing)
            w.member("currency", savings.currency)
            w.member("effectiveFrom", app.effectiveFrom?.iso)
            w.member("host", app.host)
            w.money("monthlyCost", app.monthlyCost)
            w.money("monthlySavings", app.monthlySavings)
            w.member("name", app.name)
            w.member("site", app.site)
            w.member("tier", app.tier)
            w.member("tierAfter", app.tierAfter)
            w.member("toNextLowerTier", app.toNextLowerTier)
            w.endObject()
        }
        w.endArray()
        w.member("currency", savings.currency)
        w.member("path", savings.path)
        w.member("sha256", savings.sha256)
        w.member("source", savings.source)
        w.member("unpriced", savings.unpriced)
        w.endObject()
    }
}

extension JSONWriter {
    /// An amount of money as a JSON number written from the exact decimal (`25.8`), or null.
    mutating func money(_ name: String, _ amount: Decimal?) {
        key(name)
        if let amount { number(literal: Money.literal(amount)) } else { null() }
    }
}
