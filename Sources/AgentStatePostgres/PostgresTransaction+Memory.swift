import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    public func memory(_ tenant: TenantID, _ key: MemoryKey) throws -> MemoryItem? {
        try doc(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = $1 AND user_id = $2 AND namespace = $3 AND key = $4" + lock,
                [tenant, key.userId, key.namespace, key.key])
    }

    /// The searchable words are a generated column, kept by PostgreSQL with the row.
    public func saveMemory(_ item: MemoryItem) throws {
        execute("""
            INSERT INTO memory (tenant_id, user_id, namespace, key, expires_at, has_embedding, text, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (tenant_id, user_id, namespace, key) DO UPDATE SET expires_at = excluded.expires_at,
                has_embedding = excluded.has_embedding, text = excluded.text, doc = excluded.doc
            """, [item.tenantId, item.userId, item.namespace, item.key, item.expiresAt, item.embedding != nil, item.text.map(indexText),
                  seal(try StoredDocument.encode(item))])
    }

    public func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) throws -> Bool {
        try rowsChanged("DELETE FROM memory WHERE tenant_id = $1 AND user_id = $2 AND namespace = $3 AND key = $4",
                   [tenant, key.userId, key.namespace, key.key]) > 0
    }

    public func memoryItems(_ tenant: TenantID, userId: String, namespace: String, prefix: String?, afterKey: String?, limit: Int) throws -> [MemoryItem] {
        // A prefix is a key range (keys sort bytewise), so the primary key serves it.
        let low = max(prefix ?? "", afterKey ?? "")
        let high = prefix.map { $0 + "\u{10FFFF}" } ?? "\u{10FFFF}"
        let inclusive = afterKey == nil || (prefix ?? "") > (afterKey ?? "")
        return try docs(MemoryItem.self, """
            SELECT doc FROM memory WHERE tenant_id = $1 AND user_id = $2 AND namespace = $3 AND key \(inclusive ? ">=" : ">") $4 AND key < $5
            ORDER BY key LIMIT $6
            """, [tenant, userId, namespace, low, high, limit])
    }

    /// The terms are plain words (letters and digits), given to `plainto_tsquery`, which joins
    /// them with AND and cannot be made to read query syntax. Under a key ring, a term may be
    /// indexed as itself or as its token under any key: each becomes a `plainto_tsquery` of one
    /// alternative, joined with OR, and the terms with AND.
    public func searchMemoryText(_ tenant: TenantID, userId: String, namespace: String?, terms: [String], limit: Int) throws -> [MemoryHit] {
        var args: [any SQLBindable] = []
        let query: String
        if let keyRing {
            query = terms.map { term in
                "(" + keyRing.indexAlternatives(term).map { word in
                    args.append(word)
                    return "plainto_tsquery('simple', $\(args.count))"
                }.joined(separator: " || ") + ")"
            }.joined(separator: " && ")
        } else {
            args.append(terms.joined(separator: " "))
            query = "plainto_tsquery('simple', $1)"
        }
        let first = args.count
        var sql = """
            SELECT doc, ts_rank(words, search.q)::float8 FROM memory, (SELECT \(query) AS q) search
            WHERE words @@ search.q AND tenant_id = $\(first + 1) AND user_id = $\(first + 2)
            """
        args += [tenant, userId]
        if let namespace { sql += " AND namespace = $\(args.count + 1)"; args.append(namespace) }
        sql += " ORDER BY 2 DESC, key LIMIT $\(args.count + 1)"
        return try rows(sql, args + [limit]).map {
            MemoryHit(item: try document(MemoryItem.self, in: $0[0]), score: try $0[1].decode(Double.self))
        }
    }

    public func memoryWithEmbeddings(_ tenant: TenantID, userId: String, namespace: String?) throws -> [MemoryItem] {
        if let namespace {
            return try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = $1 AND user_id = $2 AND namespace = $3 AND has_embedding",
                            [tenant, userId, namespace])
        }
        return try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = $1 AND user_id = $2 AND has_embedding", [tenant, userId])
    }

    public func memoryItems(_ tenant: TenantID, userId: String) throws -> [MemoryItem] {
        try docs(MemoryItem.self, "SELECT doc FROM memory WHERE tenant_id = $1 AND user_id = $2 ORDER BY namespace, key", [tenant, userId])
    }

    public func expiredMemory(at now: Date, limit: Int) throws -> [MemoryItem] {
        try docs(MemoryItem.self, "SELECT doc FROM memory WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT $2" + lockOrSkip, [now, limit])
    }
}
