import Foundation
import Yams

/// Reads `pricing.yml`. Every problem is an error with file and line, all reported in one run;
/// unknown product keys and annual plans without a renewal date are warnings.
///
/// ```yaml
/// currency: USD
/// source: "our renewal quote, 2026-10"
/// renewal: 2027-03-01          # annual plans save from here
/// cycleDay: 1                  # monthly cycles start on this day of the month
/// products:
///   jira: {billing: monthly, perUser: 8.60}
///   confluence: {billing: monthly, bands: [{upTo: 100, perUser: 6.40}, {perUser: 5.20}]}
///   jira-service-management: {billing: annual, tiers: [{upTo: 10, price: 2000}, {upTo: 25, price: 5000}]}
/// sites:
///   acme-eu: {jira: {billing: annual, currency: EUR, tiers: [{upTo: 10, price: 1800}]}}
/// apps:
///   - {name: Time tracking app, host: jira, billing: monthly, perUser: 1.20}
/// ```
public enum PricingLoader {
    public static let topLevelKeys = ["currency", "source", "renewal", "cycleDay", "products", "sites", "apps"]
    /// Keys of one price entry (a product, a site's product, or an app).
    public static let entryKeys = ["billing", "perUser", "bands", "tiers", "currency", "renewal", "cycleDay"]
    public static let appKeys = ["name", "host", "site"] + entryKeys

    /// Parses pricing text. `sha256` is the digest of the file's bytes, recorded in the summary.
    public static func load(_ text: String, path: String, sha256: String) throws(SeatSweepError) -> PricingFile {
        guard let root = try YAMLFields.compose(text, path: path) else {
            throw SeatSweepError(
                "the pricing file is empty", at: SourceLocation(path: path),
                hint: "start from the commented pricing.yml that `seatsweep init` writes")
        }
        var reader = Reader(fields: YAMLFields(path: path))
        let file = reader.read(root, path: path, sha256: sha256)
        // Reported in file order, however the checks happened to find them.
        let problems = reader.fields.problems.enumerated().sorted {
            ($0.element.location?.line ?? 0, $0.offset) < ($1.element.location?.line ?? 0, $1.offset)
        }.map(\.element)
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return file
    }

    /// The state of one read: collected problems, warnings, and the file-wide defaults.
    private struct Reader {
        var fields: YAMLFields
        var warnings: [Diagnostic] = []
        var currency = "XXX"
        var currencyLocation = SourceLocation(path: "")
        var renewal: Day?
        var cycleDay = 1

        mutating func read(_ root: Node, path: String, sha256: String) -> PricingFile {
            let entries = fields.mapping(root, "the pricing file", allowed: PricingLoader.topLevelKeys)
            var currencyGiven = false
            var source: String?
            // File-wide values first: entries inherit them wherever they appear in the file.
            for (key, node, _) in entries {
                switch key {
                case "currency":
                    currencyGiven = true
                    currency = fields.currency(node, "currency") ?? currency
                    currencyLocation = fields.location(node)
                case "source":
                    guard let text = fields.string(node, "source")?.trimmingSpaces else { continue }
                    if text.isEmpty {
                        fields.fail(node, "source is empty", hint: Self.sourceHint)
                    } else {
                        source = text
                    }
                case "renewal": renewal = fields.day(node, "renewal")
                case "cycleDay": cycleDay = fields.int(node, "cycleDay", range: 1...31) ?? cycleDay
                default: break
                }
            }
            if !currencyGiven {
                fields.fail(
                    root, "the pricing file has no currency:",
                    hint: "add `currency: USD` (the ISO 4217 code the prices are in)")
            }
            if source == nil, !entries.contains(where: { $0.key == "source" }) {
                fields.fail(root, "the pricing file has no source:", hint: Self.sourceHint)
            }
            var file = PricingFile(path: path, sha256: sha256, currency: currency, source: source ?? "")
            for (key, node, _) in entries where !Self.isEmpty(node) {
                switch key {
                case "products": file.products = products(node, "products")
                case "sites": file.sites = sites(node)
                case "apps": file.apps = apps(node)
                default: break
                }
            }
            file.warnings = warnings
            return file
        }

        static let sourceHint =
            "say where the prices come from, e.g. source: \"renewal quote, 2026-10\"; it is printed in every report"

        /// `key:` with nothing after it (or `~`): treated as an empty list or mapping.
        static func isEmpty(_ node: Node) -> Bool {
            guard case .scalar(let scalar) = node else { return false }
            return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
        }

        mutating func warn(_ node: Node, _ code: String, _ message: String) {
            warnings.append(Diagnostic(.warning, code, message, at: fields.location(node)))
        }

        /// A mapping of product key → entry (`products:`, or one site under `sites:`).
        mutating func products(_ node: Node, _ what: String) -> [String: PriceEntry] {
            var out: [String: PriceEntry] = [:]
            var seen: [String: String] = [:]
            for (key, value, keyNode) in fields.mapping(node, what) {
                let product = PolicyLoader.normalise(key)
                if product.isEmpty {
                    fields.fail(keyNode, "an empty product key in \(what)")
                    continue
                }
                if let first = seen[product] {
                    fields.fail(
                        keyNode, "\(what) prices \(product) twice ('\(first)' and '\(key)')",
                        hint: "keep one entry per product")
                    continue
                }
                seen[product] = key
                if !ProductKey.known.contains(product) {
                    let close = ProductKey.closestKnown(to: product).map { " (did you mean '\($0)'?)" } ?? ""
                    warn(
                        keyNode, "unknown-product",
                        "\(what).\(key): '\(product)' is not a known Atlassian product key\(close); "
                            + "it prices only seats an export lists under exactly that key")
                }
                let items = fields.mapping(value, "\(what).\(key)", allowed: PricingLoader.entryKeys)
                if let entry = entry(items, at: value, "\(what).\(key)") { out[product] = entry }
            }
            return out
        }

        mutating func sites(_ node: Node) -> [String: [String: PriceEntry]] {
            var out: [String: [String: PriceEntry]] = [:]
            for (key, value, keyNode) in fields.mapping(node, "sites") {
                let site = SiteKey.fromHeader(key)
                if site.isEmpty {
                    fields.fail(keyNode, "an empty site key in sites", hint: "use the site's subdomain, e.g. acme")
                    continue
                }
                if out[site] != nil {
                    fields.fail(keyNode, "sites lists \(site) twice", hint: "keep one entry per site")
                    continue
                }
                out[site] = Self.isEmpty(value) ? [:] : products(value, "sites.\(key)")
            }
            return out
        }

        mutating func apps(_ node: Node) -> [AppPrice] {
            guard let list = fields.sequence(node, "apps") else { return [] }
            var out: [AppPrice] = []
            for (index, item) in list.enumerated() {
                let items = fields.mapping(item, "app \(index + 1)", allowed: PricingLoader.appKeys)
                var name: String?
                var host: String?
                var site: String?
                for (key, value, keyNode) in items {
                    switch key {
                    case "name":
                        name = fields.string(value, "the app's name")?.trimmingSpaces
                        if name?.isEmpty == true { fields.fail(value, "app \(index + 1) has an empty name") }
                    case "host":
                        guard let text = fields.string(value, "the app's host") else { continue }
                        let product = PolicyLoader.normalise(text)
                        if product.isEmpty {
                            fields.fail(value, "app \(index + 1) has an empty host product")
                        } else if !ProductKey.known.contains(product) {
                            let close = ProductKey.closestKnown(to: product).map { " (did you mean '\($0)'?)" } ?? ""
                            warn(
                                keyNode, "unknown-product",
                                "app \(index + 1): host '\(product)' is not a known Atlassian product key\(close)")
                        }
                        host = product
                    case "site":
                        site = fields.string(value, "the app's site").map(SiteKey.fromHeader)
                    default: break
                    }
                }
                if case .mapping = item {
                    if name == nil { fields.fail(item, "app \(index + 1) has no name:") }
                    if host == nil {
                        fields.fail(
                            item, "app \(index + 1) has no host:",
                            hint: "name the product whose users the app is billed on, e.g. host: jira")
                    }
                }
                let label = "app '\(name ?? "\(index + 1)")'"
                let priced = entry(items.filter { PricingLoader.entryKeys.contains($0.key) }, at: item, label)
                guard let name, !name.isEmpty, let host, !host.isEmpty, let priced else { continue }
                if let clash = out.first(where: {
                    $0.name.lowercased() == name.lowercased() && ($0.site == nil || site == nil || $0.site == site)
                }) {
                    fields.fail(
                        item, "app '\(name)' is priced twice for " + (site ?? clash.site ?? "every site"),
                        hint: "give each entry of the same app its own site:")
                    continue
                }
                out.append(AppPrice(name: name, host: host, site: site, price: priced))
            }
            return out
        }

        /// One price entry from its already-checked keys.
        mutating func entry(_ items: [(key: String, node: Node, keyNode: Node)], at node: Node, _ what: String)
            -> PriceEntry?
        {
            guard case .mapping = node else { return nil }  // `mapping` has reported it
            var billing: Billing?
            var billingGiven = false
            var schedule: PriceSchedule?
            var scheduleNode: Node?
            var currency = self.currency
            var currencyLocation = self.currencyLocation
            var renewal = self.renewal
            var cycleDay = self.cycleDay
            let schedules = items.filter { ["perUser", "bands", "tiers"].contains($0.key) }
            if schedules.count > 1 {
                fields.fail(
                    schedules[1].keyNode,
                    "\(what) has both \(schedules[0].key) and \(schedules[1].key)",
                    hint: "give exactly one of perUser (flat), bands (graduated) or tiers (step)")
            }
            for (key, value, _) in items {
                switch key {
                case "billing":
                    billingGiven = true
                    guard let text = fields.string(value, "\(what).billing") else { continue }
                    billing = Billing(rawValue: text.trimmingSpaces.lowercased())
                    if billing == nil {
                        fields.fail(
                            value, "unknown billing '\(text)' in \(what)",
                            hint: "use one of: " + Billing.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                case "perUser":
                    scheduleNode = value
                    schedule = fields.money(value, "\(what).perUser").map(PriceSchedule.perUser)
                case "bands":
                    scheduleNode = value
                    schedule = bands(value, what).map(PriceSchedule.bands)
                case "tiers":
                    scheduleNode = value
                    schedule = tiers(value, what).map(PriceSchedule.tiers)
                case "currency":
                    currency = fields.currency(value, "\(what).currency") ?? currency
                    currencyLocation = fields.location(value)
                case "renewal":
                    renewal = fields.day(value, "\(what).renewal") ?? renewal
                case "cycleDay":
                    cycleDay = fields.int(value, "\(what).cycleDay", range: 1...31) ?? cycleDay
                default: break
                }
            }
            if !billingGiven {
                fields.fail(node, "\(what) has no billing:", hint: "add billing: monthly or billing: annual")
            }
            if schedules.isEmpty {
                fields.fail(
                    node, "\(what) has no price",
                    hint:
                        "add perUser: (flat), bands: (graduated) or tiers: (step), as in `seatsweep init`'s pricing.yml"
                )
            }
            guard let billing, let schedule, let scheduleNode, schedules.count == 1 else { return nil }
            if billing == .annual, renewal == nil {
                warn(
                    node, "no-renewal-date",
                    "\(what) is billed annually but the pricing file gives no renewal date, so its savings have "
                        + "no start date (add renewal: yyyy-MM-dd at the top or in the entry)")
            }
            return PriceEntry(
                billing: billing, schedule: schedule, currency: currency, renewal: renewal, cycleDay: cycleDay,
                location: fields.location(node), scheduleLocation: fields.location(scheduleNode),
                currencyLocation: currencyLocation)
        }

        /// Graduated bands: `upTo` ascending, only the last may leave it out.
        mutating func bands(_ node: Node, _ what: String) -> [PriceBand]? {
            guard let list = fields.sequence(node, "\(what).bands") else { return nil }
            if list.isEmpty { fields.fail(node, "\(what).bands is empty", hint: "give at least one band") }
            var out: [PriceBand] = []
            var valid = !list.isEmpty
            var previous: Int?
            for (index, item) in list.enumerated() {
                let label = "band \(index + 1) of \(what)"
                var upTo: Int?
                var perUser: Decimal?
                var upToNode: Node?
                var perUserGiven = false
                for (key, value, _) in fields.mapping(item, label, allowed: ["upTo", "perUser"]) {
                    if key == "upTo" {
                        upToNode = value
                        upTo = fields.int(value, "\(label): upTo", range: 1...100_000_000)
                        if upTo == nil { valid = false }
                    } else {
                        perUserGiven = true
                        perUser = fields.money(value, "\(label): perUser")
                    }
                }
                if perUser == nil {
                    valid = false
                    if case .mapping = item, !perUserGiven {
                        fields.fail(item, "\(label) has no perUser:", hint: "give the price per user in this band")
                    }
                }
                if upToNode == nil, index < list.count - 1 {
                    valid = false
                    fields.fail(
                        item, "\(label) has no upTo:",
                        hint: "only the last band may leave upTo out (it covers every user beyond the band before)")
                }
                if let upTo, let upToNode, let previous, upTo <= previous {
                    valid = false
                    fields.fail(
                        upToNode, "\(label): upTo \(upTo) is not above the band before (\(previous))",
                        hint: "list bands in ascending order of upTo")
                }
                if let upTo { previous = upTo }
                if let perUser { out.append(PriceBand(upTo: upTo, perUser: perUser)) }
            }
            return valid ? out : nil
        }

        /// Tiers: `upTo` ascending and required, prices never falling as tiers grow.
        mutating func tiers(_ node: Node, _ what: String) -> [PriceTier]? {
            guard let list = fields.sequence(node, "\(what).tiers") else { return nil }
            if list.isEmpty { fields.fail(node, "\(what).tiers is empty", hint: "give at least one tier") }
            var out: [PriceTier] = []
            var valid = !list.isEmpty
            var previous: PriceTier?
            for (index, item) in list.enumerated() {
                let label = "tier \(index + 1) of \(what)"
                var upTo: Int?
                var price: Decimal?
                var upToNode: Node?
                var priceNode: Node?
                for (key, value, _) in fields.mapping(item, label, allowed: ["upTo", "price"]) {
                    if key == "upTo" {
                        upToNode = value
                        upTo = fields.int(value, "\(label): upTo", range: 1...100_000_000)
                    } else {
                        priceNode = value
                        price = fields.money(value, "\(label): price")
                    }
                }
                if case .mapping = item {
                    if upToNode == nil {
                        fields.fail(
                            item, "\(label) has no upTo:", hint: "every tier names the most users it holds")
                    }
                    if priceNode == nil {
                        fields.fail(item, "\(label) has no price:", hint: "give the tier's price for the period")
                    }
                }
                guard let upTo, let price, let upToNode, let priceNode else {
                    valid = false
                    continue
                }
                if let previous {
                    if upTo <= previous.upTo {
                        valid = false
                        fields.fail(
                            upToNode, "\(label): upTo \(upTo) is not above the tier before (\(previous.upTo))",
                            hint: "list tiers in ascending order of upTo")
                    } else if price < previous.price {
                        valid = false
                        fields.fail(
                            priceNode,
                            "\(label): price \(Money.literal(price)) is below the smaller tier's "
                                + "\(Money.literal(previous.price))",
                            hint: "a larger tier cannot cost less; check the quote")
                    }
                }
                previous = PriceTier(upTo: upTo, price: price)
                out.append(PriceTier(upTo: upTo, price: price))
            }
            return valid ? out : nil
        }
    }
}
