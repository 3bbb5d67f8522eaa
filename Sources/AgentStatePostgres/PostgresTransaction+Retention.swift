import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    public func retentionPolicy(_ tenant: TenantID) throws -> RetentionPolicy? {
        try doc(RetentionPolicy.self, "SELECT doc FROM retention WHERE tenant_id = $1", [tenant])
    }

    public func saveRetentionPolicy(_ policy: RetentionPolicy) throws {
        execute("""
            INSERT INTO retention (tenant_id, doc) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET doc = excluded.doc
            """, [policy.tenantId, try StoredDocument.encode(policy)])
    }

    public func retentionPolicies() throws -> [RetentionPolicy] {
        try docs(RetentionPolicy.self, "SELECT doc FROM retention ORDER BY tenant_id", [])
    }

    public func finishedSessions(_ tenant: TenantID, before: Date, limit: Int) throws -> [Session] {
        try docs(Session.self, """
            SELECT doc FROM sessions WHERE tenant_id = $1 AND status IN ('closed', 'expired') AND updated_at < $2
            ORDER BY updated_at, id LIMIT $3
            """, [tenant, before, limit])
    }

    public func finishedRuns(_ tenant: TenantID, before: Date, limit: Int) throws -> [Run] {
        try docs(Run.self, """
            SELECT doc FROM runs WHERE tenant_id = $1 AND finished_at IS NOT NULL AND finished_at < $2 ORDER BY finished_at, id LIMIT $3
            """, [tenant, before, limit])
    }
}
