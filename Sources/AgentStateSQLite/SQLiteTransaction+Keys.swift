import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    public func apiKey(id: String) throws -> APIKey? {
        try doc(APIKey.self, "SELECT doc FROM api_keys WHERE id = ?", [id])
    }

    public func apiKey(secretHash: String) throws -> APIKey? {
        try doc(APIKey.self, "SELECT doc FROM api_keys WHERE secret_hash = ?", [secretHash])
    }

    public func saveAPIKey(_ k: APIKey) throws {
        try execute("INSERT OR REPLACE INTO api_keys (id, tenant_id, secret_hash, created_at, doc) VALUES (?, ?, ?, ?, ?)",
                    [k.id, k.tenantId, k.secretHash, k.createdAt.ms, try StoredDocument.encode(k)])
    }

    public func apiKeys(tenant: TenantID?) throws -> [APIKey] {
        if let tenant {
            return try docs(APIKey.self, "SELECT doc FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id", [tenant])
        }
        return try docs(APIKey.self, "SELECT doc FROM api_keys ORDER BY tenant_id, created_at, id", [])
    }

    public func idempotencyRecord(_ tenant: TenantID, key: String) throws -> IdempotencyRecord? {
        try doc(IdempotencyRecord.self, "SELECT doc FROM idempotency WHERE tenant_id = ? AND key = ?", [tenant, key])
    }

    public func saveIdempotencyRecord(_ r: IdempotencyRecord) throws {
        try execute("INSERT OR REPLACE INTO idempotency (tenant_id, key, created_at, doc) VALUES (?, ?, ?, ?)",
                    [r.tenantId, r.key, r.createdAt.ms, seal(try StoredDocument.encode(r))])
    }

    public func insertIdempotencyRecord(_ r: IdempotencyRecord) throws -> Bool {
        try rowsChanged("INSERT OR IGNORE INTO idempotency (tenant_id, key, created_at, doc) VALUES (?, ?, ?, ?)",
                   [r.tenantId, r.key, r.createdAt.ms, seal(try StoredDocument.encode(r))]) == 1
    }

    public func deleteIdempotencyRecord(_ tenant: TenantID, key: String) throws {
        try execute("DELETE FROM idempotency WHERE tenant_id = ? AND key = ?", [tenant, key])
    }

    public func deleteIdempotencyRecords(before cutoff: Date, limit: Int) throws -> Int {
        try rowsChanged("DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE created_at < ? LIMIT ?)", [cutoff.ms, limit])
    }
}
