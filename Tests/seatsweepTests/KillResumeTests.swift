import AtlassianSimulator
import Foundation
import SeatSweepKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` during apply, twenty times, at random points; every resume must end in exactly the
/// planned state without removing any membership twice. The seed is printed; set
/// `SEATSWEEP_KILL_SEED` to replay a run.
@Suite struct KillResumeTests {
    /// Where a kill lands.
    enum Moment: String, CaseIterable {
        /// The request reaches the server but is lost before it takes effect.
        case requestLost = "request lost"
        /// The change is made, the process dies before the answer arrives.
        case beforeResponse = "before the response"
        /// The answer was sent; the process dies a few hundred microseconds later, while it
        /// journals the outcome or starts the next request.
        case afterResponse = "after the response"
    }

    /// The process under test and the trigger the simulator's hook fires.
    final class Trigger: @unchecked Sendable {
        // All guarded by `lock`.
        private let lock = NSLock()
        private var pid: pid_t = 0
        private var count = 0
        private var at = 0
        private var moment = Moment.requestLost
        private var delay: useconds_t = 0
        private(set) var fired = false

        func arm(at: Int, moment: Moment, delay: useconds_t) {
            lock.withLock {
                self.pid = 0
                self.count = 0
                self.at = at
                self.moment = moment
                self.delay = delay
                self.fired = false
            }
        }

        func started(_ pid: pid_t) { lock.withLock { self.pid = pid } }

        func disarm() { lock.withLock { at = 0 } }

        var didFire: Bool { lock.withLock { fired } }

        /// The simulator hook: returns true to lose the request.
        func hook(_ phase: AtlassianSimulator.Phase) -> Bool {
            var target: pid_t = 0
            var action: Moment?
            var wait: useconds_t = 0
            lock.withLock {
                if phase == .received { count += 1 }
                guard at > 0, count == at, !fired else { return }
                switch (moment, phase) {
                case (.requestLost, .received), (.beforeResponse, .applied), (.afterResponse, .applied):
                    fired = true
                    action = moment
                    wait = delay
                default: return
                }
            }
            guard let action else { return false }
            for _ in 0..<2000 where lock.withLock({ pid }) == 0 { usleep(100) }
            target = lock.withLock { pid }
            guard target > 0 else { return false }
            switch action {
            case .requestLost, .beforeResponse:
                kill(target, SIGKILL)
                return action == .requestLost
            case .afterResponse:
                let (victim, pause) = (target, wait)
                Thread.detachNewThread {
                    usleep(pause)
                    kill(victim, SIGKILL)
                }
                return false
            }
        }
    }

    /// A directory export with 40 people: each holds Jira through three role groups; the even
    /// ones also hold Confluence through its two default groups and have not used it either.
    static func export() -> String {
        var lines = [
            "Group id,Group name,User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,"
                + "Last seen in Confluence - acme,Jira - acme,Confluence - acme"
        ]
        let groups = [
            ("g-jira", "jira-users-acme"), ("g-jsw", "jira-software-users"), ("g-dev", "jira-developers"),
            ("g-conf", "confluence-users-acme"), ("g-conf2", "confluence-users"), ("g-staff", "all-staff"),
        ]
        for i in 0..<40 {
            let confluence = i % 2 == 0 ? "2 Feb 2026" : "30 Oct 2026"
            for (id, name) in groups {
                lines.append(
                    "\(id),\(name),712020:kill-\(i),Person \(i),person\(i)@acme.example,Active,1 Jan 2024,None,"
                        + "1 Jan 2026,\(confluence),User,User")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func killedAtTwentyRandomPointsApplyStillEndsExact() throws {
        let seed =
            ProcessInfo.processInfo.environment["SEATSWEEP_KILL_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 1...UInt64(Int64.max))
        print("KillResumeTests seed: \(seed) (replay with SEATSWEEP_KILL_SEED=\(seed))")
        var rng = SplitMix64(seed: seed)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let csv = scratch.url.appendingPathComponent("export.csv")
        try Self.export().write(to: csv, atomically: true, encoding: .utf8)
        let atlassian = try SimulatedAtlassian(
            csv: csv, sites: ["acme"],
            roles: ["acme": ["jira-software": ["jira-users-acme", "jira-software-users", "jira-developers"]]])
        let sim = atlassian.simulator
        let original = sim.memberships()
        var expectedRemovals = Set<Membership>()
        for i in 0..<40 {
            for g in ["g-jira", "g-jsw", "g-dev"] + (i % 2 == 0 ? ["g-conf", "g-conf2"] : []) {
                expectedRemovals.insert(Membership(site: "acme", groupId: g, accountId: "712020:kill-\(i)"))
            }
        }

        let out = scratch.path("r")
        let audit = try CLI.run(["audit", csv.path, "--as-of", "2026-11-01", "--out", out])
        #expect(audit.status == 0, "\(audit.stderr)")
        let plan = out + "/plan.json"
        #expect(try CLI.run(["plan", "review", plan, "--by", "Kill Test", "--approve-all"]).status == 0)

        sim.latency = 0.002
        let trigger = Trigger()
        sim.setHook { _, _, phase in trigger.hook(phase) }
        let args = ["apply", plan] + atlassian.connection
        var kills: [String] = []
        var runs = 0
        while kills.count < 20, runs < 80 {
            runs += 1
            // Every run sends at least /myself plus one request per removal still to make, so a
            // kill at request `at` always lands; spread the twenty over the work left.
            let removed = original.subtracting(sim.memberships()).count
            let requestsLeft = expectedRemovals.count - removed + 2
            let cap = max(1, min(requestsLeft, 2 * requestsLeft / (20 - kills.count + 1)))
            let at = Int.random(in: 1...cap, using: &rng)
            let moment = Moment.allCases.randomElement(using: &rng)!
            let delay = useconds_t.random(in: 0...1500, using: &rng)
            trigger.arm(at: at, moment: moment, delay: delay)
            let run = try Self.start(args, trigger: trigger)
            if run.signalled {
                kills.append("request \(at), \(moment.rawValue)" + (moment == .afterResponse ? " +\(delay)µs" : ""))
            } else {
                #expect(run.status == 0, "an unkilled run failed: \(run.output)")
            }
        }
        trigger.disarm()
        print("KillResumeTests kills (\(kills.count) in \(runs) runs): " + kills.joined(separator: "; "))
        #expect(kills.count == 20)

        let final = try Self.start(args, trigger: trigger)
        #expect(!final.signalled && final.status == 0, "\(final.output)")
        #expect(sim.memberships() == original.subtracting(expectedRemovals))

        // No membership was removed twice: per membership, exactly one DELETE changed it, and no
        // DELETE was sent after that one.
        let deletes = sim.requestLog.filter { $0.method == "DELETE" }
        var byMembership: [Membership: [AtlassianSimulator.LogEntry]] = [:]
        for entry in deletes {
            let key = Membership(site: "acme", groupId: entry.groupId ?? "", accountId: entry.accountId ?? "")
            byMembership[key, default: []].append(entry)
        }
        #expect(Set(byMembership.keys) == expectedRemovals)
        for (key, entries) in byMembership {
            #expect(entries.filter(\.changed).count == 1, "\(key): \(entries.map { ($0.sequence, $0.status ?? -1) })")
            #expect(entries.last?.changed == true, "\(key): a DELETE was sent after the membership was removed")
        }

        // The journal, written through twenty crashes, still knows every change: undo restores all.
        sim.setHook(nil)
        let undo = try CLI.run(["undo", out + "/plan.journal.jsonl"])
        #expect(undo.status == 0, "\(undo.stderr)")
        let restore = out + "/plan.restore.json"
        #expect(try CLI.run(["plan", "review", restore, "--by", "Kill Test", "--approve-all"]).status == 0)
        let restored = try CLI.run(
            ["apply", restore] + atlassian.connection, environment: SimulatedAtlassian.environment)
        #expect(restored.status == 0, "\(restored.stdout)\n\(restored.stderr)")
        #expect(sim.memberships() == original)
    }

    struct Outcome {
        var signalled: Bool
        var status: Int32
        var output: String
    }

    /// Runs the binary to its end (or its death) with the simulator's credentials.
    static func start(_ args: [String], trigger: Trigger) throws -> Outcome {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = args
        process.currentDirectoryURL = CLI.root
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1793520000"
        for (k, v) in SimulatedAtlassian.environment { env[k] = v }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        trigger.started(process.processIdentifier)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            signalled: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
            status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
