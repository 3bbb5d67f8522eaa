import Foundation

extension TransactionalStore {
    public func exportUser(_ tenant: TenantID, _ userId: String) async throws -> UserExport {
        try Identifier.validate(userId, field: "user_id")
        return try await read { tx in
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

    public func eraseUser(_ tenant: TenantID, _ userId: String) async throws -> ErasureReceipt {
        try Identifier.validate(userId, field: "user_id")
        return try await write { tx in
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

extension StoreTransaction {
    /// Removes a session whole: its messages, its events, the session.
    func removeSession(_ tenant: TenantID, _ id: String, counting report: inout PurgeReport) throws {
        report.messages += try deleteMessages(tenant, id)
        report.events += try deleteEvents(tenant, stream: EventStream.session(id))
        try deleteSession(tenant, id)
        report.sessions += 1
    }

    /// Removes a run whole: its steps, effects, approvals, checkpoints, events and timer, the run.
    func removeRun(_ tenant: TenantID, _ id: String, counting report: inout PurgeReport) throws {
        report.steps += try deleteSteps(tenant, id)
        report.effects += try deleteEffects(tenant, id)
        report.approvals += try deleteApprovals(tenant, runId: id)
        report.checkpoints += try deleteCheckpoints(tenant, id)
        report.events += try deleteEvents(tenant, stream: EventStream.run(id))
        try deleteTimer(tenant, runId: id)
        try deleteRun(tenant, id)
        report.runs += 1
    }

    func allSessions(_ tenant: TenantID, userId: String) throws -> [Session] {
        var out: [Session] = []
        var cursor: PageCursor? = nil
        while true {
            let batch = try sessions(tenant, userId: userId, status: nil, before: cursor, limit: 500)
            out += batch
            guard batch.count == 500, let last = batch.last else { return out }
            cursor = PageCursor(time: last.createdAt.millisecondsSince1970, id: last.id)
        }
    }

    func allRuns(_ tenant: TenantID, userId: String) throws -> [Run] {
        var out: [Run] = []
        var cursor: PageCursor? = nil
        while true {
            let batch = try runs(tenant, RunFilter(userId: userId), before: cursor, limit: 500)
            out += batch
            guard batch.count == 500, let last = batch.last else { return out }
            cursor = PageCursor(time: last.createdAt.millisecondsSince1970, id: last.id)
        }
    }

    func allMessages(_ tenant: TenantID, _ sessionId: String) throws -> [Message] {
        var out: [Message] = []
        while true {
            let batch = try messages(tenant, sessionId, afterSeq: out.last?.seq ?? 0, limit: 1000)
            out += batch
            if batch.count < 1000 { return out }
        }
    }
}
