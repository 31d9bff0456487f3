/// What a journal says about each action, folded from its lines in order.
///
/// - An action is **finished** when its last `action` line says done or already-done;
///   `apply` skips it on resume.
/// - An **open intent** is an intent with no outcome after it: the request may or may not
///   have reached Atlassian, so the next run reads the live state back to settle it.
/// - A **completed step** is an intent with its outcome; `undo` reverses the ones whose
///   outcome is done or already-done.
public struct JournalState: Sendable {
    /// A settled change: the intent and the outcome that closed it.
    public struct Step: Sendable, Equatable {
        public var intent: JournalIntent
        public var outcome: JournalOutcome
        /// Line of the outcome in the journal.
        public var line: Int
    }

    public private(set) var runs: [JournalRun] = []
    /// The last `action` line of each action id.
    public private(set) var lastEnd: [String: JournalActionEnd] = [:]
    /// Intents not (yet) closed by an outcome, per action id, in journal order.
    public private(set) var openIntents: [String: [JournalIntent]] = [:]
    /// Closed steps per action id, in journal order.
    public private(set) var steps: [String: [Step]] = [:]
    /// Action ids in the order the journal first mentions them.
    public private(set) var actionOrder: [String] = []

    public init() {}

    public init(_ lines: [(line: Int, value: JournalLine)]) {
        for (number, line) in lines { apply(line, at: number) }
    }

    /// Folds one more line in (the applier keeps its state current as it writes).
    public mutating func apply(_ line: JournalLine, at number: Int = 0) {
        switch line {
        case .run(let run):
            runs.append(run)
        case .intent(let intent):
            note(intent.actionId)
            var open = openIntents[intent.actionId, default: []]
            open.removeAll { $0.key == intent.key }
            open.append(intent)
            openIntents[intent.actionId] = open
        case .outcome(let outcome):
            note(outcome.actionId)
            guard var open = openIntents[outcome.actionId],
                let index = open.lastIndex(where: { $0.key == outcome.key })
            else { return }
            let intent = open.remove(at: index)
            openIntents[outcome.actionId] = open.isEmpty ? nil : open
            steps[outcome.actionId, default: []].append(Step(intent: intent, outcome: outcome, line: number))
        case .action(let end):
            note(end.actionId)
            lastEnd[end.actionId] = end
        }
    }

    private mutating func note(_ id: String) {
        if steps[id] == nil, openIntents[id] == nil, lastEnd[id] == nil { actionOrder.append(id) }
    }

    /// Whether an earlier run finished the action (done or already done).
    public func isFinished(_ actionId: String) -> Bool {
        guard let end = lastEnd[actionId] else { return false }
        return end.result == .done || end.result == .alreadyDone
    }

    /// The plan digest the journal was written for, from its first run line.
    public var planDigest: String? { runs.first?.planDigest }
}
