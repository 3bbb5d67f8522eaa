import AgentState
import Foundation
import NIOHTTP1

extension AgentStateClient: StateStore {
    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String?) async throws -> IssuedKey {
        let view: IssuedKeyView = try await call(tenant, .POST, "/v1/keys", body: KeyCreateBody(role: role, name: name, userId: userId))
        return IssuedKey(key: Self.key(view.key, secretHash: APIKeys.hash(view.secret)), secret: view.secret)
    }

    /// The keys of `tenant`, or of every tenant this client holds a key for.
    public func apiKeys(tenant: TenantID?) async throws -> [APIKey] {
        var all: [APIKey] = []
        for t in tenant.map({ [$0] }) ?? keys.keys.sorted() {
            let r: Items<KeyView> = try await call(t, .GET, "/v1/keys")
            all += r.items.map { Self.key($0, secretHash: "") }
        }
        return all
    }

    public func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey {
        guard let tenant = tenant ?? keys.keys.sorted().first else { throw AgentStateError(.unauthorized, "this client holds no key") }
        let view: KeyView = try await call(tenant, .DELETE, "/v1/keys/\(Self.segment(id))")
        return Self.key(view, secretHash: "")
    }

    /// Asks the server who `secret` belongs to.
    public func authenticate(secret: String) async throws -> APIKey? {
        do {
            guard let view = try await send("", .GET, "/v1/whoami", secret: secret, as: KeyView.self) else { return nil }
            return Self.key(view, secretHash: APIKeys.hash(secret))
        } catch let e as AgentStateError where e.code == .unauthorized {
            return nil
        }
    }

    public func importMessages(_ tenant: TenantID, _ sessionId: String, _ messages: [Message]) async throws -> Int64 {
        throw AgentStateError(.unsupported, "importing numbered messages is for a durable store under a hot tier, not for the API")
    }

    public func beginIdempotent(_ attempt: IdempotentAttempt) async throws -> IdempotencyStart {
        throw AgentStateError(.unsupported, "idempotency records live inside the server; send an Idempotency-Key header instead")
    }

    public func finishIdempotent(_ attempt: IdempotentAttempt, status: Int, headers: [String: String], body: String?) async throws {
        throw AgentStateError(.unsupported, "idempotency records live inside the server")
    }

    public func abandonIdempotent(_ attempt: IdempotentAttempt) async throws {
        throw AgentStateError(.unsupported, "idempotency records live inside the server")
    }

    public func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy {
        try await call(tenant, .GET, "/v1/retention")
    }

    public func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy {
        try await call(tenant, .PUT, "/v1/retention", body: update)
    }

    public func retentionPolicies() async throws -> [RetentionPolicy] {
        throw AgentStateError(.unsupported, "a server shows each tenant its own policy only: use retentionPolicy(tenant)")
    }

    public func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord] {
        throw AgentStateError(.unsupported, "the server archives and removes expired records itself: POST /v1/admin/retention")
    }

    public func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport {
        throw AgentStateError(.unsupported, "the server archives and removes expired records itself: POST /v1/admin/retention")
    }

    /// The server writes its own audit trail.
    public func appendAudit(_ records: [AuditRecord]) async throws {
        throw AgentStateError(.unsupported, "the server writes its audit trail itself")
    }

    /// The tenant's audit trail, newest first (an operator or admin key).
    public func auditRecords(_ tenant: TenantID, _ query: AuditQuery) async throws -> Page<AuditRecord> {
        var q: [String: String?] = ["limit": String(query.limit), "key_id": query.keyId, "cursor": query.cursor,
                                    "since": query.since.map(APICoding.format), "until": query.until.map(APICoding.format)]
        if query.changesOnly { q["changes_only"] = "true" }
        return try await call(tenant, .GET, "/v1/audit", query: q)
    }

    public func pruneAudit(before cutoff: Date, limit: Int) async throws -> Int {
        throw AgentStateError(.unsupported, "the server prunes its audit trail itself")
    }

    /// Runs one sweep on the server now (an admin key of any tenant).
    public func sweep() async throws -> SweepReport {
        guard let tenant = keys.keys.sorted().first else { throw AgentStateError(.unauthorized, "this client holds no key") }
        return try await call(tenant, .POST, "/v1/admin/sweep")
    }

    /// Counts for the tenant of `tenant`'s key (a server never shows one tenant another's).
    public func statistics(tenant: TenantID?) async throws -> StoreStatistics {
        guard let t = tenant ?? keys.keys.sorted().first else { throw AgentStateError(.unauthorized, "this client holds no key") }
        return try await call(t, .GET, "/v1/statistics")
    }

    private static func key(_ v: KeyView, secretHash: String) -> APIKey {
        APIKey(id: v.id, tenantId: v.tenantId, role: v.role, name: v.name, prefix: v.prefix, secretHash: secretHash,
               createdAt: v.createdAt, revokedAt: v.revokedAt, userId: v.userId)
    }
}
