/// A JSON value read from an input, objects remembering the line they start on.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text as written, so nothing is lost to floating point.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value as text: strings as they are, numbers and booleans as written.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

/// A JSON object: members in document order and the line of its opening brace.
public struct JSONObject: Sendable, Equatable {
    public var line: Int
    public var members: [(String, JSONValue)]

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.line == b.line && a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// The first member named `key`.
    public subscript(key: String) -> JSONValue? {
        for (name, value) in members where name == key { return value }
        return nil
    }

    /// The first member among `keys` that is present and not null.
    public func first(_ keys: String...) -> JSONValue? {
        for key in keys {
            if let value = self[key], value != .null { return value }
        }
        return nil
    }

    public func has(_ key: String) -> Bool { self[key] != nil }
}

/// Parses JSON text (RFC 8259), or a sequence of JSON values (NDJSON), with line numbers.
public struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let path: String
    private var i: Int
    private let end: Int
    private var line = 1
    private var lineStart: Int
    private var depth = 0

    public init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, path: String) {
        self.bytes = bytes
        self.path = path
        self.i = range.lowerBound
        self.end = range.upperBound
        self.lineStart = range.lowerBound
    }

    /// Calls `body` with every top-level value as it is read, and with a top-level array's
    /// items one by one instead of the array: an API dump is an array of pages, and no page then
    /// outlives its visit (the whole tree of a large dump took several times the file's size).
    public mutating func forEachValue(_ body: (JSONValue) throws(SeatSweepError) -> Void) throws(SeatSweepError) {
        skipWhitespace()
        guard i < end else { throw error("the file holds no JSON value", hint: "pass a JSON API dump or a CSV export") }
        while i < end {
            if bytes[i] == UInt8(ascii: "[") {
                try forEachItem(body)
            } else {
                try body(try parseValue())
            }
            skipWhitespace()
            if i < end, bytes[i] == UInt8(ascii: ",") {
                throw error(
                    "unexpected ',' after a complete JSON value", hint: "NDJSON holds one value per line without commas"
                )
            }
        }
    }

    private mutating func skipWhitespace() {
        while i < end {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A:
                i += 1
                line += 1
                lineStart = i
            default: return
            }
        }
    }

    private func error(_ message: String, hint: String = "the dump may be truncated or edited by hand; fetch it again")
        -> SeatSweepError
    {
        var column = 1
        var k = lineStart
        while k < min(i, end) {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return SeatSweepError(
            "invalid JSON: \(message)", at: SourceLocation(path: path, line: line, column: column), hint: hint)
    }

    private mutating func parseValue() throws(SeatSweepError) -> JSONValue {
        skipWhitespace()
        guard i < end else { throw error("the text ends where a value was expected") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SeatSweepError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= end else { throw error("unexpected end of text") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { throw error("unknown literal") }
        i += count
    }

    private mutating func enter() throws(SeatSweepError) {
        depth += 1
        if depth > 512 { throw error("nesting deeper than 512 levels") }
    }

    private mutating func parseObject() throws(SeatSweepError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        let startLine = line
        i += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if i < end, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(JSONObject(line: startLine, members: members))
        }
        while true {
            skipWhitespace()
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let key = try parseString()
            skipWhitespace()
            guard i < end, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after member name") }
            i += 1
            members.append((key, try parseValue()))
            skipWhitespace()
            guard i < end else { throw error("the text ends inside an object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(JSONObject(line: startLine, members: members))
            }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray() throws(SeatSweepError) -> JSONValue {
        var items: [JSONValue] = []
        try forEachItem { items.append($0) }
        return .array(items)
    }

    /// Reads the array that starts here, calling `body` with each item as it is read.
    private mutating func forEachItem(_ body: (JSONValue) throws(SeatSweepError) -> Void) throws(SeatSweepError) {
        try enter()
        defer { depth -= 1 }
        i += 1
        skipWhitespace()
        if i < end, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return
        }
        while true {
            try body(try parseValue())
            skipWhitespace()
            guard i < end else { throw error("the text ends inside an array") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return
            }
            throw error("expected ',' or ']' in an array")
        }
    }

    private mutating func parseNumber() throws(SeatSweepError) -> JSONValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < end, let b = Optional(bytes[i]),
            (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || ((b == UInt8(ascii: "+") || b == UInt8(ascii: "-")) && (bytes[i - 1] | 0x20) == UInt8(ascii: "e"))
        {
            if b >= 0x30 && b <= 0x39 { digits += 1 }
            i += 1
        }
        guard digits > 0 else { throw error("a number without digits") }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
    }

    private mutating func parseString() throws(SeatSweepError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("a control character inside a string (strings cannot span lines)") }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw error("a control character inside a string (strings cannot span lines)") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw error("an unpaired surrogate in a \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("an unpaired surrogate in a \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("an unpaired surrogate in a \\u escape")
                }
                UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
            default: throw error("an unknown escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        throw error("the text ends inside a string")
    }

    private mutating func hex4() throws(SeatSweepError) -> UInt32 {
        guard i + 4 <= end else { throw error("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i] | 0x20
            let digit: UInt8
            if b >= 0x30 && b <= 0x39 {
                digit = b - 0x30
            } else if b >= 0x61 && b <= 0x66 {
                digit = b - 0x61 + 10
            } else {
                throw error("a bad hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }
}
