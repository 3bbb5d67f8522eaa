import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import AgentStateTesting
import Foundation
import RESP
import Testing

/// A tiered store on the test Redis, under its own key prefix, over `durable`.
func tieredStore(over durable: any StateStore, prefix: String = "c-\(UUID().uuidString.prefix(8))", keyRing: DataKeyRing? = nil,
                 clock: any StoreClock) throws -> TieredStore {
    let client = RESPClient(configuration: try RESPConfiguration(url: try TestRedis.url()))
    return TieredStore(hot: RedisHotTier(client: client, prefix: prefix, keyRing: keyRing), durable: durable, consumer: "conformance", clock: clock)
}

/// Sealed in both tiers: the plain paths are the other backends'.
private func sealedSQLite(_ path: String, clock: any StoreClock) throws -> SQLiteStore {
    try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(keyRing: SealingCheck.ring), clock: clock)
}

let tieredOverMemory = Conformance.Backend(
    name: "tiered over memory",
    make: { clock in try tieredStore(over: InMemoryStore(clock: clock), clock: clock) },
    reopen: nil,
    tamper: { store, tenant, stream, seq, data in
        ((store as! TieredStore).durable as! InMemoryStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

let tieredOverSQLite = Conformance.Backend(
    name: "tiered over SQLite, sealed",
    make: { clock in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tiered-\(UUID().uuidString).sqlite").path
        return try tieredStore(over: try sealedSQLite(path, clock: clock), keyRing: SealingCheck.ring, clock: clock)
    },
    reopen: { store, clock in
        let tiered = store as! TieredStore
        let path = (tiered.durable as! SQLiteStore).path
        let prefix = tiered.hot.prefix
        try await store.close()
        return try tieredStore(over: try sealedSQLite(path, clock: clock), prefix: prefix, keyRing: SealingCheck.ring, clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await ((store as! TieredStore).durable as! SQLiteStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

let tieredOverPostgres = Conformance.Backend(
    name: "tiered over PostgreSQL",
    make: { clock in
        try tieredStore(over: try await PostgresStore.open(url: TestPostgres.freshURL(), migrate: true, clock: clock), clock: clock)
    },
    reopen: { store, clock in
        let tiered = store as! TieredStore
        let schema = (tiered.durable as! PostgresStore).configuration.schema
        let prefix = tiered.hot.prefix
        try await store.close()
        return try tieredStore(over: try await PostgresStore.open(url: TestPostgres.url(schema: schema), clock: clock), prefix: prefix, clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await ((store as! TieredStore).durable as! PostgresStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: tiered store (Redis over a durable store)")
struct TieredConformanceTests {
    @Test(arguments: Conformance.checks)
    func overMemory(_ check: Conformance.Check) async throws {
        try await check.run(on: tieredOverMemory)
    }

    @Test(arguments: Conformance.checks)
    func overSQLite(_ check: Conformance.Check) async throws {
        try await check.run(on: tieredOverSQLite)
    }

    @Test(arguments: Conformance.checks)
    func overPostgres(_ check: Conformance.Check) async throws {
        try await check.run(on: tieredOverPostgres)
    }
}
