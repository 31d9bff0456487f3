import Foundation
import Testing

/// `seatsweep audit` as a process: exit codes, messages, and what it writes.
@Suite struct AuditCommandTests {
    @Test func sampleRunWritesPrivateFiles() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report").path
        let run = try CLI.run([
            "audit", "Samples/directory-export.csv", "--policy", "Samples/policy.yml", "--as-of", "2026-11-01", "--out",
            out,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("8 candidate seats"))
        for name in ["summary.json", "plan.json", "users.csv"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name) must be 0600")
        }
    }
}
