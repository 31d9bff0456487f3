import ArgumentParser
import Foundation
import SeatSweepKit
import SeatSweepRemote

/// The options `apply` and `verify` share: where Atlassian is and which credentials to use.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Organisation id for suspend and restore-access (default: the plan's).")
    var org: String?

    @Option(
        name: .customLong("site-base-url"),
        help: "Site URL template; {site} is replaced by the site key (default: https://{site}.atlassian.net).")
    var siteBaseURL: String = AtlassianEndpoints.defaultSiteTemplate

    @Option(name: .customLong("admin-base-url"), help: "Admin API base URL (default: https://api.atlassian.com).")
    var adminBaseURL: String = AtlassianEndpoints.defaultAdminBase

    @Option(
        help: ArgumentHelp(
            "A file (mode 0600) with ATLASSIAN_EMAIL=, ATLASSIAN_API_TOKEN= and/or ATLASSIAN_ADMIN_API_KEY= lines; "
                + "used instead of the environment.", valueName: "file"))
    var credentials: String?

    @Option(help: "Requests in flight at once (1–16).")
    var concurrency = 4

    func validate() throws {
        guard (1...16).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 16") }
    }

    func endpoints() throws(SeatSweepError) -> AtlassianEndpoints {
        try AtlassianEndpoints(siteTemplate: siteBaseURL, adminBase: adminBaseURL)
    }

    /// `--org`, else the plan's organisation; a different `--org` than the plan's is refused.
    func orgId(for plan: Plan, path: String) throws(SeatSweepError) -> String? {
        if let org, let recorded = plan.source.orgId, !recorded.isEmpty, recorded != org {
            throw SeatSweepError(
                "--org \(TerminalText.safe(org, limit: 60)) is not the organisation the plan was audited for "
                    + "(\(TerminalText.safe(recorded, limit: 60)))",
                at: SourceLocation(path: path), hint: "drop --org, or audit the other organisation")
        }
        return org ?? plan.source.orgId
    }

    /// Credentials from `--credentials FILE`, else the environment.
    func loadCredentials() throws(SeatSweepError) -> AtlassianCredentials {
        if let credentials { return try CredentialsLoader.load(file: credentials) }
        return try CredentialsLoader.load(
            values: ProcessInfo.processInfo.environment, source: "the environment", location: nil)
    }

    /// Refuses to start when the approved actions need credentials that are missing.
    static func require(_ credentials: AtlassianCredentials, for actions: [PlanAction]) throws(SeatSweepError) {
        let needsSite = actions.contains { $0.kind == .removeProductAccess || $0.kind == .restoreGroups }
        let needsAdmin = actions.contains { $0.kind == .suspend || $0.kind == .restoreAccess }
        if needsSite, credentials.site == nil {
            throw SeatSweepError(
                "group changes need a user API token: ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN are not set; nothing was sent",
                hint: "create a token at id.atlassian.com > Security > API tokens and export both variables "
                    + "(or pass --credentials FILE)")
        }
        if needsAdmin, credentials.adminKey == nil {
            throw SeatSweepError(
                "suspensions need an organisation API key: ATLASSIAN_ADMIN_API_KEY is not set; nothing was sent",
                hint:
                    "create a key at admin.atlassian.com > Settings > API keys and export it (or pass --credentials FILE)"
            )
        }
    }
}

/// Reads credentials from the environment or a `NAME=value` file. Never prints a value: every
/// message names the variable or the line only.
enum CredentialsLoader {
    static let names = ["ATLASSIAN_EMAIL", "ATLASSIAN_API_TOKEN", "ATLASSIAN_ADMIN_API_KEY"]

    /// Reads a credentials file: it must be a regular file owned by you with no access for group
    /// or others (0600 or 0400). Lines are `NAME=value`; blank lines and `#` comments are ignored.
    static func load(file path: String) throws(SeatSweepError) -> AtlassianCredentials {
        let location = SourceLocation(path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SeatSweepError(
                "cannot open the credentials file (\(String(cString: strerror(errno))))", at: location)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw SeatSweepError("the credentials file is not a regular file", at: location)
        }
        guard info.st_uid == geteuid() else {
            throw SeatSweepError(
                "the credentials file belongs to another user; it is not used", at: location,
                hint: "keep credentials in a file you own, with mode 0600")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw SeatSweepError(
                "the credentials file can be read by others (mode \(String(mode, radix: 8))); it is not used",
                at: location, hint: "run `chmod 600 \(path)`")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw SeatSweepError("cannot read the credentials file", at: location) }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 65_536 { throw SeatSweepError("the credentials file is too large", at: location) }
        }
        var values: [String: String] = [:]
        var problems: [SeatSweepError] = []
        for (i, raw) in String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let here = SourceLocation(path: path, line: i + 1)
            guard let eq = line.firstIndex(of: "=") else {
                problems.append(SeatSweepError("expected NAME=value on this line", at: here))
                continue
            }
            var name = line[..<eq].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("export ") { name = String(name.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard names.contains(name) else {
                problems.append(
                    SeatSweepError(
                        "unknown name on this line", at: here, hint: "use " + names.joined(separator: ", ")))
                continue
            }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            values[name] = value
        }
        if !problems.isEmpty { throw SeatSweepError(collecting: problems) }
        return try load(values: values, source: "the credentials file", location: location)
    }

    /// Builds credentials from `NAME=value` pairs (the environment or a file's lines).
    static func load(values: [String: String], source: String, location: SourceLocation?) throws(SeatSweepError)
        -> AtlassianCredentials
    {
        func value(_ name: String) -> String? {
            guard let v = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        let email = value("ATLASSIAN_EMAIL")
        let token = value("ATLASSIAN_API_TOKEN")
        if (email == nil) != (token == nil) {
            throw SeatSweepError(
                "\(email == nil ? "ATLASSIAN_API_TOKEN" : "ATLASSIAN_EMAIL") is set in \(source) but "
                    + "\(email == nil ? "ATLASSIAN_EMAIL" : "ATLASSIAN_API_TOKEN") is not",
                at: location, hint: "site requests need both: the account's e-mail and its API token")
        }
        var site: AtlassianCredentials.Site?
        if let email, let token { site = AtlassianCredentials.Site(email: email, token: Secret(token)) }
        return AtlassianCredentials(site: site, adminKey: value("ATLASSIAN_ADMIN_API_KEY").map(Secret.init))
    }
}

/// stdout and stderr with every secret masked: the only way networked commands print.
struct MaskedConsole: Sendable {
    let masker: SecretMasker

    func out(_ text: String) { Console.out(masker.mask(text)) }
    func err(_ text: String) { Console.err(masker.mask(text)) }
}

/// The secrets a command has loaded, so its error printer can mask them.
final class LoadedSecrets: Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    nonisolated(unsafe) private var value = SecretMasker.none

    var masker: SecretMasker {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Remembers the credentials' secrets and returns a console that masks them.
    func remember(_ credentials: AtlassianCredentials) -> MaskedConsole {
        lock.lock()
        value = credentials.masker
        lock.unlock()
        return MaskedConsole(masker: credentials.masker)
    }
}

/// Runs a networked command body: a `SeatSweepError` is printed with secrets masked and exits 1.
func reportingErrors(masking secrets: LoadedSecrets, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SeatSweepError {
        Console.err(secrets.masker.mask(error.description))
        throw ExitCode.failure
    }
}
