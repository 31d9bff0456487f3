extension ProductKey {
    /// The product keys Atlassian exports and APIs have been seen to carry (atlassian-data.md §1),
    /// after `fromDisplayName`/`fromAPIKey`. A pricing entry for any other key is a warning: it
    /// is most likely a typo that would leave the real product unpriced.
    public static let known: Set<String> = [
        "assets", "atlas", "bitbucket", "compass", "confluence", "goals", "jira", "jira-product-discovery",
        "jira-service-management", "jira-work-management", "loom", "opsgenie", "projects", "rovo", "statuspage",
        "stride", "trello",
    ]

    /// The known key closest to `key` (at most two edits away), for "did you mean" hints.
    static func closestKnown(to key: String) -> String? {
        var best: (key: String, distance: Int)?
        for candidate in known.sorted() {
            let distance = editDistance(Array(key), Array(candidate))
            if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
