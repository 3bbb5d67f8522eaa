import Foundation

/// Everything stored about one user of the tenant: sessions with their messages, runs with
/// their steps, effects, approvals and checkpoint, memory.
public struct ExportUser: RoutedOperation {
    public static let name = "exportUser"
    public static let route = OperationRoute("GET", "/v1/users/{user}/export", .admin, reach: .tenant)
    public var tenant: TenantID
    public var userId: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> UserExport {
        try Identifier.validate(userId, field: "user_id")
        return try await store.read { tx in
            let sessions = try tx.allSessions(tenant, userId: userId).map { s in
                UserExport.SessionRecord(session: s, messages: try tx.allMessages(tenant, s.id))
            }
            let runs = try tx.allRuns(tenant, userId: userId).map { r in
                UserExport.RunRecord(
                    run: r, steps: try tx.steps(tenant, r.id), effects: try tx.effects(tenant, r.id),
                    approvals: try tx.approvals(tenant, ApprovalFilter(runId: r.id), after: nil, limit: 10_000),
                    checkpoint: try tx.checkpointHead(tenant, r.id))
            }
            return UserExport(tenantId: tenant, userId: userId, exportedAt: tx.now, sessions: sessions, runs: runs,
                              memory: try tx.memoryItems(tenant, userId: userId))
        }
    }
}

extension ExportUser {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, userId: try request.parameter("user"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["user": userId]) }
}

/// Removes everything stored about one user of the tenant, in one transaction, and gives a
/// receipt with counts and a digest of what was erased.
public struct EraseUser: RoutedOperation {
    public static let name = "eraseUser"
    public static let route = OperationRoute("DELETE", "/v1/users/{user}", .admin, reach: .tenant)
    public var tenant: TenantID
    public var userId: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> ErasureReceipt {
        try Identifier.validate(userId, field: "user_id")
        return try await store.write { tx in
            var r = ErasureReceipt(tenantId: tenant, userId: userId, erasedAt: tx.now, sessions: 0, messages: 0, runs: 0,
                                   steps: 0, effects: 0, approvals: 0, checkpoints: 0, events: 0, memoryItems: 0, digest: "")
            var erased: [String] = []
            var removed = PurgeReport()
            for s in try tx.allSessions(tenant, userId: userId) {
                try tx.removeSession(tenant, s.id, counting: &removed)
                erased.append("session:\(s.id)")
            }
            for run in try tx.allRuns(tenant, userId: userId) {
                try tx.removeRun(tenant, run.id, counting: &removed)
                erased.append("run:\(run.id)")
            }
            (r.sessions, r.messages, r.runs, r.steps) = (removed.sessions, removed.messages, removed.runs, removed.steps)
            (r.effects, r.approvals, r.checkpoints, r.events) = (removed.effects, removed.approvals, removed.checkpoints, removed.events)
            for item in try tx.memoryItems(tenant, userId: userId) {
                _ = try tx.deleteMemory(tenant, item.memoryKey)
                r.memoryItems += 1
                erased.append("memory:\(item.namespace)/\(item.key)")
            }
            r.digest = HashChain.digest(["\(tenant)/\(userId)"] + erased.sorted())
            return r
        }
    }
}

extension EraseUser {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant, userId: try request.parameter("user"))
    }

    public var request: RouteRequest<NoBody> { RouteRequest(parameters: ["user": userId]) }
}

extension StateStore {
    public func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport {
        try await perform(ExportUser(tenant: tenant, userId: userId))
    }

    public func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt {
        try await perform(EraseUser(tenant: tenant, userId: userId))
    }
}
