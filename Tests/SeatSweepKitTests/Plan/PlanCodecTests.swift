import Foundation
import Testing

@testable import SeatSweepKit

/// The plan file: sorted keys, a digest over everything but review decisions, tamper detection,
/// schema-version refusal, and a lossless round trip.
@Suite struct PlanCodecTests {
    static func samplePlan() throws -> Plan {
        let data = try Data(contentsOf: TestSupport.sample("policy.yml"))
        let policy = try PolicyLoader.load(String(decoding: data, as: UTF8.self), path: "policy.yml", sha256: "p")
        return try TestSupport.audit([TestSupport.input(TestSupport.sample("directory-export.csv"))], policy: policy)
            .plan
    }

    @Test func roundTripIsLossless() throws {
        let plan = try Self.samplePlan()
        let decoded = try PlanCodec.decode(Data(PlanCodec.encode(plan)), path: "plan.json")
        #expect(decoded == plan)
        #expect(PlanCodec.encode(decoded) == PlanCodec.encode(plan))
        #expect(PlanCodec.integrity(decoded) == .intact)
    }

    /// The one-pass writer's digest must equal the reference digest, for every kind of action,
    /// hostile text, reviewed decisions and savings.
    @Test func sealingWhileWritingGivesTheReferenceDigest() throws {
        var policy = Policy()
        policy.action = .suspend
        let csv = """
            User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Last seen in Confluence - acme,Jira - acme,Confluence - acme
            u1,"Ann ""\u{7}"" \u{2028} </script>",ann@x.example,Active,1 Jan 2020,None,1 Jan 2026,Never accessed,User,User
            u2,Bob,bob@x.example,Active,1 Jan 2020,None,1 Jan 2026,30 Oct 2026,User,User
            """
        var empty = try Self.samplePlan()
        empty.actions = []
        for plan in [try Self.samplePlan(), try TestSupport.audit([("s.csv", csv)], policy: policy).plan, empty] {
            var reviewed = plan
            if !plan.actions.isEmpty {
                reviewed.actions[0].decision = .approved
                reviewed.actions[0].decidedBy = "Mara"
            }
            reviewed.savings = PlanSavings(
                currency: "USD", source: "quote", monthlySavings: "12.5", annualSavings: "150")
            for var candidate in [plan, reviewed] {
                let reference = PlanCodec.digest(candidate)
                candidate.digest = ""
                var written: [UInt8] = []
                PlanCodec.encodeSealing(&candidate, sink: { written += $0 })
                #expect(candidate.digest == reference)
                #expect(written == PlanCodec.encode(candidate))
            }
        }
    }

    /// Large plans are encoded in blocks on two threads: the bytes and digest must be the same
    /// as the single-threaded encoder's, whatever the block boundaries.
    @Test func sealingAcrossManyBlocks() throws {
        var plan = try Self.samplePlan()
        let template = plan.actions
        plan.actions = (0..<20_001).map { i in
            var action = template[i % template.count]
            action.accountId += "-\(i)"
            action.id = String(format: "%012x", i)
            if i % 7 == 0 { action.decision = .approved }
            return action
        }
        let reference = PlanCodec.digest(plan)
        var sealed = plan
        sealed.digest = ""
        var written: [UInt8] = []
        PlanCodec.encodeSealing(&sealed, sink: { written += $0 })
        #expect(sealed.digest == reference)
        // Compared by hand: a failing `==` on megabytes would have the test framework diff them for hours.
        let expected = PlanCodec.encode(sealed)
        let firstDifference =
            (0..<min(written.count, expected.count)).first { written[$0] != expected[$0] }
            ?? min(written.count, expected.count)
        #expect(
            written.count == expected.count && firstDifference == expected.count,
            "first difference at byte \(firstDifference) of \(expected.count) (written \(written.count))")
    }

    @Test func decisionsAreOutsideTheDigest() throws {
        var plan = try Self.samplePlan()
        plan.actions[0].decision = .approved
        plan.actions[0].decidedBy = "Mara (IT)"
        plan.actions[0].decidedAt = "2026-11-02T09:00:00Z"
        plan.reviews.append(
            PlanReview(by: "Mara (IT)", at: "2026-11-02T09:00:00Z", approved: 1, rejected: 0, pending: 7))
        #expect(PlanCodec.integrity(plan) == .intact)
    }

    @Test(arguments: ["accountId", "site", "kind", "expiresAt", "daysInactive", "asOf", "threshold"])
    func anyOtherEditIsTampering(field: String) throws {
        var plan = try Self.samplePlan()
        switch field {
        case "accountId": plan.actions[0].accountId = "712020:attacker"
        case "site": plan.actions[0].site = "other"
        case "kind": plan.actions[0].kind = .suspend
        case "expiresAt": plan.expiresAt = "2099-01-01T00:00:00Z"
        case "daysInactive": plan.actions[0].daysInactive = 999
        case "asOf": plan.asOf = "2027-01-01"
        default: plan.rules.defaultThreshold = 1
        }
        guard case .tampered = PlanCodec.integrity(plan) else {
            Issue.record("editing \(field) was not detected")
            return
        }
    }

    @Test func tamperingInTheFileIsDetected() throws {
        let plan = try Self.samplePlan()
        let text = String(decoding: PlanCodec.encode(plan), as: UTF8.self)
        let edited = text.replacingOccurrences(of: "\"daysInactive\":183", with: "\"daysInactive\":1")
        #expect(edited != text)
        let decoded = try PlanCodec.decode(Data(edited.utf8), path: "plan.json")
        #expect(PlanCodec.integrity(decoded) != .intact)
    }

    /// The error decoding `text` throws, or nil when it decodes.
    static func decodeError(_ text: String) -> SeatSweepError? {
        do {
            _ = try PlanCodec.decode(Data(text.utf8), path: "plan.json")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [(2, "upgrade"), (0, "audit")])
    func unknownSchemaVersionsAreRefused(version: Int, hint: String) throws {
        let error = try #require(Self.decodeError("{\"schemaVersion\": \(version), \"actions\": []}"))
        #expect(error.message.contains("schema version \(version) is not supported"))
        #expect(error.hint?.contains(hint) == true)
    }

    @Test func malformedPlansNameTheField() throws {
        let plan = try Self.samplePlan()
        let text = String(decoding: PlanCodec.encode(plan), as: UTF8.self)
            .replacingOccurrences(of: "\"kind\":\"remove-product-access\"", with: "\"kind\":\"delete-user\"")
        let error = try #require(Self.decodeError(text))
        #expect(error.message.contains("actions[0].kind"))
    }

    @Test func keysAreSortedEverywhere() throws {
        let plan = try Self.samplePlan()
        try JSONKeyOrder.check(PlanCodec.encode(plan))
        try JSONKeyOrder.check(PlanCodec.canonicalBytes(plan))
    }

    @Test func actionIdsAreStableAndUnique() throws {
        let a = try Self.samplePlan()
        let b = try Self.samplePlan()
        #expect(a.actions.map(\.id) == b.actions.map(\.id))
        #expect(Set(a.actions.map(\.id)).count == a.actions.count)
        #expect(a.actions.allSatisfy { $0.id.count == 12 })
    }

    /// The encoder prefetches an action's account id and email by the address in each string's
    /// second word. Should the standard library lay strings out otherwise, the prefetch would
    /// silently do nothing (and encoding a large plan would slow down): this says so instead.
    @Test func aLongStringsObjectHoldsItsBytes() {
        var text = String(decoding: Array("712020:0001e277-786b-4a16-8e62-f88de68de358".utf8), as: UTF8.self)
        let object = withUnsafePointer(to: text) { PlanCodec.stringObject(at: UnsafeRawPointer($0)) }
        let bytes = text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        #expect(object != nil)
        #expect(object.map { $0 + 32 } == bytes)
    }
}

/// Checks that every object in a JSON text has its keys in ascending byte order.
enum JSONKeyOrder {
    struct OutOfOrder: Error, CustomStringConvertible {
        var description: String
    }

    static func check(_ bytes: [UInt8]) throws {
        // A top-level array comes item by item: it has no keys of its own.
        var values: [JSONValue] = []
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, range: 0..<buffer.count, path: "x.json")
            try parser.forEachValue { values.append($0) }
        }
        for value in values { try check(value) }
    }

    static func check(_ value: JSONValue) throws {
        switch value {
        case .object(let object):
            let keys = object.members.map(\.0)
            for (a, b) in zip(keys, keys.dropFirst()) where !a.utf8.lexicographicallyPrecedes(b.utf8) {
                throw OutOfOrder(description: "'\(a)' before '\(b)' at line \(object.line)")
            }
            for (_, member) in object.members { try check(member) }
        case .array(let items):
            for item in items { try check(item) }
        default:
            break
        }
    }
}
