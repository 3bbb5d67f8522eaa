import Foundation

extension TransactionalStore {
    public func appendAudit(_ records: [AuditRecord]) async throws {
        guard !records.isEmpty else { return }
        try await write { tx in try tx.insertAudit(records) }
    }

    public func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord> {
        try Rules.checkLimit(query.limit)
        if let keyId = query.keyId { try Identifier.validateName(keyId, field: "key_id") }
        if let since = query.since, let until = query.until, until < since {
            throw AgentStateError.invalidInput(field: "until", "must not be before since")
        }
        let cursor = try PageCursor.parse(query.cursor)
        return try await read { tx in
            let rows = try tx.auditRecords(tenant, keyId: query.keyId, since: query.since, until: query.until, changesOnly: query.changesOnly,
                                           before: cursor, limit: query.limit + 1)
            return Rules.page(rows, limit: query.limit) { PageCursor(time: $0.at.millisecondsSince1970, id: $0.id) }
        }
    }

    public func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { tx in try tx.deleteAudit(before: cutoff, limit: limit) }
    }
}
