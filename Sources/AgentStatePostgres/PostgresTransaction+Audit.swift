import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    public func insertAudit(_ records: [AuditRecord]) throws {
        for r in records {
            execute("INSERT INTO audit (tenant_id, id, created_at, key_id, change, doc) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    [r.tenantId, r.id, r.at, r.keyId, r.isChange, try StoredDocument.encode(r)])
        }
    }

    public func auditRecords(_ tenant: TenantID, keyId: String?, since: Date?, until: Date?, changesOnly: Bool, before: PageCursor?,
                             limit: Int) throws -> [AuditRecord] {
        var list = ListQuery(tenant: tenant)
        if let keyId { list.add("key_id = ?", keyId) }
        if let since { list.add("created_at >= ?", since) }
        if let until { list.add("created_at < ?", until) }
        if changesOnly { list.add("change = ?", true) }
        list.after(before, descending: true)
        let q = list.select(from: "audit", descending: true, limit: limit)
        return try docs(AuditRecord.self, q.sql, q.arguments)
    }

    public func deleteAudit(before cutoff: Date, limit: Int) throws -> Int {
        try rowsChanged("""
            DELETE FROM audit WHERE (tenant_id, created_at, id) IN
                (SELECT tenant_id, created_at, id FROM audit WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            """, [cutoff, limit])
    }
}
