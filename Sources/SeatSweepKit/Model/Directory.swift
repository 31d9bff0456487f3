/// Everything the inputs say about the organisation, merged by account id: the output of ingest.
public struct Directory: Sendable {
    /// The inputs in command-line order; `SourceRef.input` indexes this list.
    public var inputs: [InputSummary]
    /// Accounts in the order first seen (command-line order, then file order).
    public var accounts: [Account]
    /// The organisation id, when an API dump names it.
    public var orgId: String?
    /// When the API dump was fetched, if it says; the default audit date.
    public var fetchedAt: Timestamp?

    public init(inputs: [InputSummary], accounts: [Account], orgId: String? = nil, fetchedAt: Timestamp? = nil) {
        self.inputs = inputs
        self.accounts = accounts
        self.orgId = orgId
        self.fetchedAt = fetchedAt
    }

    /// Fills in the inputs' SHA-256, in input order.
    mutating func setHashes(_ hashes: [String]) {
        for (i, sha256) in hashes.enumerated() { inputs[i].sha256 = sha256 }
    }

    /// The path of the input a piece of evidence came from.
    public func path(of ref: SourceRef) -> String { inputs[Int(ref.input)].path }
}

/// One input file as the summary and plan record it.
public struct InputSummary: Sendable, Hashable {
    /// The path as given on the command line.
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// The detected layout (`directory`, `api-v2-search`, ...).
    public var layout: String
    /// Data records read (CSV rows after the header, or JSON user objects).
    public var rows: Int
    /// Distinct accounts in this input.
    public var accounts: Int

    public init(path: String, sha256: String, layout: String, rows: Int, accounts: Int) {
        self.path = path
        self.sha256 = sha256
        self.layout = layout
        self.rows = rows
        self.accounts = accounts
    }
}
