import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One measured run of a child process.
struct Measurement {
    var wall: Double
    /// User + system CPU seconds.
    var cpu: Double
    /// Peak resident set size in bytes.
    var maxRSS: Int
    var status: Int32
    var stdout: String
}

/// Runs `argv` with posix_spawn and measures it with wait4's rusage (of that child only).
func measure(_ argv: [String], stdoutPath: String) throws -> Measurement {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    let start = DispatchTime.now().uptimeNanoseconds
    let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        if errno != EINTR { throw BenchError("wait4 failed") }
    }
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu =
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
    return Measurement(wall: wall, cpu: cpu, maxRSS: Int(usage.ru_maxrss) * 1024, status: exit, stdout: out)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The median of several measurements, by wall time (CPU and RSS taken from the same run's peers by median too).
func median(_ runs: [Measurement]) -> Measurement {
    func mid(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    return Measurement(
        wall: mid(runs.map(\.wall)), cpu: mid(runs.map(\.cpu)), maxRSS: Int(mid(runs.map { Double($0.maxRSS) })),
        status: runs.map(\.status).max() ?? 0, stdout: runs.last?.stdout ?? "")
}
