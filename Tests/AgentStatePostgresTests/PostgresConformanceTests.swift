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

/// The same store behind PgBouncer in transaction mode (`?pooler=transaction`): each transaction
/// may get another database connection, so nothing may rely on a session.
let pgBouncerBackend = Conformance.Backend(
    name: "postgres-pgbouncer",
    make: { clock in try await PostgresStore.open(url: TestPgBouncer.freshURL(), migrate: true, clock: clock) },
    reopen: { store, clock in
        let schema = (store as! PostgresStore).configuration.schema
        try await store.close()
        return try await PostgresStore.open(url: TestPgBouncer.url(schema: schema), clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await (store as! PostgresStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: PostgreSQL behind PgBouncer in transaction mode")
struct PgBouncerConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: pgBouncerBackend)
    }
}
