import Yams

/// Reads typed values out of a YAML document, collecting every problem with its file and line
/// so that one run reports all the mistakes in a configuration file.
struct YAMLFields {
    let path: String
    private(set) var problems: [SeatSweepError] = []

    init(path: String) { self.path = path }

    /// Parses `text` into its root node; a syntax error is fatal at once.
    static func compose(_ text: String, path: String) throws(SeatSweepError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var location = SourceLocation(path: path)
            var problem = "\(error)"
            switch error {
            case .scanner(let context, let message, let mark, _), .parser(let context, let message, let mark, _),
                .composer(let context, let message, let mark, _):
                location = SourceLocation(path: path, line: mark.line, column: mark.column)
                problem = message + (context.map { " (\($0.text))" } ?? "")
            case .duplicatedKeysInMapping(let duplicates, let context):
                location = SourceLocation(path: path, line: context.mark.line, column: context.mark.column)
                problem = "duplicate keys: " + duplicates.joined(separator: ", ")
            default: break
            }
            throw SeatSweepError("invalid YAML: \(problem)", at: location, hint: "fix the YAML syntax at this line")
        } catch {
            throw SeatSweepError("invalid YAML: \(error)", at: SourceLocation(path: path))
        }
    }

    func location(_ node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(path: path) }
        return SourceLocation(path: path, line: mark.line, column: mark.column)
    }

    mutating func fail(_ node: Node, _ message: String, hint: String? = nil) {
        problems.append(SeatSweepError(message, at: location(node), hint: hint))
    }

    /// Throws every collected problem at once, in file order, if any.
    func check() throws(SeatSweepError) {
        guard !problems.isEmpty else { return }
        let sorted = problems.enumerated().sorted {
            let a = ($0.element.location?.line ?? 0, $0.element.location?.column ?? 0, $0.offset)
            let b = ($1.element.location?.line ?? 0, $1.element.location?.column ?? 0, $1.offset)
            return a < b
        }
        throw SeatSweepError(collecting: sorted.map(\.element))
    }

    /// The entries of a mapping; keys outside `allowed` (when given) are reported.
    mutating func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) -> [(
        key: String, node: Node, keyNode: Node
    )] {
        guard case .mapping(let mapping) = node else {
            fail(node, "\(what) must be a mapping of keys to values")
            return []
        }
        var out: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                fail(keyNode, "\(what) has a key that is not text")
                continue
            }
            if let allowed, !allowed.contains(key) {
                let close = allowed.first { $0.lowercased() == key.lowercased() }
                fail(
                    keyNode, "unknown key '\(key)' in \(what)",
                    hint: close.map { "did you mean '\($0)'?" } ?? "allowed keys: " + allowed.joined(separator: ", "))
                continue
            }
            out.append((key, value, keyNode))
        }
        return out
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            fail(node, "\(what) must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text.trimmingSpaces) else {
            fail(node, "\(what) must be a whole number, not '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            fail(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    /// A list of strings; a single string is accepted as a list of one.
    mutating func strings(_ node: Node, _ what: String) -> [String]? {
        switch node {
        case .scalar(let scalar):
            return scalar.string.isEmpty ? [] : [scalar.string]
        case .sequence(let sequence):
            var out: [String] = []
            for item in sequence {
                guard let text = string(item, "each entry of \(what)") else { continue }
                out.append(text)
            }
            return out
        default:
            fail(node, "\(what) must be a list")
            return nil
        }
    }
}
