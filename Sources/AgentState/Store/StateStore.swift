import Foundation

/// The one seam between the domain and storage. Every operation is scoped to a tenant: a record
/// of another tenant is reported exactly as one that does not exist (`notFound`).
///
/// Each state change and its event(s) commit together or not at all; a call that throws has
/// changed nothing.
public protocol StateStore: Sendable {
    /// Answers any operation declared as a value (see `StoreOperation`).
    func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output

    // MARK: Messages and context
    func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow
    /// Stores messages already numbered and acknowledged elsewhere (the tiered store's hot tier
    /// flushing to its durable store): those at or below the session's last seq must be the
    /// turns stored there (same `Message.identity`) and are skipped, so a flush can be
    /// repeated; a different turn at such a seq is a `conflict` and nothing is stored. The rest
    /// must continue the session without a gap. Taken even for a closed session, since they
    /// were acknowledged before it closed. Returns the session's last seq afterwards.
    func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64
    /// The tool call `callId` of the session: the assistant message that asked for it and the
    /// first tool message answering it, if any. `notFound` when no message of the session asked
    /// for it.
    func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState
    /// Records a summary of the messages up to `throughSeq`; they stay stored for audit.
    func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session
    /// Applies an RFC 7396 merge patch to the session context.
    func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session

    // MARK: Runs
    /// Removes a finished run with its steps, effects, approvals, checkpoints and events; a run
    /// in progress is a `conflict` (cancel it first, so no worker's lease or pending approval is
    /// pulled out from under it).
    func deleteRun(_ tenant: TenantID, _ id: String) async throws

    // MARK: Users
    func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport
    func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt

    // MARK: API keys and idempotency (used by the server)
    /// `userId` binds an agent key to one user of the tenant.
    func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String?) async throws -> IssuedKey
    /// Every tenant's keys when `tenant` is `nil` (for the installation's administrator).
    func apiKeys(tenant: TenantID?) async throws -> [APIKey]
    func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey
    /// The live key whose secret this is, or `nil`.
    func authenticate(secret: String) async throws -> APIKey?
    /// Says what became of an idempotency key before this attempt, reserving it only for an
    /// attempt that `reservesKey`. Writes made while the attempt is `IdempotentAttempt.current`
    /// record that it applied (starting the key's record), atomically with what they change.
    func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart
    /// Stores the response to send again, if the attempt still holds the key.
    func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws
    /// Frees the key of an attempt that failed on the server's side without changing anything,
    /// so a retry runs again.
    func abandonIdempotent(_ attempt: IdempotentAttempt) async throws

    // MARK: Retention
    /// The tenant's policy (keeping everything, until one is set).
    func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy
    func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy
    /// Every tenant's policy that has been set.
    func retentionPolicies() async throws -> [RetentionPolicy]
    /// Finished records past the tenant's policy, whole, oldest first, for archiving.
    func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord]
    /// Removes finished records, each whole, in one transaction.
    func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport

    // MARK: Audit trail (written by the server)
    /// Appends records of requests, in one transaction.
    func appendAudit(_ records: [AuditRecord]) async throws
    /// A tenant's records, newest first.
    func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord>
    /// Removes up to `limit` records older than `cutoff`, oldest first; returns how many.
    func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int

    // MARK: Maintenance
    /// Runs by status and approvals waiting, for one tenant or (`nil`) for all.
    func statistics(tenant: TenantID?) async throws -> StoreStatistics
    /// One pass of the sweeper over every tenant: fires due timers, expires approvals, expires
    /// idle sessions (never one with a waiting run) and removes expired memory.
    func sweep() async throws -> SweepReport
    func close() async throws
}

extension StateStore {
    /// A key of the whole tenant.
    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?) async throws -> IssuedKey {
        try await createAPIKey(tenant, role: role, name: name, userId: nil)
    }
}
