import AgentState
import AgentStateClient
import AgentStateTesting
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Many stateless servers on one PostgreSQL: DESIGN.md §6's scale-out, with real processes.
@Suite("Servers on PostgreSQL")
struct PostgresServerTests {
    /// A shape of the scale-out: servers on one database, workers spread over them, runs to do.
    struct Fleet: Sendable, CustomTestStringConvertible {
        let servers: Int, workers: Int, runs: Int
        var testDescription: String { "\(servers) servers, \(workers) workers, \(runs) runs" }
    }

    @Test("servers on one database, workers claiming from all: every run claimed and completed once, every effect performed once even when delivered twice, no worker starved",
          arguments: [Fleet(servers: 2, workers: 8, runs: 80), Fleet(servers: 4, workers: 64, runs: 320)])
    func manyServersManyWorkers(_ fleet: Fleet) async throws {
        let store = try TestPostgres.freshURL()
        let migrated = try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let key = try makeKey(store: store, tenant: "acme", role: "agent")
        var servers: [ServerProcess] = []
        for _ in 0..<fleet.servers { servers.append(try await ServerProcess(store: store)) }
        let clients = servers.map { AgentStateClient(baseURL: $0.url, apiKey: key, tenant: "acme") }
        let n = clients.count

        let runCount = fleet.runs
        for i in 0..<runCount {
            _ = try await clients[i % n].createRun("acme", RunCreate(id: "job-\(i)", workflow: "ship", input: ["n": .int(Int64(i))]))
        }

        // The external system: counts every charge it receives, by run.
        let charges = Tally()
        let started = ContinuousClock.now
        let claimsByWorker = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<fleet.workers {
                let client = clients[w % n]
                // A retry of a delivery goes through another server than the original.
                let (first, second) = (clients[w % n], clients[(w + 1) % n])
                group.addTask {
                    var mine: [String] = []
                    while let claimed = try await client.claim("acme", ClaimRequest(worker: "w\(w)", leaseSeconds: 60, workflow: "ship")) {
                        let run = claimed.run.id, token = claimed.lease.token
                        mine.append(run)
                        _ = try await client.putStep("acme", run, "charge", StepWrite(status: .running, fencingToken: token))
                        // The step is delivered twice at once, through both servers (a retry racing
                        // the original): only one delivery may charge.
                        let begin = EffectBegin(holder: "w\(w)", request: ["run": .string(run)], fencingToken: token)
                        async let viaA = first.beginEffect("acme", run, "charge", begin)
                        async let viaB = second.beginEffect("acme", run, "charge", begin)
                        for begun in try await [viaA, viaB] where begun.outcome == .acquired {
                            charges.add(run)
                            _ = try await client.completeEffect("acme", run, "charge", attemptToken: begun.effect.attemptToken,
                                                                result: ["ok": true], externalId: "ch-\(run)")
                        }
                        _ = try await client.putStep("acme", run, "charge", StepWrite(status: .completed, fencingToken: token))
                        _ = try await client.transition("acme", run, RunTransition(to: .completed, output: ["charged": true], fencingToken: token))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }

        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let claimed = claimsByWorker.flatMap { $0 }
        let perWorker = claimsByWorker.map(\.count)
        print("FLEET|\(fleet.servers)|\(fleet.workers)|\(runCount)|\(String(format: "%.1f", seconds))|\(perWorker.min() ?? 0)|\(perWorker.max() ?? 0)")
        #expect(claimed.count == runCount, "each run claimed once in all")
        #expect(Set(claimed).count == runCount, "no run claimed twice")
        #expect(perWorker.allSatisfy { $0 > 0 }, "no worker starved: claims per worker \(perWorker)")
        #expect(charges.counts.count == runCount && charges.counts.values.allSatisfy { $0 == 1 }, "one charge per run")
        for i in 0..<runCount {
            let id = "job-\(i)"
            let run = try await clients[(i + 1) % n].run("acme", id)
            #expect(run.status == .completed, "\(id)")
            let events = try await clients[i % n].events("acme", stream: "run:\(id)", afterSeq: 0, limit: 100)
            #expect(events.filter { $0.type == "run.claimed" }.count == 1, "\(id) claimed once")
            #expect(events.filter { $0.type == "run.transitioned" && $0.data["to"] == "completed" }.count == 1, "\(id) completed once")
            #expect(try await clients[0].effect("acme", id, "charge").externalId == "ch-\(id)")
        }
        #expect(try await clients[n - 1].verifyChain("acme", stream: "run:job-7").valid)
        for server in servers { #expect(server.terminate() == 0) }
    }
}

/// Counts by name, from many tasks.
final class Tally: Sendable {
    private let state = Mutex<[String: Int]>([:])
    func add(_ name: String) { state.withLock { $0[name, default: 0] += 1 } }
    var counts: [String: Int] { state.withLock { $0 } }
}

@Suite("PostgreSQL outage")
struct PostgresOutageTests {
    struct Outcome: Sendable {
        var status: UInt
        var retryAfter: Bool
        var content: String
        var session: String
        var started: ContinuousClock.Instant
        var seconds: Double
        var failure: String? = nil
    }

    /// Where the outage stands, shared by the writers and the task that stops and starts PostgreSQL.
    final class Phase: Sendable {
        private let state = Mutex<(over: Bool, resumedAt: ContinuousClock.Instant?, recovered: Set<Int>, failure: String?)>((false, nil, [], nil))
        var isOver: Bool { state.withLock { $0.over } }
        var resumedAt: ContinuousClock.Instant? { state.withLock { $0.resumedAt } }
        var recoveredCount: Int { state.withLock { $0.recovered.count } }
        var failure: String? { state.withLock { $0.failure } }
        func resume(at instant: ContinuousClock.Instant) { state.withLock { $0.resumedAt = instant } }
        func recovered(_ writer: Int) { state.withLock { _ = $0.recovered.insert(writer) } }
        func fail(_ message: String) { state.withLock { $0.failure = message } }
        func end() { state.withLock { $0.over = true } }
    }

    @Test("PostgreSQL restarted under load: requests in the outage get 503 with Retry-After at once, later ones succeed, no acknowledged write is missing")
    func restartUnderLoad() async throws {
        let pg = try ThrowawayServer.start("postgres")
        defer { pg.stop() }
        let store = pg.url + "&connect_timeout=1"
        #expect(try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store]).status == 0)
        let key = try makeKey(store: store, tenant: "acme", role: "agent")
        // The outage makes every request log an error; the test reads the answers instead.
        let server = try await ServerProcess(store: store, logLevel: "critical")
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        let sessions = (0..<4).map { "s\($0)" }
        for s in sessions { _ = try await client.createSession("acme", SessionCreate(id: s)) }

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let clock = ContinuousClock()
        let start = clock.now
        let phase = Phase()
        let outcomes = await withTaskGroup(of: [Outcome].self) { group in
            for (w, session) in sessions.enumerated() {
                group.addTask {
                    var mine: [Outcome] = []
                    var i = 0
                    while !phase.isOver {
                        i += 1
                        let content = "w\(w)-\(i)"
                        var request = HTTPClientRequest(url: "\(server.url)/v1/sessions/\(session)/messages")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(key)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"\#(content)"}]}"#))
                        let t0 = clock.now
                        var outcome = Outcome(status: 0, retryAfter: false, content: content, session: session, started: t0, seconds: 0)
                        do {
                            let response = try await http.execute(request, timeout: .seconds(20))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            outcome.status = response.status.code
                            outcome.retryAfter = response.headers.first(name: "Retry-After") != nil
                        } catch {
                            outcome.failure = "\(error)"
                        }
                        outcome.seconds = (clock.now - t0).seconds
                        mine.append(outcome)
                        if outcome.status == 201, let resumed = phase.resumedAt, t0 > resumed { phase.recovered(w) }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return mine
                }
            }
            group.addTask {
                // Two seconds of load, three of outage, then load until every writer has been
                // acknowledged again (at most 60 s).
                do {
                    try await Task.sleep(until: start + .seconds(2))
                    try pg.pause()
                    // At least 1.5 s down once the stop has finished: under the whole suite the
                    // stop itself (a shutdown checkpoint) can take most of the three seconds.
                    try await Task.sleep(until: max(start + .seconds(5), clock.now + .milliseconds(1500)))
                    try pg.resume()
                    phase.resume(at: clock.now)
                    let deadline = clock.now + .seconds(60)
                    while phase.recoveredCount < sessions.count, clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
                    try await Task.sleep(for: .milliseconds(500))
                } catch {
                    phase.fail("\(error)")
                }
                phase.end()
                return []
            }
            return await group.reduce(into: [Outcome]()) { $0 += $1 }
        }
        try await http.shutdown()

        #expect(phase.failure == nil, "\(phase.failure ?? "")")
        #expect(outcomes.allSatisfy { $0.failure == nil }, "\(outcomes.compactMap(\.failure).prefix(3))")
        let unavailable = outcomes.filter { $0.status == 503 }
        #expect(!unavailable.isEmpty, "the outage was seen")
        #expect(unavailable.allSatisfy { $0.retryAfter }, "every 503 says when to retry")
        #expect(outcomes.allSatisfy { $0.status == 201 || $0.status == 503 }, "\(Set(outcomes.map(\.status)))")
        #expect(outcomes.map(\.seconds).max()! < 5, "no request hung (slowest \(outcomes.map(\.seconds).max()!) s)")
        #expect(phase.recoveredCount == sessions.count, "after the restart every writer is acknowledged again")

        // Every acknowledged append is stored, once, in the order it was acknowledged.
        for session in sessions {
            let stored = try await client.messages("acme", session, .after(seq: 0, limit: 1000)).messages.map(\.content)
            let acknowledged = outcomes.filter { $0.session == session && $0.status == 201 }.sorted { $0.started < $1.started }.map(\.content)
            #expect(acknowledged.allSatisfy(stored.contains), "\(session): an acknowledged write is missing")
            #expect(Set(stored).count == stored.count, "\(session): a write is stored twice")
            #expect(stored.filter(acknowledged.contains) == acknowledged, "\(session): order")
        }
        #expect(server.terminate() == 0)
    }

    @Test("serve --dev on PostgreSQL makes its admin key once the store's connections run, and answers with it", .timeLimit(.minutes(1)))
    func devKeyOnPostgres() async throws {
        let store = try TestPostgres.freshURL()
        #expect(try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store]).status == 0)
        let server = try await ServerProcess(store: store, extraArguments: ["--dev"])
        let key = try #require(server.startOutput.split(separator: " ").last { $0.hasPrefix("as_") }.map { String($0.prefix { !$0.isWhitespace }) },
                               "\(server.startOutput)")
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "default")
        #expect(try await client.authenticate(secret: key)?.role == .admin)
        #expect(server.terminate() == 0)
    }

    @Test("SIGTERM in the middle of a burst: every create the server acknowledged has its audit record and its Idempotency-Key answer in PostgreSQL afterwards, written after the server stopped taking requests, and the server exits 0")
    func gracefulStopKeepsAnswers() async throws {
        let store = try TestPostgres.freshURL()
        #expect(try runProcess(builtExecutable("agentstate"), ["migrate", "--store", store]).status == 0)
        let key = try makeKey(store: store, tenant: "acme", role: "agent")
        let admin = try makeKey(store: store, tenant: "acme", role: "admin")
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        @Sendable func create(_ url: String, _ id: String) async -> (status: UInt, replayed: Bool, body: String)? {
            var request = HTTPClientRequest(url: "\(url)/v1/sessions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: "create-\(id)")
            request.body = .bytes(ByteBuffer(string: #"{"id":"\#(id)"}"#))
            guard let response = try? await http.execute(request, timeout: .seconds(10)),
                  let body = try? await response.body.collect(upTo: 1 << 20) else { return nil }
            return (response.status.code, response.headers.first(name: "Idempotent-Replayed") == "true", String(buffer: body))
        }
        let first = try await ServerProcess(store: store)
        let url = first.url
        // Sixteen writers create sessions as fast as they can; SIGTERM comes in the middle.
        let made = Count()
        let acknowledged = await withTaskGroup(of: [String: String].self) { group in
            for w in 0..<16 {
                group.addTask {
                    var mine: [String: String] = [:]
                    for i in 0..<1000 {
                        guard let answer = await create(url, "w\(w)-\(i)"), answer.status == 201 else { break }
                        mine["w\(w)-\(i)"] = answer.body
                        made.value.add(1, ordering: .relaxed)
                    }
                    return mine
                }
            }
            for _ in 0..<600 where made.value.load(ordering: .relaxed) < 64 { try? await Task.sleep(for: .milliseconds(50)) }
            #expect(first.terminate() == 0, "a clean exit, not a hang or a crash")
            return await group.reduce(into: [String: String]()) { $0.merge($1) { a, _ in a } }
        }
        #expect(acknowledged.count >= 64, "the burst was under way")

        let second = try await ServerProcess(store: store)
        let client = AgentStateClient(baseURL: second.url, apiKey: admin, tenant: "acme")
        var audited = 0
        var cursor: String? = nil
        repeat {
            let page = try await client.auditRecords("acme", AuditQuery(limit: 1000, cursor: cursor))
            audited += page.items.filter { $0.method == "POST" && $0.route == "/v1/sessions" && $0.status == 201 }.count
            cursor = page.nextCursor
        } while cursor != nil
        #expect(audited == acknowledged.count, "one audit record for each acknowledged create")
        for (id, body) in acknowledged.sorted(by: { $0.key < $1.key }) {
            guard let again = await create(second.url, id) else { Issue.record("\(id): no answer"); continue }
            #expect(again.status == 201 && again.replayed && again.body == body, "\(id): \(again.status) \(again.body)")
        }
        #expect(second.terminate() == 0)
        try await http.shutdown()
    }
}

/// A count shared by concurrent tasks.
final class Count: Sendable {
    let value = Atomic<Int>(0)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
