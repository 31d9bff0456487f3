import Foundation
import Testing

@testable import SeatSweepKit

@Suite struct ForkJoinTests {
    /// What the threads of one `forEachChunk` did.
    final class Record: @unchecked Sendable {
        // @unchecked: every access holds `lock`.
        let lock = NSLock()
        var visits: [Int]
        var ranges: [Range<Int>] = []
        var threads = Set<ObjectIdentifier>()

        init(count: Int) { visits = Array(repeating: 0, count: count) }

        func take(_ range: Range<Int>) {
            lock.withLock {
                ranges.append(range)
                threads.insert(ObjectIdentifier(Thread.current))
                for i in range { visits[i] += 1 }
            }
        }
    }

    /// Every index is handed out exactly once, in consecutive ranges of the chunk size (the last
    /// one shorter), whichever thread takes which.
    @Test(arguments: [(0, 8), (1, 8), (8, 8), (9, 8), (1000, 7), (100_000, 8192)])
    func everyIndexIsTakenOnce(count: Int, size: Int) {
        let record = Record(count: count)
        ForkJoin.forEachChunk(of: count, size: size) { chunks in
            for range in chunks { record.take(range) }
        }
        #expect(record.visits.allSatisfy { $0 == 1 })
        let expected = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        #expect(record.ranges.sorted { $0.lowerBound < $1.lowerBound } == expected)
    }

    /// A chunk that covers everything is worked on the calling thread alone.
    @Test func oneChunkStaysOnThisThread() {
        let record = Record(count: 10)
        ForkJoin.forEachChunk(of: 10, size: 10) { chunks in
            for range in chunks { record.take(range) }
        }
        #expect(record.threads == [ObjectIdentifier(Thread.current)])
        #expect(record.ranges == [0..<10])
    }

    /// A worker runs each job it is given, in order, all on one thread that is not the caller's,
    /// and `wait` returns only once the job has run.
    @Test func aWorkerRunsItsJobsInOrderOnOneThread() {
        let record = Record(count: 50)
        let worker = Worker()
        worker.wait()  // nothing started: returns at once
        for k in 0..<50 {
            worker.start {
                Thread.sleep(forTimeInterval: k % 10 == 0 ? 0.002 : 0)
                record.take(k..<k + 1)
            }
            worker.wait()
            #expect(record.lock.withLock { record.ranges.count } == k + 1)
        }
        worker.close()
        #expect(record.ranges == (0..<50).map { $0..<$0 + 1 })
        #expect(record.threads.count == 1)
        #expect(!record.threads.contains(ObjectIdentifier(Thread.current)))
    }
}
