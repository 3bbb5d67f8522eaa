import AgentState
import AgentStateClient
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
            its own session. step: write a step's result and a 2 KB checkpoint, then read the checkpoint back; each \
            client creates and claims a run, ten steps per run. Against a server (--server, --key) or a store \
            directly (--store). ping (server only): two GET /health/live per round, the floor of a turn's two \
            requests through the same HTTP client and server, with no store work.
            """)

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case turn, step, ping
    }

    @OptionGroup var options: StoreOptions
    @Option(help: "turn or step.") var workload = Workload.turn
    @Option(help: "Concurrent clients.") var concurrency = 16
    @Option(help: "Seconds to measure.") var duration = 10.0
    @Option(help: "Seconds to run first without measuring.") var warmup = 2.0
    @Flag(help: "Send an Idempotency-Key with each append (costs the server two small writes).") var idempotencyKeys = false

    mutating func run() async throws {
        guard (1...1024).contains(concurrency) else { throw AgentStateError.invalidInput(field: "concurrency", "must be 1 to 1024") }
        guard duration > 0, warmup >= 0 else { throw AgentStateError.invalidInput(field: "duration", "must be positive") }
        let run = "bench-\(UInt32.random(in: 0...UInt32.max))"
        let driver: any BenchDriver
        var http: HTTPClient? = nil
        let store = try await options.open()   // with a server, this checks the key and learns its tenant
        switch workload {
        case .turn:
            let messages = [NewMessage.user(String(repeating: "u", count: 300)), NewMessage.assistant(String(repeating: "a", count: 600))]
            for c in 0..<concurrency { _ = try await store.createSession(options.tenantID, SessionCreate(id: "\(run)-\(c)")) }
            if let server = options.server ?? ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] {
                // A pool as wide as the load, so clients never queue inside the client.
                var config = HTTPClient.Configuration()
                config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
                http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
                let key = options.key ?? ProcessInfo.processInfo.environment["AGENTSTATE_KEY"] ?? ""
                driver = try HTTPTurns(http: http!, baseURL: server, key: key, messages: messages, idempotencyKeys: idempotencyKeys, prefix: run)
            } else {
                driver = StoreTurns(store: store, tenant: options.tenantID, messages: messages, prefix: run)
            }
        case .step:
            driver = StoreSteps(store: store, tenant: options.tenantID, prefix: run)
        case .ping:
            guard let server = options.server ?? ProcessInfo.processInfo.environment["AGENTSTATE_SERVER"] else {
                throw AgentStateError.invalidInput(field: "workload", "ping measures a server: give --server")
            }
            var config = HTTPClient.Configuration()
            config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
            http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            driver = HTTPPings(http: http!, baseURL: server)
        }

        let start = ContinuousClock.now
        let measureFrom = start + .milliseconds(Int(warmup * 1000))
        let end = measureFrom + .milliseconds(Int(duration * 1000))
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for c in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    mine.reserveCapacity(100_000)
                    var i = 0
                    while true {
                        let t0 = ContinuousClock.now
                        if t0 >= end { break }
                        try await driver.once(client: c, iteration: i)
                        i += 1
                        if t0 >= measureFrom { mine.append((ContinuousClock.now - t0).milliseconds) }
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }.sorted()
        try await http?.shutdown()

        try await store.close()
        guard !samples.isEmpty else { throw AgentStateError(.unavailable, "no \(workload) finished inside the measured window") }
        func p(_ q: Double) -> String { String(format: "%.2f ms", samples[min(samples.count - 1, Int(Double(samples.count) * q))]) }
        let storeURL = try options.url()
        let target = options.server.map { "server \($0)" } ?? "store \(storeURL)"
        print("""
            target       \(target)
            clients      \(concurrency)   measured \(duration) s after \(warmup) s warm-up
            workload     \(workload.rawValue)   \(samples.count) done
            throughput   \(String(format: "%.0f", Double(samples.count) / duration)) \(workload.rawValue)s/s
            latency      p50 \(p(0.50))   p99 \(p(0.99))   p999 \(p(0.999))   max \(p(1.0))
            """)
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// One round of a workload, by one of the concurrent clients.
protocol BenchDriver: Sendable {
    func once(client: Int, iteration: Int) async throws
}

/// Conversation turns through the store API (embedded, or the Swift client): append the two
/// messages, read the last 20.
struct StoreTurns: BenchDriver {
    let store: any StateStore
    let tenant: TenantID
    let messages: [NewMessage]
    let prefix: String

    func once(client: Int, iteration: Int) async throws {
        let session = "\(prefix)-\(client)"
        _ = try await store.appendMessages(tenant, session, messages, expectedLastSeq: nil)
        _ = try await store.messages(tenant, session, .last(20))
    }
}

/// Run steps: every tenth step starts a new run (created and claimed); each step writes its
/// result, saves a 2 KB checkpoint and reads it back.
struct StoreSteps: BenchDriver {
    let store: any StateStore
    let tenant: TenantID
    let prefix: String
    static let notes = JSONValue.string(String(repeating: "n", count: 2000))

    func once(client: Int, iteration: Int) async throws {
        let run = "\(prefix)-\(client)-\(iteration / 10)"
        if iteration % 10 == 0 {
            _ = try await store.createRun(tenant, RunCreate(id: run, workflow: "bench-\(prefix)-\(client)"))
            guard try await store.claim(tenant, ClaimRequest(worker: "w\(client)", workflow: "bench-\(prefix)-\(client)")) != nil else {
                throw AgentStateError(.conflict, "the bench run \(run) could not be claimed")
            }
        }
        let step = "s\(iteration % 10)"
        _ = try await store.putStep(tenant, run, step, StepWrite(status: .completed, result: ["ok": true, "n": .int(Int64(iteration))]))
        let state = JSONValue.object(["notes": Self.notes, "cursor": .int(Int64(iteration))])
        _ = try await store.saveCheckpoint(tenant, run, CheckpointWrite(step: step, state: .full(state)))
        _ = try await store.checkpoint(tenant, run, .latest)
    }
}

/// The HTTP floor of a turn: two requests the server answers without touching the store.
struct HTTPPings: BenchDriver {
    let http: HTTPClient
    let baseURL: String

    func once(client: Int, iteration: Int) async throws {
        for _ in 0..<2 {
            let response = try await http.execute(HTTPClientRequest(url: "\(baseURL)/health/live"), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            guard response.status == .ok else { throw AgentStateError(.unavailable, "/health/live answered \(response.status.code)") }
        }
    }
}

/// Turns as raw HTTP: the bodies are encoded once and responses are read but not decoded, so the
/// load generator spends its share of the machine on sending, not on parsing.
struct HTTPTurns: BenchDriver {
    let http: HTTPClient
    let baseURL: String
    let key: String
    let body: ByteBuffer
    let idempotencyKeys: Bool
    let prefix: String

    init(http: HTTPClient, baseURL: String, key: String, messages: [NewMessage], idempotencyKeys: Bool, prefix: String) throws {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
        self.body = ByteBuffer(bytes: try APICoding.encoder.encode(AppendBody(messages: messages, expectedLastSeq: nil)))
        self.idempotencyKeys = idempotencyKeys
        self.prefix = prefix
    }

    func once(client: Int, iteration: Int) async throws {
        let session = "\(prefix)-\(client)"
        var append = HTTPClientRequest(url: "\(baseURL)/v1/sessions/\(session)/messages")
        append.method = .POST
        append.headers.add(name: "Authorization", value: "Bearer \(key)")
        append.headers.add(name: "Content-Type", value: "application/json")
        if idempotencyKeys { append.headers.add(name: "Idempotency-Key", value: UUID().uuidString) }
        append.body = .bytes(body)
        try await send(append, expect: 201)
        var read = HTTPClientRequest(url: "\(baseURL)/v1/sessions/\(session)/messages?last=20")
        read.headers.add(name: "Authorization", value: "Bearer \(key)")
        try await send(read, expect: 200)
    }

    private func send(_ request: HTTPClientRequest, expect status: UInt) async throws {
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 16 << 20)
        guard response.status.code == status else {
            throw AgentStateError(.unavailable, "\(request.method) \(request.url) answered \(response.status.code)")
        }
    }
}
