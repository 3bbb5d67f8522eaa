import AgentState
import AgentStatePostgres
import AgentStateTesting
import Foundation
import Testing

/// A PostgreSQL store as a conformance backend, each store in a schema of its own, reached at
/// the URL `url` gives for the schema's name.
func postgresConformanceBackend(_ name: String, url: @escaping @Sendable (String) throws -> String) -> Conformance.Backend {
    Conformance.Backend(
        name: name,
        make: { clock in
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
            return try await PostgresStore.open(url: url(schema), migrate: true, clock: clock)
        },
        reopen: { store, clock in
            let schema = (store as! PostgresStore).configuration.schema
            try await store.close()
            return try await PostgresStore.open(url: url(schema), clock: clock)
        },
        tamper: { store, tenant, stream, seq, data in
            try await (store as! PostgresStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
        })
}

let postgresBackend = postgresConformanceBackend("postgres") { try TestPostgres.url(schema: $0) }

@Suite("Conformance: PostgreSQL store")
struct PostgresConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: postgresBackend)
    }
}

/// The same store behind PgBouncer in transaction mode (`?pooler=transaction`): each transaction
/// may get another database connection, so nothing may rely on a session.
let pgBouncerBackend = postgresConformanceBackend("postgres-pgbouncer") { try TestPgBouncer.url(schema: $0) }

@Suite("Conformance: PostgreSQL behind PgBouncer in transaction mode")
struct PgBouncerConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: pgBouncerBackend)
    }
}
