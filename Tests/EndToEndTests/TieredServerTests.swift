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

    @Test("with Redis stopped, reads and runs are served from SQLite and appends get 503 with Retry-After at once; after Redis is back, appends go on from the right seq")
    func redisOutage() async throws {
        let redis = try ThrowawayServer.start("redis")
        defer { redis.stop() }
        let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
        let server = try await ServerProcess(store: "sqlite:\(file)", extraArguments: ["--cache", redis.url + "?connect_timeout=1"])
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        _ = try await client.createSession("acme", SessionCreate(id: "chat"))
        _ = try await client.appendMessages("acme", "chat", [.user("before")], expectedLastSeq: 0)
        // The read flushes the turn into SQLite.
        #expect(try await client.messages("acme", "chat", .last(10)).messages.map(\.content) == ["before"])

        try redis.pause()
        #expect(try await client.messages("acme", "chat", .last(10)).messages.map(\.content) == ["before"])
        _ = try await client.createRun("acme", RunCreate(id: "r1", workflow: "w"))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "\(server.url)/v1/sessions/chat/messages")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"during"}]}"#))
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await http.execute(request, timeout: .seconds(20))
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers.first(name: "Retry-After") != nil)
        #expect(clock.now - start < .seconds(3))
        // The server stays ready, and says it is degraded and why.
        let ready = try await http.execute(HTTPClientRequest(url: "\(server.url)/health/ready"), timeout: .seconds(10))
        let body = String(buffer: try await ready.body.collect(upTo: 1 << 16))
        #expect(ready.status == .ok)
        #expect(body.contains(#""status":"degraded""#) && body.contains("unreachable"), "\(body)")
        let metrics = String(buffer: try await http.execute(HTTPClientRequest(url: "\(server.url)/metrics"), timeout: .seconds(10)).body.collect(upTo: 1 << 20))
        #expect(metrics.contains("agentstate_cache_up 0"), "\(metrics.split(separator: "\n").filter { $0.contains("cache") })")
        try await http.shutdown()

        try redis.resume()
        let deadline = clock.now + .seconds(15)
        var after: [Message] = []
        while after.isEmpty, clock.now < deadline {
            after = (try? await client.appendMessages("acme", "chat", [.user("after")], expectedLastSeq: nil)) ?? []
            if after.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(after.map(\.seq) == [2])
        #expect(try await client.messages("acme", "chat", .last(10)).messages.map(\.content) == ["before", "after"])
        let healthy = HTTPClient(eventLoopGroupProvider: .singleton)
        let again = String(buffer: try await healthy.execute(HTTPClientRequest(url: "\(server.url)/health/ready"), timeout: .seconds(10)).body.collect(upTo: 1 << 16))
        #expect(again.contains(#""status":"ok""#) && again.contains(#""cache":"ok""#), "\(again)")
        try await healthy.shutdown()
        #expect(server.terminate() == 0)
    }
}
