import Foundation

/// Starts the kernel writing part of a file to disk without waiting for it. Output files are
/// flushed with fsync before they are renamed into place; left alone, the kernel writes a
/// multi-gigabyte report only at that fsync (its background write-back starts at a tenth of
/// memory), so the run ends waiting for the disk. Started as the file grows, the fsync waits
/// for the last few megabytes.
public enum WriteBack {
    typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    /// glibc's `sync_file_range`, looked up at run time: Swift's Glibc module leaves it out (a
    /// GNU extension). Nil on other systems.
    static let syncFileRange: SyncFileRange? = {
        #if os(Linux)
            dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range").map {
                unsafeBitCast($0, to: SyncFileRange.self)
            }
        #else
            nil
        #endif
    }()

    /// Starts writing `count` bytes of `fd` from `offset` (`SYNC_FILE_RANGE_WRITE`). Returns the
    /// call's result (0, or -1 with `errno`), or nil where there is no such call; either way
    /// the data is safe once the file is fsynced.
    @discardableResult
    public static func start(_ fd: Int32, from offset: Int, count: Int) -> Int32? {
        syncFileRange?(fd, Int64(offset), Int64(count), 2)
    }
}
