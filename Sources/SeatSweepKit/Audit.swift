/// The whole audit as one pure function: inputs, policy and dates in; directory, findings,
/// plan and summary out. The command layer does the reading, writing and printing.
public struct Audit: Sendable {
    /// Everything the pipeline needs that it must not read for itself.
    public struct Options: Sendable {
        public var policy: Policy
        /// `--as-of`; nil for the dump's fetch time or `today`.
        public var asOf: Day?
        public var today: Day
        public var generatedAt: Timestamp
        public var toolVersion: String
        public var dateOrder: NumericDateOrder?
        /// Threads ingest may use for a large CSV.
        public var parallelism = 1
        /// `--pricing`; nil leaves every money figure null.
        public var pricing: PricingFile?
        /// Called as each stage ends with its name, for profiling (`SEATSWEEP_TRACE=1`); the
        /// caller owns the clock.
        public var stageEnded: (@Sendable (String) -> Void)?
        /// Told how far each long stage has come, for a progress line on a terminal.
        public var progress: ProgressHandler?
        /// Whether the pipeline computes the plan's digest. The command layer turns this off and
        /// seals the plan while writing it (`PlanCodec.encodeSealing`), then updates the summary.
        public var sealPlan = true

        public init(
            policy: Policy = Policy(), asOf: Day? = nil, today: Day, generatedAt: Timestamp, toolVersion: String,
            dateOrder: NumericDateOrder? = nil, pricing: PricingFile? = nil
        ) {
            self.policy = policy
            self.asOf = asOf
            self.today = today
            self.generatedAt = generatedAt
            self.toolVersion = toolVersion
            self.dateOrder = dateOrder
            self.pricing = pricing
        }
    }

    public struct Result: Sendable {
        public var directory: Directory
        public var findings: Findings
        public var plan: Plan
        public var summary: Summary
        public var diagnostics: DiagnosticLog
        /// Where each plan action came from; nil for a plan that did not come from this audit's
        /// planner (reports then match actions to accounts by id).
        public var planLinks: PlanLinks?
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// Runs the pipeline. The inputs are consumed: once read and hashed, their bytes (for a large
    /// export, hundreds of megabytes of mapped file) are released, before planning at the latest.
    public func run(_ files: consuming [InputFile]) throws(SeatSweepError) -> Result {
        var diagnostics = DiagnosticLog()
        for warning in options.pricing?.warnings ?? [] { diagnostics.append(warning) }
        var ingestor = Ingestor(dateOrder: options.dateOrder, parallelism: options.parallelism)
        ingestor.progress = options.progress
        if let ended = options.stageEnded { ingestor.phaseEnded = { phase in ended("  " + phase) } }
        // The inputs' hash is waited for only before planning (the plan records it): it runs on
        // through analysis, on the core the analyzer leaves idle.
        var (directory, hashing) = try ingestor.read(files, diagnostics: &diagnostics)
        files = []
        options.stageEnded?("ingest")
        let asOf: Day
        let asOfSource: String
        if let given = options.asOf {
            (asOf, asOfSource) = (given, "--as-of")
        } else if let fetched = directory.fetchedAt {
            (asOf, asOfSource) = (fetched.day, "fetchedAt")
        } else {
            (asOf, asOfSource) = (options.today, "today")
        }
        var analyzer = InactivityAnalyzer(policy: options.policy, asOf: asOf)
        analyzer.parallelism = options.parallelism
        let findings = analyzer.run(directory)
        options.stageEnded?("analyze")
        if findings.seatsActiveAfterAsOf > 0 {
            diagnostics.append(
                Diagnostic(
                    .warning, "activity-after-as-of",
                    "\(findings.seatsActiveAfterAsOf) seats were last active after the audit date \(asOf.iso); "
                        + "they count as active (is --as-of right?)"))
        }
        directory.setHashes(hashing.wait())
        options.stageEnded?("hash")
        let calculator = options.pricing.map { SavingsCalculator(pricing: $0, asOf: asOf) }
        let savings = try calculator?.run(findings)
        // The plan records what its own actions save, inside its digest.
        var planner = Planner(generatedAt: options.generatedAt, toolVersion: options.toolVersion)
        planner.seals = options.sealPlan
        let (plan, links) = try planner.runLinked(findings, directory: directory, diagnostics: &diagnostics) {
            plan throws(SeatSweepError) -> PlanSavings? in
            guard let calculator else { return nil }
            return PlanSavings(try calculator.run(findings, plan: plan))
        }
        options.stageEnded?("plan")
        let summary = Summary(
            tool: "seatsweep \(options.toolVersion)", asOf: asOf, asOfSource: asOfSource,
            generatedAt: options.generatedAt,
            inputs: directory.inputs, policy: options.policy, groups: findings.groups,
            accounts: directory.accounts.count, protectedAccounts: findings.protectedAccounts.count,
            planId: plan.planId,
            planDigest: plan.digest, planActions: plan.actions.count, errors: diagnostics.errors,
            warnings: diagnostics.warnings, savings: savings)
        return Result(
            directory: directory, findings: findings, plan: plan, summary: summary, diagnostics: diagnostics,
            planLinks: links)
    }
}
