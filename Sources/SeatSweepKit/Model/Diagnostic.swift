/// A recoverable problem found while reading or analysing inputs.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    public var location: SourceLocation?
    /// A short stable identifier for the kind of problem (`unknown-access-token`), used to
    /// group repeats so that a million identical warnings print as a handful.
    public var code: String
    public var message: String

    public init(_ severity: Severity, _ code: String, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// `path:line:column: warning: message [code]`, the format editors and CI annotate.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? "seatsweep: "
        return "\(prefix)\(severity.rawValue): \(message) [\(code)]"
    }
}

/// Collects diagnostics, keeping the first few of each kind per file and counting the rest.
public struct DiagnosticLog: Sendable {
    /// How many diagnostics of one code per file are kept verbatim.
    public var keepPerKind: Int
    public private(set) var kept: [Diagnostic] = []
    public private(set) var warnings = 0
    public private(set) var errors = 0
    public private(set) var notes = 0
    private var seen: [String: Int] = [:]
    private var suppressed: [String: (Diagnostic, Int)] = [:]

    public init(keepPerKind: Int = 10) { self.keepPerKind = keepPerKind }

    public mutating func append(_ diagnostic: Diagnostic) {
        switch diagnostic.severity {
        case .note: notes += 1
        case .warning: warnings += 1
        case .error: errors += 1
        }
        let key = (diagnostic.location?.path ?? "") + "\u{0}" + diagnostic.code
        let count = seen[key, default: 0] + 1
        seen[key] = count
        if count <= keepPerKind {
            kept.append(diagnostic)
        } else {
            suppressed[key] = (diagnostic, (suppressed[key]?.1 ?? 0) + 1)
        }
    }

    public mutating func append(contentsOf other: DiagnosticLog) {
        for diagnostic in other.kept { append(diagnostic) }
        for (_, (sample, count)) in other.suppressed.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count { append(sample) }
        }
    }

    /// Adds `delta` to the line of every diagnostic located in `path` (rows read from a later
    /// chunk of a file are numbered from 1 until the chunk's first line is known).
    public mutating func shiftLines(in path: String, by delta: Int) {
        guard delta != 0 else { return }
        for i in kept.indices where kept[i].location?.path == path && (kept[i].location?.line ?? 0) > 0 {
            kept[i].location!.line += delta
        }
    }

    /// Kept diagnostics in file order (files in the order they were first mentioned, then line
    /// and column), followed by one note per kind that was cut short.
    public var printable: [Diagnostic] {
        var fileOrder: [String: Int] = [:]
        for d in kept where fileOrder[d.location?.path ?? ""] == nil {
            fileOrder[d.location?.path ?? ""] = fileOrder.count
        }
        var out = kept.enumerated().sorted { x, y in
            let a = (
                fileOrder[x.element.location?.path ?? ""]!, x.element.location?.line ?? 0,
                x.element.location?.column ?? 0, x.offset
            )
            let b = (
                fileOrder[y.element.location?.path ?? ""]!, y.element.location?.line ?? 0,
                y.element.location?.column ?? 0, y.offset
            )
            return a < b
        }.map(\.element)
        for key in suppressed.keys.sorted() {
            let (sample, count) = suppressed[key]!
            var location = sample.location
            location?.line = 0
            location?.column = 0
            out.append(
                Diagnostic(
                    .note, sample.code,
                    "\(count) more \(sample.severity.rawValue)s like this were not shown", at: location))
        }
        return out
    }

    /// How many diagnostics of `severity` were not shown verbatim.
    public var suppressedCount: Int { suppressed.values.reduce(0) { $0 + $1.1 } }
}
