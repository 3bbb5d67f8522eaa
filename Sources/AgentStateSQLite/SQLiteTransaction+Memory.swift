import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    public func memory(_ tenant: TenantID, _ key: MemoryKey) throws -> MemoryItem? {
        try doc(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND key = ?",
                [tenant, key.userId, key.namespace, key.key])
    }

    /// Replaces the item and its full-text entry, which shares its rowid.
    public func saveMemory(_ item: MemoryItem) throws {
        _ = try deleteMemory(item.tenantId, item.memoryKey)
        try execute("""
            INSERT INTO memory (tenant_id, user_id, namespace, key, expires_at, has_embedding, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [item.tenantId, item.userId, item.namespace, item.key, item.expiresAt?.ms, item.embedding != nil, seal(try StoredDocument.encode(item))])
        if let text = item.text {
            try execute("INSERT INTO memory_fts (rowid, text) VALUES (?, ?)", [db.lastInsertedRowID, indexText(text)])
        }
    }

    public func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) throws -> Bool {
        guard let rowid = try row("SELECT rowid FROM memory WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND key = ?",
                                  [tenant, key.userId, key.namespace, key.key]).map({ $0[0] as Int64 })
        else { return false }
        try execute("DELETE FROM memory_fts WHERE rowid = ?", [rowid])
        try execute("DELETE FROM memory WHERE rowid = ?", [rowid])
        return true
    }

    public func memoryItems(_ tenant: TenantID, userId: String, namespace: String, prefix: String?, afterKey: String?, limit: Int) throws -> [MemoryItem] {
        // A prefix is a key range, so the unique index serves it.
        let low = max(prefix ?? "", afterKey ?? "")
        let high = prefix.map { $0 + "\u{10FFFF}" } ?? "\u{10FFFF}"
        let inclusive = afterKey == nil || (prefix ?? "") > (afterKey ?? "")
        return try docs(MemoryItem.self, """
            SELECT doc FROM memory WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND key \(inclusive ? ">=" : ">") ? AND key < ?
            ORDER BY key LIMIT ?
            """, [tenant, userId, namespace, low, high, limit])
    }

    public func searchMemoryText(_ tenant: TenantID, userId: String, namespace: String?, terms: [String], limit: Int) throws -> [MemoryHit] {
        // Each term quoted: an FTS5 phrase of one word, so user text cannot inject query syntax.
        // Under a key ring a term may be indexed as itself or as its token under any key.
        func quoted(_ word: String) -> String { "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let query = terms.map { term in
            guard let keyRing else { return quoted(term) }
            return "(" + keyRing.indexAlternatives(term).map(quoted).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        var sql = """
            SELECT m.doc, bm25(memory_fts) FROM memory_fts JOIN memory m ON m.rowid = memory_fts.rowid
            WHERE memory_fts MATCH ? AND m.tenant_id = ? AND m.user_id = ?
            """
        var args: StatementArguments = [query, tenant, userId]
        if let namespace { sql += " AND m.namespace = ?"; args += [namespace] }
        sql += " ORDER BY bm25(memory_fts), m.key LIMIT ?"
        args += [limit]
        return try rows(sql, args).map { MemoryHit(item: try StoredDocument.decode(MemoryItem.self, open($0[0])), score: -($0[1] as Double)) }
    }

    public func memoryWithEmbeddings(_ tenant: TenantID, userId: String, namespace: String?) throws -> [MemoryItem] {
        if let namespace {
            return try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND has_embedding",
                            [tenant, userId, namespace])
        }
        return try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = ? AND user_id = ? AND has_embedding", [tenant, userId])
    }

    public func memoryItems(_ tenant: TenantID, userId: String) throws -> [MemoryItem] {
        try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = ? AND user_id = ? ORDER BY namespace, key", [tenant, userId])
    }

    public func expiredMemory(at now: Date, limit: Int) throws -> [MemoryItem] {
        try docs(MemoryItem.self, "SELECT doc FROM memory WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?", [now.ms, limit])
    }
}
