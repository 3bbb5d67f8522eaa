import AgentState
import AgentStateClient
import AgentStatePostgres
import AgentStateServer
import AgentStateWorkloads
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a workload: conversation turns or run steps, with throughput and latency percentiles.",
        discussion: """
            turn: append a user and an assistant message (300 and 600 bytes), then read the last 20; each client has \
            its own session. step: write a step's result and a 2 KB checkpoint (--checkpoint patch: after a run's first, a merge patch of what changed), then read the checkpoint back; each \
            client creates and claims a run, ten steps per run (--runs N: exactly N runs, all measured, instead of \
            --duration). Against a server (--server, --key) or a store \
            directly (--store). ping (server only): two GET /health/live per round, the floor of a turn's two \
            requests through the same HTTP client and server, with no store work. approvals (SQLite or memory store): \
            --runs runs wait on approvals, a quarter are decided, the clock moves past the rest's deadlines and the \
            sweeper expires them; it prints the sweeper's cost per approval and its longest pass. floor-turn and \
            floor-step (PostgreSQL store only): the engine's floor of a turn and a step (Benchmarks/postgres, on its \
            floor schema) sent through this process's PostgreSQL driver, to tell the store's own cost from the driver's.
            """)

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case turn, step, ping, approvals
        case floorTurn = "floor-turn", floorStep = "floor-step"
    }

    enum CheckpointForm: String, ExpressibleByArgument, CaseIterable {
        case full, patch
    }

    @OptionGroup var options: StoreOptions
    @Option(help: "turn, step, ping, approvals, floor-turn or floor-step.") var workload = Workload.turn
    @Option(help: "approvals: runs waiting on an approval (10,000 if not given). step: measure exactly this many runs of ten steps, shared among the clients, instead of for --duration.")
    var runs: Int?
    @Option(help: "step: save each checkpoint whole (full) or, after a run's first, as a merge patch of what changed (patch).")
    var checkpoint = CheckpointForm.full
    @Flag(help: "step: write each step and its checkpoint in one transaction (POST /v1/runs/{id}/progress).") var together = false
    @Option(help: "Concurrent clients.") var concurrency = 16
    @Option(help: "Seconds to measure.") var duration = 10.0
    @Option(help: "Seconds to run first without measuring.") var warmup = 2.0
    @Flag(help: "Send an Idempotency-Key with each append (costs the server two small writes).") var idempotencyKeys = false
    @Option(help: "turn against a store: sessions created before measuring; each turn then goes to one of them at random, so what is measured is a turn in a store that size.")
    var sessions: Int?
    @Option(help: "turn against a store: turns each client's session holds before measuring.") var depth = 0

    mutating func run() async throws {
        guard (1...1024).contains(concurrency) else { throw AgentStateError.invalidInput(field: "concurrency", "must be 1 to 1024") }
        guard duration > 0, warmup >= 0 else { throw AgentStateError.invalidInput(field: "duration", "must be positive") }
        if sessions != nil || depth > 0 {
            guard workload == .turn, options.server == nil, ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] == nil else {
                throw AgentStateError.invalidInput(field: "sessions", "--sessions and --depth shape turns against a store: give --store, not --server")
            }
        }
        if let sessions, !(1...10_000_000).contains(sessions) { throw AgentStateError.invalidInput(field: "sessions", "must be 1 to 10,000,000") }
        guard (0...100_000).contains(depth) else { throw AgentStateError.invalidInput(field: "depth", "must be 0 to 100,000") }
        if let runs, workload != .approvals {
            guard workload == .step else { throw AgentStateError.invalidInput(field: "runs", "counts runs of the step and approvals workloads only") }
            guard (1...1_000_000).contains(runs) else { throw AgentStateError.invalidInput(field: "runs", "must be 1 to 1,000,000") }
        }
        let run = "bench-\(UInt32.random(in: 0...UInt32.max))"
        if workload == .approvals {
            guard options.server == nil, ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] == nil else {
                throw AgentStateError.invalidInput(field: "workload", "approvals moves the store's clock, so it needs --store, not --server")
            }
            let runs = runs ?? 10_000
            guard (4...1_000_000).contains(runs) else { throw AgentStateError.invalidInput(field: "runs", "must be 4 to 1,000,000") }
            try await Self.approvalDay(url: try options.url(), runs: runs, clients: concurrency, tenant: options.tenantID, prefix: run)
            return print(Self.peakMemory)
        }
        let driver: any AgentStateWorkloads.Workload
        var connections: [BenchConnection] = []
        var floor: PostgresDriverFloor?
        let store = try await options.open()   // with a server, this checks the key and learns its tenant
        switch workload {
        case .floorTurn, .floorStep:
            guard options.server == nil, ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] == nil,
                  case .postgres(let url) = try options.url() else {
                throw AgentStateError.invalidInput(field: "workload", "\(workload.rawValue) measures PostgreSQL's floor: give --store postgres://…")
            }
            let sql = try PostgresDriverFloor(url: url, connections: concurrency)
            floor = sql
            driver = FloorWorkload(floor: sql, step: workload == .floorStep)
        case .turn:
            let server = options.server ?? ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"]
            let turns = ConversationTurns(store: store, tenant: options.tenantID, prefix: run, spread: sessions)
            let bar = ProgressBar(label: "creating sessions")
            try await turns.prepareSpread { bar.show($0, of: sessions ?? 0) }
            bar.finish()
            try await turns.prepare(clients: sessions == nil ? concurrency : 0, depth: depth)
            if let server {
                let (host, port) = try Self.address(server)
                connections = try await Self.connect(host, port, concurrency)
                let key = options.key ?? ProcessInfo.processInfo.environment["AGENTSTATE_KEY"] ?? ""
                driver = try HTTPTurns(connections: connections, host: host, key: key, messages: ConversationTurns.messages, idempotencyKeys: idempotencyKeys, prefix: run)
            } else {
                driver = turns
            }
        case .step:
            driver = RunSteps(store: store, tenant: options.tenantID, prefix: run, patches: checkpoint == .patch, together: together)
        case .ping:
            guard let server = options.server ?? ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] else {
                throw AgentStateError.invalidInput(field: "workload", "ping measures a server: give --server")
            }
            let (host, port) = try Self.address(server)
            connections = try await Self.connect(host, port, concurrency)
            driver = HTTPPings(connections: connections, host: host)
        case .approvals:
            preconditionFailure("the approval day runs before any store is opened")
        }

        // With --runs the work is counted, not timed: every step of every run is measured, from
        // the first, and the throughput is over the time they all took.
        let counted = workload == .step ? runs : nil
        let clients = counted.map { min($0, concurrency) } ?? concurrency
        let start = ContinuousClock.now
        let measureFrom = counted == nil ? start + .milliseconds(Int(warmup * 1000)) : start
        let end = measureFrom + .milliseconds(Int(duration * 1000))
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for c in 0..<clients {
                // Client c's share of a counted workload: runs c, c + clients, …, ten steps each.
                let share = counted.map { ($0 / clients + ($0 % clients > c ? 1 : 0)) * RunSteps.stepsPerRun }
                group.addTask {
                    var mine: [Double] = []
                    mine.reserveCapacity(share ?? 100_000)
                    var i = 0
                    while true {
                        let t0 = ContinuousClock.now
                        if let share { if i >= share { break } } else if t0 >= end { break }
                        try await driver.once(client: c, iteration: i)
                        i += 1
                        if t0 >= measureFrom { mine.append((ContinuousClock.now - t0).milliseconds) }
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }.sorted()
        let measured = counted == nil ? duration : (ContinuousClock.now - start).milliseconds / 1000
        for connection in connections { await connection.close() }
        await floor?.close()

        try await store.close()
        guard !samples.isEmpty else { throw AgentStateError(.unavailable, "no \(workload) finished inside the measured window") }
        func p(_ q: Double) -> String { String(format: "%.2f ms", Self.percentile(samples, q)) }
        let storeURL = try options.url()
        let target = options.server.map { "server \($0)" } ?? "store \(storeURL)"
        let shape = (sessions.map { "   \($0) sessions in the store" } ?? "") + (depth > 0 ? "   sessions \(depth) turns deep" : "")
        let window = counted.map { "\($0) runs of 10 steps, all measured, in \(String(format: "%.2f", measured)) s" }
            ?? "measured \(duration) s after \(warmup) s warm-up"
        print("""
            target       \(target)
            clients      \(clients)   \(window)\(shape)
            workload     \(workload.rawValue)   \(samples.count) done
            throughput   \(String(format: "%.0f", Double(samples.count) / measured)) \(workload.rawValue)s/s
            latency      p50 \(p(0.50))   p99 \(p(0.99))   p999 \(p(0.999))   max \(p(1.0))
            \(Self.peakMemory)
            """)
        if let server = options.server ?? ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] {
            print(await Self.serverMemory(server))
        }
    }
}

extension BenchCommand {
    /// The `q` quantile of sorted samples (0 when there are none).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    /// This process's peak resident memory: the store's (and the load generator's) footprint.
    static var peakMemory: String {
        String(format: "memory       peak %.0f MiB resident", ProcessMemory.peakResidentBytes / 1_048_576)
    }

    /// The server's peak resident memory, from its `/metrics`: the load generator's own is the line above.
    static func serverMemory(_ server: String) async -> String {
        let url = (server.hasSuffix("/") ? String(server.dropLast()) : server) + "/metrics"
        guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10)),
            let body = try? await response.body.collect(upTo: 16 << 20)
        else { return "server       memory unknown (no /metrics)" }
        let line = String(buffer: body).split(separator: "\n").first { $0.hasPrefix("agentstate_process_peak_resident_memory_bytes ") }
        guard let value = line.flatMap({ Double($0.split(separator: " ").last ?? "") }) else {
            return "server       memory unknown (its /metrics has no peak)"
        }
        return String(format: "server       peak %.0f MiB resident", value / 1_048_576)
    }

    /// Host and port of a plain-HTTP server URL (the load generator speaks HTTP/1.1 without TLS).
    static func address(_ url: String) throws -> (String, Int) {
        guard let u = URL(string: url), u.scheme == "http", let host = u.host else {
            throw AgentStateError.invalidInput(field: "server", "bench measures a server over plain http://host:port")
        }
        return (host, u.port ?? 80)
    }

    /// One keep-alive connection per client, so that clients never queue behind each other.
    static func connect(_ host: String, _ port: Int, _ count: Int) async throws -> [BenchConnection] {
        var connections: [BenchConnection] = []
        for _ in 0..<count { connections.append(try await BenchConnection.connect(host: host, port: port)) }
        return connections
    }
}

/// The HTTP floor of a turn: two requests the server answers without touching the store.
struct HTTPPings: AgentStateWorkloads.Workload {
    let connections: [BenchConnection]
    let request: BenchConnection.Request

    init(connections: [BenchConnection], host: String) {
        self.connections = connections
        request = BenchConnection.request(.GET, "/health/live", host: host, headers: [])
    }

    func once(client: Int, iteration: Int) async throws {
        for _ in 0..<2 {
            let status = try await connections[client].send(request)
            guard status == 200 else { throw AgentStateError(.unavailable, "/health/live answered \(status)") }
        }
    }
}

/// Turns as raw HTTP: each client's two requests are encoded once, and responses are read only
/// as far as their status, so the load generator spends little of the machine it shares.
struct HTTPTurns: AgentStateWorkloads.Workload {
    let connections: [BenchConnection]
    /// Per client: the append and the read.
    let requests: [(append: BenchConnection.Request, read: BenchConnection.Request)]
    let host: String
    let key: String
    let body: ByteBuffer
    let idempotencyKeys: Bool
    let prefix: String

    init(connections: [BenchConnection], host: String, key: String, messages: [NewMessage], idempotencyKeys: Bool, prefix: String) throws {
        self.connections = connections
        self.host = host
        self.key = key
        let body = ByteBuffer(bytes: try APICoding.encoder.encode(AppendBody(messages: messages, expectedLastSeq: nil)))
        self.body = body
        self.idempotencyKeys = idempotencyKeys
        self.prefix = prefix
        let auth = ("Authorization", "Bearer \(key)")
        requests = connections.indices.map { c in
            let path = "/v1/sessions/\(prefix)-\(c)/messages"
            return (BenchConnection.request(.POST, path, host: host, headers: [auth, ("Content-Type", "application/json")], body: body),
                    BenchConnection.request(.GET, path + "?last=20", host: host, headers: [auth]))
        }
    }

    func once(client: Int, iteration: Int) async throws {
        var append = requests[client].append
        if idempotencyKeys {
            append = BenchConnection.request(.POST, "/v1/sessions/\(prefix)-\(client)/messages", host: host, headers: [
                ("Authorization", "Bearer \(key)"), ("Content-Type", "application/json"), ("Idempotency-Key", UUID().uuidString),
            ], body: body)
        }
        try await expect(201, try await connections[client].send(append), "POST")
        try await expect(200, try await connections[client].send(requests[client].read), "GET")
    }

    private func expect(_ wanted: UInt, _ status: UInt, _ method: String) async throws {
        guard status == wanted else {
            throw AgentStateError(.unavailable, "\(method) /v1/sessions/…/messages answered \(status)")
        }
    }
}

/// The floor's SQL through the driver, as a workload.
private struct FloorWorkload: AgentStateWorkloads.Workload {
    let floor: PostgresDriverFloor
    let step: Bool

    func once(client: Int, iteration: Int) async throws {
        if step { try await floor.step(client: client) } else { try await floor.turn(client: client) }
    }
}
