/// Scratch storage for one workbook part's compressed bytes while it is generated: a ZIP entry's
/// sizes must be known before its data, so each part is written here once, then copied into the
/// archive.
///
/// The command layer uses a temporary file (`seatsweep`'s `FileSpool`), so a million-row sheet
/// never sits in memory; tests use `MemorySpool`.
public protocol XLSXSpool: AnyObject {
    /// Empties the spool for the next part.
    func reset() throws
    /// Appends bytes at the end.
    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws
    /// Bytes held.
    var size: Int64 { get }
    /// Up to `count` bytes starting at `offset`.
    func read(at offset: Int64, count: Int) throws -> [UInt8]
}

/// A spool in memory, for tests and small workbooks.
public final class MemorySpool: XLSXSpool {
    private var bytes: [UInt8] = []

    public init() {}

    public func reset() { bytes.removeAll(keepingCapacity: true) }

    public func append(_ chunk: UnsafeBufferPointer<UInt8>) { bytes += chunk }

    public var size: Int64 { Int64(bytes.count) }

    public func read(at offset: Int64, count: Int) -> [UInt8] {
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + count)])
    }
}
