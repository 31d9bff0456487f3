/// A place in an input file, for diagnostics and errors: `path:line:column`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based line, or 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column in characters, or 0 when unknown.
    public var column: Int

    public init(path: String, line: Int = 0, column: Int = 0) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path`, `path:line` or `path:line:column`, as compilers print it.
    public var description: String {
        guard line > 0 else { return path }
        return column > 0 ? "\(path):\(line):\(column)" : "\(path):\(line)"
    }
}

/// A compact reference to the line of an input that gave a piece of evidence.
///
/// Kept per seat, so it is an index into the audit's input list rather than a path.
public struct SourceRef: Hashable, Sendable {
    /// Index into `Directory.inputs`.
    public var input: Int32
    /// 1-based line of the record (for JSON, the line where the object starts).
    public var line: Int32

    public init(input: Int, line: Int) {
        self.input = Int32(input)
        self.line = Int32(clamping: line)
    }
}
