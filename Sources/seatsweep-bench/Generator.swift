import Foundation
import SeatSweepKit

/// Writes synthetic exports: the directory layout with 3 products on 2 sites, and a v2
/// users-search API dump. The mix of statuses, access cells and dates is fixed by the seed.
struct Generator {
    static let products = ["Jira", "Confluence", "Jira Service Management"]
    static let apiKeys = ["jira-software", "confluence", "jira-servicedesk"]
    static let sites = ["acme", "acme-eu"]
    static let first = [
        "Ana", "Bram", "Chen", "Dana", "Emeka", "Fatima", "Giulia", "Hiro", "Ingrid", "Jamal", "Kai", "Lena",
        "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Stefan", "Tariq", "Zoë", "Łukasz",
    ]
    static let last = [
        "Souza", "de Vries", "Wei", "Kowalski", "Obi", "Zahra", "Rossi", "Tanaka", "Larsen", "Haddad", "Müller",
        "Petrova", "Bianchi", "Rahman", "Lind", "Shah", "Moreau", "Jiménez", "Novak", "Aziz",
    ]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// The audit date the generated data is built around.
    static let asOf = "2026-11-01"

    var rng: SplitMix64

    init(seed: UInt64 = 42) { rng = SplitMix64(seed: seed) }

    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }

    mutating func uuid() -> String {
        let a = rng.next()
        let b = rng.next()
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-8" + String(c[17..<20]) + "-"
            + String(c[20..<32])
    }

    /// A day within `range` days before 2026-11-01, as (d MMM yyyy, yyyy-MM-dd).
    mutating func day(within range: Int) -> (String, String) {
        let day = Day(ordinal: 20_758 - Int32(rng.next() % UInt64(range)))  // 20_758 is 2026-11-01
        let (y, m, d) = day.components
        return ("\(d) \(Self.months[m - 1]) \(y)", day.iso)
    }

    struct Person {
        var id: String
        var name: String
        var email: String
        var status: String
        var added: (String, String)
        var orgAdmin: Bool
        /// Per (product, site): access cell and last-seen cell (or nil for no access).
        var seats: [(access: String, lastSeen: String, iso: String?)]
    }

    mutating func person(_ i: Int) -> Person {
        let f = Self.first[Int(rng.next() % UInt64(Self.first.count))]
        let l = Self.last[Int(rng.next() % UInt64(Self.last.count))]
        let app = chance(0.002)
        let name = app ? "Integration bot \(i)" : "\(f) \(l)"
        let email = app ? "bot-\(i)@connect.atlassian.com" : "\(f.lowercased()).\(i)@example.com"
        let r = rng.next() % 100
        let status = r < 90 ? "Active" : r < 95 ? "Suspended" : "Deactivated"
        let added = day(within: 3000)
        var seats: [(String, String, String?)] = []
        for _ in 0..<(Self.products.count * Self.sites.count) {
            let a = rng.next() % 1000
            let access = a < 500 ? "User" : a < 940 ? "None" : a < 990 ? "Guest" : "User,User access admin"
            // Most seats are in use; about 8% idle for longer, 7% never used, 3% without data.
            let s = rng.next() % 100
            if s < 90 {
                let d = day(within: s < 82 ? 90 : 700)
                seats.append((access, d.0, d.1))
            } else if s < 97 {
                seats.append((access, "Never accessed", nil))
            } else {
                seats.append((access, "", nil))
            }
        }
        return Person(
            id: "712020:" + uuid(), name: name, email: email, status: status, added: added, orgAdmin: chance(0.001),
            seats: seats)
    }

    /// The directory-layout CSV with `count` accounts.
    mutating func writeDirectoryCSV(count: Int, to path: String) throws {
        var header = ["User id", "User name", "email", "User status", "Added to org", "Org role"]
        for site in Self.sites { for p in Self.products { header.append("Last seen in \(p) - \(site)") } }
        for site in Self.sites { for p in Self.products { header.append("\(p) - \(site)") } }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = header.joined(separator: ",") + "\n"
        for i in 0..<count {
            let p = person(i)
            var cells = [p.id, p.name, p.email, p.status, p.added.0, p.orgAdmin ? "Org Admin" : "None"]
            cells += p.seats.map(\.lastSeen)
            cells += p.seats.map { $0.access.contains(",") ? "\"\($0.access)\"" : $0.access }
            buffer += cells.joined(separator: ",") + "\n"
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
    }

    /// A users-search (v2) dump: a JSON array of pages of 100 users.
    mutating func writeAPIDump(count: Int, to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = "[\n"
        var i = 0
        while i < count {
            var users: [String] = []
            for _ in 0..<min(100, count - i) {
                let p = person(i)
                i += 1
                var access: [String] = []
                for (k, seat) in p.seats.enumerated() where seat.access.hasPrefix("User") {
                    let key = Self.apiKeys[k % Self.products.count]
                    let site = Self.sites[k / Self.products.count]
                    let last = seat.iso.map { "\"\($0)T10:00:00Z\"" } ?? "null"
                    access.append("{\"key\":\"\(key)\",\"id\":\"\(site)\",\"lastActiveTimestamp\":\(last)}")
                }
                let status = p.status == "Active" ? "active" : p.status == "Suspended" ? "suspended" : "deactivated"
                let roles = p.orgAdmin ? "[\"atlassian/org-admin\"]" : "[]"
                let type = p.email.hasSuffix("@connect.atlassian.com") ? "app" : "atlassian"
                let escapedName = p.name.replacingOccurrences(of: "\"", with: "\\\"")
                users.append(
                    "{\"accountId\":\"\(p.id)\",\"accountType\":\"\(type)\",\"status\":\"\(status)\",\"addedToOrg\":\"\(p.added.1)T00:00:00Z\","
                        + "\"name\":\"\(escapedName)\",\"email\":\"\(p.email)\",\"platformRoles\":\(roles),\"productAccess\":[\(access.joined(separator: ","))],\"groups\":[]}"
                )
            }
            buffer += "{\"data\":[\n" + users.joined(separator: ",\n") + "\n],\"links\":{\"next\":\"c\(i)\"}}"
            buffer += i < count ? ",\n" : "\n"
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        buffer += "]\n"
        handle.write(Data(buffer.utf8))
    }
}
