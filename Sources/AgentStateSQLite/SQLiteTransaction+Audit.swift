import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    public func insertAudit(_ records: [AuditRecord]) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit (tenant_id, id, at, key_id, change, doc) VALUES (?, ?, ?, ?, ?, ?)")
        for r in records {
            try statement.execute(arguments: [r.tenantId, r.id, r.at.ms, r.keyId, r.isChange ? 1 : 0, try StoredDocument.encode(r)])
        }
    }

    public func auditRecords(_ tenant: TenantID, keyId: String?, since: Date?, until: Date?, changesOnly: Bool, before: PageCursor?,
                             limit: Int) throws -> [AuditRecord] {
        var conditions = ["tenant_id = ?"]
        var args: StatementArguments = [tenant]
        if let keyId { conditions.append("key_id = ?"); args += [keyId] }
        if let since { conditions.append("at >= ?"); args += [since.ms] }
        if let until { conditions.append("at < ?"); args += [until.ms] }
        if changesOnly { conditions.append("change = 1") }
        Self.keyset(before, timeColumn: "at", descending: true, into: &conditions, &args)
        args += [limit]
        return try docs(AuditRecord.self, "SELECT doc FROM audit WHERE \(conditions.joined(separator: " AND ")) ORDER BY at DESC, id DESC LIMIT ?", args)
    }

    public func deleteAudit(before cutoff: Date, limit: Int) throws -> Int {
        try rowsChanged("DELETE FROM audit WHERE rowid IN (SELECT rowid FROM audit WHERE at < ? ORDER BY at LIMIT ?)", [cutoff.ms, limit])
    }
}
