import Foundation

/// Puts a memory item: a new one, or the next version of one, under `expectedVersion` if given
/// (0: only if there is none).
public struct PutMemory: StoreOperation {
    public static let name = "putMemory"
    public var tenant: TenantID
    public var key: MemoryKey
    public var write: MemoryWrite

    public init(tenant: TenantID, key: MemoryKey, write: MemoryWrite) {
        self.tenant = tenant
        self.key = key
        self.write = write
    }

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
        try await transport.call(tenant, "PUT", "/v1/memory/\(pathSegment(key.userId))/\(pathSegment(key.namespace))/\(pathSegment(key.key))",
                                 body: write)
    }
}

extension StateStore {
    public func putMemory(_ tenant: TenantID, _ key: MemoryKey, _ write: MemoryWrite) async throws -> MemoryItem {
        try await perform(PutMemory(tenant: tenant, key: key, write: write))
    }
}
