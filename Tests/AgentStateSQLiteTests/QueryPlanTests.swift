import AgentState
import AgentStateSQLite
import AgentStateTesting
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

        try await HotPaths.exercise(store, clock: clock)

        let statements = seen.withLock { $0 }.filter { sql in
            let s = sql.uppercased()
            return (s.hasPrefix("SELECT") || s.hasPrefix("UPDATE") || s.hasPrefix("DELETE")) && !s.contains("SQLITE_MASTER")
                && !s.contains("GRDB_MIGRATIONS") && !s.contains("PRAGMA") && !s.contains("MEMORY_FTS_")
                // A migration's backfill reads every row once, by design.
                && !s.hasPrefix("UPDATE SESSIONS SET UPDATED_AT = JSON_EXTRACT") && !s.hasPrefix("UPDATE SESSIONS SET SKEY = ROWID")
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
