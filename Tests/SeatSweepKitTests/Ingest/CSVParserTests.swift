import Testing

@testable import SeatSweepKit

/// RFC 4180 details: quoting, doubled quotes, embedded line breaks, line ends, blank lines.
@Suite struct CSVParserTests {
    /// Parses `text` into rows of strings.
    func rows(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[String]] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = CSVParser(bytes: buffer, range: 0..<buffer.count, delimiter: delimiter, path: "t.csv")
            var out: [[String]] = []
            while try parser.next() { out.append((0..<parser.fields.count).map { parser.string($0) }) }
            return out
        }
    }

    @Test func plainAndQuotedFields() throws {
        #expect(try rows("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try rows("\"a,b\",\"say \"\"hi\"\"\",c") == [["a,b", "say \"hi\"", "c"]])
        #expect(try rows("a,,c\n,,\n") == [["a", "", "c"], ["", "", ""]])
        #expect(try rows("\"\"") == [[""]])
    }

    @Test func embeddedLineBreaksKeepLineNumbers() throws {
        let text = "h1,h2\n\"multi\nline\",x\nnext,y\n"
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer throws in
            var parser = CSVParser(bytes: buffer, range: 0..<buffer.count, delimiter: UInt8(ascii: ","), path: "t.csv")
            #expect(try parser.next())
            #expect(try parser.next())
            #expect(parser.string(0) == "multi\nline")
            #expect(parser.recordLine == 2)
            #expect(try parser.next())
            #expect(parser.string(0) == "next")
            #expect(parser.recordLine == 4)
        }
    }

    @Test(arguments: ["a,b\r\n1,2\r\n", "a,b\n1,2\n", "a,b\r1,2\r", "a,b\n1,2", "a,b\n\n1,2\n\n"])
    func lineEndsAndBlankLines(text: String) throws {
        #expect(try rows(text) == [["a", "b"], ["1", "2"]])
    }

    @Test func textAfterAClosingQuoteIsKept() throws {
        #expect(try rows("\"a\"b,c") == [["ab", "c"]])
    }

    @Test func unterminatedQuotePointsAtTheOpeningQuote() throws {
        do {
            _ = try rows("h1,h2\nok,\"never closed\nmore text\n")
            Issue.record("expected an error")
        } catch let error as SeatSweepError {
            #expect(error.location == SeatSweepKit.SourceLocation(path: "t.csv", line: 2, column: 4))
            #expect(error.message.contains("closing quote"))
            #expect(error.hint?.contains("doubled") == true)
        }
    }

    @Test(arguments: [("a;b;c\n", ";"), ("a\tb\tc\n", "\t"), ("a,b,c\n", ","), ("\"x;y\",b,c\n", ","), ("a\n", ",")])
    func sniffsTheDelimiterFromTheHeader(text: String, expected: String) {
        let bytes = Array(text.utf8)
        let sniffed = bytes.withUnsafeBufferPointer { CSVParser.sniffDelimiter($0, range: 0..<$0.count) }
        #expect(sniffed == UInt8(ascii: Unicode.Scalar(expected)!))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let text = "h1,h2,h3\nÉlodie,Łukasz,x\n"
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer throws in
            var parser = CSVParser(bytes: buffer, range: 0..<buffer.count, delimiter: UInt8(ascii: ","), path: "t.csv")
            _ = try parser.next()
            _ = try parser.next()
            #expect(parser.column(ofField: 2) == 15)
        }
    }
}

/// Random cells of delimiters, quotes, line breaks, spaces and multi-byte characters, quoted as
/// RFC 4180 says, always parse back to themselves (whatever falls on an 8-byte boundary).
@Suite struct CSVParserRoundTripTests {
    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09])
    func randomCellsRoundTrip(delimiter: UInt8) throws {
        var rng = SplitMix64(seed: 7 + UInt64(delimiter))
        let alphabet = ["a", "b", "Z", "é", "😀", ",", ";", "\t", "\"", "\n", "\r\n", " ", "0", "x"]
        for _ in 0..<300 {
            let rows = (0..<Int(rng.next() % 5 + 1)).map { _ in
                (0..<Int(rng.next() % 6 + 1)).map { _ in
                    (0..<Int(rng.next() % 30)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
                }
            }
            let d = String(UnicodeScalar(delimiter))
            let text =
                rows.map { row in
                    row.map { cell in
                        // Quote every cell that needs it; leading/trailing spaces are trimmed by the reader, so quote those too.
                        let needs =
                            cell.contains(d) || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
                            || cell.hasPrefix(" ") || cell.hasSuffix(" ") || cell.hasPrefix("\t")
                            || cell.hasSuffix("\t")
                        return needs ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                    }.joined(separator: d)
                }.joined(separator: "\n") + "\n"
            let parsed = try Array(text.utf8).withUnsafeBufferPointer { buffer throws in
                var parser = CSVParser(bytes: buffer, range: 0..<buffer.count, delimiter: delimiter, path: "r.csv")
                var out: [[String]] = []
                while try parser.next() { out.append((0..<parser.fields.count).map { parser.string($0) }) }
                return out
            }
            // A row of one empty cell is a blank line, which the reader skips.
            let expected = rows.filter { !($0.count == 1 && $0[0].isEmpty) }.map { row in
                row.map { cell in
                    var trimmed = Substring(cell)
                    if !(cell.contains(d) || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
                        || cell.hasPrefix(" ") || cell.hasSuffix(" ") || cell.hasPrefix("\t") || cell.hasSuffix("\t"))
                    {
                        trimmed = trimmed.drop { $0 == " " }
                    }
                    return String(trimmed)
                }
            }
            #expect(parsed == expected, "\(text.debugDescription)")
        }
    }
}
