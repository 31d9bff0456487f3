/// Reads `policy.yml`. Unknown keys and bad values are errors with file and line, all reported at once.
///
/// ```yaml
/// thresholds: {default: 90, confluence: 120}
/// graceDays: 30
/// action: remove-product-access        # or suspend
/// planExpiryDays: 14
/// products: {include: [jira, confluence], exclude: [bitbucket]}
/// protect: {emails: ["ceo@acme.com"], domains: ["*.partner.com"], accountIds: [], groups: ["execs-*"]}
/// accessGroups: {confluence: ["confluence-users-{site}"]}
/// ```
public enum PolicyLoader {
    public static let topLevelKeys = [
        "thresholds", "graceDays", "action", "planExpiryDays", "products", "protect", "accessGroups",
    ]

    /// Parses policy text. `sha256` is the digest of the file's bytes, recorded in the plan.
    public static func load(_ text: String, path: String, sha256: String) throws(SeatSweepError) -> Policy {
        var policy = Policy()
        policy.source = (path, sha256)
        guard let root = try YAMLFields.compose(text, path: path) else { return policy }
        var fields = YAMLFields(path: path)
        for (key, node, _) in fields.mapping(root, "the policy", allowed: topLevelKeys) {
            switch key {
            case "thresholds":
                if case .scalar = node {
                    policy.defaultThreshold =
                        fields.int(node, "thresholds", range: 0...36500) ?? policy.defaultThreshold
                    continue
                }
                for (product, value, keyNode) in fields.mapping(node, "thresholds") {
                    guard let days = fields.int(value, "thresholds.\(product)", range: 0...36500) else { continue }
                    if product == "default" {
                        policy.defaultThreshold = days
                    } else {
                        let normalised = normalise(product)
                        if normalised.isEmpty { fields.fail(keyNode, "an empty product key in thresholds") }
                        policy.thresholds[normalised] = days
                    }
                }
            case "graceDays":
                policy.graceDays = fields.int(node, "graceDays", range: 0...3650) ?? policy.graceDays
            case "planExpiryDays":
                policy.planExpiryDays = fields.int(node, "planExpiryDays", range: 1...365) ?? policy.planExpiryDays
            case "action":
                guard let text = fields.string(node, "action") else { continue }
                if let action = Policy.Action(rawValue: text) {
                    policy.action = action
                } else {
                    fields.fail(
                        node, "unknown action '\(text)'",
                        hint: "use one of: " + Policy.Action.allCases.map(\.rawValue).joined(separator: ", "))
                }
            case "products":
                for (sub, value, _) in fields.mapping(node, "products", allowed: ["include", "exclude"]) {
                    let list = (fields.strings(value, "products.\(sub)") ?? []).map(normalise)
                    if sub == "include" { policy.includeProducts = list } else { policy.excludeProducts = list }
                }
            case "protect":
                for (sub, value, _) in fields.mapping(
                    node, "protect", allowed: ["emails", "domains", "accountIds", "groups"])
                {
                    let list = fields.strings(value, "protect.\(sub)") ?? []
                    switch sub {
                    case "emails": policy.protectEmails = list
                    case "domains": policy.protectDomains = list.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
                    case "accountIds": policy.protectAccountIds = list
                    default: policy.protectGroups = list
                    }
                }
            case "accessGroups":
                for (product, value, _) in fields.mapping(node, "accessGroups") {
                    policy.accessGroups[normalise(product)] = fields.strings(value, "accessGroups.\(product)") ?? []
                }
            default:
                break
            }
        }
        try fields.check()
        return policy
    }

    /// Accepts product keys (`jira-service-management`) and display names (`Jira Service Desk`).
    static func normalise(_ product: String) -> String {
        let key = ProductKey.fromDisplayName(product)
        return ProductKey.fromAPIKey(key)
    }
}
