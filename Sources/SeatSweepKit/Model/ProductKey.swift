import Foundation

/// The naming rules for products and sites (design.md §3).
public enum ProductKey {
    /// The product key for a name as it appears in an export header.
    ///
    /// `Jira Software` → `jira`, `Jira Service Desk` → `jira-service-management`,
    /// `Jira Product Discovery` → `jira-product-discovery`.
    public static func fromDisplayName(_ name: String) -> String {
        let trimmed = name.trimmingSpaces
        switch trimmed.lowercased() {
        case "jira", "jira software": return "jira"
        case "jira work management", "jira core": return "jira-work-management"
        case "jira service management", "jira service desk": return "jira-service-management"
        case "confluence": return "confluence"
        default:
            return trimmed.lowercased().split(whereSeparator: { $0 == " " }).joined(separator: "-")
        }
    }

    /// The product key for an admin-API product key (`jira-software` → `jira`).
    public static func fromAPIKey(_ key: String) -> String {
        switch key.lowercased() {
        case "jira-software", "jira": return "jira"
        case "jira-servicedesk", "jira-service-desk", "jira-service-management": return "jira-service-management"
        case "jira-core", "jira-work-management": return "jira-work-management"
        default: return key.lowercased()
        }
    }

    /// Products whose Jira-wide activity column (`Last active in Jira`) is their evidence
    /// when an export has no column of their own.
    public static let jiraFamily: Set<String> = ["jira", "jira-work-management", "jira-service-management"]

    /// Products whose exports use a single display name for the family.
    public static func isJiraFamily(_ key: String) -> Bool { jiraFamily.contains(key) }
}

/// Site keys: the subdomain of `<site>.atlassian.net`, lower-cased.
public enum SiteKey {
    /// `https://Acme.atlassian.net/wiki` → `acme`; `jira.example.com` → `jira.example.com`.
    public static func fromURL(_ url: String) -> String {
        var text = Substring(url.trimmingSpaces)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let slash = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { text = text[..<slash] }
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        if let colon = text.lastIndex(of: ":") { text = text[..<colon] }
        let host = text.lowercased()
        for suffix in [".atlassian.net", ".jira.com", ".jira-dev.com"] where host.hasSuffix(suffix) {
            return String(host.dropLast(suffix.count))
        }
        return host
    }

    /// A site name as an export header shows it (`Acme-Team`) → `acme-team`.
    public static func fromHeader(_ name: String) -> String {
        let lower = name.trimmingSpaces.lowercased()
        return lower.hasSuffix(".atlassian.net") ? String(lower.dropLast(".atlassian.net".count)) : lower
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isWhitespace { start = index(after: start) }
        while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
        return String(self[start..<end])
    }
}
