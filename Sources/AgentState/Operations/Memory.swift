import Foundation

/// The path of a memory item in the API.
func memoryPath(_ key: MemoryKey) -> String {
    "/v1/memory/\(pathSegment(key.userId))/\(pathSegment(key.namespace))/\(pathSegment(key.key))"
}

/// Puts a memory item: a new one, or the next version of one, under `expectedVersion` if given
/// (0: only if there is none).
public struct PutMemory: StoreOperation {
    public static let name = "putMemory"
    public var tenant: TenantID
    public var key: MemoryKey
    public var write: MemoryWrite

    public func run<Store: TransactionalStore>(on store: Store) async throws -> MemoryItem {
        try Identifier.validate(tenant, field: "tenant")
        try MemoryRules.validate(key)
        try Rules.checkText(write.text, field: "text", max: 1 << 20)
        try Rules.checkSeconds(write.ttlSeconds, field: "ttl_seconds", max: 100 * 366 * 86400)
        if let e = write.embedding {
            guard (1...8192).contains(e.count), e.allSatisfy(\.isFinite) else {
                throw AgentStateError.invalidInput(field: "embedding", "must hold 1 to 8192 finite numbers")
            }
        }
        return try await store.write { [tenant, key, write] tx in
            let now = tx.now
            let existing = try tx.memory(tenant, key).flatMap { $0.isExpired(at: now) ? nil : $0 }
            if let expected = write.expectedVersion, expected != (existing?.version ?? 0) {
                throw AgentStateError.versionConflict("memory item", expected: expected, current: existing?.version ?? 0)
            }
            let item = MemoryItem(
                tenantId: tenant, userId: key.userId, namespace: key.namespace, key: key.key, value: write.value,
                text: write.text, embedding: write.embedding, expiresAt: write.ttlSeconds.map { now.adding(seconds: TimeInterval($0)) },
                version: (existing?.version ?? 0) + 1, createdAt: existing?.createdAt ?? now, updatedAt: now)
            try tx.saveMemory(item)
            return item
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> MemoryItem {
        try await transport.call(tenant, "PUT", memoryPath(key), body: write)
    }
}

/// A memory item, by key; an expired one is not found.
public struct GetMemory: StoreOperation {
    public static let name = "memory"
    public var tenant: TenantID
    public var key: MemoryKey

    public func run<Store: TransactionalStore>(on store: Store) async throws -> MemoryItem {
        try MemoryRules.validate(key)
        return try await store.lookUp { [tenant, key] tx in
            guard let item = try tx.memory(tenant, key), !item.isExpired(at: tx.now) else {
                throw AgentStateError.notFound("memory item", "\(key.userId)/\(key.namespace)/\(key.key)")
            }
            return item
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> MemoryItem {
        try await transport.call(tenant, "GET", memoryPath(key))
    }
}

/// Deletes a memory item; an expired one is not found.
public struct DeleteMemory: StoreOperation {
    public static let name = "deleteMemory"
    public var tenant: TenantID
    public var key: MemoryKey

    public func run<Store: TransactionalStore>(on store: Store) async throws {
        try MemoryRules.validate(key)
        try await store.write { [tenant, key] tx in
            guard let item = try tx.memory(tenant, key), !item.isExpired(at: tx.now), try tx.deleteMemory(tenant, key) else {
                throw AgentStateError.notFound("memory item", "\(key.userId)/\(key.namespace)/\(key.key)")
            }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws {
        try await transport.send(tenant, "DELETE", memoryPath(key), query: [:], body: nil)
    }
}

/// A page of a namespace's items by key, optionally under a key prefix.
public struct ListMemory: StoreOperation {
    public static let name = "memoryItems"
    public var tenant: TenantID
    public var query: MemoryQuery

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Page<MemoryItem> {
        let q = query
        try Identifier.validate(q.userId, field: "user_id")
        try Identifier.validateMemoryPart(q.namespace, field: "namespace")
        if let p = q.prefix, p.utf8.count > 256 { throw AgentStateError.invalidInput(field: "prefix", "must be at most 256 bytes") }
        try Rules.checkLimit(q.limit)
        let after = try PageCursor.parse(q.cursor)?.id
        return try await store.read { [tenant] tx in
            let rows = try tx.memoryItems(tenant, userId: q.userId, namespace: q.namespace, prefix: q.prefix, afterKey: after, limit: q.limit + 1)
                .filter { !$0.isExpired(at: tx.now) }
            return Rules.page(rows, limit: q.limit) { PageCursor(time: 0, id: $0.key) }
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Page<MemoryItem> {
        try await transport.call(tenant, "GET", "/v1/memory/\(pathSegment(query.userId))/\(pathSegment(query.namespace))",
                                 query: ["prefix": query.prefix, "limit": String(query.limit), "cursor": query.cursor], body: nil)
    }
}

/// A user's memory by text (full-text terms) and/or vector (cosine similarity), best first.
public struct SearchMemory: StoreOperation {
    public static let name = "searchMemory"
    public var tenant: TenantID
    public var userId: String
    public var search: MemorySearch

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [MemoryHit] {
        let (s, userId) = (search, userId)
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
        return try await store.read { [tenant] tx in
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

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [MemoryHit] {
        let hits: Items<MemoryHit> = try await transport.call(tenant, "POST", "/v1/memory/\(pathSegment(userId))/search", body: search)
        return hits.items
    }
}

extension StateStore {
    public func putMemory(_ tenant: TenantID, _ key: MemoryKey, _ write: MemoryWrite) async throws -> MemoryItem {
        try await perform(PutMemory(tenant: tenant, key: key, write: write))
    }

    public func memory(_ tenant: TenantID, _ key: MemoryKey) async throws -> MemoryItem {
        try await perform(GetMemory(tenant: tenant, key: key))
    }

    public func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) async throws {
        try await perform(DeleteMemory(tenant: tenant, key: key))
    }

    public func memoryItems(_ tenant: TenantID, _ query: MemoryQuery) async throws -> Page<MemoryItem> {
        try await perform(ListMemory(tenant: tenant, query: query))
    }

    public func searchMemory(_ tenant: TenantID, userId: String, _ search: MemorySearch) async throws -> [MemoryHit] {
        try await perform(SearchMemory(tenant: tenant, userId: userId, search: search))
    }
}
