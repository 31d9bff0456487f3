import AtlassianSimulator
import Foundation
import Testing

@testable import SeatSweepKit
@testable import SeatSweepRemote

/// URLSession against the simulator's real HTTP server; the journal file; endpoints; secrets.
@Suite struct TransportAndJournalTests {
    func basic() -> String { "Basic " + Data("\(World.email):\(World.token)".utf8).base64EncodedString() }

    @Test func urlSessionTalksToTheSimulatorServer() async throws {
        let world = World()
        let server = SimulatorServer(world.simulator)
        let port = try server.start()
        defer { server.stop() }
        let transport = URLSessionTransport(timeout: 10)
        let get = HTTPRequest(
            method: "GET",
            url: URL(string: "http://127.0.0.1:\(port)/site/acme/rest/api/3/user/groups?accountId=712020%3Aana")!,
            authorization: Secret(basic()))
        let response = try await transport.send(get)
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        let groups = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]
        #expect(groups?.compactMap { $0["groupId"] as? String }.sorted() == ["g-conf", "g-jira", "g-jsw", "g-staff"])
        let unauthorised = try await transport.send(HTTPRequest(method: "GET", url: get.url))
        #expect(unauthorised.status == 401)
    }

    @Test func concurrentRequestsOverSocketsAllLand() async throws {
        let world = World()
        for i in 0..<40 {
            world.simulator.addUser(site: "acme", accountId: "712020:u\(i)", email: "u\(i)@acme.example", name: "U\(i)")
            world.simulator.addMember(site: "acme", groupId: "g-jira", accountId: "712020:u\(i)")
        }
        let server = SimulatorServer(world.simulator)
        let port = try server.start()
        defer { server.stop() }
        world.simulator.latency = 0.002
        let transport = URLSessionTransport(timeout: 10)
        let auth = Secret(basic())
        let statuses = await withTaskGroup(of: Int.self) { group in
            var active = 0
            var statuses: [Int] = []
            for i in 0..<40 {
                if active == 4, let s = await group.next() {
                    statuses.append(s)
                    active -= 1
                }
                let url = URL(
                    string:
                        "http://127.0.0.1:\(port)/site/acme/rest/api/3/group/user?groupId=g-jira&accountId=712020%3Au\(i)"
                )!
                group.addTask {
                    (try? await transport.send(HTTPRequest(method: "DELETE", url: url, authorization: auth)))?.status
                        ?? -1
                }
                active += 1
            }
            for await s in group { statuses.append(s) }
            return statuses
        }
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(
            (0..<40).allSatisfy { !world.simulator.members(site: "acme", groupId: "g-jira").contains("712020:u\($0)") })
    }

    @Test func redirectsAreNotFollowedAndDropsAreConnectionErrors() async throws {
        let world = World()
        let server = SimulatorServer(world.simulator)
        let port = try server.start()
        defer { server.stop() }
        world.simulator.inject(
            .init(.status(302, headers: ["Location": "http://127.0.0.1:\(port)/elsewhere"], body: "")))
        world.simulator.inject(.init(method: "DELETE", .drop))
        let transport = URLSessionTransport(timeout: 10)
        let url = URL(string: "http://127.0.0.1:\(port)/site/acme/rest/api/3/myself")!
        let redirected = try await transport.send(HTTPRequest(method: "GET", url: url, authorization: Secret(basic())))
        #expect(redirected.status == 302)
        #expect(world.simulator.requestLog.count == 1)
        await #expect(throws: TransportError.self) {
            try await transport.send(HTTPRequest(method: "DELETE", url: url, authorization: Secret(basic())))
        }
    }

    @Test func journalFileIsPrivateDurableLockedAndRepaired() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plan.journal.jsonl").path
        let plan = World().plan()
        let intent = JournalIntent(
            at: "t", action: plan.actions[0], step: .removeGroup, group: World.jira, request: "x")
        let first = try ApplyJournal.open(path)
        #expect(first.existing.lines.isEmpty)
        try await first.journal.append(.intent(intent))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A second apply on the same plan is refused while the first holds the lock.
        #expect(throws: SeatSweepError.self) { try ApplyJournal.open(path) }
        await first.journal.close()
        // A crash cut the next line short: reopening drops it and says where.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"actionId":"x","at"#.utf8))
        try handle.close()
        let second = try ApplyJournal.open(path)
        #expect(second.repairedLine == 2)
        #expect(second.existing.lines.map(\.value) == [.intent(intent)])
        try await second.journal.append(.intent(intent))
        await second.journal.close()
        let reread = try #require(try ApplyJournal.read(path))
        #expect(reread.lines.count == 2)
        #expect(reread.cutOffLine == nil)
    }

    @Test func endpointsAllowPlainHTTPOnlyOnLoopback() throws {
        let e = try AtlassianEndpoints()
        #expect(
            try e.site("acme", "/rest/api/3/user/groups", query: [("accountId", "712020:a b")]).absoluteString
                == "https://acme.atlassian.net/rest/api/3/user/groups?accountId=712020%3Aa%20b")
        #expect(try e.admin("/admin/v1/orgs/o").absoluteString == "https://api.atlassian.com/admin/v1/orgs/o")
        _ = try AtlassianEndpoints(siteTemplate: "http://127.0.0.1:8080/site/{site}/", adminBase: "http://[::1]:9")
        _ = try AtlassianEndpoints(siteTemplate: "http://localhost/{site}", adminBase: "https://proxy.example/atl")
        for (site, admin) in [
            ("http://proxy.example/{site}", "https://api.atlassian.com"),
            ("https://{site}.atlassian.net", "http://10.0.0.1"),
            ("https://acme.atlassian.net", "https://api.atlassian.com"),
            ("https://user:pw@{site}.atlassian.net", "https://api.atlassian.com"),
            ("ftp://{site}.example", "https://api.atlassian.com"),
            ("https://{site}.atlassian.net?x=1", "https://api.atlassian.com"),
        ] {
            #expect(throws: SeatSweepError.self, "\(site) \(admin)") {
                try AtlassianEndpoints(siteTemplate: site, adminBase: admin)
            }
        }
    }

    @Test func secretsNeverPrint() {
        let credentials = AtlassianCredentials(
            site: .init(email: World.email, token: Secret(World.token)), adminKey: Secret(World.adminKey))
        let basic = Data("\(World.email):\(World.token)".utf8).base64EncodedString()
        var dumped = ""
        dump(credentials, to: &dumped)
        let request = HTTPRequest(
            method: "GET", url: URL(string: "https://a.atlassian.net/x")!, authorization: credentials.basicAuthorization
        )
        var dumpedRequest = ""
        dump(request, to: &dumpedRequest)
        for text in [
            "\(credentials)", String(reflecting: credentials), dumped, "\(request)", dumpedRequest,
            "\(credentials.bearerAuthorization!)",
        ] {
            #expect(!text.contains(World.token) && !text.contains(World.adminKey) && !text.contains(basic), "\(text)")
        }
        let masked = credentials.masker.mask(
            "a \(World.token) b Basic \(basic) c Bearer \(World.adminKey) d \(AtlassianEndpoints.encode(World.token))")
        #expect(masked == "a **** b Basic **** c Bearer **** d ****")
    }
}
