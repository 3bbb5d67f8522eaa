import Foundation

/// Everything stored about one user, for a data-subject access request.
public struct UserExport: Sendable, Codable, Hashable {
    public struct SessionRecord: Sendable, Codable, Hashable {
        public var session: Session
        public var messages: [Message]
    }

    public struct RunRecord: Sendable, Codable, Hashable {
        public var run: Run
        public var steps: [Step]
        public var effects: [Effect]
        public var approvals: [Approval]
        public var checkpoint: Checkpoint?
    }

    public var tenantId: TenantID
    public var userId: String
    public var exportedAt: Date
    public var sessions: [SessionRecord]
    public var runs: [RunRecord]
    public var memory: [MemoryItem]
}

/// Proof of an erasure: what was removed, and a digest of the removed records' ids.
public struct ErasureReceipt: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var userId: String
    public var erasedAt: Date
    public var sessions: Int
    public var messages: Int
    public var runs: Int
    public var steps: Int
    public var effects: Int
    public var approvals: Int
    public var checkpoints: Int
    public var events: Int
    public var memoryItems: Int
    /// SHA-256 over the sorted ids of everything removed.
    public var digest: String
}

public struct Page<Item: Sendable & Codable & Hashable>: Sendable, Codable, Hashable {
    public var items: [Item]
    /// Pass back as `cursor` for the next page; `nil` on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Counts for dashboards and metrics.
public struct StoreStatistics: Sendable, Codable, Hashable {
    public var runsByStatus: [String: Int]
    public var pendingApprovals: Int
    public var overdueApprovals: Int

    public init(runsByStatus: [String: Int], pendingApprovals: Int, overdueApprovals: Int) {
        self.runsByStatus = runsByStatus
        self.pendingApprovals = pendingApprovals
        self.overdueApprovals = overdueApprovals
    }
}

/// What one pass of the sweeper did.
public struct SweepReport: Sendable, Codable, Hashable {
    /// The most of each kind one pass handles. A pass is one write transaction, so this bounds
    /// how long live writes wait behind it: expiring an approval costs about 0.75 ms on SQLite
    /// (`agentstate bench --workload approvals`), so 500 a pass held the write lock for 0.5 s.
    public static let batch = 100

    public var timersFired = 0
    public var approvalsExpired = 0
    public var approvalsEscalated = 0
    public var sessionsExpired = 0
    public var memoryItemsRemoved = 0
    public var idempotencyRecordsRemoved = 0
    /// A pass handles a bounded batch of each kind; `true` says a batch was full and another
    /// pass should follow at once.
    public var moreDue = false

    public init() {}

    public var total: Int { timersFired + approvalsExpired + approvalsEscalated + sessionsExpired + memoryItemsRemoved }
}
