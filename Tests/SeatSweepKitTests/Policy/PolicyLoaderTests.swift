import Foundation
import Testing

@testable import SeatSweepKit

/// policy.yml: every key, and every problem reported with its line in one run.
@Suite struct PolicyLoaderTests {
    func load(_ text: String) throws -> Policy { try PolicyLoader.load(text, path: "policy.yml", sha256: "abc") }

    @Test func everyKey() throws {
        let p = try load(
            """
            thresholds: {default: 60, Confluence: 120, jira-software: 30}
            graceDays: 14
            action: suspend
            planExpiryDays: 7
            products: {include: [jira, confluence], exclude: ["Jira Service Desk"]}
            protect:
              emails: ["ceo@x.example"]
              domains: ["@partner.example"]
              accountIds: ["712020:*"]
              groups: execs
            accessGroups: {confluence: ["conf-{site}"]}
            """)
        #expect(p.defaultThreshold == 60 && p.thresholds == ["confluence": 120, "jira": 30])
        #expect(p.graceDays == 14 && p.action == .suspend && p.planExpiryDays == 7)
        #expect(p.includeProducts == ["jira", "confluence"] && p.excludeProducts == ["jira-service-management"])
        #expect(p.protectEmails == ["ceo@x.example"] && p.protectDomains == ["partner.example"])
        #expect(p.protectAccountIds == ["712020:*"] && p.protectGroups == ["execs"])
        #expect(p.grantingGroups(product: "confluence", site: "acme") == ["conf-acme"])
        #expect(p.grantingGroups(product: "bitbucket", site: "acme") == ["bitbucket-users-acme", "bitbucket-users"])
        #expect(p.source?.sha256 == "abc")
    }

    @Test func theSamplePolicyLoads() throws {
        let text = try String(contentsOf: TestSupport.sample("policy.yml"), encoding: .utf8)
        let p = try load(text)
        #expect(p.thresholds["confluence"] == 120 && p.excludeProducts == ["bitbucket"])
    }

    @Test func emptyFileMeansDefaults() throws {
        let p = try load("# nothing set\n")
        #expect(p.defaultThreshold == 90 && p.graceDays == 30 && p.action == .removeProductAccess)
    }

    @Test func everyProblemIsReportedWithItsLine() throws {
        do {
            _ = try load(
                """
                thresholds:
                  default: ninety
                graceDayz: 30
                action: delete-everyone
                planExpiryDays: 0
                protect:
                  email: [a@b.example]
                """)
            Issue.record("expected errors")
        } catch let error as SeatSweepError {
            let all = [error] + error.related
            let lines = all.map { $0.location?.line ?? 0 }
            #expect(lines == [2, 3, 4, 5, 7])
            #expect(all[0].message.contains("whole number, not 'ninety'"))
            #expect(all[1].message == "unknown key 'graceDayz' in the policy")
            #expect(all[2].message.contains("unknown action 'delete-everyone'"))
            #expect(all[2].hint?.contains("remove-product-access") == true)
            #expect(all[3].message.contains("between 1 and 365"))
            #expect(all[4].hint == "did you mean 'emails'?" || all[4].hint?.contains("emails") == true)
            #expect(error.description.contains("policy.yml:3:1: error: unknown key 'graceDayz'"))
        }
    }

    @Test func syntaxErrorsNameTheLine() throws {
        do {
            _ = try load("thresholds:\n  default: 90\n graceDays: [1, 2\n")
            Issue.record("expected an error")
        } catch let error as SeatSweepError {
            #expect(error.message.hasPrefix("invalid YAML"))
            #expect((error.location?.line ?? 0) >= 3)
        }
    }

    @Test(arguments: [
        ("*@x.example", "Ann@X.Example", true), ("a?c", "abc", true), ("a?c", "abbc", false),
        ("exec-*", "exec-", true), ("*", "", true), ("x*y*z", "xAyBz", true), ("x*y*z", "xAyB", false),
    ])
    func globs(pattern: String, text: String, matches: Bool) {
        #expect(Glob.matches(pattern, text) == matches)
    }
}
