import Foundation
import SeatSweepKit

/// Reading and rewriting plan files, and where a plan's journal lives.
enum PlanFiles {
    /// Reads and decodes a plan (unknown schema versions are refused by the codec).
    static func load(_ path: String) throws(SeatSweepError) -> Plan {
        let data = try Files.read(path, what: "plan")
        return try PlanCodec.decode(data, path: path)
    }

    /// `report/plan.json` → `report/plan.journal.jsonl`: beside the plan, named after it.
    static func journalPath(for planPath: String) -> String {
        stem(planPath) + ".journal.jsonl"
    }

    /// `report/plan.journal.jsonl` → `report/plan.restore.json`.
    static func restorePlanPath(for journalPath: String) -> String {
        var base = journalPath
        for suffix in [".journal.jsonl", ".jsonl"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        return base + ".restore.json"
    }

    static func stem(_ path: String) -> String {
        path.hasSuffix(".json") ? String(path.dropLast(".json".count)) : path
    }

    /// Replaces the plan file atomically (temporary file, fsync, rename), mode 0600.
    static func write(_ plan: Plan, to path: String) throws(SeatSweepError) {
        let directory = (path as NSString).deletingLastPathComponent
        var batch = OutputBatch(directory: directory.isEmpty ? "." : directory)
        try batch.write((path as NSString).lastPathComponent) { sink in try PlanCodec.encode(plan, sink: sink) }
        _ = try batch.commit()
    }
}
