import AgentState
import Foundation

/// Every operation forwards to the wrapped store and is timed under its own name.
extension InstrumentedStore {
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await timed(Operation.name) { try await base.perform(operation) }
    }

    public func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64 {
        try await timed("importMessages") { try await base.importMessages(tenant, sessionId, messages) }
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, _ query: MessageQuery) async throws -> MessageWindow {
        try await timed("messages") { try await base.messages(tenant, sessionId, query) }
    }

    public func toolCall(_ tenant: TenantID, _ sessionId: String, _ callId: String) async throws -> ToolCallState {
        try await timed("toolCall") { try await base.toolCall(tenant, sessionId, callId) }
    }

    public func compact(_ tenant: TenantID, _ sessionId: String, summary: String, throughSeq: Int64, tokens: Int?) async throws -> Session {
        try await timed("compact") { try await base.compact(tenant, sessionId, summary: summary, throughSeq: throughSeq, tokens: tokens) }
    }

    public func patchContext(_ tenant: TenantID, _ sessionId: String, _ patch: JSONValue, expectedVersion: Int64?) async throws -> Session {
        try await timed("patchContext") { try await base.patchContext(tenant, sessionId, patch, expectedVersion: expectedVersion) }
    }

    public func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport {
        try await timed("exportUser") { try await base.exportUser(tenant, userId) }
    }

    public func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt {
        try await timed("eraseUser") { try await base.eraseUser(tenant, userId) }
    }

    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String?) async throws -> IssuedKey {
        try await timed("createAPIKey") { try await base.createAPIKey(tenant, role: role, name: name, userId: userId) }
    }

    public func apiKeys(tenant: TenantID?) async throws -> [APIKey] {
        try await timed("apiKeys") { try await base.apiKeys(tenant: tenant) }
    }

    public func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey {
        try await timed("revokeAPIKey") { try await base.revokeAPIKey(tenant, id: id) }
    }

    public func authenticate(secret: String) async throws -> APIKey? {
        try await timed("authenticate") { try await base.authenticate(secret: secret) }
    }

    public func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy {
        try await timed("retentionPolicy") { try await base.retentionPolicy(tenant) }
    }

    public func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy {
        try await timed("setRetentionPolicy") { try await base.setRetentionPolicy(tenant, update) }
    }

    public func retentionPolicies() async throws -> [RetentionPolicy] {
        try await timed("retentionPolicies") { try await base.retentionPolicies() }
    }

    public func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord] {
        try await timed("expiredRecords") { try await base.expiredRecords(tenant, limit: limit) }
    }

    public func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport {
        try await timed("purge") { try await base.purge(tenant, keys) }
    }

    public func appendAudit(_ records: [AuditRecord]) async throws {
        try await timed("appendAudit") { try await base.appendAudit(records) }
    }

    public func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord> {
        try await timed("auditRecords") { try await base.auditRecords(tenant, query) }
    }

    public func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int {
        try await timed("pruneAudit") { try await base.pruneAudit(before: cutoff, limit: limit) }
    }

    public func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        try await timed("beginIdempotent") { try await base.beginIdempotent(attempt) }
    }

    public func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws {
        try await timed("finishIdempotent") { try await base.finishIdempotent(attempt, status: status, headers: headers, body: body) }
    }

    public func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        try await timed("abandonIdempotent") { try await base.abandonIdempotent(attempt) }
    }

    public func statistics(tenant: TenantID?) async throws -> StoreStatistics {
        try await timed("statistics") { try await base.statistics(tenant: tenant) }
    }

    public func sweep() async throws -> SweepReport {
        try await timed("sweep") { try await base.sweep() }
    }
}
