import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    public func apiKey(id: String) throws -> APIKey? {
        try doc(APIKey.self, "SELECT doc FROM api_keys WHERE id = $1" + lock, [id])
    }

    public func apiKey(secretHash: String) throws -> APIKey? {
        try doc(APIKey.self, "SELECT doc FROM api_keys WHERE secret_hash = $1", [secretHash])
    }

    public func saveAPIKey(_ k: APIKey) throws {
        execute("""
            INSERT INTO api_keys (id, tenant_id, secret_hash, created_at, doc) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, secret_hash = excluded.secret_hash, doc = excluded.doc
            """, [k.id, k.tenantId, k.secretHash, k.createdAt, try StoredDocument.encode(k)])
    }

    public func apiKeys(tenant: TenantID?) throws -> [APIKey] {
        if let tenant {
            return try docs(APIKey.self, "SELECT doc FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id", [tenant])
        }
        return try docs(APIKey.self, "SELECT doc FROM api_keys ORDER BY tenant_id, created_at, id", [])
    }

    public func idempotencyRecord(_ tenant: TenantID, key: String) throws -> IdempotencyRecord? {
        try doc(IdempotencyRecord.self, "SELECT doc FROM idempotency WHERE tenant_id = $1 AND key = $2" + lock, [tenant, key])
    }

    public func saveIdempotencyRecord(_ r: IdempotencyRecord) throws {
        execute("""
            INSERT INTO idempotency (tenant_id, key, created_at, doc) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, key) DO UPDATE SET created_at = excluded.created_at, doc = excluded.doc
            """, [r.tenantId, r.key, r.createdAt, seal(try StoredDocument.encode(r))])
    }

    /// Concurrent writers do not wait on a row that is not there yet: the unique key decides,
    /// the second insert waiting for the first to commit and then storing nothing.
    public func insertIdempotencyRecord(_ r: IdempotencyRecord) throws -> Bool {
        try rowsChanged("""
            INSERT INTO idempotency (tenant_id, key, created_at, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING
            """, [r.tenantId, r.key, r.createdAt, seal(try StoredDocument.encode(r))]) == 1
    }

    public func deleteIdempotencyRecord(_ tenant: TenantID, key: String) throws {
        execute("DELETE FROM idempotency WHERE tenant_id = $1 AND key = $2", [tenant, key])
    }

    public func deleteIdempotencyRecords(before cutoff: Date, limit: Int) throws -> Int {
        try rowsChanged("""
            DELETE FROM idempotency WHERE ctid IN (SELECT ctid FROM idempotency WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
            """, [cutoff, limit])
    }
}
