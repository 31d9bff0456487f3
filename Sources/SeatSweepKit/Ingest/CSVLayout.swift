/// The exported-users CSV layouts Atlassian has shipped (atlassian-data.md §1).
public enum CSVLayout: String, Sendable, CaseIterable {
    /// ≤2018 site exports: `group_name,username,full_name,email,active,created,...`.
    case legacySite = "legacy-site"
    /// ~2019–2021: `id,email,full_name,active,created,...`.
    case transitional
    /// Since September 2021: `User id,User name,email,User status,Added to org,Org role,...`,
    /// optionally led by `Group id,Group name` with one row per (user, group).
    case directory
    /// "Export accounts" from Domains: `Name,Email,Atlassian ID,Status,Last active date [UTC],...`.
    case managedAccounts = "managed-accounts"

    /// Columns that must be present once the layout is recognised.
    var requiredColumns: [String] {
        switch self {
        case .legacySite: return ["username", "email", "active"]
        case .transitional: return ["id", "email", "active"]
        case .directory: return ["User id", "User name", "email", "User status"]
        case .managedAccounts: return ["Atlassian ID", "Email", "Status"]
        }
    }

    /// The column whose presence identifies the layout.
    var identityColumn: String {
        switch self {
        case .legacySite: return "username"
        case .transitional: return "id"
        case .directory: return "User id"
        case .managedAccounts: return "Atlassian ID"
        }
    }

    /// Recognises a layout from lower-cased, trimmed header names.
    static func detect(_ lower: Set<String>) -> CSVLayout? {
        if lower.contains("atlassian id") { return .managedAccounts }
        if lower.contains("user id") { return .directory }
        if lower.contains("username") { return .legacySite }
        if lower.contains("id"), lower.contains("email") || lower.contains("full_name") { return .transitional }
        return nil
    }

    /// Product names seen in export headers; any other name is still read, with a warning.
    static let knownProducts: Set<String> = [
        "jira", "jira software", "jira work management", "jira core", "jira service management",
        "jira service desk", "confluence", "bitbucket", "jira product discovery", "compass", "assets", "atlas",
        "goals", "projects", "rovo", "loom", "trello", "opsgenie", "statuspage", "stride", "jira align",
        "atlassian guard", "customer service management", "focus", "talent", "atlassian analytics",
    ]
}
