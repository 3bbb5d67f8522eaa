import Foundation

/// A store that hands every operation to another one. A store that changes a few operations
/// and leaves the rest to the store beneath it (the tiered store over its durable store)
/// conforms and implements only those: its own implementations take the place of these.
public protocol ForwardingStore: StateStore {
    var base: any StateStore { get }
}

extension ForwardingStore {
    public func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow {
        try await base.messages(tenant, sessionId, query)
    }

    public func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64 {
        try await base.importMessages(tenant, sessionId, messages)
    }

    public func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState {
        try await base.toolCall(tenant, sessionId, callId)
    }

    public func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session {
        try await base.compact(tenant, sessionId, summary: summary, throughSeq: throughSeq, tokens: tokens)
    }

    public func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session {
        try await base.patchContext(tenant, sessionId, patch, expectedVersion: expectedVersion)
    }

    public func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport {
        try await base.exportUser(tenant, userId)
    }

    public func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt {
        try await base.eraseUser(tenant, userId)
    }

    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String?) async throws -> IssuedKey {
        try await base.createAPIKey(tenant, role: role, name: name, userId: userId)
    }

    public func apiKeys(tenant: TenantID?) async throws -> [APIKey] {
        try await base.apiKeys(tenant: tenant)
    }

    public func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey {
        try await base.revokeAPIKey(tenant, id: id)
    }

    public func authenticate(secret: String) async throws -> APIKey? {
        try await base.authenticate(secret: secret)
    }

    public func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        try await base.beginIdempotent(attempt)
    }

    public func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws {
        try await base.finishIdempotent(attempt, status: status, headers: headers, body: body)
    }

    public func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        try await base.abandonIdempotent(attempt)
    }

    public func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy {
        try await base.retentionPolicy(tenant)
    }

    public func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy {
        try await base.setRetentionPolicy(tenant, update)
    }

    public func retentionPolicies() async throws -> [RetentionPolicy] {
        try await base.retentionPolicies()
    }

    public func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord] {
        try await base.expiredRecords(tenant, limit: limit)
    }

    public func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport {
        try await base.purge(tenant, keys)
    }

    public func appendAudit(_ records: [AuditRecord]) async throws {
        try await base.appendAudit(records)
    }

    public func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord> {
        try await base.auditRecords(tenant, query)
    }

    public func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int {
        try await base.pruneAudit(before: cutoff, limit: limit)
    }

    public func statistics(tenant: TenantID?) async throws -> StoreStatistics {
        try await base.statistics(tenant: tenant)
    }

    public func sweep() async throws -> SweepReport {
        try await base.sweep()
    }

    public func close() async throws {
        try await base.close()
    }
}
