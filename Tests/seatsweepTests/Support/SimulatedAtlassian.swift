import AtlassianSimulator
import Foundation
import SeatSweepKit
import Testing

/// A simulator served on 127.0.0.1, seeded from an exported-users CSV, and the arguments and
/// environment that point the `seatsweep` binary at it.
final class SimulatedAtlassian: @unchecked Sendable {
    static let email = "runner@acme.example"
    static let token = "ATATT3xFfGF0-LEAKCANARY-token-51b7"
    static let adminKey = "ATCTT3xFfGF0-LEAKCANARY-key-a9e2"
    static let runner = "712020:runner-0000"

    let simulator: AtlassianSimulator
    let server: SimulatorServer

    /// `roles`: site → application role key → group names.
    init(csv: URL, sites: [String], roles: [String: [String: [String]]], runner: String = SimulatedAtlassian.runner)
        throws
    {
        simulator = AtlassianSimulator(
            orgId: "org-1",
            credentials: .init(email: Self.email, apiToken: Self.token, adminKey: Self.adminKey, accountId: runner))
        let rows = try Self.rows(csv)
        var groups: [String: String] = [:]
        for row in rows where !row["Group id", default: ""].isEmpty {
            groups[row["Group id"]!] = row["Group name"]!
        }
        for site in sites {
            for (id, name) in groups { simulator.addGroup(site: site, id: id, name: name) }
            simulator.addUser(site: site, accountId: runner, email: Self.email, name: "Runner")
            for row in rows {
                let account = row["User id"]!
                simulator.addUser(site: site, accountId: account, email: row["email"]!, name: row["User name"]!)
                if let group = row["Group id"], !group.isEmpty {
                    simulator.addMember(site: site, groupId: group, accountId: account)
                }
            }
            for (key, names) in roles[site] ?? [:] {
                let ids = names.compactMap { name in groups.first { $0.value == name }?.key }
                simulator.setRole(site: site, key: key, name: key, groupIds: ids)
            }
        }
        server = SimulatorServer(simulator)
        try server.start()
    }

    deinit { server.stop() }

    /// The sample export's world: sites acme and acme-eu with their Jira roles.
    static func sample(runner: String = SimulatedAtlassian.runner) throws -> SimulatedAtlassian {
        try SimulatedAtlassian(
            csv: CLI.root.appendingPathComponent("Samples/directory-export.csv"), sites: ["acme", "acme-eu"],
            roles: [
                "acme": [
                    "jira-software": ["jira-users-acme"], "jira-servicedesk": ["jira-servicemanagement-users-acme"],
                ],
                "acme-eu": ["jira-software": ["jira-users-acme-eu"]],
            ], runner: runner)
    }

    /// `--site-base-url` and `--admin-base-url` for this server.
    var connection: [String] {
        ["--site-base-url", server.siteTemplate, "--admin-base-url", server.adminBase]
    }

    /// The credentials, as the environment carries them.
    static var environment: [String: String] {
        ["ATLASSIAN_EMAIL": email, "ATLASSIAN_API_TOKEN": token, "ATLASSIAN_ADMIN_API_KEY": adminKey]
    }

    /// Every secret in every form that must never be written or printed.
    static var secrets: [String] {
        [token, adminKey, Data("\(email):\(token)".utf8).base64EncodedString()]
    }

    /// Requests that changed state.
    var changes: [AtlassianSimulator.LogEntry] { simulator.requestLog.filter(\.changed) }

    /// The CSV's records as header → value dictionaries, read with seatsweep's own parser.
    static func rows(_ url: URL) throws -> [[String: String]] {
        let bytes = try [UInt8](Data(contentsOf: url))
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = CSVParser(bytes: buffer, range: 0..<buffer.count, delimiter: UInt8(ascii: ","), path: url.path)
            guard try parser.next() else { return [] }
            let header = parser.fields.indices.map { parser.string($0) }
            var out: [[String: String]] = []
            while try parser.next() {
                var row: [String: String] = [:]
                for (i, name) in header.enumerated() { row[name] = parser.string(i) }
                out.append(row)
            }
            return out
        }
    }
}

/// Temporary directories for one test, removed at the end.
struct Scratch {
    let url: URL

    init() throws { url = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension CLI {
    /// Audits the sample export into `dir/r` and returns the plan path.
    static func auditSample(
        into scratch: Scratch, epoch: String = "1793520000", policy: String = "Samples/policy.yml"
    ) throws -> String {
        let out = scratch.path("r")
        let run = try CLI.run(
            ["audit", "Samples/directory-export.csv", "--policy", policy, "--as-of", "2026-11-01", "--out", out],
            environment: ["SOURCE_DATE_EPOCH": epoch])
        guard run.status == 0 else { throw CLIError("audit failed: \(run.stderr)") }
        return out + "/plan.json"
    }

    /// The plan's action ids by `Name product@site` (`Ana Souza confluence@acme`).
    static func actionIds(_ plan: String) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan)))
        let actions = (object as? [String: Any])?["actions"] as? [[String: Any]] ?? []
        var out: [String: String] = [:]
        for a in actions {
            let key = "\(a["name"] as? String ?? "") \(a["product"] as? String ?? "")@\(a["site"] as? String ?? "")"
            out[key] = a["id"] as? String
        }
        return out
    }

    /// The sample policy with `action: suspend`, written into the scratch directory.
    static func suspendPolicy(in scratch: Scratch) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("Samples/policy.yml"), encoding: .utf8)
        let path = scratch.path("suspend-policy.yml")
        try text.replacingOccurrences(of: "action: remove-product-access", with: "action: suspend")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
