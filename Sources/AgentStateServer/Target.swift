import AgentState

/// What a request reaches, for a key bound to one user (`APIKey.userId`): another user's
/// record is "not found" to it, exactly as another tenant's is, and what spans the tenant is
/// refused.
enum Target: Sendable {
    /// The whole tenant (workers' claims, statistics, keys, retention): refused.
    case tenant
    /// What the handler itself keeps to the caller's user: a record it creates for them, a
    /// list it filters, the caller's own key.
    case caller
    case session(String)
    case run(String)
    case approval(String)
    /// A memory item, whose path names its user.
    case memory(MemoryKey)

    func check(user: String, tenant: TenantID, _ store: any StateStore) async throws {
        switch self {
        case .tenant:
            throw AgentStateError(.forbidden, "a key bound to user '\(user)' reaches only that user's records, not the whole tenant")
        case .caller:
            return
        case .session(let id):
            guard try await store.session(tenant, id).userId == user else { throw AgentStateError.notFound("session", id) }
        case .run(let id):
            guard try await store.run(tenant, id).userId == user else { throw AgentStateError.notFound("run", id) }
        case .approval(let id):
            let approval = try await store.approval(tenant, id)
            guard try await Self.run(approval.runId, belongsTo: user, tenant, store) else { throw AgentStateError.notFound("approval", id) }
        case .memory(let key):
            guard key.userId == user else { throw AgentStateError.notFound("memory item", "\(key.userId)/\(key.namespace)/\(key.key)") }
        }
    }

    /// Whether the run is `user`'s; a run that is gone is no one's.
    static func run(_ id: String, belongsTo user: String, _ tenant: TenantID, _ store: any StateStore) async throws -> Bool {
        do {
            return try await store.run(tenant, id).userId == user
        } catch let e as AgentStateError where e.code == .notFound {
            return false
        }
    }

    /// The user filter of a list: as asked for a key of the whole tenant; the caller's user for
    /// a key bound to one. `nil` when the list asked for is another user's, which is empty to
    /// such a key, as another tenant's records are.
    static func listFilter(_ requested: String?, for key: APIKey?) -> UserFilter? {
        guard let bound = key?.userId else { return UserFilter(userId: requested) }
        guard requested == nil || requested == bound else { return nil }
        return UserFilter(userId: bound)
    }

    struct UserFilter {
        var userId: String?
    }

    /// Refuses a record made for another user than the caller's, and names the caller's user
    /// where the request names none.
    static func scoped(_ requested: String?, to key: APIKey?) throws -> String? {
        guard let bound = key?.userId else { return requested }
        if let requested, requested != bound {
            throw AgentStateError(.forbidden, "a key bound to user '\(bound)' cannot act for user '\(requested)'")
        }
        return bound
    }
}
