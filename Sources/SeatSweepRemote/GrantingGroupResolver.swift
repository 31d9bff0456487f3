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

    /// The site's Jira application roles, read once per site.
    func roles(site: String) async throws(RemoteError) -> [AtlassianClient.ApplicationRole] {
        let task: Task<[AtlassianClient.ApplicationRole], any Error>
        if let existing = roles[site] {
            task = existing
        } else {
            let client = self.client
            task = Task { try await client.applicationRoles(site: site) }
            roles[site] = task
        }
        do {
            return try await task.value
        } catch {
            roles[site] = nil  // let a later action try again
            throw (error as? RemoteError) ?? .unexpected("cannot read the application roles")
        }
    }

    /// The granting groups, or a reason they cannot be known.
    public func granting(product: String, site: String) async throws(RemoteError) -> GrantingGroups {
        guard AccessRules.usesApplicationRoles(product) else {
            return GrantingGroups(names: AccessRules.grantingGroupNames(rules, product: product, site: site))
        }
        let all = try await roles(site: site)
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

    /// The products other than `product` that `group` also grants on the site: Jira products
    /// whose application role holds it, and products whose `accessGroups` in the plan name it.
    /// Leaving the group takes those away too.
    public func otherProducts(of group: PlanGroup, besides product: String, site: String) async throws(RemoteError)
        -> [String]
    {
        var out = Set<String>()
        for role in try await roles(site: site) {
            let granted = ProductKey.fromAPIKey(role.key)
            guard granted != product else { continue }
            if role.groups.contains(where: {
                $0.groupId.isEmpty ? $0.name.lowercased() == group.name.lowercased() : $0.groupId == group.groupId
            }) {
                out.insert(granted)
            }
        }
        for other in rules.accessGroups.keys where other != product {
            let names = AccessRules.grantingGroupNames(rules, product: other, site: site).map { $0.lowercased() }
            if names.contains(group.name.lowercased()) { out.insert(other) }
        }
        return out.sorted()
    }
}
