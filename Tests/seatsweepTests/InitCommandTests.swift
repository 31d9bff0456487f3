import Foundation
import Testing

/// `seatsweep init`: both starter files or neither, private, never over existing ones unless forced.
@Suite struct InitCommandTests {
    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: CLI.root.appendingPathComponent("Samples").appendingPathComponent(name))
    }

    @Test func writesTheSamplesPrivately() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("config/seatsweep")
        let run = try CLI.run(["init", target.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote \(target.path)/policy.yml"))
        #expect(run.stdout.contains("--pricing \(target.path)/pricing.yml"))
        for name in ["policy.yml", "pricing.yml"] {
            let path = target.appendingPathComponent(name).path
            #expect(FileManager.default.contents(atPath: path) == (try Self.sample(name)), "\(name)")
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name) must be 0600")
        }
        #expect(CLI.snapshot(target).count == 2)  // no temporary files left behind
    }

    @Test func defaultsToTheCurrentDirectory() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["init"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            Set(CLI.snapshot(dir).keys.map { URL(fileURLWithPath: $0).lastPathComponent }) == [
                "policy.yml", "pricing.yml",
            ])
    }

    @Test(arguments: [["policy.yml"], ["pricing.yml"], ["policy.yml", "pricing.yml"]])
    func refusesToOverwriteWithoutForce(existing: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in existing { try Data("mine: true\n".utf8).write(to: dir.appendingPathComponent(name)) }
        let before = CLI.snapshot(dir)
        let run = try CLI.run(["init", dir.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("already exist"))
        #expect(run.stderr.contains("nothing was written"))
        #expect(run.stderr.contains("--force"))
        #expect(CLI.snapshot(dir) == before)  // the other file is not written either
    }

    @Test func aDanglingSymbolicLinkCountsAsExisting() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("pricing.yml").path, withDestinationPath: "/nonexistent/pricing.yml")
        let run = try CLI.run(["init", dir.path])
        #expect(run.status == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("policy.yml").path))
    }

    @Test func forceOverwrites() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("mine: true\n".utf8).write(to: dir.appendingPathComponent("pricing.yml"))
        let run = try CLI.run(["init", dir.path, "--force"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            FileManager.default.contents(atPath: dir.appendingPathComponent("pricing.yml").path)
                == (try Self.sample("pricing.yml")))
        #expect(
            FileManager.default.contents(atPath: dir.appendingPathComponent("policy.yml").path)
                == (try Self.sample("policy.yml")))
    }

    @Test func theStarterFilesDriveAnAudit() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["init", dir.path]).status == 0)
        let run = try CLI.run([
            "audit", "Samples/directory-export.csv", "--policy", dir.appendingPathComponent("policy.yml").path,
            "--pricing", dir.appendingPathComponent("pricing.yml").path, "--as-of", "2026-11-01", "--out",
            dir.appendingPathComponent("report").path, "--strict",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("34.80"))
    }
}
