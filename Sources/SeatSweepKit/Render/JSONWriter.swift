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
    public mutating func drain(into sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer(sink)
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
        DecimalDigits.with(value) { bytes.append(contentsOf: $0) }
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

    /// Writes a value from raw bytes (already valid JSON), placed like any other value.
    public mutating func rawValue(_ body: (inout [UInt8]) -> Void) {
        beforeValue()
        body(&bytes)
    }

    private mutating func writeString(_ value: String) {
        value.withUTF8Bytes { utf8 in
            bytes.append(UInt8(ascii: "\""))
            Self.escaping(utf8) { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Passes `utf8` to `emit` as the inside of a JSON string, escaped exactly as ECMAScript's
    /// `JSON.stringify` and Python's `json.dumps(..., ensure_ascii=False)` do: `"` `\\` and the
    /// short escapes `\b \f \n \r \t`, other C0 controls as `\u00xx`, everything else as UTF-8.
    /// So a plan's canonical form, and its digest, can be recomputed with any standard JSON
    /// library. Text that needs no escaping (nearly all) is passed whole.
    @inline(__always)
    static func escaping(_ utf8: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        let needsEscaping = ByteScan.contains(
            utf8, word: { x in ByteScan.below(x, 0x20) | ByteScan.equal(x, 0x22) | ByteScan.equal(x, 0x5C) },
            byte: { b in b < 0x20 || b == 0x22 || b == 0x5C })
        if needsEscaping { escaped(utf8, emit) } else { emit(utf8) }
    }

    @inline(never)
    private static func escaped(_ utf8: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        let hex = Array("0123456789abcdef".utf8)
        var plain = 0
        for (i, b) in utf8.enumerated() {
            let escape: [UInt8]
            switch b {
            case 0x22: escape = [0x5C, 0x22]
            case 0x5C: escape = [0x5C, 0x5C]
            case 0x08: escape = [0x5C, UInt8(ascii: "b")]
            case 0x0C: escape = [0x5C, UInt8(ascii: "f")]
            case 0x0A: escape = [0x5C, UInt8(ascii: "n")]
            case 0x0D: escape = [0x5C, UInt8(ascii: "r")]
            case 0x09: escape = [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: escape = [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: continue
            }
            emit(UnsafeBufferPointer(rebasing: utf8[plain..<i]))
            escape.withUnsafeBufferPointer(emit)
            plain = i + 1
        }
        emit(UnsafeBufferPointer(rebasing: utf8[plain...]))
    }

    /// Appends `value` as a JSON string (escaped as `escaping` says) to the buffer the plan's
    /// action lines are written into.
    static func appendString(_ value: String, to out: inout ByteBuffer) {
        value.withUTF8Bytes { utf8 in
            out.append(UInt8(ascii: "\""))
            escaping(utf8) { out.append($0) }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Appends a JSON string, or `null`.
    static func appendString(_ value: String?, to out: inout ByteBuffer) {
        if let value { appendString(value, to: &out) } else { out.append("null") }
    }

    /// Appends an integer, or `null`.
    static func appendInt(_ value: Int?, to out: inout ByteBuffer) {
        if let value { out.append(decimal: value) } else { out.append("null") }
    }
}
