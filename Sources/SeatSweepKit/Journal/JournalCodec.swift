import Foundation

/// Writes and reads journal lines: one compact JSON object per line, keys sorted, every line
/// carrying `schemaVersion` and `type`.
public enum JournalCodec {
    /// The only journal schema version this build reads and writes.
    public static let schemaVersion = 1

    /// One line, newline included.
    public static func encode(_ line: JournalLine) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        switch line {
        case .run(let r):
            w.member("at", r.at)
            w.member("orgId", r.orgId)
            w.member("planDigest", r.planDigest)
            w.member("planExpiresAt", r.planExpiresAt)
            w.member("planGeneratedAt", r.planGeneratedAt)
            w.member("planId", r.planId)
            w.member("schemaVersion", r.schemaVersion)
            w.member("tool", r.tool)
            w.member("type", "run")
        case .intent(let i):
            w.member("accountId", i.accountId)
            w.member("actionId", i.actionId)
            w.member("at", i.at)
            w.member("email", i.email)
            w.key("group")
            if let group = i.group {
                w.beginObject()
                w.member("groupId", group.groupId)
                w.member("name", group.name)
                w.endObject()
            } else {
                w.null()
            }
            w.member("kind", i.kind.rawValue)
            w.member("name", i.name)
            w.member("product", i.product)
            w.member("request", i.request)
            w.member("schemaVersion", i.schemaVersion)
            w.member("site", i.site)
            w.member("step", i.step.rawValue)
            w.member("type", "intent")
        case .outcome(let o):
            w.member("actionId", o.actionId)
            w.member("at", o.at)
            w.member("groupId", o.groupId)
            w.member("readBack", o.readBack)
            w.member("reason", o.reason)
            w.member("result", o.result.rawValue)
            w.member("schemaVersion", o.schemaVersion)
            w.member("status", o.status)
            w.member("step", o.step.rawValue)
            w.member("type", "outcome")
        case .action(let a):
            w.member("actionId", a.actionId)
            w.member("at", a.at)
            w.member("reason", a.reason)
            w.member("result", a.result.rawValue)
            w.member("schemaVersion", a.schemaVersion)
            w.member("status", a.status)
            w.member("type", "action")
        }
        w.endObject()
        return w.bytes + [0x0A]
    }

    /// A journal as read from disk.
    public struct Decoded: Sendable, Equatable {
        /// Each line with its 1-based line number.
        public var lines: [(line: Int, value: JournalLine)]
        /// Bytes up to the end of the last complete line.
        public var validLength: Int
        /// A final line without its newline: a write cut off by a crash, left out of `lines`.
        public var cutOffLine: Int?

        public static func == (a: Decoded, b: Decoded) -> Bool {
            a.validLength == b.validLength && a.cutOffLine == b.cutOffLine && a.lines.count == b.lines.count
                && zip(a.lines, b.lines).allSatisfy { $0.line == $1.line && $0.value == $1.value }
        }
    }

    /// Reads a journal. A last line without its newline is a write cut off by a crash: it is
    /// reported in `cutOffLine` and left out (its request was never sent, because an intent is
    /// flushed before its request). Any other unreadable line is an error naming the line.
    public static func decode(_ bytes: [UInt8], path: String) throws(SeatSweepError) -> Decoded {
        var lines: [(Int, JournalLine)] = []
        var start = 0
        var number = 0
        var validLength = 0
        var problems: [SeatSweepError] = []
        while start < bytes.count {
            number += 1
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                return Decoded(lines: lines, validLength: validLength, cutOffLine: number)
            }
            let slice = bytes[start..<newline]
            start = newline + 1
            validLength = start
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            do {
                lines.append((number, try decodeLine(Data(slice), path: path, line: number)))
            } catch {
                problems.append(error)
            }
        }
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return Decoded(lines: lines, validLength: validLength, cutOffLine: nil)
    }

    static func decodeLine(_ data: Data, path: String, line: Int) throws(SeatSweepError) -> JournalLine {
        struct Probe: Decodable {
            var schemaVersion: Int?
            var type: String?
        }
        let location = SourceLocation(path: path, line: line)
        let hint = "the journal was edited by hand or damaged; keep a copy and ask for help before running apply again"
        let probe: Probe
        do {
            probe = try JSONDecoder().decode(Probe.self, from: data)
        } catch {
            throw SeatSweepError("this journal line is not valid JSON", at: location, hint: hint)
        }
        guard let version = probe.schemaVersion, version == schemaVersion else {
            throw SeatSweepError(
                "journal schema version \(probe.schemaVersion.map(String.init) ?? "(none)") is not supported by this "
                    + "seatsweep (it reads version \(schemaVersion))",
                at: location, hint: "use the seatsweep version that wrote the journal")
        }
        do {
            switch probe.type {
            case "run": return .run(try JSONDecoder().decode(JournalRun.self, from: data))
            case "intent": return .intent(try JSONDecoder().decode(JournalIntent.self, from: data))
            case "outcome": return .outcome(try JSONDecoder().decode(JournalOutcome.self, from: data))
            case "action": return .action(try JSONDecoder().decode(JournalActionEnd.self, from: data))
            default:
                throw SeatSweepError(
                    "unknown journal line type '\(TerminalText.safe(probe.type ?? "(none)", limit: 40))'", at: location,
                    hint: hint)
            }
        } catch let error as SeatSweepError {
            throw error
        } catch {
            throw SeatSweepError("malformed journal line: \(PlanCodec.describe(error))", at: location, hint: hint)
        }
    }
}
