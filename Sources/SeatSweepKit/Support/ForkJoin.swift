import Foundation

/// Runs CPU-bound jobs on their own threads and waits for all of them: the one place the pure
/// core uses more than one core. Each job writes only its own result slot.
enum ForkJoin {
    static func run(_ jobs: [@Sendable () -> Void]) {
        guard jobs.count > 1 else {
            jobs.first?()
            return
        }
        let latch = Latch(count: jobs.count - 1)
        for job in jobs.dropFirst() {
            let thread = Thread {
                job()
                latch.countDown()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        jobs[0]()
        latch.wait()
    }

    /// A countdown latch.
    private final class Latch: @unchecked Sendable {
        // @unchecked: every access to `count` holds `condition`.
        private let condition = NSCondition()
        private var count: Int

        init(count: Int) { self.count = count }

        func countDown() {
            condition.lock()
            count -= 1
            condition.broadcast()
            condition.unlock()
        }

        func wait() {
            condition.lock()
            while count > 0 { condition.wait() }
            condition.unlock()
        }
    }
}

/// A slot one forked job fills and the joining thread reads after `ForkJoin.run` returns.
final class ForkJoinSlot<Value>: @unchecked Sendable {
    // @unchecked: written by exactly one job, read only after the join.
    var value: Value?
    init() {}
}

/// Carries a value that is not `Sendable` (such as a buffer pointer) into forked jobs that only read it.
struct ForkJoinShared<Value>: @unchecked Sendable {
    // @unchecked: the jobs only read the value, and the owner keeps it alive until the join.
    let value: Value
}
