import Foundation

/// Runs by status and approvals waiting, for one tenant or (`nil`) for all; through a client,
/// for the tenant of its first key (a server never shows one tenant another's).
public struct Statistics: StoreOperation {
    public static let name = "statistics"
    public var tenant: TenantID?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> StoreStatistics {
        try await store.read { tx in
            let runs = try tx.runCounts(tenant: tenant)
            let approvals = try tx.approvalCounts(tenant: tenant, overdueAt: tx.now)
            return StoreStatistics(
                runsByStatus: Dictionary(uniqueKeysWithValues: RunStatus.allCases.map { ($0.rawValue, runs[$0] ?? 0) }),
                pendingApprovals: approvals.pending, overdueApprovals: approvals.overdue)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> StoreStatistics {
        try await transport.call(try tenant ?? transport.firstTenant(), "GET", "/v1/statistics")
    }
}

/// One pass of the sweeper over every tenant: fires due timers, expires approvals, expires idle
/// sessions (never one with a waiting run) and removes expired memory; through a client, run on
/// the server now (an admin key).
public struct Sweep: StoreOperation {
    public static let name = "sweep"

    public init() {}

    public func run<Store: TransactionalStore>(on store: Store) async throws -> SweepReport {
        try await store.write { tx in
            var report = SweepReport()
            let now = tx.now
            let batch = SweepReport.batch
            let timers = try tx.dueTimers(at: now, limit: batch)
            let approvals = try tx.dueApprovals(at: now, limit: batch)
            let sessions = try tx.expiredSessions(at: now, limit: batch)
            let memory = try tx.expiredMemory(at: now, limit: batch)
            report.moreDue = [timers.count, approvals.count, sessions.count, memory.count].contains(batch)
            for timer in timers {
                try tx.deleteTimer(timer.tenantId, runId: timer.runId)
                guard let old = try tx.run(timer.tenantId, timer.runId), old.status == .waiting else { continue }
                var run = old
                try tx.move(&run, to: .running)
                try tx.commitRun(from: old, to: run, event: "timer.fired", data: ["fire_at": .int(timer.fireAt.millisecondsSince1970)])
                report.timersFired += 1
            }
            for approval in approvals {
                switch try tx.expire(approval) {
                case .escalate: report.approvalsEscalated += 1
                case .fail: report.approvalsExpired += 1
                }
            }
            for var s in sessions {
                let waiting = try [RunStatus.waiting, .waitingForApproval].contains { status in
                    try !tx.runs(s.tenantId, RunFilter(status: status, sessionId: s.id), before: nil, limit: 1).isEmpty
                }
                if waiting {
                    // A run still needs this conversation: keep it alive another period.
                    s.refreshExpiry(at: now)
                    try tx.updateSession(s)
                    continue
                }
                s.status = .expired
                s.version += 1
                s.updatedAt = now
                try tx.updateSession(s)
                try tx.recordSessionEvent(s, "session.expired")
                report.sessionsExpired += 1
            }
            for item in memory {
                if try tx.deleteMemory(item.tenantId, item.memoryKey) { report.memoryItemsRemoved += 1 }
            }
            report.idempotencyRecordsRemoved = try tx.deleteIdempotencyRecords(before: now.adding(seconds: -APIKeys.idempotencyWindow), limit: batch)
            if report.idempotencyRecordsRemoved == batch { report.moreDue = true }
            return report
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> SweepReport {
        try await transport.call(try transport.firstTenant(), "POST", "/v1/admin/sweep")
    }
}

extension StateStore {
    /// Runs by status and approvals waiting, for one tenant or (`nil`) for all.
    public func statistics(tenant: TenantID?) async throws -> StoreStatistics {
        try await perform(Statistics(tenant: tenant))
    }

    /// One pass of the sweeper over every tenant.
    public func sweep() async throws -> SweepReport {
        try await perform(Sweep())
    }
}
