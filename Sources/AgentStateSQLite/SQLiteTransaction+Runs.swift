import AgentState
import Foundation
import GRDB

extension SQLiteTransaction {
    // MARK: Runs

    public func run(_ tenant: TenantID, _ id: String) throws -> Run? {
        try doc(Run.self, "SELECT doc FROM runs WHERE tenant_id = ? AND id = ?", [tenant, id])
    }

    public func insertRun(_ r: Run) throws {
        try execute("""
            INSERT INTO runs (tenant_id, id, workflow, status, owner, user_id, session_id, created_at, updated_at, claimable_at, doc)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [r.tenantId, r.id, r.workflow, r.status.rawValue, r.owner, r.userId, r.sessionId, r.createdAt.ms, r.updatedAt.ms,
                  r.claimableAt?.ms, seal(try StoredDocument.encode(r))])
    }

    public func updateRun(_ r: Run) throws {
        try execute("""
            UPDATE runs SET status = ?, owner = ?, updated_at = ?, claimable_at = ?, doc = ? WHERE tenant_id = ? AND id = ?
            """, [r.status.rawValue, r.owner, r.updatedAt.ms, r.claimableAt?.ms, seal(try StoredDocument.encode(r)), r.tenantId, r.id])
    }

    public func deleteRun(_ tenant: TenantID, _ id: String) throws {
        try execute("DELETE FROM runs WHERE tenant_id = ? AND id = ?", [tenant, id])
    }

    public func runs(_ tenant: TenantID, _ f: RunFilter, before: PageCursor?, limit: Int) throws -> [Run] {
        var conditions = ["tenant_id = ?"]
        var args: StatementArguments = [tenant]
        if let v = f.status { conditions.append("status = ?"); args += [v.rawValue] }
        if let v = f.owner { conditions.append("owner = ?"); args += [v] }
        if let v = f.workflow { conditions.append("workflow = ?"); args += [v] }
        if let v = f.userId { conditions.append("user_id = ?"); args += [v] }
        if let v = f.sessionId { conditions.append("session_id = ?"); args += [v] }
        if let v = f.updatedBefore { conditions.append("updated_at < ?"); args += [v.ms] }
        Self.keyset(before, timeColumn: "created_at", descending: true, into: &conditions, &args)
        args += [limit]
        return try docs(Run.self, "SELECT doc FROM runs WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at DESC, id DESC LIMIT ?", args)
    }

    public func nextClaimable(_ tenant: TenantID, workflow: String?, at now: Date) throws -> Run? {
        if let workflow {
            return try doc(Run.self, """
                SELECT doc FROM runs WHERE tenant_id = ? AND workflow = ? AND claimable_at IS NOT NULL AND claimable_at <= ?
                ORDER BY claimable_at, id LIMIT 1
                """, [tenant, workflow, now.ms])
        }
        return try doc(Run.self, """
            SELECT doc FROM runs WHERE tenant_id = ? AND claimable_at IS NOT NULL AND claimable_at <= ? ORDER BY claimable_at, id LIMIT 1
            """, [tenant, now.ms])
    }

    // MARK: Steps

    public func step(_ tenant: TenantID, _ runId: String, _ name: String) throws -> Step? {
        try doc(Step.self, "SELECT doc FROM steps WHERE tenant_id = ? AND run_id = ? AND name = ?", [tenant, runId, name])
    }

    public func saveStep(_ s: Step) throws {
        try execute("INSERT OR REPLACE INTO steps (tenant_id, run_id, name, idx, doc) VALUES (?, ?, ?, ?, ?)",
                    [s.tenantId, s.runId, s.name, s.index, seal(try StoredDocument.encode(s))])
    }

    public func steps(_ tenant: TenantID, _ runId: String) throws -> [Step] {
        try docs(Step.self, "SELECT doc FROM steps WHERE tenant_id = ? AND run_id = ? ORDER BY idx", [tenant, runId])
    }

    public func nextStepIndex(_ tenant: TenantID, _ runId: String) throws -> Int {
        try row("SELECT COALESCE(max(idx) + 1, 0) FROM steps WHERE tenant_id = ? AND run_id = ?", [tenant, runId]).map { $0[0] } ?? 0
    }

    public func deleteSteps(_ tenant: TenantID, _ runId: String) throws -> Int {
        try rowsChanged("DELETE FROM steps WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    // MARK: Effects

    public func effect(_ tenant: TenantID, _ runId: String, _ key: String) throws -> Effect? {
        try doc(Effect.self, "SELECT doc FROM effects WHERE tenant_id = ? AND run_id = ? AND key = ?", [tenant, runId, key])
    }

    public func saveEffect(_ e: Effect) throws {
        try execute("INSERT OR REPLACE INTO effects (tenant_id, run_id, key, doc) VALUES (?, ?, ?, ?)",
                    [e.tenantId, e.runId, e.key, seal(try StoredDocument.encode(e))])
    }

    public func effects(_ tenant: TenantID, _ runId: String) throws -> [Effect] {
        try docs(Effect.self, "SELECT doc FROM effects WHERE tenant_id = ? AND run_id = ? ORDER BY key", [tenant, runId])
    }

    public func deleteEffects(_ tenant: TenantID, _ runId: String) throws -> Int {
        try rowsChanged("DELETE FROM effects WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    // MARK: Approvals

    public func approval(_ tenant: TenantID, _ id: String) throws -> Approval? {
        try doc(Approval.self, "SELECT doc FROM approvals WHERE tenant_id = ? AND id = ?", [tenant, id])
    }

    public func saveApproval(_ a: Approval) throws {
        try execute("""
            INSERT OR REPLACE INTO approvals (tenant_id, id, run_id, status, approver, grp, created_at, expires_at, doc)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [a.tenantId, a.id, a.runId, a.status.rawValue, a.approver, a.group, a.createdAt.ms, a.expiresAt?.ms, seal(try StoredDocument.encode(a))])
    }

    public func approvals(_ tenant: TenantID, _ f: ApprovalFilter, after: PageCursor?, limit: Int) throws -> [Approval] {
        var conditions = ["tenant_id = ?"]
        var args: StatementArguments = [tenant]
        if let v = f.status { conditions.append("status = ?"); args += [v.rawValue] }
        if let v = f.approver { conditions.append("approver = ?"); args += [v] }
        if let v = f.group { conditions.append("grp = ?"); args += [v] }
        if let v = f.runId { conditions.append("run_id = ?"); args += [v] }
        if let v = f.overdueAt { conditions.append("expires_at IS NOT NULL AND expires_at <= ?"); args += [v.ms] }
        Self.keyset(after, timeColumn: "created_at", descending: false, into: &conditions, &args)
        args += [limit]
        return try docs(Approval.self, "SELECT doc FROM approvals WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at, id LIMIT ?", args)
    }

    public func dueApprovals(at now: Date, limit: Int) throws -> [Approval] {
        try docs(Approval.self, """
            SELECT doc FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?
            """, [now.ms, limit])
    }

    public func deleteApprovals(_ tenant: TenantID, runId: String) throws -> Int {
        try rowsChanged("DELETE FROM approvals WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    // MARK: Timers

    public func saveTimer(_ t: RunTimer) throws {
        try execute("INSERT OR REPLACE INTO timers (tenant_id, run_id, fire_at) VALUES (?, ?, ?)", [t.tenantId, t.runId, t.fireAt.ms])
    }

    public func deleteTimer(_ tenant: TenantID, runId: String) throws {
        try execute("DELETE FROM timers WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    public func dueTimers(at now: Date, limit: Int) throws -> [RunTimer] {
        try rows("SELECT tenant_id, run_id, fire_at FROM timers WHERE fire_at <= ? ORDER BY fire_at LIMIT ?", [now.ms, limit])
            .map { RunTimer(tenantId: $0[0], runId: $0[1], fireAt: Date(millisecondsSince1970: $0[2])) }
    }

    // MARK: Checkpoints

    public func insertCheckpoint(_ r: CheckpointRecord) throws {
        try execute("INSERT INTO checkpoints (tenant_id, run_id, seq, step, kind, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [r.tenantId, r.runId, r.seq, r.step, r.kind.rawValue, seal(try StoredDocument.encode(r.body)), r.createdAt.ms])
    }

    public func checkpointRecords(_ tenant: TenantID, _ runId: String, fromSeq: Int64, throughSeq: Int64, limit: Int) throws -> [CheckpointRecord] {
        try rows("""
            SELECT seq, step, kind, body, created_at FROM checkpoints WHERE tenant_id = ? AND run_id = ? AND seq >= ? AND seq <= ?
            ORDER BY seq LIMIT ?
            """, [tenant, runId, fromSeq, throughSeq, limit]).map { row in
            CheckpointRecord(tenantId: tenant, runId: runId, seq: row[0], step: row[1], kind: CheckpointKind(rawValue: row[2]) ?? .full,
                             body: try StoredDocument.decode(JSONValue.self, open(row[3])), createdAt: Date(millisecondsSince1970: row[4]))
        }
    }

    public func lastFullCheckpointSeq(_ tenant: TenantID, _ runId: String, atOrBefore seq: Int64) throws -> Int64? {
        try row("SELECT seq FROM checkpoints WHERE tenant_id = ? AND run_id = ? AND kind = 'full' AND seq <= ? ORDER BY seq DESC LIMIT 1",
                [tenant, runId, seq]).map { $0[0] }
    }

    public func lastCheckpointSeq(_ tenant: TenantID, _ runId: String, step: String) throws -> Int64? {
        try row("SELECT seq FROM checkpoints WHERE tenant_id = ? AND run_id = ? AND step = ? ORDER BY seq DESC LIMIT 1",
                [tenant, runId, step]).map { $0[0] }
    }

    public func checkpointHead(_ tenant: TenantID, _ runId: String) throws -> Checkpoint? {
        try doc(Checkpoint.self, "SELECT doc FROM checkpoint_heads WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    public func saveCheckpointHead(_ c: Checkpoint) throws {
        try execute("INSERT OR REPLACE INTO checkpoint_heads (tenant_id, run_id, doc) VALUES (?, ?, ?)", [c.tenantId, c.runId, seal(try StoredDocument.encode(c))])
    }

    public func deleteCheckpoints(_ tenant: TenantID, _ runId: String) throws -> Int {
        try execute("DELETE FROM checkpoint_heads WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
        return try rowsChanged("DELETE FROM checkpoints WHERE tenant_id = ? AND run_id = ?", [tenant, runId])
    }

    // MARK: Counts

    public func runCounts(tenant: TenantID?) throws -> [RunStatus: Int] {
        let rows = tenant == nil
            ? try rows("SELECT status, COUNT(*) FROM runs GROUP BY status", [])
            : try rows("SELECT status, COUNT(*) FROM runs WHERE tenant_id = ? GROUP BY status", [tenant])
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in RunStatus(rawValue: row[0]).map { ($0, row[1] as Int) } })
    }

    public func approvalCounts(tenant: TenantID?, overdueAt now: Date) throws -> (pending: Int, overdue: Int) {
        let row = tenant == nil
            ? try row("SELECT COUNT(*), COALESCE(SUM(expires_at IS NOT NULL AND expires_at <= ?), 0) FROM approvals WHERE status = 'pending'", [now.ms])
            : try row("SELECT COUNT(*), COALESCE(SUM(expires_at IS NOT NULL AND expires_at <= ?), 0) FROM approvals WHERE tenant_id = ? AND status = 'pending'",
                      [now.ms, tenant])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }
}
