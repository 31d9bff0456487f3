import CPrefetch
import Foundation

/// The one view model of the audit's results that every report renders (HTML, xlsx, XML
/// Spreadsheet 2003, users.csv), so no two formats can disagree on a number.
///
/// Built once from `Audit.Result`. Small parts (headline, per-subscription lines, chart buckets,
/// diagnostics, methodology) are values; the large tables (`candidates`, `seats`, `protected`)
/// make their rows on demand. All text from the inputs has passed `ReportText.clean` and, with a
/// `Redactor`, names and e-mails are pseudonyms; renderers only escape for their language.
public struct ReportDocument: Sendable {
    /// How to build the document.
    public struct Options: Sendable {
        /// Set for `--redact`: names and e-mails become pseudonyms.
        public var redactor: Redactor?

        public init(redactor: Redactor? = nil) { self.redactor = redactor }
    }

    /// The headline counts.
    public struct Totals: Sendable, Equatable {
        public var accounts: Int
        public var billableSeats: Int
        public var inactiveSeats: Int
        public var neverAccessedSeats: Int
        /// Billable seats of protected accounts.
        public var protectedSeats: Int
        public var protectedAccounts: Int
        /// Candidate seats (inactive, unprotected, in scope).
        public var candidates: Int
        public var planActions: Int
    }

    /// One subscription (a product on a site) with its counts and, when priced, its savings.
    public struct GroupLine: Sendable, Equatable {
        public var product: String
        public var site: String
        public var inScope: Bool
        public var billable: Int
        public var inactive: Int
        public var neverAccessed: Int
        public var protected: Int
        public var candidates: Int
        /// Nil when the audit had no pricing, or this product has no price.
        public var savings: SubscriptionSavings?
    }

    /// One bar of the inactivity-age chart.
    public struct AgeBucket: Sendable, Equatable {
        public var label: String
        public var count: Int
    }

    /// A diagnostic as reports list it.
    public struct DiagnosticLine: Sendable, Equatable {
        public var severity: String
        public var code: String
        /// `path:line:column`, or empty.
        public var location: String
        public var message: String
    }

    public var tool: String
    public var asOf: Day
    /// Where the audit date came from, in words (`from --as-of`).
    public var asOfSource: String
    public var generatedAt: Timestamp
    public var inputs: [InputSummary]
    public var policy: Policy
    public var planId: String
    public var planDigest: String
    public var planExpiresAt: String
    public var totals: Totals
    /// Nil when the audit had no pricing file.
    public var savings: Savings?
    public var groups: [GroupLine]
    /// Billable seats by days since last use: 0–30, 31–60, 61–90, 91–180, 181–365, over 365,
    /// never used, and (only when there are some) no data.
    public var ageBuckets: [AgeBucket]
    /// Key figures, the per-subscription table, inputs and policy: the `Summary` sheet.
    public var summary: ReportTable
    /// One row per plan action, with its `id` and an empty `Decision` column for reviewers.
    public var candidates: ReportTable
    /// One row per billable seat.
    public var seats: ReportTable
    /// One row per protected account holding a seat, with every reason.
    public var protected: ReportTable
    /// The diagnostics as printed on stderr (first few of each kind, then counts).
    public var diagnostics: [DiagnosticLine]
    public var warnings: Int
    public var errors: Int
    /// The policy and rules the audit applied, one sentence each.
    public var methodology: [String]
    /// Whether names and e-mails are pseudonyms.
    public var redacted: Bool

    /// The text shown where savings would be when the audit was not priced.
    public static let notPriced = "not priced (pass --pricing)"

    /// The header texts of the `Candidates` sheet; `plan review --from report.xlsx` finds the
    /// action by the `id` column and reads the reviewer's `Decision`. Keep both exactly so.
    public static let candidateIdHeader = "id"
    public static let decisionHeader = "Decision"

    public init(_ result: Audit.Result, options: Options = Options()) {
        let s = result.summary
        let context = Context(result: result, redactor: options.redactor)
        tool = ReportText.clean(s.tool)
        asOf = s.asOf
        asOfSource = Self.describe(asOfSource: s.asOfSource)
        generatedAt = s.generatedAt
        inputs = s.inputs.map {
            InputSummary(
                path: ReportText.clean($0.path), sha256: $0.sha256, layout: $0.layout, rows: $0.rows,
                accounts: $0.accounts)
        }
        policy = s.policy
        planId = result.plan.planId
        planDigest = result.plan.digest
        planExpiresAt = result.plan.expiresAt
        totals = Totals(
            accounts: s.accounts, billableSeats: s.billableSeats, inactiveSeats: s.inactiveSeats,
            neverAccessedSeats: s.groups.reduce(0) { $0 + $1.neverAccessed },
            protectedSeats: s.groups.reduce(0) { $0 + $1.protected }, protectedAccounts: s.protectedAccounts,
            candidates: s.candidates, planActions: result.plan.actions.count)
        savings = s.savings
        groups = s.groups.map { g in
            GroupLine(
                product: ReportText.clean(g.product), site: ReportText.clean(g.site), inScope: g.inScope,
                billable: g.billable, inactive: g.inactive, neverAccessed: g.neverAccessed, protected: g.protected,
                candidates: g.candidates, savings: s.savings?.group(product: g.product, site: g.site))
        }
        ageBuckets = Self.ageBuckets(result.findings)
        diagnostics = result.diagnostics.printable.map { d in
            DiagnosticLine(
                severity: d.severity.rawValue, code: d.code, location: ReportText.clean(d.location?.description ?? ""),
                message: ReportText.clean(
                    options.redactor != nil && d.code == "conflicting-value" ? Self.hideQuoted(d.message) : d.message))
        }
        warnings = result.diagnostics.warnings
        errors = result.diagnostics.errors
        redacted = options.redactor != nil
        candidates = context.candidatesTable()
        seats = context.seatsTable()
        protected = context.protectedTable()
        methodology = []
        summary = ReportTable(name: "Summary", columns: [], rows: [], autoFilter: false)
        methodology = Self.methodology(self)
        summary = Self.summaryTable(self)
    }

    /// Runs `renderers` at the same time, each on its own thread, over this document with its
    /// tables' rows made once for all of them (`ReportTable.shared(among:)`: `seatsReaders` of
    /// them read `seats` whole, `otherReaders` the other tables), and returns what each gave, in
    /// order. One that fails stops the sharing, so the others never wait for rows it will not
    /// read.
    public func renderTogether<T: Sendable>(
        seatsReaders: Int, otherReaders: Int,
        _ renderers: [@Sendable (ReportDocument) -> Result<T, SeatSweepError>]
    ) -> [Result<T, SeatSweepError>] {
        var document = self
        document.seats = seats.shared(among: seatsReaders)
        document.summary = summary.shared(among: otherReaders)
        document.candidates = candidates.shared(among: otherReaders)
        document.protected = protected.shared(among: otherReaders)
        let tables = [document.summary, document.candidates, document.seats, document.protected]
        let running = renderers.map { [document] render in
            BackgroundTask { () -> Result<T, SeatSweepError> in
                let result = render(document)
                if case .failure = result { for table in tables { table.abandonSharing() } }
                return result
            }
        }
        return running.map { $0.wait() }
    }

    /// Whether the audit was priced (a pricing file gave savings).
    public var isPriced: Bool { savings != nil }

    /// The currency of every money cell, when priced.
    public var currency: String? { savings?.currency }

    static func describe(asOfSource: String) -> String {
        switch asOfSource {
        case "--as-of": return "from --as-of"
        case "fetchedAt": return "when the API dump was fetched"
        default: return "today, UTC"
        }
    }

    /// Replaces every '...' quoted part of a message (values from the inputs) with '(redacted)'.
    static func hideQuoted(_ message: String) -> String {
        message.split(separator: "'", omittingEmptySubsequences: false).enumerated().map {
            $0.offset % 2 == 1 ? "(redacted)" : String($0.element)
        }.joined(separator: "'")
    }

    /// The upper bounds (days) of the inactivity-age buckets and their labels.
    public static let ageBucketBounds: [(upTo: Int, label: String)] = [
        (30, "0–30 days"), (60, "31–60 days"), (90, "61–90 days"), (180, "91–180 days"), (365, "181–365 days"),
        (Int.max, "over 365 days"),
    ]

    static func ageBuckets(_ findings: Findings) -> [AgeBucket] {
        var counts = Array(repeating: 0, count: ageBucketBounds.count)
        var never = 0
        var noData = 0
        for verdict in findings.seats.verdicts {
            if verdict.flags & SeatFindings.Verdict.neverAccessed != 0 {
                never += 1
            } else if verdict.days != Int32.min {
                let days = Int(verdict.days)
                let i = ageBucketBounds.firstIndex { days <= $0.upTo } ?? ageBucketBounds.count - 1
                counts[i] += 1
            } else {
                noData += 1
            }
        }
        var buckets = zip(ageBucketBounds, counts).map { AgeBucket(label: $0.0.label, count: $0.1) }
        buckets.append(AgeBucket(label: "never used", count: never))
        if noData > 0 { buckets.append(AgeBucket(label: "no data", count: noData)) }
        return buckets
    }

    static func methodology(_ d: ReportDocument) -> [String] {
        let p = d.policy
        var lines: [String] = []
        lines.append(
            "Audit date \(d.asOf.iso) (\(d.asOfSource)). Policy: "
                + (p.source.map { "\(ReportText.clean($0.path)) (SHA-256 \($0.sha256))" } ?? "built-in defaults") + ".")
        lines.append(
            "A seat is one product on one site for one account. It is billable when the account is active, is a "
                + "person (not an app, bot or portal customer) and holds the product.")
        let overrides = p.thresholds.sorted { $0.key < $1.key }.map { "\(ReportText.clean($0.key)) \($0.value)" }
        lines.append(
            "A billable seat is inactive when the days since its last use are more than the product's threshold: "
                + "\(p.defaultThreshold) days"
                + (overrides.isEmpty ? "" : " (" + overrides.joined(separator: ", ") + ")")
                + ". A seat used exactly that many days ago is still active.")
        lines.append(
            "A never-used seat is inactive unless the account joined fewer than \(p.graceDays) days before the audit "
                + "date; an unknown join date gives no grace.")
        var protect = [
            "org admins", "admin roles", "app and bot accounts",
            "members of admin groups (site-admins, administrators, *-admins, *-administrators)",
        ]
        func list(_ label: String, _ values: [String], personal: Bool) {
            guard !values.isEmpty else { return }
            if personal, d.redacted {
                let exact = values.filter { !$0.contains("*") && !$0.contains("?") }.count
                let shown = values.filter { $0.contains("*") || $0.contains("?") }.map(ReportText.clean)
                protect.append(
                    "policy \(label) "
                        + (shown + (exact > 0 ? ["\(exact) exact address(es), hidden by --redact"] : []))
                        .joined(separator: ", "))
            } else {
                protect.append("policy \(label) " + values.map(ReportText.clean).joined(separator: ", "))
            }
        }
        list("protect.emails", p.protectEmails, personal: true)
        list("protect.domains", p.protectDomains, personal: false)
        list("protect.accountIds", p.protectAccountIds, personal: false)
        list("protect.groups", p.protectGroups, personal: false)
        lines.append("Protected accounts never appear in the plan: " + protect.joined(separator: "; ") + ".")
        var scope = "A candidate is an inactive billable seat of an unprotected account"
        if let include = p.includeProducts {
            scope += " whose product is one of " + include.map(ReportText.clean).joined(separator: ", ")
        }
        if !p.excludeProducts.isEmpty {
            scope +=
                (p.includeProducts == nil ? " whose product is not " : ", and not ")
                + p.excludeProducts.map(ReportText.clean).joined(separator: ", ")
        }
        lines.append(scope + ".")
        lines.append(
            p.action == .suspend
                ? "Plan action: suspend accounts whose every billable seat is a candidate (never IdP-synced accounts); "
                    + "otherwise remove the product on that site."
                : "Plan action: remove the product on that site from each candidate seat (remove-product-access).")
        lines.append(
            "The plan \(d.planId) expires \(d.planExpiresAt); nothing changes until a reviewer approves actions and "
                + "seatsweep apply runs.")
        if let savings = d.savings {
            lines.append(
                "Savings are priced from \(ReportText.clean(savings.source)) in \(savings.currency); "
                    + "amounts are rounded only for display.")
        } else {
            lines.append("Savings are not shown: the audit had no pricing file (pass --pricing FILE).")
        }
        if d.redacted {
            lines.append(
                "Names and e-mail addresses are pseudonyms (--redact): the same person has the same pseudonym in "
                    + "every report of this audit.")
        }
        lines.append(
            "Text from the inputs is shown inert: bidirectional controls and control characters appear as \u{FFFD}, "
                + "and text that looks like a formula is never a formula.")
        return lines
    }

    static func summaryTable(_ d: ReportDocument) -> ReportTable {
        var rows: [[ReportCell]] = []
        var bold: Set<Int> = []
        func money(_ value: Decimal?) -> ReportCell { value.map { .money($0) } ?? .text(notPriced) }
        let t = d.totals
        rows.append([.text("Audit date"), .date(d.asOf)])
        rows.append([.text("Audit date from"), .text(d.asOfSource)])
        rows.append([.text("Generated at"), .text(d.generatedAt.iso)])
        rows.append([.text("Tool"), .text(d.tool)])
        rows.append([.text("Accounts"), .integer(t.accounts)])
        rows.append([.text("Billable seats"), .integer(t.billableSeats)])
        rows.append([.text("Inactive seats"), .integer(t.inactiveSeats)])
        rows.append([.text("Never-used seats"), .integer(t.neverAccessedSeats)])
        rows.append([.text("Candidate seats"), .integer(t.candidates)])
        rows.append([.text("Plan actions"), .integer(t.planActions)])
        rows.append([.text("Protected accounts"), .integer(t.protectedAccounts)])
        rows.append([.text("Monthly savings"), money(d.savings?.monthlySavings)])
        rows.append([.text("Annual savings"), money(d.savings?.annualSavings)])
        if let savings = d.savings {
            rows.append([.text("Currency"), .text(savings.currency)])
            rows.append([.text("Pricing source"), .text(ReportText.clean(savings.source))])
        }
        rows.append([.text("Warnings"), .integer(d.warnings)])
        rows.append([.text("Errors"), .integer(d.errors)])
        rows.append([.text("Plan"), .text(d.planId)])
        rows.append([.text("Plan digest"), .text(d.planDigest)])
        rows.append([.text("Plan expires"), .text(d.planExpiresAt)])
        rows.append([])
        bold.insert(rows.count)
        rows.append(
            [
                "Product", "Site", "In scope", "Billable", "Inactive", "Never used", "Protected", "Candidates",
                "Monthly cost", "Monthly savings", "Annual savings",
            ].map { .text($0) })
        for g in d.groups {
            rows.append([
                .text(g.product), .text(g.site), .text(g.inScope ? "yes" : "no"), .integer(g.billable),
                .integer(g.inactive), .integer(g.neverAccessed), .integer(g.protected), .integer(g.candidates),
                money(g.savings?.monthlyCost), money(g.savings?.monthlySavings), money(g.savings?.annualSavings),
            ])
        }
        if let apps = d.savings?.apps, !apps.isEmpty {
            rows.append([])
            bold.insert(rows.count)
            rows.append(
                ["App", "Host product", "Site", "Billing", "Monthly savings", "Annual savings"].map { .text($0) })
            for app in apps {
                rows.append([
                    .text(ReportText.clean(app.name)), .text(ReportText.clean(app.host)),
                    .text(ReportText.clean(app.site)),
                    .text(app.billing), .money(app.monthlySavings), .money(app.annualSavings),
                ])
            }
        }
        rows.append([])
        bold.insert(rows.count)
        rows.append(["Input", "Layout", "Rows", "Accounts", "SHA-256"].map { .text($0) })
        for input in d.inputs {
            rows.append([
                .text(input.path), .text(input.layout), .integer(input.rows), .integer(input.accounts),
                .text(input.sha256),
            ])
        }
        rows.append([])
        bold.insert(rows.count)
        rows.append([.text("Policy"), .text("Value")])
        let p = d.policy
        rows.append([.text("Policy file"), .text(p.source.map { ReportText.clean($0.path) } ?? "built-in defaults")])
        if let source = p.source { rows.append([.text("Policy SHA-256"), .text(source.sha256)]) }
        rows.append([.text("Default threshold (days)"), .integer(p.defaultThreshold)])
        for (product, days) in p.thresholds.sorted(by: { $0.key < $1.key }) {
            rows.append([.text("Threshold for \(ReportText.clean(product)) (days)"), .integer(days)])
        }
        rows.append([.text("Grace period (days)"), .integer(p.graceDays)])
        rows.append([.text("Action"), .text(p.action.rawValue)])
        rows.append([.text("Plan expiry (days)"), .integer(p.planExpiryDays)])
        if let include = p.includeProducts {
            rows.append([.text("Included products"), .text(include.map(ReportText.clean).joined(separator: ", "))])
        }
        if !p.excludeProducts.isEmpty {
            rows.append([
                .text("Excluded products"), .text(p.excludeProducts.map(ReportText.clean).joined(separator: ", ")),
            ])
        }
        let widths = [26, 22, 10, 10, 10, 11, 10, 11, 16, 16, 16]
        let columns = widths.enumerated().map {
            ReportColumn($0.offset == 0 ? "Item" : $0.offset == 1 ? "Value" : "", width: $0.element)
        }
        return ReportTable(name: "Summary", columns: columns, rows: rows, boldRows: bold, autoFilter: false)
    }
}

extension ReportDocument {
    /// What the row closures need: the audit's results, indexes between seats and plan actions,
    /// and the redactor.
    struct Context: Sendable {
        let directory: Directory
        let findings: Findings
        let plan: Plan
        let redactor: Redactor?
        /// Per finding: the index of the plan action that frees the seat, or -1.
        let actionOfFinding: [Int32]
        /// Per plan action: the finding of a single-seat action, or -1.
        let findingOfAction: [Int32]
        /// Per plan action: the index of its account in the directory, or -1.
        let accountOfAction: [Int32]
        /// Per input: its path, clean, for evidence cells.
        let paths: [String]
        /// Per plan action: its id. `Seats` rows read these in account order, that is at random
        /// places in the plan: a dense list keeps them in cache, where the actions would not be.
        let actionIds: [String]

        /// Links actions, accounts and findings: from the planner's `PlanLinks` when the result
        /// has them, else by matching account ids (`linkById`).
        init(result: Audit.Result, redactor: Redactor?) {
            directory = result.directory
            findings = result.findings
            plan = result.plan
            self.redactor = redactor
            let count = result.plan.actions.count
            if let links = result.planLinks, links.account.count == count, links.finding.count == count {
                (accountOfAction, findingOfAction) = (links.account, links.finding)
                actionOfFinding = Self.actionOfFinding(links, seats: result.findings.seats)
            } else {
                (actionOfFinding, findingOfAction, accountOfAction) = Self.linkById(result)
            }
            paths = result.directory.inputs.map { ReportText.clean($0.path) }
            actionIds = result.plan.actions.withUnsafeBufferPointer { actions in
                (0..<actions.count).map { actions[$0].id }
            }
        }

        /// Per finding, the action the planner made of it: a single-seat action's own finding,
        /// a suspension's every candidate seat of its account.
        static func actionOfFinding(_ links: PlanLinks, seats: SeatFindings) -> [Int32] {
            var actionOf = [Int32](repeating: -1, count: seats.count)
            for i in links.account.indices {
                if links.finding[i] >= 0 {
                    actionOf[Int(links.finding[i])] = Int32(i)
                    continue
                }
                guard links.account[i] >= 0 else { continue }
                for f in findingRange(ofAccount: Int(links.account[i]), in: seats) where seats.isCandidate(f) {
                    actionOf[f] = Int32(i)
                }
            }
            return actionOf
        }

        /// The links for a plan the planner did not just make: the actions are grouped by a hash
        /// of their account id, then the candidate seats are walked in account order, so only
        /// accounts that hold a candidate have their id looked up. Actions are read in place.
        static func linkById(_ result: Audit.Result) -> (
            actionOfFinding: [Int32], findingOfAction: [Int32], accountOfAction: [Int32]
        ) {
            let seats = result.findings.seats
            var actionOfFinding = [Int32](repeating: -1, count: seats.count)
            var findingOfAction = [Int32](repeating: -1, count: result.plan.actions.count)
            var accountOfAction = [Int32](repeating: -1, count: result.plan.actions.count)
            result.plan.actions.withUnsafeBufferPointer { actions in
                // The actions by a hash of their account id (the id index's byte hash): the first in
                // `firstAction`, each next in `nextAction` (a dictionary of strings cost a cache miss
                // per key compared).
                let hash = IdIndex.hash
                var firstAction: [UInt64: Int32] = [:]
                firstAction.reserveCapacity(actions.count)
                var nextAction = [Int32](repeating: -1, count: actions.count)
                for i in actions.indices.reversed() {
                    let key = actions[i].accountId.withUTF8Bytes(hash)
                    nextAction[i] = firstAction[key] ?? -1
                    firstAction[key] = Int32(i)
                }
                let accounts = result.directory.accounts
                var start = 0
                while start < seats.count {
                    let a = Int(seats.verdicts[start].account)
                    var end = start
                    var holdsCandidate = false
                    while end < seats.count, Int(seats.verdicts[end].account) == a {
                        if seats.isCandidate(end) { holdsCandidate = true }
                        end += 1
                    }
                    let id = holdsCandidate ? accounts[a].id : ""
                    if holdsCandidate, let first = firstAction[id.withUTF8Bytes(hash)] {
                        var i = Int(first)
                        while i >= 0 {
                            defer { i = Int(nextAction[i]) }
                            guard actions[i].accountId == id else { continue }  // another id with the same hash
                            accountOfAction[i] = Int32(a)
                            for f in start..<end {
                                let seat = accounts[a].seat(at: Int(seats.verdicts[f].seat))
                                if let product = actions[i].product {
                                    guard product == seat.product, (actions[i].site ?? "") == seat.site else {
                                        continue
                                    }
                                    findingOfAction[i] = Int32(f)
                                } else {
                                    guard
                                        actions[i].seats.contains(where: {
                                            $0.product == seat.product && $0.site == seat.site
                                        })
                                    else { continue }
                                }
                                actionOfFinding[f] = Int32(i)
                            }
                        }
                    }
                    start = end
                }
            }
            return (actionOfFinding, findingOfAction, accountOfAction)
        }

        /// The findings of one account (a contiguous run).
        static func findingRange(ofAccount account: Int, in seats: SeatFindings) -> Range<Int> {
            guard let first = firstFinding(account: account, in: seats) else { return 0..<0 }
            var end = first
            let verdicts = seats.verdicts
            while end < verdicts.count, Int(verdicts[end].account) == account { end += 1 }
            return first..<end
        }

        private static func firstFinding(account: Int, in seats: SeatFindings) -> Int? {
            let verdicts = seats.verdicts
            var low = 0
            var high = verdicts.count
            while low < high {
                let mid = (low + high) / 2
                if Int(verdicts[mid].account) < account { low = mid + 1 } else { high = mid }
            }
            return low < verdicts.count && Int(verdicts[low].account) == account ? low : nil
        }

        // The account's text by its index, read in place (see `[Account].id(_:)`).

        func name(_ a: Int) -> String {
            let accounts = directory.accounts
            return redactor.map { $0.name(accountId: accounts.id(a)) } ?? ReportText.clean(accounts.name(a))
        }

        func email(_ a: Int) -> String {
            let accounts = directory.accounts
            guard accounts[a].emailText.length > 0 else { return "" }
            return redactor.map { $0.email(accountId: accounts.id(a)) } ?? ReportText.clean(accounts.email(a))
        }

        func accountId(_ a: Int) -> String {
            let accounts = directory.accounts
            return redactor.map { $0.accountId(accounts.id(a), hasAccountId: accounts[a].hasAccountId) }
                ?? ReportText.clean(accounts.id(a))
        }

        /// Our own text that may quote the account's e-mail (a policy pattern it matched).
        func personal(_ text: String, _ a: Int) -> String {
            let accounts = directory.accounts
            guard let redactor, accounts[a].emailText.length > 0 else { return ReportText.clean(text) }
            let email = accounts.email(a)
            guard text.range(of: email, options: .caseInsensitive) != nil else { return ReportText.clean(text) }
            return ReportText.clean(
                text.replacingOccurrences(
                    of: email, with: redactor.email(accountId: accounts.id(a)), options: .caseInsensitive))
        }

        /// An evidence cell, `path:line`, written straight into the block.
        static func packEvidence(_ path: String, line: Int, into packer: inout CellBlock.Packer) {
            packer.text { out in
                out.append(path)
                out.append(UInt8(ascii: ":"))
                out.append(decimal: line)
            }
        }

        static func lastActiveCell(_ value: LastActive) -> ReportCell {
            switch value {
            case .on(let day): return .date(day)
            case .never: return .text("never")
            case .atLeastDaysAgo(let days): return .text("over \(days - 1) days ago")
            case .unknown: return .empty
            }
        }

        func candidatesTable() -> ReportTable {
            let columns = [
                ReportColumn(ReportDocument.candidateIdHeader, width: 14),
                ReportColumn(ReportDocument.decisionHeader, width: 11), ReportColumn("Name", width: 24),
                ReportColumn("Email", width: 30), ReportColumn("Product", width: 22), ReportColumn("Site", width: 12),
                ReportColumn("Action", width: 22), ReportColumn("Last active", width: 12),
                ReportColumn("Days inactive", width: 9), ReportColumn("Reason", width: 60),
                ReportColumn("Groups", width: 30), ReportColumn("Account ID", width: 28),
                ReportColumn("Evidence", width: 30),
            ]
            let context = self
            return ReportTable(name: "Candidates", columns: columns, count: plan.actions.count) {
                let rows = CandidateRows(context)
                return { i, packer in rows.pack(i, into: &packer) }
            }
        }

        /// Packs `Candidates` rows for one reader (one thread). Each action is read where it is, not copied;
        /// without a redactor the action's own name, e-mail, id and reason are shown (the planner
        /// copied them from the account, so the account's text need not be decoded again); an
        /// evidence path is cleaned once.
        final class CandidateRows {
            let context: Context
            /// The last evidence path and its clean text.
            @exclusivity(unchecked) private var path: (raw: String, clean: String)?

            init(_ context: Context) { self.context = context }

            func pack(_ i: Int, into packer: inout CellBlock.Packer) {
                context.plan.actions.withUnsafeBufferPointer { actions in
                    pack(actions.baseAddress! + i, i, into: &packer)
                }
            }

            private func pack(_ action: UnsafePointer<PlanAction>, _ i: Int, into packer: inout CellBlock.Packer) {
                let a = Int(context.accountOfAction[i])
                let f = Int(context.findingOfAction[i])
                // Pseudonyms come from the account.
                let redacted = context.redactor != nil && a >= 0
                packer.text(action.pointee.id)
                packer.empty()  // the reviewer's decision
                packer.text(redacted ? context.name(a) : ReportText.clean(action.pointee.name))
                let email = redacted ? context.email(a) : ReportText.clean(action.pointee.email)
                if email.isEmpty { packer.empty() } else { packer.text(email) }
                let product =
                    action.pointee.product
                    ?? action.pointee.seats.map { "\($0.product)@\($0.site)" }.joined(separator: ", ")
                packer.text(ReportText.clean(product))
                packer.text(ReportText.clean(action.pointee.site ?? ""))
                packer.text(action.pointee.kind.rawValue)
                // A day of use is in the action (as the seat has it); an action with neither a day
                // nor days inactive is of seats never used (a candidate seat is used on a day,
                // never, or over some days ago, and only that last one has days and no day). Only
                // that needs the seat, which in plan order is a cache miss away.
                if let text = action.pointee.lastActive, let day = Day(iso: text) {
                    packer.date(day)
                } else if action.pointee.daysInactive == nil, action.pointee.seats.allSatisfy({ $0.lastActive == nil })
                {
                    packer.text("never")
                } else if f >= 0, a >= 0 {
                    let seat = context.findings.seats.verdicts[f].seat
                    packer.append(Context.lastActiveCell(context.directory.accounts.seat(a, at: Int(seat)).lastActive))
                } else {
                    packer.empty()
                }
                if let days = action.pointee.daysInactive { packer.integer(days) } else { packer.empty() }
                packer.text(
                    redacted ? context.personal(action.pointee.reason, a) : ReportText.clean(action.pointee.reason))
                let groups =
                    action.pointee.groups.isEmpty
                    ? "" : action.pointee.groups.map(ReportText.clean).joined(separator: ", ")
                if groups.isEmpty { packer.empty() } else { packer.text(groups) }
                packer.text(redacted ? context.accountId(a) : ReportText.clean(action.pointee.accountId))
                let raw = action.pointee.evidence.path
                if path?.raw != raw { path = (raw, ReportText.clean(raw)) }
                Context.packEvidence(path!.clean, line: action.pointee.evidence.line, into: &packer)
            }
        }

        /// The Seats table; `arenaLimit` is `SeatRows`' (tests lower it).
        func seatsTable(arenaLimit: Int = SeatRows.defaultArenaLimit) -> ReportTable {
            let columns = [
                ReportColumn("Account ID", width: 28), ReportColumn("Name", width: 24),
                ReportColumn("Email", width: 30),
                ReportColumn("Product", width: 22), ReportColumn("Site", width: 12), ReportColumn("Status", width: 10),
                ReportColumn("Last active", width: 12), ReportColumn("Days inactive", width: 9),
                ReportColumn("Never used", width: 8), ReportColumn("Candidate", width: 9),
                ReportColumn("Action id", width: 14), ReportColumn("Protected by", width: 30),
                ReportColumn("Reason", width: 60), ReportColumn("Evidence", width: 30),
            ]
            let context = self
            return ReportTable(name: "Seats", columns: columns, count: findings.seats.count) {
                let rows = SeatRows(context, arenaLimit: arenaLimit)
                return { i, packer in rows.pack(i, into: &packer) }
            }
        }

        /// Packs `Seats` rows for one reader (one thread) straight into the blocks renderers read,
        /// from the compact verdicts rather than expanded findings. The seats of an account are
        /// consecutive: its id, name, e-mail and protection cells, and the evidence cell they
        /// share, are packed once per block and repeated for its other seats. Without a redactor
        /// the account's text is copied from where the ingest stored it, without a string made.
        /// Product and site cells are made once per subscription; a reason once per distinct
        /// `SeatFindings.ReasonKey` (for a never-used seat, per join date), kept in a
        /// direct-mapped cache (a dictionary's hashing cost more than the rest of the row). Both
        /// are held in a `TextArena`, so a row retains no string.
        final class SeatRows {
            // One thread uses a `SeatRows`: no dynamic exclusivity checks (they
            // cost more than the accesses they guard, a dozen per row).
            let context: Context
            private let seats: SeatFindings
            private let accounts: [Account]
            private let actionOfFinding: [Int32]
            private let actionIds: [String]
            @exclusivity(unchecked) private var account = -1
            @exclusivity(unchecked) private var protection: PreparedText?
            /// Where the row packed last starts in the block being packed (-1 at a block's start),
            /// and the evidence it shows.
            @exclusivity(unchecked) private var previousRow = -1
            @exclusivity(unchecked) private var evidence = SourceRef(input: -1, line: 0)
            /// Per (product, site) group of the verdicts: its product and site text, made once.
            @exclusivity(unchecked) private var groupText: [(product: TextArena.Text, site: TextArena.Text)?] = []
            @exclusivity(unchecked) private var reasons = SeatFindings.ReasonCache<TextArena.Text>()
            /// The bytes of `groupText` and `reasons`, which are emptied when it outgrows
            /// `arenaLimit` (a reason is added again each time another evicts it from the cache).
            @exclusivity(unchecked) private var arena = TextArena()
            static let defaultArenaLimit = 1 << 20
            private let arenaLimit: Int

            /// The columns of the cells an account's seats repeat: id, name and e-mail first, then
            /// protection and evidence (see `seatsTable`).
            private static let (protectionColumn, evidenceColumn) = (11, 13)

            init(_ context: Context, arenaLimit: Int) {
                self.context = context
                self.arenaLimit = arenaLimit
                seats = context.findings.seats
                accounts = context.directory.accounts
                actionOfFinding = context.actionOfFinding
                actionIds = context.actionIds
            }

            private func text(ofGroup group: Int, _ seat: Seat) -> (product: TextArena.Text, site: TextArena.Text) {
                func make() -> (TextArena.Text, TextArena.Text) {
                    (arena.add(ReportText.clean(seat.product)), arena.add(ReportText.clean(seat.site)))
                }
                // The analyzer clamps group numbers to 16 bits: the last one may stand for several.
                guard group < Int(UInt16.max) else { return make() }
                if group >= groupText.count { groupText += repeatElement(nil, count: group + 1 - groupText.count) }
                if let text = groupText[group] { return text }
                let text = make()
                groupText[group] = text
                return text
            }

            /// The account's id, name and e-mail cells (an empty e-mail is an empty cell).
            private func packAccount(into packer: inout CellBlock.Packer) {
                guard context.redactor == nil else {
                    let email = context.email(account)
                    packer.text(context.accountId(account))
                    packer.text(context.name(account))
                    if email.isEmpty { packer.empty() } else { packer.text(email) }
                    return
                }
                func copy(_ field: AccountText) {
                    accounts.withText(account, field) { bytes in
                        if field == .email, bytes.isEmpty {
                            packer.empty()
                        } else if let (plain, quoted) = CellBlock.escapingIfClean(bytes) {
                            packer.text(bytes, plain: plain, quoted: quoted)
                        } else {
                            packer.text(ReportText.clean(String(decoding: bytes, as: UTF8.self)))
                        }
                    }
                }
                copy(.id)
                copy(.name)
                copy(.email)
            }

            func pack(_ i: Int, into packer: inout CellBlock.Packer) {
                let v = seats.verdicts[i]
                let start = packer.count
                if packer.rowsPacked == 0 { previousRow = -1 }
                if arena.size > arenaLimit {
                    arena.removeAll()
                    groupText = []
                    reasons = SeatFindings.ReasonCache()
                }
                // A candidate's action id is in plan order, so a cache miss in no order of
                // memory: its load starts a few rows early.
                if i + 8 < actionOfFinding.count, case let ahead = Int(actionOfFinding[i + 8]), ahead >= 0 {
                    actionIds.withUnsafeBufferPointer { seatsweep_prefetch($0.baseAddress! + ahead) }
                }
                let sameAccount = Int(v.account) == account
                if !sameAccount {
                    account = Int(v.account)
                    let p = Int(seats.protectionIndex[account])
                    protection = p >= 0 ? PreparedText(context.personal(seats.protections[p], account)) : nil
                }
                let repeating = sameAccount && previousRow >= 0
                if repeating {
                    for k in 0..<3 { packer.repeatCell(previousRow + k) }
                } else {
                    packAccount(into: &packer)
                }
                let seat = accounts.seat(account, at: Int(v.seat))
                let group = text(ofGroup: Int(v.group), seat)
                let action = actionOfFinding[i]
                packer.text(group.product, in: arena)
                packer.text(group.site, in: arena)
                packer.text(v.status.rawValue)
                packer.append(Context.lastActiveCell(seat.lastActive))
                if v.days == Int32.min { packer.empty() } else { packer.integer(Int(v.days)) }
                packer.text(v.flags & SeatFindings.Verdict.neverAccessed != 0 ? "yes" : "no")
                packer.text(seats.isCandidate(i) ? "yes" : "no")
                if action >= 0 { packer.text(actionIds[Int(action)]) } else { packer.empty() }
                if repeating {
                    packer.repeatCell(previousRow + Self.protectionColumn)
                } else if let protection {
                    packer.text(protection)
                } else {
                    packer.empty()
                }
                // A reason with a key is only our words, dates and numbers: no e-mail to redact.
                if let reason = reasons.value(
                    seats, i, lastActive: seat.lastActive, { arena.add(ReportText.clean($0)) })
                {
                    packer.text(reason, in: arena)
                } else {
                    packer.text(context.personal(seats[i].reason, account))
                }
                if previousRow >= 0, seat.evidence == evidence {
                    packer.repeatCell(previousRow + Self.evidenceColumn)
                } else {
                    evidence = seat.evidence
                    Context.packEvidence(context.paths[Int(evidence.input)], line: Int(evidence.line), into: &packer)
                }
                previousRow = start
            }
        }

        func protectedTable() -> ReportTable {
            let columns = [
                ReportColumn("Account ID", width: 28), ReportColumn("Name", width: 24),
                ReportColumn("Email", width: 30),
                ReportColumn("Protected because", width: 60), ReportColumn("Billable seats", width: 9),
                ReportColumn("Seats", width: 40),
            ]
            let context = self
            return ReportTable(name: "Protected", columns: columns, count: findings.protectedAccounts.count) { i in
                context.protectedRow(i)
            }
        }

        func protectedRow(_ i: Int) -> [ReportCell] {
            let entry = findings.protectedAccounts[i]
            let a = entry.account
            let range = Self.findingRange(ofAccount: a, in: findings.seats)
            let seats = directory.accounts[a].seats.map { $0.site.isEmpty ? $0.product : "\($0.product)@\($0.site)" }
            let email = self.email(a)
            return [
                .text(accountId(a)), .text(name(a)), email.isEmpty ? .empty : .text(email),
                .text(entry.reasons.map { personal($0, a) }.joined(separator: "; ")), .integer(range.count),
                .text(ReportText.clean(seats.joined(separator: ", "))),
            ]
        }
    }
}
