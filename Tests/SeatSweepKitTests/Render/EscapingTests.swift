import Foundation
import Testing

@testable import SeatSweepKit

/// Hostile names stay inert in every text format seatsweep writes itself.
@Suite struct EscapingTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""), ("+1", "'+1"), ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("plain", "plain"), ("a,b", "\"a,b\""),
        ("line\nbreak", "\"line\nbreak\""),
        ("Zoë", "Zoë"), ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"), ("！x", "！x"),
        ("\rx", "\"'\rx\""), ("", ""), ("x=1", "x=1"), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"\"", "\"\"\"\"\"\""), ("\"", "\"\"\"\""),
        ("a longer field, with \"two\" quotes\"", "\"a longer field, with \"\"two\"\" quotes\"\"\""),
    ])
    func csvFields(input: String, expected: String) {
        #expect(CSVEscaping.field(input) == expected)
    }

    @Test func jsonStrings() throws {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.member("a", "quote\" backslash\\ nl\n bell\u{7} bs\u{8} ff\u{c} us\u{1f} ls\u{2028} </script>")
        w.endObject()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(
            text == "{\"a\":\"quote\\\" backslash\\\\ nl\\n bell\\u0007 bs\\b ff\\f us\\u001f ls\u{2028} </script>\"}")
        let parsed = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: String]
        #expect(parsed?["a"] == "quote\" backslash\\ nl\n bell\u{7} bs\u{8} ff\u{c} us\u{1f} ls\u{2028} </script>")
    }

    /// The plan's action lines are written through a byte buffer: the same escaping, with
    /// escapes at either end and back to back.
    @Test(arguments: ["\"", "\n\"x\\", "plain", "", "a\u{1}\u{2}b\t", "é\"ü\u{1f}", "Zoë \"Z\" Ünal\r\n"])
    func jsonStringsInBuffers(text: String) throws {
        var w = JSONWriter(pretty: false)
        w.string(text)
        var buffer = ByteBuffer()
        JSONWriter.appendString(text, to: &buffer)
        #expect(buffer.bytes == w.bytes)
        let parsed = try JSONSerialization.jsonObject(with: Data(buffer.bytes), options: .fragmentsAllowed) as? String
        #expect(parsed == text)
    }

    @Test func usersCSVNeutralisesFormulaNames() throws {
        let csv = """
            User id,User name,email,User status,Added to org,Org role,Last seen in Jira - acme,Jira - acme
            u1,"=cmd|' /C calc'!A0",@evil.example,Active,1 Jan 2020,None,1 Jan 2026,User
            """
        let r = try TestSupport.audit([("h.csv", csv)])
        var out: [UInt8] = []
        UsersCSVRenderer.render(ReportDocument(r)) { out += $0 }
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains("'=cmd|' /C calc'!A0"))
        #expect(text.contains(",'@evil.example,"))
        #expect(!text.contains(",=cmd"))
        #expect(out.starts(with: [0xEF, 0xBB, 0xBF]))
    }
}
