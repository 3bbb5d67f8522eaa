import Foundation

/// The tenant's retention policy (keeping everything, until one is set).
public struct GetRetentionPolicy: RoutedOperation {
    public static let name = "retentionPolicy"
    public static let route = OperationRoute("GET", "/v1/retention", .read, reach: .tenant)
    public var tenant: TenantID

    public func run<Store: TransactionalStore>(on store: Store) async throws -> RetentionPolicy {
        try await store.read { tx in try tx.retentionPolicy(tenant) ?? RetentionPolicy(tenantId: tenant, updatedAt: tx.now) }
    }
}

extension GetRetentionPolicy {
    public init(tenant: TenantID, request: RouteRequest<NoBody>) throws {
        self.init(tenant: tenant)
    }

    public var request: RouteRequest<NoBody> { RouteRequest() }
}

/// Sets how long the tenant's finished sessions and runs are kept.
public struct SetRetentionPolicy: RoutedOperation {
    public static let name = "setRetentionPolicy"
    public static let route = OperationRoute("PUT", "/v1/retention", .admin, reach: .tenant)
    public var tenant: TenantID
    public var update: RetentionUpdate

    public func run<Store: TransactionalStore>(on store: Store) async throws -> RetentionPolicy {
        try Identifier.validate(tenant, field: "tenant")
        for (field, days) in [("sessions_days", update.sessionsDays), ("runs_days", update.runsDays)] {
            if let days, !(1...36_500).contains(days) { throw AgentStateError.invalidInput(field: field, "must be 1 to 36500 days") }
        }
        return try await store.write { tx in
            let policy = RetentionPolicy(tenantId: tenant, sessionsDays: update.sessionsDays, runsDays: update.runsDays, updatedAt: tx.now)
            try tx.saveRetentionPolicy(policy)
            return policy
        }
    }
}

extension SetRetentionPolicy {
    public init(tenant: TenantID, request: RouteRequest<RetentionUpdate>) throws {
        self.init(tenant: tenant, update: try request.requiredBody())
    }

    public var request: RouteRequest<RetentionUpdate> { RouteRequest(body: update) }
}

/// Every tenant's policy that has been set.
public struct ListRetentionPolicies: ServerSideOperation {
    public static let name = "retentionPolicies"
    public static let notOffered = "a server shows each tenant its own policy only: use retentionPolicy(tenant)"

    public init() {}

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [RetentionPolicy] {
        try await store.read { tx in try tx.retentionPolicies() }
    }
}

/// Finished records of the tenant past its policy, oldest first, whole, at most `limit`, for archiving.
public struct ExpiredRecords: ServerSideOperation {
    public static let name = "expiredRecords"
    public static let notOffered = "the server archives and removes expired records itself: POST /v1/admin/retention"
    public var tenant: TenantID
    public var limit: Int

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [ExpiredRecord] {
        try await store.read { tx in
            guard let policy = try tx.retentionPolicy(tenant) else { return [] }
            var out: [ExpiredRecord] = []
            if let days = policy.sessionsDays {
                for s in try tx.finishedSessions(tenant, before: tx.now.adding(seconds: -Double(days) * 86_400), limit: limit) {
                    out.append(.session(session: s, messages: try tx.allMessages(tenant, s.id),
                                        events: try tx.allEvents(tenant, stream: EventStream.session(s.id))))
                }
            }
            if let days = policy.runsDays, out.count < limit {
                for r in try tx.finishedRuns(tenant, before: tx.now.adding(seconds: -Double(days) * 86_400), limit: limit - out.count) {
                    out.append(.run(run: r, steps: try tx.steps(tenant, r.id), effects: try tx.effects(tenant, r.id),
                                    approvals: try tx.approvals(tenant, ApprovalFilter(runId: r.id), after: nil, limit: 10_000),
                                    checkpoints: try tx.checkpointRecords(tenant, r.id, fromSeq: 1, throughSeq: .max, limit: 1_000_000),
                                    events: try tx.allEvents(tenant, stream: EventStream.run(r.id))))
                }
            }
            return out
        }
    }
}

/// Removes finished records, each whole, in one transaction. A record that is no longer
/// finished (a run retried since) or already gone is left alone.
public struct Purge: ServerSideOperation {
    public static let name = "purge"
    public static let notOffered = "the server archives and removes expired records itself: POST /v1/admin/retention"
    public var tenant: TenantID
    public var keys: [RetentionKey]

    public func run<Store: TransactionalStore>(on store: Store) async throws -> PurgeReport {
        try await store.write { tx in
            var report = PurgeReport()
            for key in keys {
                switch key.kind {
                case .session:
                    guard let s = try tx.session(tenant, key.id), s.status != .active else { continue }
                    try tx.removeSession(tenant, s.id, counting: &report)
                case .run:
                    guard let r = try tx.run(tenant, key.id), r.status.isTerminal else { continue }
                    try tx.removeRun(tenant, r.id, counting: &report)
                }
            }
            return report
        }
    }
}

extension StateStore {
    /// The tenant's policy (keeping everything, until one is set).
    public func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy {
        try await perform(GetRetentionPolicy(tenant: tenant))
    }

    public func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy {
        try await perform(SetRetentionPolicy(tenant: tenant, update: update))
    }

    /// Every tenant's policy that has been set.
    public func retentionPolicies() async throws -> [RetentionPolicy] {
        try await perform(ListRetentionPolicies())
    }

    /// Finished records past the tenant's policy, whole, oldest first, for archiving.
    public func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord] {
        try await perform(ExpiredRecords(tenant: tenant, limit: limit))
    }

    /// Removes finished records, each whole, in one transaction.
    public func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport {
        try await perform(Purge(tenant: tenant, keys: keys))
    }
}
