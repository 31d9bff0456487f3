/// The rules `apply` and `verify` share about what grants a product and who may never be
/// touched, over what a plan carries (its rules) and what the site says live.
public enum AccessRules {
    /// Whether the site's Jira application roles say which groups grant `product`
    /// (`GET /rest/api/3/applicationrole`); other products use the plan's `accessGroups`.
    public static func usesApplicationRoles(_ product: String) -> Bool {
        ProductKey.isJiraFamily(product) || product == "jira-product-discovery"
    }

    /// The group names that grant a non-Jira product on a site, from the plan's rules:
    /// `accessGroups[product]` with `{site}` replaced, else Atlassian's defaults
    /// `<product>-users-<site>` and `<product>-users` (`confluence-users-acme`, `confluence-users`).
    public static func grantingGroupNames(_ rules: PlanRules, product: String, site: String) -> [String] {
        Policy.grantingGroups(rules.accessGroups, product: product, site: site)
    }

    /// Why an account must not lose access, or nil: app accounts, members of admin groups, and
    /// the plan's protect lists (account ids, e-mails, domains, groups; case-insensitive globs).
    /// `groups` are the account's groups, from the plan or read live.
    public static func protection(accountId: String, email: String, groups: [String], rules: PlanRules) -> String? {
        if InactivityAnalyzer.isAppEmail(email) { return "app or bot account" }
        if let group = groups.first(where: InactivityAnalyzer.isAdminGroup) {
            return "member of admin group '\(group)'"
        }
        let protect = rules.protect
        if let pattern = Glob.firstMatch(protect.accountIds, accountId) {
            return "account id matches protect.accountIds '\(pattern)'"
        }
        if !email.isEmpty {
            if let pattern = Glob.firstMatch(protect.emails, email) {
                return "e-mail matches protect.emails '\(pattern)'"
            }
            let domain = email.split(separator: "@").last.map(String.init) ?? ""
            if !domain.isEmpty, let pattern = Glob.firstMatch(protect.domains, domain) {
                return "e-mail domain matches protect.domains '\(pattern)'"
            }
        }
        for group in groups {
            if let pattern = Glob.firstMatch(protect.groups, group) {
                return "member of group '\(group)' (protect.groups '\(pattern)')"
            }
        }
        return nil
    }

    /// Whether an action takes access away (and so is subject to every protection).
    public static func takesAccess(_ kind: PlanAction.Kind) -> Bool {
        kind == .removeProductAccess || kind == .suspend
    }

    /// Whether `site` can be put into `https://<site>.atlassian.net`: one DNS label of lower-case
    /// letters, digits and hyphens, and not a product instance id (a UUID, as API dumps give).
    public static func isAddressableSite(_ site: String) -> Bool {
        let bytes = Array(site.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return false }
        guard bytes.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) else { return false }
        return !isUUID(site)
    }

    /// Account ids, org ids and group ids go into URLs: letters, digits, `:` `-` `_` `.` only.
    public static func isSafeIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...128).contains(bytes.count)
            && bytes.allSatisfy {
                isLowerAlnum($0) || ($0 >= 65 && $0 <= 90) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
    }

    static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }

    static func isUUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12]
            && parts.allSatisfy { $0.allSatisfy { $0.isHexDigit } }
    }
}
