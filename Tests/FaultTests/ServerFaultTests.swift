import AgentState
import AgentStateClient
import AgentStateTesting
import Foundation
import Testing

/// The server process killed with SIGKILL while conversation writers and run workers keep
/// going, then started again on the same port: their clients retry through it.
@Suite("Faults: the server killed during writes", .serialized)
struct ServerFaultTests {
    @Test("kill -9 of the server during writes, twice: every acknowledged write is there, no effect twice, every run resumable", arguments: ["sqlite", "postgres", "tiered"])
    func killDuringWrites(backend: String) async throws {
        let setup = try Backend(backend)
        defer { setup.stop() }
        let key = try makeKey(store: setup.keyStore, tenant: "acme", role: "agent")
        var server = try await setup.serve()
        let port = server.port
        let client = AgentStateClient(baseURL: server.url, keys: ["acme": key], timeout: .seconds(5), retries: 5)
        let turns = TurnLoad(client: client, tenant: "acme", writers: 4)
        try await turns.prepare()
        let steps = StepLoad(client: client, tenant: "acme", workers: 2, world: World())

        let stop = Stop()
        async let turnLoad = turns.run(until: stop)
        async let stepLoad = steps.run(until: stop)
        var faults = 0
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(1500))
            server.kill9()
            faults += 1
            try await Task.sleep(for: .milliseconds(300))
            server = try await setup.serve(port: port)
        }
        try await Task.sleep(for: .milliseconds(1500))
        stop.set()
        let (turnTally, turnAcks) = await turnLoad
        let (stepTally, stepAcks) = await stepLoad

        _ = try await steps.recover()
        let turnCheck = try await turns.check(turnAcks)
        let stepCheck = try await steps.check(stepAcks)
        let row = FaultRow("kill -9 server (\(backend))", faults: faults, turnTally + stepTally,
                           lost: turnCheck.lost + stepCheck.lost, duplicated: turnCheck.duplicated + stepCheck.duplicated)
        row.report()
        #expect(row.lost == 0, "acknowledged writes lost")
        #expect(row.duplicated == 0, "turns stored twice or actions done twice")
        #expect(turnTally.acknowledged > 100 && stepTally.acknowledged > 30, "the load ran: \(turnTally), \(stepTally)")
        #expect(server.terminate() == 0)
    }
}

/// Where a server under test keeps its state: a SQLite file, a fresh PostgreSQL schema, or a
/// SQLite file cached in a throwaway Redis.
struct Backend {
    let name: String
    let store: String
    /// Where keys are made (the durable store).
    let keyStore: String
    let arguments: [String]
    let redis: ThrowawayServer?

    init(_ name: String) throws {
        self.name = name
        switch name {
        case "postgres":
            store = try TestPostgres.freshURL()
            let migrated = try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store])
            guard migrated.status == 0 else { throw AgentStateError(.unavailable, "migrate failed: \(migrated.stderr)") }
            keyStore = store
            arguments = []
            redis = nil
        case "tiered":
            let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
            let redis = try ThrowawayServer.start("redis")
            store = "sqlite:\(file)"
            keyStore = store
            arguments = ["--cache", redis.url]
            self.redis = redis
        default:
            store = "sqlite:" + temporaryDirectory().appendingPathComponent("state.sqlite").path
            keyStore = store
            arguments = []
            redis = nil
        }
    }

    func serve(port: Int = 0) async throws -> ServerProcess {
        try await ServerProcess(store: store, port: port, extraArguments: arguments)
    }

    func stop() { redis?.stop() }
}
