import CPrefetch
import Crypto
import Foundation

/// Writes, reads and checks plan files.
///
/// The canonical encoding is compact JSON with sorted keys of the whole plan without `digest`,
/// `reviews` and each action's `decision`, `decidedBy` and `decidedAt`: exactly what a review
/// may change. `digest` is its SHA-256.
public enum PlanCodec {
    /// The plan file as written: pretty JSON, sorted keys.
    public static func encode(_ plan: Plan) -> [UInt8] {
        var out: [UInt8] = []
        encode(plan) { out += $0 }
        return out
    }

    /// Streams the plan file to `sink` in chunks of about 1 MiB.
    public static func encode(_ plan: Plan, sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var writer = JSONWriter(pretty: true)
        try write(plan, to: &writer, canonical: false, sink: sink)
        try writer.drain(into: sink)
    }

    /// Writes the plan file and computes its digest in the same pass, storing it in `plan`: each
    /// action line of the file is its canonical encoding plus the decision members, so the hash
    /// takes the line in two slices. Equal to `digest(plan)` (tested), at half the work for big plans.
    public static func encodeSealing(_ plan: inout Plan, sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var hasher = SHA256()
        func hash(_ bytes: UnsafeBufferPointer<UInt8>) { hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes)) }
        // The array is opened and closed by hand around the action lines, with the separators
        // the pretty writer would put between them, so each block goes to the sink as it is.
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.key("actions")
        w.rawValue { out in out.append(UInt8(ascii: "[")) }
        try w.drain(into: sink)
        Array(#"{"actions":["#.utf8).withUnsafeBufferPointer(hash)
        // Blocks of actions are encoded on background threads, two at a time; this thread
        // hashes each block's canonical slices and passes its bytes on, in order.
        let blockSize = 8192
        let blocks = (plan.actions.count + blockSize - 1) / blockSize
        let actions = ForkJoinShared(value: plan.actions)
        @Sendable func encode(_ block: Int) -> EncodedBlock {
            let range = (block * blockSize)..<min(actions.value.count, (block + 1) * blockSize)
            return EncodedBlock(actions.value, range)
        }
        func consume(_ block: EncodedBlock) throws {
            try block.bytes.withUnsafeBytes { bytes in
                for m in block.marks {
                    if m.comma >= 0 { hash(UnsafeBufferPointer(rebasing: bytes[m.comma...m.comma])) }
                    hash(UnsafeBufferPointer(rebasing: bytes[m.start..<m.decisionStart]))
                    hash(UnsafeBufferPointer(rebasing: bytes[m.decisionEnd..<m.end]))
                }
                try sink(bytes)
            }
        }
        var ahead: [BackgroundTask<EncodedBlock>] = []
        for block in 0..<min(2, blocks) { ahead.append(BackgroundTask { encode(block) }) }
        for block in 0..<blocks {
            let encoded = ahead.removeFirst().wait()
            if block + 2 < blocks { ahead.append(BackgroundTask { encode(block + 2) }) }
            try consume(encoded)
        }
        try Array((plan.actions.isEmpty ? "]" : "\n  ]").utf8).withUnsafeBufferPointer(sink)
        // The canonical rest: what follows the actions array in the canonical form of the same plan without actions.
        var rest = plan
        rest.actions = []
        let empty = canonicalBytes(rest)
        empty[(#"{"actions":["#.utf8.count)...].withUnsafeBufferPointer(hash)
        plan.digest = hex(hasher.finalize())
        writeTail(plan, to: &w, canonical: false)
        try w.drain(into: sink)
    }

    /// A block of action lines as the file holds them (each after its separator: a comma
    /// unless it is the plan's first action, a line break and indent), with where each one's
    /// canonical bytes are (in the canonical form actions are separated by the bare comma).
    final class EncodedBlock: @unchecked Sendable {
        // @unchecked: made by one thread, then only read by another.
        let bytes: ByteBuffer
        let marks: [ActionMarks]

        init(_ actions: [PlanAction], _ range: Range<Int>) {
            var out = ByteBuffer(capacity: range.count * 512)
            var marks: [ActionMarks] = []
            marks.reserveCapacity(range.count)
            actions.withUnsafeBufferPointer { buffer in
                var m = ActionMarks()
                for i in range {
                    if i + 16 < range.upperBound { prefetchText(of: buffer.baseAddress! + i + 16) }
                    m.comma = i > 0 ? out.count : -1
                    out.append(i > 0 ? ",\n    " : "\n    ")
                    write(buffer.baseAddress! + i, to: &out, canonical: false, marks: &m)
                    marks.append(m)
                }
            }
            bytes = out
            self.marks = marks
        }
    }

    /// Starts loading the heap objects of an action's account id and email, which the plan's
    /// order visits in no particular order of memory: each was a cache miss when first read.
    @inline(__always)
    private static func prefetchText(of action: UnsafePointer<PlanAction>) {
        prefetchObject(ofStringAt: UnsafeRawPointer(action) + accountIdOffset)
        prefetchObject(ofStringAt: UnsafeRawPointer(action) + emailOffset)
    }

    private static let accountIdOffset = MemoryLayout<PlanAction>.offset(of: \.accountId)!
    private static let emailOffset = MemoryLayout<PlanAction>.offset(of: \.email)!

    /// Reading the string the usual way would retain it, which waits for the very cache miss
    /// this is meant to start early.
    @inline(__always)
    private static func prefetchObject(ofStringAt string: UnsafeRawPointer) {
        seatsweep_prefetch(stringObject(at: string))
    }

    /// A native string's second word holds the address of its heap object under a tag in the top
    /// bits (its UTF-8 bytes start 32 bytes on: tested). For a small string it holds text
    /// instead: a prefetch is only a hint, and one of an address that is not mapped does nothing.
    @inline(__always)
    static func stringObject(at string: UnsafeRawPointer) -> UnsafeRawPointer? {
        UnsafeRawPointer(bitPattern: string.load(fromByteOffset: 8, as: UInt.self) & 0x0000_FFFF_FFFF_FFF0)
    }

    /// The bytes the digest covers.
    public static func canonicalBytes(_ plan: Plan) -> [UInt8] {
        var out: [UInt8] = []
        var writer = JSONWriter(pretty: false)
        write(plan, to: &writer, canonical: true) { out += $0 }
        writer.drain { out += $0 }
        return out
    }

    /// SHA-256 of the canonical encoding, streamed so huge plans need no second copy.
    public static func digest(_ plan: Plan) -> String {
        var hasher = SHA256()
        var writer = JSONWriter(pretty: false)
        write(plan, to: &writer, canonical: true) { hasher.update(data: $0) }
        hasher.update(data: writer.bytes)
        return hex(hasher.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(
        _ plan: Plan, to w: inout JSONWriter, canonical: Bool, sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        w.beginObject()
        w.key("actions")
        w.beginArray()
        // Through a buffer pointer, so each action is read in place rather than copied.
        var line = ByteBuffer(capacity: 1024)
        try plan.actions.withUnsafeBufferPointer { actions in
            for i in actions.indices {
                write(actions.baseAddress! + i, to: &w, canonical: canonical, line: &line)
                if w.bytes.count >= 1 << 20 { try w.drain(into: sink) }
            }
        }
        w.endArray()
        writeTail(plan, to: &w, canonical: canonical)
    }

    /// Everything after `actions`, in key order.
    private static func writeTail(_ plan: Plan, to w: inout JSONWriter, canonical: Bool) {
        w.member("asOf", plan.asOf)
        if !canonical { w.member("digest", plan.digest) }
        w.member("expiresAt", plan.expiresAt)
        w.member("generatedAt", plan.generatedAt)
        w.member("planId", plan.planId)
        if !canonical {
            w.key("reviews")
            write(plan.reviews, to: &w)
        }
        w.key("rules")
        write(plan.rules, to: &w)
        w.key("savings")
        write(plan.savings, to: &w)
        w.member("schemaVersion", plan.schemaVersion)
        w.key("source")
        w.beginObject()
        w.key("inputs")
        w.beginArray()
        for input in plan.source.inputs {
            w.beginObject()
            w.member("layout", input.layout)
            w.member("path", input.path)
            w.member("sha256", input.sha256)
            w.endObject()
        }
        w.endArray()
        w.member("orgId", plan.source.orgId)
        w.key("policy")
        if let policy = plan.source.policy {
            w.beginObject()
            w.member("path", policy.path)
            w.member("sha256", policy.sha256)
            w.endObject()
        } else {
            w.null()
        }
        w.member("sites", plan.source.sites)
        w.endObject()
        w.member("tool", plan.tool)
        w.endObject()
    }

    /// The review log as the plan file writes it.
    static func write(_ reviews: [PlanReview], to w: inout JSONWriter) {
        w.beginArray()
        for review in reviews {
            w.beginObject()
            w.member("approved", review.approved)
            w.member("at", review.at)
            w.member("by", review.by)
            w.member("pending", review.pending)
            w.member("rejected", review.rejected)
            w.endObject()
        }
        w.endArray()
    }

    /// The savings object, or null.
    static func write(_ savings: PlanSavings?, to w: inout JSONWriter) {
        guard let savings else { return w.null() }
        w.beginObject()
        w.member("annualSavings", savings.annualSavings)
        w.member("currency", savings.currency)
        w.member("monthlySavings", savings.monthlySavings)
        w.member("source", savings.source)
        w.endObject()
    }

    static func write(_ rules: PlanRules, to w: inout JSONWriter) {
        w.beginObject()
        w.key("accessGroups")
        w.beginObject()
        for product in rules.accessGroups.keys.sorted(by: utf8Less) { w.member(product, rules.accessGroups[product]!) }
        w.endObject()
        w.member("action", rules.action)
        w.member("defaultThreshold", rules.defaultThreshold)
        w.member("graceDays", rules.graceDays)
        w.key("protect")
        w.beginObject()
        w.member("accountIds", rules.protect.accountIds)
        w.member("domains", rules.protect.domains)
        w.member("emails", rules.protect.emails)
        w.member("groups", rules.protect.groups)
        w.endObject()
        w.key("thresholds")
        w.beginObject()
        for product in rules.thresholds.keys.sorted(by: utf8Less) { w.member(product, rules.thresholds[product]!) }
        w.endObject()
        w.endObject()
    }

    /// One action as the plan file writes it (`canonical` leaves out the review fields).
    static func write(_ action: PlanAction, to w: inout JSONWriter, canonical: Bool) {
        var line = ByteBuffer(capacity: 1024)
        withUnsafePointer(to: action) { write($0, to: &w, canonical: canonical, line: &line) }
    }

    /// One action into `w`, written first into `line` (scratch space, reused from one to the next).
    private static func write(
        _ action: UnsafePointer<PlanAction>, to w: inout JSONWriter, canonical: Bool, line: inout ByteBuffer
    ) {
        line.removeAll()
        write(action, to: &line, canonical: canonical)
        w.rawValue { out in line.withUnsafeBytes { out.append(contentsOf: $0) } }
    }

    /// One action as compact JSON on one line: the canonical bytes, plus the decision fields in
    /// the file. Written with raw appends because a plan may hold hundreds of thousands.
    private static func write(
        _ action: UnsafePointer<PlanAction>, to out: inout ByteBuffer, canonical: Bool,
        marks: UnsafeMutablePointer<ActionMarks>? = nil
    ) {
        marks?.pointee.start = out.count
        out.append(#"{"accountId":"#)
        JSONWriter.appendString(action.pointee.accountId, to: &out)
        out.append(#","daysInactive":"#)
        JSONWriter.appendInt(action.pointee.daysInactive, to: &out)
        marks?.pointee.decisionStart = out.count
        if !canonical {
            out.append(#","decidedAt":"#)
            JSONWriter.appendString(action.pointee.decidedAt, to: &out)
            out.append(#","decidedBy":"#)
            JSONWriter.appendString(action.pointee.decidedBy, to: &out)
            out.append(#","decision":"#)
            JSONWriter.appendString(action.pointee.decision.rawValue, to: &out)
        }
        marks?.pointee.decisionEnd = out.count
        out.append(#","email":"#)
        JSONWriter.appendString(action.pointee.email, to: &out)
        out.append(#","evidence":{"line":"#)
        JSONWriter.appendInt(action.pointee.evidence.line, to: &out)
        out.append(#","path":"#)
        JSONWriter.appendString(action.pointee.evidence.path, to: &out)
        out.append(#"},"groups":["#)
        // Lists are read by index through the pointer: iterating them would retain each
        // array, and many actions share one (their reference count is then contended
        // between the threads encoding blocks).
        for i in 0..<action.pointee.groups.count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(action.pointee.groups[i], to: &out)
        }
        out.append(#"],"id":"#)
        JSONWriter.appendString(action.pointee.id, to: &out)
        out.append(#","kind":"#)
        JSONWriter.appendString(action.pointee.kind.rawValue, to: &out)
        out.append(#","lastActive":"#)
        JSONWriter.appendString(action.pointee.lastActive, to: &out)
        out.append(#","name":"#)
        JSONWriter.appendString(action.pointee.name, to: &out)
        out.append(#","product":"#)
        JSONWriter.appendString(action.pointee.product, to: &out)
        out.append(#","reason":"#)
        JSONWriter.appendString(action.pointee.reason, to: &out)
        out.append(#","seats":["#)
        for i in 0..<action.pointee.seats.count {
            out.append(i > 0 ? #",{"daysInactive":"# : #"{"daysInactive":"#)
            JSONWriter.appendInt(action.pointee.seats[i].daysInactive, to: &out)
            out.append(#","lastActive":"#)
            JSONWriter.appendString(action.pointee.seats[i].lastActive, to: &out)
            out.append(#","product":"#)
            JSONWriter.appendString(action.pointee.seats[i].product, to: &out)
            out.append(#","site":"#)
            JSONWriter.appendString(action.pointee.seats[i].site, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(#"],"site":"#)
        JSONWriter.appendString(action.pointee.site, to: &out)
        // Restore plans name the exact groups; the key is absent otherwise (older digests hold).
        if let targets = action.pointee.targetGroups {
            out.append(#","targetGroups":["#)
            for (i, group) in targets.enumerated() {
                out.append(i > 0 ? #",{"groupId":"# : #"{"groupId":"#)
                JSONWriter.appendString(group.groupId, to: &out)
                out.append(#","name":"#)
                JSONWriter.appendString(group.name, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        marks?.pointee.end = out.count
    }

    /// Where the parts of one written action line are in the writer's buffer: the canonical
    /// bytes are `start..<decisionStart` followed by `decisionEnd..<end`.
    struct ActionMarks {
        /// Where the comma before the action is (-1 for a plan's first action).
        var comma = -1
        var start = 0
        var decisionStart = 0
        var decisionEnd = 0
        var end = 0
    }

    static func utf8Less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Why a plan cannot be trusted as it is.
    public enum Integrity: Equatable, Sendable {
        case intact
        /// The digest does not match the content: edited outside a review.
        case tampered(expected: String, actual: String)
    }

    /// Reads a plan file, refusing unknown schema versions with a clear message.
    public static func decode(_ data: Data, path: String) throws(SeatSweepError) -> Plan {
        struct Version: Decodable { var schemaVersion: Int? }
        let version: Version
        do {
            version = try JSONDecoder().decode(Version.self, from: data)
        } catch {
            throw SeatSweepError(
                "this is not a seatsweep plan (not valid JSON: \(describe(error)))", at: SourceLocation(path: path),
                hint: "pass the plan.json that `seatsweep audit` wrote")
        }
        guard let schema = version.schemaVersion else {
            throw SeatSweepError(
                "this is not a seatsweep plan (no schemaVersion)", at: SourceLocation(path: path),
                hint: "pass the plan.json that `seatsweep audit` wrote")
        }
        guard schema == Plan.currentSchemaVersion else {
            throw SeatSweepError(
                "plan schema version \(schema) is not supported by this seatsweep (it reads version \(Plan.currentSchemaVersion))",
                at: SourceLocation(path: path),
                hint: schema > Plan.currentSchemaVersion
                    ? "upgrade seatsweep to the version that wrote the plan"
                    : "run `seatsweep audit` again to write a current plan")
        }
        do {
            return try JSONDecoder().decode(Plan.self, from: data)
        } catch {
            throw SeatSweepError(
                "the plan is malformed: \(describe(error))", at: SourceLocation(path: path),
                hint: "the plan was edited by hand or truncated; run `seatsweep audit` again")
        }
    }

    /// Compares the recorded digest with the content.
    public static func integrity(_ plan: Plan) -> Integrity {
        let actual = digest(plan)
        return actual == plan.digest ? .intact : .tampered(expected: plan.digest, actual: actual)
    }

    /// A `DecodingError` as a readable field path: `actions[3].kind: unknown value 'delete'`.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            var out = ""
            for key in context.codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += (out.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return out.isEmpty ? "(top level)" : out
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context): return "\(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context)): missing value"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
