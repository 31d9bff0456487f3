import Testing

@testable import SeatSweepKit

/// The libxml2 streaming writer: escaping, illegal characters, streaming output.
@Suite struct XMLStreamWriterTests {
    @Test func escapesAndReplacesIllegalCharacters() throws {
        let w = try XMLStreamWriter()
        w.startDocument()
        w.start("r")
        w.attribute("a", "q\"<&>\u{07}")
        w.element("t", "x<y & z>\u{0}\u{FFFE}\u{1B}ok")
        w.end()
        w.endDocument()
        try w.finish("test")
        let text = ReportFixtures.string(w.take())
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#))
        #expect(text.contains(#"<r a="q&quot;&lt;&amp;&gt;\#u{FFFD}">"#))
        #expect(text.contains("<t>x&lt;y &amp; z&gt;\u{FFFD}\u{FFFD}\u{FFFD}ok</t>"))
        #expect(!text.unicodeScalars.contains { !XMLText.isAllowed($0) })
    }

    @Test func outputStreamsInPieces() throws {
        let w = try XMLStreamWriter()
        w.startDocument()
        w.start("rows")
        var chunks: [[UInt8]] = []
        for i in 0..<2_000 {
            w.element("row", String(repeating: "x", count: 100) + String(i))
            if i % 500 == 499 { try w.drain { chunks.append(Array($0)) } }
        }
        w.end()
        w.endDocument()
        try w.drain { chunks.append(Array($0)) }
        #expect(chunks.count >= 4)
        let whole = chunks.joined()
        #expect(SchemaValidator.isWellFormed(Array(whole)))
        #expect(ReportFixtures.string(Array(whole)).hasSuffix("</rows>\n"))
    }

    /// `raw` pieces are gathered and written in one call; the bytes are as if written one by one.
    @Test func gatheredMarkupKeepsItsPlace() throws {
        let w = try XMLStreamWriter()
        w.start("a")
        w.attribute("k", "v")
        w.raw("x")
        w.raw(token: "B12")
        w.newline()
        w.start("b")
        w.end()
        w.raw("<c>")
        w.text("1 < 2")
        w.raw("</c>")
        w.start("d")
        w.newline()
        w.end()
        w.end()
        try w.finish("test")
        #expect(ReportFixtures.string(w.take()) == "<a k=\"v\">xB12\n<b/><c>1 &lt; 2</c><d>\n</d></a>")
    }

    /// Text with nothing to escape joins the gathered markup as it is; the bytes are exactly
    /// what libxml2's escaping writes, for plain and hostile values alike (and an empty value
    /// still closes its start tag, `<t></t>`).
    @Test func plainTextIsWhatLibxml2Writes() throws {
        var random = SplitMix64(seed: 7)
        let pieces = [
            "a", "Zoë", "O'Brien", "  ", "=1+2", "x<y", "&amp;", "\"q\"", ">", "\r", "\n", "\t", "\u{7}", "\u{FFFE}",
            "\u{FF1D}", "😀", "\u{202E}", "", "\u{0}",
        ]
        var values = [""] + pieces
        for _ in 0..<2_000 {
            let count = Int(random.next() % 6)
            values.append((0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        var plain = 0
        for value in values {
            let fast = try XMLStreamWriter()
            let slow = try XMLStreamWriter()
            for (w, escaped) in [(fast, false), (slow, true)] {
                // Right after a start tag, and inside gathered markup.
                w.start("t")
                if escaped { w.escapedText(value) } else { w.text(value) }
                w.end()
                w.start("u")
                w.raw("<v>")
                if escaped { w.escapedText(value) } else { w.text(value) }
                w.raw("</v>")
                w.end()
                try w.finish("test")
            }
            #expect(fast.take() == slow.take(), "\(value.unicodeScalars.map { $0.value })")
            if XMLText.isPlain(value) { plain += 1 }
        }
        #expect(plain > 100 && plain < values.count - 100)
    }
}
