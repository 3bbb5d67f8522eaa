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
            for s in try tx.allSessions(tenant, userId: userId) {
                r.messages += try tx.deleteMessages(tenant, s.id)
                r.events += try tx.deleteEvents(tenant, stream: EventStream.session(s.id))
                try tx.deleteSession(tenant, s.id)
                r.sessions += 1
                erased.append("session:\(s.id)")
            }
            for run in try tx.allRuns(tenant, userId: userId) {
                r.steps += try tx.deleteSteps(tenant, run.id)
                r.effects += try tx.deleteEffects(tenant, run.id)
                r.approvals += try tx.deleteApprovals(tenant, runId: run.id)
                r.checkpoints += try tx.deleteCheckpoints(tenant, run.id)
                r.events += try tx.deleteEvents(tenant, stream: EventStream.run(run.id))
                try tx.deleteTimer(tenant, runId: run.id)
                try tx.deleteRun(tenant, run.id)
                r.runs += 1
                erased.append("run:\(run.id)")
            }
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
