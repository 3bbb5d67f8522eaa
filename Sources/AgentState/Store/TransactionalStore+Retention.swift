import Foundation

extension TransactionalStore {
    public func retentionPolicy(_ tenant: TenantID) async throws -> RetentionPolicy {
        try await read { tx in try tx.retentionPolicy(tenant) ?? RetentionPolicy(tenantId: tenant, updatedAt: tx.now) }
    }

    public func setRetentionPolicy(_ tenant: TenantID, _ update: RetentionUpdate) async throws -> RetentionPolicy {
        try Identifier.validate(tenant, field: "tenant")
        for (field, days) in [("sessions_days", update.sessionsDays), ("runs_days", update.runsDays)] {
            if let days, !(1...36_500).contains(days) { throw AgentStateError.invalidInput(field: field, "must be 1 to 36500 days") }
        }
        return try await write { tx in
            let policy = RetentionPolicy(tenantId: tenant, sessionsDays: update.sessionsDays, runsDays: update.runsDays, updatedAt: tx.now)
            try tx.saveRetentionPolicy(policy)
            return policy
        }
    }

    public func retentionPolicies() async throws -> [RetentionPolicy] {
        try await read { tx in try tx.retentionPolicies() }
    }

    /// Finished records of `tenant` past its policy, oldest first, whole, at most `limit`.
    public func expiredRecords(_ tenant: TenantID, limit: Int) async throws -> [ExpiredRecord] {
        try await read { tx in
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

    /// Removes the records, each whole, in one transaction. A record that is no longer finished
    /// (a run retried since) or already gone is left alone.
    public func purge(_ tenant: TenantID, _ keys: [RetentionKey]) async throws -> PurgeReport {
        try await write { tx in
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

extension StoreTransaction {
    func allEvents(_ tenant: TenantID, stream: String) throws -> [Event] {
        var out: [Event] = []
        while true {
            let batch = try events(tenant, stream: stream, afterSeq: out.last?.seq ?? 0, limit: 1000)
            out += batch
            if batch.count < 1000 { return out }
        }
    }
}
