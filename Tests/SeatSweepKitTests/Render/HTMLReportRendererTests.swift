import Crypto
import Foundation
import Testing

@testable import SeatSweepKit

/// report.html: golden page for the sample, hostile names inert, a CSP that admits exactly the
/// page's own style and script, the row cap, the priced path, template overrides and errors.
@Suite struct HTMLReportRendererTests {
    static func html(_ result: Audit.Result, options: HTMLReportRenderer.Options = .init(), redact: Bool = false)
        throws -> String
    {
        let document = ReportDocument(result, options: .init(redactor: redact ? Redactor(salt: "t") : nil))
        return ReportFixtures.string(try HTMLReportRenderer.render(document, options: options))
    }

    @Test func goldenSamplePage() throws {
        let bytes = try HTMLReportRenderer.render(ReportDocument(try ReportFixtures.sample()))
        try TestSupport.assertGolden(bytes, "report-directory.html")
    }

    @Test func builtInTemplatesMatchTheTemplatesFolder() throws {
        let folder = TestSupport.root.appendingPathComponent("Templates")
        for (file, embedded) in [
            (HTMLTemplates.pageFile, DefaultTemplates.page), (HTMLTemplates.styleFile, DefaultTemplates.style),
            (HTMLTemplates.scriptFile, DefaultTemplates.script),
        ] {
            let disk = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(
                disk == embedded, "Templates/\(file) differs from the built-in copy; run scripts/embed-templates.sh")
        }
    }

    @Test func hostileNamesStayText() throws {
        let html = try Self.html(try ReportFixtures.hostile())
        #expect(html.components(separatedBy: "<script").count == 2)  // only the page's own script
        #expect(!html.contains("<img"))
        #expect(!html.contains(#"onerror=""#))
        #expect(!html.contains(#"onmouseover=""#))
        #expect(!html.contains("</td></tr><tr><td>Injected"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Injected row"))
        #expect(html.contains("{{csp}} {{{script}}} {{#redacted}}x{{/redacted}}"))  // values are never templates
        #expect(!html.unicodeScalars.contains { ReportText.isBidiControl($0) || $0 == "\u{07}" })
        #expect(html.contains("Mallory \u{FFFD}gnp.exe"))
        #expect(html.contains("Zoë 👩🏽‍💻 Ørsted 🇳🇴"))
        // The 10,000-character name is cut for the page (the workbook keeps it whole).
        #expect(!html.contains(String(repeating: "Lorem ipsum dolor sit amet consectetur adipiscing elit ", count: 4)))
        #expect(html.contains("…"))
    }

    @Test func cspAdmitsExactlyThePagesStyleAndScript() throws {
        let html = try Self.html(try ReportFixtures.sample())
        func hash(_ text: String) -> String {
            "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
        }
        func block(_ tag: String) throws -> String {
            let start = try #require(html.range(of: "<\(tag)>"))
            let end = try #require(html.range(of: "</\(tag)>", range: start.upperBound..<html.endIndex))
            return String(html[start.upperBound..<end.lowerBound])
        }
        #expect(html.contains("default-src &#39;none&#39;"))
        #expect(html.contains("style-src &#39;\(hash(try block("style")))&#39;"))
        #expect(html.contains("script-src &#39;\(hash(try block("script")))&#39;"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains(" style=\""))  // inline style attributes would need 'unsafe-inline'
    }

    @Test func candidateTableIsCappedWithANote() throws {
        let result = try ReportFixtures.hostile()
        let capped = try Self.html(result, options: .init(rowLimit: 5))
        #expect(capped.contains("first 5 of 18 rows. The workbook report.xlsx holds every row."))
        let table = try #require(capped.range(of: #"<table id="candidates-table""#))
        let body = capped[table.lowerBound...]
        let end = try #require(body.range(of: "</table>"))
        #expect(body[..<end.lowerBound].components(separatedBy: "<tr>").count - 1 == 1 + 5)
        let full = try Self.html(result)
        #expect(!full.contains("The workbook report.xlsx holds every row."))
    }

    @Test func pricedAndUnpricedHeadlines() throws {
        let priced = try Self.html(try ReportFixtures.pricedSample())
        #expect(priced.contains("EUR 51.44"))
        #expect(priced.contains("EUR 617.28"))
        #expect(priced.contains("<th>Monthly savings</th>"))
        #expect(priced.contains("EUR 15.75"))  // jira on acme
        #expect(priced.contains("Tempo Timesheets"))
        let unpriced = try Self.html(try ReportFixtures.sample())
        #expect(unpriced.contains("not priced (pass --pricing)"))
        #expect(!unpriced.contains("<th>Monthly savings</th>"))
    }

    @Test func redactedPageHasNoNames() throws {
        let result = try ReportFixtures.sample()
        let html = try Self.html(result, redact: true)
        for account in result.directory.accounts {
            #expect(!html.contains(HTMLEscaping.text(account.name)), "\(account.name)")
            #expect(!html.contains(account.email))
        }
        #expect(html.contains("names and e-mail addresses are pseudonyms"))
    }

    @Test func customTemplatesAreUsedAndStillEscaped() throws {
        var templates = HTMLTemplates.builtIn
        templates.page =
            "<ul>{{#candidates}}{{#rows}}<li>{{#cells}}{{{text}}}|{{text}};{{/cells}}</li>{{/rows}}{{/candidates}}</ul>"
        let html = try Self.html(try ReportFixtures.hostile(), options: .init(templates: templates))
        #expect(html.hasPrefix("<ul><li>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func templateErrorsNameTheFileAndLine() throws {
        var templates = HTMLTemplates.builtIn
        templates.page = "<p>\n{{#rows}}\n<b>{{/cells}}"
        templates.pageSource = "custom/report.html.mustache"
        let document = ReportDocument(try ReportFixtures.sample())
        do {
            _ = try HTMLReportRenderer.render(document, options: .init(templates: templates))
            Issue.record("a broken template rendered")
        } catch {
            #expect(error.location?.path == "custom/report.html.mustache")
            #expect((error.location?.line ?? 0) >= 2)
        }
    }
}
