import AgentState
import AgentStatePostgres
import AgentStateTesting
import Testing

let postgresBackend = Conformance.Backend(
    name: "postgres",
    make: { clock in try await TestPostgres.freshStore(clock: clock) },
    reopen: { store, clock in
        let schema = (store as! PostgresStore).configuration.schema
        try await store.close()
        return try await PostgresStore.open(url: TestPostgres.url(schema: schema), clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await (store as! PostgresStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: PostgreSQL store")
struct PostgresConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: postgresBackend)
    }
}
