import Crypto
import Foundation

/// One input file's bytes, as the command layer read them.
public struct InputFile: Sendable {
    /// The path as the user gave it; used in every message and in the summary.
    public var path: String
    public var data: Data

    public init(path: String, data: Data) {
        self.path = path
        self.data = data
    }
}

/// Ingest: input files → `Directory`. Reads every file, merges accounts by id, then applies
/// evidence that refers to accounts from other files (last-active-dates, adminhub presence).
public struct Ingestor: Sendable {
    /// Day/month order for numeric dates, from `--date-format`; nil to prove it from each file.
    public var dateOrder: NumericDateOrder?
    /// Threads a large CSV may be read with (the command layer passes the core count).
    public var parallelism: Int
    /// Below this many bytes of rows a file is read on one thread.
    public var parallelThreshold: Int
    /// Told how far reading has come (bytes of each file).
    public var progress: ProgressHandler?
    /// Told as each phase of reading a file ends (`validate`, `parse`, `hash`), for profiling.
    public var phaseEnded: (@Sendable (String) -> Void)?

    public init(dateOrder: NumericDateOrder? = nil, parallelism: Int = 1, parallelThreshold: Int = 4 << 20) {
        self.dateOrder = dateOrder
        self.parallelism = parallelism
        self.parallelThreshold = parallelThreshold
    }

    public func run(_ files: [InputFile], diagnostics: inout DiagnosticLog) throws(SeatSweepError) -> Directory {
        var (directory, hashing) = try read(files, diagnostics: &diagnostics)
        directory.setHashes(hashing.wait())
        phaseEnded?("hash")
        return directory
    }

    /// Reads the inputs as `run` does, but leaves their SHA-256 (`InputSummary.sha256`) empty
    /// and to the task returned, for the caller to wait for when it needs them: the hash of a
    /// large file still runs when the readers are done, and can fill the cores the next stage
    /// leaves idle instead of holding it up.
    func read(_ files: [InputFile], diagnostics: inout DiagnosticLog) throws(SeatSweepError) -> (
        Directory, DeferredTask<[String]>
    ) {
        var inputs: [InputSummary] = []
        var merged = AccountCollector()
        var patches: [APIDumpReader.EvidencePatch] = []
        var orgId: String?
        var fetchedAt: Timestamp?
        // The inputs' SHA-256 is computed on a thread of its own, started when reading first
        // leaves a core idle (a file read on one thread, or the first of two reader threads done
        // with its half while the other finishes and the halves are joined): it fills that core
        // instead of slowing the readers down.
        // The task lets go of the files once hashed: for a large export, the last reference to
        // its mapped bytes, which are then unmapped on that thread.
        let hashing = DeferredTask { files.map { Self.sha256Hex($0.data) } }
        for (index, file) in files.enumerated() {
            let read = try readOne(file, index: index, coreIdle: hashing.start, diagnostics: &diagnostics)
            phaseEnded?("parse")
            inputs.append(
                InputSummary(
                    path: file.path, sha256: "", layout: read.layout, rows: read.rows,
                    accounts: read.collector.count))
            let paths = inputs.map(\.path)
            merged.absorb(
                read.collector, diagnostics: &diagnostics,
                describe: { "\(paths[Int($0.input)]):\($0.line)" },
                location: { SourceLocation(path: paths[Int($0.input)], line: Int($0.line), column: 1) })
            patches += read.patches
            orgId = orgId ?? read.orgId
            if let t = read.fetchedAt { fetchedAt = max(fetchedAt ?? t, t) }
        }
        var accounts = merged.accounts
        Self.apply(patches, to: &accounts, diagnostics: &diagnostics)
        return (Directory(inputs: inputs, accounts: accounts, orgId: orgId, fetchedAt: fetchedAt), hashing)
    }

    /// How one file is read.
    struct ReadOptions {
        var parallelism: Int
        var parallelThreshold: Int
        var progress: ProgressHandler?
        var total: Int
        /// Told when reading leaves a core idle.
        var coreIdle: (@Sendable () -> Void)?
    }

    struct ReadResult {
        var layout: String
        var rows: Int
        var collector: AccountCollector
        var patches: [APIDumpReader.EvidencePatch] = []
        var orgId: String?
        var fetchedAt: Timestamp?
    }

    private func readOne(
        _ file: InputFile, index: Int, coreIdle: @escaping @Sendable () -> Void, diagnostics: inout DiagnosticLog
    ) throws(SeatSweepError) -> ReadResult {
        let order = dateOrder
        let phase = phaseEnded
        let threads = ReadOptions(
            parallelism: parallelism, parallelThreshold: parallelThreshold, progress: progress, total: file.data.count,
            coreIdle: coreIdle)
        let outcome: Result<ReadResult, SeatSweepError> = file.data.withUnsafeBytes { raw in
            do throws(SeatSweepError) {
                let decoded = try TextDecoder.decode(raw, path: file.path, parallelism: threads.parallelism)
                phase?("validate")
                if let transcoded = decoded.transcoded {
                    return .success(
                        try transcoded.withUnsafeBufferPointer { buffer throws(SeatSweepError) in
                            try Self.parse(
                                buffer, range: 0..<buffer.count, path: file.path, index: index, order: order,
                                threads: threads,
                                diagnostics: &diagnostics)
                        })
                }
                let buffer = raw.bindMemory(to: UInt8.self)
                return .success(
                    try Self.parse(
                        buffer, range: decoded.offset..<buffer.count, path: file.path, index: index, order: order,
                        threads: threads,
                        diagnostics: &diagnostics))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, path: String, index: Int, order: NumericDateOrder?,
        threads: ReadOptions, diagnostics: inout DiagnosticLog
    ) throws(SeatSweepError) -> ReadResult {
        var first = range.lowerBound
        while first < range.upperBound, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[first]) { first += 1 }
        if first < range.upperBound, buffer[first] == UInt8(ascii: "{") || buffer[first] == UInt8(ascii: "[") {
            threads.coreIdle?()  // an API dump is read on one thread
            var parser = JSONParser(bytes: buffer, range: range, path: path)
            var reader = APIDumpReader(path: path, inputIndex: index)
            let result = try reader.read(&parser, diagnostics: &diagnostics)
            threads.progress?("reading \(path)", range.count, range.count)
            return ReadResult(
                layout: result.layout, rows: result.rows, collector: result.collector, patches: result.patches,
                orgId: result.orgId, fetchedAt: result.fetchedAt)
        }
        var reader = CSVExportReader(
            bytes: buffer, range: range, path: path, inputIndex: index, dateOrder: order,
            parallelism: threads.parallelism, parallelThreshold: threads.parallelThreshold)
        reader.progress = threads.progress
        reader.coreIdle = threads.coreIdle
        // Read on one thread: the other core is idle from the start.
        if threads.parallelism < 2 || range.count < threads.parallelThreshold { threads.coreIdle?() }
        let result = try reader.read(diagnostics: &diagnostics)
        return ReadResult(layout: result.layout.rawValue, rows: result.rows, collector: result.collector)
    }

    /// Applies last-active-dates and presence evidence to the merged accounts.
    ///
    /// A last-active-dates entry matches a seat of the same product whose site is the entry's
    /// product instance id, or the account's only seat of that product. A seat the response
    /// covers but does not list was never used.
    static func apply(
        _ patches: [APIDumpReader.EvidencePatch], to accounts: inout [Account], diagnostics: inout DiagnosticLog
    ) {
        guard !patches.isEmpty else { return }
        var index: [String: Int] = [:]
        for (i, account) in accounts.enumerated() { index[account.id] = i }
        for patch in patches {
            guard let i = index[patch.accountId] else {
                diagnostics.append(
                    Diagnostic(
                        .warning, "evidence-without-user",
                        "activity for account \(patch.accountId) but no user record for it in the inputs; ignored "
                            + "(add the users page or export that lists this account)", at: patch.location))
                continue
            }
            switch patch.kind {
            case .presence(let presence):
                for s in accounts[i].seats.indices {
                    let merged = LastActive.mostRecent(accounts[i].seats[s].lastActive, presence, asOf: nil)
                    if merged != accounts[i].seats[s].lastActive {
                        accounts[i].seats[s].lastActive = merged
                        accounts[i].seats[s].evidence = patch.ref
                    }
                }
            case .lastActiveDates(let entries, let added):
                if accounts[i].addedToOrg == nil, let added { accounts[i].addedToOrg = .on(added) }
                for s in accounts[i].seats.indices {
                    let seat = accounts[i].seats[s]
                    let sameProduct = entries.filter { $0.product == seat.product }
                    let exact = sameProduct.filter { !$0.instance.isEmpty && $0.instance.lowercased() == seat.site }
                    let onlySeat = accounts[i].seats.filter { $0.product == seat.product }.count == 1
                    var evidence: LastActive?
                    if let match = exact.first {
                        evidence = match.day.map(LastActive.on) ?? .never
                    } else if onlySeat {
                        let days = sameProduct.compactMap(\.day)
                        evidence = days.max().map(LastActive.on) ?? .never
                    } else if !sameProduct.isEmpty {
                        diagnostics.append(
                            Diagnostic(
                                .warning, "ambiguous-last-active",
                                "account \(patch.accountId) has several \(seat.product) seats and the last-active-dates "
                                    + "entries name none of their sites; left as they were", at: patch.location))
                    } else {
                        evidence = .never
                    }
                    if let evidence {
                        let merged = LastActive.mostRecent(seat.lastActive, evidence, asOf: nil)
                        if merged != seat.lastActive {
                            accounts[i].seats[s].lastActive = merged
                            accounts[i].seats[s].evidence = patch.ref
                        }
                    }
                }
            }
        }
    }

    /// SHA-256 of `data`, lower-case hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
