/// When a removal starts to save: the next monthly cycle, or the next annual renewal.
public enum BillingCalendar {
    /// The first cycle start strictly after `asOf`, with cycles starting on `cycleDay` of each
    /// month (the month's last day when it is shorter). The current cycle is billed on the most
    /// users it held, so a removal on its first day already saves only from the next one.
    ///
    /// Examples: cycle day 1, audit 2026-11-01 → 2026-12-01; cycle day 15, audit 2026-11-14 →
    /// 2026-11-15; cycle day 31, audit 2027-02-10 → 2027-02-28.
    public static func nextCycle(after asOf: Day, cycleDay: Int) -> Day {
        var (year, month, _) = asOf.components
        while true {
            let day = Day(year: year, month: month, day: min(cycleDay, Day.daysIn(month: month, year: year)))!
            if day > asOf { return day }
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
    }

    /// The first anniversary of `renewal` strictly after `asOf` (the date itself when it is in
    /// the future), so a renewal date from last year's quote still works. 29 February falls
    /// on 28 February in other years.
    ///
    /// Examples: renewal 2027-03-01, audit 2026-11-01 → 2027-03-01; renewal 2026-03-01 →
    /// 2027-03-01; renewal 2026-11-01 (the audit date) → 2027-11-01.
    public static func nextRenewal(_ renewal: Day, after asOf: Day) -> Day {
        let (renewalYear, month, day) = renewal.components
        var year = max(renewalYear, asOf.components.year - 1)
        while true {
            let candidate = Day(year: year, month: month, day: min(day, Day.daysIn(month: month, year: year)))!
            if candidate > asOf, candidate >= renewal { return candidate }
            year += 1
        }
    }
}
