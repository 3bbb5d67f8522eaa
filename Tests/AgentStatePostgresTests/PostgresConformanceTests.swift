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
        try await (store as! PostgresStore).unsafeExecute(
            "UPDATE events SET data = $1 WHERE tenant_id = $2 AND stream = $3 AND seq = $4",
            [String(decoding: data.canonicalData, as: UTF8.self), tenant, stream, seq])
    })

@Suite("Conformance: PostgreSQL store")
struct PostgresConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: postgresBackend)
    }
}
