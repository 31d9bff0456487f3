import Foundation
import Testing

@testable import SeatSweepKit

/// Reading a CSV on two threads gives exactly what one thread gives: the same accounts, seats,
/// evidence lines and diagnostics, whatever falls on the split point.
@Suite struct ParallelIngestTests {
    static let header =
        "User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme"

    static func read(_ text: String, threads: Int) throws -> (Directory, DiagnosticLog) {
        var log = DiagnosticLog()
        let ingestor = Ingestor(parallelism: threads, parallelThreshold: 1)
        let directory = try ingestor.run([InputFile(path: "p.csv", data: Data(text.utf8))], diagnostics: &log)
        return (directory, log)
    }

    /// A comparable rendering of everything ingest produced.
    static func describe(_ d: Directory) -> [String] {
        d.accounts.map { a in
            "\(a.id)|\(a.name)|\(a.status)|\(a.source.line)|"
                + a.seats.map { "\($0.product)@\($0.site)=\($0.lastActive)@\($0.evidence.line)" }.joined(separator: ",")
        }
    }

    static func rows(_ count: Int, multilineAt: Set<Int> = []) -> String {
        var lines = [header]
        for i in 0..<count {
            let name = multilineAt.contains(i) ? "\"Name\nwith a break \(i)\"" : "Name \(i)"
            lines.append("u\(i),\(name),u\(i)@x.example,Active,1 Jan 2024,None,\(i % 28 + 1) Jan 2026,User")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 2, 7, 50, 301])
    func twoThreadsEqualOne(count: Int) throws {
        let text = Self.rows(count, multilineAt: [0, count / 2, count - 1])
        let (one, oneLog) = try Self.read(text, threads: 1)
        let (two, twoLog) = try Self.read(text, threads: 2)
        #expect(Self.describe(one) == Self.describe(two))
        #expect(oneLog.printable == twoLog.printable)
        #expect(one.inputs == two.inputs)
    }

    /// The input's SHA-256 is computed on a thread started when the first reader finishes its
    /// half (or from the start when the file is read on one): the same digest either way (the
    /// expected one from Python's hashlib).
    @Test(arguments: [1, 2])
    func inputDigestWhicheverThreadComputesIt(threads: Int) throws {
        let (directory, _) = try Self.read(Self.rows(301), threads: threads)
        #expect(directory.inputs.map(\.sha256) == ["e04a10d198e03f6c543e8637e40a8b797d6b1ef112fc661e5b953c5efb364b49"])
    }

    @Test func aDeferredTaskRunsItsWorkOnce() {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var runs = 0
            func run() -> Int {
                lock.withLock { runs += 1 }
                return 42
            }
        }
        let started = Counter()
        let startedTask = DeferredTask { started.run() }
        startedTask.start()
        startedTask.start()
        #expect(startedTask.wait() == 42)
        #expect(started.runs == 1)
        // Never started: `wait` does the work itself, and a later `start` does not repeat it.
        let idle = Counter()
        let idleTask = DeferredTask { idle.run() }
        #expect(idleTask.wait() == 42)
        idleTask.start()
        Thread.sleep(forTimeInterval: 0.05)
        #expect(idle.runs == 1)
    }

    @Test func aQuotedLineBreakAtTheSplitPoint() throws {
        // Put a long quoted cell with many line breaks across the middle of the file.
        var lines = [Self.header]
        for i in 0..<20 { lines.append("u\(i),N\(i),u\(i)@x.example,Active,1 Jan 2024,None,1 Oct 2026,User") }
        lines.append(
            "big,\"" + String(repeating: "line\n", count: 400)
                + "\",big@x.example,Active,1 Jan 2024,None,1 Oct 2026,User")
        for i in 20..<40 { lines.append("u\(i),N\(i),u\(i)@x.example,Active,1 Jan 2024,None,1 Oct 2026,User") }
        let text = lines.joined(separator: "\n") + "\n"
        let (one, _) = try Self.read(text, threads: 1)
        let (two, _) = try Self.read(text, threads: 2)
        #expect(Self.describe(one) == Self.describe(two))
        #expect(two.accounts.count == 41)
        #expect(two.accounts.last?.source.line == 442)
    }

    @Test func diagnosticsAndDuplicatesInTheSecondHalf() throws {
        var text = Self.rows(100)
        text += "u5,Name 5,u5@x.example,Active,1 Jan 2024,None,1 Jan 2026,User\n"
        text += "u200,Late,late@x.example,Active,1 Jan 2024,None,1 Jan 2026,Mystery\n"
        let (one, oneLog) = try Self.read(text, threads: 1)
        let (two, twoLog) = try Self.read(text, threads: 2)
        #expect(Self.describe(one) == Self.describe(two))
        #expect(oneLog.printable == twoLog.printable)
        let duplicate = try #require(twoLog.kept.first { $0.code == "duplicate-row" })
        #expect(duplicate.location?.line == 102)
        let token = try #require(twoLog.kept.first { $0.code == "unknown-access-token" })
        #expect(token.location?.line == 103)
    }

    @Test func anErrorInTheSecondHalfHasItsRealLine() throws {
        var text = Self.rows(100)
        text += "bad,\"unterminated,x@x.example,Active,1 Jan 2024,None,1 Jan 2026,User\n"
        for threads in [1, 2] {
            do {
                _ = try Self.read(text, threads: threads)
                Issue.record("no error with \(threads) threads")
            } catch {
                #expect((error as? SeatSweepError)?.location?.line == 102, "\(threads) threads")
            }
        }
    }

    /// UTF-8 is validated in two halves for files of 4 MiB and more: a character across the
    /// split point is fine, and an invalid byte in either half is reported at its real line
    /// and column, as one thread reports it.
    @Test(arguments: [0, 1, 2, 3])
    func utf8ValidatedInHalves(shift: Int) throws {
        let filler = String(repeating: "a", count: 2 << 20 + shift) + "\n"
        let text = Array((filler + "ä€😀\n" + filler).utf8)
        try text.withUnsafeBufferPointer { buffer in
            // The middle falls inside or next to a character of two, three or four bytes.
            let middle = buffer.count / 2
            #expect(buffer[(middle - 4)...(middle + 4)].contains { $0 >= 0x80 })
            try TextDecoder.validateUTF8InHalves(buffer[...], path: "p.csv")
        }
        for at in [100, text.count / 2 - 1, text.count - 10] {
            var bad = text
            bad[at] = 0xFC
            let one = try #require(decodeError(bad, parallelism: 1))
            let two = try #require(decodeError(bad, parallelism: 2))
            #expect(two.location == one.location && two.message == one.message)
            #expect(one.message.contains("not valid UTF-8"))
        }
    }

    /// ASCII is skipped 32 and 8 bytes at a time: a bad byte anywhere in or after such a run is
    /// reported at its own column.
    @Test func aBadByteIsFoundWhereverItIsInAnAsciiRun() throws {
        for at in 0..<80 {
            var bytes = Array(String(repeating: "a", count: 100).utf8)
            bytes[at] = 0xFC
            let error = try #require(decodeError(bytes, parallelism: 1), "byte at \(at)")
            #expect(error.location?.line == 1 && error.location?.column == at + 1, "byte at \(at)")
        }
    }

    func decodeError(_ bytes: [UInt8], parallelism: Int) -> SeatSweepError? {
        bytes.withUnsafeBytes { raw in
            do throws(SeatSweepError) {
                _ = try TextDecoder.decode(raw, path: "p.csv", parallelism: parallelism)
                return nil
            } catch {
                return error
            }
        }
    }
}
