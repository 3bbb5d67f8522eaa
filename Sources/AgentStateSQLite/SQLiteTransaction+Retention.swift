import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    public func retentionPolicy(_ tenant: TenantID) throws -> RetentionPolicy? {
        try doc(RetentionPolicy.self, "SELECT doc FROM retention WHERE tenant_id = ?", [tenant])
    }

    public func saveRetentionPolicy(_ policy: RetentionPolicy) throws {
        try execute("INSERT OR REPLACE INTO retention (tenant_id, doc) VALUES (?, ?)", [policy.tenantId, try StoredDocument.encode(policy)])
    }

    public func retentionPolicies() throws -> [RetentionPolicy] {
        try docs(RetentionPolicy.self, "SELECT doc FROM retention ORDER BY tenant_id", [])
    }

    public func finishedSessions(_ tenant: TenantID, before: Date, limit: Int) throws -> [Session] {
        try docs(Session.self, """
            SELECT doc FROM sessions WHERE tenant_id = ? AND status IN ('closed', 'expired') AND updated_at < ?
            ORDER BY updated_at, id LIMIT ?
            """, [tenant, before.ms, limit])
    }

    public func finishedRuns(_ tenant: TenantID, before: Date, limit: Int) throws -> [Run] {
        try docs(Run.self, """
            SELECT doc FROM runs WHERE tenant_id = ? AND status IN ('completed', 'cancelled') AND updated_at < ? ORDER BY updated_at, id LIMIT ?
            """, [tenant, before.ms, limit])
    }
}
