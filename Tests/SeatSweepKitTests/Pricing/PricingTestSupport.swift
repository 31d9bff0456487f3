import Foundation
import Testing

@testable import SeatSweepKit

/// Builders for pricing tests: pricing files from YAML text, findings from seat counts.
enum PricingTestSupport {
    /// An exact amount: `d("17.20")`.
    static func d(_ text: String) -> Decimal { Decimal(string: text, locale: nil)! }

    static func load(_ yaml: String, path: String = "pricing.yml") throws -> PricingFile {
        try PricingLoader.load(yaml, path: path, sha256: "0")
    }

    /// The error loading `yaml` throws, or nil when it loads.
    static func loadError(_ yaml: String) -> SeatSweepError? {
        do {
            _ = try load(yaml)
            return nil
        } catch let error as SeatSweepError {
            return error
        } catch {
            return SeatSweepError("unexpected \(error)")
        }
    }

    /// Every message of an error with its related problems, as `line: message`.
    static func problems(_ error: SeatSweepError?) -> [String] {
        guard let error else { return [] }
        return ([error] + error.related).map { "\($0.location?.line ?? 0): \($0.message)" }
    }

    /// Findings with only the per-subscription counts pricing reads.
    static func findings(_ groups: [(product: String, site: String, billable: Int, candidates: Int)]) -> Findings {
        Findings(
            asOf: TestSupport.asOf, policy: Policy(), seats: SeatFindings(), protectedAccounts: [],
            groups: groups.map { spec in
                var counts = SeatGroupCounts(product: spec.product, site: spec.site)
                counts.billable = spec.billable
                counts.candidates = spec.candidates
                counts.inactive = spec.candidates
                return counts
            }, seatsActiveAfterAsOf: 0)
    }

    /// Prices `groups` with `yaml` as of `asOf` (default 2026-11-01).
    static func savings(
        _ yaml: String, _ groups: [(product: String, site: String, billable: Int, candidates: Int)],
        asOf: Day = TestSupport.asOf
    ) throws -> Savings {
        try SavingsCalculator(pricing: load(yaml), asOf: asOf).run(findings(groups))
    }

    /// The error pricing `groups` throws, or nil.
    static func savingsError(
        _ yaml: String, _ groups: [(product: String, site: String, billable: Int, candidates: Int)]
    ) -> SeatSweepError? {
        do {
            _ = try savings(yaml, groups)
            return nil
        } catch let error as SeatSweepError {
            return error
        } catch {
            return SeatSweepError("unexpected \(error)")
        }
    }
}
