import Foundation

/// Appends records of requests, in one transaction.
public struct AppendAudit: ServerSideOperation {
    public static let name = "appendAudit"
    public static let notOffered = "the server writes its audit trail itself"
    public var records: [AuditRecord]

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Void {
        guard !records.isEmpty else { return }
        try await store.write { tx in try tx.insertAudit(records) }
    }
}

/// A tenant's audit records, newest first.
public struct ListAuditRecords: StoreOperation {
    public static let name = "auditRecords"
    public var tenant: TenantID
    public var query: AuditQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<AuditRecord> {
        try Rules.checkLimit(query.limit)
        if let keyId = query.keyId { try Identifier.validateName(keyId, field: "key_id") }
        if let since = query.since, let until = query.until, until < since {
            throw AgentStateError.invalidInput(field: "until", "must not be before since")
        }
        let cursor = try PageCursor.parse(query.cursor)
        return try await store.read { tx in
            let rows = try tx.auditRecords(tenant, keyId: query.keyId, since: query.since, until: query.until, changesOnly: query.changesOnly,
                                           before: cursor, limit: query.limit + 1)
            return Rules.page(rows, limit: query.limit) { PageCursor(time: $0.at.millisecondsSince1970, id: $0.id) }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Page<AuditRecord> {
        var q: [String: String?] = ["limit": String(query.limit), "key_id": query.keyId, "cursor": query.cursor,
                                    "since": query.since.map(APICoding.format), "until": query.until.map(APICoding.format)]
        if query.changesOnly { q["changes_only"] = "true" }
        return try await transport.call(tenant, "GET", "/v1/audit", query: q)
    }
}

/// Removes up to `limit` records older than `cutoff`, oldest first; gives how many.
public struct PruneAudit: ServerSideOperation {
    public static let name = "pruneAudit"
    public static let notOffered = "the server prunes its audit trail itself"
    public var cutoff: Date
    public var limit: Int

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Int {
        try await store.write { tx in try tx.deleteAudit(before: cutoff, limit: limit) }
    }
}

extension StateStore {
    /// Appends records of requests, in one transaction.
    public func appendAudit(_ records: [AuditRecord]) async throws {
        try await perform(AppendAudit(records: records))
    }

    /// A tenant's records, newest first.
    public func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord> {
        try await perform(ListAuditRecords(tenant: tenant, query: query))
    }

    /// Removes up to `limit` records older than `cutoff`, oldest first; returns how many.
    public func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int {
        try await perform(PruneAudit(cutoff: cutoff, limit: limit))
    }
}
