import AgentState
import AgentStatePostgres
import AgentStateTesting
import Foundation
import PostgresNIO
import Synchronization
import Testing

@Suite("PostgreSQL: statements prepared once, sent without waiting")
struct PostgresStatementTests {
    let tenant: TenantID = "acme"

    @Test("a statement's rows come back the same prepared as unprepared, and it is prepared on its connection once used")
    func prepared() async throws {
        let store = try await TestPostgres.freshStore()
        let (numbers, statements) = try await store.write { tx in
            let sql = "SELECT $1::bigint + 1, $2::text || '!', NULL::text, 7::int4"
            let rows = try (0..<2).map { _ in try tx.rows(sql, [Int64(41), "hi"]) }
            let numbers = try rows.map { r in
                [try r[0][0].decode(Int64.self), try r[0][1].decode(String.self), try r[0][2].decode(String?.self), try r[0][3].decode(Int.self)]
                    .map { "\($0 ?? "nil")" }
            }
            let statements = try tx.rows("SELECT statement FROM pg_prepared_statements", []).map { try $0[0].decode(String.self) }
            return (numbers, statements)
        }
        #expect(numbers == [["42", "hi!", "nil", "7"], ["42", "hi!", "nil", "7"]])
        #expect(statements.filter { $0.contains("bigint + 1") }.count == 1, "prepared once: \(statements)")
        #expect(!statements.contains { $0.contains("pg_prepared_statements") }, "statements without parameters are not prepared")
        try await store.close()
    }

    @Test("a statement sent without waiting that fails fails its transaction with its own error, and what came before it is undone")
    func unansweredFailure() async throws {
        let store = try await TestPostgres.freshStore()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        let error = await #expect(throws: (any Error).self) {
            try await store.write { [tenant] tx in
                tx.execute("UPDATE sessions SET status = 'closed' WHERE tenant_id = $1 AND id = $2", [tenant, "s"])
                tx.execute("INSERT INTO sessions (tenant_id, id) VALUES ($1, $2)", [tenant, "other"])  // no doc: NOT NULL
                tx.execute("UPDATE sessions SET status = 'expired' WHERE tenant_id = $1", [tenant])
                return try tx.rows("SELECT count(*) FROM sessions WHERE tenant_id = $1", [tenant]).count
            }
        }
        let said = "\(error.map { "\($0)" } ?? "")"
        #expect(said.contains("23502") && said.contains("null value"), "the insert's own error, not the statements failed after it: \(said)")
        #expect(try await store.session(tenant, "s").status == .active)
        #expect(try await store.sessions(tenant, SessionQuery()).items.map(\.id) == ["s"])
        try await store.close()
    }

    @Test("a statement PostgreSQL cannot prepare runs unprepared: its transaction runs again from the start, once")
    func unpreparable() async throws {
        let store = try await TestPostgres.freshStore()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        let bodies = Mutex(0)
        for _ in 0..<2 {
            let answer = try await store.write { [tenant] tx in
                bodies.withLock { $0 += 1 }
                tx.execute("UPDATE sessions SET user_id = COALESCE(user_id, '') || 'u' WHERE tenant_id = $1 AND id = $2", [tenant, "s"])
                // The type of $1 cannot be told from the statement alone; sent unprepared, it is the value's.
                return try tx.rows("SELECT CASE WHEN $1 IS NULL THEN 'none' ELSE 'some' END", ["x"]).map { try $0[0].decode(String.self) }
            }
            #expect(answer == ["some"])
        }
        #expect(bodies.withLock { $0 } == 3, "run again once, the first time only")
        let userId = try await store.unsafeRows("SELECT user_id FROM sessions WHERE tenant_id = $1 AND id = $2", [tenant, "s"])
        #expect(userId == [["uu"]], "the update of the failed attempt did not stay")
        try await store.close()
    }

    @Test("the hot paths' statements, counted: a turn's append and read, a new step, a checkpoint saved and read back")
    func hotPathStatements() async throws {
        let seen = Mutex<[String]>([])
        let counting = Mutex(false)
        var config = try PostgresStore.Configuration(url: TestPostgres.freshURL())
        config.statementObserver = { sql, _ in if counting.withLock({ $0 }) { seen.withLock { $0.append(sql) } } }
        let store = try PostgresStore(configuration: config)
        try await store.migrate()
        _ = try await store.createSession(tenant, SessionCreate(id: "s"))
        let turn: [NewMessage] = [.user(String(repeating: "u", count: 300)), .assistant(String(repeating: "a", count: 600))]
        _ = try await store.appendMessages(tenant, "s", turn, expectedLastSeq: nil)
        _ = try await store.createRun(tenant, RunCreate(id: "r", workflow: "w"))
        _ = try await store.claim(tenant, ClaimRequest(worker: "w1", workflow: "w"))
        func statements(_ work: () async throws -> Void) async throws -> [String] {
            counting.withLock { $0 = true }
            try await work()
            counting.withLock { $0 = false }
            return seen.withLock { all in defer { all = [] }; return all.map { String($0.prefix(24)) } }
        }
        let append = try await statements { _ = try await store.appendMessages(tenant, "s", turn, expectedLastSeq: nil) }
        #expect(append.count == 5, "BEGIN, the session locked, the messages, the session, COMMIT: \(append)")
        let window = try await statements { _ = try await store.messages(tenant, "s", .last(20)) }
        #expect(window.count == 4, "\(window)")
        let step = try await statements { _ = try await store.putStep(tenant, "r", "s1", StepWrite(status: .completed, result: ["ok": true])) }
        #expect(step.count == 7, "a new step's index comes with the read of the step, not by a statement of its own: \(step)")
        let save = try await statements {
            _ = try await store.saveCheckpoint(tenant, "r", CheckpointWrite(step: "s1", state: .full(["notes": .string(String(repeating: "n", count: 2000))])))
        }
        #expect(save.count == 8, "\(save)")
        let read = try await statements { _ = try await store.checkpoint(tenant, "r", .latest) }
        #expect(read.count == 4, "\(read)")
        let progress = try await statements {
            _ = try await store.saveProgress(tenant, "r", step: "s3", StepWrite(status: .completed),
                                             checkpoint: CheckpointWrite(state: .full(["notes": .string(String(repeating: "n", count: 2000))])))
        }
        #expect(progress.count == 12, "a step and its checkpoint: one transaction, the run read once: \(progress)")
        _ = try await store.putStep(tenant, "r", "s2", StepWrite(status: .completed))
        #expect(try await store.steps(tenant, "r").map(\.index) == [0, 1, 2], "each new step takes the next index")
        try await store.close()
    }
}
