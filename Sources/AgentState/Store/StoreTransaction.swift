import Foundation

/// The row-level primitives a backend provides inside one transaction. The operations of
/// `StateStore` are written once, over these, in the `StoreTransaction+*.swift` files, so every
/// backend applies the same rules; a backend only reads and writes rows.
///
/// Lists ordered "newest first" go by `(createdAt, id)` descending and take a cursor meaning
/// "strictly before this position"; "oldest first" lists the reverse.
public protocol StoreTransaction {
    /// The transaction's reading of the clock, the same for every call inside it.
    var now: Date { get }
    /// Signs each event's chain head as it is appended, when the store was given a signing key.
    var chainSigner: ChainSigner? { get }

    // Sessions
    func session(_ tenant: TenantID, _ id: String) throws -> Session?
    func insertSession(_ session: Session) throws
    func updateSession(_ session: Session) throws
    func deleteSession(_ tenant: TenantID, _ id: String) throws
    /// Newest first.
    func sessions(_ tenant: TenantID, userId: String?, status: SessionStatus?, before: PageCursor?, limit: Int) throws -> [Session]
    /// Active sessions whose `expiresAt` has passed, across tenants.
    func expiredSessions(at now: Date, limit: Int) throws -> [Session]

    // Messages
    func insertMessages(_ messages: [Message]) throws
    /// Oldest first, `seq > afterSeq`.
    func messages(_ tenant: TenantID, _ sessionId: String, afterSeq: Int64, limit: Int) throws -> [Message]
    /// Newest first, `afterSeq < seq < beforeSeq`.
    func messagesDescending(_ tenant: TenantID, _ sessionId: String, beforeSeq: Int64, afterSeq: Int64, limit: Int) throws -> [Message]
    /// Oldest first, `since <= createdAt < until`.
    func messages(_ tenant: TenantID, _ sessionId: String, since: Date?, until: Date?, limit: Int) throws -> [Message]
    func message(_ tenant: TenantID, _ sessionId: String, seq: Int64) throws -> Message?
    func deleteMessages(_ tenant: TenantID, _ sessionId: String) throws -> Int

    // Runs
    func run(_ tenant: TenantID, _ id: String) throws -> Run?
    func insertRun(_ run: Run) throws
    func updateRun(_ run: Run) throws
    func deleteRun(_ tenant: TenantID, _ id: String) throws
    /// Newest first.
    func runs(_ tenant: TenantID, _ filter: RunFilter, before: PageCursor?, limit: Int) throws -> [Run]
    /// The run with the earliest `claimableAt` that is not after `now`.
    func nextClaimable(_ tenant: TenantID, workflow: String?, at now: Date) throws -> Run?

    // Steps
    func step(_ tenant: TenantID, _ runId: String, _ name: String) throws -> Step?
    func saveStep(_ step: Step) throws
    /// In `index` order.
    func steps(_ tenant: TenantID, _ runId: String) throws -> [Step]
    /// The index a new step of the run takes: one past the highest, 0 for the first. Read from
    /// the index alone, so a step costs the same however many came before it.
    func nextStepIndex(_ tenant: TenantID, _ runId: String) throws -> Int
    func deleteSteps(_ tenant: TenantID, _ runId: String) throws -> Int

    // Effects
    func effect(_ tenant: TenantID, _ runId: String, _ key: String) throws -> Effect?
    func saveEffect(_ effect: Effect) throws
    func effects(_ tenant: TenantID, _ runId: String) throws -> [Effect]
    func deleteEffects(_ tenant: TenantID, _ runId: String) throws -> Int

    // Approvals
    func approval(_ tenant: TenantID, _ id: String) throws -> Approval?
    func saveApproval(_ approval: Approval) throws
    /// Oldest first.
    func approvals(_ tenant: TenantID, _ filter: ApprovalFilter, after: PageCursor?, limit: Int) throws -> [Approval]
    /// Pending approvals whose deadline has passed, across tenants.
    func dueApprovals(at now: Date, limit: Int) throws -> [Approval]
    func deleteApprovals(_ tenant: TenantID, runId: String) throws -> Int

    // Timers
    func saveTimer(_ timer: RunTimer) throws
    func deleteTimer(_ tenant: TenantID, runId: String) throws
    /// Across tenants.
    func dueTimers(at now: Date, limit: Int) throws -> [RunTimer]

    // Checkpoints
    func insertCheckpoint(_ record: CheckpointRecord) throws
    /// Oldest first, `fromSeq <= seq <= throughSeq`.
    func checkpointRecords(_ tenant: TenantID, _ runId: String, fromSeq: Int64, throughSeq: Int64, limit: Int) throws -> [CheckpointRecord]
    func lastFullCheckpointSeq(_ tenant: TenantID, _ runId: String, atOrBefore seq: Int64) throws -> Int64?
    func lastCheckpointSeq(_ tenant: TenantID, _ runId: String, step: String) throws -> Int64?
    /// The latest checkpoint, whole.
    func checkpointHead(_ tenant: TenantID, _ runId: String) throws -> Checkpoint?
    func saveCheckpointHead(_ checkpoint: Checkpoint) throws
    func deleteCheckpoints(_ tenant: TenantID, _ runId: String) throws -> Int

    // Events
    /// The seq and hash of the stream's newest event: what the next event links to.
    func streamHead(_ tenant: TenantID, stream: String) throws -> (seq: Int64, hash: String)?
    func insertEvent(_ event: Event) throws
    /// Oldest first, `seq > afterSeq`.
    func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) throws -> [Event]
    func deleteEvents(_ tenant: TenantID, stream: String) throws -> Int

    // Memory
    func memory(_ tenant: TenantID, _ key: MemoryKey) throws -> MemoryItem?
    func saveMemory(_ item: MemoryItem) throws
    func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) throws -> Bool
    /// In key order, keys after `afterKey` that start with `prefix`.
    func memoryItems(_ tenant: TenantID, userId: String, namespace: String, prefix: String?, afterKey: String?, limit: Int) throws -> [MemoryItem]
    /// Items containing every term, best first.
    func searchMemoryText(_ tenant: TenantID, userId: String, namespace: String?, terms: [String], limit: Int) throws -> [MemoryHit]
    func memoryWithEmbeddings(_ tenant: TenantID, userId: String, namespace: String?) throws -> [MemoryItem]
    func memoryItems(_ tenant: TenantID, userId: String) throws -> [MemoryItem]
    /// Across tenants.
    func expiredMemory(at now: Date, limit: Int) throws -> [MemoryItem]

    // Counts (for metrics; they may scan, so they are not for hot paths)
    func runCounts(tenant: TenantID?) throws -> [RunStatus: Int]
    func approvalCounts(tenant: TenantID?, overdueAt now: Date) throws -> (pending: Int, overdue: Int)

    // API keys and idempotent responses
    func apiKey(id: String) throws -> APIKey?
    func apiKey(secretHash: String) throws -> APIKey?
    func saveAPIKey(_ key: APIKey) throws
    /// Oldest first; every tenant's when `tenant` is `nil`.
    func apiKeys(tenant: TenantID?) throws -> [APIKey]
    func idempotencyRecord(_ tenant: TenantID, key: String) throws -> IdempotencyRecord?
    func saveIdempotencyRecord(_ record: IdempotencyRecord) throws
    /// Stores a record whose key has none yet; false (storing nothing) when one exists, even
    /// one another transaction is still committing.
    func insertIdempotencyRecord(_ record: IdempotencyRecord) throws -> Bool
    func deleteIdempotencyRecord(_ tenant: TenantID, key: String) throws
    /// Removes records made before `cutoff`, across tenants; returns how many.
    func deleteIdempotencyRecords(before cutoff: Date, limit: Int) throws -> Int

    // Retention
    func retentionPolicy(_ tenant: TenantID) throws -> RetentionPolicy?
    func saveRetentionPolicy(_ policy: RetentionPolicy) throws
    func retentionPolicies() throws -> [RetentionPolicy]
    /// Closed or expired sessions last changed before `before`, oldest change first.
    func finishedSessions(_ tenant: TenantID, before: Date, limit: Int) throws -> [Session]
    /// Completed or cancelled runs last changed before `before`, oldest change first.
    func finishedRuns(_ tenant: TenantID, before: Date, limit: Int) throws -> [Run]

    // Audit trail
    func insertAudit(_ records: [AuditRecord]) throws
    /// Newest first, by `(at, id)`; `since <= at < until`.
    func auditRecords(_ tenant: TenantID, keyId: String?, since: Date?, until: Date?, changesOnly: Bool, before: PageCursor?, limit: Int) throws -> [AuditRecord]
    /// Oldest first, across tenants.
    func deleteAudit(before cutoff: Date, limit: Int) throws -> Int
}

public struct RunFilter: Sendable, Codable, Hashable {
    public var status: RunStatus?
    public var owner: String?
    public var workflow: String?
    public var userId: String?
    public var sessionId: String?
    public var updatedBefore: Date?

    public init(status: RunStatus? = nil, owner: String? = nil, workflow: String? = nil, userId: String? = nil,
                sessionId: String? = nil, updatedBefore: Date? = nil) {
        self.status = status
        self.owner = owner
        self.workflow = workflow
        self.userId = userId
        self.sessionId = sessionId
        self.updatedBefore = updatedBefore
    }
}

public struct ApprovalFilter: Sendable, Codable, Hashable {
    public var status: ApprovalStatus?
    public var approver: String?
    public var group: String?
    public var runId: String?
    /// Only those with `expiresAt <= overdueAt`.
    public var overdueAt: Date?

    public init(status: ApprovalStatus? = nil, approver: String? = nil, group: String? = nil, runId: String? = nil,
                overdueAt: Date? = nil) {
        self.status = status
        self.approver = approver
        self.group = group
        self.runId = runId
        self.overdueAt = overdueAt
    }
}

/// A backend that runs closures as transactions. Conforming to `StateStore` then needs only
/// `close()`: every operation comes from the shared implementation.
public protocol TransactionalStore: StateStore {
    associatedtype Transaction: StoreTransaction
    /// Runs `body` in a read-only transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T
    /// Runs `body` in a write transaction that commits if it returns and rolls back if it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T
    /// Looks up a few rows by key (one record, a message window) in a read-only transaction. A
    /// backend may run it on the caller's thread: for a read this short, the hop to another
    /// thread and back costs more than the read.
    func lookUp<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T
}

extension TransactionalStore {
    public func lookUp<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        try await read(body)
    }
}

extension StoreTransaction {
    /// A backend that signs its chains holds the signer; the others sign nothing.
    public var chainSigner: ChainSigner? { nil }

    /// For a backend whose write transactions run one at a time, a look first is enough.
    public func insertIdempotencyRecord(_ record: IdempotencyRecord) throws -> Bool {
        guard try idempotencyRecord(record.tenantId, key: record.key) == nil else { return false }
        try saveIdempotencyRecord(record)
        return true
    }
}
