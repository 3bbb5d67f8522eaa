import AgentState
import AgentStateSQLite
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("SQLite: configuration and query plans")
struct QueryPlanTests {
    @Test("every statement the store runs is an index lookup, never a scan of a whole table")
    func noFullScans() async throws {
        let seen = Mutex<Set<String>>([])
        var config = SQLiteStore.Configuration()
        config.statementObserver = { sql in seen.withLock { _ = $0.insert(sql) } }
        let clock = ManualClock()
        let store = try SQLiteStore(path: temporaryPath("plans.sqlite"), configuration: config, clock: clock)
        let t = "acme"

        // A little of every hot path.
        _ = try await store.createSession(t, SessionCreate(id: "s", userId: "u", ttlSeconds: 60))
        _ = try await store.appendMessages(t, "s", [.system("sys"), .user("hi"), .assistant("hello")], expectedLastSeq: nil)
        _ = try await store.messages(t, "s", .last(20))
        _ = try await store.messages(t, "s", .tokenBudget(100))
        _ = try await store.messages(t, "s", .after(seq: 1, limit: 10))
        _ = try await store.messages(t, "s", .between(since: clock.now(), until: nil, limit: 10))
        _ = try await store.sessions(t, SessionQuery(userId: "u"))
        _ = try await store.createRun(t, RunCreate(id: "r", workflow: "wf", sessionId: "s", userId: "u"))
        let claimed = try #require(try await store.claim(t, ClaimRequest(worker: "w", workflow: "wf")))
        _ = try await store.claim(t, ClaimRequest(worker: "w"))
        _ = try await store.putStep(t, "r", "a", StepWrite(status: .running, fencingToken: claimed.lease.token))
        let e = try await store.beginEffect(t, "r", "k", EffectBegin(holder: "w"))
        _ = try await store.completeEffect(t, "r", "k", attemptToken: e.effect.attemptToken, result: nil, externalId: nil)
        _ = try await store.saveCheckpoint(t, "r", CheckpointWrite(step: "a", state: .full(["x": 1])))
        _ = try await store.saveCheckpoint(t, "r", CheckpointWrite(step: "a", state: .patch(["y": 2])))
        _ = try await store.checkpoint(t, "r", .seq(1))
        _ = try await store.checkpoint(t, "r", .step("a"))
        _ = try await store.requestApproval(t, "r", ApprovalRequest(id: "a", approver: "ann", reason: "x", timeoutSeconds: 5))
        _ = try await store.approvals(t, ApprovalQuery(status: .pending, approver: "ann"))
        _ = try await store.approvals(t, ApprovalQuery(group: "ops", overdue: true))
        _ = try await store.runs(t, RunQuery(status: .waitingForApproval))
        _ = try await store.runs(t, RunQuery(owner: "ann", updatedBefore: clock.now()))
        _ = try await store.runs(t, RunQuery(workflow: "wf"))
        _ = try await store.putMemory(t, MemoryKey(userId: "u", namespace: "n", key: "k"), MemoryWrite(value: 1, text: "hello world", embedding: [1, 0]))
        _ = try await store.memoryItems(t, MemoryQuery(userId: "u", namespace: "n", prefix: "k"))
        _ = try await store.searchMemory(t, userId: "u", MemorySearch(text: "hello"))
        _ = try await store.searchMemory(t, userId: "u", MemorySearch(vector: [1, 0]))
        let key = try await store.createAPIKey(t, role: .agent, name: nil)
        _ = try await store.authenticate(secret: key.secret)
        _ = try await store.apiKeys(tenant: t)
        _ = try await store.beginIdempotent(t, key: "i", requestHash: "h")
        try await store.finishIdempotent(t, key: "i", status: 200, headers: [:], body: nil)
        clock.advance(by: 3600)
        _ = try await store.sweep()
        clock.advance(by: APIKeys.idempotencyWindow)
        _ = try await store.sweep()
        _ = try await store.runState(t, "r", at: .seq(3))
        _ = try await store.eraseUser(t, "u")

        let statements = seen.withLock { $0 }.filter { sql in
            let s = sql.uppercased()
            return (s.hasPrefix("SELECT") || s.hasPrefix("UPDATE") || s.hasPrefix("DELETE")) && !s.contains("SQLITE_MASTER")
                && !s.contains("GRDB_MIGRATIONS") && !s.contains("PRAGMA") && !s.contains("MEMORY_FTS_")
        }
        #expect(statements.count > 30)
        let plans = try await store.unsafeRead { db in
            try statements.map { sql in (sql, try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(), adapter: ColumnMapping(["detail": "detail"]))) }
        }
        for (sql, details) in plans {
            // FTS5 answers MATCH from its own index (its shadow tables are left out above);
            // everything else must search a B-tree.
            let scans = details.filter { $0.hasPrefix("SCAN") && !$0.contains("VIRTUAL TABLE") }
            #expect(scans.isEmpty, "\(sql)\n  → \(details)")
        }
        try await store.close()
    }

    @Test("store URL options reach the connection: strict durability syncs every commit")
    func durability() async throws {
        let strict = try SQLiteStore(path: temporaryPath("strict.sqlite"), configuration: SQLiteStore.Configuration(urlOptions: ["durability": "strict"]))
        #expect(try await strict.unsafeRead { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        try await strict.close()
        let normal = try SQLiteStore(path: temporaryPath("normal.sqlite"))
        #expect(try await normal.unsafeRead { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(try await normal.unsafeRead { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try await normal.close()
        #expect(throws: AgentStateError.self) { try SQLiteStore.Configuration(urlOptions: ["durability": "sometimes"]) }
        #expect(throws: AgentStateError.self) { try SQLiteStore.Configuration(urlOptions: ["cache": "big"]) }
    }

    @Test("a file that is not a database is a clear error, not a crash")
    func notADatabase() throws {
        let path = temporaryPath("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: AgentStateError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .unavailable && error?.message.contains(path) == true)
    }
}
