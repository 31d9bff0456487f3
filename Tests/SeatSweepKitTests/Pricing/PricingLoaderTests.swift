import Foundation
import Testing

@testable import SeatSweepKit

/// `pricing.yml`: what it reads, and every mistake reported with its line, all in one run.
@Suite struct PricingLoaderTests {
    let d = PricingTestSupport.d

    func load(_ yaml: String, _ path: String = "pricing.yml") throws -> PricingFile {
        try PricingTestSupport.load(yaml, path: path)
    }
    let loadError = PricingTestSupport.loadError
    let problems = PricingTestSupport.problems

    @Test func readsEveryForm() throws {
        let pricing = try load(
            """
            currency: usd
            source: "renewal quote, 2026-10"
            renewal: 2027-03-01
            cycleDay: 15
            products:
              Jira Software:
                billing: monthly
                perUser: 8.60
              confluence:
                billing: monthly
                bands:
                  - {upTo: 100, perUser: 6.40}
                  - perUser: 5.20
              jira-service-management:
                billing: annual
                cycleDay: 3
                tiers:
                  - {upTo: 10, price: 2000}
                  - {upTo: 25, price: 5000}
            sites:
              ACME-EU:
                jira: {billing: annual, renewal: 2027-06-15, currency: eur, tiers: [{upTo: 10, price: 950}]}
            apps:
              - name: Time tracking app
                host: Jira
                billing: monthly
                perUser: 1.20
              - {name: Diagrams, host: confluence, site: acme, billing: annual, perUser: 12}
            """)
        #expect(pricing.currency == "USD")
        #expect(pricing.source == "renewal quote, 2026-10")
        #expect(pricing.warnings.isEmpty)
        let jira = try #require(pricing.products["jira"])  // display name normalised
        #expect(jira.billing == .monthly)
        #expect(jira.schedule == .perUser(d("8.60")))
        #expect(jira.cycleDay == 15)
        #expect(jira.currency == "USD")
        #expect(jira.location.line == 7)
        #expect(jira.scheduleLocation.line == 8)
        #expect(jira.currencyLocation.line == 1)
        #expect(
            pricing.products["confluence"]?.schedule
                == .bands([PriceBand(upTo: 100, perUser: d("6.40")), PriceBand(upTo: nil, perUser: d("5.20"))]))
        let jsm = try #require(pricing.products["jira-service-management"])
        #expect(jsm.schedule == .tiers([PriceTier(upTo: 10, price: 2000), PriceTier(upTo: 25, price: 5000)]))
        #expect(jsm.renewal == Day(iso: "2027-03-01"))  // inherited
        #expect(jsm.cycleDay == 3)  // its own
        let eu = try #require(pricing.sites["acme-eu"]?["jira"])  // site key lower-cased
        #expect(eu.currency == "EUR")
        #expect(eu.currencyLocation.line == 22)
        #expect(eu.renewal == Day(iso: "2027-06-15"))
        #expect(pricing.price(product: "jira", site: "acme-eu") == eu)
        #expect(pricing.price(product: "jira", site: "acme") == jira)
        #expect(pricing.price(product: "bitbucket", site: "acme") == nil)
        #expect(pricing.apps.map(\.name) == ["Time tracking app", "Diagrams"])
        #expect(pricing.apps.map(\.host) == ["jira", "confluence"])
        #expect(pricing.apps.map(\.site) == [nil, "acme"])
        #expect(pricing.apps[1].price.billing == .annual)
    }

    @Test func theSampleLoadsWithoutWarnings() throws {
        let url = TestSupport.sample("pricing.yml")
        let pricing = try load(String(decoding: try Data(contentsOf: url), as: UTF8.self), "Samples/pricing.yml")
        #expect(pricing.warnings.isEmpty)
        #expect(pricing.source.contains("EXAMPLE"))
        #expect(pricing.products.keys.sorted() == ["confluence", "jira", "jira-service-management"])
    }

    @Test func currencyAndSourceAreRequired() {
        let error = loadError("products: {}\n")
        #expect(
            problems(error) == [
                "1: the pricing file has no currency:", "1: the pricing file has no source:",
            ])
        #expect(error?.hint?.contains("currency: USD") == true)
        #expect(problems(loadError("currency: USD\nsource: \"  \"\n")) == ["2: source is empty"])
    }

    @Test func anEmptyFileIsAnError() {
        let error = loadError("# nothing yet\n")
        #expect(error?.message == "the pricing file is empty")
        #expect(error?.hint?.contains("seatsweep init") == true)
    }

    @Test func yamlSyntaxErrorsNameTheLine() {
        let error = loadError("currency: USD\nsource: x\nproducts:\n  jira: {billing: monthly, perUser: 8.60\n")
        #expect(error?.message.hasPrefix("invalid YAML") == true)
        #expect((error?.location?.line ?? 0) >= 4)
    }

    /// Each mistake once, with the line it is on; all of them in one run.
    @Test func everyValidationErrorWithItsLine() {
        let error = loadError(
            """
            currency: US Dollars
            source: "quote"
            renewal: 1 March 2027
            cycleDay: 32
            discount: 10
            products:
              jira:
                billing: monthly
                perUser: -8.60
              confluence:
                billing: weekly
                perUser: $6.40
              jira-work-management:
                billing: monthly
              bitbucket:
                perUser: 3
              jira-service-management:
                billing: annual
                perUser: 5
                tiers: [{upTo: 10, price: 2000}]
              opsgenie:
                billing: monthly
                bands:
                  - {upTo: 100, perUser: 6.40}
                  - {upTo: 100, perUser: 5.20}
                  - {perUser: 4}
              statuspage:
                billing: monthly
                bands:
                  - {perUser: 6.40}
                  - {upTo: 100}
              compass:
                billing: annual
                tiers:
                  - {upTo: 25, price: 5000}
                  - {upTo: 10, price: 2000}
              loom:
                billing: annual
                tiers:
                  - {upTo: 10, price: 2000}
                  - {upTo: 25, price: 1500}
                  - {price: 9000}
                  - {upTo: 100}
              trello:
                billing: monthly
                perUser: 1e3
                seats: 4
              Jira Software:
                billing: monthly
                perUser: 8
              rovo:
                billing: monthly
                bands: []
            apps:
              - {host: jira, billing: monthly, perUser: 1}
              - {name: X, billing: monthly, perUser: 1}
              - {name: Y, host: jira, billing: monthly, perUser: 1}
              - {name: y, host: jira, site: acme, billing: monthly, perUser: 2}
            """)
        #expect(
            problems(error) == [
                "1: currency must be a three-letter ISO 4217 code such as USD or EUR, not 'US Dollars'",
                "3: renewal must be a date like 2027-03-01, not '1 March 2027'",
                "4: cycleDay must be between 1 and 31, not 32",
                "5: unknown key 'discount' in the pricing file",
                "9: products.jira.perUser must not be negative (-8.60)",
                "11: unknown billing 'weekly' in products.confluence",
                "12: products.confluence.perUser must be a number like 8.60, not '$6.40'",
                "14: products.jira-work-management has no price",
                "16: products.bitbucket has no billing:",
                "20: products.jira-service-management has both perUser and tiers",
                "25: band 2 of products.opsgenie: upTo 100 is not above the band before (100)",
                "30: band 1 of products.statuspage has no upTo:",
                "31: band 2 of products.statuspage has no perUser:",
                "36: tier 2 of products.compass: upTo 10 is not above the tier before (25)",
                "41: tier 2 of products.loom: price 1500 is below the smaller tier's 2000",
                "42: tier 3 of products.loom has no upTo:",
                "43: tier 4 of products.loom has no price:",
                "46: products.trello.perUser must be a number like 8.60, not '1e3'",
                "47: unknown key 'seats' in products.trello",
                "48: products prices jira twice ('jira' and 'Jira Software')",
                "53: products.rovo.bands is empty",
                "55: app 1 has no name:",
                "56: app 2 has no host:",
                "58: app 'y' is priced twice for acme",
            ])
        #expect(error?.location?.path == "pricing.yml")
    }

    @Test(arguments: ["8,60", "8.", ".5", "1 000", "8.6.0", "0x10", "€8", "~"])
    func malformedAmountsAreErrors(text: String) {
        let error = loadError("currency: EUR\nsource: q\nproducts:\n  jira: {billing: monthly, perUser: \"\(text)\"}\n")
        #expect(error?.location?.line == 4, "\(text)")
        #expect(error?.related.isEmpty == true)
    }

    @Test(arguments: ["0", "0.00", "-0", "12", "8.60", "0.005"])
    func wellFormedAmountsLoad(text: String) throws {
        let pricing = try load("currency: EUR\nsource: q\nproducts:\n  jira: {billing: monthly, perUser: \(text)}\n")
        #expect(pricing.products["jira"]?.schedule == .perUser(d(text)))
    }

    @Test func unknownProductKeysAreWarnings() throws {
        let pricing = try load(
            """
            currency: USD
            source: q
            products:
              jria: {billing: monthly, perUser: 8}
              my-custom-product: {billing: monthly, perUser: 1}
            apps:
              - {name: A, host: confluense, billing: monthly, perUser: 1}
            """)
        #expect(pricing.warnings.map(\.code) == ["unknown-product", "unknown-product", "unknown-product"])
        #expect(pricing.warnings.map { $0.location?.line ?? 0 } == [4, 5, 7])
        #expect(pricing.warnings[0].message.contains("did you mean 'jira'?"))
        #expect(!pricing.warnings[1].message.contains("did you mean"))
        #expect(pricing.warnings[2].message.contains("did you mean 'confluence'?"))
        #expect(pricing.products["jria"] != nil)  // still priced: an export may really use that key
    }

    @Test func annualPlansWithoutARenewalDateAreWarnings() throws {
        let pricing = try load(
            """
            currency: USD
            source: q
            products:
              jira: {billing: annual, tiers: [{upTo: 10, price: 100}]}
              confluence: {billing: annual, renewal: 2027-01-01, perUser: 50}
              bitbucket: {billing: monthly, perUser: 3}
            """)
        #expect(pricing.warnings.map(\.code) == ["no-renewal-date"])
        #expect(pricing.warnings.first?.location?.line == 4)
        #expect(pricing.products["jira"]?.renewal == nil)
    }

    @Test func emptySectionsAreAllowed() throws {
        let pricing = try load("currency: USD\nsource: q\nproducts:\nsites:\napps: []\n")
        #expect(pricing.products.isEmpty && pricing.sites.isEmpty && pricing.apps.isEmpty)
    }
}
