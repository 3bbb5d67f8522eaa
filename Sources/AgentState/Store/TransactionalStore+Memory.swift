import Foundation

extension TransactionalStore {
    public func memory(_ tenant: TenantID, _ key: MemoryKey) async throws -> MemoryItem {
        try MemoryRules.validate(key)
        return try await lookUp { tx in
            guard let item = try tx.memory(tenant, key), !item.isExpired(at: tx.now) else {
                throw AgentStateError.notFound("memory item", "\(key.userId)/\(key.namespace)/\(key.key)")
            }
            return item
        }
    }

    public func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) async throws {
        try MemoryRules.validate(key)
        try await write { tx in
            guard let item = try tx.memory(tenant, key), !item.isExpired(at: tx.now), try tx.deleteMemory(tenant, key) else {
                throw AgentStateError.notFound("memory item", "\(key.userId)/\(key.namespace)/\(key.key)")
            }
        }
    }

    public func memoryItems(_ tenant: TenantID, _ q: MemoryQuery) async throws -> Page<MemoryItem> {
        try Identifier.validate(q.userId, field: "user_id")
        try Identifier.validateMemoryPart(q.namespace, field: "namespace")
        if let p = q.prefix, p.utf8.count > 256 { throw AgentStateError.invalidInput(field: "prefix", "must be at most 256 bytes") }
        try Rules.checkLimit(q.limit)
        let after = try PageCursor.parse(q.cursor)?.id
        return try await read { tx in
            let rows = try tx.memoryItems(tenant, userId: q.userId, namespace: q.namespace, prefix: q.prefix, afterKey: after, limit: q.limit + 1)
                .filter { !$0.isExpired(at: tx.now) }
            return Rules.page(rows, limit: q.limit) { PageCursor(time: 0, id: $0.key) }
        }
    }

    public func searchMemory(_ tenant: TenantID, userId: String, _ s: MemorySearch) async throws -> [MemoryHit] {
        try Identifier.validate(userId, field: "user_id")
        if let n = s.namespace { try Identifier.validateMemoryPart(n, field: "namespace") }
        try Rules.checkLimit(s.limit, max: 100)
        let terms = MemoryRules.terms(s.text ?? "")
        guard !terms.isEmpty || s.vector != nil else {
            throw AgentStateError.invalidInput(field: "text", "give search text with at least one word, or a vector")
        }
        if let v = s.vector, v.isEmpty || !v.allSatisfy(\.isFinite) {
            throw AgentStateError.invalidInput(field: "vector", "must hold finite numbers")
        }
        return try await read { tx in
            let now = tx.now
            guard let vector = s.vector else {
                return try tx.searchMemoryText(tenant, userId: userId, namespace: s.namespace, terms: terms, limit: s.limit * 2)
                    .filter { !$0.item.isExpired(at: now) }.prefix(s.limit).map { $0 }
            }
            var candidates = try tx.memoryWithEmbeddings(tenant, userId: userId, namespace: s.namespace)
            if !terms.isEmpty {
                let matching = Set(try tx.searchMemoryText(tenant, userId: userId, namespace: s.namespace, terms: terms, limit: 10_000)
                    .map(\.item.key))
                candidates = candidates.filter { matching.contains($0.key) }
            }
            return candidates
                .filter { !$0.isExpired(at: now) && $0.embedding?.count == vector.count }
                .map { MemoryHit(item: $0, score: MemoryRules.cosine($0.embedding!, vector)) }
                .sorted { ($0.score, $1.item.key) > ($1.score, $0.item.key) }
                .prefix(s.limit).map { $0 }
        }
    }
}

extension MemoryItem {
    func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// Rules of memory shared by the backends, so full-text search means the same everywhere.
public enum MemoryRules {
    static func validate(_ key: MemoryKey) throws {
        try Identifier.validate(key.userId, field: "user_id")
        try Identifier.validateMemoryPart(key.namespace, field: "namespace")
        try Identifier.validateMemoryPart(key.key, field: "key")
    }

    /// The words of a text, lower-cased: runs of letters and digits.
    public static func terms(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return na == 0 || nb == 0 ? 0 : dot / (na.squareRoot() * nb.squareRoot())
    }
}
