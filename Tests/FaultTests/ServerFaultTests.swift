import AgentState
import AgentStateClient
import AgentStateTesting
import Foundation
import Testing

/// The server process killed with SIGKILL while conversation writers and run workers keep
/// going, then started again on the same port: their clients retry through it.
@Suite("Faults: the server killed during writes", .serialized)
struct ServerFaultTests {
    @Test("kill -9 of the server during writes, twice: every acknowledged write is there, no effect twice, every run resumable", arguments: ["sqlite", "postgres", "tiered", "tiered-postgres"])
    func killDuringWrites(backend: String) async throws {
        let setup = try Backend(backend)
        defer { setup.stop() }
        let key = try makeKey(store: setup.keyStore, tenant: "acme", role: "agent")
        let first = try await setup.serve()
        let port = first.port
        let server = Holder(first)
        let client = AgentStateClient(baseURL: first.url, keys: ["acme": key], timeout: .seconds(5), retries: 5)
        try await underLoad("kill -9 server (\(backend))", client: client) {
            for _ in 0..<2 {
                try await Task.sleep(for: .milliseconds(1500))
                server.value.kill9()
                try await Task.sleep(for: .milliseconds(300))
                server.value = try await setup.serve(port: port)
            }
            return 2
        }
        #expect(server.value.terminate() == 0)
    }

    @Test("the server stalled (SIGSTOP) longer than its clients wait: they time out and retry, and nothing is done twice")
    func stalledServer() async throws {
        let (server, client) = try await Backend.sqliteServer(timeout: .milliseconds(800), retries: 6)
        try await underLoad("server stalls; clients time out and retry", client: client) {
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(1000))
                kill(server.pid, SIGSTOP)
                try await Task.sleep(for: .milliseconds(1500))
                kill(server.pid, SIGCONT)
            }
            return 3
        }
        #expect(server.terminate() == 0)
    }
}

/// A value the fault and the test share.
final class Holder<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Runs conversation writers and run workers against `client` while `inject` does its faults
/// (it returns how many), lets the load go on a little after, then takes over every run left
/// behind and checks: every acknowledged write present, nothing stored or done twice, every
/// run completed, hash chains valid. Prints the row and expects 0 lost and 0 duplicated.
@discardableResult
func underLoad(_ scenario: String, client: AgentStateClient, writers: Int = 4, workers: Int = 2, world: World = World(),
               duplicateDelivery: Bool = false, inject: @Sendable () async throws -> Int) async throws -> FaultRow {
    let turns = TurnLoad(client: client, tenant: "acme", writers: writers)
    try await turns.prepare()
    let steps = StepLoad(client: client, tenant: "acme", workers: workers, world: world, duplicateDelivery: duplicateDelivery)
    let stop = Stop()
    async let turnLoad = turns.run(until: stop)
    async let stepLoad = steps.run(until: stop)
    let faults: Int
    do {
        faults = try await inject()
    } catch {
        stop.set()
        _ = await (turnLoad, stepLoad)
        throw error
    }
    try await Task.sleep(for: .milliseconds(1500))
    stop.set()
    let (turnTally, turnAcks) = await turnLoad
    let (stepTally, stepAcks) = await stepLoad

    _ = try await steps.recover()
    let turnCheck = try await turns.check(turnAcks)
    let stepCheck = try await steps.check(stepAcks)
    // Each double delivery is a fault of its own.
    let row = FaultRow(scenario, faults: faults + world.deliveredTwice, turnTally + stepTally,
                       lost: turnCheck.lost + stepCheck.lost, duplicated: turnCheck.duplicated + stepCheck.duplicated)
    row.report()
    #expect(row.lost == 0, "\(scenario): acknowledged writes lost")
    #expect(row.duplicated == 0, "\(scenario): turns stored twice or actions done twice")
    // Floors only: the whole suite shares two cores, and an outage holds the writers back. Alone
    // a scenario acknowledges hundreds; a full test run on a slow day once left four steps or fewer.
    #expect(turnTally.acknowledged > 4 && stepTally.acknowledged > 0, "\(scenario): the load ran: \(turnTally), \(stepTally)")
    return row
}

/// Where a server under test keeps its state: a SQLite file, a fresh PostgreSQL schema, or
/// either of them cached in a throwaway Redis.
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
        case "tiered", "tiered-postgres":
            if name == "tiered" {
                store = "sqlite:" + temporaryDirectory().appendingPathComponent("state.sqlite").path
            } else {
                store = try TestPostgres.freshURL()
                let migrated = try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store])
                guard migrated.status == 0 else { throw AgentStateError(.unavailable, "migrate failed: \(migrated.stderr)") }
            }
            let redis = try ThrowawayServer.start("redis")
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

    /// A server on a new SQLite file, and a client of tenant `acme` for it.
    static func sqliteServer(timeout: Duration = .seconds(30), retries: Int = 3) async throws -> (ServerProcess, AgentStateClient) {
        let setup = try Backend("sqlite")
        let key = try makeKey(store: setup.keyStore, tenant: "acme", role: "agent")
        let server = try await setup.serve()
        return (server, AgentStateClient(baseURL: server.url, keys: ["acme": key], timeout: timeout, retries: retries))
    }
}
