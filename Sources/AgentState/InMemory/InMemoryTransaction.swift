import Foundation

public final class InMemoryTransaction: StoreTransaction {
    typealias Key = InMemoryTables.Key
    private let t: InMemoryTables
    public let now: Date
    public let chainSigner: ChainSigner?
    private var undo: [() -> Void] = []
    /// The streams whose events or messages this transaction added to, for the change feeds.
    private(set) var changed: Set<ChangedStream> = []

    init(tables: InMemoryTables, now: Date, chainSigner: ChainSigner? = nil) {
        self.t = tables
        self.now = now
        self.chainSigner = chainSigner
    }

    func rollback() {
        for step in undo.reversed() { step() }
        undo.removeAll()
    }

    /// Sets `table[key]` and remembers how to put back what was there.
    private func set<K: Hashable, V>(_ table: ReferenceWritableKeyPath<InMemoryTables, [K: V]>, _ key: K, _ value: V?) {
        let t = self.t
        let before = t[keyPath: table][key]
        undo.append { t[keyPath: table][key] = before }
        t[keyPath: table][key] = value
    }

    private static func newestFirst(_ a: (Date, String), _ b: (Date, String)) -> Bool { a > b }

    private static func before(_ cursor: PageCursor?, _ time: Date, _ id: String) -> Bool {
        guard let cursor else { return true }
        return (time.millisecondsSince1970, id) < (cursor.time, cursor.id)
    }

    // MARK: Sessions

    public func session(_ tenant: TenantID, _ id: String) throws -> Session? { t.sessions[Key(tenant, id)] }
    public func insertSession(_ s: Session) throws { set(\.sessions, Key(s.tenantId, s.id), s) }
    public func updateSession(_ s: Session) throws { set(\.sessions, Key(s.tenantId, s.id), s) }
    public func deleteSession(_ tenant: TenantID, _ id: String) throws { set(\.sessions, Key(tenant, id), nil) }

    public func sessions(_ tenant: TenantID, userId: String?, status: SessionStatus?, before: PageCursor?, limit: Int) throws -> [Session] {
        t.sessions.values
            .filter { $0.tenantId == tenant && (userId == nil || $0.userId == userId) && (status == nil || $0.status == status)
                && Self.before(before, $0.createdAt, $0.id) }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            .prefix(limit).map { $0 }
    }

    public func expiredSessions(at now: Date, limit: Int) throws -> [Session] {
        t.sessions.values.filter { $0.status == .active && ($0.expiresAt.map { $0 <= now } ?? false) }
            .sorted { ($0.expiresAt!, $0.id) < ($1.expiresAt!, $1.id) }.prefix(limit).map { $0 }
    }

    // MARK: Messages

    public func insertMessages(_ ms: [Message]) throws {
        guard let first = ms.first else { return }
        changed.insert(ChangedStream(first.tenantId, EventStream.session(first.sessionId)))
        let k = Key(first.tenantId, first.sessionId)
        let t = self.t
        let count = t.messages[k]?.count ?? 0
        undo.append { t.messages[k]?.removeSubrange(count...) }
        t.messages[k, default: []] += ms
    }

    private func log(_ tenant: TenantID, _ sessionId: String) -> [Message] { t.messages[Key(tenant, sessionId)] ?? [] }

    public func messages(_ tenant: TenantID, _ sessionId: String, afterSeq: Int64, limit: Int) throws -> [Message] {
        let all = log(tenant, sessionId)
        let start = Int(max(0, min(afterSeq, Int64(all.count))))
        return Array(all[start..<min(all.count, start + limit)])
    }

    public func messagesDescending(_ tenant: TenantID, _ sessionId: String, beforeSeq: Int64, afterSeq: Int64, limit: Int) throws -> [Message] {
        let all = log(tenant, sessionId)
        let end = Int(min(Int64(all.count), beforeSeq - 1))
        let start = max(Int(max(0, afterSeq)), end - limit)
        guard start < end else { return [] }
        return all[start..<end].reversed()
    }

    public func messages(_ tenant: TenantID, _ sessionId: String, since: Date?, until: Date?, limit: Int) throws -> [Message] {
        log(tenant, sessionId).filter { m in (since.map { m.createdAt >= $0 } ?? true) && (until.map { m.createdAt < $0 } ?? true) }
            .prefix(limit).map { $0 }
    }

    public func message(_ tenant: TenantID, _ sessionId: String, seq: Int64) throws -> Message? {
        let all = log(tenant, sessionId)
        return seq >= 1 && seq <= all.count ? all[Int(seq - 1)] : nil
    }

    public func deleteMessages(_ tenant: TenantID, _ sessionId: String) throws -> Int {
        let n = log(tenant, sessionId).count
        set(\.messages, Key(tenant, sessionId), nil)
        return n
    }

    // MARK: Runs

    public func run(_ tenant: TenantID, _ id: String) throws -> Run? { t.runs[Key(tenant, id)] }
    public func insertRun(_ r: Run) throws { set(\.runs, Key(r.tenantId, r.id), r) }
    public func updateRun(_ r: Run) throws { set(\.runs, Key(r.tenantId, r.id), r) }
    public func deleteRun(_ tenant: TenantID, _ id: String) throws { set(\.runs, Key(tenant, id), nil) }

    public func runs(_ tenant: TenantID, _ f: RunFilter, before: PageCursor?, limit: Int) throws -> [Run] {
        t.runs.values
            .filter { r in
                r.tenantId == tenant && (f.status == nil || r.status == f.status) && (f.owner == nil || r.owner == f.owner)
                    && (f.workflow == nil || r.workflow == f.workflow) && (f.userId == nil || r.userId == f.userId)
                    && (f.sessionId == nil || r.sessionId == f.sessionId)
                    && (f.updatedBefore.map { r.updatedAt < $0 } ?? true) && Self.before(before, r.createdAt, r.id)
            }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            .prefix(limit).map { $0 }
    }

    public func nextClaimable(_ tenant: TenantID, workflow: String?, at now: Date) throws -> Run? {
        t.runs.values
            .filter { $0.tenantId == tenant && (workflow == nil || $0.workflow == workflow) && ($0.claimableAt.map { $0 <= now } ?? false) }
            .min { ($0.claimableAt!, $0.id) < ($1.claimableAt!, $1.id) }
    }

    // MARK: Steps and effects

    public func step(_ tenant: TenantID, _ runId: String, _ name: String) throws -> Step? { t.steps[Key(tenant, runId)]?[name] }

    public func saveStep(_ s: Step) throws { saveRunRow(\.steps, s.tenantId, s.runId, s.name, s) }

    public func steps(_ tenant: TenantID, _ runId: String) throws -> [Step] {
        (t.steps[Key(tenant, runId)] ?? [:]).values.sorted { $0.index < $1.index }
    }

    public func nextStepIndex(_ tenant: TenantID, _ runId: String) throws -> Int {
        (t.steps[Key(tenant, runId)]?.values.map(\.index).max()).map { $0 + 1 } ?? 0
    }

    public func deleteSteps(_ tenant: TenantID, _ runId: String) throws -> Int { deleteRunRows(\.steps, tenant, runId) }

    public func effect(_ tenant: TenantID, _ runId: String, _ key: String) throws -> Effect? { t.effects[Key(tenant, runId)]?[key] }
    public func saveEffect(_ e: Effect) throws { saveRunRow(\.effects, e.tenantId, e.runId, e.key, e) }

    public func effects(_ tenant: TenantID, _ runId: String) throws -> [Effect] {
        (t.effects[Key(tenant, runId)] ?? [:]).values.sorted { $0.key < $1.key }
    }

    public func deleteEffects(_ tenant: TenantID, _ runId: String) throws -> Int { deleteRunRows(\.effects, tenant, runId) }

    /// Steps and effects are kept per run, by name: one row saved, with its undo.
    private func saveRunRow<Row>(_ table: ReferenceWritableKeyPath<InMemoryTables, [Key: [String: Row]]>, _ tenant: TenantID,
                                 _ runId: String, _ name: String, _ row: Row) {
        let key = Key(tenant, runId)
        var rows = t[keyPath: table][key] ?? [:]
        rows[name] = row
        set(table, key, rows)
    }

    /// Every row of a run removed; how many there were.
    private func deleteRunRows<Row>(_ table: ReferenceWritableKeyPath<InMemoryTables, [Key: [String: Row]]>, _ tenant: TenantID,
                                    _ runId: String) -> Int {
        let count = t[keyPath: table][Key(tenant, runId)]?.count ?? 0
        set(table, Key(tenant, runId), nil)
        return count
    }

    // MARK: Approvals and timers

    public func approval(_ tenant: TenantID, _ id: String) throws -> Approval? { t.approvals[Key(tenant, id)] }
    public func saveApproval(_ a: Approval) throws { set(\.approvals, Key(a.tenantId, a.id), a) }

    public func approvals(_ tenant: TenantID, _ f: ApprovalFilter, after: PageCursor?, limit: Int) throws -> [Approval] {
        t.approvals.values
            .filter { a in
                a.tenantId == tenant && (f.status == nil || a.status == f.status) && (f.approver == nil || a.approver == f.approver)
                    && (f.group == nil || a.group == f.group) && (f.runId == nil || a.runId == f.runId)
                    && (f.overdueAt.map { at in a.expiresAt.map { $0 <= at } ?? false } ?? true)
                    && (after.map { (a.createdAt.millisecondsSince1970, a.id) > ($0.time, $0.id) } ?? true)
            }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .prefix(limit).map { $0 }
    }

    public func dueApprovals(at now: Date, limit: Int) throws -> [Approval] {
        t.approvals.values.filter { $0.isOverdue(at: now) }.sorted { ($0.expiresAt!, $0.id) < ($1.expiresAt!, $1.id) }
            .prefix(limit).map { $0 }
    }

    public func deleteApprovals(_ tenant: TenantID, runId: String) throws -> Int {
        let doomed = t.approvals.values.filter { $0.tenantId == tenant && $0.runId == runId }
        for a in doomed { set(\.approvals, Key(tenant, a.id), nil) }
        return doomed.count
    }

    public func saveTimer(_ timer: RunTimer) throws { set(\.timers, Key(timer.tenantId, timer.runId), timer) }
    public func deleteTimer(_ tenant: TenantID, runId: String) throws { set(\.timers, Key(tenant, runId), nil) }

    public func dueTimers(at now: Date, limit: Int) throws -> [RunTimer] {
        t.timers.values.filter { $0.fireAt <= now }.sorted { ($0.fireAt, $0.runId) < ($1.fireAt, $1.runId) }.prefix(limit).map { $0 }
    }

    // MARK: Checkpoints

    public func insertCheckpoint(_ r: CheckpointRecord) throws {
        let k = Key(r.tenantId, r.runId)
        set(\.checkpoints, k, (t.checkpoints[k] ?? []) + [r])
    }

    public func checkpointRecords(_ tenant: TenantID, _ runId: String, fromSeq: Int64, throughSeq: Int64, limit: Int) throws -> [CheckpointRecord] {
        (t.checkpoints[Key(tenant, runId)] ?? []).filter { $0.seq >= fromSeq && $0.seq <= throughSeq }.prefix(limit).map { $0 }
    }

    public func lastFullCheckpointSeq(_ tenant: TenantID, _ runId: String, atOrBefore seq: Int64) throws -> Int64? {
        (t.checkpoints[Key(tenant, runId)] ?? []).last { $0.kind == .full && $0.seq <= seq }?.seq
    }

    public func lastCheckpointSeq(_ tenant: TenantID, _ runId: String, step: String) throws -> Int64? {
        (t.checkpoints[Key(tenant, runId)] ?? []).last { $0.step == step }?.seq
    }

    public func checkpointHead(_ tenant: TenantID, _ runId: String) throws -> Checkpoint? { t.checkpointHeads[Key(tenant, runId)] }
    public func saveCheckpointHead(_ c: Checkpoint) throws { set(\.checkpointHeads, Key(c.tenantId, c.runId), c) }

    public func deleteCheckpoints(_ tenant: TenantID, _ runId: String) throws -> Int {
        let n = t.checkpoints[Key(tenant, runId)]?.count ?? 0
        set(\.checkpoints, Key(tenant, runId), nil)
        set(\.checkpointHeads, Key(tenant, runId), nil)
        return n
    }

    // MARK: Events

    public func streamHead(_ tenant: TenantID, stream: String) throws -> (seq: Int64, hash: String)? {
        t.events[Key(tenant, stream)]?.last.map { ($0.seq, $0.hash) }
    }

    public func insertEvent(_ e: Event) throws {
        changed.insert(ChangedStream(e.tenantId, e.stream))
        let k = Key(e.tenantId, e.stream)
        let t = self.t
        let count = t.events[k]?.count ?? 0
        undo.append { t.events[k]?.removeSubrange(count...) }
        t.events[k, default: []].append(e)
    }

    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) throws -> [Event] {
        let all = t.events[Key(tenant, stream)] ?? []
        let start = Int(max(0, min(afterSeq, Int64(all.count))))
        return Array(all[start..<min(all.count, start + limit)])
    }

    public func deleteEvents(_ tenant: TenantID, stream: String) throws -> Int {
        let n = t.events[Key(tenant, stream)]?.count ?? 0
        set(\.events, Key(tenant, stream), nil)
        return n
    }

    // MARK: Memory

    private func rowKey(_ tenant: TenantID, _ key: MemoryKey) -> InMemoryTables.MemoryRowKey { .init(tenant: tenant, key: key) }

    public func memory(_ tenant: TenantID, _ key: MemoryKey) throws -> MemoryItem? { t.memory[rowKey(tenant, key)] }
    public func saveMemory(_ item: MemoryItem) throws { set(\.memory, rowKey(item.tenantId, item.memoryKey), item) }

    public func deleteMemory(_ tenant: TenantID, _ key: MemoryKey) throws -> Bool {
        guard t.memory[rowKey(tenant, key)] != nil else { return false }
        set(\.memory, rowKey(tenant, key), nil)
        return true
    }

    public func memoryItems(_ tenant: TenantID, userId: String, namespace: String, prefix: String?, afterKey: String?, limit: Int) throws -> [MemoryItem] {
        t.memory.values
            .filter { item in
                item.tenantId == tenant && item.userId == userId && item.namespace == namespace
                    && (prefix.map(item.key.hasPrefix) ?? true) && (afterKey.map { item.key > $0 } ?? true)
            }
            .sorted { $0.key < $1.key }.prefix(limit).map { $0 }
    }

    public func searchMemoryText(_ tenant: TenantID, userId: String, namespace: String?, terms: [String], limit: Int) throws -> [MemoryHit] {
        t.memory.values
            .filter { $0.tenantId == tenant && $0.userId == userId && (namespace == nil || $0.namespace == namespace) }
            .compactMap { item -> MemoryHit? in
                let words = MemoryRules.terms(item.text ?? "")
                let hits = terms.map { term in words.filter { $0 == term }.count }
                guard !hits.contains(0) else { return nil }
                return MemoryHit(item: item, score: Double(hits.reduce(0, +)) / Double(max(1, words.count)))
            }
            .sorted { ($0.score, $1.item.key) > ($1.score, $0.item.key) }
            .prefix(limit).map { $0 }
    }

    public func memoryWithEmbeddings(_ tenant: TenantID, userId: String, namespace: String?) throws -> [MemoryItem] {
        t.memory.values.filter { $0.tenantId == tenant && $0.userId == userId && (namespace == nil || $0.namespace == namespace) && $0.embedding != nil }
    }

    public func memoryItems(_ tenant: TenantID, userId: String) throws -> [MemoryItem] {
        t.memory.values.filter { $0.tenantId == tenant && $0.userId == userId }.sorted { ($0.namespace, $0.key) < ($1.namespace, $1.key) }
    }

    public func expiredMemory(at now: Date, limit: Int) throws -> [MemoryItem] {
        t.memory.values.filter { $0.isExpired(at: now) }.prefix(limit).map { $0 }
    }

    // MARK: API keys and idempotency

    public func apiKey(id: String) throws -> APIKey? { t.apiKeys[id] }
    public func apiKey(secretHash: String) throws -> APIKey? { t.apiKeys.values.first { $0.secretHash == secretHash } }
    public func saveAPIKey(_ key: APIKey) throws { set(\.apiKeys, key.id, key) }

    public func apiKeys(tenant: TenantID?) throws -> [APIKey] {
        t.apiKeys.values.filter { tenant == nil || $0.tenantId == tenant }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func idempotencyRecord(_ tenant: TenantID, key: String) throws -> IdempotencyRecord? { t.idempotency[Key(tenant, key)] }
    public func saveIdempotencyRecord(_ r: IdempotencyRecord) throws { set(\.idempotency, Key(r.tenantId, r.key), r) }
    public func deleteIdempotencyRecord(_ tenant: TenantID, key: String) throws { set(\.idempotency, Key(tenant, key), nil) }

    public func deleteIdempotencyRecords(before cutoff: Date, limit: Int) throws -> Int {
        let doomed = t.idempotency.filter { $0.value.createdAt < cutoff }.prefix(limit)
        for (k, _) in doomed { set(\.idempotency, k, nil) }
        return doomed.count
    }

    // MARK: Retention

    public func retentionPolicy(_ tenant: TenantID) throws -> RetentionPolicy? { t.retention[tenant] }
    public func saveRetentionPolicy(_ policy: RetentionPolicy) throws { set(\.retention, policy.tenantId, policy) }
    public func retentionPolicies() throws -> [RetentionPolicy] { t.retention.values.sorted { $0.tenantId < $1.tenantId } }

    public func finishedSessions(_ tenant: TenantID, before: Date, limit: Int) throws -> [Session] {
        t.sessions.values.filter { $0.tenantId == tenant && $0.status != .active && $0.updatedAt < before }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }.prefix(limit).map { $0 }
    }

    public func finishedRuns(_ tenant: TenantID, before: Date, limit: Int) throws -> [Run] {
        t.runs.values.filter { $0.tenantId == tenant && $0.status.isTerminal && $0.updatedAt < before }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }.prefix(limit).map { $0 }
    }

    // MARK: Audit trail

    public func insertAudit(_ records: [AuditRecord]) throws {
        for r in records { set(\.audit, Key(r.tenantId, r.id), r) }
    }

    public func auditRecords(_ tenant: TenantID, keyId: String?, since: Date?, until: Date?, changesOnly: Bool, before: PageCursor?,
                             limit: Int) throws -> [AuditRecord] {
        t.audit.values
            .filter { r in
                r.tenantId == tenant && (keyId == nil || r.keyId == keyId) && (since.map { r.at >= $0 } ?? true)
                    && (until.map { r.at < $0 } ?? true) && (!changesOnly || r.isChange) && Self.before(before, r.at, r.id)
            }
            .sorted { ($0.at, $0.id) > ($1.at, $1.id) }
            .prefix(limit).map { $0 }
    }

    public func deleteAudit(before cutoff: Date, limit: Int) throws -> Int {
        let doomed = t.audit.values.filter { $0.at < cutoff }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }.prefix(limit)
        for r in doomed { set(\.audit, Key(r.tenantId, r.id), nil) }
        return doomed.count
    }

    // MARK: Counts

    public func runCounts(tenant: TenantID?) throws -> [RunStatus: Int] {
        t.runs.values.filter { tenant == nil || $0.tenantId == tenant }.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }

    public func approvalCounts(tenant: TenantID?, overdueAt now: Date) throws -> (pending: Int, overdue: Int) {
        let pending = t.approvals.values.filter { (tenant == nil || $0.tenantId == tenant) && $0.status == .pending }
        return (pending.count, pending.filter { $0.isOverdue(at: now) }.count)
    }
}
