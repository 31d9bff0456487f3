import Testing

@testable import SeatSweepKit

/// API dumps are read a page at a time: a top-level array's items reach the reader as each is
/// read, so a dump of a million users never sits in memory as one tree.
@Suite struct JSONParserTests {
    /// The values `forEachValue` passes on for `text`, and the error it ends with, if any.
    static func values(_ text: String) -> (values: [JSONValue], error: String?) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, range: 0..<buffer.count, path: "dump.json")
            var values: [JSONValue] = []
            do {
                try parser.forEachValue { values.append($0) }
                return (values, nil)
            } catch {
                return (values, String(describing: error))
            }
        }
    }

    @Test func aTopLevelArrayIsPassedOnItemByItem() {
        let (values, error) = Self.values(#"[{"a":1}, [2], "three"]"#)
        #expect(error == nil)
        #expect(values.count == 3)
        #expect(values.first?.object?["a"] == .number("1"))
        #expect(values.dropFirst().first == .array([.number("2")]), "nested arrays stay whole")
        #expect(values.last == .string("three"))
    }

    @Test func pagesBeforeABrokenOneAreReadFirst() {
        let (values, error) = Self.values("[{\"data\":[]},\n{\"data\":[]},\n{\"data\": oops}]")
        #expect(values.count == 2)
        #expect(error?.contains("dump.json:3") == true, "\(error ?? "no error")")
    }

    @Test func ndjsonAndSingleDocumentsAreValuesInTurn() {
        #expect(Self.values("{\"a\":1}\n{\"b\":2}\n").values.count == 2)
        #expect(Self.values("{\"a\":[1,2]}").values.count == 1)
        #expect(Self.values("[]").values.isEmpty)
        #expect(Self.values("  ").error?.contains("no JSON value") == true)
        #expect(Self.values("{},{}").error?.contains("unexpected ','") == true)
    }
}
