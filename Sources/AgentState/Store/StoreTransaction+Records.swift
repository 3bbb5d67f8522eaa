import Foundation

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

    func allEvents(_ tenant: TenantID, stream: String) throws -> [Event] {
        var out: [Event] = []
        while true {
            let batch = try events(tenant, stream: stream, afterSeq: out.last?.seq ?? 0, limit: 1000)
            out += batch
            if batch.count < 1000 { return out }
        }
    }
}
