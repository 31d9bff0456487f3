import AtlassianSimulator
import Foundation
import SeatSweepKit
import Testing

/// Runs every command that touches credentials, including failures whose server text echoes
/// the Authorization header, then searches every output and every file written for the token,
/// the key and the Basic header value.
@Suite struct CredentialLeakTests {
    @Test func noSecretIsEverPrintedOrWritten() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let atlassian = try SimulatedAtlassian.sample()
        let sim = atlassian.simulator
        let env = SimulatedAtlassian.environment
        var outputs: [String] = []
        func run(_ args: [String], _ environment: [String: String] = env) throws -> CLI.Run {
            let result = try CLI.run(args, environment: environment)
            outputs += [result.stdout, result.stderr]
            return result
        }

        // The suspend policy, so both the site token (Basic) and the org key (Bearer) are used.
        let plan = try CLI.auditSample(into: scratch, policy: try CLI.suspendPolicy(in: scratch))
        let connection = atlassian.connection + ["--org", "org-1"]
        #expect(try run(["plan", "review", plan, "--by", "Lena", "--approve-all"]).status == 0)
        _ = try run(["plan", "show", plan])
        _ = try run(["plan", "show", plan, "--json"])
        #expect(try run(["apply", plan, "--dry-run"] + connection).status == 0)

        // A proxy that echoes the Authorization header in its 401, and a rate limit: the run stops
        // (exit 2) and prints the server's words, masked.
        sim.inject(.init(method: "GET", pathContains: "user/groups", .echoAuthorization))
        sim.inject(
            .init(method: "GET", pathContains: "applicationrole", .status(429, headers: ["Retry-After": "0"], body: ""))
        )
        let stopped = try run(["apply", plan, "--concurrency", "1"] + connection)
        #expect(stopped.status == 2, "\(stopped.stdout)\n\(stopped.stderr)")
        #expect(stopped.stdout.contains("credentials 'Basic ****' were rejected"), "\(stopped.stdout)")
        // A server error whose text quotes the key and the token, answered on every attempt
        // (Retry-After 0, so the binary never waits): that action fails with the words, masked.
        let quoted = "upstream said: Bearer \(SimulatedAtlassian.adminKey) token=\(SimulatedAtlassian.token)"
        sim.inject(.init(method: "DELETE", .status(500, headers: ["Retry-After": "0"], body: quoted), times: 6))
        let failed = try run(["apply", plan, "--concurrency", "1"] + connection)
        #expect(failed.status == 2, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.stdout.contains("upstream said: Bearer **** token=****"), "\(failed.stdout)")
        #expect(failed.stderr.contains("HTTP 500, waiting 0 s (Retry-After)"))
        let resumed = try run(["apply", plan] + connection)
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")

        // The same through a 0600 credentials file, and files that must be refused without
        // echoing what they hold.
        let noEnv = ["ATLASSIAN_EMAIL": "", "ATLASSIAN_API_TOKEN": "", "ATLASSIAN_ADMIN_API_KEY": ""]
        let file = scratch.path("atlassian.env")
        try """
        # seatsweep credentials
        ATLASSIAN_EMAIL=\(SimulatedAtlassian.email)
        export ATLASSIAN_API_TOKEN="\(SimulatedAtlassian.token)"
        ATLASSIAN_ADMIN_API_KEY=\(SimulatedAtlassian.adminKey)

        """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(try run(["verify", plan, "--credentials", file] + connection, noEnv).status == 0)
        #expect(try run(["verify", plan, "--json"] + connection).status == 0)
        chmod(file, 0o640)
        #expect(try run(["verify", plan, "--credentials", file] + connection, noEnv).status == 1)
        let broken = scratch.path("broken.env")
        try "ATLASSIAN_API_TOKEN \(SimulatedAtlassian.token)\nTOKEN=\(SimulatedAtlassian.adminKey)\n".write(
            toFile: broken, atomically: true, encoding: .utf8)
        chmod(broken, 0o600)
        let refused = try run(["apply", plan, "--credentials", broken] + connection, noEnv)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("broken.env:1: error: expected NAME=value on this line"))
        #expect(refused.stderr.contains("broken.env:2: error: unknown name on this line"))
        // Wrong credentials: the 401 is reported without them.
        let wrong = try run(
            ["apply", plan] + connection,
            ["ATLASSIAN_EMAIL": SimulatedAtlassian.email, "ATLASSIAN_API_TOKEN": "nope-\(SimulatedAtlassian.token)-x"])
        #expect(wrong.status == 1)

        // Undo and its restore plan.
        let journal = scratch.path("r/plan.journal.jsonl")
        #expect(try run(["undo", journal]).status == 0)
        let restore = scratch.path("r/plan.restore.json")
        #expect(try run(["plan", "review", restore, "--by", "Lena", "--approve-all"]).status == 0)
        #expect(try run(["apply", restore] + connection).status == 0)
        #expect(try run(["verify", restore] + connection).status == 0)

        // The secrets did reach the server (so the search below is not vacuous) ...
        #expect(sim.requestLog.contains { $0.auth == "basic" })
        #expect(sim.requestLog.contains { $0.auth == "bearer" && $0.changed })
        // ... and nowhere else.
        var written: [String: Data] = CLI.snapshot(scratch.url)
        written.removeValue(forKey: file)
        written.removeValue(forKey: broken)
        #expect(written.keys.contains { $0.hasSuffix("plan.journal.jsonl") })
        for secret in SimulatedAtlassian.secrets + ["nope-\(SimulatedAtlassian.token)-x"] {
            for (i, text) in outputs.enumerated() {
                #expect(!text.contains(secret), "output \(i) holds a secret:\n\(text)")
            }
            for (path, data) in written {
                #expect(!String(decoding: data, as: UTF8.self).contains(secret), "\(path) holds a secret")
            }
        }
    }
}
