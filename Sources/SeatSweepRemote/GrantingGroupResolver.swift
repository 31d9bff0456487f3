import SeatSweepKit

/// Finds which groups grant a product on a site, once per site: Jira products from the site's
/// application roles (`GET /rest/api/3/applicationrole`, read once and shared by every action
/// on that site), other products from the plan's `accessGroups` (default
/// `<product>-users-<site>` and `<product>-users`).
public actor GrantingGroupResolver {
    private let client: AtlassianClient
    private let rules: PlanRules
    private var roles: [String: Task<[AtlassianClient.ApplicationRole], any Error>] = [:]

    public init(client: AtlassianClient, rules: PlanRules) {
        self.client = client
        self.rules = rules
    }

    /// The granting groups, or a reason they cannot be known.
    public func granting(product: String, site: String) async throws(RemoteError) -> GrantingGroups {
        guard AccessRules.usesApplicationRoles(product) else {
            return GrantingGroups(names: AccessRules.grantingGroupNames(rules, product: product, site: site))
        }
        let task: Task<[AtlassianClient.ApplicationRole], any Error>
        if let existing = roles[site] {
            task = existing
        } else {
            let client = self.client
            task = Task { try await client.applicationRoles(site: site) }
            roles[site] = task
        }
        let all: [AtlassianClient.ApplicationRole]
        do {
            all = try await task.value
        } catch {
            roles[site] = nil  // let a later action try again
            throw (error as? RemoteError) ?? .unexpected("cannot read the application roles")
        }
        let matching = all.filter { ProductKey.fromAPIKey($0.key) == product }
        guard !matching.isEmpty else {
            throw RemoteError.unexpected(
                "site \(site) has no Jira application role for \(product) (roles: "
                    + all.map(\.key).sorted().joined(separator: ", ") + ")")
        }
        var ids = Set<String>()
        var names: [String] = []
        for group in matching.flatMap(\.groups) {
            if group.groupId.isEmpty { names.append(group.name) } else { ids.insert(group.groupId) }
        }
        return GrantingGroups(ids: ids, names: names)
    }
}
