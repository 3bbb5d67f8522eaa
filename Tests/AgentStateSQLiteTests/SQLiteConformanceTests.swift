import AgentState
import AgentStateSQLite
import AgentStateTesting
import GRDB
import Testing

let sqliteBackend = Conformance.Backend(
    name: "sqlite",
    make: { clock in try SQLiteStore(path: temporaryPath("conformance.sqlite"), clock: clock) },
    reopen: { store, clock in
        let path = (store as! SQLiteStore).path
        try await store.close()
        return try SQLiteStore(path: path, clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await (store as! SQLiteStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: SQLite store")
struct SQLiteConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: sqliteBackend)
    }
}
