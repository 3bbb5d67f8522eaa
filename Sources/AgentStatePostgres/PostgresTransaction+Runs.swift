import AgentState
import Foundation
import PostgresNIO

extension PostgresTransaction {
    // MARK: Runs

    /// In a write transaction, the run's row is locked and its event stream's head read in the
    /// same statement: the change that follows appends an event without another round trip.
    /// A run this transaction already holds (and may have changed since) is not read again.
    public func run(_ tenant: TenantID, _ id: String) throws -> Run? {
        guard writing else { return try doc(Run.self, "SELECT doc FROM runs WHERE tenant_id = $1 AND id = $2", [tenant, id]) }
        let stream = EventStream.run(id)
        if let held = heldRuns[RunKey(tenant, id)] { return held }
        guard let row = try row("""
            SELECT r.doc, e.seq, e.hash FROM runs r LEFT JOIN LATERAL (
                SELECT seq, hash FROM events WHERE tenant_id = r.tenant_id AND stream = $3 ORDER BY seq DESC LIMIT 1
            ) e ON true
            WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r
            """, [tenant, id, stream]) else { return nil }
        let run = try document(Run.self, in: row[0])
        hold(tenant, stream: stream)
        let head = try row[1].decode(Int64?.self).map { (seq: $0, hash: try row[2].decode(String.self)) }
        knownHeads[ChangedStream(tenant, stream)] = KnownHead(head: head)
        heldRuns[RunKey(tenant, id)] = run
        return run
    }

    /// The new row, and so its event stream, is this transaction's until it commits.
    public func insertRun(_ r: Run) throws {
        hold(r.tenantId, stream: EventStream.run(r.id))
        heldRuns[RunKey(r.tenantId, r.id)] = r
        execute("""
            INSERT INTO runs (tenant_id, id, workflow, status, owner, user_id, session_id, created_at, updated_at, claimable_at, doc,
                              touched_minute, finished_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, [r.tenantId, r.id, r.workflow, r.status.rawValue, r.owner, r.userId, r.sessionId, r.createdAt, r.updatedAt,
                  r.claimableAt, seal(try StoredDocument.encode(r)), Self.minute(r.updatedAt), Self.finishedAt(r)])
    }

    /// Sets no indexed column that a step or a checkpoint changes (see migration `v7-hot-updates`).
    public func updateRun(_ r: Run) throws {
        if writing { heldRuns[RunKey(r.tenantId, r.id)] = r }
        execute("""
            UPDATE runs SET status = $1, owner = $2, updated_at = $3, claimable_at = $4, doc = $5, touched_minute = $8, finished_at = $9
            WHERE tenant_id = $6 AND id = $7
            """, [r.status.rawValue, r.owner, r.updatedAt, r.claimableAt, seal(try StoredDocument.encode(r)), r.tenantId, r.id,
                  Self.minute(r.updatedAt), Self.finishedAt(r)])
    }

    /// A time to the minute, as `runs.touched_minute` indexes a run's last change.
    static func minute(_ time: Date) -> Int64 { time.millisecondsSince1970 / 60_000 }

    /// When a run retention may purge finished, or nil while it may not.
    private static func finishedAt(_ r: Run) -> Date? {
        r.status == .completed || r.status == .cancelled ? r.updatedAt : nil
    }

    public func deleteRun(_ tenant: TenantID, _ id: String) throws {
        heldRuns[RunKey(tenant, id)] = nil
        execute("DELETE FROM runs WHERE tenant_id = $1 AND id = $2", [tenant, id])
    }

    public func runs(_ tenant: TenantID, _ f: RunFilter, before: PageCursor?, limit: Int) throws -> [Run] {
        var list = ListQuery(tenant: tenant)
        if let v = f.status { list.add("status = ?", v.rawValue) }
        if let v = f.owner { list.add("owner = ?", v) }
        if let v = f.workflow { list.add("workflow = ?", v) }
        if let v = f.userId { list.add("user_id = ?", v) }
        if let v = f.sessionId { list.add("session_id = ?", v) }
        if let v = f.updatedBefore {
            // The index finds the minutes; the exact time beside it settles the last one.
            list.add("touched_minute <= ?", Self.minute(v))
            list.add("updated_at < ?", v)
        }
        list.after(before, descending: true)
        let q = list.select(from: "runs", descending: true, limit: limit)
        return try docs(Run.self, q.sql, q.arguments)
    }

    /// Skips runs another transaction holds, so many workers claiming at once each get a
    /// different run instead of queueing behind the first.
    public func nextClaimable(_ tenant: TenantID, workflow: String?, at now: Date) throws -> Run? {
        if let workflow {
            return try doc(Run.self, """
                SELECT doc FROM runs WHERE tenant_id = $1 AND workflow = $2 AND claimable_at IS NOT NULL AND claimable_at <= $3
                ORDER BY claimable_at, id LIMIT 1
                """ + lockOrSkip, [tenant, workflow, now]).map(lockedRun)
        }
        return try doc(Run.self, """
            SELECT doc FROM runs WHERE tenant_id = $1 AND claimable_at IS NOT NULL AND claimable_at <= $2 ORDER BY claimable_at, id LIMIT 1
            """ + lockOrSkip, [tenant, now]).map(lockedRun)
    }

    private func lockedRun(_ run: Run) -> Run {
        hold(run.tenantId, stream: EventStream.run(run.id))
        return run
    }

    // MARK: Steps

    /// In a write transaction, with the index a new step would take (see `nextStepIndexes`): a
    /// step is read before it is written, and a new one then needs it.
    public func step(_ tenant: TenantID, _ runId: String, _ name: String) throws -> Step? {
        guard writing else {
            return try doc(Step.self, "SELECT doc FROM steps WHERE tenant_id = $1 AND run_id = $2 AND name = $3", [tenant, runId, name])
        }
        guard let found = try row("""
            SELECT (SELECT doc FROM steps WHERE tenant_id = $1 AND run_id = $2 AND name = $3 FOR UPDATE),
                   (SELECT COALESCE(max(idx) + 1, 0) FROM steps WHERE tenant_id = $1 AND run_id = $2)
            """, [tenant, runId, name]) else { return nil }
        nextStepIndexes[RunKey(tenant, runId)] = Int(try found[1].decode(Int64.self))
        return try found[0].decode(String?.self).map { try StoredDocument.decode(Step.self, open($0)) }
    }

    public func saveStep(_ s: Step) throws {
        let key = RunKey(s.tenantId, s.runId)
        if let next = nextStepIndexes[key], s.index >= next { nextStepIndexes[key] = s.index + 1 }
        execute("""
            INSERT INTO steps (tenant_id, run_id, name, idx, doc) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, run_id, name) DO UPDATE SET idx = excluded.idx, doc = excluded.doc
            """, [s.tenantId, s.runId, s.name, s.index, seal(try StoredDocument.encode(s))])
    }

    public func steps(_ tenant: TenantID, _ runId: String) throws -> [Step] {
        try docs(Step.self, "SELECT doc FROM steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY idx", [tenant, runId])
    }

    public func nextStepIndex(_ tenant: TenantID, _ runId: String) throws -> Int {
        if let known = nextStepIndexes[RunKey(tenant, runId)] { return known }
        return Int(try row("SELECT COALESCE(max(idx) + 1, 0) FROM steps WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])?[0].decode(Int64.self) ?? 0)
    }

    public func deleteSteps(_ tenant: TenantID, _ runId: String) throws -> Int {
        nextStepIndexes[RunKey(tenant, runId)] = nil
        return try rowsChanged("DELETE FROM steps WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
    }

    // MARK: Effects

    public func effect(_ tenant: TenantID, _ runId: String, _ key: String) throws -> Effect? {
        try doc(Effect.self, "SELECT doc FROM effects WHERE tenant_id = $1 AND run_id = $2 AND key = $3" + lock, [tenant, runId, key])
    }

    public func saveEffect(_ e: Effect) throws {
        execute("""
            INSERT INTO effects (tenant_id, run_id, key, doc) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, run_id, key) DO UPDATE SET doc = excluded.doc
            """, [e.tenantId, e.runId, e.key, seal(try StoredDocument.encode(e))])
    }

    public func effects(_ tenant: TenantID, _ runId: String) throws -> [Effect] {
        try docs(Effect.self, "SELECT doc FROM effects WHERE tenant_id = $1 AND run_id = $2 ORDER BY key", [tenant, runId])
    }

    public func deleteEffects(_ tenant: TenantID, _ runId: String) throws -> Int {
        try rowsChanged("DELETE FROM effects WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
    }

    // MARK: Approvals

    public func approval(_ tenant: TenantID, _ id: String) throws -> Approval? {
        try doc(Approval.self, "SELECT doc FROM approvals WHERE tenant_id = $1 AND id = $2" + lock, [tenant, id])
    }

    public func saveApproval(_ a: Approval) throws {
        execute("""
            INSERT INTO approvals (tenant_id, id, run_id, status, approver, grp, created_at, expires_at, doc)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (tenant_id, id) DO UPDATE SET status = excluded.status, approver = excluded.approver, grp = excluded.grp,
                expires_at = excluded.expires_at, doc = excluded.doc
            """, [a.tenantId, a.id, a.runId, a.status.rawValue, a.approver, a.group, a.createdAt, a.expiresAt, seal(try StoredDocument.encode(a))])
    }

    public func approvals(_ tenant: TenantID, _ f: ApprovalFilter, after: PageCursor?, limit: Int) throws -> [Approval] {
        var list = ListQuery(tenant: tenant)
        if let v = f.status { list.add("status = ?", v.rawValue) }
        if let v = f.approver { list.add("approver = ?", v) }
        if let v = f.group { list.add("grp = ?", v) }
        if let v = f.runId { list.add("run_id = ?", v) }
        if let v = f.overdueAt { list.add("expires_at IS NOT NULL AND expires_at <= ?", v) }
        list.after(after, descending: false)
        let q = list.select(from: "approvals", descending: false, limit: limit)
        return try docs(Approval.self, q.sql, q.arguments)
    }

    /// Skips approvals another server's sweeper holds: each expires once.
    public func dueApprovals(at now: Date, limit: Int) throws -> [Approval] {
        try docs(Approval.self, """
            SELECT doc FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2
            """ + lockOrSkip, [now, limit])
    }

    public func deleteApprovals(_ tenant: TenantID, runId: String) throws -> Int {
        try rowsChanged("DELETE FROM approvals WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
    }

    // MARK: Timers

    public func saveTimer(_ t: RunTimer) throws {
        execute("""
            INSERT INTO timers (tenant_id, run_id, fire_at) VALUES ($1, $2, $3)
            ON CONFLICT (tenant_id, run_id) DO UPDATE SET fire_at = excluded.fire_at
            """, [t.tenantId, t.runId, t.fireAt])
    }

    public func deleteTimer(_ tenant: TenantID, runId: String) throws {
        execute("DELETE FROM timers WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
    }

    /// Locks the timers' runs, not the timers: every other change to a run locks the run first,
    /// so taking them in the same order cannot deadlock. Runs another server holds are skipped,
    /// so each timer fires once.
    public func dueTimers(at now: Date, limit: Int) throws -> [RunTimer] {
        try rows("""
            SELECT t.tenant_id, t.run_id, t.fire_at FROM timers t JOIN runs r ON r.tenant_id = t.tenant_id AND r.id = t.run_id
            WHERE t.fire_at <= $1 ORDER BY t.fire_at LIMIT $2
            """ + (writing ? " FOR UPDATE OF r SKIP LOCKED" : ""), [now, limit]).map {
            RunTimer(tenantId: try $0[0].decode(String.self), runId: try $0[1].decode(String.self), fireAt: Date(millisecondsSince1970: try $0[2].decode(Int64.self)))
        }
    }

    // MARK: Checkpoints

    public func insertCheckpoint(_ r: CheckpointRecord) throws {
        execute("INSERT INTO checkpoints (tenant_id, run_id, seq, step, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                [r.tenantId, r.runId, r.seq, r.step, r.kind.rawValue, seal(try StoredDocument.encode(r.body)), r.createdAt])
    }

    public func checkpointRecords(_ tenant: TenantID, _ runId: String, fromSeq: Int64, throughSeq: Int64, limit: Int) throws -> [CheckpointRecord] {
        try rows("""
            SELECT seq, step, kind, body, created_at FROM checkpoints WHERE tenant_id = $1 AND run_id = $2 AND seq >= $3 AND seq <= $4
            ORDER BY seq LIMIT $5
            """, [tenant, runId, fromSeq, throughSeq, limit]).map { row in
            CheckpointRecord(tenantId: tenant, runId: runId, seq: try row[0].decode(Int64.self), step: try row[1].decode(String?.self),
                             kind: CheckpointKind(rawValue: try row[2].decode(String.self)) ?? .full,
                             body: try document(JSONValue.self, in: row[3]),
                             createdAt: Date(millisecondsSince1970: try row[4].decode(Int64.self)))
        }
    }

    public func lastFullCheckpointSeq(_ tenant: TenantID, _ runId: String, atOrBefore seq: Int64) throws -> Int64? {
        try row("SELECT seq FROM checkpoints WHERE tenant_id = $1 AND run_id = $2 AND kind = 'full' AND seq <= $3 ORDER BY seq DESC LIMIT 1",
                [tenant, runId, seq]).map { try $0[0].decode(Int64.self) }
    }

    public func lastCheckpointSeq(_ tenant: TenantID, _ runId: String, step: String) throws -> Int64? {
        try row("SELECT seq FROM checkpoints WHERE tenant_id = $1 AND run_id = $2 AND step = $3 ORDER BY seq DESC LIMIT 1",
                [tenant, runId, step]).map { try $0[0].decode(Int64.self) }
    }

    public func checkpointHead(_ tenant: TenantID, _ runId: String) throws -> Checkpoint? {
        try doc(Checkpoint.self, "SELECT doc FROM checkpoint_heads WHERE tenant_id = $1 AND run_id = $2" + lock, [tenant, runId])
    }

    public func saveCheckpointHead(_ c: Checkpoint) throws {
        execute("""
            INSERT INTO checkpoint_heads (tenant_id, run_id, doc) VALUES ($1, $2, $3)
            ON CONFLICT (tenant_id, run_id) DO UPDATE SET doc = excluded.doc
            """, [c.tenantId, c.runId, seal(try StoredDocument.encode(c))])
    }

    public func deleteCheckpoints(_ tenant: TenantID, _ runId: String) throws -> Int {
        execute("DELETE FROM checkpoint_heads WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
        return try rowsChanged("DELETE FROM checkpoints WHERE tenant_id = $1 AND run_id = $2", [tenant, runId])
    }

    // MARK: Counts

    public func runCounts(tenant: TenantID?) throws -> [RunStatus: Int] {
        let rows = tenant == nil
            ? try rows("SELECT status, COUNT(*) FROM runs GROUP BY status", [])
            : try rows("SELECT status, COUNT(*) FROM runs WHERE tenant_id = $1 GROUP BY status", [tenant])
        return Dictionary(uniqueKeysWithValues: try rows.compactMap { row in
            try RunStatus(rawValue: try row[0].decode(String.self)).map { ($0, Int(try row[1].decode(Int64.self))) }
        })
    }

    public func approvalCounts(tenant: TenantID?, overdueAt now: Date) throws -> (pending: Int, overdue: Int) {
        let select = "SELECT COUNT(*), COUNT(*) FILTER (WHERE expires_at IS NOT NULL AND expires_at <= $1) FROM approvals WHERE status = 'pending'"
        let row = tenant == nil ? try row(select, [now]) : try row(select + " AND tenant_id = $2", [now, tenant])
        return (Int(try row?[0].decode(Int64.self) ?? 0), Int(try row?[1].decode(Int64.self) ?? 0))
    }
}
