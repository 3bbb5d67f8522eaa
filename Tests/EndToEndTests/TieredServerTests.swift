import AgentState
import AgentStateClient
import AgentStateSQLite
import AgentStateTesting
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite("A server with the Redis hot tier over SQLite", .serialized)
struct TieredServerTests {
    @Test("kill -9 the server while every acknowledged turn is in Redis alone: after a restart every turn is there, once, in order, and in the SQLite file")
    func killedBeforeFlush() async throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
        let store = "tiered:\(redis.url)|sqlite:\(file)"
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")

        // The first server flushes nothing, so every turn is in Redis alone when it dies.
        var server = try await ServerProcess(store: store, environment: ["AGENTSTATE_FLUSHER": "off"])
        var client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        _ = try await client.createSession("acme", SessionCreate(id: "chat"))
        var acknowledged: [String] = []
        for i in 1...50 {
            let stored = try await client.appendMessages("acme", "chat", [.user("q\(i)"), .assistant("a\(i)")], expectedLastSeq: nil)
            #expect(stored.map(\.seq) == [Int64(2 * i - 1), Int64(2 * i)])
            acknowledged += ["q\(i)", "a\(i)"]
        }
        // Nothing flushes: the outbox holds an entry per append, and the oldest has waited.
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        try await Task.sleep(for: .milliseconds(20))
        let ready = String(buffer: try await http.execute(HTTPClientRequest(url: "\(server.url)/health/ready"), timeout: .seconds(10)).body.collect(upTo: 1 << 16))
        let health = try JSONParser.parse(ready)
        #expect(health["outbox_length"] == .int(50), "\(ready)")
        let lag: Double? = switch health["flush_lag_seconds"] {
        case .double(let d)?: d
        case .int(let i)?: Double(i)
        default: nil
        }
        #expect((lag ?? 0) > 0, "\(ready)")
        #expect(try await gauge("agentstate_outbox_length", http, server) == 50)
        try await http.shutdown()
        server.kill9()
        let beforeRestart = try SQLiteStore(path: file)
        #expect(try await beforeRestart.messages("acme", "chat", .after(seq: 0, limit: 1000)).messages.isEmpty)
        try await beforeRestart.close()

        server = try await ServerProcess(store: store)
        client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        let read = try await client.messages("acme", "chat", .after(seq: 0, limit: 1000)).messages
        #expect(read.map(\.content) == acknowledged)
        #expect(read.map(\.seq) == (1...100).map { Int64($0) })
        #expect(server.terminate() == 0)

        let durable = try SQLiteStore(path: file)
        #expect(try await durable.messages("acme", "chat", .after(seq: 0, limit: 1000)).messages.map(\.content) == acknowledged)
        try await durable.close()
    }

    @Test("with Redis stopped, reads, runs and appends are served by SQLite at once, and health says degraded; after Redis is back, appends go on from the right seq and reads come from Redis again")
    func redisOutage() async throws {
        let (redis, file, server, client) = try await serverOverSQLite(cacheOptions: "connect_timeout=1")
        defer { redis.stop() }
        _ = try await client.createSession("acme", SessionCreate(id: "chat"))
        _ = try await client.appendMessages("acme", "chat", [.user("before")], expectedLastSeq: 0)
        // The read flushes the turn into SQLite.
        #expect(try await client.messages("acme", "chat", .last(10)).messages.map(\.content) == ["before"])

        try redis.pause()
        #expect(try await client.messages("acme", "chat", .last(10)).messages.map(\.content) == ["before"])
        _ = try await client.createRun("acme", RunCreate(id: "r1", workflow: "w"))
        let clock = ContinuousClock()
        let start = clock.now
        for i in 1...20 {
            let stored = try await client.appendMessages("acme", "chat", [.user("during \(i)")], expectedLastSeq: Int64(i))
            #expect(stored.map(\.seq) == [Int64(i + 1)])
        }
        // Waiting on Redis would cost each append its 1 s connect timeout: 20 s in all.
        #expect(clock.now - start < .seconds(10), "appends do not wait on Redis")
        let durable = try SQLiteStore(path: file)
        #expect(try await durable.messages("acme", "chat", .after(seq: 0, limit: 100)).messages.count == 21, "in the SQLite file at once")
        try await durable.close()
        // The server stays ready, and says it is degraded and why.
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let ready = try await http.execute(HTTPClientRequest(url: "\(server.url)/health/ready"), timeout: .seconds(10))
        let body = String(buffer: try await ready.body.collect(upTo: 1 << 16))
        #expect(ready.status == .ok)
        #expect(body.contains(#""status":"degraded""#) && body.contains("unreachable"), "\(body)")
        #expect(try await gauge("agentstate_cache_up", http, server) == 0)

        try redis.resume()
        let deadline = clock.now + .seconds(15)
        while clock.now < deadline, try await gauge("agentstate_cache_up", http, server) != 1 {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await client.appendMessages("acme", "chat", [.user("after")], expectedLastSeq: 21).map(\.seq) == [22])
        func hitRatio() async throws -> Double? { try await gauge("agentstate_cache_hit_ratio", http, server) }
        let ratioBefore = try await hitRatio()
        let contents = ["before"] + (1...20).map { "during \($0)" } + ["after"]
        #expect(try await client.messages("acme", "chat", .last(50)).messages.map(\.content) == contents)
        let ratioAfter = try await hitRatio()
        #expect(ratioBefore != nil && ratioAfter != nil && ratioAfter! > ratioBefore!, "that read came from Redis, re-warmed")
        let again = String(buffer: try await http.execute(HTTPClientRequest(url: "\(server.url)/health/ready"), timeout: .seconds(10)).body.collect(upTo: 1 << 16))
        #expect(again.contains(#""status":"ok""#) && again.contains(#""cache":"ok""#), "\(again)")
        try await http.shutdown()
        #expect(server.terminate() == 0)
    }

    @Test("Redis stopped and started again under load from four writers: no append is refused, and every acknowledged turn is stored exactly once")
    func outageUnderLoad() async throws {
        let (redis, _, server, client) = try await serverOverSQLite(cacheOptions: "connect_timeout=1&timeout=1")
        defer { redis.stop() }
        let writers = 4
        for w in 0..<writers { _ = try await client.createSession("acme", SessionCreate(id: "chat\(w)")) }

        let clock = ContinuousClock()
        let end = clock.now + .seconds(7)
        let results = try await withThrowingTaskGroup(of: (Int, [String], Int).self) { group in
            for w in 0..<writers {
                group.addTask {
                    var acknowledged: [String] = []
                    var refused = 0
                    var i = 0
                    while clock.now < end {
                        i += 1
                        do {
                            _ = try await client.appendMessages("acme", "chat\(w)", [.user("w\(w) turn \(i)")], expectedLastSeq: nil)
                            acknowledged.append("w\(w) turn \(i)")
                        } catch {
                            refused += 1
                        }
                    }
                    return (w, acknowledged, refused)
                }
            }
            try await Task.sleep(for: .seconds(2))
            try redis.pause()
            try await Task.sleep(for: .seconds(2))
            try redis.resume()
            var all: [(Int, [String], Int)] = []
            for try await r in group { all.append(r) }
            return all
        }
        for (w, acknowledged, refused) in results {
            #expect(refused == 0, "writer \(w): \(refused) appends refused")
            // A read flushes what Redis holds; the stored turns are numbered 1... without gaps.
            var stored: [Message] = []
            while true {
                let page = try await client.messages("acme", "chat\(w)", .after(seq: stored.last?.seq ?? 0, limit: 1000)).messages
                stored += page
                if page.count < 1000 { break }
            }
            #expect(stored.map(\.seq) == (0..<Int64(stored.count)).map { $0 + 1 })
            let contents = stored.map(\.content)
            let missing = Set(acknowledged).subtracting(contents)
            #expect(missing.isEmpty && contents.count == Set(contents).count && contents.count == acknowledged.count,
                    "writer \(w): \(acknowledged.count) acknowledged, \(contents.count) stored, \(contents.count - Set(contents).count) twice, missing \(missing.sorted().prefix(5))")
        }
        // Alone this is well over a thousand turns; a full test run on two cores once left 72.
        #expect(results.map { $0.1.count }.reduce(0, +) > 40, "the load ran")
        #expect(server.terminate() == 0)
    }

    @Test("SIGTERM with turns in Redis alone: the server moves every acknowledged turn into the durable store before it exits")
    func drainsOnSigterm() async throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
        // After its first round the flusher waits ten minutes, and no sweep (which drains the
        // outbox too) runs: the later turns stay in Redis.
        let server = try await ServerProcess(store: "sqlite:\(file)", extraArguments: ["--cache", redis.url],
                                             environment: ["AGENTSTATE_FLUSH_LINGER_MS": "600000", "AGENTSTATE_SWEEP_INTERVAL": "off"])
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        var acknowledged: [String: Int] = [:]
        for s in 1...4 {
            let id = "chat-\(s)"
            _ = try await client.createSession("acme", SessionCreate(id: id))
            for turn in 1...25 {
                let stored = try await client.appendMessages("acme", id, [.user("question \(turn)"), .assistant("answer \(turn)")], expectedLastSeq: nil)
                acknowledged[id, default: 0] += stored.count
            }
        }
        func durableCounts() async throws -> [String: Int] {
            let durable = try SQLiteStore(path: file)
            var counts: [String: Int] = [:]
            for id in acknowledged.keys {
                counts[id] = try await durable.messages("acme", id, .after(seq: 0, limit: 1000)).messages.count
            }
            try await durable.close()
            return counts
        }
        let before = try await durableCounts()
        #expect(before.values.reduce(0, +) < 200, "turns waited in Redis alone: \(before)")
        #expect(server.terminate() == 0)
        // Nothing is left to recover from: Redis goes, and the SQLite file holds every turn.
        redis.stop()
        #expect(try await durableCounts() == acknowledged)
    }

    /// A throwaway Redis and a server caching a new SQLite file in it, with a client of tenant
    /// `acme`; the caller stops the Redis.
    private func serverOverSQLite(cacheOptions: String) async throws -> (ThrowawayServer, String, ServerProcess, AgentStateClient) {
        let redis = try ThrowawayServer.start("redis")
        do {
            let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
            let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
            let server = try await ServerProcess(store: "sqlite:\(file)", extraArguments: ["--cache", redis.url + "?" + cacheOptions])
            return (redis, file, server, AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme"))
        } catch {
            redis.stop()
            throw error
        }
    }

    /// A gauge's value from `/metrics` (its sample line, not its help text).
    private func gauge(_ name: String, _ http: HTTPClient, _ server: ServerProcess) async throws -> Double? {
        let text = String(buffer: try await http.execute(HTTPClientRequest(url: "\(server.url)/metrics"), timeout: .seconds(10)).body.collect(upTo: 1 << 20))
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ")[1]) }
    }
}
