import AgentState
import AgentStateClient
import AgentStateTesting
import Foundation
import Testing

/// The engines beneath the server stopped and started again under load.
@Suite("Faults: Redis and PostgreSQL stopped under load", .serialized)
struct OutageFaultTests {
    @Test("Redis stopped and started twice under a server caching SQLite in it: writes go on, nothing lost or doubled")
    func redisStopped() async throws {
        let setup = try Backend("tiered")
        defer { setup.stop() }
        let redis = try #require(setup.redis)
        let key = try makeKey(store: setup.keyStore, tenant: "acme", role: "agent")
        let server = try await ServerProcess(store: setup.store, extraArguments: ["--cache", redis.url + "?connect_timeout=1&timeout=1"])
        let client = AgentStateClient(baseURL: server.url, keys: ["acme": key], timeout: .seconds(5), retries: 5)
        try await underLoad("Redis stopped and started", client: client) { try await Self.stopTwice(redis) }
        #expect(server.terminate() == 0)
    }

    @Test("PostgreSQL stopped and started twice under a server on it: clients retry the 503s, nothing lost or doubled")
    func postgresRestarted() async throws {
        let postgres = try ThrowawayServer.start("postgres")
        defer { postgres.stop() }
        let store = postgres.url + (postgres.url.contains("?") ? "&" : "?") + "connect_timeout=2"
        let migrated = try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let key = try makeKey(store: store, tenant: "acme", role: "agent")
        let server = try await ServerProcess(store: store)
        let client = AgentStateClient(baseURL: server.url, keys: ["acme": key], timeout: .seconds(10), retries: 6)
        try await underLoad("PostgreSQL stopped and started", client: client) { try await Self.stopTwice(postgres) }
        #expect(server.terminate() == 0)
    }

    /// Stops the engine for 1.5 s, twice, 1.5 s apart; returns the faults injected.
    static func stopTwice(_ engine: ThrowawayServer) async throws -> Int {
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(1500))
            try engine.pause()
            try await Task.sleep(for: .milliseconds(1500))
            try engine.resume()
        }
        return 2
    }
}
