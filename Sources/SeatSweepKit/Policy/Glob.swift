/// Case-insensitive glob matching with `*` (any run) and `?` (one character), for protection lists.
///
/// `*@contractors.acme.com` matches `Ann@Contractors.Acme.com`; `exec-?` matches `exec-a`.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased())
        let t = Array(text.lowercased())
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The first of `patterns` that matches `text`.
    public static func firstMatch(_ patterns: [String], _ text: String) -> String? {
        patterns.first { matches($0, text) }
    }
}
