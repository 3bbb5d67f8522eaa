/// Where the durable backends keep sealed values, the same in each: what re-sealing walks.
public struct SealedTable: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        public let name: String
        public let isInteger: Bool
    }

    public let name: String
    /// The columns naming a row, in the order the walk goes by.
    public let keys: [Column]
    /// The sealed columns; every one may be re-sealed on its own.
    public let sealed: [String]

    /// A backend whose table is keyed otherwise walks it by its own `keys`, naming those that
    /// hold integers.
    public init(_ name: String, keys: [String], integers: Set<String> = [], sealed: [String] = ["doc"]) {
        self.name = name
        self.keys = keys.map { Column(name: $0, isInteger: integers.contains($0)) }
        self.sealed = sealed
    }

    /// Memory also keeps its words for search under a key: an item is re-saved whole, not
    /// column by column.
    public var isMemory: Bool { name == "memory" }

    /// API keys (only hashes), the audit trail (who did what, not what was said) and retention
    /// policies are not sealed: they hold nothing an agent stored.
    public static let all: [SealedTable] = [
        SealedTable("sessions", keys: ["tenant_id", "id"]),
        SealedTable("messages", keys: ["tenant_id", "session_id", "seq"], integers: ["seq"], sealed: ["content", "extra"]),
        SealedTable("runs", keys: ["tenant_id", "id"]),
        SealedTable("steps", keys: ["tenant_id", "run_id", "name"]),
        SealedTable("effects", keys: ["tenant_id", "run_id", "key"]),
        SealedTable("approvals", keys: ["tenant_id", "id"]),
        SealedTable("checkpoints", keys: ["tenant_id", "run_id", "seq"], integers: ["seq"], sealed: ["body"]),
        SealedTable("checkpoint_heads", keys: ["tenant_id", "run_id"]),
        SealedTable("events", keys: ["tenant_id", "stream", "seq"], integers: ["seq"], sealed: ["data"]),
        SealedTable("idempotency", keys: ["tenant_id", "key"]),
        SealedTable("memory", keys: ["tenant_id", "user_id", "namespace", "key"]),
    ]
}

/// One step of a re-sealing walk through a table.
public struct ResealBatch: Sendable {
    /// Rows looked at.
    public var visited: Int
    /// Rows whose values were sealed under another key, or not at all, and now are under the
    /// ring's newest.
    public var resealed: Int
    /// Where the next batch starts (the last row's key values); nil when the table is done.
    public var cursor: [String]?

    public init(visited: Int, resealed: Int, cursor: [String]?) {
        self.visited = visited
        self.resealed = resealed
        self.cursor = cursor
    }
}

/// A store that can re-seal what it holds under its key ring's newest key, in batches that
/// each commit on their own, so the store stays in use throughout and a walk stopped halfway
/// is taken up again by the next: rows already under the newest key are passed over.
public protocol DataResealing: StateStore {
    /// Rows in each sealed table, for progress.
    func sealedRowCounts() async throws -> [String: Int]
    /// Re-seals up to `limit` rows of `table` after `cursor`, in key order.
    func reseal(_ table: SealedTable, after cursor: [String]?, limit: Int) async throws -> ResealBatch
    /// After a walk: clears what the engine keeps of values as they were (freed pages),
    /// where it can do so without stopping the store for long.
    func finishResealing() async throws
}

extension ValueSealing {
    /// A row's sealed values as they are to be written back: each under the ring's newest key
    /// (those already under it unchanged); nil when every one already is, or there is no ring.
    public func resealedValues(_ stored: [String?]) throws -> [String?]? {
        guard let keyRing, stored.contains(where: { $0.map { !keyRing.isCurrent($0) } ?? false }) else { return nil }
        return try stored.map { value in try value.map { keyRing.isCurrent($0) ? $0 : seal(try open($0)) } }
    }
}

public struct ResealReport: Sendable, Equatable {
    public var visited = 0
    public var resealed = 0
    public init() {}
}

extension DataResealing {
    public func finishResealing() async throws {}

    /// Walks every sealed table; `progress` hears rows visited so far and the total.
    public func resealAll(batch: Int = 500, progress: (Int, Int) -> Void = { _, _ in }) async throws -> ResealReport {
        let counts = try await sealedRowCounts()
        let total = counts.values.reduce(0, +)
        var report = ResealReport()
        for table in SealedTable.all {
            var cursor: [String]? = nil
            repeat {
                let step = try await reseal(table, after: cursor, limit: batch)
                report.visited += step.visited
                report.resealed += step.resealed
                cursor = step.cursor
                // Rows added during the walk may take the count past the total read first.
                progress(min(report.visited, max(total, report.visited)), max(total, report.visited))
            } while cursor != nil
        }
        try await finishResealing()
        return report
    }
}
