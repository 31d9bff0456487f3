import Foundation

/// Reports progress: `stage` (what is being done, e.g. `reading export.csv`) advanced by
/// `advance` units out of `total`. Called from any thread; the caller owns the display.
public typealias ProgressHandler = @Sendable (_ stage: String, _ advance: Int, _ total: Int) -> Void

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

    /// Runs `body` on two threads, each given the same `Chunks` of `0..<count` to take consecutive
    /// ranges of `size` from as it finishes one: halves fixed in advance could differ in cost
    /// (which memory they read, what else the core was doing), and the faster thread then idled.
    /// A `size` of at least `count` runs `body` once, on this thread.
    static func forEachChunk(of count: Int, size: Int, _ body: @escaping @Sendable (Chunks) -> Void) {
        let chunks = Chunks(count: count, size: max(1, size))
        guard size < count else { return body(chunks) }
        run([{ body(chunks) }, { body(chunks) }])
    }

    /// Hands out the consecutive ranges of `forEachChunk`, each once, to whichever thread asks.
    final class Chunks: Sequence, IteratorProtocol, @unchecked Sendable {
        // @unchecked: `start` is only touched under `lock`.
        private let lock = NSLock()
        private var start = 0
        private let count: Int
        private let size: Int

        fileprivate init(count: Int, size: Int) {
            self.count = count
            self.size = size
        }

        func next() -> Range<Int>? {
            lock.lock()
            defer { lock.unlock() }
            guard start < count else { return nil }
            let range = start..<Swift.min(start + size, count)
            start = range.upperBound
            return range
        }
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

    /// Moves the value out, so the caller holds the only reference (its arrays can then be
    /// mutated in place instead of copied).
    func take() -> Value? {
        defer { value = nil }
        return value.take()
    }
}

/// Carries a value that is not `Sendable` (such as a buffer pointer) into forked jobs that only read it.
struct ForkJoinShared<Value>: @unchecked Sendable {
    // @unchecked: the jobs only read the value, and the owner keeps it alive until the join.
    let value: Value
}

/// Work started on its own thread when some thread first calls `start()` (or run by `wait()`
/// on the waiting thread if none did), and collected with `wait()`. For work that should fill
/// a moment a core would otherwise idle, which only the code doing the main work can tell.
/// The task lets go of the work (and what it captured) once the work has run.
final class DeferredTask<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `work` and `running` are read and written only under `lock`.
    private var work: (@Sendable () -> Value)?
    private let lock = NSLock()
    private var running: BackgroundTask<Value>?

    init(_ work: @escaping @Sendable () -> Value) { self.work = work }

    /// Starts the work on its own thread, unless it has started already or `wait()` was called.
    func start() {
        lock.lock()
        defer { lock.unlock() }
        if let work = work.take() { running = BackgroundTask(work) }
    }

    /// The work's result: waited for if started, else computed on this thread. Called once.
    func wait() -> Value {
        lock.lock()
        let task = running
        let work = work.take()
        lock.unlock()
        return task?.wait() ?? work!()
    }
}

/// Work started on its own thread now and collected later with `wait()`.
public final class BackgroundTask<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is written once by the worker before it signals `done`, and read
    // only after waiting for `done`.
    private var value: Value?
    private let done = NSCondition()
    private var finished = false

    public init(_ work: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let result = work()
            done.lock()
            value = result
            finished = true
            done.broadcast()
            done.unlock()
        }
        thread.start()
    }

    /// Waits for the work to finish and returns its result.
    public func wait() -> Value {
        done.lock()
        while !finished { done.wait() }
        let result = value!
        done.unlock()
        return result
    }
}

/// One thread that runs jobs one after another, each started with `start` once the one before
/// has been waited for: for a long series of short jobs (a sheet's blocks of rows), which a
/// thread each would spend part of their time creating and tearing down (2,700 threads in a
/// 1M-account report). `close()` ends the thread; it must be called.
final class Worker: @unchecked Sendable {
    // @unchecked: `job`, `busy` and `closed` are read and written only under `condition`.
    private let condition = NSCondition()
    private var job: (@Sendable () -> Void)?
    private var busy = false
    private var closed = false

    init() {
        // The thread holds the worker until `close()` lets it end.
        Thread { [self] in run() }.start()
    }

    /// Runs `job` on the worker's thread. The previous job must have been waited for.
    func start(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        precondition(!busy && !closed, "a worker runs one job at a time")
        self.job = job
        busy = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the job started last has run (returns at once if none is running).
    func wait() {
        condition.lock()
        while busy { condition.wait() }
        condition.unlock()
    }

    /// Lets the thread end once its job has run.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while job == nil, !closed { condition.wait() }
            guard let job = job.take() else { break }
            condition.unlock()
            job()
            condition.lock()
            busy = false
            condition.broadcast()
        }
        condition.unlock()
    }
}
