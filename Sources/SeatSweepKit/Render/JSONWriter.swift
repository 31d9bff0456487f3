/// A streaming JSON writer: the one place seatsweep turns values into JSON text.
///
/// Callers write object members in sorted key order; debug builds check that they do, so every
/// file seatsweep writes has sorted keys and a canonical compact form for digests. Output
/// accumulates in `bytes`; long writers hand it to a sink with `drain(into:)` as they go.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Indent with two spaces and put members on their own lines.
    public let pretty: Bool
    private var depth = 0
    /// Per open container: whether it has a first element yet, and (objects) the previous key.
    private var stack: [(hasElement: Bool, lastKey: String?, isObject: Bool)] = []
    private var afterKey = false

    public init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    /// Moves the accumulated bytes to `sink` and clears the buffer.
    public mutating func drain(into sink: (ArraySlice<UInt8>) throws -> Void) rethrows {
        try sink(bytes[...])
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        guard !stack.isEmpty else { return }
        if stack[stack.count - 1].hasElement { bytes.append(UInt8(ascii: ",")) }
        stack[stack.count - 1].hasElement = true
        newline()
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    public mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        stack.append((false, nil, true))
        depth += 1
    }

    public mutating func endObject() {
        let top = stack.removeLast()
        depth -= 1
        if top.hasElement { newline() }
        bytes.append(UInt8(ascii: "}"))
        if stack.isEmpty, pretty { bytes.append(0x0A) }
    }

    public mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        stack.append((false, nil, false))
        depth += 1
    }

    public mutating func endArray() {
        let top = stack.removeLast()
        depth -= 1
        if top.hasElement { newline() }
        bytes.append(UInt8(ascii: "]"))
        if stack.isEmpty, pretty { bytes.append(0x0A) }
    }

    /// Writes a member name. Names must come in ascending (byte-wise) order within an object.
    public mutating func key(_ name: String) {
        assert(stack.last?.isObject == true, "key outside an object")
        if let last = stack[stack.count - 1].lastKey {
            assert(last.utf8.lexicographicallyPrecedes(name.utf8), "JSON keys out of order: '\(last)' before '\(name)'")
        }
        beforeValue()
        stack[stack.count - 1].lastKey = name
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(0x20) }
        afterKey = true
    }

    public mutating func string(_ value: String) {
        beforeValue()
        writeString(value)
    }

    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func int(_ value: Int) {
        beforeValue()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == Int.min {
                bytes.append(contentsOf: "9223372036854775808".utf8)
                return
            }
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    public mutating func bool(_ value: Bool) {
        beforeValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        beforeValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A number already formatted as JSON (decimal money amounts).
    public mutating func number(literal text: String) {
        beforeValue()
        bytes.append(contentsOf: text.utf8)
    }

    /// A list of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Member helpers: `key` then value.
    public mutating func member(_ name: String, _ value: String?) { key(name); string(value) }
    public mutating func member(_ name: String, _ value: Int?) { key(name); int(value) }
    public mutating func member(_ name: String, _ value: Bool) { key(name); bool(value) }
    public mutating func member(_ name: String, _ values: [String]) { key(name); strings(values) }

    /// JSON string escaping: quote, backslash and C0 controls; U+2028/2029 escaped too so the
    /// output is also safe to embed in a script.
    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var needsEscape = false
        for b in value.utf8 where b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 {
            needsEscape = true
            break
        }
        if !needsEscape {
            bytes.append(contentsOf: value.utf8)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": bytes.append(contentsOf: #"\""#.utf8)
                case "\\": bytes.append(contentsOf: #"\\"#.utf8)
                case "\n": bytes.append(contentsOf: #"\n"#.utf8)
                case "\r": bytes.append(contentsOf: #"\r"#.utf8)
                case "\t": bytes.append(contentsOf: #"\t"#.utf8)
                case "\u{2028}": bytes.append(contentsOf: #"\u2028"#.utf8)
                case "\u{2029}": bytes.append(contentsOf: #"\u2029"#.utf8)
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                    } else {
                        UTF8.encode(scalar) { bytes.append($0) }
                    }
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
